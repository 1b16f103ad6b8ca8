// Activation analysis speed and memory against plain ONNX Runtime, yolov8n at 640x640.
// Target: analysis time per image at most 2x (FP32 run + quantized run); peak memory for 100
// images under 2 GB. Usage: activation_compare_bench [images=100] [rounds=3] [quantized model in
// ../shared/models, default yolov8n_qdq_static.onnx; yolov8n_dynamic.onnx for dynamic quantization]
// Plain runs and analyses alternate for a few rounds and the fastest of each is compared: on a
// shared machine a single pair of runs swings by a third either way. The analysis runs the two
// models at once, half the cores each; plain ONNX Runtime is timed with its default threads (the
// target's reference) and, for comparison, with every core given to each model.
#include <cmath>
#include <iostream>
#include <thread>

#include "BenchCommon.h"
#include "analysis/ActivationComparison.h"

using namespace ql;

int main(int argc, char** argv) {
    const size_t count = argc > 1 ? std::stoul(argv[1]) : 100;
    const int rounds = argc > 2 ? std::stoi(argv[2]) : 3;
    const auto shared = bench::sharedDir();
    if (!shared) {
        std::cout << "skipped: ../shared not found\n";
        return 0;
    }
    auto fp32 = AnalyzedModel::load(*shared + "/models/yolov8n_fp32.onnx");
    const std::string quantFile = argc > 3 ? argv[3] : "yolov8n_qdq_static.onnx";
    auto quant = AnalyzedModel::load(*shared + "/models/" + quantFile);
    if (!fp32 || !quant) {
        std::cerr << (fp32 ? quant.errorMessage() : fp32.errorMessage()) << "\n";
        return 1;
    }
    const auto images = bench::cocoImages(*shared, count);
    ActivationOptions options;
    options.preprocess = PreprocessOptions::forModel(fp32->model);

    // Plain ONNX Runtime: both models on every image, preprocessing included as in the analysis.
    SessionOptions allCores;
    allCores.intraOpThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    auto plainFp32 = InferenceSession::fromFile(fp32->model.path());
    auto plainQuant = InferenceSession::fromFile(quant->model.path());
    auto allCoresFp32 = InferenceSession::fromFile(fp32->model.path(), allCores);
    auto allCoresQuant = InferenceSession::fromFile(quant->model.path(), allCores);
    const ImagePreprocessor pre(options.preprocess);
    auto runBoth = [&](InferenceSession& f, InferenceSession& q) {
        const auto start = std::chrono::steady_clock::now();
        for (const auto& image : images) {
            auto p = pre.prepare(image);
            const InputTensor in{"images", p->shape, p->tensor.data(), p->tensor.size()};
            (void)f.run({in});
            (void)q.run({in});
        }
        return bench::secondsSince(start) / static_cast<double>(images.size());
    };
    for (auto* s : {&*plainFp32, &*plainQuant, &*allCoresFp32, &*allCoresQuant}) {  // warm-up
        auto p = pre.prepare(images.front());
        (void)s->run({{"images", p->shape, p->tensor.data(), p->tensor.size()}});
    }
    double plain = HUGE_VAL, plainAllCores = HUGE_VAL, analysis = HUGE_VAL;
    std::vector<double> ratios;
    Result<ActivationReport> report = Error{"not run"};
    for (int round = 0; round < rounds; ++round) {
        const double plainRound = runBoth(*plainFp32, *plainQuant);
        plainAllCores = std::min(plainAllCores, runBoth(*allCoresFp32, *allCoresQuant));
        auto start = std::chrono::steady_clock::now();
        report = compareActivations(*fp32, *quant, images, options);
        const double analysisRound = bench::secondsSince(start) / static_cast<double>(images.size());
        if (!report) {
            std::cerr << report.errorMessage() << "\n";
            return 1;
        }
        plain = std::min(plain, plainRound);
        analysis = std::min(analysis, analysisRound);
        ratios.push_back(analysisRound / plainRound);
    }
    std::printf("activation analysis, yolov8n 640x640, %zu images, %zu activations, %d rounds\n", images.size(),
                report->layers.size(), rounds);
    std::printf("  plain ONNX Runtime FP32 + quantized: %7.1f ms/image (fastest round; default threads)\n", plain * 1000);
    std::printf("    the same, %2d threads per model:    %7.1f ms/image (ratio %.2fx)\n", allCores.intraOpThreads,
                plainAllCores * 1000, analysis / plainAllCores);
    std::printf("  QuantLens analysis:                  %7.1f ms/image (fastest round; sessions and instrumentation included)\n",
                analysis * 1000);
    std::printf("  ratio: %.2fx (target <= 2.0); per round:", analysis / plain);
    for (const double r : ratios)
        std::printf(" %.2f", r);
    std::printf("\n");
    std::printf("  peak memory: %.0f MiB (target < 2048 for 100 images)\n", bench::peakRssMiB());
    return 0;
}
