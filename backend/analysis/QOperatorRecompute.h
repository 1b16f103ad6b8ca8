// A QOperator node's result before its output is rounded: float nodes that recompute the operator
// from its dequantized inputs (each quantized input through DequantizeLinear, an int32 bias times
// input scale x weight scale, then the float operator with the node's attributes). The activation
// comparison captures it beside the dequantized integer output, so QLinearConv, QLinearMatMul,
// QGemm, QLinearAdd, ... get their own rounding figure as QDQ models do.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "model/Graph.h"

namespace ql {

struct FloatRecompute {
    std::vector<onnx::NodeProto> nodes;  // in order; the last computes `output`
    std::string output;                  // float tensor: the operator's result before rounding
};

// nullopt for operators it does not recompute (QLinearSoftmax, a channels-last pooling, a node
// whose scales are not constants, per-channel weights in a model older than opset 13, ...).
std::optional<FloatRecompute> recomputeInFloat(const Graph& graph, const Node& node, int64_t opset);

}  // namespace ql
