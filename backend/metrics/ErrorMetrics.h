// Error between a reference tensor (FP32) and a test tensor (quantized), accumulated streaming so
// that many images can be aggregated without holding their tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ql {

struct ErrorMetrics {
    double sqnrDb = std::numeric_limits<double>::infinity();  // 20·log10(‖x‖/‖x−y‖); +inf when equal
    double cosine = 1.0;
    double mse = 0.0;
    double maxAbsError = 0.0;
    uint64_t count = 0;
};

class ErrorAccumulator {
public:
    void add(const float* reference, const float* test, size_t n);
    void add(const std::vector<float>& reference, const std::vector<float>& test);
    void merge(const ErrorAccumulator& other);
    // Adds sums a caller computed itself (a fused loop over several tensors at once).
    void addSums(double sumRef2, double sumTest2, double sumDot, double sumDiff2, double maxAbs, uint64_t count);
    ErrorMetrics result() const;
    uint64_t count() const { return count_; }

private:
    double sumRef2_ = 0, sumTest2_ = 0, sumDot_ = 0, sumDiff2_ = 0, maxAbs_ = 0;
    uint64_t count_ = 0;
};

// An SQNR for people: two decimals, "inf" for an exact match.
std::string formatDb(double db);

ErrorMetrics computeError(const std::vector<float>& reference, const std::vector<float>& test);

// One ErrorMetrics per slice along `axis` of a tensor of `shape` (per output channel).
std::vector<ErrorMetrics> computeErrorPerChannel(const std::vector<float>& reference,
                                                 const std::vector<float>& test,
                                                 const std::vector<int64_t>& shape, int axis);

}  // namespace ql
