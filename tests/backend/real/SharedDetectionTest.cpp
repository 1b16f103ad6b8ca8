// Detection with the real models in ../shared (skipped with a message when absent).
#include <set>

#include <gtest/gtest.h>

#include "detect/ClassNames.h"
#include "detect/DetectionEvaluation.h"
#include "support/TestModels.h"

namespace ql {
namespace {

std::multiset<std::string> classesFound(const std::string& modelPath, const std::string& image) {
    auto model = OnnxModel::load(modelPath);
    EXPECT_TRUE(model) << model.errorMessage();
    DetectorOptions options;
    options.preprocess = PreprocessOptions::forModel(*model);
    auto detector = Detector::create(*model, options);
    EXPECT_TRUE(detector) << detector.errorMessage();
    auto dets = detector->detect(image);
    EXPECT_TRUE(dets) << dets.errorMessage();
    std::multiset<std::string> found;
    for (const auto& d : *dets)
        found.insert(className(cocoClassNames(), d.classId));
    return found;
}

TEST(SharedDetection, BothModelsFindThePeopleVehiclesAndBus) {
    QL_REQUIRE_SHARED(fp32, "models/yolov8n_fp32.onnx");
    QL_REQUIRE_SHARED(quant, "models/yolov8n_qdq_static.onnx");
    QL_REQUIRE_SHARED(street, "images/street.jpg");
    QL_REQUIRE_SHARED(bus, "images/bus.jpg");
    for (const auto& model : {fp32, quant}) {
        const auto s = classesFound(model, street);
        EXPECT_GE(s.count("person"), 5u) << model;
        EXPECT_GE(s.count("bicycle"), 1u) << model;
        EXPECT_GE(s.count("car"), 2u) << model;
        const auto b = classesFound(model, bus);
        EXPECT_EQ(b.count("bus"), 1u) << model;
        EXPECT_GE(b.count("person"), 3u) << model;
    }
}

TEST(SharedDetection, EvaluationOnCoco128Subset) {
    QL_REQUIRE_SHARED(fp32Path, "models/yolov8n_fp32.onnx");
    QL_REQUIRE_SHARED(quantPath, "models/yolov8n_qdq_static.onnx");
    QL_REQUIRE_SHARED(yaml, "datasets/coco128/coco128.yaml");
    auto fp32 = OnnxModel::load(fp32Path);
    auto quant = OnnxModel::load(quantPath);
    auto data = YoloDataset::load(yaml);
    ASSERT_TRUE(data) << data.errorMessage();
    EXPECT_EQ(data->images.size(), 128u);
    EXPECT_EQ(data->classNames.size(), 80u);
    EvaluationOptions options;
    options.detector.preprocess = PreprocessOptions::forModel(*fp32);
    options.limit = 16;
    options.timedRuns = 3;
    auto report = evaluateDetection(*fp32, &*quant, *data, options);
    ASSERT_TRUE(report) << report.errorMessage();
    EXPECT_EQ(report->images, 16u);
    // yolov8n reaches about 0.6 mAP@0.5 on coco128; the INT8 model stays close to it.
    EXPECT_GT(report->fp32.accuracy.map50, 0.4);
    EXPECT_GT(report->quantized->accuracy.map50, 0.35);
    EXPECT_LT(report->fp32.accuracy.map50to95, report->fp32.accuracy.map50);
    ASSERT_TRUE(report->fidelity.has_value());
    EXPECT_GT(report->fidelity->map.map50, 0.8);
    EXPECT_GT(report->fidelity->matched, report->fidelity->missed + report->fidelity->extra);
    EXPECT_GT(report->fp32.latency.medianMs, 0.0);
    EXPECT_EQ(report->fp32.latency.runs, 3);
}

}  // namespace
}  // namespace ql
