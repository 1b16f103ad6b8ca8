// The quantized models of one session in the order they were made (loaded from a file, each
// re-quantize, the baseline with no exclusions, each suggestion applied) and what was measured on
// each. The app's Runs dock, the project file, the CSV export and the report show these records.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "analysis/ActivationComparison.h"
#include "detect/Latency.h"
#include "util/Result.h"

namespace ql {

enum class RunOrigin { Loaded, Baseline, Requantized, Suggestion };
std::string originName(RunOrigin origin);  // loaded, baseline, re-quantized, suggestion

// One final-output figure of a run: a whole output or one of its parts (boxes, class scores).
struct RunPart {
    std::string name;  // "output0", "output0 boxes", "output0 class scores"
    double sqnrDb = 0.0;
};

struct RunMetrics {
    size_t images = 0;                     // images the output figures were measured on; 0: not yet
    std::vector<RunPart> parts;            // as deployed (plain ONNX Runtime session)
    std::optional<double> fidelity50;      // detection fidelity: mAP@0.5 against the FP32 boxes
    std::optional<double> fidelity50to95;  // the same at IoU .5:.95
    std::optional<double> map50;           // against labels, when a data set was given
    std::optional<double> map50to95;
    std::optional<LatencyStats> latency;   // the quantized model alone, after warm-up
    uint64_t sizeBytes = 0;                // the model serialized
    std::vector<std::string> failures;     // from the comparison (collapsed class scores, ...)
};

struct Run {
    int number = 0;  // 1, 2, ... in the order made
    RunOrigin origin = RunOrigin::Loaded;
    std::string name;                     // the file for a loaded model, else what made it
    std::vector<std::string> exclusions;  // sorted FP32 node names left float
    std::string calibration;              // what calibrated it; empty for a loaded model
    RunMetrics metrics;
};

struct ExclusionDiff {
    std::vector<std::string> added, removed;
    bool empty() const { return added.empty() && removed.empty(); }
    std::string describe() const;  // "+2 −1", or "same"
};
ExclusionDiff diffExclusions(const std::vector<std::string>& before, const std::vector<std::string>& after);

// The metrics an activation comparison gives a run (outputs as deployed, fidelity, failures).
void fillFromComparison(RunMetrics& metrics, const ActivationReport& report);

// Half the range from the fastest run to the 95th percentile: the spread shown with a median.
double latencySpreadMs(const LatencyStats& latency);

class RunHistory {
public:
    Run& add(Run run);  // numbers it after the last
    const std::vector<Run>& runs() const { return runs_; }
    Run* find(int number);
    const Run* find(int number) const;
    const Run* previous(int number) const;  // the run made before it, if any
    bool empty() const { return runs_.empty(); }
    void clear() { runs_.clear(); }

    // One row per run; columns for every part any run has. Empty cells where not measured.
    std::string toCsv() const;
    nlohmann::json toJson() const;
    static Result<RunHistory> fromJson(const nlohmann::json& json);  // errors name the bad field

private:
    std::vector<Run> runs_;
};

}  // namespace ql
