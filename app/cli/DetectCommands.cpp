#include "DetectCommands.h"

#include <cmath>
#include <filesystem>
#include <optional>

#include <opencv2/imgcodecs.hpp>

#include "CliCommon.h"
#include "DetectionFlags.h"
#include "PreprocessFlags.h"
#include "ProgressBar.h"
#include "SessionFlags.h"
#include "detect/Annotator.h"
#include "detect/DetectionEvaluation.h"
#include "detect/DetectionSanity.h"
#include "detect/DetectorPair.h"
#include "report/DetectionReport.h"
#include "util/AtomicFile.h"

namespace fs = std::filesystem;

namespace ql::cli {
namespace {

struct DetectOptions {
    std::vector<std::string> arguments;  // MODEL [MODEL2] IMAGE...
    std::string out;
    std::string outDir;
    bool json = false;
    SessionFlags session;
    PreprocessFlags preprocess;
    DetectionFlags detection;
};

Status writeImage(const std::string& path, const cv::Mat& image, const std::vector<std::string>& inputs) {
    std::vector<uchar> bytes;
    std::string ext = fs::path(path).extension().string();
    if (ext.empty())
        ext = ".png";
    try {
        if (!cv::imencode(ext, image, bytes))
            return Error{"cannot encode " + path + " (use .png or .jpg)"};
    } catch (const cv::Exception&) {
        return Error{"cannot write " + path + ": unknown image type '" + ext + "' (use .png or .jpg)"};
    }
    return writeFileAtomically(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), inputs);
}

// One image through one model, or through both with their detections matched, as the app does.
struct ImageDetections {
    std::vector<std::vector<Detection>> perModel;
    std::vector<double> inferenceMs;
    std::optional<DetectionMatch> match;
};

// One model alone, or two compared through the pair the app and `report` use.
struct Detectors {
    std::optional<Detector> single;
    std::optional<DetectorPair> pair;
    bool singleWarm = false;

    Detector& first() { return pair ? pair->fp32() : *single; }

    Result<ImageDetections> detect(const cv::Mat& bgr) {
        ImageDetections r;
        if (pair) {
            auto c = pair->compare(bgr);
            if (!c)
                return c.error();
            r.perModel = {std::move(c->fp32), std::move(c->quantized)};
            r.inferenceMs = {c->fp32Ms, c->quantizedMs};
            r.match = std::move(c->match);
            return r;
        }
        auto prepared = single->preprocessor().prepare(bgr);
        if (!prepared)
            return prepared.error();
        if (!singleWarm) {  // the latencies printed are those of a warm model
            (void)single->warmUp(*prepared);
            singleWarm = true;
        }
        auto detections = single->detect(*prepared);
        if (!detections)
            return detections.error();
        r.perModel = {std::move(detections).value()};
        r.inferenceMs = {single->lastInferenceMs()};
        return r;
    }
};

cv::Mat annotate(const cv::Mat& bgr, const ImageDetections& d, const std::vector<AnalyzedModel>& models,
                 const std::vector<std::string>& names) {
    const auto title = [&](size_t k) {
        char t[160];
        std::snprintf(t, sizeof t, "%s  %.1f ms", fs::path(models[k].model.displayName()).stem().string().c_str(),
                      d.inferenceMs[k]);
        return std::string(t);
    };
    if (d.match)
        return drawComparison(bgr, d.perModel[0], d.perModel[1], *d.match, names, title(0), title(1));
    return drawPanel(bgr, {title(0), d.perModel[0], {}, {}, {}}, names);
}

nlohmann::json imageJson(const std::string& imagePath, const ImageDetections& d, const std::vector<AnalyzedModel>& models,
                      const std::vector<std::string>& names) {
    nlohmann::json entry = {{"image", imagePath}};
    for (size_t k = 0; k < d.perModel.size(); ++k)
        entry["models"].push_back({{"model", models[k].model.displayName()},
                                   {"inference_ms", d.inferenceMs[k]},
                                   {"detections", toJson(d.perModel[k], names)}});
    if (d.match)
        entry["matching"] = {{"matched", d.match->pairs.size()}, {"moved", movedPairs(*d.match).size()},
                             {"missed", d.match->missed.size()}, {"extra", d.match->extra.size()}};
    return entry;
}

void printText(const std::string& imagePath, const ImageDetections& d, const std::vector<AnalyzedModel>& models,
               const std::vector<std::string>& names) {
    for (size_t k = 0; k < d.perModel.size(); ++k) {
        std::cout << imagePath << " — " << fs::path(models[k].model.displayName()).filename().string() << ": "
                  << d.perModel[k].size() << " detections (" << static_cast<int>(d.inferenceMs[k]) << " ms)\n";
        printDetections(std::cout, d.perModel[k], names);
    }
    if (d.match)
        std::cout << "  matched " << d.match->pairs.size() << " (moved: " << movedPairs(*d.match).size()
                  << "), missed by the second model " << d.match->missed.size() << ", extra in the second model "
                  << d.match->extra.size() << "\n";
}

int runDetect(const DetectOptions& o) {
    std::vector<std::string> modelPaths, imagePaths;
    for (const auto& a : o.arguments)
        (fs::path(a).extension() == ".onnx" && imagePaths.empty() ? modelPaths : imagePaths).push_back(a);
    if (modelPaths.empty() || modelPaths.size() > 2) {
        printError("give one or two .onnx models, then images");
        return kExitError;
    }
    auto images = collectImages(imagePaths);
    if (!images) {
        printError(images.errorMessage());
        return kExitError;
    }
    if (!o.out.empty() && images->size() != 1) {
        printError("--out takes one image; use --out-dir for several");
        return kExitError;
    }
    std::vector<AnalyzedModel> models;
    for (const auto& p : modelPaths) {
        auto m = loadModel(p);
        if (!m)
            return kExitError;
        models.push_back(std::move(*m));
    }
    auto decode = o.detection.decodeOptions(models.front().model);
    auto names = o.detection.classNames(models.front().model);
    if (!decode || !names)
        return kExitError;
    auto pre = o.preprocess.resolve(models.front().model, *images, *decode, o.session.threads);
    if (!pre)
        return kExitError;
    Detectors detectors;
    const DetectorOptions options{o.session.options(), *pre, *decode};
    if (models.size() == 2) {
        auto pair = DetectorPair::create(models[0].model, models[1].model, options, *names);
        if (!pair) {
            printError(pair.errorMessage());
            return kExitError;
        }
        detectors.pair.emplace(std::move(pair).value());
    } else {
        auto d = Detector::create(models[0].model, options);
        if (!d) {
            printError(d.errorMessage());
            return kExitError;
        }
        detectors.single.emplace(std::move(d).value());
    }
    std::vector<std::string> protectedFiles = modelPaths;
    protectedFiles.insert(protectedFiles.end(), images->begin(), images->end());
    nlohmann::json json = nlohmann::json::array();
    std::vector<size_t> fp32Counts;  // for the run's warnings
    for (const auto& imagePath : *images) {
        auto bgr = readImageBgr(imagePath);
        if (!bgr) {
            printError(bgr.errorMessage());
            return kExitError;
        }
        auto detections = detectors.detect(*bgr);
        if (!detections) {
            printError(imagePath + ": " + detections.errorMessage());
            return kExitError;
        }
        fp32Counts.push_back(countAbove(detections->perModel.front(), decode->confidence));
        if (o.json)
            json.push_back(imageJson(imagePath, *detections, models, *names));
        else
            printText(imagePath, *detections, models, *names);
        std::string target = o.out;
        if (!o.outDir.empty()) {
            std::error_code ec;
            fs::create_directories(o.outDir, ec);
            target = (fs::path(o.outDir) / (fs::path(imagePath).stem().string() + "_detections.png")).string();
        }
        if (!target.empty()) {
            if (auto st = writeImage(target, annotate(*bgr, *detections, models, *names), protectedFiles); !st) {
                printError(st.errorMessage());
                return kExitError;
            }
            if (!o.json)
                std::cout << "  wrote " << target << "\n";
        }
    }
    if (o.json)
        printJson(json);
    for (const auto& w : detectionWarnings({fp32Counts, decode->confidence, decode->maxDetections,
                                            detectors.first().layout(), o.preprocess.automatic()}))
        printWarning(w);
    return 0;
}

struct EvalOptions {
    std::vector<std::string> models;  // MODEL, or FP32 QUANTIZED
    std::string data;
    std::string savePredictions;
    bool json = false;
    size_t limit = 0;
    int runs = 20;
    SessionFlags session;
    PreprocessFlags preprocess;
    DetectionFlags detection;
};

int runEval(const EvalOptions& o) {
    std::vector<AnalyzedModel> models;
    if (o.models.size() == 2) {
        // Accuracy against the labels means something for any two models; only fidelity needs a pair.
        auto pair = loadModelPair(o.models[0], o.models[1], PairCheck::Warn);
        if (!pair)
            return kExitError;
        models.push_back(std::move(pair->fp32));
        models.push_back(std::move(pair->quantized));
    } else {
        auto model = loadModel(o.models[0]);
        if (!model)
            return kExitError;
        models.push_back(std::move(*model));
    }
    auto data = YoloDataset::load(o.data);
    if (!data) {
        printError(data.errorMessage());
        return kExitError;
    }
    std::vector<std::string> inputs = o.models;  // never written over by --save-predictions
    inputs.push_back(o.data);
    for (const auto& image : data->images)
        inputs.push_back(image.image);
    if (!o.savePredictions.empty()) {  // refused now rather than after the whole dataset
        const fs::path parent = fs::absolute(o.savePredictions).parent_path();
        for (const auto& input : inputs)
            if (samePath(input, o.savePredictions)) {
                printError("refusing to write the predictions over " + input + ", an input of this evaluation");
                return kExitError;
            }
        if (!fs::is_directory(parent)) {
            printError("cannot write " + o.savePredictions + ": folder " + parent.string() + " does not exist");
            return kExitError;
        }
    }
    for (const auto& w : data->warnings)
        std::cerr << "quantlens-cli: warning: " << w << "\n";
    auto decode = o.detection.decodeOptions(models[0].model);
    if (!decode)
        return kExitError;
    std::vector<std::string> imagePaths;
    for (const auto& item : data->images)
        imagePaths.push_back(item.image);
    auto pre = o.preprocess.resolve(models[0].model, imagePaths, *decode, o.session.threads);
    if (!pre)
        return kExitError;
    EvaluationOptions options;
    options.detector = {o.session.options(), *pre, *decode};
    options.limit = o.limit;
    options.timedRuns = o.runs;
    options.keepPredictions = !o.savePredictions.empty();
    const OnnxModel* quantized = models.size() > 1 ? &models[1].model : nullptr;
    auto report = evaluateDetection(models[0].model, quantized, *data, options, textProgress("evaluating"));
    if (!report) {
        printError(report.errorMessage());
        return kExitError;
    }
    if (!o.savePredictions.empty()) {
        const auto decimal = [](float v) { return std::round(static_cast<double>(v) * 1e6) / 1e6; };  // 0.001, not 0.0010000000474974513
        const nlohmann::json settings = {{"data", o.data}, {"models", o.models}, {"map_confidence", decimal(options.mapConfidence)},
                                         {"nms_iou", decimal(decode->iou)}, {"max_detections", decode->maxDetections},
                                         {"class_agnostic", decode->classAgnostic}, {"preprocess", pre->describe()}};
        if (auto st = writeFileAtomically(o.savePredictions, predictionsJson(*report, settings).dump() + "\n", inputs); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
        std::cerr << "Wrote the predictions to " << o.savePredictions << "\n";
    }
    if (o.json)
        printJson(toJson(*report));
    else
        printEvaluation(std::cout, *report);
    for (const auto& w : report->warnings)
        printWarning(w);
    return 0;
}

}  // namespace

void addDetectCommand(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<DetectOptions>();
    auto* cmd = app.add_subcommand("detect", "Detect objects with one model, or two side by side (FP32 | quantized) "
                                             "with the differences marked");
    cmd->add_option("arguments", o->arguments, "MODEL [MODEL2] IMAGE... (images and/or folders)")->required()->expected(2, -1);
    cmd->add_option("--out", o->out, "Annotated picture of the one image (.png or .jpg)");
    cmd->add_option("--out-dir", o->outDir, "Folder for an annotated picture of every image");
    cmd->add_flag("--json", o->json, "Print JSON");
    o->session.addTo(*cmd);
    o->preprocess.addTo(*cmd);
    o->detection.addTo(*cmd);
    cmd->callback([o, &exitCode] { exitCode = runDetect(*o); });
}

void addEvalCommand(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<EvalOptions>();
    auto* cmd = app.add_subcommand("eval", "Accuracy (mAP@0.5, mAP@0.5:0.95 against labels) and latency of a model on a "
                                           "YOLO-format dataset; given FP32 and quantized, both and the fidelity of "
                                           "the quantized one (its detections against FP32's)");
    cmd->add_option("models", o->models, "MODEL, or FP32 QUANTIZED")->required()->expected(1, 2)->check(CLI::ExistingFile);
    cmd->add_option("--data", o->data, "Dataset folder (images/ + labels/) or Ultralytics data YAML")->required();
    cmd->add_flag("--json", o->json, "Print JSON");
    cmd->add_option("--save-predictions", o->savePredictions,
                    "Write every prediction scored for mAP (per model and image, original pixels) to this JSON file");
    cmd->add_option("--limit", o->limit, "Use the first N images only (0: all)");
    cmd->add_option("--runs", o->runs, "Timed runs per model for latency")->check(CLI::PositiveNumber);
    o->session.addTo(*cmd);
    o->preprocess.addTo(*cmd);
    o->detection.addTo(*cmd);
    cmd->callback([o, &exitCode] { exitCode = runEval(*o); });
}

}  // namespace ql::cli
