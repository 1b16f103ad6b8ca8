// A QuantLens operator for ONNX Runtime: FakeQuant (domain com.quantlens) does in one pass what an
// activation's QuantizeLinear -> DequantizeLinear pair does in two. Output 0 is the input rounded
// onto the integer grid and back (what the DequantizeLinear outputs); output 1 holds the sums of
// that rounding error over the run (FakeQuantSums), so the activation analysis never has to read
// the unrounded tensor again. Attributes: scale (float), zero_point, qmin, qmax (int).
#pragma once

#include <cstddef>
#include <cstdint>

struct OrtCustomOp;

namespace ql {

inline constexpr const char* kFakeQuantOp = "FakeQuant";

struct FakeQuantParams {
    float scale = 1.0f;
    int64_t zeroPoint = 0;
    int64_t qmin = -128;
    int64_t qmax = 127;
};

// Layout of output 1 (double): input = before rounding, output = after.
enum FakeQuantSum {
    kSumInput2,
    kSumOutput2,
    kSumInputOutput,
    kSumDiff2,
    kMaxAbsDiff,
    kCount,
    kOutputMin,
    kOutputMax,
    kFakeQuantSums
};

// The kernel's computation, exposed for tests: rounds as ONNX Runtime's QuantizeLinear does
// (divide by scale, clamp, round half to even), dequantizes, and fills `sums`.
void fakeQuantize(const float* input, size_t count, const FakeQuantParams& params, float* output,
                  double sums[kFakeQuantSums]);

const OrtCustomOp* fakeQuantOp();

}  // namespace ql
