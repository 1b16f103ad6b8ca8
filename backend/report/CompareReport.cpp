#include "report/CompareReport.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "model/TensorData.h"
#include "report/DetectionReport.h"
#include "report/InspectReport.h"

namespace ql {

std::vector<const ActivationError*> orderLayers(const ActivationReport& report, LayerOrder order) {
    std::vector<const ActivationError*> layers;
    for (const auto& l : report.layers)
        layers.push_back(&l);
    if (order == LayerOrder::WorstFirst)
        std::stable_sort(layers.begin(), layers.end(), [](const ActivationError* a, const ActivationError* b) {
            const double sa = a->problem.empty() ? a->accumulated.sqnrDb : HUGE_VAL;
            const double sb = b->problem.empty() ? b->accumulated.sqnrDb : HUGE_VAL;
            return sa < sb;
        });
    return layers;
}

nlohmann::json toJson(const ActivationReport& report, LayerOrder order, bool withHistograms) {
    nlohmann::json layers = nlohmann::json::array();
    for (const ActivationError* l : orderLayers(report, order)) {
        nlohmann::json j = {
            {"name", l->name},
            {"fp32_name", l->fp32Name},
            {"producer", l->producer},
            {"producer_op", l->producerOp},
            {"order", l->order},
            {"scale", l->scale},
            {"zero_point", l->zeroPoint},
            {"quantized_type", elementTypeName(l->quantizedType)},
            {"quant_range", {l->quantLo, l->quantHi}},
        };
        if (!l->problem.empty()) {
            j["problem"] = l->problem;
        } else {
            j["accumulated"] = toJson(l->accumulated);
            if (l->rounding.count)  // not defined for an operator's own output
                j["rounding"] = toJson(l->rounding);
            j["fp32_range"] = {l->fp32Min, l->fp32Max};
            if (l->fixedRange) {
                j["clipped_fraction"] = l->clippedFraction;
                j["range_used"] = l->rangeUsed;
            }
            if (l->runtimeScale)  // computed per image by DynamicQuantizeLinear; "scale" is the mean
                j["runtime_scale"] = {{"min", l->scaleMin}, {"max", l->scaleMax}, {"mean", l->scale}};
            if (withHistograms)
                j["histograms"] = {{"fp32", toJson(l->histograms.reference)},
                                   {"quantized", toJson(l->histograms.quantized)},
                                   {"error", toJson(l->histograms.error)}};
        }
        layers.push_back(std::move(j));
    }
    nlohmann::json outputs = nlohmann::json::array();
    for (const auto& o : report.outputs)
        outputs.push_back(toJson(o));
    nlohmann::json rewrites = nlohmann::json::array();
    for (const auto& r : report.loadRewrites)
        rewrites.push_back({{"node", r.node}, {"op", r.opType}, {"weights", r.weights}, {"bias", r.bias}});
    return {{"format", formatName(report.format)},
            {"images", report.imageCount},
            {"ort_optimization", optimizationName(report.optimization)},
            {"preprocessing", report.preprocessing},
            {"failures", report.failures},
            {"warnings", report.warnings},
            {"detection_fidelity", report.fidelity ? toJson(*report.fidelity) : nlohmann::json()},
            {"load_rewrites", rewrites},
            {"seconds", report.seconds},
            {"outputs", outputs},
            {"layers", layers},
            {"notes", report.notes}};
}

nlohmann::json toJson(const OutputError& o) {
    nlohmann::json parts = nlohmann::json::array();
    for (const auto& p : o.parts)
        parts.push_back({{"part", partName(p.kind)},
                         {"metrics", toJson(p.metrics)},
                         {"fp32_range", {p.fp32Min, p.fp32Max}},
                         {"quantized_range", {p.quantizedMin, p.quantizedMax}}});
    nlohmann::json j = {{"name", o.name}, {"metrics", toJson(o.metrics)}, {"parts", parts}, {"failures", o.failures}};
    if (!o.layout.empty())
        j["layout"] = o.layout;
    if (o.instrumented)
        j["instrumented_metrics"] = toJson(*o.instrumented);
    return j;
}

nlohmann::json toJson(const DetectionFidelity& f) {
    return {{"images", f.images},
            {"map50", f.map.map50},
            {"map50_95", f.map.map50to95},
            {"fp32_boxes", f.fp32Boxes},
            {"quantized_boxes", f.quantizedBoxes},
            {"matched", f.matched},
            {"moved", f.moved},
            {"missed", f.missed},
            {"extra", f.extra},
            {"images_by_change", imagesByChangeJson(f.imageMatches)},
            {"mean_iou", f.meanIou},
            {"mean_score_change", f.meanScoreChange}};
}

void printOutputSummary(std::ostream& out, const ActivationReport& report) {
    for (const auto& f : report.failures)
        out << "FAILURE: " << f << "\n";
    for (const auto& w : report.warnings)
        out << "warning: " << w << "\n";
    if (report.fidelity) {
        const DetectionFidelity& f = *report.fidelity;
        out << "\nDetection fidelity (quantized boxes scored against the FP32 boxes):\n"
            << "  mAP@0.5 " << std::fixed << std::setprecision(4) << f.map.map50 << "   mAP@.5:.95 " << f.map.map50to95
            << "\n  boxes: FP32 " << f.fp32Boxes << ", quantized " << f.quantizedBoxes << "; matched " << f.matched
            << " (moved " << f.moved << "), missed " << f.missed << ", extra " << f.extra << "\n";
        if (f.images > 1)
            printImagesByChange(out, f.imageMatches);
    }
    const auto metricsText = [](const ErrorMetrics& m) {
        std::ostringstream t;
        t << "SQNR " << std::setw(6) << formatDb(m.sqnrDb) << " dB  cosine " << std::fixed << std::setprecision(6)
          << m.cosine << "  max |err| " << std::setprecision(4) << m.maxAbsError;
        return t.str();
    };
    out << "\nFinal outputs (FP32 vs quantized, ONNX Runtime optimisation " << optimizationName(report.optimization)
        << "):\n";
    for (const auto& o : report.outputs) {
        out << "  " << std::left << std::setw(16) << o.name << std::right << metricsText(o.metrics);
        if (!o.layout.empty())
            out << "  (read as " << o.layout << ")";
        out << "\n";
        for (const auto& p : o.parts)
            out << "    " << std::left << std::setw(14) << partName(p.kind) << std::right << metricsText(p.metrics)
                << "  range FP32 " << std::setprecision(3) << p.fp32Min << ".." << p.fp32Max << ", quantized "
                << p.quantizedMin << ".." << p.quantizedMax << "\n";
        if (o.instrumented)
            out << "    per-layer (instrumented) run: SQNR " << formatDb(o.instrumented->sqnrDb) << " dB\n";
    }
    for (const auto& r : report.loadRewrites)
        out << "note: " << r.describe() << "; the per-layer figures are of the file's float node\n";
}

void printActivationTable(std::ostream& out, const ActivationReport& report, LayerOrder order, size_t limit) {
    out << "Compared on " << report.imageCount << " image" << (report.imageCount == 1 ? "" : "s") << " in "
        << std::fixed << std::setprecision(1) << report.seconds << " s; images preprocessed as " << report.preprocessing
        << "\n";
    for (const auto& n : report.notes)
        out << "note: " << n << "\n";
    printOutputSummary(out, report);
    if (report.layers.empty())
        return;
    const auto layers = orderLayers(report, order);
    size_t width = 8;
    for (const auto* l : layers)
        width = std::max(width, l->name.size());
    width = std::min<size_t>(width, 52);
    out << (report.format == QuantFormat::QDQ ? "\nQuantized activations (" : "\nActivations paired with FP32 (")
        << report.layers.size() << "), "
        << (order == LayerOrder::WorstFirst ? "worst first" : "in graph order")
        << ". accum = FP32 vs Q/DQ output, round = this tensor's own rounding error\n";
    out << std::left << std::setw(static_cast<int>(width)) << "tensor" << std::right << std::setw(10) << "op"
        << std::setw(11) << "accum dB" << std::setw(11) << "round dB" << std::setw(10) << "cosine" << std::setw(11)
        << "MSE" << std::setw(11) << "max|err|" << std::setw(8) << "clip%" << std::setw(8) << "used%" << "\n";
    size_t shown = 0;
    for (const auto* l : layers) {
        if (limit && shown++ >= limit) {
            out << "... " << layers.size() - limit << " more (use --top 0 for all)\n";
            break;
        }
        const std::string name = l->name.size() > width ? "..." + l->name.substr(l->name.size() - width + 3) : l->name;
        out << std::left << std::setw(static_cast<int>(width)) << name << std::right << std::setw(10)
            << l->producerOp.substr(0, 9);
        if (!l->problem.empty()) {
            out << "  " << l->problem << "\n";
            continue;
        }
        std::ostringstream row;
        row << std::setw(11) << formatDb(l->accumulated.sqnrDb) << std::setw(11)
            << (l->rounding.count ? formatDb(l->rounding.sqnrDb) : "-") << std::fixed << std::setprecision(5)
            << std::setw(10) << l->accumulated.cosine << std::scientific << std::setprecision(2) << std::setw(11)
            << l->accumulated.mse << std::setw(11) << l->accumulated.maxAbsError << std::fixed;
        if (l->fixedRange)
            row << std::setprecision(2) << std::setw(8) << 100.0 * l->clippedFraction << std::setprecision(1)
                << std::setw(8) << 100.0 * l->rangeUsed;
        else
            row << std::setw(8) << "-" << std::setw(8) << "-";
        if (l->runtimeScale)
            row << std::defaultfloat << std::setprecision(3) << "  scale " << l->scaleMin << ".." << l->scaleMax;
        out << row.str() << "\n";
    }
}

void writeActivationCsv(std::ostream& out, const ActivationReport& report, LayerOrder order) {
    auto quote = [](const std::string& s) {
        std::string q = "\"";
        for (char c : s)
            q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    };
    out << "tensor,fp32_tensor,producer,op,order,scale,zero_point,accumulated_sqnr_db,rounding_sqnr_db,cosine,mse,"
           "max_abs_error,fp32_min,fp32_max,quant_min,quant_max,clipped_fraction,range_used,problem\n";
    out << std::setprecision(9);
    for (const auto* l : orderLayers(report, order)) {
        out << quote(l->name) << ',' << quote(l->fp32Name) << ',' << quote(l->producer) << ',' << l->producerOp << ','
            << l->order << ',' << l->scale << ',' << l->zeroPoint << ',';
        if (l->problem.empty())
            out << formatDb(l->accumulated.sqnrDb) << ',' << (l->rounding.count ? formatDb(l->rounding.sqnrDb) : "") << ',' << l->accumulated.cosine
                << ',' << l->accumulated.mse << ',' << l->accumulated.maxAbsError << ',' << l->fp32Min << ',' << l->fp32Max
                << ',' << l->quantLo << ',' << l->quantHi << ',' << l->clippedFraction << ',' << l->rangeUsed << ",\n";
        else
            out << ",,,,,,," << l->quantLo << ',' << l->quantHi << ",,," << quote(l->problem) << "\n";
    }
    // The final outputs, whole and by part, as the deployed model gives them; op "Output".
    const auto outputRow = [&](const std::string& name, const ErrorMetrics& m, double lo, double hi, double qlo,
                               double qhi, const std::string& problem) {
        out << quote(name) << ',' << quote(name) << ",,Output,,,," << formatDb(m.sqnrDb) << ",," << m.cosine << ','
            << m.mse << ',' << m.maxAbsError << ',' << lo << ',' << hi << ',' << qlo << ',' << qhi << ",,,"
            << quote(problem) << "\n";
    };
    for (const auto& o : report.outputs) {
        std::string failures;
        for (const auto& f : o.failures)
            failures += (failures.empty() ? "" : "; ") + f;
        outputRow(o.name, o.metrics, NAN, NAN, NAN, NAN, failures);
        for (const auto& p : o.parts)
            outputRow(o.name + " [" + partName(p.kind) + "]", p.metrics, p.fp32Min, p.fp32Max, p.quantizedMin,
                      p.quantizedMax, "");
    }
}

}  // namespace ql
