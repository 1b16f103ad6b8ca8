#include "CliCommon.h"

namespace ql::cli {

std::optional<AnalyzedModel> loadModel(const std::string& path) {
    auto model = AnalyzedModel::load(path);
    if (!model) {
        printError(model.errorMessage());
        return std::nullopt;
    }
    return std::move(model).value();
}

std::optional<ModelPair> loadModelPair(const std::string& fp32Path, const std::string& quantizedPath) {
    auto fp32 = loadModel(fp32Path);
    if (!fp32)
        return std::nullopt;
    auto quantized = loadModel(quantizedPath);
    if (!quantized)
        return std::nullopt;
    return ModelPair{std::move(*fp32), std::move(*quantized)};
}

void printJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

}  // namespace ql::cli
