// `inspect` output: the model summary and the per-weight error table, as text for people and JSON
// for scripts.
#pragma once

#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "inspect/WeightComparison.h"
#include "inspect/ModelSummary.h"

namespace ql {

nlohmann::json toJson(const ModelSummary& summary);
nlohmann::json toJson(const ErrorMetrics& metrics);
nlohmann::json toJson(const WeightError& weight, bool withHistograms);
nlohmann::json toJson(const Histogram& histogram);

void printSummary(std::ostream& out, const ModelSummary& summary);
void printWeightTable(std::ostream& out, const std::vector<WeightError>& weights);

// JSON has no infinity: SQNR of an exact match is written as null.
nlohmann::json jsonNumber(double value);
std::string formatBytes(uint64_t bytes);

}  // namespace ql
