#include "StudyCommand.h"

#include <filesystem>

#include "CliCommon.h"
#include "DetectionFlags.h"
#include "PreprocessFlags.h"
#include "ProgressBar.h"
#include "QuantizeFlags.h"
#include "SessionFlags.h"
#include "quantize/CalibrationCache.h"
#include "study/Study.h"
#include "util/AtomicFile.h"

namespace fs = std::filesystem;

namespace ql::cli {
namespace {

struct StudyOptionsCli {
    std::vector<std::string> models;  // FP32 [MODELS...]
    std::string data;
    std::vector<std::string> images;
    std::vector<std::string> vary;
    std::vector<std::string> calib;
    int runs = 20;
    int warmup = 3;
    int batch = 1;
    size_t limit = 0;
    std::string format = "text";
    std::string out;
    std::string plot;
    std::string cacheDir;
    bool noCache = false;
    SessionFlags session;
    PreprocessFlags preprocess;
    DetectionFlags detection;
};

std::string defaultStudyCache() {
    const std::string calibration = CalibrationCache::defaultDirectory();
    return calibration.empty() ? std::string() : (fs::path(calibration).parent_path() / "study").string();
}

int runStudyCommand(const StudyOptionsCli& o) {
    if (o.data.empty() == o.images.empty()) {
        printError("give the images to score on with --data (a labelled dataset) or --images (no labels: fidelity only)");
        return kExitError;
    }
    if (o.format != "text" && o.format != "md" && o.format != "csv" && o.format != "json") {
        printError("--format " + o.format + ": use text, md, csv or json");
        return kExitError;
    }
    auto fp32 = loadModel(o.models.front());
    if (!fp32)
        return kExitError;
    const std::vector<std::string> others(o.models.begin() + 1, o.models.end());
    for (const auto& m : others)
        if (!loadModel(m))  // one clear message now, not after the calibration
            return kExitError;
    YoloDataset data;
    if (!o.data.empty()) {
        auto loaded = YoloDataset::load(o.data);
        if (!loaded) {
            printError(loaded.errorMessage());
            return kExitError;
        }
        data = std::move(loaded).value();
        for (const auto& w : data.warnings)
            printWarning(w);
    } else {
        auto found = collectImages(o.images);
        if (!found) {
            printError(found.errorMessage());
            return kExitError;
        }
        data.source = o.images.front();
        for (const auto& image : *found)
            data.images.push_back({image, {}, false});
    }
    std::vector<std::string> imagePaths;
    for (const auto& item : data.images)
        imagePaths.push_back(item.image);
    // --vary axes; exclude values name node-list files.
    std::vector<StudyAxis> axes;
    std::map<std::string, std::vector<std::string>> excludeLists;
    for (const auto& text : o.vary) {
        auto axis = parseStudyAxis(text);
        if (!axis) {
            printError(axis.errorMessage());
            return kExitError;
        }
        if (axis->name == "exclude")
            for (const auto& file : axis->values) {
                if (file == "none")
                    continue;
                if (!fs::is_regular_file(file)) {
                    printError("--vary exclude: " + file + " is not a file (a node list: Python list, JSON or one name per line)");
                    return kExitError;
                }
                auto names = readNodeList(file, "--vary exclude " + file);
                if (!names)
                    return kExitError;
                excludeLists[file] = *names;
            }
        axes.push_back(std::move(axis).value());
    }
    auto variants = expandVariants(axes, excludeLists);
    if (!variants) {
        printError(variants.errorMessage());
        return kExitError;
    }
    auto decode = o.detection.decodeOptions(fp32->model);
    if (!decode)
        return kExitError;
    auto pre = o.preprocess.resolve(fp32->model, imagePaths, *decode, o.session.threads);
    if (!pre)
        return kExitError;

    StudyOptions options;
    options.evaluation.detector = {o.session.options(), *pre, *decode};
    options.evaluation.warmupRuns = o.warmup;
    options.evaluation.timedRuns = o.runs;
    options.evaluation.limit = o.limit;
    options.batch = o.batch;
    options.calibration.preprocess = *pre;
    options.calibration.session = o.session.options();
    if (!variants->empty()) {
        if (o.calib.empty()) {
            options.calibrationImages = imagePaths;
            if (o.limit && o.limit < imagePaths.size())
                options.calibrationImages.resize(o.limit);
            std::cerr << "quantlens-cli: note: the variants calibrate on the scored images (give --calib for a separate set)\n";
        } else {
            auto calib = collectImages(o.calib);
            if (!calib) {
                printError(calib.errorMessage());
                return kExitError;
            }
            options.calibrationImages = *calib;
        }
    }
    if (!o.noCache) {
        options.cacheDirectory = o.cacheDir.empty() ? defaultStudyCache() : o.cacheDir;
        options.calibrationCacheDirectory =
            o.cacheDir.empty() ? CalibrationCache::defaultDirectory() : (fs::path(o.cacheDir) / "calibration").string();
    }
    // Outputs never overwrite an input.
    std::vector<std::string> inputs = o.models;
    inputs.insert(inputs.end(), imagePaths.begin(), imagePaths.end());
    if (!o.data.empty())
        inputs.push_back(o.data);
    for (const auto& target : {o.out, o.plot})
        for (const auto& input : inputs)
            if (!target.empty() && samePath(target, input)) {
                printError("refusing to write " + target + ": it is an input of this study");
                return kExitError;
            }

    auto result = runStudy(fp32->model, others, *variants, data, options, textProgress("study"));
    if (!result) {
        printError(result.errorMessage());
        return kExitError;
    }
    std::string text;
    if (o.format == "json") {
        text = studyJson(*result).dump(2) + "\n";
    } else {
        auto table = studyTable(*result, o.format);
        if (!table) {
            printError(table.errorMessage());
            return kExitError;
        }
        text = *table;
    }
    if (o.out.empty()) {
        std::cout << text;
    } else if (auto st = writeFileAtomically(o.out, text, inputs); !st) {
        printError(st.errorMessage());
        return kExitError;
    } else {
        std::cerr << "Wrote " << o.out << "\n";
    }
    if (!o.plot.empty()) {
        const auto png = studyParetoPng(*result);
        if (png.empty()) {
            printWarning("no plot: a study of one row has nothing to compare");
        } else if (auto st = writeFileAtomically(o.plot, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()), inputs);
                   !st) {
            printError(st.errorMessage());
            return kExitError;
        } else {
            std::cerr << "Wrote " << o.plot << "\n";
        }
    }
    std::cerr << "Rows: " << result->computedRows << " computed, " << result->cachedRows << " from the study cache; "
              << "calibration ran on " << result->calibratedImages << " images\n";
    for (const auto& w : result->warnings)
        printWarning(w);
    return 0;
}

}  // namespace

void addStudyCommand(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<StudyOptionsCli>();
    auto* cmd = app.add_subcommand(
        "study", "Score an FP32 model, other models and variants quantized from it (--vary) in one table: mAP and its "
                 "change, fidelity, parameters, GFLOPs, size, latency (mean, std, p50, p95, p99), throughput, peak "
                 "memory; finished rows are cached, so adding a row computes that row only");
    cmd->add_option("models", o->models, "FP32 [MODELS...]: the baseline, then other models to score")
        ->required()
        ->expected(1, -1)
        ->check(CLI::ExistingFile);
    cmd->add_option("--data", o->data, "Labelled dataset: folder (images/ + labels/) or Ultralytics data YAML");
    cmd->add_option("--images", o->images, "Images and/or folders without labels (no mAP; fidelity against FP32 only)")
        ->expected(1, -1);
    cmd->add_option("--vary", o->vary,
                    "Variants to quantize from FP32, the cartesian product of: method=minmax,entropy,percentile "
                    "per-channel=off,on calib-size=50,100,200 exclude=FILE1,FILE2 (node lists; none for no exclusion)")
        ->expected(1)
        ->take_all();
    cmd->add_option("--calib", o->calib, "Calibration images and/or folders (default: the scored images)")->expected(1, -1);
    cmd->add_option("--runs", o->runs, "Timed runs per model for latency")->check(CLI::PositiveNumber);
    cmd->add_option("--warmup", o->warmup, "Untimed runs before them")->check(CLI::NonNegativeNumber);
    cmd->add_option("--batch", o->batch, "Batch for throughput (models with a dynamic batch dimension)")->check(CLI::PositiveNumber);
    cmd->add_option("--limit", o->limit, "Score the first N images only (0: all)");
    cmd->add_option("--format", o->format, "text, md, csv or json");
    cmd->add_option("--out", o->out, "Write the table here instead of printing it");
    cmd->add_option("--plot", o->plot, "Pareto plot PNG: mAP50-95 against latency, circle area by file size");
    cmd->add_option("--cache-dir", o->cacheDir, "Study cache folder (rows, variant models; calibration/ inside)");
    cmd->add_flag("--no-cache", o->noCache, "Read and write no cache on disk");
    o->session.addTo(*cmd);
    o->preprocess.addTo(*cmd);
    o->detection.addTo(*cmd);
    cmd->callback([o, &exitCode] { exitCode = runStudyCommand(*o); });
}

}  // namespace ql::cli
