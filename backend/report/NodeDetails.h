// Everything worth knowing about one node of the FP32 graph, as rows of text for the app's node
// panel: its tensors with type and shape, its attributes, how the quantized model quantizes each
// tensor, and the measured error of its outputs.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analysis/ActivationComparison.h"
#include "model/Graph.h"
#include "quant/QdqStructure.h"

namespace ql {

struct NodeTensorDetails {
    std::string name;
    std::string type;          // "float32 [1,16,320,320]", or "" when unknown
    bool constant = false;     // an initializer: a weight or bias
    std::string quantization;  // "uint8 scale 0.0235 zero point 128", "float (not quantized)", ""
    std::string error;         // "SQNR 24.1 dB (own rounding 31.7 dB), cosine 0.9981, clipped 0.02%"
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
NodeDetails describeNode(const Graph& fp32, int node, const QdqStructure* quantized, const ActivationReport* activations);

}  // namespace ql
