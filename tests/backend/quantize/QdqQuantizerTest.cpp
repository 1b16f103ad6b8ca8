#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "model/TensorData.h"
#include "inspect/AnalyzedModel.h"
#include "inspect/QdqStructure.h"
#include "quantize/CalibrationCache.h"
#include "quantize/NodeList.h"
#include "quantize/InferredSettings.h"
#include "quantize/QdqQuantizer.h"
#include "runtime/InferenceSession.h"
#include "support/TestModels.h"

namespace ql {
namespace {

OnnxModel convNet() { return std::move(OnnxModel::fromProto(test::makeConvNet(), "convnet")).value(); }

// Calibration statistics made by hand, so that every scale is known.
CalibrationData handRanges() {
    CalibrationData d;
    d.tensors["x"] = {0.0, 1.0, 0, 0, {}};
    d.tensors["c1"] = {-2.0, 3.0, 0, 0, {}};
    d.tensors["r1"] = {0.0, 3.0, 0, 0, {}};
    d.tensors["y"] = {-1.5, 2.5, 0, 0, {}};
    return d;
}

TEST(QdqQuantizer, ScaleAndZeroPointAsOnnxRuntime) {
    const auto u8 = computeScaleZeroPoint(-2.0f, 3.0f, 0, 255, false);
    EXPECT_FLOAT_EQ(u8.scale, 5.0f / 255.0f);
    EXPECT_EQ(u8.zeroPoint, 102);  // round(0 + 2 / (5/255)) = round(102.0)
    const auto positive = computeScaleZeroPoint(0.5f, 3.0f, 0, 255, false);  // the range always includes 0
    EXPECT_FLOAT_EQ(positive.scale, 3.0f / 255.0f);
    EXPECT_EQ(positive.zeroPoint, 0);
    const auto sym = computeScaleZeroPoint(-1.0f, 0.5f, -127, 127, true);
    EXPECT_FLOAT_EQ(sym.scale, 2.0f / 254.0f);
    EXPECT_EQ(sym.zeroPoint, 0);
    const auto zero = computeScaleZeroPoint(0.0f, 0.0f, 0, 255, false);
    EXPECT_FLOAT_EQ(zero.scale, 1.0f);
}

TEST(QdqQuantizer, QuantizesWithOnnxRuntimeNames) {
    auto q = quantizeQdq(convNet(), handRanges(), {});
    ASSERT_TRUE(q) << q.errorMessage();
    EXPECT_TRUE(q->model.check()) << q->model.check().errorMessage();
    const Graph& g = q->model.graph();
    EXPECT_GE(g.findNode("x_QuantizeLinear"), 0);
    EXPECT_GE(g.findNode("c1_DequantizeLinear"), 0);
    EXPECT_GE(g.findNode("W1_DequantizeLinear"), 0);
    EXPECT_GE(g.findNode("B1_DequantizeLinear"), 0);
    // The graph output keeps its name: the Conv now writes y_QuantizeLinear_Input.
    EXPECT_EQ(g.node(g.producer("y")).opType, "DequantizeLinear");
    EXPECT_EQ(g.node(g.findNode("conv2")).outputs[0], "y_QuantizeLinear_Input");
    EXPECT_TRUE(g.isInitializer("W1_quantized"));
    EXPECT_FALSE(g.isInitializer("W1"));

    auto qdq = QdqStructure::analyze(g);
    ASSERT_TRUE(qdq);
    // x, c1, r1 (Conv and Relu outputs), y: 4 activations; 2 weights; 2 biases.
    EXPECT_EQ(qdq->countOf(QuantizedKind::Activation), 4);
    EXPECT_EQ(qdq->countOf(QuantizedKind::Weight), 2);
    EXPECT_EQ(qdq->countOf(QuantizedKind::Bias), 2);
    const QuantizedTensor* c1 = qdq->findByFloatName("c1");
    ASSERT_NE(c1, nullptr);
    EXPECT_FLOAT_EQ(c1->params.scales[0], 5.0f / 255.0f);
    EXPECT_EQ(c1->params.zeroPoints[0], 102);
    const QuantizedTensor* w1 = qdq->findByFloatName("W1");
    ASSERT_NE(w1, nullptr);
    EXPECT_FLOAT_EQ(w1->params.scales[0], test::convNetWeight1Scale());
    EXPECT_EQ(w1->params.elementType, onnx::TensorProto::INT8);
    const QuantizedTensor* b1 = qdq->findByFloatName("B1");
    ASSERT_NE(b1, nullptr);
    EXPECT_FLOAT_EQ(b1->params.scales[0], (1.0f / 255.0f) * test::convNetWeight1Scale());

    auto session = InferenceSession::fromBytes(*q->model.serialize(), "quantized");
    ASSERT_TRUE(session) << session.errorMessage();
    const std::vector<float> x(48, 0.5f);
    auto out = session->run({{"x", {1, 3, 4, 4}, x.data(), x.size()}});
    ASSERT_TRUE(out) << out.errorMessage();
}

TEST(QdqQuantizer, ExcludedNodesStayFloat) {
    QuantizerSettings s;
    s.nodesToExclude = {"conv2"};
    auto q = quantizeQdq(convNet(), handRanges(), s);
    ASSERT_TRUE(q) << q.errorMessage();
    auto qdq = QdqStructure::analyze(q->model.graph());
    EXPECT_EQ(qdq->findByFloatName("W2"), nullptr);
    EXPECT_EQ(qdq->findByFloatName("y_QuantizeLinear_Input"), nullptr);
    EXPECT_NE(qdq->findByFloatName("r1"), nullptr);  // Relu still quantizes its output
    EXPECT_TRUE(q->model.graph().isInitializer("W2"));
}

TEST(QdqQuantizer, PerChannelWeightsAndReduceRange) {
    QuantizerSettings s;
    s.perChannel = true;
    s.reduceRange = true;
    auto q = quantizeQdq(convNet(), handRanges(), s);
    ASSERT_TRUE(q) << q.errorMessage();
    auto qdq = QdqStructure::analyze(q->model.graph());
    const QuantizedTensor* w1 = qdq->findByFloatName("W1");
    ASSERT_NE(w1, nullptr);
    ASSERT_EQ(w1->params.scales.size(), 3u);
    EXPECT_EQ(w1->params.axis, 0);
    for (const int64_t v : tensorToInts(*q->model.graph().initializer("W1_quantized")))
        EXPECT_LE(std::abs(v), 64);  // 7-bit
    EXPECT_EQ(qdq->findByFloatName("B1")->params.scales.size(), 3u);
}

TEST(QdqQuantizer, UnknownExcludedNodeListsTheNearest) {
    QuantizerSettings s;
    s.nodesToExclude = {"conv_2"};
    auto q = quantizeQdq(convNet(), handRanges(), s);
    ASSERT_FALSE(q);
    EXPECT_NE(q.errorMessage().find("'conv_2' is not a node"), std::string::npos) << q.errorMessage();
    EXPECT_NE(q.errorMessage().find("nearest: 'conv2'"), std::string::npos) << q.errorMessage();
}

TEST(QdqQuantizer, MissingCalibrationRangeIsAnError) {
    CalibrationData d = handRanges();
    d.tensors.erase("c1");
    auto q = quantizeQdq(convNet(), d, {});
    ASSERT_FALSE(q);
    EXPECT_NE(q.errorMessage().find("'c1'"), std::string::npos);
}

TEST(QdqQuantizer, RefusesAnAlreadyQuantizedModel) {
    auto model = OnnxModel::fromProto(test::makeQdqConvNet(), "qdq");
    auto q = quantizeQdq(*model, handRanges(), {});
    ASSERT_FALSE(q);
    EXPECT_NE(q.errorMessage().find("already quantized"), std::string::npos);
}

TEST(NodeList, ParsesPythonJsonAndLines) {
    EXPECT_EQ(*parseNodeList("['/a/Conv', \"/b/Mul\",]"), (std::vector<std::string>{"/a/Conv", "/b/Mul"}));
    EXPECT_EQ(*parseNodeList("nodes_to_exclude = [\n  '/a',  # head\n  '/b'\n]"), (std::vector<std::string>{"/a", "/b"}));
    EXPECT_EQ(*parseNodeList("/a\n\n# comment\n/b\n"), (std::vector<std::string>{"/a", "/b"}));
    EXPECT_TRUE(parseNodeList("[]")->empty());
    EXPECT_FALSE(parseNodeList("['/a'"));
    EXPECT_FALSE(parseNodeList("[/a]"));
}

TEST(NodeList, CatchesTheMissingComma) {
    auto r = parseNodeList("['/model.22/Concat_3', '/model.22/Split', '/model.22/Sigmoid' '/model.22/dfl/Reshape', "
                           "'/model.22/dfl/Transpose']");
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("missing comma between '/model.22/Sigmoid' and '/model.22/dfl/Reshape'"), std::string::npos)
        << r.errorMessage();
}

TEST(NodeList, PythonListRoundTrip) {
    const std::vector<std::string> names = {"/a/b", "it's"};
    EXPECT_EQ(toPythonList(names), "['/a/b', 'it\\'s']");
    EXPECT_EQ(*parseNodeList(toPythonList(names)), names);
}

TEST(Calibrator, MinMaxOverImagesAndTheCache) {
    namespace fs = std::filesystem;
    const std::string dir = test::tempPath("calib");
    fs::create_directories(dir);
    cv::imwrite(dir + "/a.png", cv::Mat(4, 4, CV_8UC3, cv::Scalar(0, 0, 0)));
    cv::imwrite(dir + "/b.png", cv::Mat(4, 4, CV_8UC3, cv::Scalar(255, 255, 255)));
    const OnnxModel model = convNet();
    CalibrationOptions o;
    o.preprocess.width = o.preprocess.height = 4;
    const std::vector<std::string> images = {dir + "/a.png", dir + "/b.png"};
    CalibrationCache cache(test::tempPath("cache"));
    bool fromCache = true;
    auto first = cache.get(model, images, o, {}, &fromCache);
    ASSERT_TRUE(first) << first.errorMessage();
    EXPECT_FALSE(fromCache);
    EXPECT_DOUBLE_EQ((*first)->tensors.at("x").min, 0.0);
    EXPECT_DOUBLE_EQ((*first)->tensors.at("x").max, 1.0);
    EXPECT_EQ((*first)->tensors.count("r1"), 1u);
    auto second = cache.get(model, images, o, {}, &fromCache);
    ASSERT_TRUE(second);
    EXPECT_TRUE(fromCache);
    // A new process reads the file: same statistics.
    auto json = (*first)->toJson();
    auto parsed = CalibrationData::fromJson(json);
    ASSERT_TRUE(parsed) << parsed.errorMessage();
    EXPECT_DOUBLE_EQ(parsed->tensors.at("r1").max, (*first)->tensors.at("r1").max);
    EXPECT_EQ(parsed->key, (*first)->key);
}

TEST(Calibrator, PercentileAndEntropyRanges) {
    TensorStatistics s;
    s.min = 0.0;
    s.max = 100.0;
    s.histogramLo = 0.0;
    s.binWidth = 1.0;
    s.histogram.assign(100, 0.0);
    for (int b = 0; b < 10; ++b)
        s.histogram[static_cast<size_t>(b)] = 99.0;  // 990 values in [0, 10)
    s.histogram[99] = 10.0;                          // 10 outliers near 100: 1%
    const auto p = percentileRange(s, 99.0, false);
    EXPECT_DOUBLE_EQ(p.lo, 0.0);
    EXPECT_DOUBLE_EQ(p.hi, 10.0);
    EXPECT_DOUBLE_EQ(percentileRange(s, 100.0, false).hi, 100.0);
    EXPECT_DOUBLE_EQ(percentileRange(s, 99.0, true).lo, -10.0);

    TensorStatistics e;
    e.histogramLo = -64.0;
    e.binWidth = 1.0;
    e.histogram.assign(128, 0.0);
    for (size_t b = 60; b < 68; ++b)
        e.histogram[b] = 1000.0;  // mass in [-4, 4)
    e.histogram[0] = 1.0;         // one far outlier
    const auto full = entropyRange(e, 128);  // ONNX Runtime's defaults: one candidate, the whole range
    EXPECT_DOUBLE_EQ(full.lo, -64.0);
    const auto tight = entropyRange(e, 8);   // a real search clips the outlier
    EXPECT_GT(tight.lo, -64.0);
    EXPECT_LE(tight.lo, -4.0);
}

// The settings a QDQ model was made with, read back from the model alone: the round trip through
// QuantLens' quantizer with settings chosen here gives them back.
TEST(InferredSettings, ReadsBackTheSettingsAModelWasMadeWith) {
    QuantizerSettings made;
    made.activationType = QuantType::QInt8;
    made.perChannel = true;
    made.nodesToExclude = {"conv2"};
    auto q = quantizeQdq(convNet(), handRanges(), made);
    ASSERT_TRUE(q) << q.errorMessage();
    auto analyzed = AnalyzedModel::analyze(std::move(q->model));
    ASSERT_TRUE(analyzed);
    auto inferred = inferSettings(analyzed->model.graph(), analyzed->qdq);
    ASSERT_TRUE(inferred) << inferred.errorMessage();
    const QuantizerSettings& s = inferred->settings;
    EXPECT_EQ(s.activationType, QuantType::QInt8);
    EXPECT_EQ(s.weightType, QuantType::QInt8);
    EXPECT_TRUE(s.perChannel);
    EXPECT_TRUE(s.effectiveWeightSymmetric());
    EXPECT_TRUE(s.quantizeBias);
    EXPECT_EQ(s.nodesToExclude, std::vector<std::string>{"conv2"});
    EXPECT_NE(std::find(s.opTypesToQuantize.begin(), s.opTypesToQuantize.end(), "Conv"), s.opTypesToQuantize.end());

    auto plain = AnalyzedModel::analyze(std::move(OnnxModel::fromProto(test::makeQdqConvNet(), "qdq")).value());
    ASSERT_TRUE(plain);
    auto fromFile = inferSettings(plain->model.graph(), plain->qdq);  // made by hand as ONNX Runtime would
    ASSERT_TRUE(fromFile);
    EXPECT_EQ(fromFile->settings.activationType, QuantType::QUInt8);
    EXPECT_FALSE(fromFile->settings.perChannel);
    EXPECT_TRUE(fromFile->settings.nodesToExclude.empty());

    auto fp32 = AnalyzedModel::analyze(convNet());
    EXPECT_FALSE(inferSettings(fp32->model.graph(), fp32->qdq));  // a float model made with no settings
}

}  // namespace
}  // namespace ql
