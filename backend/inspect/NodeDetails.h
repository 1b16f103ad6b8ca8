// Everything worth knowing about one node of the FP32 graph, for the app's node panel: its
// tensors with type and shape, its attributes, how the quantized model quantizes each tensor,
// and the measured error of its tensors. Numbers stay numbers: the panel words them (translated).
#pragma once

#include <string>
#include <optional>
#include <utility>
#include <vector>

#include "analysis/ActivationComparison.h"
#include "model/Graph.h"
#include "inspect/QdqStructure.h"

namespace ql {

struct TensorErrorSummary {
    std::string problem;       // why it could not be compared; the numbers are unset then
    double sqnrDb = 0.0;       // accumulated: FP32 vs after Q/DQ
    double roundingSqnrDb = 0.0;
    double cosine = 0.0;
    double clippedFraction = 0.0;
    double rangeUsed = 0.0;
};

struct NodeTensorDetails {
    std::string name;
    std::string type;          // "float32 [1,16,320,320]", or "" when unknown
    bool constant = false;     // an initializer: a weight or bias
    bool quantizationKnown = false;         // a quantized model was given
    std::optional<QuantParams> quantization;  // unset: the quantized model keeps it float
    std::optional<TensorErrorSummary> error;  // measured on images
    // Nodes of the quantized model that read this tensor through its Q/DQ pair: why the output of
    // an excluded node stays quantized (ONNX Runtime quantizes the inputs of quantized nodes).
    std::vector<std::string> quantizedFor;
};

struct NodeDetails {
    std::string name;
    std::string opType;
    std::string domain;
    std::vector<NodeTensorDetails> inputs;
    std::vector<NodeTensorDetails> outputs;
    std::vector<std::pair<std::string, std::string>> attributes;  // name, value as text
};

std::string attributeText(const onnx::AttributeProto& attribute);

// `quantized` (may be null) is the quantized model's structure; its tensors are found under
// the FP32 names, as ONNX Runtime names them. `activations` (may be null) adds measured error.
// `quantizedGraph` (may be null) names the nodes that read each output quantized.
NodeDetails describeNode(const Graph& fp32, int node, const QdqStructure* quantized, const ActivationReport* activations,
                         const Graph* quantizedGraph = nullptr);

}  // namespace ql
