#include "quantize/QuantizerSettings.h"

#include <cmath>
#include <iomanip>
#include <set>
#include <sstream>

#include "quantize/NodeList.h"

namespace ql {

std::string quantTypeName(QuantType t) {
    switch (t) {
    case QuantType::QInt8: return "QInt8";
    case QuantType::QUInt8: return "QUInt8";
    case QuantType::QInt16: return "QInt16";
    case QuantType::QUInt16: return "QUInt16";
    case QuantType::QInt4: return "QInt4";
    case QuantType::QUInt4: return "QUInt4";
    }
    return "?";
}

Result<QuantType> parseQuantType(const std::string& text) {
    std::string t;
    for (const char c : text)
        t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t.rfind("quanttype.", 0) == 0)
        t = t.substr(10);
    static const std::pair<const char*, QuantType> names[] = {
        {"qint8", QuantType::QInt8},   {"int8", QuantType::QInt8},   {"quint8", QuantType::QUInt8}, {"uint8", QuantType::QUInt8},
        {"qint16", QuantType::QInt16}, {"int16", QuantType::QInt16}, {"quint16", QuantType::QUInt16}, {"uint16", QuantType::QUInt16},
        {"qint4", QuantType::QInt4},   {"int4", QuantType::QInt4},   {"quint4", QuantType::QUInt4}, {"uint4", QuantType::QUInt4}};
    for (const auto& [name, type] : names)
        if (t == name)
            return type;
    return Error{"unknown quantization type '" + text + "' (use QInt8, QUInt8, QInt16 or QUInt16)"};
}

int quantTypeElement(QuantType t) {
    switch (t) {
    case QuantType::QInt8: return onnx::TensorProto::INT8;
    case QuantType::QUInt8: return onnx::TensorProto::UINT8;
    case QuantType::QInt16: return onnx::TensorProto::INT16;
    case QuantType::QUInt16: return onnx::TensorProto::UINT16;
    case QuantType::QInt4: return 22;    // TensorProto.INT4 (ONNX 1.16; this onnx.proto predates it)
    case QuantType::QUInt4: return 21;   // TensorProto.UINT4
    }
    return onnx::TensorProto::UNDEFINED;
}

bool isSigned(QuantType t) { return t == QuantType::QInt8 || t == QuantType::QInt16 || t == QuantType::QInt4; }

int quantTypeBits(QuantType t) {
    switch (t) {
    case QuantType::QInt16: case QuantType::QUInt16: return 16;
    case QuantType::QInt4: case QuantType::QUInt4: return 4;
    default: return 8;
    }
}

namespace {

Status overrideEntryError(const std::string& tensor, size_t index, size_t count, const std::string& problem) {
    std::string where = "entry '" + tensor + "'";
    if (count > 1)
        where += " (dict " + std::to_string(index) + ")";
    return Error{where + ": " + problem};
}

const char* numpyType(QuantType t) {
    switch (t) {
    case QuantType::QInt8: return "np.int8";
    case QuantType::QUInt8: return "np.uint8";
    case QuantType::QInt16: return "np.int16";
    case QuantType::QUInt16: return "np.uint16";
    default: return "np.int8";
    }
}

std::string pythonString(const std::string& text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "'";
}

}  // namespace

Result<nlohmann::json> parseTensorOverrides(const nlohmann::json& overrides) {
    static const std::set<std::string> known = {"quant_type", "symmetric", "reduce_range", "scale", "zero_point",
                                                "rmin", "rmax", "axis"};
    if (!overrides.is_object())
        return Error{"TensorQuantOverrides must be a JSON object {tensor name: [dict, ...]}, found " +
                     std::string(overrides.type_name())};
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [tensor, list] : overrides.items()) {
        if (!list.is_array())
            return overrideEntryError(tensor, 0, 1, "a list of dicts expected, found " + std::string(list.type_name())).error();
        nlohmann::json entries = nlohmann::json::array();
        const size_t n = list.size();
        for (size_t i = 0; i < n; ++i) {
            const auto& d = list[i];
            // A named reference: C++17 lambdas cannot capture a structured binding (clang refuses).
            const std::string& name = tensor;
            auto fail = [&](const std::string& problem) { return overrideEntryError(name, i, n, problem).error(); };
            if (!d.is_object())
                return fail("a dict expected, found " + std::string(d.type_name()));
            nlohmann::json e = nlohmann::json::object();
            for (const auto& [key, value] : d.items()) {
                if (key == "convert")
                    return fail("'convert' is ONNX Runtime's type conversion for consumers; QuantLens does not write it");
                if (!known.count(key))
                    return fail("unknown key '" + key + "' (known: quant_type, symmetric, reduce_range, scale, zero_point, rmin, rmax, axis)");
                if (key == "quant_type") {
                    if (!value.is_string())
                        return fail("quant_type must be a QuantType name such as \"QInt16\"");
                    auto t = parseQuantType(value.get<std::string>());
                    if (!t)
                        return fail(t.errorMessage());
                    if (quantTypeBits(*t) == 4)
                        return fail(quantTypeName(*t) + ": 4-bit types are not written by QuantLens (packed INT4 tensors); use QInt8/QUInt8/QInt16/QUInt16");
                    e[key] = quantTypeName(*t);
                } else if (key == "symmetric" || key == "reduce_range") {
                    if (!value.is_boolean())
                        return fail("'" + key + "' must be true or false");
                    e[key] = value;
                } else if (key == "zero_point" || key == "axis") {
                    if (!value.is_number_integer())
                        return fail("'" + key + "' must be an integer");
                    e[key] = value;
                } else {  // scale, rmin, rmax
                    if (!value.is_number())
                        return fail("'" + key + "' must be a number");
                    const double v = value.get<double>();
                    if (!std::isfinite(v) || (key == "scale" && v <= 0.0))
                        return fail("'" + key + "' must be a finite number" + std::string(key == "scale" ? " above 0" : ""));
                    e[key] = v;
                }
            }
            const bool scale = e.contains("scale"), zeroPoint = e.contains("zero_point");
            if (scale != zeroPoint)
                return fail("Must provide both 'scale' and 'zero_point' if one of the overrides is provided");
            if (scale)
                for (const char* k : {"symmetric", "reduce_range", "rmin", "rmax"})
                    if (e.contains(k))
                        return fail(std::string("'") + k + "' is invalid with 'scale' and 'zero_point'");
            if (e.contains("rmin") && e.contains("rmax") && e["rmin"].get<double>() > e["rmax"].get<double>())
                return fail("rmin is above rmax");
            entries.push_back(std::move(e));
        }
        // Per-channel: every dict agrees with the first on type, axis, symmetric and reduce_range,
        // and scale/zero_point or rmin/rmax are given for every channel or none (ONNX Runtime's rules).
        if (n > 1 || (n == 1 && entries[0].contains("axis"))) {
            const auto& first = entries[0];
            if (!first.contains("axis"))
                return overrideEntryError(tensor, 0, n, "per-channel overrides need an 'axis' in the first dict").error();
            if (first.contains("rmin") != first.contains("rmax"))
                return overrideEntryError(tensor, 0, n, "Must provide both 'rmin' and 'rmax' if one is provided").error();
            for (size_t i = 1; i < n; ++i) {
                const auto& e = entries[i];
                for (const char* k : {"quant_type", "axis", "symmetric", "reduce_range"})
                    if (e.contains(k) && (!first.contains(k) || e[k] != first[k]))
                        return overrideEntryError(tensor, i, n, std::string("'") + k + "' differs from the first dict's; all channels share it").error();
                if (first.contains("scale") && !e.contains("scale"))
                    return overrideEntryError(tensor, i, n, "the first dict gives scale/zero_point, so every channel must").error();
                if (first.contains("rmin") && !(e.contains("rmin") && e.contains("rmax")))
                    return overrideEntryError(tensor, i, n, "the first dict gives rmin/rmax, so every channel must").error();
            }
        }
        out[tensor] = std::move(entries);
    }
    return out;
}

std::string tensorOverridesToPython(const nlohmann::json& overrides, QuantType defaultActivationType, QuantType defaultWeightType) {
    std::ostringstream s;
    s << std::setprecision(9);
    s << "{";
    bool firstTensor = true;
    for (const auto& [tensor, list] : overrides.items()) {
        s << (firstTensor ? "" : ", ") << pythonString(tensor) << ": [";
        firstTensor = false;
        QuantType channelType = !list.empty() && list[0].contains("axis") ? defaultWeightType : defaultActivationType;
        if (!list.empty() && list[0].contains("quant_type"))
            channelType = *parseQuantType(list[0]["quant_type"].get<std::string>());
        for (size_t i = 0; i < list.size(); ++i) {
            const auto& e = list[i];
            const QuantType type = e.contains("quant_type") ? *parseQuantType(e["quant_type"].get<std::string>()) : channelType;
            s << (i ? ", {" : "{");
            bool first = true;
            for (const auto& [key, value] : e.items()) {
                s << (first ? "" : ", ") << pythonString(key) << ": ";
                first = false;
                if (key == "quant_type")
                    s << "QuantType." << value.get<std::string>();
                else if (key == "symmetric" || key == "reduce_range")
                    s << (value.get<bool>() ? "True" : "False");
                else if (key == "axis")
                    s << value.get<int64_t>();
                else if (key == "zero_point")
                    s << "np.array(" << value.get<int64_t>() << ", dtype=" << numpyType(type) << ")";
                else
                    s << "np.array(" << static_cast<float>(value.get<double>()) << ", dtype=np.float32)";
            }
            s << "}";
        }
        s << "]";
    }
    s << "}";
    return s.str();
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
    // quantize only the residual input of an Add so that TensorRT can fuse Conv + Add (a Q/DQ on the
    // Conv side would force the Conv's output to INT8 and the Add into its own layer). pytorch-
    // quantization's QAT exports (YOLOv9-QAT) follow the same placement with per-channel (axis 0) weight
    // scales and leave biases float, which TensorRT fuses into the Conv itself. NVIDIA's YOLO QAT rules
    // (apply_custom_rules_to_quantizer) quantize no Concat input: the quantizers of the Convs that read a
    // Concat's output are tied into one, so one Q/DQ after the Concat gives every input one scale, and a
    // residual Add reuses the input quantizer of the Conv that reads the same tensor. tensorRtPlacement
    // does the same: the Q/DQ after a Concat has its output's calibrated range (the union of its inputs'
    // ranges), and each Q/DQ pair is read only by the Conv/MatMul/Gemm or residual Add it serves, never by
    // a Concat or an activation beside them (TensorRT would dequantize there or reformat).
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
    s.tensorRtPlacement = true;
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
    if (tensorRtPlacement)
        j["placement"] = "tensorrt";
    if (upgradeOpset > 0)
        j["upgrade_opset"] = upgradeOpset;
    if (keepLastLayerFloat)
        j["keep_last_layer_float"] = true;
    if (hasTensorOverrides())
        j["extra_options"]["TensorQuantOverrides"] = tensorQuantOverrides;
    if (useQdqContribOps)
        j["extra_options"]["UseQDQContribOps"] = true;
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
        for (const QuantType t : {*a, *w})
            if (quantTypeBits(t) == 4)
                return Error{quantTypeName(t) + ": 4-bit types are not written by QuantLens; use QInt8, QUInt8, QInt16 or QUInt16"};
        s.activationType = *a;
        s.weightType = *w;
        s.perChannel = j.value("per_channel", false);
        s.reduceRange = j.value("reduce_range", false);
        s.opTypesToQuantize = j.value("op_types_to_quantize", std::vector<std::string>{});
        s.nodesToQuantize = j.value("nodes_to_quantize", std::vector<std::string>{});
        s.nodesToExclude = j.value("nodes_to_exclude", std::vector<std::string>{});
        s.preset = j.value("preset", std::string());
        const std::string placement = j.value("placement", std::string());
        if (!placement.empty() && placement != "tensorrt" && placement != "onnxruntime")
            return Error{"unknown placement '" + placement + "' (known: tensorrt, onnxruntime)"};
        s.tensorRtPlacement = placement == "tensorrt";
        s.upgradeOpset = j.value("upgrade_opset", 0);
        s.keepLastLayerFloat = j.value("keep_last_layer_float", false);
        if (j.contains("extra_options")) {
            const auto& e = j.at("extra_options");
            s.activationSymmetric = e.value("ActivationSymmetric", false);
            if (e.contains("WeightSymmetric"))
                s.weightSymmetric = e.at("WeightSymmetric").get<bool>();
            s.quantizeBias = e.value("QuantizeBias", true);
            s.opTypesToExcludeOutputQuantization = e.value("OpTypesToExcludeOutputQuantization", std::vector<std::string>{});
            if (e.contains("TensorQuantOverrides")) {
                auto overrides = parseTensorOverrides(e.at("TensorQuantOverrides"));
                if (!overrides)
                    return overrides.error();
                s.tensorQuantOverrides = *overrides;
            }
            s.useQdqContribOps = e.value("UseQDQContribOps", false);
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
    if (tensorRtPlacement)
        s << "# QuantLens placed the Q/DQ as TensorRT expects (only Conv/MatMul/Gemm inputs and the residual input of\n"
             "# a Conv + Add read them; Concat inputs stay float). quantize_static has no option for that: this call\n"
             "# gives the same types, scales and per-channel weights, but ONNX Runtime's placement (every Add input\n"
             "# quantized, each Q/DQ pair read by all consumers of its tensor).\n";
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
    if (hasTensorOverrides())
        s << "        'TensorQuantOverrides': " << tensorOverridesToPython(tensorQuantOverrides, activationType, weightType) << ",\n";
    if (useQdqContribOps)
        s << "        'UseQDQContribOps': True,\n";
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
