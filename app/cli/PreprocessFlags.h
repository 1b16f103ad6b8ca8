// The preprocessing flags every command that reads images shares (compare, quantize, detect).
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "preprocess/ImagePreprocessor.h"

namespace ql::cli {

struct PreprocessFlags {
    std::string resize = "letterbox";
    bool bgr = false;
    bool noScale = false;
    int width = 0;   // 0: from the model
    int height = 0;
    std::vector<float> mean;
    std::vector<float> stddev;

    void addTo(CLI::App& command);
    // Options for `model`, with the flags applied; nothing after printing why when invalid.
    std::optional<PreprocessOptions> resolve(const OnnxModel& model) const;
};

}  // namespace ql::cli
