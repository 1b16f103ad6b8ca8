#include "inspect/AnalyzedModel.h"

namespace ql {

Result<AnalyzedModel> AnalyzedModel::load(const std::string& path) {
    auto model = OnnxModel::load(path);
    if (!model)
        return model.error();
    return analyze(std::move(model).value());
}

Result<AnalyzedModel> AnalyzedModel::analyze(OnnxModel model) {
    auto qdq = QdqStructure::analyze(model.graph());
    if (!qdq)
        return Error{model.displayName() + ": " + qdq.errorMessage()};
    return AnalyzedModel{std::move(model), std::move(qdq).value()};
}

}  // namespace ql
