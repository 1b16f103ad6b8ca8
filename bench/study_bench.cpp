// `study` speed against plain ONNX Runtime: yolov8n FP32 and 6 variants quantized from it
// (minmax/percentile/entropy x per-tensor/per-channel, the detection head float as
// --keep-last-layer-float keeps it) on coco128. The study (calibrate once per method, quantize,
// evaluate every row: read, letterbox, run, decode, mAP and fidelity; time each row with warm-up
// and timed runs; batch 1) against: the same calibrations run directly (calibrate(), no cache), plus
// reading, letterboxing and running every image through a plain session of each row's model.
// Target: at most 1.3x. Usage: study_bench [images=128] [calibration images=32] [timed runs=10]
// One round each (a round takes minutes); on a shared machine single runs swing, so say so.
#include <unistd.h>

#include <iostream>

#include "BenchCommon.h"
#include "quantize/ModelPreparation.h"
#include "study/Study.h"

using namespace ql;

int main(int argc, char** argv) {
    const size_t images = argc > 1 ? std::stoul(argv[1]) : 128;
    const size_t calibrationImages = argc > 2 ? std::stoul(argv[2]) : 32;
    const int runs = argc > 3 ? std::stoi(argv[3]) : 10;
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
    StudyOptions options;
    options.evaluation.detector.preprocess = PreprocessOptions::forModel(*model);
    options.evaluation.limit = images;
    options.evaluation.warmupRuns = 2;
    options.evaluation.timedRuns = runs;
    options.calibration.preprocess = options.evaluation.detector.preprocess;
    options.calibrationImages = bench::cocoImages(*shared, calibrationImages);
    const NetworkEnd end = networkEnd(model->graph());
    std::vector<std::string> head = end.lastComputeNodes;
    head.insert(head.end(), end.nodesAfter.begin(), end.nodesAfter.end());
    std::vector<StudyVariant> variants;
    for (const auto method : {CalibrationMethod::MinMax, CalibrationMethod::Percentile, CalibrationMethod::Entropy})
        for (const bool perChannel : {false, true})
            variants.push_back({method, perChannel, 0, "head", head});
    const auto folder = std::filesystem::temp_directory_path() / ("quantlens-study-bench-" + std::to_string(::getpid()));
    options.cacheDirectory = folder.string();  // fresh: nothing cached
    options.calibrationCacheDirectory = "";

    auto start = std::chrono::steady_clock::now();
    auto result = runStudy(*model, {}, variants, *data, options);
    const double studySeconds = bench::secondsSince(start);
    if (!result) {
        std::cerr << result.errorMessage() << "\n";
        return 1;
    }
    // The reference: the same calibrations, then plain inference of every row's model on the images.
    start = std::chrono::steady_clock::now();
    for (const auto method : {CalibrationMethod::MinMax, CalibrationMethod::Percentile, CalibrationMethod::Entropy}) {
        CalibrationOptions c = options.calibration;
        c.method = method;
        if (auto r = calibrate(*model, options.calibrationImages, c); !r) {
            std::cerr << r.errorMessage() << "\n";
            return 1;
        }
    }
    const double calibrationSeconds = bench::secondsSince(start);
    const ImagePreprocessor preprocessor(options.evaluation.detector.preprocess);
    start = std::chrono::steady_clock::now();
    const size_t count = std::min(images, data->images.size());
    for (const auto& row : result->rows) {
        auto session = InferenceSession::fromFile(row.model);
        if (!session) {
            std::cerr << session.errorMessage() << "\n";
            return 1;
        }
        for (size_t i = 0; i < count; ++i) {
            auto p = preprocessor.prepare(data->images[i].image);
            if (!p || !session->run({{"images", p->shape, p->tensor.data(), p->tensor.size()}})) {
                std::cerr << data->images[i].image << ": plain run failed\n";
                return 1;
            }
        }
    }
    const double plainSeconds = bench::secondsSince(start);
    std::error_code ec;
    std::filesystem::remove_all(folder, ec);
    auto table = studyTable(*result, "text");
    std::cout << (table ? *table : table.errorMessage()) << "\n";
    const double reference = plainSeconds + calibrationSeconds;
    std::printf("%zu rows (FP32 + %zu variants), %zu images, %zu calibration images, %d timed runs per row: study %.1f s; "
                "plain ONNX Runtime %.1f s + calibrations %.1f s = %.1f s: %.2fx (target 1.3x)\n",
                result->rows.size(), variants.size(), count, options.calibrationImages.size(), runs, studySeconds,
                plainSeconds, calibrationSeconds, reference, studySeconds / reference);
    return 0;
}
