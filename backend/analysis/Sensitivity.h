// Which quantized nodes hurt the final outputs most, and which to exclude: for each node (or
// group of nodes under a module prefix such as "/model.22/") the output error of the model with
// only that group left in float, and of the model with only that group quantized; then a greedy
// search for the fewest exclusions that reach a target output SQNR. Re-quantization uses the
// cached calibration, so each candidate costs one quantization (tens of ms) and a few inferences.
#pragma once

#include <string>
#include <vector>

#include "metrics/ErrorMetrics.h"
#include "quantize/Calibrator.h"
#include "quantize/QuantizerSettings.h"
#include "util/TaskControl.h"

namespace ql {

struct SensitivityOptions {
    int prefixDepth = 0;          // 0: every node alone; N: group by the first N parts of "/a/b/c"
    bool quantizedOnly = true;    // also measure "only this group quantized"
    PreprocessOptions preprocess;
    SessionOptions session;
};

struct SensitivityEntry {
    std::string group;                  // node name, or module prefix
    std::vector<std::string> nodes;
    ErrorMetrics leftFloat;             // everything quantized but this group
    ErrorMetrics onlyQuantized;         // nothing quantized but this group
    double gainDb = 0.0;                // output SQNR gained by leaving it float
};

struct SensitivityReport {
    ErrorMetrics baseline;              // the model quantized with the given settings
    std::vector<SensitivityEntry> entries;  // most harmful first
    size_t imageCount = 0;
};

struct SuggestionStep {
    std::string group;                  // excluded at this step ("" for the starting point)
    size_t excludedNodes = 0;           // in total, the settings' own exclusions included
    ErrorMetrics metrics;
};

struct Suggestion {
    std::vector<SuggestionStep> curve;  // SQNR against the number of excluded nodes
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
// the output SQNR reaches `targetSqnrDb` or `maxSteps` groups are excluded.
Result<Suggestion> suggestExclusions(const OnnxModel& fp32, const CalibrationData& calibration,
                                     const QuantizerSettings& settings, const std::vector<std::string>& images,
                                     const SensitivityOptions& options, const SensitivityReport& ranking,
                                     double targetSqnrDb, size_t maxSteps, size_t candidatesPerStep = 6,
                                     const TaskControl& control = {});

}  // namespace ql
