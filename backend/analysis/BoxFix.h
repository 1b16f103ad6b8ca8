// "Fix this box": the nodes to leave float so that a quantized model finds chosen FP32 boxes again.
// Suggest's own search (screenCandidates, then suggestExclusions: greedy steps, cached calibration,
// latency and size of every step) with Objective::BoxRecovery, the FP32 model quantized again with
// the settings read back from the quantized model (quantize/InferredSettings.h, as
// project/ExclusionCost does), so the search starts where that model stands. One call for the CLI's
// `explain --suggest` and the app's "Suggest exclusions for this box".
#pragma once

#include <string>
#include <vector>

#include "analysis/Sensitivity.h"
#include "detect/Detection.h"
#include "detect/YoloDecoder.h"
#include "inspect/AnalyzedModel.h"
#include "quantize/Calibrator.h"
#include "util/Result.h"
#include "util/TaskControl.h"

namespace ql {

struct BoxFixRequest {
    std::vector<std::string> images;               // the selected images
    std::vector<std::vector<Detection>> targets;   // per image: FP32 boxes to bring back (original pixels, FP32 score)
    std::vector<std::string> calibrationImages;    // what the re-made models are calibrated on
    CalibrationOptions calibration;                // method (MinMax unless told), preprocessing, session
    DecodeOptions decode;                          // how outputs become detections (the explanation's)
    std::string cacheDirectory;                    // calibration cache; empty: CalibrationCache's default
    SearchOptions search;                          // target: recovery (0..1) to reach; see boxFixSearchDefaults
    int finestDepth = 0;                           // screening: 0 nodes, modules and sub-modules; 1 / 2 coarser
    size_t expand = 3;                             // modules (then sub-modules) whose insides are ranked
};

// The search options BoxFix starts from: target 0.95 recovery, latency timed on 2 + 10 runs.
SearchOptions boxFixSearchDefaults();

struct BoxFix {
    QuantizerSettings settings;         // read back from the quantized model; nodesToExclude: its own list
    std::vector<std::string> notes;     // what the quantized model cannot tell (calibration, ...)
    Suggestion suggestion;              // the search; curve.front(): re-made with the inferred settings
    size_t candidatesRanked = 0;
    std::vector<std::string> added;     // nodes the suggestion leaves float beyond the model's own list
    const SuggestionStep& before() const { return suggestion.curve.front(); }
    const SuggestionStep& after() const;  // the last kept step: the suggested list
};

// Refuses, saying why, when the quantized model's settings cannot be read back (no QDQ model, nodes
// that are not the FP32 model's), when no target box is given, or when an image cannot be read.
// Warnings (in suggestion.warnings) say when the re-made model already finds the boxes (the loss
// then comes from how the given model was calibrated, not from what it quantizes) and that the
// list is aimed at these boxes only.
Result<BoxFix> suggestExclusionsForBoxes(const AnalyzedModel& fp32, const AnalyzedModel& quantized,
                                         const BoxFixRequest& request, const TaskControl& control = {});

}  // namespace ql
