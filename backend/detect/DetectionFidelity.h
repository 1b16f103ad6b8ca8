// How far the quantized model's detections are from the FP32 model's on the same images, the
// FP32 boxes standing in for ground truth: boxes matched, missed, extra and moved at the shown
// confidence, and mAP of the quantized predictions against the FP32 boxes. The same figures for
// `compare`, `eval`, `report` and the app.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "detect/Detection.h"
#include "detect/DetectionMatcher.h"
#include "detect/MapEvaluator.h"

namespace ql {

// One image's quantized detections matched to its FP32 ones (at the shown confidence), for
// ranking images by how much quantization changed them (report/HtmlReport.h changeScore).
struct ImageMatch {
    std::string path;
    DetectionMatch match;
};

struct DetectionFidelity {
    size_t images = 0;
    size_t fp32Boxes = 0;       // FP32 detections at the shown confidence
    size_t quantizedBoxes = 0;  // quantized detections at the shown confidence
    size_t matched = 0, missed = 0, extra = 0;
    size_t moved = 0;           // matched, but overlapping the FP32 box by less than kMovedBelowIou
    double meanIou = 0.0;           // of the matched pairs
    double meanScoreChange = 0.0;   // quantized − FP32, matched pairs
    MapResult map;                  // quantized predictions (all kept for mAP) against FP32 boxes
    std::vector<ImageMatch> imageMatches;  // every image added, in order
};

class FidelityAccumulator {
public:
    explicit FidelityAccumulator(float shownConfidence, float matchIou = 0.5f)
        : shown_(shownConfidence), matchIou_(matchIou) {}
    // Both decoded at the mAP confidence (0.001, as COCO evaluation keeps); boxes under the shown
    // confidence only count for the quantized side's mAP.
    // `image` names it in imageMatches.
    void add(const std::vector<Detection>& fp32, const std::vector<Detection>& quantized, const std::string& image = {});
    DetectionFidelity result() const;

private:
    float shown_;
    float matchIou_;
    MapEvaluator map_;
    DetectionFidelity sums_;
    double iouSum_ = 0.0, scoreChangeSum_ = 0.0;
};

}  // namespace ql
