// Fixed-bin histograms as data for plots: FP32 values, quantized values and their error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ql {

struct Histogram {
    double lo = 0.0;
    double hi = 0.0;
    std::vector<uint64_t> counts;
    uint64_t underflow = 0;  // values below lo (streaming use, when the range was fixed early)
    uint64_t overflow = 0;

    Histogram() = default;
    Histogram(double lo, double hi, int bins);
    void add(const float* values, size_t n);
    // Every `stride`-th value: a cheap, faithful picture of a very large tensor's distribution.
    void addStrided(const float* values, size_t n, size_t stride);
    void add(const std::vector<float>& values) { add(values.data(), values.size()); }
    double binWidth() const { return counts.empty() ? 0.0 : (hi - lo) / static_cast<double>(counts.size()); }
    double binCenter(size_t bin) const { return lo + (static_cast<double>(bin) + 0.5) * binWidth(); }
    uint64_t total() const;
};

// FP32 and quantized histograms share one range so they overlay; the error histogram is
// symmetric around zero.
struct HistogramSet {
    Histogram reference;
    Histogram quantized;
    Histogram error;
};

constexpr int kDefaultHistogramBins = 128;

HistogramSet makeHistograms(const std::vector<float>& reference, const std::vector<float>& quantized,
                            int bins = kDefaultHistogramBins);

}  // namespace ql
