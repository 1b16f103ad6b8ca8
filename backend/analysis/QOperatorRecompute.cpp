#include "analysis/QOperatorRecompute.h"

#include <algorithm>

#include "inspect/QdqStructure.h"
#include "model/TensorData.h"

namespace ql {
namespace {

bool recomputable(const std::string& floatOp) {
    static const char* const ops[] = {"Conv", "MatMul", "Gemm", "Add", "Mul", "Concat", "Sigmoid", "LeakyRelu",
                                      "AveragePool", "GlobalAveragePool"};
    return std::any_of(std::begin(ops), std::end(ops), [&](const char* o) { return floatOp == o; });
}

int64_t intAttribute(const Node& n, const std::string& name, int64_t fallback) {
    for (const auto& a : n.proto->attribute())
        if (a.name() == name && a.type() == onnx::AttributeProto::INT)
            return a.i();
    return fallback;
}

size_t elementsOf(const Graph& g, const std::string& tensor) {
    const onnx::TensorProto* t = g.initializer(tensor);
    return t ? static_cast<size_t>(elementCount(*t)) : 0;
}

int rankOf(const Graph& g, const std::string& tensor) {
    if (const onnx::TensorProto* t = g.initializer(tensor))
        return t->dims_size();
    const TensorInfo* info = g.tensorInfo(tensor);
    return info && info->hasShape ? static_cast<int>(info->shape.size()) : -1;
}

onnx::NodeProto makeNode(const std::string& op, const std::vector<std::string>& inputs, const std::string& output) {
    onnx::NodeProto n;
    n.set_op_type(op);
    n.set_name(output);
    for (const auto& in : inputs)
        n.add_input(in);
    n.add_output(output);
    return n;
}

void setInt(onnx::NodeProto& n, const std::string& name, int64_t value) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
}

}  // namespace

std::optional<FloatRecompute> recomputeInFloat(const Graph& g, const Node& n, int64_t opset) {
    const auto layout = qOperatorLayout(n);
    if (!layout || !recomputable(layout->floatOp) || layout->outputScale < 0 || n.outputs.empty())
        return std::nullopt;
    if (intAttribute(n, "channels_last", 0) != 0)
        return std::nullopt;
    auto input = [&](int position) {
        return position >= 0 && static_cast<size_t>(position) < n.inputs.size() ? n.inputs[static_cast<size_t>(position)]
                                                                                 : std::string();
    };
    FloatRecompute r;
    const std::string prefix = n.outputs[0] + "_quantlens_pre_";
    std::vector<std::string> floatInputs;
    for (size_t k = 0; k < layout->inputs.size(); ++k) {
        const auto& [data, scale, zeroPoint] = layout->inputs[k];
        const std::string x = input(data), s = input(scale), z = input(zeroPoint);
        const size_t scales = elementsOf(g, s);
        if (x.empty() || scales == 0)
            return std::nullopt;  // a scale computed at run time: not recomputed
        auto dq = makeNode("DequantizeLinear", z.empty() ? std::vector<std::string>{x, s} : std::vector<std::string>{x, s, z},
                           prefix + std::to_string(k));
        if (scales > 1) {  // per channel: Conv's output channels, MatMul/Gemm's columns of B
            if (opset < 13)
                return std::nullopt;
            int64_t axis = 0;
            if (layout->floatOp == "MatMul" || layout->floatOp == "Gemm") {
                const int rank = rankOf(g, x);
                if (rank < 1)
                    return std::nullopt;
                axis = layout->floatOp == "Gemm" && intAttribute(n, "transB", 0) != 0 ? 0 : rank - 1;
            }
            setInt(dq, "axis", axis);
        }
        floatInputs.push_back(dq.output(0));
        r.nodes.push_back(std::move(dq));
    }
    if (layout->bias >= 0) {  // int32, scale = input scale x weight scale (per channel)
        if (layout->inputs.size() < 2)
            return std::nullopt;
        auto cast = makeNode("Cast", {input(layout->bias)}, prefix + "bias_int");
        setInt(cast, "to", onnx::TensorProto::FLOAT);
        auto scales = makeNode("Mul", {input(layout->inputs[0][1]), input(layout->inputs[1][1])}, prefix + "bias_scale");
        auto bias = makeNode("Mul", {cast.output(0), scales.output(0)}, prefix + "bias");
        floatInputs.push_back(bias.output(0));
        r.nodes.push_back(std::move(cast));
        r.nodes.push_back(std::move(scales));
        r.nodes.push_back(std::move(bias));
    }
    r.output = n.outputs[0] + "_quantlens_pre";
    auto op = makeNode(layout->floatOp, floatInputs, r.output);
    for (const auto& a : n.proto->attribute())
        if (a.name() != "channels_last")
            *op.add_attribute() = a;
    r.nodes.push_back(std::move(op));
    return r;
}

}  // namespace ql
