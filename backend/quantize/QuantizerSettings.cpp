#include "quantize/QuantizerSettings.h"

#include <iomanip>
#include <sstream>

#include "quantize/NodeList.h"

namespace ql {

std::string quantTypeName(QuantType t) { return t == QuantType::QInt8 ? "QInt8" : "QUInt8"; }

Result<QuantType> parseQuantType(const std::string& text) {
    std::string t;
    for (const char c : text)
        t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t == "qint8" || t == "int8")
        return QuantType::QInt8;
    if (t == "quint8" || t == "uint8")
        return QuantType::QUInt8;
    return Error{"unknown quantization type '" + text + "' (use QInt8 or QUInt8)"};
}

const std::vector<std::string>& defaultOpTypesToQuantize() {
    // ONNX Runtime's QLinearOpsRegistry and QDQRegistry keys together.
    static const std::vector<std::string> ops = {
        "ArgMax", "AveragePool", "BatchNormalization", "Clip", "Concat", "Conv", "ConvTranspose",
        "EmbedLayerNormalization", "Gather", "GatherElements", "Gemm", "GlobalAveragePool", "InstanceNormalization",
        "LayerNormalization", "LeakyRelu", "MatMul", "MaxPool", "Mul", "Add", "Pad", "Relu", "Reshape", "Resize",
        "Sigmoid", "Slice", "Softmax", "Split", "Squeeze", "Transpose", "Unsqueeze", "Where"};
    return ops;
}

const std::vector<std::string>& presetNames() {
    static const std::vector<std::string> names = {"tensorrt"};
    return names;
}

Result<QuantizerSettings> presetSettings(const std::string& name) {
    if (name != "tensorrt")
        return Error{"unknown preset '" + name + "' (known: tensorrt)"};
    // TensorRT's "Q/DQ Layer-Placement Recommendations" (NVIDIA TensorRT Developer Guide, Working with
    // Quantized Types, https://docs.nvidia.com/deeplearning/tensorrt/latest/inference-library/work-quantized-types.html):
    // TensorRT's quantization is symmetric (INT8, zero point 0); quantize all inputs of weighted
    // operations (Convolution, Transposed Convolution, GEMM); by default do not quantize their outputs;
    // quantize the residual input of an Add so that TensorRT can fuse Conv + Add. pytorch-quantization's
    // QAT exports (YOLOv9-QAT) follow the same placement with per-channel (axis 0) weight scales and
    // leave biases float, which TensorRT fuses into the Conv itself (its DequantizeLinear takes 8-bit input).
    QuantizerSettings s;
    s.preset = name;
    s.activationType = QuantType::QInt8;
    s.weightType = QuantType::QInt8;
    s.activationSymmetric = true;
    s.weightSymmetric = true;
    s.perChannel = true;
    s.quantizeBias = false;
    s.opTypesToQuantize = {"Conv", "ConvTranspose", "MatMul", "Gemm", "Add"};
    s.opTypesToExcludeOutputQuantization = {"Conv", "ConvTranspose", "MatMul", "Gemm", "Add"};
    return s;
}

nlohmann::json QuantizerSettings::toJson() const {
    nlohmann::json j = {{"quant_format", "QDQ"},
                        {"activation_type", quantTypeName(activationType)},
                        {"weight_type", quantTypeName(weightType)},
                        {"per_channel", perChannel},
                        {"reduce_range", reduceRange},
                        {"op_types_to_quantize", opTypesToQuantize},
                        {"nodes_to_quantize", nodesToQuantize},
                        {"nodes_to_exclude", nodesToExclude},
                        {"extra_options", {{"ActivationSymmetric", activationSymmetric},
                                           {"WeightSymmetric", effectiveWeightSymmetric()},
                                           {"QuantizeBias", quantizeBias}}}};
    if (!opTypesToExcludeOutputQuantization.empty())
        j["extra_options"]["OpTypesToExcludeOutputQuantization"] = opTypesToExcludeOutputQuantization;
    if (!preset.empty())
        j["preset"] = preset;
    if (upgradeOpset > 0)
        j["upgrade_opset"] = upgradeOpset;
    if (keepLastLayerFloat)
        j["keep_last_layer_float"] = true;
    return j;
}

Result<QuantizerSettings> QuantizerSettings::fromJson(const nlohmann::json& j) {
    return catchErrors("quantization settings", [&]() -> Result<QuantizerSettings> {
        QuantizerSettings s;
        auto a = parseQuantType(j.value("activation_type", "QUInt8"));
        auto w = parseQuantType(j.value("weight_type", "QInt8"));
        if (!a)
            return a.error();
        if (!w)
            return w.error();
        s.activationType = *a;
        s.weightType = *w;
        s.perChannel = j.value("per_channel", false);
        s.reduceRange = j.value("reduce_range", false);
        s.opTypesToQuantize = j.value("op_types_to_quantize", std::vector<std::string>{});
        s.nodesToQuantize = j.value("nodes_to_quantize", std::vector<std::string>{});
        s.nodesToExclude = j.value("nodes_to_exclude", std::vector<std::string>{});
        s.preset = j.value("preset", std::string());
        s.upgradeOpset = j.value("upgrade_opset", 0);
        s.keepLastLayerFloat = j.value("keep_last_layer_float", false);
        if (j.contains("extra_options")) {
            const auto& e = j.at("extra_options");
            s.activationSymmetric = e.value("ActivationSymmetric", false);
            if (e.contains("WeightSymmetric"))
                s.weightSymmetric = e.at("WeightSymmetric").get<bool>();
            s.quantizeBias = e.value("QuantizeBias", true);
            s.opTypesToExcludeOutputQuantization = e.value("OpTypesToExcludeOutputQuantization", std::vector<std::string>{});
        }
        return s;
    });
}

std::string QuantizerSettings::toPython(const std::string& fp32Path, const std::string& outputPath, const std::string& imagesFolder,
                                        const std::string& inputName, const CalibrationOptions& c) const {
    auto py = [](bool b) { return b ? "True" : "False"; };
    const PreprocessOptions& p = c.preprocess;
    std::ostringstream s;
    s << std::setprecision(9);  // 1/255 must survive the round trip
    s << "# Generated by QuantLens: the same quantization with ONNX Runtime.\n"
         "import glob\n\nimport cv2\nimport numpy as np\n"
         "from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static\n\n\n"
         "def preprocess(path):\n"
         "    image = cv2.imread(path)\n"
         "    h, w = image.shape[:2]\n";
    if (p.resize == ResizeMode::Stretch) {
        s << "    image = cv2.resize(image, (" << p.width << ", " << p.height << "), interpolation=cv2.INTER_LINEAR)\n";
    } else {
        s << "    r = min(" << p.width << " / w, " << p.height << " / h)\n"
          << "    nw, nh = int(round(w * r)), int(round(h * r))\n"
          << "    image = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_LINEAR)\n";
        if (p.resize == ResizeMode::Letterbox)
            s << "    left, top = int(round((" << p.width << " - nw) / 2 - 0.1)), int(round((" << p.height << " - nh) / 2 - 0.1))\n";
        else
            s << "    left, top = 0, 0\n";
        s << "    image = cv2.copyMakeBorder(image, top, " << p.height << " - nh - top, left, " << p.width
          << " - nw - left, cv2.BORDER_CONSTANT, value=(" << p.padValue << ", " << p.padValue << ", " << p.padValue << "))\n";
    }
    if (p.rgb)
        s << "    image = image[:, :, ::-1]\n";
    s << "    x = image.astype(np.float32) * " << p.scale << "\n"
      << "    x = (x - np.array([" << p.mean[0] << ", " << p.mean[1] << ", " << p.mean[2] << "], np.float32)) / np.array(["
      << p.stddev[0] << ", " << p.stddev[1] << ", " << p.stddev[2] << "], np.float32)\n"
      << "    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])\n\n\n"
      << "class Images(CalibrationDataReader):\n"
      << "    def __init__(self, folder, input_name):\n"
      << "        files = sorted(f for ext in ('jpg', 'jpeg', 'png', 'bmp') for f in glob.glob(f'{folder}/**/*.{ext}', recursive=True))\n"
      << "        self.batches = iter([{input_name: preprocess(f)} for f in files])\n\n"
      << "    def get_next(self):\n"
      << "        return next(self.batches, None)\n\n\n";
    std::string modelPath = fp32Path;
    if (upgradeOpset > 0) {
        // The same conversion QuantLens made before calibrating (ONNX's version converter).
        s << "import onnx\nfrom onnx import version_converter\n\n"
          << "onnx.save(version_converter.convert_version(onnx.load('" << fp32Path << "'), " << upgradeOpset << "), '"
          << fp32Path << ".opset" << upgradeOpset << ".onnx')\n\n\n";
        modelPath = fp32Path + ".opset" + std::to_string(upgradeOpset) + ".onnx";
    }
    if (!preset.empty())
        s << "# Preset: " << preset << (keepLastLayerFloat ? " (last detector layers kept float: see nodes_to_exclude)" : "") << "\n";
    const char* method = c.method == CalibrationMethod::MinMax ? "MinMax" : c.method == CalibrationMethod::Entropy ? "Entropy" : "Percentile";
    s << "quantize_static(\n"
      << "    '" << modelPath << "',\n"
      << "    '" << outputPath << "',\n"
      << "    Images('" << imagesFolder << "', '" << inputName << "'),\n"
      << "    quant_format=QuantFormat.QDQ,\n"
      << "    activation_type=QuantType." << quantTypeName(activationType) << ",\n"
      << "    weight_type=QuantType." << quantTypeName(weightType) << ",\n"
      << "    per_channel=" << py(perChannel) << ",\n"
      << "    reduce_range=" << py(reduceRange) << ",\n"
      << "    calibrate_method=CalibrationMethod." << method << ",\n";
    if (!opTypesToQuantize.empty())
        s << "    op_types_to_quantize=" << toPythonList(opTypesToQuantize) << ",\n";
    if (!nodesToQuantize.empty())
        s << "    nodes_to_quantize=" << toPythonList(nodesToQuantize) << ",\n";
    s << "    nodes_to_exclude=" << toPythonList(nodesToExclude) << ",\n"
      << "    extra_options={\n"
      << "        'ActivationSymmetric': " << py(activationSymmetric) << ",\n"
      << "        'WeightSymmetric': " << py(effectiveWeightSymmetric()) << ",\n"
      << "        'QuantizeBias': " << py(quantizeBias) << ",\n";
    if (!opTypesToExcludeOutputQuantization.empty())
        s << "        'OpTypesToExcludeOutputQuantization': " << toPythonList(opTypesToExcludeOutputQuantization) << ",\n";
    if (c.method == CalibrationMethod::MinMax && c.movingAverage)
        s << "        'CalibMovingAverage': True,\n        'CalibMovingAverageConstant': " << c.averagingConstant << ",\n";
    if (c.method == CalibrationMethod::Percentile)
        s << "        'CalibPercentile': " << c.percentile << ",\n";
    if (c.method != CalibrationMethod::MinMax && c.histogramBins)
        s << "        'CalibNumBins': " << c.histogramBins << ",\n";
    if (c.method != CalibrationMethod::MinMax && c.symmetric)
        s << "        'CalibTensorRangeSymmetric': True,\n";
    s << "    },\n)\n";
    return s.str();
}

}  // namespace ql
