// The report's first page: the figures that decide whether the quantized model can replace the FP32
// one (speed, size, accuracy, detection fidelity, what the exclusion list costs) and the verdict
// derived from them by fixed, stated thresholds. Kept apart from the rendering so it is tested alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "detect/Latency.h"
#include "report/ReportLanguage.h"

namespace ql {

struct ReportContent;

struct VerdictFigures {
    std::optional<LatencyStats> fp32Latency;       // milliseconds, same machine and settings as INT8's
    std::optional<LatencyStats> quantizedLatency;
    uint64_t fp32Bytes = 0, quantizedBytes = 0;    // model files; 0: unknown
    // Accuracy against labels (0..1), when a labelled data set was scored.
    std::optional<double> fp32Map50, quantizedMap50, fp32Map50to95, quantizedMap50to95;
    size_t labelledImages = 0;
    // Fidelity: the quantized model's detections scored against FP32's (mAP 0..1) and box counts.
    std::optional<double> fidelity50, fidelity50to95;
    size_t fidelityImages = 0;
    size_t fp32Boxes = 0, matched = 0, moved = 0, missed = 0, extra = 0;
    size_t nodesLeftFloat = 0;                      // nodes of quantizable types kept float
    std::optional<double> exclusionCostMs;          // this model's median − the no-exclusion baseline's, ms
    std::vector<std::string> failures;              // from the comparison (collapsed class scores, ...)

    std::optional<double> speedup() const;          // FP32 median / quantized median
    std::optional<double> sizeRatio() const;        // FP32 bytes / quantized bytes
    std::optional<double> map50Change() const;      // quantized − FP32, in mAP points (0..100 scale)
    std::optional<double> map50to95Change() const;
};

// The thresholds the verdict uses; mAP drops in points of mAP (0..100), fidelity 0..1.
struct VerdictThresholds {
    double acceptableMapDrop = 1.0;   // up to this: accuracy kept
    double reviewMapDrop = 3.0;       // above this: do not ship
    double acceptableFidelity = 0.90; // no labels: fidelity mAP@0.5 at least this keeps accuracy
    double reviewFidelity = 0.75;     // under this: do not ship
};

enum class VerdictLevel { Ship, Review, DoNotShip, Undecided };
std::string verdictLevelName(VerdictLevel level, ReportLanguage language = ReportLanguage::English);  // "Ship INT8", ...

struct Verdict {
    VerdictLevel level = VerdictLevel::Undecided;
    std::string headline;              // one sentence: the verdict's name and the deciding numbers
    std::string figures;               // the headline's numbers alone ("3.1× faster, 3.9× smaller"); may be empty
    std::vector<std::string> reasons;  // one line per figure that moved the verdict
};

// The figures a report holds: latency and accuracy from the labelled evaluation when there is one
// (else the last run's latency), fidelity from the evaluation or else the layer comparison, the
// exclusion cost from the runs (the last run against the latest baseline with no exclusions).
VerdictFigures verdictFigures(const ReportContent& content);

// The verdict's headline and reasons are written in `language`, with the same figures in both.
Verdict deriveVerdict(const VerdictFigures& figures, const VerdictThresholds& thresholds = {},
                      ReportLanguage language = ReportLanguage::English);

}  // namespace ql
