#include "report/InspectReport.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <sstream>

#include "model/TensorData.h"
#include "quantize/NodeList.h"

namespace ql {

nlohmann::json jsonNumber(double value) {
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

std::string formatBytes(uint64_t bytes) {
    char buf[32];
    if (bytes >= (1ull << 20))
        std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
    else if (bytes >= 1024)
        std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(bytes) / 1024);
    else
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    return buf;
}

nlohmann::json toJson(const ErrorMetrics& m) {
    return {{"sqnr_db", jsonNumber(m.sqnrDb)}, {"cosine", jsonNumber(m.cosine)}, {"mse", jsonNumber(m.mse)},
            {"max_abs_error", jsonNumber(m.maxAbsError)}, {"count", m.count}};
}

nlohmann::json toJson(const Histogram& h) {
    return {{"lo", h.lo}, {"hi", h.hi}, {"counts", h.counts}, {"underflow", h.underflow}, {"overflow", h.overflow}};
}

namespace {

nlohmann::json scoreProblemsJson(const std::vector<ScoreStepProblem>& problems) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& p : problems)
        j.push_back({{"output", p.output}, {"tensor", p.tensor}, {"scale", p.scale}, {"failure", p.failure},
                     {"message", p.message}});
    return j;
}

}  // namespace

nlohmann::json toJson(const ModelSummary& s) {
    auto tensors = [](const std::vector<TensorSummary>& list) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& t : list)
            a.push_back({{"name", t.name}, {"type", t.type}, {"shape", t.shape}});
        return a;
    };
    return {
        {"name", s.name},
        {"path", s.path},
        {"file_size", s.fileSize},
        {"ir_version", s.irVersion},
        {"opsets", s.opsets},
        {"producer", s.producer},
        {"metadata", s.metadata},
        {"inputs", tensors(s.inputs)},
        {"outputs", tensors(s.outputs)},
        {"node_count", s.nodeCount},
        {"initializer_count", s.initializerCount},
        {"parameter_count", s.parameterCount},
        {"op_counts", s.opCounts},
        {"format", formatName(s.format)},
        {"score_problems", scoreProblemsJson(s.scoreProblems)},
        {"inferred_settings", s.inferredSettings ? s.inferredSettings->settings.toJson() : nlohmann::json()},
        {"quantize_linear_count", s.quantizeLinearCount},
        {"dequantize_linear_count", s.dequantizeLinearCount},
        {"quantized_activations", s.quantizedActivations},
        {"quantized_weights", s.quantizedWeights},
        {"quantized_biases", s.quantizedBiases},
        {"quantized_nodes", s.quantizedNodes},
        {"warnings", s.warnings},
    };
}

nlohmann::json toJson(const WeightError& w, bool withHistograms) {
    nlohmann::json j = {
        {"name", w.name},
        {"fp32_name", w.fp32Name},
        {"kind", kindName(w.kind)},
        {"consumer", w.consumer},
        {"consumer_op", w.consumerOp},
        {"shape", w.shape},
        {"quantized_type", elementTypeName(w.quantizedType)},
        {"per_channel_quantized", w.perChannelQuantized},
    };
    if (!w.problem.empty()) {
        j["problem"] = w.problem;
        return j;
    }
    j["metrics"] = toJson(w.overall);
    j["channel_axis"] = w.channelAxis;
    j["worst_channel"] = w.worstChannel;
    nlohmann::json channels = nlohmann::json::array();
    for (const auto& c : w.perChannel)
        channels.push_back(jsonNumber(c.sqnrDb));
    j["per_channel_sqnr_db"] = channels;
    // The error split: rounding (quantizing this FP32 file) and beyond it (weights changed).
    j["beyond_rounding_fraction"] = w.split.beyondFraction();
    j["beyond_rounding_elements"] = w.split.beyondRounding;
    j["clipped_elements"] = w.split.clipped;
    j["rounding_sqnr_db"] = jsonNumber(w.split.roundingSqnrDb);
    j["weights_changed"] = w.weightsChanged();
    if (withHistograms)
        j["histograms"] = {{"fp32", toJson(w.histograms.reference)},
                           {"dequantized", toJson(w.histograms.quantized)},
                           {"error", toJson(w.histograms.error)}};
    return j;
}

void printSummary(std::ostream& out, const ModelSummary& s) {
    out << "Model:       " << s.name << " (" << formatBytes(s.fileSize) << ")\n";
    out << "Format:      " << formatName(s.format);
    if (s.format != QuantFormat::Float)
        out << "  (QuantizeLinear " << s.quantizeLinearCount << ", DequantizeLinear " << s.dequantizeLinearCount << ")";
    for (const auto& p : s.scoreProblems)
        out << "\n" << (p.failure ? "FAILURE: " : "warning: ") << p.message;
    out << "\nIR version:  " << s.irVersion << "\nOpsets:      ";
    bool first = true;
    for (const auto& [domain, version] : s.opsets) {
        out << (first ? "" : ", ") << domain << " " << version;
        first = false;
    }
    out << "\nProducer:    " << (s.producer.empty() ? "-" : s.producer) << "\n";
    if (!s.metadata.empty()) {
        out << "Metadata:\n";
        for (const auto& [k, v] : s.metadata)
            out << "  " << k << ": " << (v.size() > 100 ? v.substr(0, 97) + "..." : v) << "\n";
    }
    out << "Inputs:\n";
    for (const auto& t : s.inputs)
        out << "  " << t.name << "  " << t.type << " " << shapeToString(t.shape) << "\n";
    out << "Outputs:\n";
    for (const auto& t : s.outputs)
        out << "  " << t.name << "  " << t.type << " " << shapeToString(t.shape) << "\n";
    out << "Nodes:       " << s.nodeCount << "\n";
    out << "Parameters:  " << s.parameterCount << " in " << s.initializerCount << " initializers\n";
    out << "Op counts:\n";
    std::vector<std::pair<std::string, int>> ops(s.opCounts.begin(), s.opCounts.end());
    std::stable_sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [op, n] : ops)
        out << "  " << std::left << std::setw(24) << op << std::right << std::setw(6) << n << "\n";
    if (s.format != QuantFormat::Float) {
        out << "Quantized tensors: " << s.quantizedActivations << " activations, " << s.quantizedWeights
            << " weights, " << s.quantizedBiases << " biases\n";
        out << "Quantized nodes (" << s.quantizedNodes.size() << "):\n";
        for (const auto& n : s.quantizedNodes)
            out << "  " << n << "\n";
    }
    if (s.inferredSettings) {
        const QuantizerSettings& q = s.inferredSettings->settings;
        out << "Made with (read back from the model): activation_type " << quantTypeName(q.activationType)
            << ", weight_type " << quantTypeName(q.weightType) << ", per_channel " << (q.perChannel ? "True" : "False")
            << ", weights " << (q.effectiveWeightSymmetric() ? "symmetric" : "asymmetric") << ", activations "
            << (q.activationSymmetric ? "symmetric" : "asymmetric") << ", biases "
            << (q.quantizeBias ? "quantized" : "float") << "\n  op_types_to_quantize " << toPythonList(q.opTypesToQuantize)
            << "\n  nodes_to_exclude (" << q.nodesToExclude.size() << ") " << toPythonList(q.nodesToExclude) << "\n";
        for (const auto& n : s.inferredSettings->notes)
            out << "  note: " << n << "\n";
    }
    for (const auto& w : s.warnings)
        out << "warning: " << w << "\n";
}

void printWeightTable(std::ostream& out, const std::vector<WeightError>& weights) {
    size_t nameWidth = 6;
    for (const auto& w : weights)
        nameWidth = std::max(nameWidth, w.name.size());
    nameWidth = std::min<size_t>(nameWidth, 48);
    out << std::left << std::setw(static_cast<int>(nameWidth)) << "weight" << "  " << std::setw(6) << "kind"
        << std::right << std::setw(6) << "type" << std::setw(4) << "pc" << std::setw(10) << "SQNR dB"
        << std::setw(10) << "cosine" << std::setw(12) << "MSE" << std::setw(11) << "max |err|"
        << std::setw(14) << "worst ch dB" << std::setw(10) << "beyond%" << std::setw(10) << "round dB" << "\n";
    for (const auto& w : weights) {
        std::string name = w.name.size() > nameWidth ? "..." + w.name.substr(w.name.size() - nameWidth + 3) : w.name;
        out << std::left << std::setw(static_cast<int>(nameWidth)) << name << "  " << std::setw(6) << kindName(w.kind)
            << std::right << std::setw(6) << elementTypeName(w.quantizedType) << std::setw(4)
            << (w.perChannelQuantized ? "y" : "n");
        if (!w.problem.empty()) {
            out << "  " << w.problem << "\n";
            continue;
        }
        std::ostringstream line;
        line << std::setw(10) << formatDb(w.overall.sqnrDb) << std::setw(10) << std::fixed << std::setprecision(6)
             << w.overall.cosine << std::setw(12) << std::scientific << std::setprecision(3) << w.overall.mse
             << std::setw(11) << w.overall.maxAbsError;
        const std::string worst = w.worstChannel >= 0
            ? formatDb(w.perChannel[static_cast<size_t>(w.worstChannel)].sqnrDb) + " #" + std::to_string(w.worstChannel)
            : "-";
        std::ostringstream split;  // beyond rounding: % of elements; rounding-only SQNR; the flag
        split << std::setw(10) << std::fixed << std::setprecision(1) << 100.0 * w.split.beyondFraction()
              << std::setw(10) << formatDb(w.split.roundingSqnrDb)
              << (w.weightsChanged() ? "  weights changed (training or another checkpoint)" : "");
        out << line.str() << std::setw(14) << worst << split.str() << "\n";
    }
    // The verdict: errors of changed weights are not quantization alone.
    if (const std::string verdict = weightsChangedVerdict(weights); !verdict.empty())
        out << "Weights: " << verdict << "\n";
}

}  // namespace ql
