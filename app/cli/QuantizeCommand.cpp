#include "QuantizeCommand.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "CliCommon.h"
#include "QuantizeFlags.h"
#include "ProgressBar.h"
#include "analysis/DeploymentChecks.h"
#include "quantize/ExportPreparation.h"
#include "quantize/CalibrationCache.h"
#include "quantize/CalibrationExport.h"
#include "quantize/ModelPreparation.h"
#include "quantize/NodeList.h"
#include "quantize/QdqQuantizer.h"
#include "quantize/QuantizationRecipe.h"
#include "runtime/InferenceSession.h"
#include "util/AtomicFile.h"

namespace fs = std::filesystem;

namespace ql::cli {
namespace {

struct QuantizeOptions {
    std::string fp32;
    std::string output;
    std::string exportPython;
    std::string exportJson;
    std::string exportCalibration;
    std::string calibrationFormat;
    std::string trtVersion = "8601";
    int upgradeOpset = 0;
    bool keepLastLayerFloat = false;
    QuantizeFlags flags;
};

int runQuantize(const QuantizeOptions& o) {
    auto fp32 = loadModel(o.fp32);
    if (!fp32)
        return kExitError;
    if (samePath(o.fp32, o.output)) {
        printError("the output " + o.output + " is the input model; choose another file");
        return kExitError;
    }
    auto images = collectImages(o.flags.calib);
    if (!images) {
        printError(images.errorMessage());
        return kExitError;
    }
    auto settingsOrNone = o.flags.settings();
    if (!settingsOrNone)
        return kExitError;
    QuantizerSettings settings = *settingsOrNone;
    std::optional<CalibrationFormat> calibrationFormat;
    if (!o.exportCalibration.empty()) {
        auto f = o.calibrationFormat.empty() ? calibrationFormatFor(o.exportCalibration) : parseCalibrationFormat(o.calibrationFormat);
        if (!f) {
            printError(f.errorMessage());
            return kExitError;
        }
        calibrationFormat = *f;
        if (samePath(o.exportCalibration, o.fp32) || samePath(o.exportCalibration, o.output)) {
            printError("--export-calibration " + o.exportCalibration + " is one of the models; choose another file");
            return kExitError;
        }
    }

    // An older export is brought to the opset the settings need, only when asked (the file changes),
    // and the last layers stay float when asked: the same steps as the app's re-quantize.
    const int64_t opset = fp32->model.opsetVersion();
    if (o.upgradeOpset > 0)
        settings.upgradeOpset = o.upgradeOpset;
    if (o.keepLastLayerFloat)
        settings.keepLastLayerFloat = true;
    if (settings.upgradeOpset > 0 && opset >= settings.upgradeOpset)
        std::cout << o.fp32 << " already uses opset " << opset << "; not converted\n";
    else if (settings.upgradeOpset > 0)
        std::cout << "Converting " << o.fp32 << " from opset " << opset << " to opset " << settings.upgradeOpset
                  << " with ONNX's version converter (onnx.version_converter); the quantized model is made from the converted one\n";
    auto prepared = prepareExport(fp32->model, settings);
    if (!prepared) {
        printError(prepared.errorMessage());  // names the file
        return kExitError;
    }
    const OnnxModel& model = prepared->converted ? *prepared->converted : fp32->model;
    if (settings.keepLastLayerFloat) {
        // The last layers and the output decoding after them (YOLO's anchor Add/Sub, stride Mul)
        // stay float, as in a QAT export where only the layers before them carry quantizers.
        std::cout << "Keeping " << prepared->lastLayers.size() << " last layer(s) float:";
        for (const auto& name : prepared->lastLayers)
            std::cout << " " << name;
        std::cout << "\n";
        if (!prepared->decoding.empty())
            std::cout << "  and the " << prepared->decoding.size() << " node(s) after them (output decoding)\n";
    }
    // Everything the model itself rules out is said before calibration spends minutes on it.
    if (auto st = checkQuantizable(model, settings); !st) {
        printError(st.errorMessage());  // names the file
        return kExitError;
    }
    auto calibrationOrNone = o.flags.calibration(model, *images);
    if (!calibrationOrNone)
        return kExitError;
    const CalibrationOptions& calibration = *calibrationOrNone;

    const auto start = std::chrono::steady_clock::now();
    CalibrationCache cache(o.flags.cacheDirectory());
    bool fromCache = false;
    auto stats = cache.get(model, *images, calibration, textProgress("calibrating"), &fromCache);
    if (!stats) {
        printError(stats.errorMessage());
        return kExitError;
    }
    const double calibrated = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto quantized = quantizeQdq(model, **stats, settings);
    if (!quantized) {
        printError(quantized.errorMessage());
        return kExitError;
    }
    if (auto st = quantized->model.check(); !st) {
        // The ONNX library QuantLens links predates opset 21 / IR 10: a model that new is checked
        // by loading it in ONNX Runtime instead.
        const bool tooNew = st.errorMessage().find("higher than the checker") != std::string::npos ||
                            st.errorMessage().find("is under development") != std::string::npos;
        auto bytes = quantized->model.serialize();
        auto loaded = tooNew && bytes ? InferenceSession::fromBytes(*bytes, o.output) : Result<InferenceSession>(Error{""});
        if (!tooNew || !loaded) {
            printError("the quantized model fails the ONNX checker: " + st.errorMessage() +
                       (tooNew && !loaded ? "; ONNX Runtime does not load it either: " + loaded.errorMessage() : ""));
            return kExitError;
        }
        std::cout << "note: the model's IR/opset is newer than QuantLens' ONNX checker; ONNX Runtime loads it\n";
    }
    if (auto st = quantized->model.save(o.output, {o.fp32}); !st) {
        printError(st.errorMessage());
        return kExitError;
    }
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto& s = quantized->summary;
    for (const auto& w : s.warnings)
        std::cerr << "warning: " << w << "\n";
    const std::map<std::string, std::pair<float, float>> encodedRanges = s.activationRanges;
    const std::string qdqDomain = s.qdqDomain;
    std::cout << "Calibration: " << methodName(calibration.method) << " on " << images->size() << " images"
              << (fromCache ? " (cached statistics)" : "") << ", " << calibrated << " s\n"
              << "Quantized " << s.quantizedNodes << " nodes: " << s.activations << " activations, " << s.weights
              << " weights, " << s.biases << " biases; " << settings.nodesToExclude.size() << " nodes excluded\n"
              << "Wrote " << o.output << " in " << total << " s\n";
    if (!qdqDomain.empty())
        std::cout << "QuantizeLinear/DequantizeLinear in the " << qdqDomain << " domain ("
                  << (settings.useQdqContribOps ? "UseQDQContribOps" : "16-bit types below opset 21, as ONNX Runtime does") << ")\n";
    if (settings.hasTensorOverrides()) {
        std::cout << "Tensor overrides: " << settings.tensorQuantOverrides.size() << " tensor(s) from "
                  << settings.tensorOverridesSource << "\n";
    }
    // The file is written either way; what would make it wrong when deployed is said now.
    if (auto analyzed = AnalyzedModel::analyze(std::move(quantized->model)); analyzed) {
        if (auto checks = checkDeployment(*analyzed, settings.nodesToExclude, o.flags.session.options()))
            for (const auto& c : *checks)
                std::cerr << (c.failure ? "FAILURE: " : "warning: ") << c.message << "\n";
        else
            std::cerr << "warning: could not check the model as ONNX Runtime loads it: " << checks.errorMessage() << "\n";
    }
    const std::string folder = o.flags.calib.size() == 1 ? o.flags.calib.front() : fs::path(images->front()).parent_path().string();
    if (!o.exportPython.empty()) {
        const std::string py = settings.toPython(o.fp32, o.output, folder, model.graph().inputs().front(), calibration);
        if (auto st = writeFileAtomically(o.exportPython, py, {o.fp32, o.output}); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
        std::cout << "Wrote " << o.exportPython << "\n";
    }
    if (calibrationFormat) {
        const std::string table = calibrationTable(encodedRanges, *calibrationFormat, calibration.method, o.trtVersion);
        if (auto st = writeFileAtomically(o.exportCalibration, table, {o.fp32, o.output}); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
        std::cout << "Wrote " << o.exportCalibration << " (" << calibrationFormatName(*calibrationFormat) << ", "
                  << encodedRanges.size() << " quantized activations; excluded tensors left out)\n";
    }
    if (!o.exportJson.empty()) {
        // The recipe the app imports (Quantization Settings > Import Recipe); absolute image paths,
        // so it reads the same from any folder.
        QuantizationRecipe recipe{settings, calibration, {}};
        for (const auto& image : *images)
            recipe.calibrationImages.push_back(fs::absolute(image).lexically_normal().string());
        if (auto st = writeFileAtomically(o.exportJson, recipe.toJson().dump(2) + "\n", {o.fp32, o.output}); !st) {
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
    cmd->add_option("--export-python", o->exportPython, "Write the equivalent quantize_static(...) script");
    cmd->add_option("--export-json", o->exportJson, "Write the settings, calibration images and preprocessing as JSON "
                                                     "(a recipe the app imports in Quantization Settings)");
    cmd->add_option("--export-calibration", o->exportCalibration,
                    "Write the ranges of the quantized activations for other runtimes: ONNX Runtime's write_calibration_table "
                    "files (.json, .flatbuffers, calibration.cache) or TensorRT's calibration cache (.cache, .calib, .txt)");
    cmd->add_option("--calibration-format", o->calibrationFormat,
                    "Format of --export-calibration when its name does not tell: ort-json, ort-cache, ort-flatbuffers, tensorrt")
        ->check(CLI::IsMember({"ort-json", "ort-cache", "ort-flatbuffers", "tensorrt"}));
    cmd->add_option("--trt-version", o->trtVersion, "TensorRT version in the cache header (TRT-<version>-EntropyCalibration2)")
        ->capture_default_str();
    cmd->add_option("--upgrade-opset", o->upgradeOpset,
                    "Convert the model to this opset first with ONNX's version converter (per-channel Q/DQ needs 13)")
        ->check(CLI::Range(10, 17));
    cmd->add_flag("--keep-last-layer-float", o->keepLastLayerFloat,
                  "Keep the detector head's last layer(s) float: the last Conv/Gemm/MatMul nodes before each output, "
                  "and the output decoding after them (as the YOLOv9-QAT workflow does); the names are printed and "
                  "recorded as exclusions");
    o->flags.addTo(*cmd);
    cmd->callback([o, &exitCode] { exitCode = runQuantize(*o); });
}

}  // namespace ql::cli
