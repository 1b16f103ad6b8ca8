// Pairs a quantized (QDQ, QOperator, dynamic) or FP16 model with its FP32 model: which FP32 node
// and tensor each compute node and tensor stands for, reading the quantized graph as the float
// network it computes (FloatView). Node names are tried first (ONNX Runtime keeps them); where names
// differ, nodes are matched by structure, walking both graphs in topological order from the inputs.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "model/Graph.h"
#include "inspect/QdqStructure.h"
#include "util/Result.h"

namespace ql {

class ModelPairing {
public:
    static Result<ModelPairing> match(const Graph& fp32, const Graph& quant, const QdqStructure& qdq);

    int fp32NodeFor(int quantNode) const;                                // -1 when unmatched
    int quantNodeFor(int fp32Node) const;                                // -1 when unmatched
    std::string fp32TensorFor(const std::string& quantFloatTensor) const;  // "" when unmatched
    int matchedByName() const { return byName_; }
    int matchedByStructure() const { return byStructure_; }
    const std::vector<int>& unmatchedQuantNodes() const { return unmatched_; }
    // Nodes of the quantized graph as a float network (FloatView): Q/DQ and other conversions
    // left out, a ConvInteger chain counted once.
    int computeNodeCount() const { return computeNodes_; }

private:
    std::unordered_map<int, int> nodeMap_;       // quantized node -> FP32 node
    std::unordered_map<int, int> reverseNodeMap_; // FP32 node -> quantized node: one each way
    std::unordered_map<std::string, std::string> tensorMap_;
    int byName_ = 0;
    int byStructure_ = 0;
    std::vector<int> unmatched_;
    int computeNodes_ = 0;
    std::unordered_map<std::string, std::string> alias_;  // FloatView::alias: conversions to what they convert
};

// One line when `quant` is not `fp32` quantized (a pruned, fine-tuned or other network): how many
// weights differ in shape (with the first), how many compute nodes have no FP32 counterpart and
// which outputs differ in shape; "" when they look like a pair. The per-tensor complaints that
// follow from it are then read in its light.
std::string pairingVerdict(const Graph& fp32, const Graph& quant, const QdqStructure& qdq, const ModelPairing& pairing);

// The same, pairing the graphs first; a pairing that fails is its own verdict.
std::string pairingVerdict(const Graph& fp32, const Graph& quant, const QdqStructure& qdq);

}  // namespace ql
