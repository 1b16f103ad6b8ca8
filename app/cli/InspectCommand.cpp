#include "InspectCommand.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "CliCommon.h"
#include "inspect/ModelPairing.h"
#include "inspect/WeightComparison.h"
#include "report/InspectReport.h"

namespace ql::cli {
namespace {

struct InspectOptions {
    std::vector<std::string> models;
    bool weights = false;
    bool json = false;
    bool histograms = false;
    bool worstFirst = false;
};

nlohmann::json placementJson(const std::vector<PlacementFinding>& findings) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& f : findings)
        rows.push_back({{"issue", placementIssueName(f.issue)},
                        {"node", f.node},
                        {"qdq_nodes", f.qdqNodes},
                        {"message", f.message},
                        {"fix", f.fix}});
    return rows;
}

// The TensorRT placement check of a Q/DQ model: counts per kind, then each finding with its fix.
void printPlacement(std::ostream& out, const std::vector<PlacementFinding>& findings) {
    std::map<PlacementIssue, int> counts;
    for (const auto& f : findings)
        ++counts[f.issue];
    out << "TensorRT placement: ";
    if (findings.empty()) {
        out << "no Q/DQ placement that makes TensorRT reformat or fall back\n";
        return;
    }
    out << findings.size() << " finding(s): ";
    bool first = true;
    for (const auto issue : {PlacementIssue::UnequalScales, PlacementIssue::SplitConvAdd, PlacementIssue::NoQuantizableConsumer}) {
        out << (first ? "" : ", ") << counts[issue] << " " << placementIssueName(issue);
        first = false;
    }
    out << "\n";
    for (const auto& f : findings)
        out << "  [" << placementIssueName(f.issue) << "] " << f.message << "\n      fix: " << f.fix << "\n";
}

int runInspect(const InspectOptions& o) {
    if (o.weights && o.models.size() != 2) {
        printError("--weights needs two models: FP32 and quantized");
        return kExitError;
    }
    std::vector<AnalyzedModel> loaded;
    for (const auto& path : o.models) {
        auto m = loadModel(path);
        if (!m)
            return kExitError;
        loaded.push_back(std::move(*m));
    }
    // The verdict first: a pruned or other network explains every per-tensor complaint below.
    if (o.weights && loaded[1].qdq.format != QuantFormat::Float)
        if (const std::string verdict = pairingVerdict(loaded[0].model.graph(), loaded[1].model.graph(), loaded[1].qdq);
            !verdict.empty())
            printWarning(loaded[1].model.displayName() + " against " + loaded[0].model.displayName() + ": " + verdict);
    nlohmann::json json = nlohmann::json::object();
    nlohmann::json summaries = nlohmann::json::array();
    for (size_t i = 0; i < loaded.size(); ++i) {
        const ModelSummary s = summarize(loaded[i].model, loaded[i].qdq);
        const bool qdqModel = s.format == QuantFormat::QDQ;
        if (o.json) {
            nlohmann::json j = toJson(s);
            if (qdqModel)
                j["tensorrt_placement"] = placementJson(s.tensorRtPlacement);
            summaries.push_back(std::move(j));
        } else {
            if (i > 0)
                std::cout << "\n";
            printSummary(std::cout, s);
            if (qdqModel)
                printPlacement(std::cout, s.tensorRtPlacement);
        }
    }
    json["models"] = summaries;
    if (o.weights) {
        const auto& fp32 = loaded[0];
        const auto& quant = loaded[1];
        // QDQ, QOperator (QLinearConv's integer weights and biases) and dynamic (ConvInteger's
        // weights) models all store quantized constants with a scale and zero point beside them.
        if (quant.qdq.format == QuantFormat::Float) {
            printError(quant.model.displayName() + " has no quantized weights (no DequantizeLinear, QLinear* or "
                       "ConvInteger/MatMulInteger nodes); per-weight error needs a quantized model");
            return kExitError;
        }
        auto pairing = ModelPairing::match(fp32.model.graph(), quant.model.graph(), quant.qdq);
        if (!pairing) {
            printError(pairing.errorMessage());
            return kExitError;
        }
        const std::string verdict = pairingVerdict(fp32.model.graph(), quant.model.graph(), quant.qdq, *pairing);
        auto weights = compareWeights(fp32.model.graph(), quant.model.graph(), quant.qdq, *pairing);
        if (o.worstFirst)
            std::stable_sort(weights.begin(), weights.end(), [](const WeightError& a, const WeightError& b) {
                const double sa = a.problem.empty() ? a.overall.sqnrDb : HUGE_VAL;
                const double sb = b.problem.empty() ? b.overall.sqnrDb : HUGE_VAL;
                return sa < sb;
            });
        if (o.json) {
            nlohmann::json rows = nlohmann::json::array();
            for (const auto& w : weights)
                rows.push_back(toJson(w, o.histograms));
            json["weights"] = rows;
            // Weights changed by more than rounding (QAT, another checkpoint): "" when none.
            json["weights_verdict"] = weightsChangedVerdict(weights);
            json["weights_changed"] = weightsChangedCount(weights);
            json["pairing"] = {{"verdict", verdict},
                               {"matched_by_name", pairing->matchedByName()},
                               {"matched_by_structure", pairing->matchedByStructure()},
                               {"unmatched", pairing->unmatchedQuantNodes().size()}};
        } else {
            std::cout << "\nWeights of " << quant.model.displayName() << " against " << fp32.model.displayName()
                      << " (nodes paired: " << pairing->matchedByName() << " by name, "
                      << pairing->matchedByStructure() << " by structure, "
                      << pairing->unmatchedQuantNodes().size() << " without a counterpart)\n";
            printWeightTable(std::cout, weights);
        }
    }
    if (o.json)
        printJson(json);
    return 0;
}

}  // namespace

void addInspectCommand(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<InspectOptions>();
    auto* cmd = app.add_subcommand("inspect", "Describe a model: format, opsets, inputs/outputs, op counts, "
                                              "Q/DQ counts, quantized nodes; with two models and --weights, "
                                              "the error of every quantized weight");
    cmd->add_option("models", options->models, "MODEL, or FP32 QUANT")->required()->expected(1, 2)->check(CLI::ExistingFile);
    cmd->add_flag("--weights", options->weights, "Compare every quantized weight with the FP32 initializer");
    cmd->add_flag("--json", options->json, "Print JSON instead of text");
    cmd->add_flag("--worst-first", options->worstFirst, "With --weights: sort by SQNR, lowest first (default: graph order)");
    cmd->add_flag("--histograms", options->histograms, "With --json --weights: include the histograms");
    cmd->callback([options, &exitCode] { exitCode = runInspect(*options); });
}

}  // namespace ql::cli
