#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "quantize/QuantizationRecipe.h"
#include "support/TestModels.h"

namespace ql {
namespace {

namespace fs = std::filesystem;

// A recipe as quantlens-cli quantize --export-json wrote it before the structured "preprocess":
// the preprocessing only as PreprocessOptions::describe() text. The values are read by hand here.
TEST(QuantizationRecipe, ReadsTheOlderRecipeWithTheDescriptionOnly) {
    const std::string text = R"({
  "activation_type": "QUInt8",
  "calibrate_method": "percentile",
  "calibration_images": ["/data/calibration/a.jpg", "images/b.jpg"],
  "extra_options": {"ActivationSymmetric": false, "QuantizeBias": true, "WeightSymmetric": true},
  "nodes_to_exclude": ["/model.22/Concat_3", "/model.22/Split"],
  "nodes_to_quantize": [],
  "op_types_to_quantize": ["Conv", "Mul"],
  "per_channel": true,
  "preprocessing": "320x256 resize BGR scale=0.00392157 mean=0.485,0.456,0.406 std=0.229,0.224,0.225 pad=114",
  "quant_format": "QDQ",
  "reduce_range": false,
  "weight_type": "QInt8"
})";
    auto r = recipeFromJson(text, "/recipes/yolo.json");
    ASSERT_TRUE(r) << r.errorMessage();
    EXPECT_EQ(r->calibration.method, CalibrationMethod::Percentile);
    EXPECT_TRUE(r->settings.perChannel);
    EXPECT_EQ(r->settings.opTypesToQuantize, (std::vector<std::string>{"Conv", "Mul"}));
    EXPECT_EQ(r->settings.nodesToExclude, (std::vector<std::string>{"/model.22/Concat_3", "/model.22/Split"}));
    EXPECT_EQ(r->calibrationImages, (std::vector<std::string>{"/data/calibration/a.jpg", "/recipes/images/b.jpg"}));
    const PreprocessOptions& p = r->calibration.preprocess;
    EXPECT_EQ(p.width, 320);
    EXPECT_EQ(p.height, 256);
    EXPECT_EQ(p.resize, ResizeMode::Stretch);
    EXPECT_FALSE(p.rgb);
    EXPECT_EQ(p.scale, 1.0f / 255.0f);  // six digits in the text, exactly 1/255 back
    EXPECT_FLOAT_EQ(p.mean[1], 0.456f);
    EXPECT_FLOAT_EQ(p.stddev[2], 0.225f);
    EXPECT_EQ(p.padValue, 114);
}

TEST(QuantizationRecipe, RoundTripsThroughTheFileTheCliWrites) {
    QuantizationRecipe recipe;
    recipe.settings.activationType = QuantType::QInt8;
    recipe.settings.reduceRange = true;
    recipe.settings.nodesToExclude = {"conv2"};
    recipe.calibration.method = CalibrationMethod::Entropy;
    recipe.calibration.symmetric = true;
    recipe.calibration.histogramBins = 512;
    recipe.calibration.preprocess.resize = ResizeMode::LetterboxTopLeft;
    recipe.calibration.preprocess.scale = 1.0f;
    recipe.calibration.preprocess.mean = {1.5f, 2.5f, 3.5f};
    recipe.calibration.preprocess.padValue = 0;
    recipe.calibrationImages = {"/abs/a.png", "/abs/b.png"};
    const nlohmann::json j = recipe.toJson();
    // The keys that were there before stay, for scripts that read them.
    EXPECT_EQ(j.at("calibrate_method"), "entropy");
    EXPECT_EQ(j.at("preprocessing"), recipe.calibration.preprocess.describe());
    EXPECT_EQ(j.at("activation_type"), "QInt8");
    auto back = recipeFromJson(j.dump(), "/x/recipe.json");
    ASSERT_TRUE(back) << back.errorMessage();
    EXPECT_EQ(back->settings.activationType, QuantType::QInt8);
    EXPECT_TRUE(back->settings.reduceRange);
    EXPECT_EQ(back->settings.nodesToExclude, recipe.settings.nodesToExclude);
    EXPECT_EQ(back->calibration.method, CalibrationMethod::Entropy);
    EXPECT_TRUE(back->calibration.symmetric);
    EXPECT_EQ(back->calibration.histogramBins, 512);
    EXPECT_TRUE(back->calibration.preprocess == recipe.calibration.preprocess);
    EXPECT_EQ(back->calibrationImages, recipe.calibrationImages);
}

TEST(QuantizationRecipe, BadFilesAreOneClearMessageNamingTheFile) {
    const auto fails = [](const std::string& text, const std::string& expected) {
        auto r = recipeFromJson(text, "/tmp/r.json");
        ASSERT_FALSE(r) << text;
        EXPECT_NE(r.errorMessage().find("/tmp/r.json"), std::string::npos) << r.errorMessage();
        EXPECT_NE(r.errorMessage().find(expected), std::string::npos) << r.errorMessage();
    };
    fails("{ not json", "parse");
    fails(R"({"format": "quantlens-project", "version": 2})", "not a quantization recipe");
    fails(R"([1, 2])", "not a quantization recipe");
    fails(R"({"calibrate_method": "magic", "preprocessing": "640x640 letterbox RGB scale=1 mean=0,0,0 std=1,1,1 pad=114"})",
          "magic");
    fails(R"({"calibrate_method": "minmax", "preprocessing": "a photo of a cat"})", "cannot read the preprocessing");
    fails(R"({"calibrate_method": "minmax"})", "no preprocessing");
    fails(R"({"calibrate_method": "minmax", "preprocess": {"mean": [1, 2]}})", "3 values");
    fails(R"({"calibrate_method": "minmax", "preprocess": {"resize": "squash"}})", "squash");
    fails(R"({"calibrate_method": "minmax", "activation_type": "QInt4", "preprocess": {}})", "QInt4");
    auto missing = readRecipe("/nonexistent/recipe.json");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.errorMessage().find("/nonexistent/recipe.json"), std::string::npos);
}

}  // namespace
}  // namespace ql
