#include "QuantizeCommand.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "CliCommon.h"
#include "PreprocessFlags.h"
#include "ProgressBar.h"
#include "quantize/CalibrationCache.h"
#include "quantize/NodeList.h"
#include "quantize/QdqQuantizer.h"
#include "util/AtomicFile.h"

namespace fs = std::filesystem;

namespace ql::cli {
namespace {

struct QuantizeOptions {
    std::string fp32;
    std::string output;
    std::vector<std::string> calib;
    std::string method = "minmax";
    bool movingAverage = false;
    double percentile = 99.999;
    int bins = 0;
    bool symmetricCalibration = false;
    bool perChannel = false;
    bool reduceRange = false;
    std::string activationType = "QUInt8";
    std::string weightType = "QInt8";
    bool activationSymmetric = false;
    bool weightAsymmetric = false;
    bool noBias = false;
    std::vector<std::string> opTypes;
    std::string nodesToQuantize;
    std::string exclude;
    std::string exportPython;
    std::string exportJson;
    std::string cacheDir = CalibrationCache::defaultDirectory();
    bool noCache = false;
    int threads = 0;
    PreprocessFlags preprocess;
};

// A node list given as a file (Python list, JSON or one per line) or inline text.
std::optional<std::vector<std::string>> readNodeList(const std::string& fileOrList, const std::string& flag) {
    if (fileOrList.empty())
        return std::vector<std::string>{};
    std::string text = fileOrList;
    if (fs::is_regular_file(fileOrList)) {
        std::ifstream in(fileOrList);
        std::stringstream s;
        s << in.rdbuf();
        text = s.str();
    } else if (fileOrList.find_first_of("[\n'\",") == std::string::npos) {
        text = fileOrList;  // one name
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

int runQuantize(const QuantizeOptions& o) {
    auto fp32 = loadModel(o.fp32);
    if (!fp32)
        return kExitError;
    if (samePath(o.fp32, o.output)) {
        printError("the output " + o.output + " is the input model; choose another file");
        return kExitError;
    }
    auto images = collectImages(o.calib);
    if (!images) {
        printError(images.errorMessage());
        return kExitError;
    }
    QuantizerSettings settings;
    auto a = parseQuantType(o.activationType);
    auto w = parseQuantType(o.weightType);
    auto method = parseMethod(o.method);
    for (const auto* r : {&a, &w})
        if (!*r) {
            printError(r->errorMessage());
            return kExitError;
        }
    if (!method) {
        printError(method.errorMessage());
        return kExitError;
    }
    settings.activationType = *a;
    settings.weightType = *w;
    settings.perChannel = o.perChannel;
    settings.reduceRange = o.reduceRange;
    settings.activationSymmetric = o.activationSymmetric;
    if (o.weightAsymmetric)
        settings.weightSymmetric = false;
    settings.quantizeBias = !o.noBias;
    settings.opTypesToQuantize = o.opTypes;
    auto exclude = readNodeList(o.exclude, "--exclude");
    auto include = readNodeList(o.nodesToQuantize, "--nodes-to-quantize");
    if (!exclude || !include)
        return kExitError;
    settings.nodesToExclude = *exclude;
    settings.nodesToQuantize = *include;

    CalibrationOptions calibration;
    calibration.method = *method;
    calibration.movingAverage = o.movingAverage;
    calibration.percentile = o.percentile;
    calibration.histogramBins = o.bins;
    calibration.symmetric = o.symmetricCalibration;
    calibration.session.intraOpThreads = o.threads;
    auto pre = o.preprocess.resolve(fp32->model);
    if (!pre)
        return kExitError;
    calibration.preprocess = *pre;

    const auto start = std::chrono::steady_clock::now();
    CalibrationCache cache(o.noCache ? std::string() : o.cacheDir);
    bool fromCache = false;
    auto stats = cache.get(fp32->model, *images, calibration, textProgress("calibrating"), &fromCache);
    if (!stats) {
        printError(stats.errorMessage());
        return kExitError;
    }
    const double calibrated = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto quantized = quantizeQdq(fp32->model, **stats, settings);
    if (!quantized) {
        printError(quantized.errorMessage());
        return kExitError;
    }
    if (auto st = quantized->model.check(); !st) {
        printError("the quantized model fails the ONNX checker: " + st.errorMessage());
        return kExitError;
    }
    if (auto st = quantized->model.save(o.output, {o.fp32}); !st) {
        printError(st.errorMessage());
        return kExitError;
    }
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto& s = quantized->summary;
    std::cout << "Calibration: " << methodName(calibration.method) << " on " << images->size() << " images"
              << (fromCache ? " (cached statistics)" : "") << ", " << calibrated << " s\n"
              << "Quantized " << s.quantizedNodes << " nodes: " << s.activations << " activations, " << s.weights
              << " weights, " << s.biases << " biases; " << settings.nodesToExclude.size() << " nodes excluded\n"
              << "Wrote " << o.output << " in " << total << " s\n";
    const std::string folder = o.calib.size() == 1 ? o.calib.front() : fs::path(images->front()).parent_path().string();
    if (!o.exportPython.empty()) {
        const std::string py = settings.toPython(o.fp32, o.output, folder, fp32->model.graph().inputs().front(), calibration);
        if (auto st = writeFileAtomically(o.exportPython, py, {o.fp32, o.output}); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
        std::cout << "Wrote " << o.exportPython << "\n";
    }
    if (!o.exportJson.empty()) {
        nlohmann::json j = settings.toJson();
        j["calibrate_method"] = methodName(calibration.method);
        j["calibration_images"] = *images;
        j["preprocessing"] = calibration.preprocess.describe();
        if (auto st = writeFileAtomically(o.exportJson, j.dump(2) + "\n", {o.fp32, o.output}); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
        std::cout << "Wrote " << o.exportJson << "\n";
    }
    return 0;
}

}  // namespace

void addQuantizeCommand(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<QuantizeOptions>();
    auto* cmd = app.add_subcommand("quantize", "Quantize an FP32 model to QDQ as onnxruntime's quantize_static does; "
                                               "calibration statistics are cached, so re-quantizing is fast");
    cmd->add_option("fp32", o->fp32, "FP32 model")->required()->check(CLI::ExistingFile);
    cmd->add_option("output", o->output, "Quantized model to write")->required();
    cmd->add_option("--calib", o->calib, "Calibration images and/or folders")->required()->expected(1, -1);
    cmd->add_option("--method", o->method, "Calibration: minmax, entropy or percentile")
        ->check(CLI::IsMember({"minmax", "entropy", "percentile"}));
    cmd->add_flag("--moving-average", o->movingAverage, "MinMax: moving average of the per-image ranges");
    cmd->add_option("--percentile", o->percentile, "Percentile calibration: percentile of |x| kept")->check(CLI::Range(50.0, 100.0));
    cmd->add_option("--bins", o->bins, "Histogram bins for entropy/percentile (default 128/2048)");
    cmd->add_flag("--symmetric-calibration", o->symmetricCalibration, "Entropy/percentile: symmetric thresholds");
    cmd->add_flag("--per-channel", o->perChannel, "Per-channel weights");
    cmd->add_flag("--reduce-range", o->reduceRange, "7-bit weights (ONNX Runtime reduce_range)");
    cmd->add_option("--activation-type", o->activationType, "QUInt8 or QInt8");
    cmd->add_option("--weight-type", o->weightType, "QInt8 or QUInt8");
    cmd->add_flag("--activation-symmetric", o->activationSymmetric, "Symmetric activations");
    cmd->add_flag("--weight-asymmetric", o->weightAsymmetric, "Asymmetric weights (the default for QInt8 is symmetric)");
    cmd->add_flag("--no-quantize-bias", o->noBias, "Keep biases float");
    cmd->add_option("--op-types", o->opTypes, "Operator types to quantize (default: ONNX Runtime's set)")->delimiter(',');
    cmd->add_option("--nodes-to-quantize", o->nodesToQuantize, "Only these nodes: a file or a list");
    cmd->add_option("--exclude", o->exclude, "nodes_to_exclude: a file (Python list, JSON or one name per line) or a list");
    cmd->add_option("--export-python", o->exportPython, "Write the equivalent quantize_static(...) script");
    cmd->add_option("--export-json", o->exportJson, "Write the settings as JSON");
    cmd->add_option("--cache-dir", o->cacheDir, "Calibration cache folder");
    cmd->add_flag("--no-cache", o->noCache, "Do not read or write the calibration cache on disk");
    cmd->add_option("--threads", o->threads, "ONNX Runtime threads (0: one per core)");
    o->preprocess.addTo(*cmd);
    cmd->callback([o, &exitCode] { exitCode = runQuantize(*o); });
}

}  // namespace ql::cli
