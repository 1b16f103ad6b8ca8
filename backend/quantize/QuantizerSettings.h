// The options of a static QDQ quantization, named as ONNX Runtime's quantize_static names them,
// with export to JSON and to a ready-to-run Python quantize_static(...) call.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "quantize/Calibrator.h"

namespace ql {

enum class QuantType { QInt8, QUInt8 };
std::string quantTypeName(QuantType type);  // "QInt8", "QUInt8"
Result<QuantType> parseQuantType(const std::string& text);

struct QuantizerSettings {
    QuantType activationType = QuantType::QUInt8;
    QuantType weightType = QuantType::QInt8;
    bool perChannel = false;
    bool reduceRange = false;               // 7-bit weights, as ONNX Runtime
    bool activationSymmetric = false;
    std::optional<bool> weightSymmetric;    // unset: symmetric for QInt8 weights, as ONNX Runtime
    bool quantizeBias = true;
    std::vector<std::string> opTypesToQuantize;  // empty: ONNX Runtime's default set
    std::vector<std::string> nodesToQuantize;    // empty: every node of those types
    std::vector<std::string> nodesToExclude;
    // ONNX Runtime's extra option OpTypesToExcludeOutputQuantization: nodes of these types get Q/DQ
    // on their inputs only (the TensorRT placement).
    std::vector<std::string> opTypesToExcludeOutputQuantization;
    std::string preset;        // "" or "tensorrt": the defaults these settings started from (recorded only)
    int upgradeOpset = 0;      // 0, or the opset the model was converted to before calibration (onnx.version_converter)
    bool keepLastLayerFloat = false;  // the detector head's last compute nodes were added to nodesToExclude

    bool effectiveWeightSymmetric() const { return weightSymmetric.value_or(weightType == QuantType::QInt8); }

    nlohmann::json toJson() const;
    static Result<QuantizerSettings> fromJson(const nlohmann::json& j);
    // A Python script running onnxruntime.quantization.quantize_static with these settings.
    std::string toPython(const std::string& fp32Path, const std::string& outputPath, const std::string& imagesFolder,
                         const std::string& inputName, const CalibrationOptions& calibration) const;
};

// The presets `--preset` names: "tensorrt".
const std::vector<std::string>& presetNames();
// The settings a preset starts from; explicit options are applied on top by the caller.
//  tensorrt: TensorRT explicit quantization. Symmetric INT8 activations and weights (zero point 0),
//            per-channel weights, Q/DQ on the inputs (not the outputs) of Conv, ConvTranspose, MatMul,
//            Gemm and Add, biases left float.
Result<QuantizerSettings> presetSettings(const std::string& name);

// The op types ONNX Runtime quantizes when op_types_to_quantize is not given.
const std::vector<std::string>& defaultOpTypesToQuantize();

}  // namespace ql
