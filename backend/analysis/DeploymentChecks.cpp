#include "analysis/DeploymentChecks.h"

#include "analysis/OutputComparison.h"
#include "preprocess/ImagePreprocessor.h"
#include "runtime/LoadRewrites.h"

namespace ql {

Result<std::vector<DeploymentCheck>> checkDeployment(const AnalyzedModel& quantized, const std::vector<std::string>& excluded,
                                                     const SessionOptions& session) {
    std::vector<DeploymentCheck> checks;
    const PreprocessOptions input = PreprocessOptions::forModel(quantized.model);
    for (const auto& p : scoreStepProblems(quantized.model.graph(), quantized.qdq, input.width, input.height))
        checks.push_back({p.failure, p.message});
    auto rewrites = precisionRewritesAtLoad(quantized.model, session);
    if (!rewrites)
        return rewrites.error();
    for (const auto& r : undoneExclusions(*rewrites, excluded))
        checks.push_back({false, undoneExclusionWarning(r, session.optimization)});
    return checks;
}

}  // namespace ql
