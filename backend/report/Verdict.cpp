#include "report/Verdict.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "project/RunHistory.h"
#include "report/HtmlReport.h"

namespace ql {
namespace {

std::string format(const char* pattern, double v) {
    char buf[96];
    std::snprintf(buf, sizeof buf, pattern, v);
    return buf;
}

std::string signedPoints(double points) {
    return format(points >= 0 ? "+%.1f" : "%.1f", points);
}

int severity(VerdictLevel l) {
    switch (l) {
    case VerdictLevel::Ship: return 0;
    case VerdictLevel::Undecided: return 1;
    case VerdictLevel::Review: return 2;
    case VerdictLevel::DoNotShip: return 3;
    }
    return 1;
}

}  // namespace

std::optional<double> VerdictFigures::speedup() const {
    if (!fp32Latency || !quantizedLatency || quantizedLatency->medianMs <= 0)
        return std::nullopt;
    return fp32Latency->medianMs / quantizedLatency->medianMs;
}

std::optional<double> VerdictFigures::sizeRatio() const {
    if (fp32Bytes == 0 || quantizedBytes == 0)
        return std::nullopt;
    return static_cast<double>(fp32Bytes) / static_cast<double>(quantizedBytes);
}

std::optional<double> VerdictFigures::map50Change() const {
    if (!fp32Map50 || !quantizedMap50)
        return std::nullopt;
    return 100.0 * (*quantizedMap50 - *fp32Map50);
}

std::optional<double> VerdictFigures::map50to95Change() const {
    if (!fp32Map50to95 || !quantizedMap50to95)
        return std::nullopt;
    return 100.0 * (*quantizedMap50to95 - *fp32Map50to95);
}

std::string verdictLevelName(VerdictLevel level) {
    switch (level) {
    case VerdictLevel::Ship: return "Ship INT8";
    case VerdictLevel::Review: return "Review before shipping INT8";
    case VerdictLevel::DoNotShip: return "Do not ship INT8";
    case VerdictLevel::Undecided: return "Not enough figures to decide";
    }
    return "";
}

VerdictFigures verdictFigures(const ReportContent& c) {
    VerdictFigures f;
    f.fp32Bytes = c.fp32.fileSize;
    f.quantizedBytes = c.quantized.fileSize;
    f.nodesLeftFloat = c.nodesLeftFloat.size();
    if (c.evaluation) {
        const EvaluationReport& e = *c.evaluation;
        if (e.fp32.latency.runs > 0)
            f.fp32Latency = e.fp32.latency;
        if (e.quantized) {
            if (e.quantized->latency.runs > 0)
                f.quantizedLatency = e.quantized->latency;
            if (e.fp32.accuracy.groundTruth > 0) {
                f.fp32Map50 = e.fp32.accuracy.map50;
                f.fp32Map50to95 = e.fp32.accuracy.map50to95;
                f.quantizedMap50 = e.quantized->accuracy.map50;
                f.quantizedMap50to95 = e.quantized->accuracy.map50to95;
                f.labelledImages = e.images;
            }
        }
    }
    const DetectionFidelity* fidelity = nullptr;
    if (c.evaluation && c.evaluation->fidelity)
        fidelity = &*c.evaluation->fidelity;
    else if (c.activations && c.activations->fidelity)
        fidelity = &*c.activations->fidelity;
    if (fidelity) {
        f.fidelity50 = fidelity->map.map50;
        f.fidelity50to95 = fidelity->map.map50to95;
        f.fidelityImages = fidelity->images;
        f.fp32Boxes = fidelity->fp32Boxes;
        f.matched = fidelity->matched;
        f.moved = fidelity->moved;
        f.missed = fidelity->missed;
        f.extra = fidelity->extra;
    }
    if (c.activations)
        f.failures = c.activations->failures;
    if (!c.runs.empty()) {
        const Run& last = c.runs.back();
        if (!f.quantizedLatency && last.metrics.latency)
            f.quantizedLatency = last.metrics.latency;
        const auto baseline = std::find_if(c.runs.rbegin(), c.runs.rend(), [](const Run& r) {
            return r.exclusions.empty() && r.metrics.latency.has_value();
        });
        if (baseline != c.runs.rend() && last.metrics.latency && !last.exclusions.empty())
            f.exclusionCostMs = last.metrics.latency->medianMs - baseline->metrics.latency->medianMs;
    }
    return f;
}

Verdict deriveVerdict(const VerdictFigures& f, const VerdictThresholds& t) {
    Verdict v;
    VerdictLevel level = VerdictLevel::Ship;
    const auto raise = [&](VerdictLevel to) {
        if (severity(to) > severity(level))
            level = to;
    };
    for (const auto& failure : f.failures) {
        raise(VerdictLevel::DoNotShip);
        v.reasons.push_back("The comparison failed: " + failure);
    }
    const auto change50 = f.map50Change();
    const auto change5095 = f.map50to95Change();
    if (change50) {
        // The larger of the two drops decides: mAP@.5:.95 shows boxes that moved, mAP@0.5 lost ones.
        // Rounded to 0.01 point: a threshold is met by a drop printed as equal to it.
        const double drop = std::round(100.0 * std::max(-*change50, change5095 ? -*change5095 : -*change50)) / 100.0;
        const std::string figures = "mAP@0.5 " + signedPoints(*change50) + " points" +
                                    (change5095 ? ", mAP@.5:.95 " + signedPoints(*change5095) + " points" : std::string());
        if (drop <= t.acceptableMapDrop)
            v.reasons.push_back("Accuracy kept: " + figures + format(" (a drop of at most %.1f is accepted).", t.acceptableMapDrop));
        else if (drop <= t.reviewMapDrop) {
            raise(VerdictLevel::Review);
            v.reasons.push_back("Accuracy drops: " + figures + format(" (more than %.1f points).", t.acceptableMapDrop));
        } else {
            raise(VerdictLevel::DoNotShip);
            v.reasons.push_back("Accuracy drops too far: " + figures + format(" (more than %.1f points).", t.reviewMapDrop));
        }
    } else if (f.fidelity50) {
        const std::string figure = format("detection fidelity mAP@0.5 %.3f", *f.fidelity50);
        if (*f.fidelity50 >= t.acceptableFidelity)
            v.reasons.push_back("No labels; INT8 finds what FP32 finds: " + figure + format(" (at least %.2f).", t.acceptableFidelity));
        else if (*f.fidelity50 >= t.reviewFidelity) {
            raise(VerdictLevel::Review);
            v.reasons.push_back("No labels; INT8's detections differ from FP32's: " + figure + format(" (under %.2f).", t.acceptableFidelity));
        } else {
            raise(VerdictLevel::DoNotShip);
            v.reasons.push_back("No labels; INT8's detections differ much from FP32's: " + figure + format(" (under %.2f).", t.reviewFidelity));
        }
    } else {
        raise(VerdictLevel::Undecided);
        v.reasons.push_back("No accuracy figure: give a labelled data set (--data) or comparison images of a detector.");
    }
    const auto speedup = f.speedup();
    if (speedup && *speedup < 1.0) {
        raise(VerdictLevel::Review);
        v.reasons.push_back(format("INT8 is slower than FP32 on this machine (%.2fx): check the execution provider.", *speedup));
    } else if (speedup) {
        v.reasons.push_back(format("INT8 is %.2fx as fast as FP32.", *speedup));
    } else {
        v.reasons.push_back("Latency of both models not measured (give --data to time them).");
    }
    if (f.exclusionCostMs)
        v.reasons.push_back(std::to_string(f.nodesLeftFloat) + " nodes left float cost " + format("%+.1f ms", *f.exclusionCostMs) +
                            " against the run with none excluded.");
    v.level = level;

    std::vector<std::string> parts;
    if (speedup)
        parts.push_back(*speedup >= 1.0 ? format("%.1f\u00d7 faster", *speedup) : format("%.1f\u00d7 slower", 1.0 / *speedup));
    if (const auto size = f.sizeRatio())
        parts.push_back(format("%.1f\u00d7 smaller", *size));
    if (change50)
        parts.push_back("mAP@0.5 " + signedPoints(*change50) + " points");
    else if (f.fidelity50)
        parts.push_back(format("fidelity %.2f", *f.fidelity50));
    v.headline = verdictLevelName(level);
    for (size_t i = 0; i < parts.size(); ++i)
        v.headline += (i == 0 ? ": " : ", ") + parts[i];
    v.headline += ".";
    return v;
}

}  // namespace ql
