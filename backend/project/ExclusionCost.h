// What a quantized model's exclusion list costs in latency, for the report's first page when there
// is no app session with a baseline run: the FP32 model quantized twice with the quantized model's
// own settings (read back from it, quantize/InferredSettings.h), once with the nodes it leaves float
// and once with none left float, both made here and timed alone on the same image. Comparing two
// models made by the same quantizer keeps other differences (tool version, calibration) out of
// the figure.
#pragma once

#include <string>
#include <vector>

#include "project/RunHistory.h"
#include "inspect/AnalyzedModel.h"
#include "quantize/Calibrator.h"
#include "util/Result.h"
#include "util/TaskControl.h"

namespace ql {

struct ExclusionCostOptions {
    std::vector<std::string> calibrationImages;  // what calibrates both models
    CalibrationOptions calibration;              // its preprocessing and session time both models too
    std::string timingImage;                     // the image both are timed on
    std::string cacheDirectory;                  // calibration cache; empty: CalibrationCache's default
    int warmupRuns = 3;
    int timedRuns = 20;
};

// Two runs: "none left float" (RunOrigin::Baseline), then "the same nodes left float", both with
// latency and size. The last run minus the first is the list's cost, as verdictFigures reads it.
// An error, saying why, when the quantized model is no QDQ model, leaves no node float, or cannot
// be made again from the FP32 model (its nodes are not the FP32 model's).
Result<std::vector<Run>> measureExclusionCost(const AnalyzedModel& fp32, const AnalyzedModel& quantized,
                                              const ExclusionCostOptions& options, const TaskControl& control = {});

}  // namespace ql
