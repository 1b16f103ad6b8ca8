// The study's own arithmetic against values worked out by hand (latency statistics, parameter and
// MAC counts of a known conv net), its --vary product, and the calibration-size study's promise: a
// prefix continued from a smaller one equals a calibration of those images from scratch.
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "quantize/CalibrationCache.h"
#include "study/Study.h"
#include "support/TestModels.h"

namespace ql {
namespace {

TEST(StudyLatency, StatisticsOfAFixedSampleByHand) {
    // Sorted: 10 11 12 13 50. Mean 96/5 = 19.2. Squared deviations 84.64 + 67.24 + 51.84 + 38.44
    // + 948.64 = 1190.8; sample variance 1190.8 / 4 = 297.7. Percentile ranks p/100 x 4:
    // p50 -> 2 (12); p95 -> 3.8: 13 + 0.8 x 37 = 42.6; p99 -> 3.96: 13 + 0.96 x 37 = 48.52.
    const LatencySummary s = summarizeLatency({12, 50, 10, 13, 11});
    EXPECT_EQ(s.runs, 5);
    EXPECT_NEAR(s.meanMs, 19.2, 1e-12);
    EXPECT_NEAR(s.stdMs, std::sqrt(297.7), 1e-12);
    EXPECT_NEAR(s.p50Ms, 12.0, 1e-12);
    EXPECT_NEAR(s.p95Ms, 42.6, 1e-12);
    EXPECT_NEAR(s.p99Ms, 48.52, 1e-12);
    const LatencySummary one = summarizeLatency({7});
    EXPECT_EQ(one.stdMs, 0.0);
    EXPECT_EQ(one.p99Ms, 7.0);
    EXPECT_EQ(summarizeLatency({}).runs, 0);
}

TEST(StudyCost, ConvNetParametersAndMacsByHand) {
    // makeConvNet: conv1 W1 [3,3,3,3] + B1 [3], output [1,3,4,4]; conv2 W2 [2,3,1,1] + B2 [2], output [1,2,4,4].
    // Parameters 81 + 3 + 6 + 2 = 92. MACs: 48 outputs x 27 + 32 outputs x 3 = 1296 + 96 = 1392.
    auto fp32 = OnnxModel::fromProto(test::makeConvNet(), "convnet");
    ASSERT_TRUE(fp32) << fp32.errorMessage();
    const ModelCost c = modelCost(*fp32);
    EXPECT_EQ(c.parameters, 92);
    EXPECT_DOUBLE_EQ(c.macs, 1392.0);
    ASSERT_TRUE(c.gflops);
    EXPECT_DOUBLE_EQ(*c.gflops, 2 * 1392.0 / 1e9);
    EXPECT_EQ(c.countedNodes, 2);
    // The QDQ form counts the same: int8 weights and int32 biases, not the scales and zero points.
    auto qdq = OnnxModel::fromProto(test::makeQdqConvNet(), "convnet-qdq");
    ASSERT_TRUE(qdq) << qdq.errorMessage();
    const ModelCost q = modelCost(*qdq);
    EXPECT_EQ(q.parameters, 92);
    EXPECT_DOUBLE_EQ(q.macs, 1392.0);
}

TEST(StudyCost, SharedQuantizedYolov8nCountsAsItsFp32) {
    const auto fp32Path = test::sharedFile("models/yolov8n_fp32.onnx");
    if (!fp32Path)
        GTEST_SKIP() << "../shared not found";
    auto fp32 = OnnxModel::load(*fp32Path);
    ASSERT_TRUE(fp32) << fp32.errorMessage();
    const ModelCost f = modelCost(*fp32);
    ASSERT_TRUE(f.gflops);
    EXPECT_NEAR(*f.gflops, 8.7, 0.05);  // Ultralytics quotes 8.7 GFLOPs for YOLOv8n at 640
    // QDQ (Conv with DequantizeLinear weights) and dynamic quantization (ConvInteger): the same MACs.
    for (const char* name : {"models/yolov8n_qdq_static.onnx", "models/yolov8n_dynamic.onnx"}) {
        SCOPED_TRACE(name);
        auto q = OnnxModel::load(*test::sharedFile(name));
        ASSERT_TRUE(q) << q.errorMessage();
        const ModelCost c = modelCost(*q);
        ASSERT_TRUE(c.gflops);
        EXPECT_DOUBLE_EQ(*c.gflops, *f.gflops);
        EXPECT_EQ(c.countedNodes, f.countedNodes);
    }
    auto qdq = OnnxModel::load(*test::sharedFile("models/yolov8n_qdq_static.onnx"));
    ASSERT_TRUE(qdq);
    EXPECT_EQ(modelCost(*qdq).parameters, f.parameters);
}

TEST(StudyVariants, CartesianProductFirstAxisSlowest) {
    auto method = parseStudyAxis("method=minmax,entropy");
    auto pc = parseStudyAxis("per-channel=off,on");
    auto size = parseStudyAxis("calib-size=50,100,200");
    auto ex = parseStudyAxis("exclude=none,/lists/head.txt");
    ASSERT_TRUE(method && pc && size && ex);
    auto v = expandVariants({*method, *pc, *size, *ex}, {{"/lists/head.txt", {"a", "b"}}});
    ASSERT_TRUE(v) << v.errorMessage();
    ASSERT_EQ(v->size(), 2u * 2u * 3u * 2u);
    EXPECT_EQ(v->front().label(), "minmax per-tensor n=50");
    EXPECT_EQ((*v)[1].label(), "minmax per-tensor n=50 exclude=head");
    EXPECT_EQ((*v)[1].exclude, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(v->back().label(), "entropy per-channel n=200 exclude=head");
    EXPECT_FALSE(parseStudyAxis("bits=8"));
    EXPECT_FALSE(parseStudyAxis("method="));
    auto bad = parseStudyAxis("calib-size=0");
    ASSERT_TRUE(bad);
    EXPECT_FALSE(expandVariants({*bad}));
    EXPECT_FALSE(expandVariants({*method, *method}));  // an axis given twice
    auto unknownList = parseStudyAxis("exclude=missing.txt");
    ASSERT_TRUE(unknownList);
    EXPECT_FALSE(expandVariants({*unknownList}));
}

// Six 4x4 images whose value ranges grow, so histograms must grow as later images arrive.
std::vector<std::string> growingImages() {
    namespace fs = std::filesystem;
    const std::string dir = test::tempPath("study_calib");
    fs::create_directories(dir);
    std::vector<std::string> images;
    cv::RNG rng(7);
    for (int i = 0; i < 6; ++i) {
        cv::Mat m(4, 4, CV_8UC3);
        rng.fill(m, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(40 * (i + 1) + 15));
        images.push_back(dir + "/img" + std::to_string(i) + ".png");
        cv::imwrite(images.back(), m);
    }
    return images;
}

TEST(StudyCalibration, PrefixesEqualFullCalibrationsOfThoseImages) {
    auto model = OnnxModel::fromProto(test::makeConvNet(), "convnet");
    ASSERT_TRUE(model) << model.errorMessage();
    const std::vector<std::string> images = growingImages();
    for (const auto method : {CalibrationMethod::MinMax, CalibrationMethod::Entropy, CalibrationMethod::Percentile}) {
        SCOPED_TRACE(methodName(method));
        CalibrationOptions o;
        o.method = method;
        o.preprocess.width = o.preprocess.height = 4;
        o.session.intraOpThreads = 1;
        CalibrationCache cache(test::tempPath("study_calib_cache_" + methodName(method)));
        size_t ran = 0;
        auto prefixes = cache.getPrefixes(*model, images, {5, 2}, o, {}, &ran);
        ASSERT_TRUE(prefixes) << prefixes.errorMessage();
        EXPECT_EQ(ran, 5u);  // one pass: 2 images, then 3 more continuing from them
        ASSERT_EQ(prefixes->size(), 2u);
        for (const size_t k : {size_t{5}, size_t{2}}) {
            const auto& merged = *(*prefixes)[k == 5 ? 0 : 1];
            auto full = calibrate(*model, {images.begin(), images.begin() + static_cast<long>(k)}, o);
            ASSERT_TRUE(full) << full.errorMessage();
            EXPECT_EQ(merged.imageCount, k);
            const auto a = merged.ranges(), b = full->ranges();
            ASSERT_EQ(a.size(), b.size());
            for (const auto& [tensor, r] : b) {
                // Statistics fold in image by image, in order, so the continued run is the same
                // computation: equal bit for bit (MinMax), and the histogram methods too (tolerance 0).
                EXPECT_EQ(a.at(tensor).lo, r.lo) << tensor << " n=" << k;
                EXPECT_EQ(a.at(tensor).hi, r.hi) << tensor << " n=" << k;
                const auto& sa = merged.tensors.at(tensor);
                const auto& sb = full->tensors.at(tensor);
                EXPECT_EQ(sa.histogram, sb.histogram) << tensor;
                EXPECT_EQ(sa.histogramLo, sb.histogramLo) << tensor;
            }
        }
        // One size more: only the image after the largest cached prefix runs; the others are read.
        ran = 99;
        auto more = cache.getPrefixes(*model, images, {2, 5, 6}, o, {}, &ran);
        ASSERT_TRUE(more) << more.errorMessage();
        EXPECT_EQ(ran, 1u);
        auto full6 = calibrate(*model, images, o);
        ASSERT_TRUE(full6);
        for (const auto& [tensor, r] : full6->ranges()) {
            EXPECT_EQ((*more)[2]->ranges().at(tensor).lo, r.lo) << tensor;
            EXPECT_EQ((*more)[2]->ranges().at(tensor).hi, r.hi) << tensor;
        }
        // And a plain get() of the first 5 images finds the prefix in the cache.
        bool fromCache = false;
        auto plain = cache.get(*model, {images.begin(), images.begin() + 5}, o, {}, &fromCache);
        ASSERT_TRUE(plain);
        EXPECT_TRUE(fromCache);
    }
    CalibrationCache cache("");
    CalibrationOptions o;
    o.preprocess.width = o.preprocess.height = 4;
    EXPECT_FALSE(cache.getPrefixes(*model, images, {7}, o));  // more than given
    EXPECT_FALSE(cache.getPrefixes(*model, images, {0}, o));
}

}  // namespace
}  // namespace ql
