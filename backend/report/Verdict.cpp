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

std::string verdictLevelName(VerdictLevel level, ReportLanguage language) {
    switch (level) {
    case VerdictLevel::Ship: return reportText(language, "Ship INT8");
    case VerdictLevel::Review: return reportText(language, "Review before shipping INT8");
    case VerdictLevel::DoNotShip: return reportText(language, "Do not ship INT8");
    case VerdictLevel::Undecided: return reportText(language, "Not enough figures to decide");
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

Verdict deriveVerdict(const VerdictFigures& f, const VerdictThresholds& t, ReportLanguage language) {
    const auto text = [&](const char* english, const std::vector<std::string>& args) { return reportText(language, english, args); };
    Verdict v;
    VerdictLevel level = VerdictLevel::Ship;
    const auto raise = [&](VerdictLevel to) {
        if (severity(to) > severity(level))
            level = to;
    };
    for (const auto& failure : f.failures) {
        raise(VerdictLevel::DoNotShip);
        v.reasons.push_back(text("The comparison failed: {0}", {failure}));
    }
    const auto change50 = f.map50Change();
    const auto change5095 = f.map50to95Change();
    if (change50) {
        // The larger of the two drops decides: mAP@.5:.95 shows boxes that moved, mAP@0.5 lost ones.
        // Rounded to 0.01 point: a threshold is met by a drop printed as equal to it.
        const double drop = std::round(100.0 * std::max(-*change50, change5095 ? -*change5095 : -*change50)) / 100.0;
        std::string figures = text("mAP@0.5 {0} points", {signedPoints(*change50)});
        if (change5095)
            figures = text("{0}, {1}", {figures, text("mAP@.5:.95 {0} points", {signedPoints(*change5095)})});
        if (drop <= t.acceptableMapDrop)
            v.reasons.push_back(text("Accuracy kept: {0} (a drop of at most {1} is accepted).", {figures, format("%.1f", t.acceptableMapDrop)}));
        else if (drop <= t.reviewMapDrop) {
            raise(VerdictLevel::Review);
            v.reasons.push_back(text("Accuracy drops: {0} (more than {1} points).", {figures, format("%.1f", t.acceptableMapDrop)}));
        } else {
            raise(VerdictLevel::DoNotShip);
            v.reasons.push_back(text("Accuracy drops too far: {0} (more than {1} points).", {figures, format("%.1f", t.reviewMapDrop)}));
        }
    } else if (f.fidelity50) {
        const std::string figure = text("detection fidelity mAP@0.5 {0}", {format("%.3f", *f.fidelity50)});
        if (*f.fidelity50 >= t.acceptableFidelity)
            v.reasons.push_back(text("No labels; INT8 finds what FP32 finds: {0} (at least {1}).", {figure, format("%.2f", t.acceptableFidelity)}));
        else if (*f.fidelity50 >= t.reviewFidelity) {
            raise(VerdictLevel::Review);
            v.reasons.push_back(text("No labels; INT8's detections differ from FP32's: {0} (under {1}).", {figure, format("%.2f", t.acceptableFidelity)}));
        } else {
            raise(VerdictLevel::DoNotShip);
            v.reasons.push_back(text("No labels; INT8's detections differ much from FP32's: {0} (under {1}).", {figure, format("%.2f", t.reviewFidelity)}));
        }
    } else {
        raise(VerdictLevel::Undecided);
        v.reasons.push_back(text("No accuracy figure: give a labelled data set (--data) or comparison images of a detector.", {}));
    }
    const auto speedup = f.speedup();
    if (speedup && *speedup < 1.0) {
        raise(VerdictLevel::Review);
        v.reasons.push_back(text("INT8 is slower than FP32 on this machine ({0}x): check the execution provider.", {format("%.2f", *speedup)}));
    } else if (speedup) {
        v.reasons.push_back(text("INT8 is {0}x as fast as FP32.", {format("%.2f", *speedup)}));
    } else {
        v.reasons.push_back(text("Latency of both models not measured (give --data to time them).", {}));
    }
    if (f.exclusionCostMs)
        v.reasons.push_back(text("{0} nodes left float cost {1} ms against the run with none excluded.",
                                 {std::to_string(f.nodesLeftFloat), format("%+.1f", *f.exclusionCostMs)}));
    v.level = level;

    std::vector<std::string> parts;
    if (speedup)
        parts.push_back(*speedup >= 1.0 ? text("{0}\u00d7 faster", {format("%.1f", *speedup)})
                                        : text("{0}\u00d7 slower", {format("%.1f", 1.0 / *speedup)}));
    if (const auto size = f.sizeRatio())
        parts.push_back(text("{0}\u00d7 smaller", {format("%.1f", *size)}));
    if (change50)
        parts.push_back(text("mAP@0.5 {0} points", {signedPoints(*change50)}));
    else if (f.fidelity50)
        parts.push_back(text("fidelity {0}", {format("%.2f", *f.fidelity50)}));
    for (size_t i = 0; i < parts.size(); ++i)
        v.figures = i == 0 ? parts[i] : text("{0}, {1}", {v.figures, parts[i]});
    const std::string name = verdictLevelName(level, language);
    v.headline = v.figures.empty() ? text("{0}.", {name}) : text("{0}: {1}.", {name, v.figures});
    return v;
}

}  // namespace ql
