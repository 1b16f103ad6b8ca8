#include "report/DetectionReport.h"

#include <cstdio>

#include <algorithm>

#include "detect/ClassNames.h"
#include "report/HtmlReport.h"
#include "report/InspectReport.h"

namespace ql {
namespace {

nlohmann::json toJson(const MapResult& m) {
    return {{"map50", m.map50}, {"map50_95", m.map50to95}, {"images", m.images}, {"ground_truth", m.groundTruth},
            {"predictions", m.predictions}};
}

nlohmann::json toJson(const LatencyStats& l) {
    return {{"runs", l.runs}, {"min_ms", l.minMs}, {"median_ms", l.medianMs}, {"p95_ms", l.p95Ms}, {"mean_ms", l.meanMs}};
}

nlohmann::json toJson(const ModelEvaluation& m) {
    return {{"name", m.name}, {"file_size", m.fileSize}, {"accuracy", toJson(m.accuracy)}, {"latency", toJson(m.latency)}};
}

}  // namespace

std::vector<ImageChangeRank> imagesByChange(const std::vector<ImageMatch>& images) {
    std::vector<ImageChangeRank> ranked;
    for (const auto& m : images)
        if (const double c = changeScore(m.match); c > 0.0)
            ranked.push_back({&m, c});
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.change > b.change; });
    return ranked;
}

nlohmann::json imagesByChangeJson(const std::vector<ImageMatch>& images) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& i : imagesByChange(images))
        a.push_back({{"image", i.image->path}, {"change", i.change}, {"matched", i.image->match.pairs.size()},
                     {"missed", i.image->match.missed.size()}, {"extra", i.image->match.extra.size()},
                     {"moved", movedPairs(i.image->match).size()}});
    return a;
}

void printImagesByChange(std::ostream& out, const std::vector<ImageMatch>& all, size_t top) {
    char line[256];
    const auto images = imagesByChange(all);
    out << "\nImages quantization changed most (" << images.size() << " of " << all.size() << " changed";
    out << (images.size() > top ? "; top " + std::to_string(top) + ")\n" : ")\n");
    if (!images.empty()) {
        std::snprintf(line, sizeof line, "  %7s %7s %6s %5s %5s  %s\n", "change", "matched", "missed", "extra", "moved", "image");
        out << line;
    }
    for (size_t i = 0; i < images.size() && i < top; ++i) {
        const DetectionMatch& m = images[i].image->match;
        std::snprintf(line, sizeof line, "  %7.2f %7zu %6zu %5zu %5zu  ", images[i].change, m.pairs.size(), m.missed.size(),
                      m.extra.size(), movedPairs(m).size());
        out << line << images[i].image->path << "\n";
    }
}

ImageChange imageChange(const DetectionMatch& m) {
    ImageChange c;
    c.matched = m.pairs.size();
    c.missed = m.missed.size();
    c.extra = m.extra.size();
    c.moved = movedPairs(m).size();
    for (const auto& p : m.pairs)
        c.scoreDrop -= static_cast<double>(p.scoreChange);
    if (!m.pairs.empty())
        c.scoreDrop /= static_cast<double>(m.pairs.size());
    c.change = changeScore(m);
    return c;
}

std::vector<ClassLoss> classesByLoss(const EvaluationReport& r) {
    std::vector<ClassLoss> classes;
    if (!r.quantized)
        return classes;
    for (const auto& [id, ap] : r.fp32.accuracy.ap50PerClass) {
        ClassLoss c;
        c.classId = id;
        c.fp32Ap50 = ap;
        const auto& q = r.quantized->accuracy.ap50PerClass;
        c.quantizedAp50 = q.count(id) ? q.at(id) : 0.0;
        if (r.fidelity && r.fidelity->map.ap50PerClass.count(id))
            c.fidelityAp50 = r.fidelity->map.ap50PerClass.at(id);
        classes.push_back(c);
    }
    std::stable_sort(classes.begin(), classes.end(), [](const ClassLoss& a, const ClassLoss& b) { return a.loss() > b.loss(); });
    return classes;
}

nlohmann::json toJson(const std::vector<Detection>& detections, const std::vector<std::string>& names) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& d : detections) {
        nlohmann::json e = {{"class_id", d.classId}, {"class", className(names, d.classId)}, {"score", d.score},
                            {"box", {d.box.x1, d.box.y1, d.box.x2, d.box.y2}}};
        if (d.source >= 0)  // the output index that produced it (`explain` turns it into a head cell)
            e["output_index"] = d.source;
        a.push_back(std::move(e));
    }
    return a;
}

nlohmann::json toJson(const EvaluationReport& r) {
    nlohmann::json j = {{"images", r.images}, {"dataset_images", r.datasetImages}, {"warnings", r.warnings}};
    if (!r.quantized) {
        j["model"] = toJson(r.fp32);
        return j;
    }
    j["fp32"] = toJson(r.fp32);
    j["quantized"] = toJson(*r.quantized);
    if (r.fidelity) {
        const DetectionFidelity& f = *r.fidelity;
        j["fidelity"] = toJson(f.map);
        j["matching"] = {{"matched", f.matched}, {"moved", f.moved}, {"missed", f.missed}, {"extra", f.extra},
                         {"mean_iou", f.meanIou}, {"mean_score_change", f.meanScoreChange}};
    }
    if (r.fidelity)
        j["images_by_change"] = imagesByChangeJson(r.fidelity->imageMatches);
    j["classes_by_loss"] = nlohmann::json::array();
    for (const auto& c : classesByLoss(r)) {
        nlohmann::json e = {{"class_id", c.classId}, {"class", className(r.classNames, c.classId)}, {"fp32_ap50", c.fp32Ap50},
                            {"quantized_ap50", c.quantizedAp50}, {"loss", c.loss()}};
        e["fidelity_ap50"] = c.fidelityAp50 >= 0 ? nlohmann::json(c.fidelityAp50) : nlohmann::json(nullptr);
        j["classes_by_loss"].push_back(std::move(e));
    }
    j["speed_ratio"] = r.quantized->latency.medianMs > 0 ? r.fp32.latency.medianMs / r.quantized->latency.medianMs : 0.0;
    return j;
}

nlohmann::json predictionsJson(const EvaluationReport& r, const nlohmann::json& settings) {
    nlohmann::json images = nlohmann::json::array();
    for (const auto& i : r.imageInfo)
        images.push_back({{"path", i.path}, {"width", i.width}, {"height", i.height}});
    nlohmann::json models = nlohmann::json::array();
    const auto add = [&](const ModelEvaluation& m, const char* role) {
        nlohmann::json perImage = nlohmann::json::array();
        for (const auto& detections : m.predictions) {
            nlohmann::json a = nlohmann::json::array();
            for (const auto& d : detections)
                a.push_back({d.classId, d.score, d.box.x1, d.box.y1, d.box.x2, d.box.y2});
            perImage.push_back(std::move(a));
        }
        models.push_back({{"role", role}, {"name", m.name}, {"map50", m.accuracy.map50}, {"map50_95", m.accuracy.map50to95},
                          {"predictions", std::move(perImage)}});
    };
    add(r.fp32, r.quantized ? "fp32" : "model");
    if (r.quantized)
        add(*r.quantized, "quantized");
    return {{"format", "quantlens-predictions 1"},
            {"settings", settings},
            {"prediction_fields", {"class_id", "score", "x1", "y1", "x2", "y2"}},
            {"images", std::move(images)},
            {"models", std::move(models)}};
}

void printDetections(std::ostream& out, const std::vector<Detection>& detections, const std::vector<std::string>& names) {
    char line[200];
    for (const auto& d : detections) {
        std::snprintf(line, sizeof line, "  %-16s %.2f  [%.0f, %.0f, %.0f, %.0f]\n", className(names, d.classId).c_str(),
                      d.score, d.box.x1, d.box.y1, d.box.x2, d.box.y2);
        out << line;
    }
    if (detections.empty())
        out << "  (nothing detected)\n";
}

void printEvaluation(std::ostream& out, const EvaluationReport& r) {
    char line[256];
    out << "Evaluated on " << r.images << " images";
    if (r.images < r.datasetImages)
        out << " (of " << r.datasetImages << ")";
    out << "\n\n";
    std::snprintf(line, sizeof line, "%-34s %10s %12s %12s %12s %10s\n", "model", "mAP@0.5", "mAP@.5:.95", "median ms",
                  "p95 ms", "size");
    out << line;
    std::vector<const ModelEvaluation*> models = {&r.fp32};
    if (r.quantized)
        models.push_back(&*r.quantized);
    for (const ModelEvaluation* m : models) {
        std::string name = m->name.size() > 34 ? "..." + m->name.substr(m->name.size() - 31) : m->name;
        std::snprintf(line, sizeof line, "%-34s %10.4f %12.4f %12.2f %12.2f %10s\n", name.c_str(), m->accuracy.map50,
                      m->accuracy.map50to95, m->latency.medianMs, m->latency.p95Ms, formatBytes(m->fileSize).c_str());
        out << line;
    }
    if (!r.quantized)
        return;
    const ModelEvaluation& q = *r.quantized;
    const double speed = q.latency.medianMs > 0 ? r.fp32.latency.medianMs / q.latency.medianMs : 0.0;
    std::snprintf(line, sizeof line, "\nQuantized vs FP32: %.2fx the speed (median latency), %.1f%% of the size\n", speed,
                  r.fp32.fileSize ? 100.0 * static_cast<double>(q.fileSize) / static_cast<double>(r.fp32.fileSize) : 0.0);
    out << line;
    if (!r.fidelity)
        return;
    const DetectionFidelity& f = *r.fidelity;
    std::snprintf(line, sizeof line,
                  "Fidelity (FP32 detections as ground truth): mAP@0.5 %.4f, mAP@.5:.95 %.4f\n"
                  "Boxes: %zu matched (mean IoU %.3f, mean score change %+.3f; %zu moved), %zu missed, %zu extra\n",
                  f.map.map50, f.map.map50to95, f.matched, f.meanIou, f.meanScoreChange, f.moved, f.missed, f.extra);
    out << line;
    constexpr size_t kTop = 10;
    printImagesByChange(out, f.imageMatches, kTop);
    const auto classes = classesByLoss(r);
    if (!classes.empty()) {
        out << "\nPer class AP@0.5 against the labels, largest loss first" << (classes.size() > kTop ? " (top " + std::to_string(kTop) + ")" : "") << "\n";
        std::snprintf(line, sizeof line, "  %-16s %8s %9s %8s %9s\n", "class", "FP32", "quantized", "loss", "fidelity");
        out << line;
        for (size_t i = 0; i < classes.size() && i < kTop; ++i) {
            const ClassLoss& c = classes[i];
            char fid[16] = "-";
            if (c.fidelityAp50 >= 0)
                std::snprintf(fid, sizeof fid, "%.4f", c.fidelityAp50);
            std::snprintf(line, sizeof line, "  %-16s %8.4f %9.4f %+8.4f %9s\n", className(r.classNames, c.classId).c_str(),
                          c.fp32Ap50, c.quantizedAp50, c.loss(), fid);
            out << line;
        }
    }
}

}  // namespace ql
