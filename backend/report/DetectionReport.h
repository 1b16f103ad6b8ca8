// `detect` and `eval` output: detections, and the accuracy / fidelity / latency table.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "detect/DetectionEvaluation.h"

namespace ql {

nlohmann::json toJson(const std::vector<Detection>& detections, const std::vector<std::string>& classNames);
nlohmann::json toJson(const EvaluationReport& report);
// Every prediction `eval` scored for mAP, per model and image (needs keepPredictions), with the
// images' paths and sizes and the `settings` used: input for an independent mAP computation.
nlohmann::json predictionsJson(const EvaluationReport& report, const nlohmann::json& settings);
void printDetections(std::ostream& out, const std::vector<Detection>& detections, const std::vector<std::string>& classNames);
void printEvaluation(std::ostream& out, const EvaluationReport& report);

}  // namespace ql
