// FP32 vs quantized detector over a labelled dataset: accuracy of each (mAP against the labels),
// fidelity of the quantized one (mAP with FP32 detections as ground truth, matched/missed/extra
// boxes), latency of each, and model sizes.
#pragma once

#include <string>
#include <vector>

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
};

struct ModelEvaluation {
    std::string name;
    uint64_t fileSize = 0;
    MapResult accuracy;
    LatencyStats latency;
};

struct EvaluationReport {
    size_t images = 0;
    ModelEvaluation fp32;
    ModelEvaluation quantized;
    MapResult fidelity;       // quantized predictions against FP32 detections
    size_t matched = 0, missed = 0, extra = 0;
    double meanIou = 0.0;
    double meanScoreChange = 0.0;
    std::vector<std::string> classNames;
    std::vector<std::string> warnings;  // about the run as a whole (detect/DetectionSanity.h)
};

Result<EvaluationReport> evaluateDetection(const OnnxModel& fp32, const OnnxModel& quantized, const YoloDataset& data,
                                           const EvaluationOptions& options, const TaskControl& control = {});

std::vector<Detection> aboveConfidence(const std::vector<Detection>& detections, float confidence);

}  // namespace ql
