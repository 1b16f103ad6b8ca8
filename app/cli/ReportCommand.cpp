#include "ReportCommand.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <fstream>
#include <sstream>


#include "CliCommon.h"
#include "DetectionFlags.h"
#include "PreprocessFlags.h"
#include "ProgressBar.h"
#include "SessionFlags.h"
#include "detect/DetectionEvaluation.h"
#include "detect/VideoFrames.h"
#include "project/ExclusionCost.h"
#include "report/ReportAssembly.h"
#include "study/StudyJson.h"
#include "util/AtomicFile.h"

#ifdef QUANTLENS_HAVE_PDF
#include <QGuiApplication>

#include "ReportPdf.h"
#endif

namespace fs = std::filesystem;

namespace ql::cli {
namespace {

struct ReportOptions {
    std::string fp32;
    std::string quantized;
    std::vector<std::string> images;
    std::vector<std::string> detectImages;
    std::string data;
    size_t dataLimit = 0;  // images of --data to score, 0: all
    std::string settings;
    std::string html;
    std::string pdf;
    size_t worst = 10;
    size_t pictures = 6;      // most changed images shown
    std::string page = "a4";  // PDF paper: a4 or letter
    std::string video;        // pictures from this video's frames instead
    int every = 10;           // of the video: every Nth frame
    std::string title = kDefaultReportTitle;  // written in --lang's language unless given
    std::string lang = "en";                  // of the report's texts: en or zh_CN
    std::vector<std::string> exclusionCost;  // calibration images: time the exclusion list's cost
    std::vector<std::string> explain;        // images: a page per FP32 box INT8 missed or moved on them
    std::string study;                       // `study --format json` output: its table and Pareto plot
    PreprocessFlags preprocess;
    DetectionFlags detection;
    SessionFlags session;
};

int runReport(const ReportOptions& o) {
    if (o.html.empty() && o.pdf.empty()) {
        printError("give --html FILE and/or --pdf FILE");
        return kExitError;
    }
    const auto language = parseReportLanguage(o.lang);
    if (!language) {
        printError("--lang: " + language.errorMessage());
        return kExitError;
    }
#ifndef QUANTLENS_HAVE_PDF
    if (!o.pdf.empty()) {
        printError("this build has no PDF export (configure with QUANTLENS_BUILD_GUI=ON)");
        return kExitError;
    }
#endif
    std::optional<StudyResult> study;  // read first: a bad file fails before any model is run
    if (!o.study.empty()) {
        std::ifstream in(o.study, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        auto read = studyFromJson(text.str(), o.study);
        if (!read) {
            printError("--study: " + read.errorMessage());
            return kExitError;
        }
        study = std::move(read).value();
    }
    auto models = loadModelPair(o.fp32, o.quantized);
    if (!models)
        return kExitError;
    auto images = collectImages(o.images);
    if (!images) {
        printError(images.errorMessage());
        return kExitError;
    }
    auto decode = o.detection.decodeOptions(models->fp32.model);
    auto names = o.detection.classNames(models->fp32.model);
    if (!decode || !names)
        return kExitError;
    auto pre = o.preprocess.resolve(models->fp32.model, *images, *decode);
    if (!pre)
        return kExitError;

    ReportContent content = startReport(models->fp32, models->quantized);
    content.study = std::move(study);
    content.title = o.title;
    content.language = *language;
    content.worstLayers = o.worst;
    if (!o.settings.empty()) {
        std::ifstream in(o.settings);
        const auto json = nlohmann::json::parse(in, nullptr, false);
        auto s = json.is_discarded() ? Result<QuantizerSettings>(Error{o.settings + " is not JSON"}) : QuantizerSettings::fromJson(json);
        if (!s) {
            printError(s.errorMessage());
            return kExitError;
        }
        content.settings = std::move(s).value();
    }
    ActivationOptions activationOptions;
    activationOptions.preprocess = *pre;
    activationOptions.decode = *decode;
    activationOptions.session = o.session.options();
    auto activations = compareActivations(models->fp32, models->quantized, *images, activationOptions, textProgress("comparing"));
    if (!activations) {
        printError(activations.errorMessage());
        return kExitError;
    }
    content.activations = std::move(activations).value();

    DetectorOptions detectorOptions{o.session.options(), *pre, *decode};
    auto detectors = DetectorPair::create(models->fp32.model, models->quantized.model, detectorOptions, *names);
    if (!detectors) {
        printError(detectors.errorMessage());
        return kExitError;
    }
    std::optional<YoloDataset> data;
    if (!o.data.empty()) {
        auto loaded = YoloDataset::load(o.data);
        if (!loaded) {
            printError(loaded.errorMessage());
            return kExitError;
        }
        data = std::move(loaded).value();
    }
    // The pictures: the images INT8 changed most among --detect, or else among the comparison
    // images and the data set's (as far as --data-limit goes).
    std::vector<std::string> candidates = o.detectImages;
    if (candidates.empty()) {
        candidates = *images;
        if (data)
            for (size_t i = 0; i < data->images.size() && (o.dataLimit == 0 || i < o.dataLimit); ++i)
                if (std::find(candidates.begin(), candidates.end(), data->images[i].image) == candidates.end())
                    candidates.push_back(data->images[i].image);
    }
    std::vector<std::string> skipped;
    if (!o.video.empty()) {
        auto frames = VideoFrames::open(o.video, o.every);
        if (!frames) {
            printError(frames.errorMessage());
            return kExitError;
        }
        if (auto st = addMostChangedFrames(content, *detectors, *frames, o.pictures, textProgress("choosing frames")); !st) {
            printError(o.video + ": " + st.errorMessage());
            return kExitError;
        }
    } else if (auto st = addMostChangedPictures(content, *detectors, candidates, o.pictures, &skipped, textProgress("choosing pictures"));
               !st) {
        printError(st.errorMessage());
        return kExitError;
    }
    for (const auto& s : skipped)
        printWarning("not pictured: " + s);
    if (!o.explain.empty()) {
        // Each page names the layer where the box was lost: the trace's jump, as explain --trace marks it.
        const BoxPageTracing tracing{&models->fp32, &models->quantized, o.session.options()};
        std::vector<std::string> traceProblems;
        if (auto st = addBoxPages(content, *detectors, o.explain, textProgress("explaining boxes"), &tracing, &traceProblems);
            !st) {
            printError("--explain: " + st.errorMessage());
            return kExitError;
        }
        for (const auto& p : traceProblems)
            printWarning("--explain: no layer traced for " + p);
        std::cout << "Explained " << content.boxCases.size() << " boxes INT8 missed or moved on " << o.explain.size()
                  << (o.explain.size() == 1 ? " image\n" : " images\n");
    }
    std::cout << "Pictured the " << content.detections.size() << " of " << content.picturesConsidered
              << (o.video.empty() ? " images" : " frames") << " INT8 changed most\n";
    if (data) {
        for (const auto& w : data->warnings)
            std::cerr << "quantlens-cli: warning: " << w << "\n";
        EvaluationOptions evaluation;
        evaluation.detector = detectorOptions;
        evaluation.limit = o.dataLimit;
        evaluation.timedRuns = 10;
        auto report = evaluateDetection(models->fp32.model, &models->quantized.model, *data, evaluation, textProgress("evaluating"));
        if (!report) {
            printError(report.errorMessage());
            return kExitError;
        }
        std::cout << "Scored " << report->images << " of the " << report->datasetImages << " images of " << o.data
                  << (report->images < report->datasetImages ? " (--data-limit)" : "") << "\n";
        content.evaluation = std::move(report).value();
    }
    // The data set's images say more than the pictures' few, when there are any.
    for (const auto& w : content.evaluation ? content.evaluation->warnings
                                            : detectors->warnings(o.preprocess.automatic()))
        printWarning(w);

    if (!o.exclusionCost.empty() && content.nodesLeftFloat.empty()) {
        std::cout << "No node is left float: the exclusion list costs nothing\n";
    } else if (!o.exclusionCost.empty()) {
        auto calibration = collectImages(o.exclusionCost);
        if (!calibration) {
            printError(calibration.errorMessage());
            return kExitError;
        }
        ExclusionCostOptions cost;
        cost.calibrationImages = *calibration;
        cost.calibration.preprocess = *pre;
        cost.calibration.session = o.session.options();
        cost.timingImage = images->front();
        auto runs = measureExclusionCost(models->fp32, models->quantized, cost, textProgress("timing the exclusions"));
        if (!runs) {
            printError("--exclusion-cost: " + runs.errorMessage());
            return kExitError;
        }
        const LatencyStats& none = *runs->front().metrics.latency;
        const LatencyStats& list = *runs->back().metrics.latency;
        std::printf("The %zu nodes left float cost %+.1f ms: %.1f ms with them, %.1f ms with none (both made again here, "
                    "median of %d runs)\n",
                    runs->back().exclusions.size(), list.medianMs - none.medianMs, list.medianMs, none.medianMs, list.runs);
        content.runs = std::move(runs).value();
    }

    std::vector<std::string> inputs = {o.fp32, o.quantized};
    if (!o.study.empty())
        inputs.push_back(o.study);
    inputs.insert(inputs.end(), images->begin(), images->end());
    if (!o.html.empty()) {
        if (auto st = writeFileAtomically(o.html, renderHtml(content), inputs); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
        std::cout << "Wrote " << o.html << "\n";
    }
#ifdef QUANTLENS_HAVE_PDF
    if (!o.pdf.empty()) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");  // no display needed for printing
        static int argc = 1;
        static char name[] = "quantlens-cli";
        static char* argv[] = {name, nullptr};
        QGuiApplication app(argc, argv);
        if (auto st = writeReportPdf(content, o.pdf, inputs, o.page == "letter" ? ReportPage::Letter : ReportPage::A4); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
        std::cout << "Wrote " << o.pdf << "\n";
    }
#endif
    return 0;
}

}  // namespace

void addReportCommand(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<ReportOptions>();
    auto* cmd = app.add_subcommand("report", "Write a report for stakeholders: models, worst layers with histograms, "
                                             "detections side by side, accuracy and latency, nodes left in float");
    cmd->add_option("fp32", o->fp32, "FP32 model")->required()->check(CLI::ExistingFile);
    cmd->add_option("quantized", o->quantized, "Quantized model")->required()->check(CLI::ExistingFile);
    cmd->add_option("--images", o->images, "Images for the layer comparison")->required()->expected(1, -1);
    cmd->add_option("--detect", o->detectImages,
                    "Images to choose the pictures from (default: the --images and the --data images)")->expected(1, -1);
    cmd->add_option("--pictures", o->pictures, "How many of the images INT8 changed most to show (default 6)");
    cmd->add_option("--video", o->video, "Choose the pictures among this video's frames (mp4, avi, ...)")->check(CLI::ExistingFile);
    cmd->add_option("--every", o->every, "With --video: every Nth frame (default 10)")->check(CLI::PositiveNumber);
    cmd->add_option("--page", o->page, "PDF paper size: a4 (default) or letter")->check(CLI::IsMember({"a4", "letter"}));
    cmd->add_option("--data", o->data, "Labelled dataset (folder or data YAML) for accuracy and latency");
    cmd->add_option("--data-limit", o->dataLimit, "Score the first N images of the dataset only (0: all, the default)");
    cmd->add_option("--exclusion-cost", o->exclusionCost,
                    "Calibration images or folders: make the FP32 model again with the quantized model's settings, "
                    "with and without the nodes it leaves float, and time both for the first page")
        ->expected(1, -1);
    cmd->add_option("--explain", o->explain, "Images: a page per FP32 box INT8 missed or moved on each (both crops, "
                                             "scores, the grid cell it came from and why)")
        ->expected(1, -1)
        ->delimiter(',');
    cmd->add_option("--study", o->study, "A study's JSON (study --format json): its table and Pareto plot in the report")
        ->check(CLI::ExistingFile);
    cmd->add_option("--settings", o->settings, "Quantization settings JSON (from quantize --export-json)");
    cmd->add_option("--html", o->html, "Self-contained HTML file to write");
    cmd->add_option("--pdf", o->pdf, "PDF file to write");
    cmd->add_option("--worst", o->worst, "Worst layers to show");
    cmd->add_option("--title", o->title, "Report title");
    cmd->add_option("--lang", o->lang, "Language of the report's text: en (default) or zh_CN");
    o->preprocess.addTo(*cmd);
    o->session.addTo(*cmd);
    o->detection.addTo(*cmd);
    cmd->callback([o, &exitCode] { exitCode = runReport(*o); });
}

}  // namespace ql::cli
