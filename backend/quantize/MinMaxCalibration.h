// MinMax calibration fast enough to rerun casually: ranges are measured inside ONNX Runtime by
// QuantLens' MinMax operator (runtime/MinMaxOp.h), one per tensor placed right after the node
// that produces it, and ranges that follow exactly from another tensor's (after a Sigmoid, a
// Reshape, a Concat...) are derived rather than measured, so the graph keeps its fusions.
#pragma once

#include <string>
#include <vector>

#include "quantize/Calibrator.h"

namespace ql {

Result<CalibrationData> calibrateMinMax(const OnnxModel& model, const std::vector<std::string>& tensors,
                                        const std::vector<std::string>& images, const CalibrationOptions& options,
                                        const TaskControl& control, const CalibrationData* start = nullptr);

// The rule deriving a tensor's range from the ranges of its producer's inputs, when one is
// exact for that operator; the tensors to measure are the others.
struct RangePlan {
    struct Derived {
        std::string tensor;
        std::string op;                    // the producer's type
        std::vector<std::string> sources;  // the producer's inputs the range follows from
    };
    std::vector<std::string> measured;
    std::vector<Derived> derived;          // in topological order: sources come first
};
RangePlan planRanges(const Graph& graph, const std::vector<std::string>& tensors);

}  // namespace ql
