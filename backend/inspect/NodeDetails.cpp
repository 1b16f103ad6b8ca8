#include "inspect/NodeDetails.h"

#include <iomanip>
#include <sstream>

#include "model/TensorData.h"

namespace ql {
namespace {

constexpr size_t kMaxListItems = 16;  // longer lists end with "..., (N values)"

template <typename List, typename Format>
std::string listText(const List& values, Format format) {
    std::ostringstream s;
    s << "[";
    const size_t shown = std::min<size_t>(static_cast<size_t>(values.size()), kMaxListItems);
    for (size_t i = 0; i < shown; ++i)
        s << (i ? ", " : "") << format(values[static_cast<int>(i)]);
    if (static_cast<size_t>(values.size()) > shown)
        s << ", ... (" << values.size() << " values)";
    s << "]";
    return s.str();
}

std::string number(double v) {
    std::ostringstream s;
    s << std::setprecision(6) << v;
    return s.str();
}

std::string typeText(const TensorInfo* info) {
    if (!info || info->elementType == 0)
        return {};
    std::string text = elementTypeName(info->elementType);
    if (info->hasShape) {
        text += " [";
        for (size_t i = 0; i < info->shape.size(); ++i)
            text += (i ? "," : "") + (info->shape[i] < 0 ? std::string("?") : std::to_string(info->shape[i]));
        text += "]";
    }
    return text;
}

NodeTensorDetails tensorDetails(const Graph& g, const std::string& name, const QdqStructure* quantized,
                                const ActivationReport* activations, const Graph* quantizedGraph) {
    NodeTensorDetails t;
    t.name = name;
    t.type = typeText(g.tensorInfo(name));
    t.constant = g.isInitializer(name);
    if (quantized) {
        t.quantizationKnown = true;
        if (const QuantizedTensor* q = quantized->findByFloatName(name)) {
            t.quantization = q->params;
            if (quantizedGraph)
                for (const int reader : q->consumers)
                    t.quantizedFor.push_back(quantizedGraph->label(reader));
        }
    }
    if (activations)
        for (const auto& a : activations->layers)
            if (a.fp32Name == name) {
                t.error = TensorErrorSummary{a.problem, a.accumulated.sqnrDb, a.rounding.sqnrDb, a.accumulated.cosine,
                                             a.clippedFraction, a.rangeUsed};
                break;
            }
    return t;
}

}  // namespace

std::string attributeText(const onnx::AttributeProto& a) {
    using A = onnx::AttributeProto;
    switch (a.type()) {
    case A::INT: return std::to_string(a.i());
    case A::FLOAT: return number(a.f());
    case A::STRING: return a.s();
    case A::INTS: return listText(a.ints(), [](int64_t v) { return std::to_string(v); });
    case A::FLOATS: return listText(a.floats(), [](float v) { return number(v); });
    case A::STRINGS: return listText(a.strings(), [](const std::string& v) { return "'" + v + "'"; });
    case A::TENSOR: {
        std::string dims;
        for (int i = 0; i < a.t().dims_size(); ++i)
            dims += (i ? "," : "") + std::to_string(a.t().dims(i));
        return "tensor " + elementTypeName(a.t().data_type()) + " [" + dims + "]";
    }
    case A::GRAPH: return "graph '" + a.g().name() + "' (" + std::to_string(a.g().node_size()) + " nodes)";
    default: return "(" + std::to_string(static_cast<int>(a.type())) + ")";
    }
}

NodeDetails describeNode(const Graph& g, int index, const QdqStructure* quantized, const ActivationReport* activations,
                         const Graph* quantizedGraph) {
    const Node& n = g.node(index);
    NodeDetails d;
    d.name = n.name;  // may be empty: such a node cannot be named in nodes_to_exclude
    d.opType = n.opType;
    d.domain = n.domain.empty() ? "ai.onnx" : n.domain;
    for (const auto& in : n.inputs)
        if (!in.empty())
            d.inputs.push_back(tensorDetails(g, in, quantized, activations, nullptr));  // its readers: this node
    for (const auto& out : n.outputs)
        if (!out.empty())
            d.outputs.push_back(tensorDetails(g, out, quantized, activations, quantizedGraph));
    if (n.proto)
        for (const auto& a : n.proto->attribute())
            d.attributes.emplace_back(a.name(), attributeText(a));
    return d;
}

}  // namespace ql
