// The exclusion list's cost for a report without an app session: the quantized model's own
// settings read back, the FP32 model made again with and without its float nodes, both timed; the
// verdict's cost is the difference of the two medians, worked out here from the runs themselves.
#include <gtest/gtest.h>

#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "project/ExclusionCost.h"
#include "quantize/CalibrationCache.h"
#include "quantize/QdqQuantizer.h"
#include "report/HtmlReport.h"
#include "report/Verdict.h"
#include "support/TestModels.h"

namespace ql {
namespace {

AnalyzedModel analyzed(onnx::ModelProto proto, const std::string& name) {
    return std::move(AnalyzedModel::analyze(std::move(OnnxModel::fromProto(std::move(proto), name)).value())).value();
}

struct Fixture {
    std::vector<std::string> images;
    CalibrationOptions calibration;
    std::string cache = test::tempPath("cost_cache");
};

Fixture fixture() {
    Fixture f;
    const std::string dir = test::tempPath("cost_images");
    std::filesystem::create_directories(dir);
    for (int i = 0; i < 3; ++i) {
        cv::Mat image(8, 8, CV_8UC3);
        cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
        f.images.push_back(dir + "/" + std::to_string(i) + ".png");
        cv::imwrite(f.images.back(), image);
    }
    f.calibration.preprocess.width = f.calibration.preprocess.height = 4;
    return f;
}

TEST(ExclusionCost, TheSameSettingsWithAndWithoutTheFloatNodes) {
    const Fixture f = fixture();
    const AnalyzedModel fp32 = analyzed(test::makeConvNet(), "convnet.onnx");
    CalibrationCache cache(f.cache);
    auto stats = cache.get(fp32.model, f.images, f.calibration);
    ASSERT_TRUE(stats) << stats.errorMessage();
    QuantizerSettings settings;
    settings.perChannel = true;
    settings.nodesToExclude = {"conv2"};
    auto made = quantizeQdq(fp32.model, **stats, settings);
    ASSERT_TRUE(made) << made.errorMessage();
    const AnalyzedModel quantized = std::move(AnalyzedModel::analyze(std::move(made->model))).value();

    ExclusionCostOptions o;
    o.calibrationImages = f.images;
    o.calibration = f.calibration;
    o.timingImage = f.images.front();
    o.cacheDirectory = f.cache;
    o.timedRuns = 5;
    auto runs = measureExclusionCost(fp32, quantized, o);
    ASSERT_TRUE(runs) << runs.errorMessage();
    ASSERT_EQ(runs->size(), 2u);
    const ql::Run& none = runs->at(0);
    const ql::Run& list = runs->at(1);
    EXPECT_TRUE(none.exclusions.empty());
    EXPECT_EQ(none.origin, RunOrigin::Baseline);
    EXPECT_EQ(list.exclusions, std::vector<std::string>{"conv2"});  // read back from the model
    ASSERT_TRUE(none.metrics.latency && list.metrics.latency);
    EXPECT_EQ(list.metrics.latency->runs, 5);
    EXPECT_GT(none.metrics.sizeBytes, 0u);
    EXPECT_NE(list.metrics.sizeBytes, none.metrics.sizeBytes);  // two different models

    ReportContent content;
    content.runs = *runs;
    const VerdictFigures figures = verdictFigures(content);
    ASSERT_TRUE(figures.exclusionCostMs);
    EXPECT_DOUBLE_EQ(*figures.exclusionCostMs, list.metrics.latency->medianMs - none.metrics.latency->medianMs);
}

TEST(ExclusionCost, RefusesWhatHasNothingToCost) {
    const Fixture f = fixture();
    const AnalyzedModel fp32 = analyzed(test::makeConvNet(), "convnet.onnx");
    ExclusionCostOptions o;
    o.calibrationImages = f.images;
    o.calibration = f.calibration;
    o.timingImage = f.images.front();
    o.cacheDirectory = f.cache;
    auto floatModel = measureExclusionCost(fp32, fp32, o);  // no Q/DQ at all
    ASSERT_FALSE(floatModel);
    EXPECT_NE(floatModel.errorMessage().find("convnet.onnx"), std::string::npos) << floatModel.errorMessage();
    const AnalyzedModel allInt8 = analyzed(test::makeQdqConvNet(), "all_int8.onnx");
    auto nothing = measureExclusionCost(fp32, allInt8, o);
    ASSERT_FALSE(nothing);
    EXPECT_NE(nothing.errorMessage().find("all_int8.onnx leaves no quantizable node float"), std::string::npos)
        << nothing.errorMessage();
}

}  // namespace
}  // namespace ql
