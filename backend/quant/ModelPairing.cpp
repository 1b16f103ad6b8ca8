#include "quant/ModelPairing.h"

#include <algorithm>

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

    auto sameShape = [](const Node& a, const Node& b) {
        return a.opType == b.opType && a.inputs.size() == b.inputs.size() && a.outputs.size() == b.outputs.size();
    };
    auto source = [&](const std::string& t) { return t.empty() ? t : qdq.floatSourceOf(t); };
    // True when every input of `q` already paired agrees with the same slot of `f`.
    auto inputsAgree = [&](const Node& q, const Node& f) {
        for (size_t k = 0; k < q.inputs.size(); ++k) {
            auto it = p.tensorMap_.find(source(q.inputs[k]));
            if (it != p.tensorMap_.end() && it->second != f.inputs[k])
                return false;
        }
        return true;
    };

    for (const int qi : quant.topologicalOrder()) {
        const Node& q = quant.node(qi);
        if (qdq.isQdqNode(q))
            continue;
        int match = -1;
        bool byName = false;
        if (!q.name.empty()) {
            const int f = fp32.findNode(q.name);
            if (f >= 0 && !p.reverseNodeMap_.count(f) && sameShape(q, fp32.node(f))) {
                match = f;
                byName = true;
            }
        }
        if (match < 0) {
            for (const auto& in : q.inputs) {
                auto it = p.tensorMap_.find(source(in));
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
            p.unmatched_.push_back(qi);
            continue;
        }
        p.nodeMap_[qi] = match;
        p.reverseNodeMap_[match] = qi;
        (byName ? p.byName_ : p.byStructure_)++;
        const Node& f = fp32.node(match);
        for (size_t k = 0; k < q.outputs.size(); ++k)
            if (!q.outputs[k].empty())
                p.tensorMap_.emplace(q.outputs[k], f.outputs[k]);
        for (size_t k = 0; k < q.inputs.size(); ++k)
            if (!q.inputs[k].empty())
                p.tensorMap_.emplace(source(q.inputs[k]), f.inputs[k]);
    }
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
    return it == tensorMap_.end() ? std::string() : it->second;
}

}  // namespace ql
