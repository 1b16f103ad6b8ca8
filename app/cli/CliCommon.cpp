#include "CliCommon.h"

#include "inspect/ModelPairing.h"

namespace ql::cli {

std::optional<AnalyzedModel> loadModel(const std::string& path) {
    auto model = AnalyzedModel::load(path);
    if (!model) {
        printError(model.errorMessage());
        return std::nullopt;
    }
    return std::move(model).value();
}

std::optional<ModelPair> loadModelPair(const std::string& fp32Path, const std::string& quantizedPath, PairCheck check) {
    auto fp32 = loadModel(fp32Path);
    if (!fp32)
        return std::nullopt;
    auto quantized = loadModel(quantizedPath);
    if (!quantized)
        return std::nullopt;
    if (const std::string verdict = pairingVerdict(fp32->model.graph(), quantized->model.graph(), quantized->qdq);
        !verdict.empty()) {
        const std::string line = quantizedPath + " against " + fp32Path + ": " + verdict;
        if (check == PairCheck::Refuse) {
            printError(line);
            return std::nullopt;
        }
        printWarning(line);
    }
    return ModelPair{std::move(*fp32), std::move(*quantized)};
}

void printJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

}  // namespace ql::cli
