// Warnings about a detection run as a whole, from the FP32 model's number of detections per
// image: none on every image, or --max-det reached on most, mean the output is not being read as
// the model meant it. One place, so the CLI and the app warn alike.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "detect/YoloDecoder.h"

namespace ql {

struct DetectionRunFacts {
    std::vector<size_t> fp32Counts;  // detections per image at the shown confidence
    float confidence = 0.25f;        // the threshold those counts were taken at
    int maxDetections = 300;
    YoloLayout layout = YoloLayout::Auto;  // the layout the output was read with (Auto: not known)
    bool preprocessChosen = false;   // preprocessing chosen by --preprocess auto
};

// At most one warning, one line each, naming the likely causes and the flags to try; empty when
// the run looks sound. "Most" images is more than half, and at least two when there are two.
std::vector<std::string> detectionWarnings(const DetectionRunFacts& facts);

// Counts the detections of `detections` at or above `confidence`.
size_t countAbove(const std::vector<Detection>& detections, float confidence);

}  // namespace ql
