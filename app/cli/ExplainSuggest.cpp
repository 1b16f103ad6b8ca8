#include "ExplainSuggest.h"

#include <cstdio>
#include <filesystem>

#include "ProgressBar.h"
#include "analysis/BoxFix.h"
#include "detect/ClassNames.h"
#include "detect/DetectionMatcher.h"
#include "quantize/NodeList.h"
#include "report/InspectReport.h"
#include "util/AtomicFile.h"

namespace fs = std::filesystem;

namespace ql::cli {
namespace {

std::string num(double v, int digits = 3) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

// Found again as explain counts it: at the shown confidence, and overlapping enough not to be "moved".
bool found(const RecoveredBox& r, float confidence) { return r.score >= confidence && r.iou >= kMovedBelowIou; }

nlohmann::json recoveredJson(const RecoveredBox& r, float confidence) {
    return {{"score", r.score}, {"iou", r.iou}, {"recovery", r.recovery}, {"found", found(r, confidence)}};
}

std::string stepKind(const SuggestionStep& s) {
    static const char* kinds[] = {"start", "added", "dropped", "compared"};
    return kinds[static_cast<int>(s.kind)];
}

}  // namespace

void ExplainSuggestFlags::addTo(CLI::App& cmd) {
    cmd.add_flag("--suggest", suggest, "Suggest the nodes to leave float so that the quantized model finds the explained "
                                       "boxes again (needs --calibration)");
    cmd.add_option("--calibration", calibration, "With --suggest: calibration images or folders; the FP32 model is "
                                                 "quantized again with the quantized model's settings read back")
        ->expected(1, -1);
    cmd.add_option("--images", images, "With --suggest --missed: more images whose missed and moved boxes count too")
        ->expected(1, -1);
    cmd.add_option("--save", save, "With --suggest: write the list as a Python list (as suggest --export; quantize "
                                   "--exclude FILE reads it)");
    cmd.add_option("--target", target, "With --suggest: mean recovery (0..1) to stop at (default 0.95)")
        ->check(CLI::Range(0.0, 1.0));
    cmd.add_option("--max-steps", maxSteps, "With --suggest: most forward steps (default 10)");
    cmd.add_option("--max-latency-ms", maxLatencyMs, "With --suggest: no step whose model's median latency is higher")
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--group-depth", depth, "With --suggest: finest candidates: 0 nodes (with modules and sub-modules), "
                                           "1 modules, 2 sub-modules")
        ->check(CLI::Range(0, 2));
    cmd.add_option("--cache-dir", cacheDir, "With --suggest: calibration cache folder");
    cmd.add_flag("--no-cache", noCache, "With --suggest: calibrate without the cache");
}

int runExplainSuggest(const ExplainSuggestFlags& o, const ModelPair& models, const std::vector<ExplainedImage>& explained,
                      bool includeKept, const std::vector<std::string>& names, const DecodeOptions& decode,
                      const PreprocessOptions& preprocess, const SessionOptions& session, nlohmann::json* json) {
    if (o.calibration.empty()) {
        printError("--suggest re-quantizes " + models.fp32.model.displayName() +
                   ": give calibration images with --calibration FILES_OR_FOLDERS");
        return kExitError;
    }
    auto calibration = collectImages(o.calibration);
    if (!calibration) {
        printError("--calibration: " + calibration.errorMessage());
        return kExitError;
    }
    BoxFixRequest request;
    std::vector<std::vector<const BoxExplanation*>> chosen;  // per image, the boxes aimed at, in target order
    for (const auto& image : explained) {
        std::vector<Detection> targets;
        std::vector<const BoxExplanation*> boxes;
        for (const auto& b : image.explanation.boxes)
            if (includeKept || b.outcome != BoxOutcome::Kept) {
                targets.push_back(b.fp32);
                boxes.push_back(&b);
            }
        request.images.push_back(image.path);
        request.targets.push_back(std::move(targets));
        chosen.push_back(std::move(boxes));
    }
    request.calibrationImages = *calibration;
    request.calibration.preprocess = preprocess;
    request.calibration.session = session;
    request.decode = decode;
    request.cacheDirectory = o.noCache ? std::string() : o.cacheDir;
    request.search = boxFixSearchDefaults();
    request.search.target = o.target;
    request.search.maxSteps = o.maxSteps;
    request.search.maxLatencyMs = o.maxLatencyMs;
    request.finestDepth = o.depth;
    auto fix = suggestExclusionsForBoxes(models.fp32, models.quantized, request, textProgress("suggesting"));
    if (!fix) {
        printError("--suggest: " + fix.errorMessage());
        return kExitError;
    }
    const SuggestionStep& before = fix->before();
    const SuggestionStep& after = fix->after();
    if (!o.save.empty()) {
        if (auto st = writeFileAtomically(o.save, toPythonList(fix->suggestion.nodesToExclude) + "\n",
                                          {models.fp32.model.path(), models.quantized.model.path()});
            !st) {
            printError("--save: " + st.errorMessage());
            return kExitError;
        }
    }
    const float confidence = decode.confidence;
    // Per box: which kept step first finds it again.
    struct BoxRow {
        size_t image;
        const BoxExplanation* box;
        RecoveredBox before, after;
        std::string broughtBackBy;  // "" when not brought back (or found from the start)
    };
    std::vector<BoxRow> rows;
    for (size_t k = 0; k < before.score.boxes.size() && k < after.score.boxes.size(); ++k) {
        const RecoveredBox& b = before.score.boxes[k];
        BoxRow row{b.image, chosen[b.image][b.target], b, after.score.boxes[k], ""};
        bool wasFound = found(b, confidence);
        for (size_t s = 1; s < fix->suggestion.curve.size() && !wasFound; ++s) {
            const SuggestionStep& step = fix->suggestion.curve[s];
            if (!step.kept || step.kind != SuggestionStep::Kind::Added || k >= step.score.boxes.size())
                continue;
            if (found(step.score.boxes[k], confidence)) {
                row.broughtBackBy = step.group;
                wasFound = true;
            }
        }
        if (!found(row.after, confidence))
            row.broughtBackBy.clear();
        rows.push_back(row);
    }
    const double latencyCost = after.latency.medianMs - before.latency.medianMs;
    const double sizeCost = static_cast<double>(after.modelBytes) - static_cast<double>(before.modelBytes);

    if (json) {
        nlohmann::json boxes = nlohmann::json::array();
        for (const auto& r : rows) {
            const BoxExplanation& b = *r.box;
            nlohmann::json given = {{"score", 0.0}, {"iou", 0.0}};
            if (b.quantizedIndex)
                given = {{"score", explained[r.image].explanation.quantized[static_cast<size_t>(*b.quantizedIndex)].score},
                         {"iou", b.partnerIou}};
            boxes.push_back({{"image", explained[r.image].path}, {"fp32_index", b.fp32Index},
                             {"class", className(names, b.fp32.classId)}, {"class_id", b.fp32.classId},
                             {"fp32_score", b.fp32.score}, {"box", {b.fp32.box.x1, b.fp32.box.y1, b.fp32.box.x2, b.fp32.box.y2}},
                             {"given_quantized", given}, {"before", recoveredJson(r.before, confidence)},
                             {"after", recoveredJson(r.after, confidence)},
                             {"brought_back_by", r.broughtBackBy.empty() ? nlohmann::json() : nlohmann::json(r.broughtBackBy)}});
        }
        nlohmann::json curve = nlohmann::json::array();
        for (const auto& step : fix->suggestion.curve)
            curve.push_back({{"kind", stepKind(step)}, {"group", step.group}, {"excluded_nodes", step.excludedNodes},
                             {"recovery", step.score.boxRecovery}, {"latency_ms", step.latency.medianMs},
                             {"model_bytes", step.modelBytes}, {"kept", step.kept}});
        const auto stepJson = [](const SuggestionStep& s) {
            return nlohmann::json{{"recovery", s.score.boxRecovery}, {"excluded_nodes", s.excludedNodes},
                                  {"latency_ms", {{"median", s.latency.medianMs}, {"min", s.latency.minMs}, {"p95", s.latency.p95Ms}}},
                                  {"model_bytes", s.modelBytes}};
        };
        (*json)["suggestion"] = {{"objective", objectiveName(Objective::BoxRecovery)},
                                 {"target", o.target},
                                 {"calibration_images", calibration->size()},
                                 {"settings", fix->settings.toJson()},
                                 {"notes", fix->notes},
                                 {"model_left_float", fix->settings.nodesToExclude},
                                 {"candidates_ranked", fix->candidatesRanked},
                                 {"boxes", boxes},
                                 {"before", stepJson(before)},
                                 {"after", stepJson(after)},
                                 {"latency_cost_ms", latencyCost},
                                 {"size_cost_bytes", sizeCost},
                                 {"added", fix->added},
                                 {"nodes_to_exclude", fix->suggestion.nodesToExclude},
                                 {"reached", fix->suggestion.reachedTarget},
                                 {"stop_reason", fix->suggestion.stopReason},
                                 {"warnings", fix->suggestion.warnings},
                                 {"curve", curve}};
        if (!o.save.empty())
            (*json)["suggestion"]["saved"] = o.save;
        return 0;
    }

    std::printf("\nSuggest exclusions for %zu box%s on %zu image%s: %s made again with the settings read back from %s "
                "(%zu nodes of it left float), calibrated on %zu images; %zu candidates ranked\n",
                rows.size(), rows.size() == 1 ? "" : "es", explained.size(), explained.size() == 1 ? "" : "s",
                models.fp32.model.displayName().c_str(), models.quantized.model.displayName().c_str(),
                fix->settings.nodesToExclude.size(), calibration->size(), fix->candidatesRanked);
    std::printf("%6s %8s %9s %11s %9s  %s\n", "step", "excluded", "recovery", "latency ms", "size", "change");
    for (size_t k = 0; k < fix->suggestion.curve.size(); ++k) {
        const SuggestionStep& s = fix->suggestion.curve[k];
        std::string change = s.kind == SuggestionStep::Kind::Start ? "(re-made, as given)"
                             : s.kind == SuggestionStep::Kind::Added ? "+ " + s.group
                                                                     : "- " + s.group;
        if (!s.kept)
            change += "  [undone]";
        std::printf("%6zu %8zu %9s %11s %9s  %s\n", k, s.excludedNodes, num(s.score.boxRecovery).c_str(),
                    num(s.latency.medianMs, 2).c_str(), num(static_cast<double>(s.modelBytes) / 1e6, 2).append(" MB").c_str(),
                    change.c_str());
    }
    std::printf("\nPer box (the best same-class box: score, IoU with the FP32 box):\n");
    for (const auto& r : rows) {
        const BoxExplanation& b = *r.box;
        std::printf("  %s FP32 #%d %s %s: re-made %s IoU %s -> with the list %s IoU %s, %s\n",
                    fs::path(explained[r.image].path).filename().string().c_str(), b.fp32Index,
                    className(names, b.fp32.classId).c_str(), num(b.fp32.score).c_str(), num(r.before.score).c_str(),
                    num(r.before.iou, 2).c_str(), num(r.after.score).c_str(), num(r.after.iou, 2).c_str(),
                    found(r.after, confidence)
                        ? (r.broughtBackBy.empty() ? std::string("found") : "brought back by " + r.broughtBackBy).c_str()
                        : "not found");
    }
    std::printf("\nCost: latency %+.2f ms (%.2f -> %.2f ms median), size %+.1f KB\n", latencyCost, before.latency.medianMs,
                after.latency.medianMs, sizeCost / 1e3);
    std::printf("Stopped: %s.\n", fix->suggestion.stopReason.c_str());
    std::printf("nodes_to_exclude = %s\n", toPythonList(fix->suggestion.nodesToExclude).c_str());
    if (!o.save.empty())
        std::printf("Wrote %s (quantize --exclude %s)\n", o.save.c_str(), o.save.c_str());
    // The search quantized with the settings read back; quantize needs their op types to make the same model.
    std::string ops;
    for (const auto& t : fix->settings.opTypesToQuantize)
        ops += (ops.empty() ? "" : ",") + t;
    if (!ops.empty())
        std::printf("Made with the op types read back: quantize ... --op-types %s --exclude LIST (--json lists every "
                    "setting)\n", ops.c_str());
    for (const auto& w : fix->suggestion.warnings)
        printWarning(w);
    return 0;
}

}  // namespace ql::cli
