// Helpers every CLI command shares, so errors and JSON look the same everywhere.
#pragma once

#include <iostream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "quant/AnalyzedModel.h"

namespace ql::cli {

constexpr int kExitError = 1;

inline void printError(const std::string& message) { std::cerr << "quantlens-cli: error: " << message << "\n"; }

// The analysed model, or nothing after printing why it could not be loaded.
std::optional<AnalyzedModel> loadModel(const std::string& path);

// Both models of a comparison; nothing after printing why one could not be loaded.
struct ModelPair {
    AnalyzedModel fp32;
    AnalyzedModel quantized;
};
std::optional<ModelPair> loadModelPair(const std::string& fp32Path, const std::string& quantizedPath);

void printJson(const nlohmann::json& j);

}  // namespace ql::cli
