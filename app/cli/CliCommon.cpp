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

void printJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

}  // namespace ql::cli
