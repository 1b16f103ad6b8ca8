#include "CliCommon.h"

namespace ql::cli {

std::optional<LoadedModel> loadModel(const std::string& path) {
    auto model = OnnxModel::load(path);
    if (!model) {
        printError(model.errorMessage());
        return std::nullopt;
    }
    auto qdq = QdqStructure::analyze(model->graph());
    if (!qdq) {
        printError(path + ": " + qdq.errorMessage());
        return std::nullopt;
    }
    return LoadedModel{std::move(model).value(), std::move(qdq).value()};
}

void printJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

}  // namespace ql::cli
