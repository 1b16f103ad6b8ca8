// `compare` output: failures, detection fidelity, the final outputs by part and the per-layer
// activation error table, as text, JSON and CSV.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "analysis/ActivationComparison.h"

namespace ql {

enum class LayerOrder { WorstFirst, Topological };

// Layers in the requested order (worst = lowest accumulated SQNR first; problems last).
std::vector<const ActivationError*> orderLayers(const ActivationReport& report, LayerOrder order);

nlohmann::json toJson(const ActivationReport& report, LayerOrder order, bool withHistograms);
nlohmann::json toJson(const OutputError& output);
nlohmann::json toJson(const DetectionFidelity& fidelity);
// Failures and warnings first, then detection fidelity and the final outputs by part.
void printOutputSummary(std::ostream& out, const ActivationReport& report);
void printActivationTable(std::ostream& out, const ActivationReport& report, LayerOrder order, size_t limit);
void writeActivationCsv(std::ostream& out, const ActivationReport& report, LayerOrder order);

}  // namespace ql
