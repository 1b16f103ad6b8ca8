// The preprocessing flags every command that reads images shares (compare, quantize, detect).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "detect/YoloDecoder.h"
#include "preprocess/ImagePreprocessor.h"

namespace ql::cli {

struct PreprocessFlags {
    std::string mode = "flags";  // --preprocess: "flags" (as given) or "auto" (tried on the images)
    std::string resize = "letterbox";
    bool bgr = false;
    bool noScale = false;
    int width = 0;   // 0: from the model
    int height = 0;
    std::vector<float> mean;
    std::vector<float> stddev;

    void addTo(CLI::App& command);
    // Options for `model`, with the flags applied; nothing after printing why when invalid. With
    // --preprocess auto, the convention under which the FP32 model's detections on the first of
    // `images` (read with `decode`) are most confident, printed; the flags given explicitly stay.
    std::optional<PreprocessOptions> resolve(const OnnxModel& model, const std::vector<std::string>& images = {},
                                             const DecodeOptions& decode = {}, int threads = 0) const;
    bool automatic() const { return mode == "auto"; }

private:
    // Set by addTo, to tell a flag given from its default.
    CLI::Option* resizeOption_ = nullptr;
    CLI::Option* bgrOption_ = nullptr;
    CLI::Option* noScaleOption_ = nullptr;
};

}  // namespace ql::cli
