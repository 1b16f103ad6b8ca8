#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "analysis/ActivationComparison.h"
#include "analysis/FakeQuantModel.h"
#include "model/ModelBuilder.h"
#include "model/TensorData.h"
#include "preprocess/ImagePreprocessor.h"
#include "support/TestModels.h"

namespace ql {
namespace {

constexpr float kInputScale = 1.0f / 64.0f;
constexpr int kInputZero = 128;
constexpr float kReluScale = 1.0f / 100.0f;

// How a quantized model's Q/DQ pairs hold their parameters: ONNX Runtime's quantizer shares one
// scale and zero point between the two nodes, which lets the analysis run each pair as a single
// FakeQuant node; with separate copies the pair stays as it is.
enum class PairParameters { Shared, Separate };

void addPair(ModelBuilder& b, const std::string& t, float scale, int zero, PairParameters parameters) {
    auto addParameters = [&](const std::string& owner) {
        b.floatInitializer(owner + "_scale", {}, {scale});
        b.initializer(makeIntTensor(owner + "_zero_point", onnx::TensorProto::UINT8, {}, {zero}));
    };
    const std::string dq = parameters == PairParameters::Shared ? t : t + "_dq";
    addParameters(t);
    if (dq != t)
        addParameters(dq);
    b.node("QuantizeLinear", {t, t + "_scale", t + "_zero_point"}, {t + "_QuantizeLinear_Output"}, t + "_QuantizeLinear");
    b.node("DequantizeLinear", {t + "_QuantizeLinear_Output", dq + "_scale", dq + "_zero_point"},
           {t + "_DequantizeLinear_Output"}, t + "_DequantizeLinear");
}

AnalyzedModel reluMul(bool quantized, PairParameters parameters = PairParameters::Shared) {
    ModelBuilder b;
    b.input("x", {1, 3, 2, 2}).output("y", {1, 3, 2, 2});
    b.floatInitializer("two", {}, {2.0f});
    if (quantized) {
        addPair(b, "x", kInputScale, kInputZero, parameters);
        b.node("Relu", {"x_DequantizeLinear_Output"}, {"r"}, "relu");
        addPair(b, "r", kReluScale, 0, parameters);
        b.node("Mul", {"r_DequantizeLinear_Output", "two"}, {"y"}, "mul");
    } else {
        b.node("Relu", {"x"}, {"r"}, "relu");
        b.node("Mul", {"r", "two"}, {"y"}, "mul");
    }
    auto model = AnalyzedModel::analyze(std::move(OnnxModel::fromProto(b.build(), quantized ? "q" : "f")).value());
    return std::move(model).value();
}

double qdq(double v, double scale, int zero) {
    const double q = std::clamp(std::nearbyint(v / scale) + zero, 0.0, 255.0);
    return (q - zero) * scale;
}

double sqnr(const std::vector<double>& ref, const std::vector<double>& test) {
    double s = 0, n = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        s += ref[i] * ref[i];
        n += (ref[i] - test[i]) * (ref[i] - test[i]);
    }
    return 10.0 * std::log10(s / n);
}

class IndependentComputation : public ::testing::TestWithParam<PairParameters> {};

TEST(ActivationComparison, PairsSharingParametersRunAsFakeQuantNodes) {
    const AnalyzedModel shared = reluMul(true, PairParameters::Shared);
    const FakeQuantModel fake = withFakeQuantNodes(shared.model, shared.qdq);
    EXPECT_EQ(fake.sumsOf.size(), 2u);
    for (const auto& node : fake.proto.graph().node())
        EXPECT_TRUE(node.op_type() != "QuantizeLinear" && node.op_type() != "DequantizeLinear") << node.name();
    EXPECT_EQ(shared.model.proto().graph().node_size(), 6);  // the original is unchanged

    const AnalyzedModel separate = reluMul(true, PairParameters::Separate);
    EXPECT_TRUE(withFakeQuantNodes(separate.model, separate.qdq).sumsOf.empty());
}

TEST_P(IndependentComputation, MatchesIt) {
    // A 2x2 image with distinct BGR pixels; preprocessing maps them to x = value/255 - 0.5.
    cv::Mat image(2, 2, CV_8UC3);
    const uint8_t pixels[12] = {0, 40, 77, 101, 128, 150, 170, 199, 222, 250, 255, 13};
    std::memcpy(image.data, pixels, sizeof pixels);
    const std::string path = test::tempPath("tiny.png");
    ASSERT_TRUE(cv::imwrite(path, image));

    ActivationOptions options;
    options.preprocess.width = options.preprocess.height = 2;
    options.preprocess.resize = ResizeMode::Stretch;
    options.preprocess.rgb = false;
    options.preprocess.mean = {0.5f, 0.5f, 0.5f};
    auto report = compareActivations(reluMul(false), reluMul(true, GetParam()), {path, path}, options);
    ASSERT_TRUE(report) << report.errorMessage();
    EXPECT_EQ(report->imageCount, 2u);
    ASSERT_EQ(report->layers.size(), 2u);

    // Independent computation, channel-major as the tensor is laid out (BGR kept).
    std::vector<double> x, xq, rFp32, rPre, rPost;
    for (int c = 0; c < 3; ++c)
        for (int p = 0; p < 4; ++p) {
            const double v = static_cast<float>(pixels[p * 3 + c] * (1.0f / 255.0f) - 0.5f);
            x.push_back(v);
            xq.push_back(qdq(v, kInputScale, kInputZero));
            rFp32.push_back(std::max(0.0, v));
            rPre.push_back(std::max(0.0, xq.back()));
            rPost.push_back(qdq(rPre.back(), kReluScale, 0));
        }
    const ActivationError& in = report->layers[0];
    EXPECT_EQ(in.name, "x");
    EXPECT_EQ(in.fp32Name, "x");
    EXPECT_EQ(in.producerOp, "Input");
    EXPECT_NEAR(in.rounding.sqnrDb, sqnr(x, xq), 1e-3);
    EXPECT_NEAR(in.accumulated.sqnrDb, sqnr(x, xq), 1e-3);
    EXPECT_DOUBLE_EQ(in.quantLo, -128.0 / 64.0);
    EXPECT_DOUBLE_EQ(in.quantHi, 127.0 / 64.0);
    EXPECT_EQ(in.clippedFraction, 0.0);

    const ActivationError& r = report->layers[1];
    EXPECT_EQ(r.name, "r");
    EXPECT_EQ(r.producer, "relu");
    EXPECT_NEAR(r.rounding.sqnrDb, sqnr(rPre, rPost), 1e-3);
    EXPECT_NEAR(r.accumulated.sqnrDb, sqnr(rFp32, rPost), 1e-3);
    EXPECT_EQ(r.accumulated.count, 24u);  // 12 values, 2 images
    EXPECT_DOUBLE_EQ(r.fp32Min, 0.0);
    EXPECT_NEAR(r.fp32Max, *std::max_element(rFp32.begin(), rFp32.end()), 1e-6);
    EXPECT_EQ(r.histograms.reference.total(), 24u);
    EXPECT_EQ(r.histograms.error.total(), 24u);
    // ReLU output spans 0..0.5 of the representable 0..2.55.
    EXPECT_NEAR(r.rangeUsed, *std::max_element(rPost.begin(), rPost.end()) / 2.55, 1e-6);

    ASSERT_EQ(report->outputs.size(), 1u);
    std::vector<double> yFp32, yQuant;
    for (size_t i = 0; i < rFp32.size(); ++i) {
        yFp32.push_back(2 * rFp32[i]);
        yQuant.push_back(2 * rPost[i]);
    }
    EXPECT_NEAR(report->outputs[0].metrics.sqnrDb, sqnr(yFp32, yQuant), 1e-3);
}

INSTANTIATE_TEST_SUITE_P(ActivationComparison, IndependentComputation,
                         ::testing::Values(PairParameters::Shared, PairParameters::Separate),
                         [](const auto& info) { return info.param == PairParameters::Shared ? "FakeQuant" : "QdqPairs"; });

TEST(ActivationComparison, ClippingIsCounted) {
    cv::Mat image(2, 2, CV_8UC3, cv::Scalar(255, 255, 255));
    const std::string path = test::tempPath("white.png");
    ASSERT_TRUE(cv::imwrite(path, image));
    ActivationOptions options;
    options.preprocess.width = options.preprocess.height = 2;
    options.preprocess.scale = 1.0f;  // 0..255 input: far outside x's range of about ±2
    auto report = compareActivations(reluMul(false), reluMul(true), {path}, options);
    ASSERT_TRUE(report) << report.errorMessage();
    EXPECT_DOUBLE_EQ(report->layers[0].clippedFraction, 1.0);
}

TEST(ActivationComparison, PairsByStructureWhenNamesDiffer) {
    cv::Mat image(4, 4, CV_8UC3, cv::Scalar(30, 90, 200));
    const std::string path = test::tempPath("conv.png");
    ASSERT_TRUE(cv::imwrite(path, image));
    test::QdqOptions names;
    names.onnxRuntimeNames = false;
    names.inputScale = 1.0f / 100.0f;  // off the k/255 grid of the image, so every SQNR is finite
    auto fp32 = AnalyzedModel::analyze(std::move(OnnxModel::fromProto(test::makeConvNet(), "f")).value());
    auto quant = AnalyzedModel::analyze(std::move(OnnxModel::fromProto(test::makeQdqConvNet(names), "q")).value());
    ActivationOptions options;
    options.preprocess.width = options.preprocess.height = 4;
    auto report = compareActivations(*fp32, *quant, {path}, options);
    ASSERT_TRUE(report) << report.errorMessage();
    ASSERT_EQ(report->layers.size(), 3u);
    for (const auto& l : report->layers) {
        EXPECT_TRUE(l.problem.empty()) << l.name << ": " << l.problem;
        EXPECT_TRUE(std::isfinite(l.accumulated.sqnrDb)) << l.name;
    }
    EXPECT_EQ(report->layers[2].fp32Name, "y");
}

// A folder with one good image, a JPEG cut short and a .png that is no image: the comparison runs
// on the good one, as it would on that image alone, and names both others.
TEST(ActivationComparison, UnreadableImagesAreSkippedAndNamed) {
    const std::string dir = test::tempPath("bad_images");
    std::filesystem::create_directories(dir);
    cv::Mat good(2, 2, CV_8UC3);
    good.at<cv::Vec3b>(0, 0) = {10, 200, 40};
    good.at<cv::Vec3b>(0, 1) = {250, 0, 90};
    good.at<cv::Vec3b>(1, 0) = {70, 130, 5};
    good.at<cv::Vec3b>(1, 1) = {180, 60, 220};
    ASSERT_TRUE(cv::imwrite(dir + "/b_good.png", good));
    cv::Mat photo(64, 64, CV_8UC3);
    cv::randu(photo, cv::Scalar::all(0), cv::Scalar::all(255));
    std::vector<uchar> jpeg;
    ASSERT_TRUE(cv::imencode(".jpg", photo, jpeg));
    std::ofstream(dir + "/a_cut.jpg", std::ios::binary).write(reinterpret_cast<const char*>(jpeg.data()),
                                                              static_cast<std::streamsize>(jpeg.size() / 2));
    std::ofstream(dir + "/c_garbage.png") << "not an image at all";
    ActivationOptions options;
    options.preprocess.width = options.preprocess.height = 2;
    auto images = collectImages({dir});
    ASSERT_TRUE(images);
    ASSERT_EQ(images->size(), 3u);
    auto report = compareActivations(reluMul(false), reluMul(true), *images, options);
    ASSERT_TRUE(report) << report.errorMessage();
    EXPECT_EQ(report->imageCount, 1u);
    auto named = [&](const std::string& file, const std::string& why) {
        return std::any_of(report->warnings.begin(), report->warnings.end(), [&](const std::string& w) {
            return w.find("skipped: ") == 0 && w.find(file) != std::string::npos && w.find(why) != std::string::npos;
        });
    };
    EXPECT_TRUE(named("a_cut.jpg", "truncated"));
    EXPECT_TRUE(named("c_garbage.png", "not an image"));
    auto alone = compareActivations(reluMul(false), reluMul(true), {dir + "/b_good.png"}, options);
    ASSERT_TRUE(alone) << alone.errorMessage();
    ASSERT_EQ(report->layers.size(), alone->layers.size());
    for (size_t i = 0; i < report->layers.size(); ++i)
        EXPECT_DOUBLE_EQ(report->layers[i].accumulated.sqnrDb, alone->layers[i].accumulated.sqnrDb);
    EXPECT_DOUBLE_EQ(report->outputs.at(0).metrics.sqnrDb, alone->outputs.at(0).metrics.sqnrDb);

    // Nothing readable at all stays an error, naming the first file.
    auto none = compareActivations(reluMul(false), reluMul(true), {dir + "/a_cut.jpg", dir + "/c_garbage.png"}, options);
    ASSERT_FALSE(none);
    EXPECT_FALSE(none.cancelled());
    EXPECT_NE(none.errorMessage().find("a_cut.jpg"), std::string::npos) << none.errorMessage();
}

TEST(ActivationComparison, CancelStopsTheRun) {
    std::atomic<bool> cancel{true};
    TaskControl control;
    control.cancel = &cancel;
    ActivationOptions options;
    auto report = compareActivations(reluMul(false), reluMul(true), {"any.png"}, options, control);
    ASSERT_FALSE(report);
    EXPECT_TRUE(report.cancelled());  // a kind of error, told apart without reading its text
    cancel = false;
    auto failed = compareActivations(reluMul(false), reluMul(true), {"/nonexistent/any.png"}, options, control);
    ASSERT_FALSE(failed);
    EXPECT_FALSE(failed.cancelled());
}

}  // namespace
}  // namespace ql
