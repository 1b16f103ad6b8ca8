// Checks on a quantized model before anyone trusts it: exclusions that ONNX Runtime undoes when
// it loads the model, and detector outputs whose class scores its own scales collapse. Shared by
// `quantize`, the app's re-quantize and reports.
#pragma once

#include <string>
#include <vector>

#include "inspect/AnalyzedModel.h"
#include "runtime/InferenceSession.h"
#include "util/Result.h"

namespace ql {

struct DeploymentCheck {
    bool failure = false;  // else a warning
    std::string message;
};

// `excluded`: the nodes the user left float (nodes_to_exclude); `session`: the optimisation level
// the model will be deployed with.
Result<std::vector<DeploymentCheck>> checkDeployment(const AnalyzedModel& quantized, const std::vector<std::string>& excluded,
                                                     const SessionOptions& session);

}  // namespace ql
