// Helpers every CLI command shares, so errors and JSON look the same everywhere.
#pragma once

#include <iostream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "inspect/AnalyzedModel.h"

namespace ql::cli {

constexpr int kExitError = 1;

inline void printError(const std::string& message) { std::cerr << "quantlens-cli: error: " << message << "\n"; }
inline void printWarning(const std::string& message) { std::cerr << "quantlens-cli: warning: " << message << "\n"; }

// The analysed model, or nothing after printing why it could not be loaded.
std::optional<AnalyzedModel> loadModel(const std::string& path);

// Both models of a comparison; nothing after printing why one could not be loaded. Two models
// that are not one network quantized (pairingVerdict) are refused with that verdict as the one
// line, or with PairCheck::Warn it is printed as a warning at the top and they are loaded.
struct ModelPair {
    AnalyzedModel fp32;
    AnalyzedModel quantized;
};
enum class PairCheck { Refuse, Warn };
std::optional<ModelPair> loadModelPair(const std::string& fp32Path, const std::string& quantizedPath,
                                       PairCheck check = PairCheck::Refuse);

void printJson(const nlohmann::json& j);

}  // namespace ql::cli
