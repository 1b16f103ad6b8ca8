// A generated model of 10,000 nodes (residual blocks of Conv, Sigmoid, Mul, Add) through load,
// structure analysis and Graphviz layout: time and memory. Usage: large_model_bench [nodes]
#include <filesystem>
#include <iostream>

#include "BenchCommon.h"
#include "LargeModel.h"
#include "layout/GraphLayout.h"
#include "inspect/AnalyzedModel.h"

using namespace ql;

int main(int argc, char** argv) {
    const int target = argc > 1 ? std::stoi(argv[1]) : 10000;
    const std::string path = (std::filesystem::temp_directory_path() / "quantlens_large_model.onnx").string();
    if (auto st = OnnxModel::fromProto(bench::makeLargeModel(target), "large")->save(path); !st) {
        std::cerr << st.errorMessage() << "\n";
        return 1;
    }
    auto start = std::chrono::steady_clock::now();
    auto model = AnalyzedModel::load(path);
    const double load = bench::secondsSince(start);
    if (!model) {
        std::cerr << model.errorMessage() << "\n";
        return 1;
    }
    start = std::chrono::steady_clock::now();
    auto layout = layoutGraph(model->model.graph());
    const double lay = bench::secondsSince(start);
    if (!layout) {
        std::cerr << layout.errorMessage() << "\n";
        return 1;
    }
    std::printf("generated model: %d nodes, %.1f MB\n", model->model.graph().nodeCount(),
                static_cast<double>(std::filesystem::file_size(path)) / (1 << 20));
    std::printf("  load + graph + shape inference + Q/DQ analysis: %.2f s\n", load);
    std::printf("  Graphviz layout (dot): %.2f s, %zu boxes, %zu edges\n", lay, layout->nodes.size(), layout->edges.size());
    std::printf("  peak memory: %.0f MiB\n", bench::peakRssMiB());
    std::filesystem::remove(path);
    return 0;
}
