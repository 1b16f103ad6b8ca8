#include "SensitivityCommands.h"

#include "CliCommon.h"

#include <chrono>
#include <cmath>
#include <optional>
#include "ProgressBar.h"
#include "DetectionFlags.h"
#include "QuantizeFlags.h"
#include "analysis/Sensitivity.h"
#include "detect/YoloDataset.h"
#include "quantize/NodeList.h"
#include "report/InspectReport.h"
#include "util/AtomicFile.h"

namespace ql::cli {
namespace {

struct SensitivityCommandOptions {
    std::string fp32;
    std::vector<std::string> images;
    int depth = 0;
    size_t limit = 8;
    size_t top = 25;
    bool json = false;
    // suggest only
    std::string data;             // a labelled dataset: its images, and its labels for the mAP objectives
    std::string objective;        // empty: sqnr, or fidelity50 with --target-map
    std::optional<double> target;
    std::optional<double> targetSqnr;  // older spellings: --target-sqnr, --target-map
    std::optional<double> targetMap;
    double maxLatencyMs = 0.0;
    size_t scoreImages = 8;
    long validateImages = -1;     // -1: the rest of the images
    size_t rankImages = 0;        // 0: min(8, scoring images)
    size_t expand = 3;
    size_t maxSteps = 10;
    size_t perStep = 6;
    double sizeExponent = 0.5;
    size_t patience = 2;
    double minGain = -1.0;
    bool noBackward = false;
    bool noInt16 = false;         // skip the INT16 step before float
    std::string exportOverrides;  // TensorQuantOverrides JSON of the INT16 nodes
    std::string compareWith;
    std::string exportList;
    std::string exportCurve;      // CSV: both curves, one row a step
    QuantizeFlags flags;
    DetectionFlags detection;
};

// Everything both commands need before they can evaluate candidates.
struct Prepared {
    AnalyzedModel fp32;
    std::vector<std::string> images;  // `sensitivity`: the images, --limit applied
    ImageSet all;                     // `suggest`: every image (and label), split into scoring and validation
    QuantizerSettings settings;
    SensitivityOptions options;
    std::shared_ptr<const CalibrationData> calibration;
};

std::optional<Prepared> prepare(const SensitivityCommandOptions& o) {
    auto fp32 = loadModel(o.fp32);
    if (!fp32)
        return std::nullopt;
    auto calibImages = collectImages(o.flags.calib);
    if (!calibImages) {
        printError(calibImages.errorMessage());
        return std::nullopt;
    }
    ImageSet all;
    if (!o.data.empty()) {
        auto data = YoloDataset::load(o.data);
        if (!data) {
            printError(data.errorMessage());
            return std::nullopt;
        }
        for (const auto& w : data->warnings)
            printWarning(w);
        for (const auto& item : data->images) {
            all.paths.push_back(item.image);
            all.labels.push_back(item.labels);
        }
    } else {
        auto images = collectImages(o.images);
        if (!images) {
            printError(images.errorMessage());
            return std::nullopt;
        }
        all.paths = std::move(images).value();
    }
    auto images = std::optional<std::vector<std::string>>(all.paths);
    if (o.limit && images->size() > o.limit)
        images->resize(o.limit);
    auto settings = o.flags.settings();
    auto calibration = o.flags.calibration(fp32->model, *images);
    if (!settings || !calibration)
        return std::nullopt;
    CalibrationCache cache(o.flags.cacheDirectory());
    auto stats = cache.get(fp32->model, *calibImages, *calibration, textProgress("calibrating"));
    if (!stats) {
        printError(stats.errorMessage());
        return std::nullopt;
    }
    SensitivityOptions options;
    options.prefixDepth = o.depth;
    if (!o.objective.empty()) {
        auto objective = parseObjective(o.objective);
        if (!objective) {
            printError("--objective: " + objective.errorMessage());
            return std::nullopt;
        }
        options.objective = *objective;
    } else if (o.targetMap) {
        options.objective = Objective::DetectionFidelity;
    }
    if (objectiveNeedsLabels(options.objective) && o.data.empty()) {
        printError("--objective " + objectiveName(options.objective) + " is mAP against labels: give a labelled dataset with "
                   "--data FOLDER_OR_YAML (images/ + labels/, or an Ultralytics data YAML), or choose sqnr, fidelity50 or "
                   "fidelity50-95");
        return std::nullopt;
    }
    if (objectiveNeedsDetections(options.objective) || !o.data.empty()) {
        auto decode = o.detection.decodeOptions(fp32->model);
        if (!decode)
            return std::nullopt;
        options.decode = *decode;
    }
    options.preprocess = calibration->preprocess;
    options.session = o.flags.session.options();
    return Prepared{std::move(*fp32), std::move(images).value(), std::move(all), std::move(*settings), options, *stats};
}

nlohmann::json toJson(const Score& s, Objective objective) {
    nlohmann::json j = {{"output", toJson(s.output)}};
    if (objective == Objective::DetectionFidelity)
        j["fidelity_map50"] = s.fidelityMap50;
    return j;
}

nlohmann::json toJson(const SensitivityEntry& e, Objective objective) {
    return {{"group", e.group}, {"nodes", e.nodes}, {"gain", jsonNumber(e.gain)},
            {"left_float", toJson(e.leftFloat, objective)}, {"only_quantized", toJson(e.onlyQuantized, objective)}};
}

std::string scoreText(const Score& s, Objective objective) {
    if (objective == Objective::OutputSqnr)
        return formatDb(s.output.sqnrDb);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", s.fidelityMap50);
    return buf;
}

void printRanking(const SensitivityReport& r, size_t top) {
    const bool sqnr = r.objective == Objective::OutputSqnr;
    std::printf("%s with everything quantized: %s%s (%zu images)\n\n", sqnr ? "Output SQNR" : "Detection fidelity mAP@0.5",
                scoreText(r.baseline, r.objective).c_str(), sqnr ? " dB" : "", r.imageCount);
    std::printf("%-48s %6s %16s %18s\n", "node or group", "nodes", sqnr ? "left float: dB" : "left float: mAP",
                sqnr ? "only quantized: dB" : "only quantized: mAP");
    size_t shown = 0;
    for (const auto& e : r.entries) {
        if (top && shown++ >= top) {
            std::printf("... %zu more (use --top 0 for all)\n", r.entries.size() - top);
            break;
        }
        const std::string name = e.group.size() > 48 ? "..." + e.group.substr(e.group.size() - 45) : e.group;
        std::printf("%-48s %6zu %9s (%+.3f) %17s\n", name.c_str(), e.nodes.size(), scoreText(e.leftFloat, r.objective).c_str(), e.gain,
                    scoreText(e.onlyQuantized, r.objective).c_str());
    }
}

int runSensitivity(const SensitivityCommandOptions& o) {
    auto p = prepare(o);
    if (!p)
        return kExitError;
    auto report = analyzeSensitivity(p->fp32.model, *p->calibration, p->settings, p->images, p->options, textProgress("analysing"));
    if (!report) {
        printError(report.errorMessage());
        return kExitError;
    }
    if (o.json) {
        nlohmann::json entries = nlohmann::json::array();
        for (const auto& e : report->entries)
            entries.push_back(toJson(e, report->objective));
        printJson({{"objective", report->objective == Objective::OutputSqnr ? "output_sqnr_db" : "fidelity_map50"},
                   {"baseline", toJson(report->baseline, report->objective)}, {"images", report->imageCount},
                   {"entries", entries}});
    } else {
        printRanking(*report, o.top);
    }
    return 0;
}

std::string objectiveText(const Score& s, Objective objective) {
    char buf[32];
    if (objective == Objective::OutputSqnr)
        return formatDb(s.output.sqnrDb);
    std::snprintf(buf, sizeof buf, "%.4f", s.value(objective));
    return buf;
}

std::string megabytes(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f MB", static_cast<double>(bytes) / 1e6);
    return buf;
}

nlohmann::json scoreJson(const Score& s, Objective objective, bool labelled) {
    nlohmann::json j = {{"objective", jsonNumber(s.value(objective))}, {"output_sqnr_db", jsonNumber(s.output.sqnrDb)},
                        {"images", s.images}};
    if (objective != Objective::OutputSqnr || labelled) {
        j["fidelity_map50"] = s.fidelityMap50;
        j["fidelity_map50_95"] = s.fidelityMap50to95;
        j["reference_boxes"] = s.referenceBoxes;
    }
    if (labelled) {
        j["map50"] = s.map50;
        j["map50_95"] = s.map50to95;
    }
    return j;
}

nlohmann::json stepJson(const SuggestionStep& step, Objective objective, bool labelled) {
    static const char* kinds[] = {"start", "added", "dropped", "compared"};
    nlohmann::json j = {{"kind", kinds[static_cast<int>(step.kind)]},
                        {"group", step.group},
                        {"excluded_nodes", step.excludedNodes},
                        {"scoring", scoreJson(step.score, objective, labelled)},
                        {"latency_ms", {{"median", step.latency.medianMs}, {"min", step.latency.minMs},
                                        {"p95", step.latency.p95Ms}, {"runs", step.latency.runs}}},
                        {"model_bytes", step.modelBytes},
                        {"kept", step.kept}};
    if (step.validation)
        j["validation"] = scoreJson(*step.validation, objective, labelled);
    return j;
}

void printStep(const SuggestionStep& step, size_t index, Objective objective, bool labelled, bool validation) {
    const Score& shown = step.validation ? *step.validation : step.score;
    std::string change = step.kind == SuggestionStep::Kind::Start      ? "(start)"
                         : step.kind == SuggestionStep::Kind::Added    ? "+ " + step.group
                         : step.kind == SuggestionStep::Kind::Dropped  ? "- " + step.group
                                                                       : "(your list)";
    if (!step.kept)
        change += "  [undone: validation did not improve]";
    char latency[64];
    std::snprintf(latency, sizeof latency, "%6.1f (%.1f-%.1f)", step.latency.medianMs, step.latency.minMs, step.latency.p95Ms);
    std::string map = "";
    if (labelled) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "  %.4f / %.4f", shown.map50, shown.map50to95);
        map = buf;
    }
    const std::string label = step.kind == SuggestionStep::Kind::Compared ? "  yours" : "  " + std::to_string(index);
    std::printf("%6s %8zu %10s %10s%s %21s %9s  %s\n", label.c_str(), step.excludedNodes,
                objectiveText(step.score, objective).c_str(),
                validation ? (step.validation ? objectiveText(*step.validation, objective).c_str() : "") : "-", map.c_str(),
                latency, megabytes(step.modelBytes).c_str(), change.c_str());
}

int runSuggest(const SensitivityCommandOptions& given) {
    SensitivityCommandOptions o = given;
    o.limit = 0;  // the scoring/validation split below decides
    if (o.data.empty() && o.images.empty()) {
        printError("suggest needs images to score on: --images FILES_OR_FOLDERS, or a labelled dataset with --data");
        return kExitError;
    }
    if (!o.data.empty() && !o.images.empty()) {
        printError("give --images or --data, not both: with --data the dataset's images are scored and validated on");
        return kExitError;
    }
    std::vector<std::string> compareList;
    if (!o.compareWith.empty()) {
        auto list = readNodeList(o.compareWith, "--compare-with");
        if (!list)
            return kExitError;
        compareList = std::move(*list);
    }
    auto p = prepare(o);
    if (!p)
        return kExitError;
    if (!o.compareWith.empty())
        if (auto st = validateNodeNames(p->fp32.model.graph(), compareList, "--compare-with " + o.compareWith); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
    const Objective objective = p->options.objective;
    const bool labelled = !p->all.labels.empty();
    SearchOptions search;
    if (o.target)
        search.target = *o.target;
    else if (o.targetMap && objective != Objective::OutputSqnr)
        search.target = *o.targetMap;
    else if (o.targetSqnr && objective == Objective::OutputSqnr)
        search.target = *o.targetSqnr;
    search.maxLatencyMs = o.maxLatencyMs;
    search.maxSteps = o.maxSteps;
    search.candidatesPerStep = o.perStep;
    search.sizeExponent = o.sizeExponent;
    search.patience = o.patience;
    search.minGain = o.minGain;
    search.backward = !o.noBackward;
    search.tryInt16 = !o.noInt16;
    // Scoring images first, then validation images: the rest by default.
    const size_t total = p->all.size();
    const size_t scoreCount = std::min(o.scoreImages ? o.scoreImages : total, total);
    const size_t validateCount = o.validateImages < 0 ? total - scoreCount
                                                      : std::min(static_cast<size_t>(o.validateImages), total - scoreCount);
    const ImageSet scoring = p->all.slice(0, scoreCount);
    const ImageSet validation = p->all.slice(scoreCount, validateCount);
    const size_t rankCount = o.rankImages ? std::min(o.rankImages, scoreCount) : std::min<size_t>(8, scoreCount);
    const auto started = std::chrono::steady_clock::now();
    auto ranking = screenCandidates(p->fp32.model, *p->calibration, p->settings, scoring.slice(0, rankCount), p->options,
                                    o.depth, o.expand, textProgress("ranking"));
    if (!ranking) {
        printError(ranking.errorMessage());
        return kExitError;
    }
    const double rankSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto s = suggestExclusions(p->fp32.model, *p->calibration, p->settings, scoring, validation, p->options, *ranking, search,
                               o.compareWith.empty() ? nullptr : &compareList, textProgress("searching"));
    if (!s) {
        printError(s.errorMessage());
        return kExitError;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!o.exportList.empty())
        if (auto st = writeFileAtomically(o.exportList, toPythonList(s->nodesToExclude) + "\n", {o.fp32}); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
    if (!o.exportOverrides.empty())
        if (auto st = writeFileAtomically(o.exportOverrides, s->tensorQuantOverrides.dump(2) + "\n", {o.fp32}); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
    if (!o.exportCurve.empty()) {
        std::string csv = "step,kind,group,excluded_nodes,scoring,validation,map50,map50_95,latency_median_ms,latency_min_ms,"
                          "latency_p95_ms,model_bytes,kept\n";
        std::vector<const SuggestionStep*> rows;
        for (const auto& step : s->curve)
            rows.push_back(&step);
        if (s->compared)
            rows.push_back(&*s->compared);
        static const char* kinds[] = {"start", "added", "dropped", "compared"};
        for (size_t k = 0; k < rows.size(); ++k) {
            const SuggestionStep& step = *rows[k];
            const Score& shown = step.validation ? *step.validation : step.score;
            char line[512];
            std::snprintf(line, sizeof line, "%zu,%s,\"%s\",%zu,%.6f,%s,%s,%s,%.3f,%.3f,%.3f,%llu,%d\n", k,
                          kinds[static_cast<int>(step.kind)], step.group.c_str(), step.excludedNodes,
                          step.score.value(objective),
                          step.validation ? std::to_string(step.validation->value(objective)).c_str() : "",
                          labelled ? std::to_string(shown.map50).c_str() : "",
                          labelled ? std::to_string(shown.map50to95).c_str() : "", step.latency.medianMs,
                          step.latency.minMs, step.latency.p95Ms, static_cast<unsigned long long>(step.modelBytes),
                          step.kept ? 1 : 0);
            csv += line;
        }
        if (auto st = writeFileAtomically(o.exportCurve, csv, {o.fp32}); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
    }
    if (o.json) {
        nlohmann::json curve = nlohmann::json::array();
        for (const auto& step : s->curve)
            curve.push_back(stepJson(step, objective, labelled));
        nlohmann::json j = {{"objective", objectiveName(objective)},
                            {"target", jsonNumber(search.target)},
                            {"max_latency_ms", search.maxLatencyMs},
                            {"scoring_images", scoring.size()},
                            {"validation_images", validation.size()},
                            {"ranking_images", rankCount},
                            {"candidates_ranked", ranking->entries.size()},
                            {"reached", s->reachedTarget},
                            {"stop_reason", s->stopReason},
                            {"warnings", s->warnings},
                            {"seconds", seconds},
                            {"ranking_seconds", rankSeconds},
                            {"curve", curve},
                            {"nodes_to_exclude", s->nodesToExclude},
                            {"groups_int16", s->groupsInt16},
                            {"nodes_int16", s->nodesInt16},
                            {"tensor_quant_overrides", s->tensorQuantOverrides}};
        if (s->int16Score && s->floatScore) {
            j["int16_objective"] = s->int16Score->value(objective);
            j["float_objective"] = s->floatScore->value(objective);
        }
        if (s->compared)
            j["compared"] = stepJson(*s->compared, objective, labelled);
        printJson(j);
        return 0;
    }
    const bool sqnr = objective == Objective::OutputSqnr;
    std::printf("Objective: %s; %zu scoring images, %zu validation images; %zu candidates ranked on %zu images "
                "(modules, sub-modules%s) in %.0f s\n\n",
                objectiveLabel(objective).c_str(), scoring.size(), validation.size(), ranking->entries.size(), rankCount,
                o.depth == 0 ? ", nodes" : "", rankSeconds);
    std::printf("Trade-off (%s and latency against excluded nodes):\n", objectiveLabel(objective).c_str());
    std::printf("%6s %8s %10s %10s%s %21s %9s  %s\n", "step", "excluded", "scoring", "validation",
                labelled ? (validation.size() ? "  mAP@.5 / @.5:.95 (val)" : "  mAP@.5 / @.5:.95") : "",
                "latency ms (min-p95)", "size", "change");
    for (size_t k = 0; k < s->curve.size(); ++k)
        printStep(s->curve[k], k, objective, labelled, validation.size() > 0);
    if (s->compared)
        printStep(*s->compared, 0, objective, labelled, validation.size() > 0);
    std::printf("\nStopped: %s.\n", s->stopReason.c_str());
    if (std::isfinite(search.target))
        std::printf("%s the target of %g%s.\n", s->reachedTarget ? "Reached" : "Did not reach", search.target,
                    sqnr ? " dB" : "");
    std::printf("Took %.0f s.\nnodes_to_exclude = %s\n", seconds, toPythonList(s->nodesToExclude).c_str());
    if (!s->nodesInt16.empty()) {
        std::printf("INT16 instead of float (16-bit activations and weights through TensorQuantOverrides): %s\n",
                    toPythonList(s->groupsInt16).c_str());
        std::printf("nodes at INT16 = %s\n", toPythonList(s->nodesInt16).c_str());
        if (s->int16Score && s->floatScore)
            std::printf("objective with them INT16: %.3f; with them float: %.3f%s\n", s->int16Score->value(objective),
                        s->floatScore->value(objective), o.exportOverrides.empty() ? " (--export-overrides FILE writes the overrides)" : "");
    } else if (search.tryInt16 && !s->nodesToExclude.empty()) {
        std::printf("INT16 tried for each group before float: none came within %g of float\n",
                    search.minGain >= 0 ? search.minGain : defaultMinGain(objective));
    }
    for (const auto& w : s->warnings)
        printWarning(w);
    return 0;
}

void addCommon(CLI::App* cmd, SensitivityCommandOptions& o, bool suggest) {
    cmd->add_option("fp32", o.fp32, "FP32 model")->required()->check(CLI::ExistingFile);
    auto* images = cmd->add_option("--images", o.images, "Images to measure the output error on")->expected(1, -1);
    if (!suggest) {
        images->required();
        cmd->add_option("--limit", o.limit, "Use at most N of those images (0: all)");
        cmd->add_option("--group-depth", o.depth, "0: each node alone; N: group nodes by the first N parts of their name "
                                                  "(1 groups /model.22/...)");
    } else {
        cmd->add_option("--group-depth", o.depth, "Finest candidates: 0 nodes (with modules and sub-modules), 1 modules "
                                                  "(/model.22/), 2 sub-modules (/model.22/dfl/)")->check(CLI::Range(0, 2));
    }
    cmd->add_flag("--json", o.json, "Print JSON");
    o.flags.addTo(*cmd);
    o.detection.addTo(*cmd);
}

}  // namespace

void addSensitivityCommand(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<SensitivityCommandOptions>();
    auto* cmd = app.add_subcommand("sensitivity", "Rank quantized nodes (or groups) by how much leaving each in float "
                                                  "improves the output, and how much quantizing only it costs");
    addCommon(cmd, *o, false);
    cmd->add_option("--top", o->top, "Rows to print, 0 for all");
    cmd->callback([o, &exitCode] { exitCode = runSensitivity(*o); });
}

void addSuggestCommand(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<SensitivityCommandOptions>();
    auto* cmd = app.add_subcommand("suggest", "Suggest nodes_to_exclude: the fewest that reach a target, or the best "
                                              "objective within a latency budget, checked on validation images");
    addCommon(cmd, *o, true);
    cmd->add_option("--data", o->data, "Labelled dataset (folder or Ultralytics data YAML): its images are scored and "
                                       "validated on, its labels give the mAP objectives");
    cmd->add_option("--objective", o->objective, "sqnr (output SQNR, dB), fidelity50 / fidelity50-95 (mAP of INT8 "
                                                 "detections against FP32's), map50 / map50-95 (against --data labels)");
    cmd->add_option("--target", o->target, "Objective to reach (dB, or mAP 0..1); without it, as high as it goes");
    cmd->add_option("--target-sqnr", o->targetSqnr, "Same as --objective sqnr --target DB");
    cmd->add_option("--target-map", o->targetMap, "Same as --objective fidelity50 --target MAP")->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--max-latency-ms", o->maxLatencyMs, "Latency budget: a step whose model's median latency is "
                                                          "higher is not taken")->check(CLI::NonNegativeNumber);
    cmd->add_option("--score-images,--limit", o->scoreImages, "Score candidates on the first N images (0: all)");
    cmd->add_option("--validate-images", o->validateImages, "Check every step on the next M images (default: all the "
                                                            "rest; 0: none)")->check(CLI::Range(-1L, 1000000L));
    cmd->add_option("--rank-images", o->rankImages, "Rank candidates on the first K scoring images (default: 8)");
    cmd->add_option("--expand", o->expand, "Modules (then sub-modules) whose insides are ranked too");
    cmd->add_option("--max-steps", o->maxSteps, "Most forward steps");
    cmd->add_option("--candidates", o->perStep, "Candidates scored per step, from the ranking");
    cmd->add_option("--size-exponent", o->sizeExponent, "A step's gain is divided by (nodes it adds)^E: 0 takes the "
                                                         "best candidate whatever its size (default 0.5)")
        ->check(CLI::Range(0.0, 2.0));
    cmd->add_option("--patience", o->patience, "Steps without a validation gain before stopping")->check(CLI::PositiveNumber);
    cmd->add_option("--min-gain", o->minGain, "Smallest gain that counts (default 0.05 dB, 0.001 mAP)");
    cmd->add_flag("--no-backward", o->noBackward, "Skip the backward pass that drops exclusions that no longer help");
    cmd->add_flag("--no-int16", o->noInt16, "Leave the groups float: without it each group the search leaves float is tried "
                                            "at INT16 (16-bit activations and weights) first and kept there when within --min-gain of float");
    cmd->add_option("--export-overrides", o->exportOverrides, "Write the TensorQuantOverrides (JSON) that put the INT16 nodes at 16 bits, "
                                                              "for quantize --tensor-overrides");
    cmd->add_option("--compare-with", o->compareWith, "A list of yours (file: one node name per line, Python list or "
                                                      "JSON) measured in the same table");
    cmd->add_option("--export", o->exportList, "Write the suggested list as a Python list");
    cmd->add_option("--export-curve", o->exportCurve, "Write every step (scoring and validation objective, mAP, "
                                                      "latency, size) as CSV");
    cmd->callback([o, &exitCode] { exitCode = runSuggest(*o); });
}

}  // namespace ql::cli
