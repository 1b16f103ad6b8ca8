// Helpers every CLI command shares: loading models with errors printed the same way.
#pragma once

#include <iostream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "model/OnnxModel.h"
#include "quant/QdqStructure.h"

namespace ql::cli {

constexpr int kExitError = 1;

inline void printError(const std::string& message) { std::cerr << "quantlens-cli: error: " << message << "\n"; }

// A loaded model with its quantization structure, or nothing after printing why.
struct LoadedModel {
    OnnxModel model;
    QdqStructure qdq;
};
std::optional<LoadedModel> loadModel(const std::string& path);

void printJson(const nlohmann::json& j);

}  // namespace ql::cli
