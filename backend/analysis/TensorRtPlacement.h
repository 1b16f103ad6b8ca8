// Where a Q/DQ model's QuantizeLinear/DequantizeLinear pairs sit against TensorRT's explicit-
// quantization rules: the placements that make TensorRT insert reformat (requantize) layers or run
// a layer in higher precision than the model asks for. Read by `inspect` and the app's model summary.
//
// The rules, from TensorRT's developer guide ("Explicit Quantization", Q/DQ layer-placement
// recommendations) and NVIDIA's QAT recipes for YOLO (pytorch-quantization: the quantizers of a
// Concat's inputs share one scale):
//  - UnequalScales: a Concat (or an Add) whose quantized inputs carry different scales or zero
//    points, or mix quantized and float inputs. TensorRT concatenates INT8 tensors only when they
//    share one scale; otherwise it requantizes some inputs (reformat layers) or runs the layer in
//    float.
//  - SplitConvAdd: a residual Add whose Conv-side input (Conv, optionally followed by a pointwise
//    activation: Relu, Sigmoid, SiLU as Sigmoid+Mul, ...) passes through a Q/DQ pair before the
//    Add. TensorRT fuses Conv + Add when only the residual input is quantized; the extra pair forces
//    the Conv's output to be quantized and the Add to run as a separate layer.
//  - NoQuantizableConsumer: an activation's DequantizeLinear whose consumers (looked through
//    layers that only move data: Reshape, Transpose, Slice, Resize, ...) include no layer TensorRT
//    runs in INT8 (Conv, MatMul/Gemm, element-wise arithmetic, pooling, Concat). The pair then only
//    costs a quantize + dequantize (reformat) and its rounding.
// Format-agnostic findings: ONNX Runtime's own CPU kernels do not care; this is for users who take
// the Q/DQ model to TensorRT.
#pragma once

#include <string>
#include <vector>

#include "inspect/QdqStructure.h"
#include "model/Graph.h"

namespace ql {

enum class PlacementIssue { UnequalScales, SplitConvAdd, NoQuantizableConsumer };
std::string placementIssueName(PlacementIssue issue);  // "unequal-scales", "split-conv-add", "no-quantizable-consumer"

struct PlacementFinding {
    PlacementIssue issue = PlacementIssue::UnequalScales;
    std::string node;                  // the layer concerned: the Concat/Add, or the DequantizeLinear
    std::vector<std::string> qdqNodes; // the QuantizeLinear/DequantizeLinear nodes involved
    std::string message;               // one line naming the nodes and what TensorRT does
    std::string fix;                   // the suggested change
};

// Findings in topological order of the layer concerned. Empty for models without Q/DQ nodes.
std::vector<PlacementFinding> checkTensorRtPlacement(const Graph& graph, const QdqStructure& qdq);

}  // namespace ql
