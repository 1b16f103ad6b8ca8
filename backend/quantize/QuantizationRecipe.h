// The recipe `quantlens-cli quantize --export-json` writes and the app imports: quantize_static's
// settings with the exclusions, the calibration method and its options, the calibration images and
// the preprocessing they were prepared with. One reader for every front end.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "quantize/Calibrator.h"
#include "quantize/QuantizerSettings.h"
#include "util/Result.h"

namespace ql {

struct QuantizationRecipe {
    QuantizerSettings settings;                  // nodesToExclude: the exclusions
    CalibrationOptions calibration;              // method, its parameters and preprocess
    std::vector<std::string> calibrationImages;  // image files

    // QuantizerSettings::toJson() plus "calibrate_method", "calibration" (the method's
    // parameters), "calibration_images", "preprocessing" (describe(), for people) and
    // "preprocess" (structured, for reading back).
    nlohmann::json toJson() const;
};

// The calibration method and its parameters (not the preprocessing), as recipes and projects store them.
nlohmann::json calibrationToJson(const CalibrationOptions& options);
// Keys that are missing keep `base`'s values; an unknown method is an error.
Result<CalibrationOptions> calibrationFromJson(const nlohmann::json& j, CalibrationOptions base = {});

// Reads a recipe. Relative calibration image paths are taken relative to the recipe's folder.
// A recipe written before the structured "preprocess" is read from its "preprocessing" text.
// Every error names the file.
Result<QuantizationRecipe> recipeFromJson(const std::string& text, const std::string& path);
Result<QuantizationRecipe> readRecipe(const std::string& path);

}  // namespace ql
