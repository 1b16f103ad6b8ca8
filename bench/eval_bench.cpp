// `eval` speed against plain ONNX Runtime: yolov8n FP32 on coco128, the whole evaluation (read and
// letterbox each image, run, decode at confidence 0.001 with NMS over every candidate, keep
// --max-det, score mAP at ten IoU thresholds) against reading, letterboxing and running each image
// in a plain session. Target: at most 1.3x. Usage: eval_bench [rounds=3]
// Plain runs and evaluations alternate and the fastest of each is compared (a shared machine
// swings single runs by a third).
#include <iostream>

#include "BenchCommon.h"
#include "detect/DetectionEvaluation.h"

using namespace ql;

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::stoi(argv[1]) : 3;
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
    EvaluationOptions options;
    options.detector.preprocess = PreprocessOptions::forModel(*model);
    options.warmupRuns = 0;
    options.timedRuns = 1;  // the latency table is not what is timed here
    const ImagePreprocessor preprocessor(options.detector.preprocess);
    auto plain = InferenceSession::fromFile(model->path());
    if (!plain) {
        std::cerr << plain.errorMessage() << "\n";
        return 1;
    }
    double bestPlain = 1e30, bestEval = 1e30;
    MapResult accuracy;
    for (int round = 0; round < rounds; ++round) {
        auto start = std::chrono::steady_clock::now();
        for (const auto& item : data->images) {
            auto p = preprocessor.prepare(item.image);
            if (!p || !plain->run({{"images", p->shape, p->tensor.data(), p->tensor.size()}})) {
                std::cerr << item.image << ": plain run failed\n";
                return 1;
            }
        }
        bestPlain = std::min(bestPlain, bench::secondsSince(start));
        start = std::chrono::steady_clock::now();
        auto report = evaluateDetection(*model, nullptr, *data, options);
        if (!report) {
            std::cerr << report.errorMessage() << "\n";
            return 1;
        }
        bestEval = std::min(bestEval, bench::secondsSince(start));
        accuracy = report->fp32.accuracy;
    }
    std::printf("%zu images, fastest of %d rounds: plain ONNX Runtime %.2f s, eval %.2f s: %.2fx (target 1.3x); "
                "mAP@0.5 %.4f, mAP@.5:.95 %.4f, %zu predictions\n",
                data->images.size(), rounds, bestPlain, bestEval, bestEval / bestPlain, accuracy.map50, accuracy.map50to95,
                accuracy.predictions);
    return 0;
}
