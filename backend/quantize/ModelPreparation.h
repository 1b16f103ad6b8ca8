// What the quantizer does to an FP32 model before calibrating it: raising its opset with ONNX's own
// version converter, and finding the detector head's last compute nodes (kept float on request).
#pragma once

#include <string>
#include <vector>

#include "model/OnnxModel.h"
#include "util/Result.h"

namespace ql {

// The model converted to ai.onnx opset `targetOpset` by libonnx's onnx::version_conversion::ConvertVersion
// (the converter behind Python's onnx.version_converter.convert_version). The IR version is raised to
// the one that opset needs (IR 7 for opset 13) when it is lower. An error names the model and the
// operator the converter could not convert.
Result<OnnxModel> upgradeOpset(const OnnxModel& model, int targetOpset);

// The end of a network: the last compute nodes (Conv, ConvTranspose, Gemm, MatMul) before the graph
// outputs, found by walking back from every graph output through nodes without weights (Concat,
// Reshape, Sigmoid, Split, Add, Mul, ...) and stopping at the first compute node on each path; and
// those nodes walked through. For a YOLO head: the final Conv of each box and class branch (and
// YOLOv8's DFL Conv), then the output decoding. Both in graph order; unnamed nodes are left out
// (they cannot be excluded by name).
struct NetworkEnd {
    std::vector<std::string> lastComputeNodes;
    std::vector<std::string> nodesAfter;
};
NetworkEnd networkEnd(const Graph& graph);

}  // namespace ql
