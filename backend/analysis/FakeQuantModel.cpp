#include "analysis/FakeQuantModel.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"
#include "runtime/FakeQuantOp.h"
#include "runtime/QuantLensOps.h"

namespace ql {
namespace {

// Scale and zero point as the node names them; a missing zero point reads as "".
std::pair<std::string, std::string> parameterNames(const Node& node) {
    return {node.inputs.size() > 1 ? node.inputs[1] : std::string(), node.inputs.size() > 2 ? node.inputs[2] : std::string()};
}

bool replaceable(const Graph& graph, const QuantizedTensor& t) {
    if (t.kind != QuantizedKind::Activation || t.quantizeNodes.size() != 1 || t.dequantizeNodes.empty() ||
        t.params.perChannel() || t.params.scales.empty() || !(t.params.scales.front() > 0.0f) ||
        !std::isfinite(t.params.scales.front()) || t.params.elementType == onnx::TensorProto::INT32)
        return false;
    const Node& q = graph.node(t.quantizeNodes.front());
    if (q.outputs.size() != 1 || graph.isGraphOutput(q.outputs.front()))
        return false;
    const auto& readers = graph.consumers(q.outputs.front());
    if (std::set<int>(readers.begin(), readers.end()) != std::set<int>(t.dequantizeNodes.begin(), t.dequantizeNodes.end()))
        return false;
    for (size_t k = 0; k < t.dequantizeNodes.size(); ++k) {
        const Node& dq = graph.node(t.dequantizeNodes[k]);
        if (parameterNames(dq) != parameterNames(q) || dq.outputs.size() != 1)
            return false;
        if (k > 0 && graph.isGraphOutput(dq.outputs.front()))  // the first one's name is kept
            return false;
    }
    return true;
}

}  // namespace

FakeQuantModel withFakeQuantNodes(const OnnxModel& model, const QdqStructure& qdq) {
    const Graph& graph = model.graph();
    FakeQuantModel result;
    result.proto = model.proto();
    std::unordered_map<int, const QuantizedTensor*> replacedAt;  // Q node -> its tensor
    std::set<int> removed;
    std::unordered_map<std::string, std::string> renamed;        // other DQ outputs -> the first's
    for (const auto& t : qdq.tensors) {
        if (!replaceable(graph, t))
            continue;
        replacedAt[t.quantizeNodes.front()] = &t;
        removed.insert(t.quantizeNodes.front());
        const std::string& kept = graph.node(t.dequantizeNodes.front()).outputs.front();
        for (const int dq : t.dequantizeNodes) {
            removed.insert(dq);
            renamed[graph.node(dq).outputs.front()] = kept;
        }
    }
    if (replacedAt.empty())
        return result;

    auto* opset = result.proto.add_opset_import();
    opset->set_domain(kQuantLensDomain);
    opset->set_version(1);
    auto* g = result.proto.mutable_graph();
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    for (int i = 0; i < g->node_size(); ++i) {
        if (const auto it = replacedAt.find(i); it != replacedAt.end()) {
            const QuantizedTensor& t = *it->second;
            const std::string sums = t.floatName + "_quantlens_sums";
            auto* n = nodes.Add();
            n->set_op_type(kFakeQuantOp);
            n->set_domain(kQuantLensDomain);
            n->set_name(graph.node(i).name + "_quantlens_FakeQuant");
            n->add_input(t.floatName);
            n->add_output(graph.node(t.dequantizeNodes.front()).outputs.front());
            n->add_output(sums);
            setAttribute(*n, "scale", t.params.scales.front());
            setAttribute(*n, "zero_point", t.params.zeroPoints.empty() ? int64_t{0} : t.params.zeroPoints.front());
            setAttribute(*n, "qmin", t.params.qmin());
            setAttribute(*n, "qmax", t.params.qmax());
            result.sumsOf[t.floatName] = sums;
            auto* info = g->add_value_info();
            info->set_name(sums);
            auto* type = info->mutable_type()->mutable_tensor_type();
            type->set_elem_type(onnx::TensorProto::DOUBLE);
            type->mutable_shape()->add_dim()->set_dim_value(kFakeQuantSums);
            continue;
        }
        if (removed.count(i))
            continue;
        auto* n = nodes.Add();
        *n = g->node(i);
        for (auto& input : *n->mutable_input())
            if (const auto r = renamed.find(input); r != renamed.end())
                input = r->second;
    }
    *g->mutable_node() = std::move(nodes);
    return result;
}

}  // namespace ql
