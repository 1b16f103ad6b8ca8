#include "metrics/ErrorMetrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace ql {

void ErrorAccumulator::add(const float* reference, const float* test, size_t n) {
    // Float partial sums over short blocks vectorise (the loop is the hot path of activation
    // analysis); the blocks' sums are added in double, which keeps the totals accurate.
    constexpr size_t kBlock = 4096;
    for (size_t start = 0; start < n; start += kBlock) {
        const size_t end = std::min(n, start + kBlock);
        float r2 = 0, t2 = 0, dot = 0, d2 = 0, maxAbs = 0;
#pragma omp simd reduction(+ : r2, t2, dot, d2) reduction(max : maxAbs)
        for (size_t i = start; i < end; ++i) {
            const float x = reference[i];
            const float y = test[i];
            const float d = x - y;
            r2 += x * x;
            t2 += y * y;
            dot += x * y;
            d2 += d * d;
            maxAbs = std::max(maxAbs, std::fabs(d));
        }
        addSums(r2, t2, dot, d2, maxAbs, end - start);
    }
}

void ErrorAccumulator::addSums(double sumRef2, double sumTest2, double sumDot, double sumDiff2, double maxAbs, uint64_t count) {
    sumRef2_ += sumRef2;
    sumTest2_ += sumTest2;
    sumDot_ += sumDot;
    sumDiff2_ += sumDiff2;
    maxAbs_ = std::max(maxAbs_, maxAbs);
    count_ += count;
}

void ErrorAccumulator::add(const std::vector<float>& reference, const std::vector<float>& test) {
    if (reference.size() != test.size())
        throw std::invalid_argument("ErrorAccumulator::add: tensors differ in size");
    add(reference.data(), test.data(), reference.size());
}

void ErrorAccumulator::merge(const ErrorAccumulator& o) {
    sumRef2_ += o.sumRef2_;
    sumTest2_ += o.sumTest2_;
    sumDot_ += o.sumDot_;
    sumDiff2_ += o.sumDiff2_;
    maxAbs_ = std::max(maxAbs_, o.maxAbs_);
    count_ += o.count_;
}

ErrorMetrics ErrorAccumulator::result() const {
    ErrorMetrics m;
    m.count = count_;
    if (count_ == 0)
        return m;
    m.mse = sumDiff2_ / static_cast<double>(count_);
    m.maxAbsError = maxAbs_;
    if (sumDiff2_ == 0.0)
        m.sqnrDb = std::numeric_limits<double>::infinity();
    else if (sumRef2_ == 0.0)
        m.sqnrDb = -std::numeric_limits<double>::infinity();
    else
        m.sqnrDb = 10.0 * std::log10(sumRef2_ / sumDiff2_);
    if (sumRef2_ == 0.0 && sumTest2_ == 0.0)
        m.cosine = 1.0;
    else if (sumRef2_ == 0.0 || sumTest2_ == 0.0)
        m.cosine = 0.0;
    else
        m.cosine = sumDot_ / std::sqrt(sumRef2_ * sumTest2_);
    return m;
}

ErrorMetrics computeError(const std::vector<float>& reference, const std::vector<float>& test) {
    ErrorAccumulator acc;
    acc.add(reference, test);
    return acc.result();
}

std::vector<ErrorMetrics> computeErrorPerChannel(const std::vector<float>& reference,
                                                 const std::vector<float>& test,
                                                 const std::vector<int64_t>& shape, int axis) {
    if (reference.size() != test.size())
        throw std::invalid_argument("computeErrorPerChannel: tensors differ in size");
    const int rank = static_cast<int>(shape.size());
    if (axis < 0)
        axis += rank;
    if (rank == 0 || axis < 0 || axis >= rank)
        return {computeError(reference, test)};
    size_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d)
        outer *= static_cast<size_t>(shape[static_cast<size_t>(d)]);
    for (int d = axis + 1; d < rank; ++d)
        inner *= static_cast<size_t>(shape[static_cast<size_t>(d)]);
    const size_t channels = static_cast<size_t>(shape[static_cast<size_t>(axis)]);
    std::vector<ErrorAccumulator> acc(channels);
    for (size_t o = 0; o < outer; ++o)
        for (size_t c = 0; c < channels; ++c) {
            const size_t offset = (o * channels + c) * inner;
            acc[c].add(reference.data() + offset, test.data() + offset, inner);
        }
    std::vector<ErrorMetrics> out;
    out.reserve(channels);
    for (const auto& a : acc)
        out.push_back(a.result());
    return out;
}

std::string formatDb(double db) {
    if (std::isinf(db))
        return db > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", db);
    return buf;
}

}  // namespace ql
