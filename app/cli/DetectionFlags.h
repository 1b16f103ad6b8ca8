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
    std::string outputName;  // --output-name: the output to decode, for models with several
    int regMax = 7;          // --reg-max: GFL heads' bins per box side minus one (NanoDet's 7)
    bool gflCellCentre = false;  // --gfl-centre: GFL priors at cell centres (legacy NanoDet)

    void addTo(CLI::App& command);
    std::optional<DecodeOptions> decodeOptions() const;
    // The same, with the number of classes the output must carry when the names come from --names
    // or the model's metadata (COCO's names, the fallback, are not held against the output).
    std::optional<DecodeOptions> decodeOptions(const OnnxModel& model) const;
    // --names file, else the model's metadata, else COCO.
    std::optional<std::vector<std::string>> classNames(const OnnxModel& model) const;
};

}  // namespace ql::cli
