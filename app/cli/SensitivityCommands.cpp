#include "SensitivityCommands.h"

#include "CliCommon.h"
#include "ProgressBar.h"
#include "DetectionFlags.h"
#include "QuantizeFlags.h"
#include "analysis/Sensitivity.h"
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
    double target = 30.0;
    double targetMap = 0.0;  // > 0: detection fidelity is the objective
    size_t maxSteps = 10;
    size_t perStep = 6;
    std::string exportList;
    QuantizeFlags flags;
    DetectionFlags detection;
};

// Everything both commands need before they can evaluate candidates.
struct Prepared {
    AnalyzedModel fp32;
    std::vector<std::string> images;
    QuantizerSettings settings;
    SensitivityOptions options;
    std::shared_ptr<const CalibrationData> calibration;
};

std::optional<Prepared> prepare(const SensitivityCommandOptions& o) {
    auto fp32 = loadModel(o.fp32);
    if (!fp32)
        return std::nullopt;
    auto calibImages = collectImages(o.flags.calib);
    auto images = collectImages(o.images);
    for (const auto* r : {&calibImages, &images})
        if (!*r) {
            printError(r->errorMessage());
            return std::nullopt;
        }
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
    if (o.targetMap > 0.0) {
        options.objective = Objective::DetectionFidelity;
        auto decode = o.detection.decodeOptions(fp32->model);
        if (!decode)
            return std::nullopt;
        options.decode = *decode;
    }
    options.preprocess = calibration->preprocess;
    options.session = o.flags.session.options();
    return Prepared{std::move(*fp32), std::move(images).value(), std::move(*settings), options, *stats};
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

int runSuggest(const SensitivityCommandOptions& o) {
    auto p = prepare(o);
    if (!p)
        return kExitError;
    p->options.quantizedOnly = false;  // the ranking needs only "left float"
    auto ranking = analyzeSensitivity(p->fp32.model, *p->calibration, p->settings, p->images, p->options, textProgress("ranking"));
    if (!ranking) {
        printError(ranking.errorMessage());
        return kExitError;
    }
    const double target = o.targetMap > 0.0 ? o.targetMap : o.target;
    auto s = suggestExclusions(p->fp32.model, *p->calibration, p->settings, p->images, p->options, *ranking, target,
                               o.maxSteps, o.perStep, textProgress("searching"));
    if (!s) {
        printError(s.errorMessage());
        return kExitError;
    }
    if (!o.exportList.empty())
        if (auto st = writeFileAtomically(o.exportList, toPythonList(s->nodesToExclude) + "\n", {o.fp32}); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
    if (o.json) {
        nlohmann::json curve = nlohmann::json::array();
        for (const auto& step : s->curve)
            curve.push_back({{"excluded_group", step.group}, {"excluded_nodes", step.excludedNodes},
                             {"score", toJson(step.score, p->options.objective)}, {"latency_ms", step.latencyMs}});
        printJson({{"target", target}, {"reached", s->reachedTarget}, {"curve", curve},
                   {"nodes_to_exclude", s->nodesToExclude}});
        return 0;
    }
    const bool sqnr = p->options.objective == Objective::OutputSqnr;
    std::printf("Trade-off (%s and latency against excluded nodes):\n", sqnr ? "output SQNR" : "detection fidelity mAP@0.5");
    for (const auto& step : s->curve)
        std::printf("  %4zu excluded  %8s%s  %7.1f ms  %s\n", step.excludedNodes, scoreText(step.score, p->options.objective).c_str(),
                    sqnr ? " dB" : "", step.latencyMs, step.group.empty() ? "(start)" : ("+ " + step.group).c_str());
    std::printf("\n%s the target of %g%s.\nnodes_to_exclude = %s\n", s->reachedTarget ? "Reached" : "Did not reach", target,
                sqnr ? " dB" : " mAP@0.5", toPythonList(s->nodesToExclude).c_str());
    return 0;
}

void addCommon(CLI::App* cmd, SensitivityCommandOptions& o) {
    cmd->add_option("fp32", o.fp32, "FP32 model")->required()->check(CLI::ExistingFile);
    cmd->add_option("--images", o.images, "Images to measure the output error on")->required()->expected(1, -1);
    cmd->add_option("--limit", o.limit, "Use at most N of those images (0: all)");
    cmd->add_option("--group-depth", o.depth, "0: each node alone; N: group nodes by the first N parts of their name "
                                              "(1 groups /model.22/...)");
    cmd->add_flag("--json", o.json, "Print JSON");
    o.flags.addTo(*cmd);
    o.detection.addTo(*cmd);
}

}  // namespace

void addSensitivityCommand(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<SensitivityCommandOptions>();
    auto* cmd = app.add_subcommand("sensitivity", "Rank quantized nodes (or groups) by how much leaving each in float "
                                                  "improves the output, and how much quantizing only it costs");
    addCommon(cmd, *o);
    cmd->add_option("--top", o->top, "Rows to print, 0 for all");
    cmd->callback([o, &exitCode] { exitCode = runSensitivity(*o); });
}

void addSuggestCommand(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<SensitivityCommandOptions>();
    auto* cmd = app.add_subcommand("suggest", "Suggest the fewest nodes_to_exclude that reach a target output SQNR");
    addCommon(cmd, *o);
    cmd->add_option("--target-sqnr", o->target, "Output SQNR to reach, dB");
    cmd->add_option("--target-map", o->targetMap, "Detection fidelity to reach instead: mAP@0.5 (0..1) of the quantized "
                                                  "model's detections against the FP32 model's")->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--max-steps", o->maxSteps, "Most groups to exclude");
    cmd->add_option("--candidates", o->perStep, "Candidates tried per step, from the sensitivity ranking");
    cmd->add_option("--export", o->exportList, "Write the suggested list as a Python list");
    cmd->callback([o, &exitCode] { exitCode = runSuggest(*o); });
}

}  // namespace ql::cli
