#include "QuantizeFlags.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "CliCommon.h"
#include "quantize/NodeList.h"

namespace fs = std::filesystem;

namespace ql::cli {

std::optional<std::vector<std::string>> readNodeList(const std::string& fileOrList, const std::string& flag) {
    if (fileOrList.empty())
        return std::vector<std::string>{};
    std::string text = fileOrList;
    if (fs::is_regular_file(fileOrList)) {
        std::ifstream in(fileOrList);
        std::stringstream s;
        s << in.rdbuf();
        text = s.str();
    } else if (fileOrList.front() != '[') {
        std::replace(text.begin(), text.end(), ',', '\n');  // a,b,c
    }
    auto names = parseNodeList(text);
    if (!names) {
        printError(flag + ": " + names.errorMessage());
        return std::nullopt;
    }
    return std::move(names).value();
}

void QuantizeFlags::addTo(CLI::App& cmd) {
    cmd.add_option("--calib", calib, "Calibration images and/or folders")->required()->expected(1, -1);
    cmd.add_option("--method", method, "Calibration: minmax, entropy or percentile")
        ->check(CLI::IsMember({"minmax", "entropy", "percentile"}));
    cmd.add_flag("--moving-average", movingAverage, "MinMax: moving average of the per-image ranges");
    cmd.add_option("--percentile", percentile, "Percentile calibration: percentile of |x| kept")->check(CLI::Range(50.0, 100.0));
    cmd.add_option("--bins", bins, "Histogram bins for entropy/percentile (default 128/2048)");
    cmd.add_flag("--symmetric-calibration", symmetricCalibration, "Entropy/percentile: symmetric thresholds");
    auto keep = [this](const std::string& flag, CLI::Option* o) { options_.emplace_back(flag, o); };
    keep("--per-channel", cmd.add_flag("--per-channel", perChannel, "Per-channel weights (--per-channel=false undoes a preset's)"));
    keep("--reduce-range", cmd.add_flag("--reduce-range", reduceRange, "7-bit weights (ONNX Runtime reduce_range)"));
    keep("--activation-type", cmd.add_option("--activation-type", activationType, "QUInt8, QInt8, QUInt16 or QInt16"));
    keep("--weight-type", cmd.add_option("--weight-type", weightType, "QInt8, QUInt8, QInt16 or QUInt16"));
    keep("--activation-symmetric",
         cmd.add_flag("--activation-symmetric", activationSymmetric, "Symmetric activations (--activation-symmetric=false undoes a preset's)"));
    keep("--weight-asymmetric", cmd.add_flag("--weight-asymmetric", weightAsymmetric, "Asymmetric weights (the default for QInt8 is symmetric)"));
    keep("--no-quantize-bias", cmd.add_flag("--no-quantize-bias", noBias, "Keep biases float"));
    keep("--op-types", cmd.add_option("--op-types", opTypes, "Operator types to quantize (default: ONNX Runtime's set)")->delimiter(','));
    cmd.add_option("--preset", preset,
                   "Start from a preset; explicit flags override it. tensorrt: symmetric INT8 activations and weights "
                   "(zero point 0), per-channel weights, float biases, Q/DQ placed as TensorRT's explicit quantization expects: "
                   "on the inputs (not outputs) of Conv/ConvTranspose/MatMul/Gemm and on the residual input only of a Conv + Add, "
                   "none on Concat inputs (the Q/DQ after a Concat gives them one scale)")
        ->check(CLI::IsMember(presetNames()));
    cmd.add_option("--tensor-overrides", tensorOverrides,
                   "Per-tensor overrides in ONNX Runtime's TensorQuantOverrides form: a JSON file {tensor: [{\"quant_type\": "
                   "\"QUInt16\", \"symmetric\": true, \"rmin\": ..., \"rmax\": ..., \"scale\": ..., \"zero_point\": ..., "
                   "\"axis\": ...}, ...]}")
        ->check(CLI::ExistingFile);
    cmd.add_flag("--use-qdq-contrib-ops", useQdqContribOps,
                 "Q/DQ nodes in the com.microsoft domain (ONNX Runtime's UseQDQContribOps); below opset 21 16-bit types use it anyway");
    cmd.add_option("--nodes-to-quantize", nodesToQuantize, "Only these nodes: a file or a list");
    cmd.add_option("--exclude", exclude, "nodes_to_exclude: a file (Python list, JSON or one name per line) or a list");
    cmd.add_option("--cache-dir", cacheDir, "Calibration cache folder");
    cmd.add_flag("--no-cache", noCache, "Do not read or write the calibration cache on disk");
    session.addTo(cmd);
    preprocess.addTo(cmd);
}

bool QuantizeFlags::given(const std::string& flag) const {
    for (const auto& [name, option] : options_)
        if (name == flag)
            return option->count() > 0;
    return false;
}

std::optional<QuantizerSettings> QuantizeFlags::settings() const {
    QuantizerSettings s;
    if (!preset.empty()) {
        auto p = presetSettings(preset);
        if (!p) {
            printError(p.errorMessage());
            return std::nullopt;
        }
        s = *p;
    }
    // Without a preset every value is taken (their defaults are quantize_static's); with one, only
    // the flags given on the command line replace the preset's values.
    const bool all = preset.empty() || options_.empty();
    auto use = [&](const std::string& flag) { return all || given(flag); };
    auto a = parseQuantType(activationType);
    auto w = parseQuantType(weightType);
    for (const auto* r : {&a, &w})
        if (!*r) {
            printError(r->errorMessage());
            return std::nullopt;
        }
    if (use("--activation-type"))
        s.activationType = *a;
    if (use("--weight-type"))
        s.weightType = *w;
    if (use("--per-channel"))
        s.perChannel = perChannel;
    if (use("--reduce-range"))
        s.reduceRange = reduceRange;
    if (use("--activation-symmetric"))
        s.activationSymmetric = activationSymmetric;
    if (weightAsymmetric)
        s.weightSymmetric = false;
    else if (given("--weight-asymmetric"))  // --weight-asymmetric=false
        s.weightSymmetric = true;
    if (use("--no-quantize-bias"))
        s.quantizeBias = !noBias;
    if (use("--op-types"))
        s.opTypesToQuantize = opTypes;
    auto excluded = readNodeList(exclude, "--exclude");
    auto included = readNodeList(nodesToQuantize, "--nodes-to-quantize");
    if (!excluded || !included)
        return std::nullopt;
    s.nodesToExclude = *excluded;
    s.nodesToQuantize = *included;
    if (useQdqContribOps)
        s.useQdqContribOps = true;
    if (!tensorOverrides.empty()) {
        std::ifstream in(tensorOverrides);
        std::stringstream text;
        text << in.rdbuf();
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(text.str());
        } catch (const std::exception& e) {
            printError(tensorOverrides + ": not valid JSON: " + e.what());
            return std::nullopt;
        }
        // A file with extra_options as a whole, or the TensorQuantOverrides dict itself.
        if (j.is_object() && j.contains("TensorQuantOverrides"))
            j = j["TensorQuantOverrides"];
        auto parsed = parseTensorOverrides(j);
        if (!parsed) {
            printError(tensorOverrides + ": " + parsed.errorMessage());
            return std::nullopt;
        }
        s.tensorQuantOverrides = *parsed;
        s.tensorOverridesSource = tensorOverrides;
    }
    return s;
}

std::optional<CalibrationOptions> QuantizeFlags::calibration(const OnnxModel& model, const std::vector<std::string>& images) const {
    auto m = parseMethod(method);
    if (!m) {
        printError(m.errorMessage());
        return std::nullopt;
    }
    CalibrationOptions c;
    c.method = *m;
    c.movingAverage = movingAverage;
    c.percentile = percentile;
    c.histogramBins = bins;
    c.symmetric = symmetricCalibration;
    c.session.intraOpThreads = session.threads;
    auto pre = preprocess.resolve(model, images, {}, session.threads);
    if (!pre)
        return std::nullopt;
    c.preprocess = *pre;
    return c;
}

}  // namespace ql::cli
