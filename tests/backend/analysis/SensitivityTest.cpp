// A model with one layer made to quantize badly on purpose: sensitivity must rank it first and
// the suggestion must exclude it.
#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "analysis/ActivationComparison.h"
#include "analysis/Sensitivity.h"
#include "model/ModelBuilder.h"
#include "quantize/CalibrationCache.h"
#include "quantize/QdqQuantizer.h"
#include "support/TestModels.h"

namespace ql {
namespace {

std::vector<float> pattern(size_t n, float amplitude, float phase) {
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = amplitude * std::sin(1.7f * static_cast<float>(i) + phase);
    return v;
}

// x -> conv1 -> relu1 -> conv2 -> relu2 -> conv3 -> y. conv1's channel 0 is always negative, so
// relu1 zeroes it; conv2 reads that dead channel with a weight of 40, harmless in float, but it
// sets conv2's per-tensor weight scale to 40/127 and rounds every real weight to 0 or ±1 step.
OnnxModel badLayerModel() {
    ModelBuilder b;
    b.input("x", {1, 3, 8, 8}).output("y", {1, 2, 8, 8});
    std::vector<float> w1 = pattern(4 * 3 * 9, 0.4f, 0.3f);
    std::fill(w1.begin(), w1.begin() + 27, -0.5f);
    b.floatInitializer("W1", {4, 3, 3, 3}, w1);
    b.floatInitializer("B1", {4}, {-1.0f, 0.1f, 0.05f, 0.2f});
    std::vector<float> w2 = pattern(4 * 4, 0.3f, 1.1f);
    w2[3 * 4 + 0] = 40.0f;
    b.floatInitializer("W2", {4, 4, 1, 1}, w2);
    b.floatInitializer("W3", {2, 4, 1, 1}, pattern(8, 0.5f, 2.0f));
    setAttribute(b.node("Conv", {"x", "W1", "B1"}, {"c1"}, "conv1"), "pads", std::vector<int64_t>{1, 1, 1, 1});
    b.node("Relu", {"c1"}, {"r1"}, "relu1");
    b.node("Conv", {"r1", "W2"}, {"c2"}, "conv2");
    b.node("Relu", {"c2"}, {"r2"}, "relu2");
    b.node("Conv", {"r2", "W3"}, {"y"}, "conv3");
    return std::move(OnnxModel::fromProto(b.build(), "bad-layer")).value();
}

std::vector<std::string> noiseImages() {
    const std::string dir = test::tempPath("noise");
    std::filesystem::create_directories(dir);
    cv::RNG rng(42);
    std::vector<std::string> paths;
    for (int i = 0; i < 3; ++i) {
        cv::Mat image(8, 8, CV_8UC3);
        rng.fill(image, cv::RNG::UNIFORM, 0, 256);
        paths.push_back(dir + "/" + std::to_string(i) + ".png");
        cv::imwrite(paths.back(), image);
    }
    return paths;
}

struct Fixture {
    OnnxModel model = badLayerModel();
    std::vector<std::string> images = noiseImages();
    SensitivityOptions options;
    std::shared_ptr<const CalibrationData> calibration;

    Fixture() {
        options.preprocess.width = options.preprocess.height = 8;
        CalibrationOptions c;
        c.preprocess = options.preprocess;
        calibration = *CalibrationCache("").get(model, images, c);
    }
};

TEST(Sensitivity, RanksTheBadLayerFirst) {
    Fixture f;
    auto report = analyzeSensitivity(f.model, *f.calibration, {}, f.images, f.options);
    ASSERT_TRUE(report) << report.errorMessage();
    EXPECT_EQ(report->imageCount, 3u);
    ASSERT_EQ(report->entries.size(), 5u);  // conv1, relu1, conv2, relu2, conv3
    EXPECT_EQ(report->entries.front().group, "conv2");
    EXPECT_GT(report->entries.front().gain, 3.0);  // every other node gains well under 1 dB
    EXPECT_GT(report->entries.front().leftFloat.output.sqnrDb, report->baseline.output.sqnrDb);
    // Quantizing only conv2 is the worst single choice as well.
    const auto worstOnly = std::min_element(report->entries.begin(), report->entries.end(), [](const auto& a, const auto& b) {
        return a.onlyQuantized.output.sqnrDb < b.onlyQuantized.output.sqnrDb;
    });
    EXPECT_EQ(worstOnly->group, "conv2");
}

TEST(Sensitivity, SuggestionExcludesTheBadLayer) {
    Fixture f;
    auto ranking = analyzeSensitivity(f.model, *f.calibration, {}, f.images, f.options);
    ASSERT_TRUE(ranking);
    const double target = ranking->entries.front().leftFloat.output.sqnrDb - 0.5;
    auto s = suggestExclusions(f.model, *f.calibration, {}, f.images, f.options, *ranking, target, 3);
    ASSERT_TRUE(s) << s.errorMessage();
    EXPECT_TRUE(s->reachedTarget);
    ASSERT_EQ(s->nodesToExclude.size(), 1u);
    EXPECT_EQ(s->nodesToExclude.front(), "conv2");
    ASSERT_EQ(s->curve.size(), 2u);
    EXPECT_GT(s->curve[1].score.output.sqnrDb, s->curve[0].score.output.sqnrDb);
    EXPECT_GT(s->curve[0].latencyMs, 0.0);
    EXPECT_GT(s->curve[1].latencyMs, 0.0);
}

// The same pair, images and settings give the same output figure in suggest/sensitivity and in
// compare (and so in the app and reports, which run compare): both are plain ONNX Runtime sessions
// at the deployed optimisation level.
TEST(Sensitivity, OutputFiguresMatchCompare) {
    Fixture f;
    auto ranking = analyzeSensitivity(f.model, *f.calibration, {}, f.images, f.options);
    ASSERT_TRUE(ranking) << ranking.errorMessage();
    auto fp32 = AnalyzedModel::analyze(std::move(OnnxModel::fromProto(badLayerModel().proto(), "bad-layer")).value());
    ASSERT_TRUE(fp32);
    ActivationOptions compareOptions;
    compareOptions.preprocess = f.options.preprocess;
    compareOptions.session = f.options.session;
    for (const bool excludeConv2 : {false, true}) {
        QuantizerSettings settings;
        if (excludeConv2)
            settings.nodesToExclude = {"conv2"};
        auto quantized = quantizeQdq(f.model, *f.calibration, settings);
        ASSERT_TRUE(quantized) << quantized.errorMessage();
        auto analyzed = AnalyzedModel::analyze(std::move(quantized->model));
        ASSERT_TRUE(analyzed);
        auto compared = compareActivations(*fp32, *analyzed, f.images, compareOptions);
        ASSERT_TRUE(compared) << compared.errorMessage();
        const auto conv2 = std::find_if(ranking->entries.begin(), ranking->entries.end(),
                                        [](const auto& e) { return e.group == "conv2"; });
        ASSERT_NE(conv2, ranking->entries.end());
        const double suggestFigure = excludeConv2 ? conv2->leftFloat.output.sqnrDb : ranking->baseline.output.sqnrDb;
        EXPECT_NEAR(compared->outputs.at(0).metrics.sqnrDb, suggestFigure, 1e-4) << "conv2 excluded: " << excludeConv2;
    }
}

TEST(Sensitivity, FidelityRefusesAModelWithSeveralOutputs) {
    ModelBuilder b;
    b.input("x", {1, 3, 8, 8}).output("a", {1, 3, 8, 8}).output("b", {1, 3, 8, 8});
    b.node("Relu", {"x"}, {"a"}, "relu");
    b.node("Sigmoid", {"x"}, {"b"}, "sigmoid");
    auto model = OnnxModel::fromProto(b.build(), "two-outputs");
    ASSERT_TRUE(model);
    const auto images = noiseImages();
    SensitivityOptions options;
    options.preprocess.width = options.preprocess.height = 8;
    options.objective = Objective::DetectionFidelity;
    CalibrationOptions c;
    c.preprocess = options.preprocess;
    auto calibration = CalibrationCache("").get(*model, images, c);
    ASSERT_TRUE(calibration) << calibration.errorMessage();
    auto report = analyzeSensitivity(*model, **calibration, {}, images, options);
    ASSERT_FALSE(report);
    EXPECT_NE(report.errorMessage().find("2 outputs (a, b)"), std::string::npos) << report.errorMessage();
}

TEST(Sensitivity, GroupsByModulePrefix) {
    ModelBuilder b;
    b.input("x", {1, 4}).output("z", {1, 4});
    b.node("Relu", {"x"}, {"a"}, "/model.1/act/Relu");
    b.node("Sigmoid", {"a"}, {"s"}, "/model.1/act/Sigmoid");
    b.node("Mul", {"a", "s"}, {"z"}, "/model.2/Mul");
    auto model = OnnxModel::fromProto(b.build(), "groups");
    const auto groups = candidateGroups(*model, {}, 1);
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0].first, "/model.1/");
    EXPECT_EQ(groups[0].second.size(), 2u);
    EXPECT_EQ(groups[1].first, "/model.2/");
}

}  // namespace
}  // namespace ql
