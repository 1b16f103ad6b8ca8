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

// The images quantization changed, most changed first (changeScore, report/HtmlReport.h; ties
// in dataset order); images it left unchanged (score 0) are left out.
struct ImageChangeRank {
    const ImageMatch* image = nullptr;
    double change = 0.0;
};
std::vector<ImageChangeRank> imagesByChange(const std::vector<ImageMatch>& images);
// The same as JSON: [{image, change, matched, missed, extra, moved}]; text: the first `top`.
nlohmann::json imagesByChangeJson(const std::vector<ImageMatch>& images);
void printImagesByChange(std::ostream& out, const std::vector<ImageMatch>& images, size_t top = 10);

// One image's row in the app's list of images: the counts behind changeScore, the mean score the
// matched boxes lost (FP32 − quantized, 0..1; negative when the quantized model is more
// confident; 0 with no pair) and changeScore itself, the list's default order.
struct ImageChange {
    size_t matched = 0, missed = 0, extra = 0, moved = 0;
    double scoreDrop = 0.0;
    double change = 0.0;
};
ImageChange imageChange(const DetectionMatch& match);

// Per class with labels: AP@0.5 of both models against the labels, and the quantized model's
// AP@0.5 against the FP32 detections (fidelity, -1 where FP32 found none of the class); largest
// loss (FP32 − quantized) first, ties by class id.
struct ClassLoss {
    int classId = 0;
    double fp32Ap50 = 0.0, quantizedAp50 = 0.0, fidelityAp50 = -1.0;
    double loss() const { return fp32Ap50 - quantizedAp50; }
};
std::vector<ClassLoss> classesByLoss(const EvaluationReport& report);

}  // namespace ql
