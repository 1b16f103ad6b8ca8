#include "inspect/FloatView.h"

#include <algorithm>

namespace ql {
namespace {

std::string withoutSuffix(const std::string& s, const std::string& suffix) {
    if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
        return s.substr(0, s.size() - suffix.size());
    return s;
}

bool isFloatType(int type) {
    return type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::FLOAT16 ||
           type == onnx::TensorProto::BFLOAT16 || type == onnx::TensorProto::DOUBLE;
}

int elementTypeOf(const Graph& graph, const std::string& tensor) {
    if (const onnx::TensorProto* init = graph.initializer(tensor))
        return init->data_type();
    const TensorInfo* info = graph.tensorInfo(tensor);
    return info ? info->elementType : 0;
}

// A Cast from one float type to another (FP16 models' conversions at their borders): a conversion,
// not a computation. Casts from or to integers stay nodes.
bool isFloatCast(const Graph& graph, const Node& n) {
    if (n.opType != "Cast" || n.inputs.empty() || n.outputs.empty())
        return false;
    int to = 0;
    for (const auto& a : n.proto->attribute())
        if (a.name() == "to")
            to = static_cast<int>(a.i());
    return isFloatType(to) && isFloatType(elementTypeOf(graph, n.inputs[0]));
}

// Operators that move integer values without changing what they stand for: their output keeps the
// input's scale and zero point (ONNX Runtime runs them on uint8 between QOperator nodes).
bool keepsEncoding(const std::string& op) {
    static const char* const ops[] = {"MaxPool", "Reshape", "Resize", "Transpose", "Split", "Slice", "Squeeze",
                                      "Unsqueeze", "Flatten", "Identity", "Pad", "DepthToSpace", "SpaceToDepth",
                                      "Concat", "Gather"};
    return std::any_of(std::begin(ops), std::end(ops), [&](const char* o) { return op == o; });
}

}  // namespace

std::string FloatView::source(const std::string& tensor) const {
    std::string t = tensor;
    for (size_t guard = 0; guard < alias.size() + 1; ++guard) {
        auto it = alias.find(t);
        if (it == alias.end())
            break;
        t = it->second;
    }
    return t;
}

FloatView FloatView::build(const Graph& graph, const QdqStructure& qdq) {
    FloatView v;
    std::unordered_map<int, IntegerChain> chains;
    for (const auto& n : graph.nodes())
        if (auto chain = integerChainOf(graph, n.index)) {
            for (const int k : {chain->cast, chain->outputMul, chain->scalesMul, chain->biasAdd, chain->biasReshape})
                if (k >= 0)
                    v.absorbed.insert(k);
            chains.emplace(n.index, std::move(*chain));
        }
    // A weight or bias stored as integers is named by its float name, as QdqStructure names it.
    auto operand = [&](const std::string& t) {
        return graph.isInitializer(t) ? withoutSuffix(t, "_quantized") : v.source(t);
    };
    for (const int i : graph.topologicalOrder()) {
        if (v.absorbed.count(i))
            continue;
        const Node& n = graph.node(i);
        const std::string& op = n.opType;
        if (n.outputs.empty())
            continue;
        if (op == "QuantizeLinear" || op == "DequantizeLinear" || op == "DynamicQuantizeLinear" || isFloatCast(graph, n)) {
            v.absorbed.insert(i);
            if (n.inputs.empty())
                continue;
            v.alias[n.outputs[0]] = op == "DequantizeLinear" ? qdq.floatSourceOf(n.outputs[0]) != n.outputs[0]
                                                                   ? qdq.floatSourceOf(n.outputs[0])
                                                                   : operand(n.inputs[0])
                                                             : n.inputs[0];
            if (op == "QuantizeLinear" && n.inputs.size() >= 2)
                v.encoding[n.outputs[0]] = {n.inputs[1], n.inputs.size() >= 3 ? n.inputs[2] : std::string()};
            if (op == "DynamicQuantizeLinear" && n.outputs.size() >= 3)
                v.encoding[n.outputs[0]] = {n.outputs[1], n.outputs[2]};
            continue;
        }
        ViewNode vn;
        vn.index = i;
        vn.name = withoutSuffix(n.name, "_quant");
        vn.opType = op;
        vn.outputs = n.outputs;
        if (auto chain = chains.find(i); chain != chains.end()) {
            vn.opType = op == "ConvInteger" ? "Conv" : "MatMul";
            vn.inputs = {v.source(n.inputs.at(0)), operand(n.inputs.at(1))};
            if (!chain->second.bias.empty())
                vn.inputs.push_back(chain->second.bias);
            vn.outputs = {chain->second.output};
        } else if (auto layout = qOperatorLayout(n)) {
            vn.opType = layout->floatOp;
            for (const auto& in : layout->inputs)
                vn.inputs.push_back(operand(n.inputs.at(static_cast<size_t>(in[0]))));
            if (layout->bias >= 0)
                vn.inputs.push_back(operand(n.inputs[static_cast<size_t>(layout->bias)]));
            if (layout->outputScale >= 0)
                v.encoding[n.outputs[0]] = {n.inputs[static_cast<size_t>(layout->outputScale)],
                                            layout->outputZeroPoint >= 0 ? n.inputs[static_cast<size_t>(layout->outputZeroPoint)]
                                                                         : std::string()};
        } else {
            for (const auto& in : n.inputs)
                vn.inputs.push_back(in.empty() ? in : v.source(in));
            if (keepsEncoding(op) && !n.inputs.empty())
                if (auto e = v.encoding.find(n.inputs[0]); e != v.encoding.end()) {
                    const IntegerEncoding encoding = e->second;
                    for (const auto& out : n.outputs)
                        if (!out.empty())
                            v.encoding[out] = encoding;
                }
        }
        v.nodes.push_back(std::move(vn));
    }
    return v;
}

std::string bfloat16ComputeNote(const Graph& graph) {
    static const char* const moves[] = {"Cast", "CastLike", "Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze",
                                        "Transpose", "Shape", "Constant"};
    for (const int i : graph.topologicalOrder()) {
        const Node& n = graph.node(i);
        if (std::any_of(std::begin(moves), std::end(moves), [&](const char* o) { return n.opType == o; }))
            continue;
        std::vector<std::string> tensors = n.inputs;
        tensors.insert(tensors.end(), n.outputs.begin(), n.outputs.end());
        for (const auto& t : tensors)
            if (!t.empty() && elementTypeOf(graph, t) == onnx::TensorProto::BFLOAT16)
                return "node '" + graph.label(i) + "' (" + n.opType +
                       ") computes in bfloat16, which ONNX Runtime's CPU provider has no kernel for; QuantLens "
                       "compares BF16 models whose operators run in float between Casts to bfloat16 and back "
                       "(BF16 storage, as an export writes it)";
    }
    return {};
}

}  // namespace ql
