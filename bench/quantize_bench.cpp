// Quantizer speed, yolov8n: calibration time against plain ONNX Runtime FP32 inference over the
// same 11 images (target at most 1.5x), and re-quantization after an exclusion change with cached
// statistics (target under 1 s). Usage: quantize_bench [rounds=2]
#include <cmath>
#include <iostream>

#include "BenchCommon.h"
#include "quantize/CalibrationCache.h"
#include "quantize/QdqQuantizer.h"

using namespace ql;

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::stoi(argv[1]) : 2;
    const auto shared = bench::sharedDir();
    if (!shared) {
        std::cout << "skipped: ../shared not found\n";
        return 0;
    }
    auto fp32 = OnnxModel::load(*shared + "/models/yolov8n_fp32.onnx");
    auto images = collectImages({*shared + "/calibration"});
    if (!fp32 || !images) {
        std::cerr << "cannot load the model or the images\n";
        return 1;
    }
    CalibrationOptions options;
    options.preprocess = PreprocessOptions::forModel(*fp32);

    // Both sides pay for creating their session, as a calibration run from scratch does. Plain
    // runs and each method alternate for a few rounds and the fastest of each is compared: a
    // single run swings by a third on a shared machine, and whichever runs first in the process
    // also pays for its first touch of fresh memory.
    const ImagePreprocessor pre(options.preprocess);
    auto plainRun = [&] {
        const auto start = std::chrono::steady_clock::now();
        auto plain = InferenceSession::fromFile(fp32->path());
        for (const auto& image : *images) {
            auto p = pre.prepare(image);
            (void)plain->run({{"images", p->shape, p->tensor.data(), p->tensor.size()}});
        }
        return bench::secondsSince(start);
    };
    const CalibrationMethod methods[] = {CalibrationMethod::MinMax, CalibrationMethod::Entropy,
                                         CalibrationMethod::Percentile};
    double plainSeconds = HUGE_VAL;
    double seconds[3] = {HUGE_VAL, HUGE_VAL, HUGE_VAL};
    for (int round = 0; round < rounds; ++round) {
        plainSeconds = std::min(plainSeconds, plainRun());
        for (size_t m = 0; m < 3; ++m) {
            options.method = methods[m];
            const auto start = std::chrono::steady_clock::now();
            auto data = calibrate(*fp32, *images, options);
            seconds[m] = std::min(seconds[m], bench::secondsSince(start));
            if (!data) {
                std::cerr << data.errorMessage() << "\n";
                return 1;
            }
        }
    }
    std::printf("quantizer, yolov8n 640x640, %zu calibration images, %d rounds\n", images->size(), rounds);
    for (size_t m = 0; m < 3; ++m)
        std::printf("  calibration %-10s %6.2f s vs plain ORT FP32 session + inference %5.2f s: %.2fx (target <= 1.5)\n",
                    methodName(methods[m]).c_str(), seconds[m], plainSeconds, seconds[m] / plainSeconds);

    options.method = CalibrationMethod::MinMax;
    CalibrationCache cache("");
    auto stats = cache.get(*fp32, *images, options);
    QuantizerSettings settings;
    settings.nodesToExclude = {"/model.22/Concat_3", "/model.22/Split"};
    double worst = 0.0;
    for (const char* extra : {"/model.22/dfl/Softmax", "/model.22/Concat_5", "/model.22/Sigmoid"}) {
        settings.nodesToExclude.push_back(extra);
        const auto start = std::chrono::steady_clock::now();
        auto again = cache.get(*fp32, *images, options);  // cached: no inference
        auto q = quantizeQdq(*fp32, **again, settings);
        auto bytes = q ? q->model.serialize() : Result<std::string>(Error{q.errorMessage()});
        const double seconds = bench::secondsSince(start);
        if (!bytes) {
            std::cerr << bytes.errorMessage() << "\n";
            return 1;
        }
        worst = std::max(worst, seconds);
    }
    std::printf("  re-quantization after an exclusion change (cached statistics): %.3f s (target < 1 s)\n", worst);
    std::printf("  peak memory: %.0f MiB\n", bench::peakRssMiB());
    return 0;
}
