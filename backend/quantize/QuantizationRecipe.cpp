#include "quantize/QuantizationRecipe.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ql {

namespace fs = std::filesystem;

nlohmann::json QuantizationRecipe::toJson() const {
    nlohmann::json j = settings.toJson();
    j["calibrate_method"] = methodName(calibration.method);
    j["calibration"] = calibrationToJson(calibration);
    j["calibration_images"] = calibrationImages;
    j["preprocessing"] = calibration.preprocess.describe();
    j["preprocess"] = calibration.preprocess.toJson();
    return j;
}

nlohmann::json calibrationToJson(const CalibrationOptions& c) {
    return {{"method", methodName(c.method)},
            {"moving_average", c.movingAverage},
            {"averaging_constant", c.averagingConstant},
            {"histogram_bins", c.histogramBins},
            {"quantized_bins", c.quantizedBins},
            {"percentile", c.percentile},
            {"symmetric", c.symmetric}};
}

Result<CalibrationOptions> calibrationFromJson(const nlohmann::json& c, CalibrationOptions base) {
    return catchErrors("calibration", [&]() -> Result<CalibrationOptions> {
        if (!c.is_object())
            return Error{"an object expected, found " + std::string(c.type_name())};
        auto method = parseMethod(c.value("method", methodName(base.method)));
        if (!method)
            return method.error();
        base.method = *method;
        base.movingAverage = c.value("moving_average", base.movingAverage);
        base.averagingConstant = c.value("averaging_constant", base.averagingConstant);
        base.histogramBins = c.value("histogram_bins", base.histogramBins);
        base.quantizedBins = c.value("quantized_bins", base.quantizedBins);
        base.percentile = c.value("percentile", base.percentile);
        base.symmetric = c.value("symmetric", base.symmetric);
        if (base.percentile <= 0.0 || base.percentile > 100.0)
            return Error{"percentile " + std::to_string(base.percentile) + " is not in (0, 100]"};
        return base;
    });
}

Result<QuantizationRecipe> recipeFromJson(const std::string& text, const std::string& path) {
    auto recipe = catchErrors("recipe " + path, [&]() -> Result<QuantizationRecipe> {
        const auto j = nlohmann::json::parse(text);
        // The CLI always writes calibrate_method: without it this is some other JSON (a project, a report).
        if (!j.is_object() || !j.contains("calibrate_method"))
            return Error{"not a quantization recipe (no \"calibrate_method\"; quantlens-cli quantize --export-json writes one)"};
        QuantizationRecipe r;
        auto settings = QuantizerSettings::fromJson(j);
        if (!settings)
            return settings.error();
        r.settings = std::move(settings).value();
        auto method = parseMethod(j.at("calibrate_method").get<std::string>());
        if (!method)
            return method.error();
        r.calibration.method = *method;
        if (j.contains("calibration")) {
            auto c = calibrationFromJson(j.at("calibration"), r.calibration);
            if (!c)
                return c.error();
            r.calibration = std::move(c).value();
        }
        if (j.contains("preprocess")) {
            auto p = PreprocessOptions::fromJson(j.at("preprocess"));
            if (!p)
                return p.error();
            r.calibration.preprocess = *p;
        } else if (j.contains("preprocessing")) {
            auto p = PreprocessOptions::fromDescription(j.at("preprocessing").get<std::string>());
            if (!p)
                return p.error();
            r.calibration.preprocess = *p;
        } else {
            return Error{"no preprocessing (\"preprocess\" or \"preprocessing\")"};
        }
        const fs::path folder = fs::absolute(fs::path(path)).parent_path();
        for (const auto& image : j.value("calibration_images", std::vector<std::string>{})) {
            const fs::path p(image);
            r.calibrationImages.push_back((p.is_absolute() ? p : folder / p).lexically_normal().string());
        }
        return r;
    });
    if (!recipe && recipe.errorMessage().find(path) == std::string::npos)
        return Error{"recipe " + path + ": " + recipe.errorMessage()};  // every message names the file
    return recipe;
}

Result<QuantizationRecipe> readRecipe(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error{"cannot open recipe " + path};
    std::ostringstream text;
    text << in.rdbuf();
    return recipeFromJson(text.str(), path);
}

}  // namespace ql
