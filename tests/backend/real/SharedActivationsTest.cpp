// Activation comparison on the real models in ../shared (skipped with a message when absent).
#include <cmath>

#include <gtest/gtest.h>

#include "analysis/ActivationComparison.h"
#include "support/TestModels.h"

namespace ql {
namespace {

TEST(SharedActivations, EveryQuantizedActivationOfYoloV8nIsMatchedWithFiniteSqnr) {
    QL_REQUIRE_SHARED(fp32Path, "models/yolov8n_fp32.onnx");
    QL_REQUIRE_SHARED(quantPath, "models/yolov8n_qdq_static.onnx");
    QL_REQUIRE_SHARED(bus, "images/bus.jpg");
    auto fp32 = AnalyzedModel::load(fp32Path);
    auto quant = AnalyzedModel::load(quantPath);
    ASSERT_TRUE(fp32 && quant);
    ActivationOptions options;
    options.preprocess = PreprocessOptions::forModel(fp32->model);
    auto report = compareActivations(*fp32, *quant, {bus}, options);
    ASSERT_TRUE(report) << report.errorMessage();
    EXPECT_EQ(report->layers.size(), 229u);
    int exact = 0;
    for (const auto& l : report->layers)
        exact += !std::isfinite(l.accumulated.sqnrDb);
    EXPECT_LE(exact, 1);
    for (const auto& l : report->layers) {
        EXPECT_TRUE(l.problem.empty()) << l.name << ": " << l.problem;
        // Finite, or infinite only for an exact match: the input image (k/255) sits exactly on
        // its quantization grid of scale 1/255.
        EXPECT_TRUE(std::isfinite(l.accumulated.sqnrDb) || l.accumulated.mse == 0.0) << l.name;
        EXPECT_GT(l.accumulated.cosine, 0.9) << l.name;
    }
    ASSERT_EQ(report->outputs.size(), 1u);
    EXPECT_GT(report->outputs[0].metrics.sqnrDb, 20.0);
    EXPECT_LT(report->outputs[0].metrics.sqnrDb, 60.0);
}

TEST(SharedActivations, DynamicModelComparesEveryLayer) {
    QL_REQUIRE_SHARED(fp32Path, "models/yolov8n_fp32.onnx");
    QL_REQUIRE_SHARED(dynPath, "models/yolov8n_dynamic.onnx");
    QL_REQUIRE_SHARED(bus, "images/bus.jpg");
    auto fp32 = AnalyzedModel::load(fp32Path);
    auto dyn = AnalyzedModel::load(dynPath);
    ActivationOptions options;
    options.preprocess = PreprocessOptions::forModel(fp32->model);
    auto report = compareActivations(*fp32, *dyn, {bus}, options);
    ASSERT_TRUE(report) << report.errorMessage();
    // 59 DynamicQuantizeLinear inputs and 64 ConvInteger results, every one paired.
    ASSERT_EQ(report->layers.size(), 123u);
    size_t runtimeScales = 0;
    for (const auto& l : report->layers) {
        EXPECT_EQ(l.problem, "") << l.name;
        EXPECT_FALSE(l.fp32Name.empty()) << l.name;
        EXPECT_GT(l.accumulated.count, 0u) << l.name;
        if (l.runtimeScale) {
            ++runtimeScales;
            EXPECT_GT(l.rounding.count, 0u) << l.name;
            EXPECT_GT(l.scale, 0.0f) << l.name;
            EXPECT_EQ(l.scaleMin, l.scaleMax) << l.name;  // one image
        } else {
            EXPECT_EQ(l.producerOp, "ConvInteger") << l.name;
            EXPECT_EQ(l.rounding.count, 0u) << l.name;
        }
    }
    EXPECT_EQ(runtimeScales, 59u);
    ASSERT_FALSE(report->notes.empty());
    EXPECT_NE(report->notes[0].find("dynamic"), std::string::npos);
    EXPECT_TRUE(std::isfinite(report->outputs.at(0).metrics.sqnrDb));
}

}  // namespace
}  // namespace ql
