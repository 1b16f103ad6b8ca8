// Static QDQ quantization as onnxruntime.quantization.quantize_static(quant_format=QDQ) does it:
// the same choice of tensors per operator, the same scales and zero points from the same
// calibration ranges, and ONNX Runtime's names for every node and tensor it adds, so the result
// works with ONNX Runtime's tools and with QuantLens' own comparison.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/OnnxModel.h"
#include "quantize/Calibrator.h"
#include "quantize/QuantizerSettings.h"

namespace ql {

struct QuantizationSummary {
    int quantizedNodes = 0;
    int activations = 0;
    int weights = 0;
    int biases = 0;
    std::vector<std::string> warnings;
    std::string qdqDomain;  // "" (ai.onnx) or "com.microsoft"
    // The float range each activation's Q/DQ encodes (rmin, rmax before 0 is added), by tensor:
    // the calibrated range, an override's rmin/rmax, or the range an override's scale/zero point
    // spans. Outputs quantized "same as input" carry their input's. For --export-calibration.
    std::map<std::string, std::pair<float, float>> activationRanges;
};

struct QuantizedModel {
    OnnxModel model;
    QuantizationSummary summary;
};

// What makes `model` unfit for these settings, said before calibration: unknown node names, an
// already quantized model (QDQ, QOperator or dynamic; the message names the format and what was found),
// an opset below 10, per-channel weights below opset 13, TensorQuantOverrides naming tensors the
// model lacks or combining options ONNX Runtime refuses. quantizeQdq checks the same.
Status checkQuantizable(const OnnxModel& model, const QuantizerSettings& settings);

// Validates the settings against the model (unknown node names are errors), then quantizes with
// the calibration ranges. The FP32 model is not changed.
Result<QuantizedModel> quantizeQdq(const OnnxModel& fp32, const CalibrationData& calibration, const QuantizerSettings& settings);

// Scale and zero point as ONNX Runtime's compute_scale_zp: the range always includes 0.
struct ScaleZeroPoint {
    float scale = 1.0f;
    int64_t zeroPoint = 0;
};
ScaleZeroPoint computeScaleZeroPoint(float rmin, float rmax, int64_t qmin, int64_t qmax, bool symmetric);
void quantRange(QuantType type, bool reduceRange, bool symmetric, int64_t* qmin, int64_t* qmax);

}  // namespace ql
