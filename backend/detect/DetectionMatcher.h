// Pairs the quantized model's detections with the FP32 model's on the same image: same class,
// highest IoU first. What is left over is missed (FP32 only) or extra (quantized only).
#pragma once

#include <vector>

#include "detect/Detection.h"

namespace ql {

struct MatchedPair {
    int reference = 0;   // index into the FP32 detections
    int test = 0;        // index into the quantized detections
    float iou = 0.0f;
    float scoreChange = 0.0f;  // quantized score − FP32 score
};

struct DetectionMatch {
    std::vector<MatchedPair> pairs;
    std::vector<int> missed;  // FP32 detections with no partner
    std::vector<int> extra;   // quantized detections with no partner
};

// Found by both models but where the quantized box overlaps its FP32 partner less than this, the
// box counts as moved: shown and counted apart from the well matched ones.
constexpr float kMovedBelowIou = 0.8f;
std::vector<MatchedPair> movedPairs(const DetectionMatch& match, float iouBelow = kMovedBelowIou);

DetectionMatch matchDetections(const std::vector<Detection>& reference, const std::vector<Detection>& test,
                               float iouThreshold = 0.5f);

}  // namespace ql
