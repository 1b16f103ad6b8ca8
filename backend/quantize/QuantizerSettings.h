// The options of a static QDQ quantization, named as ONNX Runtime's quantize_static names them,
// with export to JSON and to a ready-to-run Python quantize_static(...) call.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "quantize/Calibrator.h"

namespace ql {

// ONNX Runtime's QuantType members QuantLens writes. QInt4/QUInt4 are parsed so that a file naming
// them is refused with a clear message (QuantLens does not write packed 4-bit tensors).
enum class QuantType { QInt8, QUInt8, QInt16, QUInt16, QInt4, QUInt4 };
std::string quantTypeName(QuantType type);  // "QInt8", "QUInt8", "QInt16", ...
// Accepts "QInt16", "QuantType.QInt16", "int16" (any case).
Result<QuantType> parseQuantType(const std::string& text);
int quantTypeElement(QuantType type);       // onnx::TensorProto element type: INT8, UINT16, ...
bool isSigned(QuantType type);
int quantTypeBits(QuantType type);          // 8, 16 or 4

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
    std::string preset;        // "" or "tensorrt": the defaults these settings started from (recorded)
    // TensorRT's Q/DQ placement instead of ONNX Runtime's (set by the tensorrt preset; QuantLens only,
    // quantize_static has no such option): a Q/DQ pair is read only by the layers TensorRT runs in INT8
    // from it, i.e. the inputs of Conv/ConvTranspose/MatMul/Gemm and the residual (non-Conv) input of an
    // Add that follows a Conv (directly or through a pointwise activation such as SiLU); other consumers
    // of the same tensor (a Concat, a Sigmoid) read the float tensor. A Concat's inputs stay float and
    // the Q/DQ after it (on the next Conv's input) carries one scale for all of them: the calibrated
    // range of its output, i.e. the union of its inputs' ranges. An Add with no Conv side stays float.
    bool tensorRtPlacement = false;
    int upgradeOpset = 0;      // 0, or the opset the model was converted to before calibration (onnx.version_converter)
    bool keepLastLayerFloat = false;  // the detector head's last compute nodes were added to nodesToExclude
    // ONNX Runtime's extra option TensorQuantOverrides, kept in its own form: a JSON object from
    // tensor name to a list of dicts (quant_type as a QuantType name, symmetric, reduce_range,
    // scale + zero_point, rmin / rmax, axis; one dict per channel for per-channel weights).
    // Checked against the model by checkQuantizable (validateTensorOverrides).
    nlohmann::json tensorQuantOverrides = nlohmann::json::object();
    std::string tensorOverridesSource;  // the file they came from, for messages (not saved)
    // ONNX Runtime's extra option UseQDQContribOps: Q/DQ nodes in the com.microsoft domain. ONNX
    // Runtime also switches to that domain by itself below opset 21 when a 16-bit type is used.
    bool useQdqContribOps = false;

    // ONNX Runtime's default: symmetric for signed weight types (QInt8, QInt16).
    bool effectiveWeightSymmetric() const { return weightSymmetric.value_or(isSigned(weightType)); }
    bool hasTensorOverrides() const { return tensorQuantOverrides.is_object() && !tensorQuantOverrides.empty(); }

    nlohmann::json toJson() const;
    static Result<QuantizerSettings> fromJson(const nlohmann::json& j);
    // A Python script running onnxruntime.quantization.quantize_static with these settings.
    std::string toPython(const std::string& fp32Path, const std::string& outputPath, const std::string& imagesFolder,
                         const std::string& inputName, const CalibrationOptions& calibration) const;
};

// TensorQuantOverrides as ONNX Runtime takes them, checked for what needs no model (ONNX Runtime's
// TensorQuantOverridesHelper.is_valid rules: scale with zero_point and without symmetric /
// reduce_range / rmin / rmax, per-channel entries agreeing with the first) and normalised
// (quant_type as "QInt16"). QuantLens also refuses keys it does not know, 'convert', and 4-bit types.
// Errors name the entry: "entry 'x' (dict 2): ...".
Result<nlohmann::json> parseTensorOverrides(const nlohmann::json& overrides);
// A Python dict literal for extra_options={'TensorQuantOverrides': ...}: QuantType members and
// numpy float32 scales/ranges, zero points in their type's numpy dtype (as ONNX Runtime expects):
// the entry's quant_type, else the weight type for per-channel (axis) entries, else the activation
// type (ONNX Runtime casts a weight's zero point to its type anyway).
std::string tensorOverridesToPython(const nlohmann::json& overrides, QuantType defaultActivationType, QuantType defaultWeightType);

// The presets `--preset` names: "tensorrt".
const std::vector<std::string>& presetNames();
// The settings a preset starts from; explicit options are applied on top by the caller.
//  tensorrt: TensorRT explicit quantization. Symmetric INT8 activations and weights (zero point 0),
//            per-channel weights, Q/DQ on the inputs (not the outputs) of Conv, ConvTranspose, MatMul
//            and Gemm and on the residual input of a Conv + Add, none on Concat inputs
//            (tensorRtPlacement), biases left float.
Result<QuantizerSettings> presetSettings(const std::string& name);

// The op types ONNX Runtime quantizes when op_types_to_quantize is not given.
const std::vector<std::string>& defaultOpTypesToQuantize();

}  // namespace ql
