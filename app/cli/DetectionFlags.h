// Flags shared by `detect` and `eval`: thresholds, output layout, class names.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "detect/YoloDecoder.h"
#include "model/OnnxModel.h"

namespace ql::cli {

struct DetectionFlags {
    float confidence = 0.25f;
    float iou = 0.45f;
    int maxDetections = 300;
    bool classAgnostic = false;
    std::string layout = "auto";
    std::string names;

    void addTo(CLI::App& command);
    std::optional<DecodeOptions> decodeOptions() const;
    // --names file, else the model's metadata, else COCO.
    std::optional<std::vector<std::string>> classNames(const OnnxModel& model) const;
};

}  // namespace ql::cli
