#include "runtime/LoadRewrites.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <system_error>

#include <unistd.h>

#include "model/Graph.h"

namespace ql {
namespace {

bool isWeightedOp(const std::string& op) { return op == "Conv" || op == "ConvTranspose" || op == "Gemm"; }

bool fromDequantize(const Graph& g, const std::string& tensor) {
    const int p = g.producer(tensor);
    return p >= 0 && g.node(p).opType == "DequantizeLinear";
}

// A float initializer the node reads directly, with no DequantizeLinear in between.
bool floatInitializer(const Graph& g, const std::string& tensor) {
    const auto* init = g.initializer(tensor);
    return init && init->data_type() == onnx::TensorProto::FLOAT;
}

// A file name of this process' own for the optimised graph, removed when it goes out of scope.
struct TempModelFile {
    std::filesystem::path path;
    TempModelFile() {
        static std::atomic<int> counter{0};
        std::error_code ec;
        path = std::filesystem::temp_directory_path(ec) /
               ("quantlens-optimized-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".onnx");
    }
    ~TempModelFile() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
        std::filesystem::remove(path.string() + ".data", ec);
    }
};

}  // namespace

std::string LoadRewrite::describe() const {
    const std::string what = weights && bias ? "weights and bias" : weights ? "weights" : "bias";
    return node + " (" + opType + "): " + what + " quantized by ONNX Runtime at load, though float in the file";
}

Result<std::vector<LoadRewrite>> precisionRewritesAtLoad(const OnnxModel& model, const SessionOptions& options) {
    std::vector<LoadRewrite> rewrites;
    if (options.optimization == GraphOptimization::Disabled || !options.fuseQdq)
        return rewrites;
    const Graph& file = model.graph();
    // Only nodes with a float weight or bias in the file can change; most models have none left.
    std::vector<int> candidates;
    for (const auto& n : file.nodes())
        if (isWeightedOp(n.opType) && n.inputs.size() >= 2 && fromDequantize(file, n.inputs[0]) &&
            (floatInitializer(file, n.inputs[1]) || (n.inputs.size() >= 3 && floatInitializer(file, n.inputs[2]))))
            candidates.push_back(n.index);
    if (candidates.empty())
        return rewrites;

    // The rewrite happens at level basic; the graph saved there is still plain ONNX (the QLinear
    // fusions of the higher levels would hide the nodes' names).
    TempModelFile optimized;
    SessionOptions dump = options;
    dump.optimization = GraphOptimization::Basic;
    dump.optimizedModelPath = optimized.path.string();
    dump.intraOpThreads = 1;
    auto bytes = model.serialize();
    if (!bytes)
        return bytes.error();
    if (auto session = InferenceSession::fromBytes(*bytes, model.displayName(), dump); !session)
        return session.error();
    auto loaded = OnnxModel::load(optimized.path.string());
    if (!loaded)
        return Error{"cannot read the graph ONNX Runtime optimised from " + model.displayName() + ": " +
                     loaded.errorMessage()};
    const Graph& deployed = loaded->graph();
    for (const int index : candidates) {
        const Node& n = file.node(index);
        const int d = n.name.empty() ? -1 : deployed.findNode(n.name);
        if (d < 0)
            continue;
        const Node& m = deployed.node(d);
        LoadRewrite r{file.label(index), n.opType};
        r.weights = floatInitializer(file, n.inputs[1]) && m.inputs.size() >= 2 && fromDequantize(deployed, m.inputs[1]);
        r.bias = n.inputs.size() >= 3 && floatInitializer(file, n.inputs[2]) && m.inputs.size() >= 3 &&
                 fromDequantize(deployed, m.inputs[2]);
        if (r.weights || r.bias)
            rewrites.push_back(std::move(r));
    }
    return rewrites;
}

std::vector<LoadRewrite> undoneExclusions(const std::vector<LoadRewrite>& rewrites,
                                          const std::vector<std::string>& excluded) {
    std::vector<LoadRewrite> undone;
    for (const auto& r : rewrites)
        if (std::find(excluded.begin(), excluded.end(), r.node) != excluded.end())
            undone.push_back(r);
    return undone;
}

std::string undoneExclusionWarning(const LoadRewrite& r, GraphOptimization level) {
    return "exclusion undone: ONNX Runtime (optimisation " + optimizationName(level) + ") quantizes the " +
           (r.weights ? std::string("weights") : std::string("bias")) + " of " + r.node +
           " at load, because it sits between a DequantizeLinear and a QuantizeLinear; to keep it float, also exclude "
           "the nodes around it so its input or output stays float";
}

}  // namespace ql
