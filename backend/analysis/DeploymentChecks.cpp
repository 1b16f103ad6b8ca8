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
        checks.push_back({false, "exclusion undone: ONNX Runtime (optimisation " + optimizationName(session.optimization) +
                                     ") quantizes the " + (r.weights ? std::string("weights") : std::string("bias")) +
                                     " of " + r.node + " at load, because it sits between a DequantizeLinear and a "
                                     "QuantizeLinear; to keep it float, also exclude the nodes around it so its input "
                                     "or output stays float"});
    return checks;
}

}  // namespace ql
