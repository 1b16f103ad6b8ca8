#include "inspect/ModelPairing.h"

#include <algorithm>
#include <set>

#include "model/TensorData.h"
#include "inspect/FloatView.h"

namespace ql {

Result<ModelPairing> ModelPairing::match(const Graph& fp32, const Graph& quant, const QdqStructure& qdq) {
    ModelPairing p;
    const auto& qIn = quant.inputs();
    const auto& fIn = fp32.inputs();
    if (qIn.size() != fIn.size())
        return Error{"the models do not match: the quantized model has " + std::to_string(qIn.size()) +
                     " inputs, the FP32 model " + std::to_string(fIn.size())};
    for (size_t i = 0; i < qIn.size(); ++i) {
        const bool sameName = std::find(fIn.begin(), fIn.end(), qIn[i]) != fIn.end();
        p.tensorMap_[qIn[i]] = sameName ? qIn[i] : fIn[i];
    }
    // The quantized graph as the float network it computes: Q/DQ pairs, QOperator nodes, dynamic
    // ConvInteger chains and FP16 Casts read as what they stand for.
    FloatView view = FloatView::build(quant, qdq);

    auto sameShape = [](const ViewNode& a, const Node& b) {
        return a.opType == b.opType && a.inputs.size() == b.inputs.size() && a.outputs.size() == b.outputs.size();
    };
    // True when every input of `q` already paired agrees with the same slot of `f`.
    auto inputsAgree = [&](const ViewNode& q, const Node& f) {
        for (size_t k = 0; k < q.inputs.size(); ++k) {
            auto it = p.tensorMap_.find(q.inputs[k]);
            if (it != p.tensorMap_.end() && it->second != f.inputs[k])
                return false;
        }
        return true;
    };

    for (const ViewNode& q : view.nodes) {
        int match = -1;
        bool byName = false;
        for (const std::string& name : {q.name, quant.node(q.index).name}) {
            if (name.empty() || match >= 0)
                continue;
            const int f = fp32.findNode(name);
            if (f >= 0 && !p.reverseNodeMap_.count(f) && sameShape(q, fp32.node(f))) {
                match = f;
                byName = true;
            }
        }
        if (match < 0) {
            for (const auto& in : q.inputs) {
                auto it = p.tensorMap_.find(in);
                if (in.empty() || it == p.tensorMap_.end())
                    continue;
                for (const int c : fp32.consumers(it->second))
                    if (!p.reverseNodeMap_.count(c) && sameShape(q, fp32.node(c)) && inputsAgree(q, fp32.node(c))) {
                        match = c;
                        break;
                    }
                if (match >= 0)
                    break;
            }
        }
        if (match < 0) {
            p.unmatched_.push_back(q.index);
            continue;
        }
        p.nodeMap_[q.index] = match;
        p.reverseNodeMap_[match] = q.index;
        (byName ? p.byName_ : p.byStructure_)++;
        const Node& f = fp32.node(match);
        for (size_t k = 0; k < q.outputs.size(); ++k)
            if (!q.outputs[k].empty())
                p.tensorMap_.emplace(q.outputs[k], f.outputs[k]);
        for (size_t k = 0; k < q.inputs.size(); ++k)
            if (!q.inputs[k].empty())
                p.tensorMap_.emplace(q.inputs[k], f.inputs[k]);
    }
    p.computeNodes_ = static_cast<int>(view.nodes.size());
    p.alias_ = std::move(view.alias);
    return p;
}

int ModelPairing::fp32NodeFor(int quantNode) const {
    auto it = nodeMap_.find(quantNode);
    return it == nodeMap_.end() ? -1 : it->second;
}

int ModelPairing::quantNodeFor(int fp32Node) const {
    auto it = reverseNodeMap_.find(fp32Node);
    return it == reverseNodeMap_.end() ? -1 : it->second;
}

std::string ModelPairing::fp32TensorFor(const std::string& quantFloatTensor) const {
    auto it = tensorMap_.find(quantFloatTensor);
    if (it == tensorMap_.end()) {  // a conversion (DequantizeLinear, Cast to FP16, ...): what it converts
        std::string t = quantFloatTensor;
        for (auto a = alias_.find(t); a != alias_.end() && it == tensorMap_.end(); a = alias_.find(t)) {
            t = a->second;
            it = tensorMap_.find(t);
        }
    }
    return it == tensorMap_.end() ? std::string() : it->second;
}

namespace {

// The shape of a quantized constant as stored: the integers, or the float quantized at run time.
const onnx::TensorProto* storedConstant(const Graph& quant, const QuantizedTensor& t) {
    const onnx::TensorProto* init = t.quantizeNodes.empty() ? quant.initializer(t.quantizedName) : nullptr;
    return init ? init : quant.initializer(t.floatName);
}

}  // namespace

std::string pairingVerdict(const Graph& fp32, const Graph& quant, const QdqStructure& qdq, const ModelPairing& pairing) {
    std::vector<std::string> findings;
    size_t shapes = 0;
    std::string example;
    for (const auto& t : qdq.tensors) {
        if (t.kind == QuantizedKind::Activation)
            continue;
        const std::string fp32Name = pairing.fp32TensorFor(t.floatName);
        const onnx::TensorProto* reference = fp32Name.empty() ? nullptr : fp32.initializer(fp32Name);
        const onnx::TensorProto* stored = storedConstant(quant, t);
        if (!reference || !stored || dims(*reference) == dims(*stored))
            continue;
        if (shapes++ == 0)
            example = "'" + t.floatName + "' " + shapeToString(dims(*stored)) + " vs FP32 " + shapeToString(dims(*reference));
    }
    // Float constants too (FP16 and float models have no quantized ones): a paired node's weight
    // of another shape is a pruned or otherwise different layer.
    std::set<std::string> seen;
    for (const auto& t : qdq.tensors)
        seen.insert(t.floatName);
    for (const auto& n : quant.nodes())
        for (const auto& in : n.inputs) {
            const onnx::TensorProto* stored = in.empty() ? nullptr : quant.initializer(in);
            if (!stored || !seen.insert(in).second || stored->data_type() == onnx::TensorProto::INT64)
                continue;  // int64 constants are shapes and indices, not weights
            const std::string fp32Name = pairing.fp32TensorFor(in);
            const onnx::TensorProto* reference = fp32Name.empty() ? nullptr : fp32.initializer(fp32Name);
            if (!reference || dims(*reference) == dims(*stored))
                continue;
            if (shapes++ == 0)
                example = "'" + in + "' " + shapeToString(dims(*stored)) + " vs FP32 " + shapeToString(dims(*reference));
        }
    if (shapes)
        findings.push_back(std::to_string(shapes) + (shapes == 1 ? " weight differs" : " weights differ") +
                           " in shape (e.g. " + example + ")");
    // Nodes only count when the FP32 model has that operator at all: a quantized model's own
    // operators (QLinearConv, MatMulInteger, ...) have no FP32 counterpart by name or structure.
    // Alone they are no verdict: a pair saved at another opset (Split's sizes an attribute, not
    // an input) leaves a few unpaired; most of the graph unpaired is another network.
    const auto fp32Ops = fp32.opCounts();
    size_t unmatched = 0;
    const size_t compute = static_cast<size_t>(pairing.computeNodeCount());
    std::string firstUnmatched;
    for (const int n : pairing.unmatchedQuantNodes())
        if (fp32Ops.count(quant.node(n).opType) || quant.node(n).opType.rfind("QLinear", 0) == 0 ||
            quant.node(n).opType == "ConvInteger" || quant.node(n).opType == "MatMulInteger") {
            if (unmatched++ == 0)
                firstUnmatched = quant.label(n);
        }
    const std::string unmatchedText = std::to_string(unmatched) + " of its " + std::to_string(compute) +
                                      " nodes have no FP32 counterpart (e.g. " + firstUnmatched + ")";
    if (unmatched && 2 * unmatched > compute)
        findings.push_back(unmatchedText);
    if (fp32.outputs().size() != quant.outputs().size()) {
        findings.push_back("it has " + std::to_string(quant.outputs().size()) + " outputs, the FP32 model " +
                           std::to_string(fp32.outputs().size()));
    } else {
        for (size_t i = 0; i < fp32.outputs().size(); ++i) {
            const TensorInfo* f = fp32.tensorInfo(fp32.outputs()[i]);
            const TensorInfo* q = quant.tensorInfo(quant.outputs()[i]);
            bool differ = f && q && f->hasShape && q->hasShape && f->shape.size() != q->shape.size();
            for (size_t k = 0; f && q && f->hasShape && q->hasShape && !differ && k < f->shape.size(); ++k)
                differ = f->shape[k] >= 0 && q->shape[k] >= 0 && f->shape[k] != q->shape[k];  // -1: not fixed
            if (differ) {
                findings.push_back("output '" + quant.outputs()[i] + "' is " + shapeToString(q->shape) + ", FP32 " +
                                   shapeToString(f->shape));
                break;
            }
        }
    }
    if (findings.empty())
        return {};
    if (unmatched && 2 * unmatched <= compute)
        findings.push_back(unmatchedText);
    std::string verdict = "these models are not the same network quantized: ";
    for (size_t i = 0; i < findings.size(); ++i)
        verdict += (i ? "; " : "") + findings[i];
    return verdict;
}

std::string pairingVerdict(const Graph& fp32, const Graph& quant, const QdqStructure& qdq) {
    auto pairing = ModelPairing::match(fp32, quant, qdq);
    if (!pairing)
        return "these models are not the same network quantized: " + pairing.errorMessage();
    return pairingVerdict(fp32, quant, qdq, *pairing);
}

}  // namespace ql
