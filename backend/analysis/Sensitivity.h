// Which quantized nodes hurt the final outputs most, and which to exclude: for each node (or
// group of nodes under a module prefix such as "/model.22/") the output error of the model with
// only that group left in float, and of the model with only that group quantized; then a greedy
// search for the fewest exclusions that reach a target output SQNR. Re-quantization uses the
// cached calibration, so each candidate costs one quantization (tens of ms) and a few inferences.
#pragma once

#include <string>
#include <vector>

#include "detect/YoloDecoder.h"
#include "metrics/ErrorMetrics.h"
#include "quantize/Calibrator.h"
#include "quantize/QuantizerSettings.h"
#include "util/TaskControl.h"

namespace ql {

// What "better" means: the output SQNR (dB), or the detection fidelity (mAP@0.5 of the
// quantized model's detections against the FP32 model's, 0..1).
enum class Objective { OutputSqnr, DetectionFidelity };

struct SensitivityOptions {
    Objective objective = Objective::OutputSqnr;
    DecodeOptions decode;         // DetectionFidelity: how outputs become detections
    int prefixDepth = 0;          // 0: every node alone; N: group by the first N parts of "/a/b/c"
    bool quantizedOnly = true;    // also measure "only this group quantized"
    PreprocessOptions preprocess;
    SessionOptions session;
};

// A candidate quantization scored: the output error, and the detection fidelity when asked for.
struct Score {
    ErrorMetrics output;
    double fidelityMap50 = 0.0;
    double value(Objective objective) const {
        return objective == Objective::OutputSqnr ? output.sqnrDb : fidelityMap50;
    }
};

struct SensitivityEntry {
    std::string group;                  // node name, or module prefix
    std::vector<std::string> nodes;
    Score leftFloat;                    // everything quantized but this group
    Score onlyQuantized;                // nothing quantized but this group
    double gain = 0.0;                  // objective gained by leaving it float (dB, or mAP)
};

struct SensitivityReport {
    Objective objective = Objective::OutputSqnr;
    Score baseline;                     // the model quantized with the given settings
    std::vector<SensitivityEntry> entries;  // most harmful first
    size_t imageCount = 0;
};

struct SuggestionStep {
    std::string group;                  // excluded at this step ("" for the starting point)
    size_t excludedNodes = 0;           // in total, the settings' own exclusions included
    Score score;
    double latencyMs = 0.0;             // median inference time of the model at this step
};

struct Suggestion {
    std::vector<SuggestionStep> curve;  // objective and latency against the number of excluded nodes
    std::vector<std::string> nodesToExclude;
    bool reachedTarget = false;
};

// Groups of quantizable nodes (in the FP32 model) not already excluded.
std::vector<std::pair<std::string, std::vector<std::string>>> candidateGroups(const OnnxModel& fp32,
                                                                              const QuantizerSettings& settings,
                                                                              int prefixDepth);

Result<SensitivityReport> analyzeSensitivity(const OnnxModel& fp32, const CalibrationData& calibration,
                                             const QuantizerSettings& settings, const std::vector<std::string>& images,
                                             const SensitivityOptions& options, const TaskControl& control = {});

// Greedy: from the most harmful groups (by `ranking`), exclude the one that helps most, until
// the objective reaches `target` (dB, or mAP) or `maxSteps` groups are excluded.
Result<Suggestion> suggestExclusions(const OnnxModel& fp32, const CalibrationData& calibration,
                                     const QuantizerSettings& settings, const std::vector<std::string>& images,
                                     const SensitivityOptions& options, const SensitivityReport& ranking,
                                     double target, size_t maxSteps, size_t candidatesPerStep = 6,
                                     const TaskControl& control = {});

}  // namespace ql
