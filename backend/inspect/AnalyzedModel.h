// A loaded model together with its quantization structure: what every front end starts from.
#pragma once

#include <string>

#include "model/OnnxModel.h"
#include "inspect/QdqStructure.h"

namespace ql {

struct AnalyzedModel {
    OnnxModel model;
    QdqStructure qdq;

    static Result<AnalyzedModel> load(const std::string& path);
    static Result<AnalyzedModel> analyze(OnnxModel model);
};

}  // namespace ql
