// Everything `inspect` tells about one model, gathered once for the CLI, the GUI and reports.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/OutputComparison.h"
#include "analysis/TensorRtPlacement.h"
#include "model/OnnxModel.h"
#include "quantize/InferredSettings.h"
#include "inspect/QdqStructure.h"

namespace ql {

struct TensorSummary {
    std::string name;
    std::string type;
    std::vector<int64_t> shape;
};

struct ModelSummary {
    std::string name;
    std::string path;
    uint64_t fileSize = 0;
    int64_t irVersion = 0;
    std::map<std::string, int64_t> opsets;   // domain ("ai.onnx" for the default) -> version
    std::string producer;
    std::map<std::string, std::string> metadata;
    std::vector<TensorSummary> inputs;
    std::vector<TensorSummary> outputs;
    int nodeCount = 0;
    int initializerCount = 0;
    uint64_t parameterCount = 0;
    std::map<std::string, int> opCounts;
    QuantFormat format = QuantFormat::Float;
    int quantizeLinearCount = 0;
    int dequantizeLinearCount = 0;
    int quantizedActivations = 0;
    int quantizedWeights = 0;
    int quantizedBiases = 0;
    std::vector<std::string> quantizedNodes;  // in topological order
    std::vector<std::string> warnings;
    // Detector outputs whose class scores the model's own scales collapse or coarsen.
    std::vector<ScoreStepProblem> scoreProblems;
    // For a QDQ model: the quantize_static settings it was made with, read back from it.
    std::optional<InferredSettings> inferredSettings;
    // For a QDQ model: Q/DQ placements that make TensorRT reformat or fall back to higher precision.
    std::vector<PlacementFinding> tensorRtPlacement;
};

ModelSummary summarize(const OnnxModel& model, const QdqStructure& qdq);

}  // namespace ql
