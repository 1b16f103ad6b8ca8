#include "metrics/Histogram.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ql {

Histogram::Histogram(double lo_, double hi_, int bins)
    : lo(lo_), hi(hi_), counts(static_cast<size_t>(std::max(bins, 1)), 0) {
    if (!(hi > lo)) {  // a constant tensor still gets visible bins, centred on its value
        const double half = lo == 0.0 ? 0.5 : std::fabs(lo) * 1e-3;
        lo -= half;
        hi += half;
    }
}

void Histogram::add(const float* values, size_t n) { addStrided(values, n, 1); }

void Histogram::addStrided(const float* values, size_t n, size_t stride) {
    const double scale = static_cast<double>(counts.size()) / (hi - lo);
    const size_t last = counts.size() - 1;
    for (size_t i = 0; i < n; i += stride) {
        const double v = values[i];
        if (!(v >= lo)) {  // NaN lands here too
            ++underflow;
            continue;
        }
        if (v > hi) {
            ++overflow;
            continue;
        }
        counts[std::min(static_cast<size_t>((v - lo) * scale), last)]++;
    }
}

uint64_t Histogram::total() const {
    return std::accumulate(counts.begin(), counts.end(), uint64_t{0}) + underflow + overflow;
}

HistogramSet makeHistograms(const std::vector<float>& reference, const std::vector<float>& quantized, int bins) {
    float lo = 0.0f, hi = 0.0f;
    bool first = true;
    for (const auto* v : {&reference, &quantized}) {
        if (v->empty())
            continue;
        const auto [mn, mx] = std::minmax_element(v->begin(), v->end());
        lo = first ? *mn : std::min(lo, *mn);
        hi = first ? *mx : std::max(hi, *mx);
        first = false;
    }
    HistogramSet set{Histogram(lo, hi, bins), Histogram(lo, hi, bins), {}};
    set.reference.add(reference);
    set.quantized.add(quantized);
    const size_t n = std::min(reference.size(), quantized.size());
    std::vector<float> error(n);
    float maxAbs = 0.0f;
    for (size_t i = 0; i < n; ++i) {
        error[i] = quantized[i] - reference[i];
        maxAbs = std::max(maxAbs, std::fabs(error[i]));
    }
    set.error = Histogram(-maxAbs, maxAbs, bins);
    set.error.add(error);
    return set;
}

}  // namespace ql
