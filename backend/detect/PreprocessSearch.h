// --preprocess auto: tries the usual input conventions (RGB/BGR, 0-1/0-255, letterbox centred /
// top-left / stretched, with and without ImageNet mean/std) on the first images with the FP32
// detector and keeps the one whose detections are most confident. A model fed the wrong
// convention still runs; it just finds little, and with low scores.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "detect/Detector.h"
#include "util/TaskControl.h"

namespace ql {

// What the search may vary; a field that is set was given by the user and stays as given.
struct PreprocessSearch {
    std::optional<bool> rgb;
    std::optional<float> scale;  // 1/255 or 1
    std::optional<ResizeMode> resize;
    bool normalizationGiven = false;  // --mean/--std given: keep the base options' mean and std
    size_t images = 3;                // the first N images are scored
    int topK = 10;                    // detections per image whose scores are summed
};

struct PreprocessTrial {
    PreprocessOptions options;
    double score = 0.0;  // mean over the images of the sum of the topK highest detection scores
    // Detections at the shown confidence reached --max-det on most images: the scores are
    // saturated (yolov8n fed 0-255 finds 300 boxes of score 1.0), not confident.
    bool saturated = false;
};

struct PreprocessChoice {
    PreprocessOptions chosen;
    double score = 0.0;
    std::vector<PreprocessTrial> trials;  // best first
    size_t images = 0;
};

// A short name for the convention of `o`: "RGB 0-1 letterbox", "BGR 0-255 topleft imagenet".
std::string conventionName(const PreprocessOptions& o);

// The convention, among those `search` leaves free, under which `model`'s FP32 detections on the
// first images are most confident: the mean over the images of the sum of its topK detection
// scores (decoded at confidence 0.001, after NMS). Saturated conventions rank after all others.
// Ties keep the earlier candidate; the base options' convention (QuantLens' default) comes first. Input size, padding and the decode
// options other than the confidence come from `base` and `detector`.
Result<PreprocessChoice> choosePreprocessing(const OnnxModel& model, const std::vector<std::string>& images,
                                             const DetectorOptions& detector, const PreprocessSearch& search = {},
                                             const TaskControl& control = {});

}  // namespace ql
