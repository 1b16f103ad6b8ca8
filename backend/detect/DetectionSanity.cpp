#include "detect/DetectionSanity.h"

#include <algorithm>
#include <cstdio>

namespace ql {

size_t countAbove(const std::vector<Detection>& detections, float confidence) {
    return static_cast<size_t>(std::count_if(detections.begin(), detections.end(),
                                             [&](const Detection& d) { return d.score >= confidence; }));
}

std::vector<std::string> detectionWarnings(const DetectionRunFacts& f) {
    const size_t n = f.fp32Counts.size();
    if (n == 0)
        return {};
    const std::string layout =
        f.layout == YoloLayout::Auto ? " (try --layout)" : " (read as " + layoutName(f.layout) + "; try --layout)";
    const std::string preprocess = f.preprocessChosen
                                       ? "--bgr, --no-scale, --resize topleft|resize, --mean/--std"
                                       : "--preprocess auto, or --bgr, --no-scale, --resize topleft|resize, --mean/--std";
    char conf[32];
    std::snprintf(conf, sizeof conf, "%g", static_cast<double>(f.confidence));
    const size_t empty = static_cast<size_t>(std::count(f.fp32Counts.begin(), f.fp32Counts.end(), size_t{0}));
    if (empty == n)
        return {"the FP32 model found nothing on " + std::string(n == 1 ? "the image" : "any of the " + std::to_string(n) + " images") +
                " at --conf " + conf + ": most likely the preprocessing is not the model's (RGB/BGR, 0-1/0-255, letterbox; try " +
                preprocess + "), else the output layout is wrong" + layout +
                " or the threshold is too high (try --conf 0.05)"};
    const size_t full = static_cast<size_t>(std::count_if(f.fp32Counts.begin(), f.fp32Counts.end(), [&](size_t c) {
        return c >= static_cast<size_t>(std::max(1, f.maxDetections));
    }));
    if (2 * full > n && (n < 2 || full >= 2))
        return {"the FP32 model reached --max-det " + std::to_string(f.maxDetections) + " on " + std::to_string(full) + " of " +
                std::to_string(n) + (n == 1 ? " image" : " images") + " at --conf " + conf +
                ": most likely the output layout is wrong" + layout +
                " or its scores are not probabilities (try a higher --conf), else the preprocessing is not "
                "the model's (try " + preprocess + ")"};
    return {};
}

}  // namespace ql
