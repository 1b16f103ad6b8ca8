// The float network a quantized or FP16 graph computes, node by node: fused integer operators
// (QLinearConv, a ConvInteger chain) read as the float operator they replace, conversions
// (QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, Casts between float types) as the
// tensor they convert. ModelPairing pairs this view with the FP32 graph; the activation comparison
// learns from it which tensors to capture and how to read them as float.
#pragma once

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/Graph.h"
#include "inspect/QdqStructure.h"

namespace ql {

struct ViewNode {
    int index = 0;                     // the graph node that stands for it (QLinearConv, ConvInteger, Sigmoid, ...)
    std::string name;                  // its name, without ONNX Runtime's "_quant" suffix
    std::string opType;                // the float operator: Conv for QLinearConv and a ConvInteger chain
    std::vector<std::string> inputs;   // float names: what conversions stand for, weights without "_quantized"
    std::vector<std::string> outputs;  // the graph's own tensors (a ConvInteger chain: the float end of the chain)
};

// How an integer tensor reads as float: DequantizeLinear with these scale and zero point tensors
// (constants in QOperator models, tensors computed per image by DynamicQuantizeLinear).
struct IntegerEncoding {
    std::string scale;
    std::string zeroPoint;  // "" when omitted (0)
};

struct FloatView {
    std::vector<ViewNode> nodes;                                // topological order
    std::set<int> absorbed;                                     // graph nodes folded into a view node or read as conversions
    std::unordered_map<std::string, std::string> alias;         // converted tensor -> the tensor it converts
    std::unordered_map<std::string, IntegerEncoding> encoding;  // integer tensors that stand for float ones

    // The float tensor `tensor` stands for: through conversions, and for Q/DQ models as QdqStructure says.
    std::string source(const std::string& tensor) const;

    static FloatView build(const Graph& graph, const QdqStructure& qdq);
};

// The first node (not a Cast or a layer that only moves data) that computes in bfloat16: an input
// or output typed BF16. "" when none. ONNX Runtime's CPU provider has no BF16 kernel for Conv,
// MatMul, Gemm and most others, so a session error on such a model gets this explanation.
std::string bfloat16ComputeNote(const Graph& graph);

}  // namespace ql
