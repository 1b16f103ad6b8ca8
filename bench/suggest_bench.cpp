// `suggest` speed: a node-level search (modules, sub-modules and nodes) on yolov8n with the
// mAP@0.5:0.95 objective, 64 coco128 scoring images and the other 64 validating every step, as
// `suggest --data coco128.yaml --objective map50-95 --score-images 64` runs it. Target (issue 21):
// at most 3 minutes on a 2-core machine. Prints the time of each phase, and the cost of one
// candidate (one quantization, one ONNX Runtime session, 64 inferences) that the search is made of.
// Usage: suggest_bench [score_images=64]
#include <iostream>

#include "BenchCommon.h"
#include "analysis/Sensitivity.h"
#include "quantize/CalibrationCache.h"
#include "quantize/QdqQuantizer.h"

using namespace ql;

int main(int argc, char** argv) {
    const size_t scoreImages = argc > 1 ? static_cast<size_t>(std::stoul(argv[1])) : 64;
    const auto shared = bench::sharedDir();
    if (!shared) {
        std::cout << "skipped: ../shared not found\n";
        return 0;
    }
    auto model = OnnxModel::load(*shared + "/models/yolov8n_fp32.onnx");
    auto data = YoloDataset::load(*shared + "/datasets/coco128/coco128.yaml");
    if (!model || !data) {
        std::cerr << (model ? data.errorMessage() : model.errorMessage()) << "\n";
        return 1;
    }
    std::vector<std::string> calib;
    for (const auto& e : std::filesystem::directory_iterator(*shared + "/calibration"))
        calib.push_back(e.path().string());
    std::sort(calib.begin(), calib.end());
    CalibrationOptions c;
    c.preprocess = PreprocessOptions::forModel(*model);
    auto start = std::chrono::steady_clock::now();
    auto stats = CalibrationCache("").get(*model, calib, c);
    if (!stats) {
        std::cerr << stats.errorMessage() << "\n";
        return 1;
    }
    const double calibSeconds = bench::secondsSince(start);
    ImageSet all;
    for (const auto& item : data->images) {
        all.paths.push_back(item.image);
        all.labels.push_back(item.labels);
    }
    const ImageSet scoring = all.slice(0, scoreImages), validation = all.slice(scoreImages, all.size());
    SensitivityOptions options;
    options.objective = Objective::Map50to95;
    options.preprocess = c.preprocess;

    // One candidate, as the search pays for it.
    start = std::chrono::steady_clock::now();
    auto q = quantizeQdq(*model, **stats, {});
    const double quantizeSeconds = bench::secondsSince(start);
    start = std::chrono::steady_clock::now();
    auto bytes = q->model.serialize();
    auto session = InferenceSession::fromBytes(*bytes, "int8");
    const double sessionSeconds = bench::secondsSince(start);
    const ImagePreprocessor pre(options.preprocess);
    std::vector<PreparedImage> prepared;
    for (const auto& p : scoring.paths)
        prepared.push_back(*pre.prepare(p));
    start = std::chrono::steady_clock::now();
    for (const auto& p : prepared)
        (void)session->run({{"images", p.shape, p.tensor.data(), p.tensor.size()}});
    const double inferSeconds = bench::secondsSince(start);

    start = std::chrono::steady_clock::now();
    auto ranking = screenCandidates(*model, **stats, {}, scoring.slice(0, 8), options, 0, 3);
    if (!ranking) {
        std::cerr << ranking.errorMessage() << "\n";
        return 1;
    }
    const double rankSeconds = bench::secondsSince(start);
    start = std::chrono::steady_clock::now();
    auto s = suggestExclusions(*model, **stats, {}, scoring, validation, options, *ranking, SearchOptions{});
    if (!s) {
        std::cerr << s.errorMessage() << "\n";
        return 1;
    }
    const double searchSeconds = bench::secondsSince(start);
    std::printf("one candidate: quantize %.2f s, session %.2f s, %zu inferences %.2f s\n", quantizeSeconds, sessionSeconds,
                prepared.size(), inferSeconds);
    std::printf("calibration %.1f s; ranking %zu candidates on 8 images %.1f s; search (%zu steps, %zu scoring + %zu "
                "validation images) %.1f s; total %.1f s (target 180 s)\n",
                calibSeconds, ranking->entries.size(), rankSeconds, s->curve.size(), scoring.size(), validation.size(),
                searchSeconds, calibSeconds + rankSeconds + searchSeconds);
    std::printf("suggested %zu nodes; stopped: %s; peak memory %.0f MiB\n", s->nodesToExclude.size(), s->stopReason.c_str(),
                bench::peakRssMiB());
    return 0;
}
