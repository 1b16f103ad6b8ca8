// A QuantLens operator for ONNX Runtime: MinMax (domain com.quantlens) passes its float input
// through unchanged (output 0, an alias of the input, no copy) and outputs its [min, max]
// (output 1). Calibration puts one after every tensor it measures (quantize/MinMaxCalibration).
#pragma once

#include <cstddef>

struct OrtCustomOp;

namespace ql {

inline constexpr const char* kMinMaxOp = "MinMax";

const OrtCustomOp* minMaxOp();

// The kernel's reduction, also used wherever a tensor's range is measured outside ONNX Runtime:
// {+inf, -inf} for no values; NaNs are skipped.
void minMaxOf(const float* values, size_t count, float* min, float* max);

}  // namespace ql
