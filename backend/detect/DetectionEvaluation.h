// A detector over a labelled dataset: its accuracy (mAP against the labels), latency and size;
// given a quantized model too, the same for it plus its fidelity (mAP with the FP32 detections
// as ground truth, matched/missed/extra boxes).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "detect/DetectionFidelity.h"
#include "detect/Detector.h"
#include "detect/Latency.h"
#include "detect/MapEvaluator.h"
#include "detect/YoloDataset.h"
#include "util/TaskControl.h"

namespace ql {

struct EvaluationOptions {
    DetectorOptions detector;      // the decode confidence is for displayed/matched boxes
    float mapConfidence = 0.001f;  // predictions kept for mAP, as COCO evaluation does
    float matchIou = 0.5f;
    int warmupRuns = 3;
    int timedRuns = 20;
    size_t limit = 0;              // images to use, 0 for all
    bool keepPredictions = false;  // fill EvaluationReport::predictions (for --save-predictions)
};

struct ModelEvaluation {
    std::string name;
    uint64_t fileSize = 0;
    MapResult accuracy;
    LatencyStats latency;
    // With keepPredictions: per image, every prediction scored for mAP (original-image pixels).
    std::vector<std::vector<Detection>> predictions;
};

struct EvaluatedImage {
    std::string path;
    int width = 0, height = 0;  // pixels of the original image
};

struct EvaluationReport {
    size_t images = 0;                          // images scored
    size_t datasetImages = 0;                   // images in the dataset (more when a limit was given)
    std::vector<EvaluatedImage> imageInfo;      // with keepPredictions: the images scored, in order
    ModelEvaluation fp32;                       // the model evaluated (FP32 in a pair)
    std::optional<ModelEvaluation> quantized;   // absent when one model was evaluated
    std::optional<DetectionFidelity> fidelity;  // with a quantized model only: its detections against FP32's
    std::vector<std::string> classNames;
    std::vector<std::string> warnings;  // about the run as a whole (detect/DetectionSanity.h)
};

// `quantized` may be null: then `fp32` (any model) is evaluated alone.
Result<EvaluationReport> evaluateDetection(const OnnxModel& fp32, const OnnxModel* quantized, const YoloDataset& data,
                                           const EvaluationOptions& options, const TaskControl& control = {});

std::vector<Detection> aboveConfidence(const std::vector<Detection>& detections, float confidence);

}  // namespace ql
