#include <cmath>
#include <filesystem>
#include <limits>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "model/ModelBuilder.h"
#include "model/TensorData.h"
#include "preprocess/ImagePreprocessor.h"
#include "quantize/MinMaxCalibration.h"
#include "runtime/ActivationCapture.h"
#include "runtime/InferenceSession.h"
#include "runtime/KernelChunks.h"
#include "runtime/MinMaxOp.h"
#include "runtime/QuantLensOps.h"
#include "support/TestModels.h"

namespace ql {
namespace {

TEST(MinMaxOp, ReductionSkipsNanAndHandlesTails) {
    std::vector<float> v(37);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = static_cast<float>(i) - 10.0f;
    v[36] = 99.0f;  // in the tail after the last full block of 16
    v[5] = std::numeric_limits<float>::quiet_NaN();
    float lo = 0, hi = 0;
    minMaxOf(v.data(), v.size(), &lo, &hi);
    EXPECT_EQ(lo, -10.0f);
    EXPECT_EQ(hi, 99.0f);
    minMaxOf(v.data(), 0, &lo, &hi);
    EXPECT_TRUE(std::isinf(lo) && lo > 0);
    EXPECT_TRUE(std::isinf(hi) && hi < 0);
}

// x -> Conv -> c -> Sigmoid -> s; Mul(c, s) -> m; Relu(m) -> r; Reshape(r) -> rs;
// Concat(rs, m') -> cat, with m' = Reshape(m); Concat(cat, K) -> y with K a constant.
TEST(MinMaxOp, KernelSplitAcrossThreadsFindsTheWholeRange) {
    // Big enough for the kernel to cut it into chunks; the extremes sit in different chunks.
    const int64_t n = 5 * static_cast<int64_t>(kKernelChunk) + 77;
    ASSERT_GT(kernelChunkCount(static_cast<size_t>(n)), 1u);
    ModelBuilder b;
    b.input("x", {n}).output("range", {2});
    b.node("Identity", {"x"}, {"x_copy"}, "copy");
    b.node(kMinMaxOp, {"x_copy"}, {"pass", "range"}, "minmax").set_domain(kQuantLensDomain);
    auto* opset = b.proto().add_opset_import();
    opset->set_domain(kQuantLensDomain);
    opset->set_version(1);
    SessionOptions options;
    options.quantLensOps = true;
    auto session = InferenceSession::fromBytes(b.build().SerializeAsString(), "minmax", options);
    ASSERT_TRUE(session) << session.errorMessage();
    std::vector<float> x(static_cast<size_t>(n), 0.5f);
    x[3 * kKernelChunk + 5] = -4.25f;
    x.back() = 9.5f;
    auto out = session->run({{"x", {n}, x.data(), x.size()}});
    ASSERT_TRUE(out) << out.errorMessage();
    const TensorView& range = out->view(0);
    ASSERT_EQ(range.size, 2u);
    EXPECT_EQ(range.data[0], -4.25f);
    EXPECT_EQ(range.data[1], 9.5f);
}

onnx::ModelProto siluNet() {
    ModelBuilder b;
    b.input("x", {1, 3, 4, 4}).output("y");
    std::vector<float> w(2 * 3 * 1 * 1);
    for (size_t i = 0; i < w.size(); ++i)
        w[i] = 0.5f - 0.3f * static_cast<float>(i);
    b.floatInitializer("W", {2, 3, 1, 1}, w);
    b.node("Conv", {"x", "W"}, {"c"}, "conv");
    b.node("Sigmoid", {"c"}, {"s"}, "sigmoid");
    b.node("Mul", {"c", "s"}, {"m"}, "mul");
    b.node("Relu", {"m"}, {"r"}, "relu");
    b.initializer(makeIntTensor("shape", onnx::TensorProto::INT64, {2}, {1, 32}));
    b.node("Reshape", {"r", "shape"}, {"rs"}, "reshape_r");
    b.node("Reshape", {"m", "shape"}, {"ms"}, "reshape_m");
    setAttribute(b.node("Concat", {"rs", "ms"}, {"cat"}, "concat"), "axis", int64_t{1});
    b.floatInitializer("K", {1, 4}, {-7.0f, 0.0f, 1.0f, 9.0f});
    setAttribute(b.node("Concat", {"cat", "K"}, {"y"}, "concat_k"), "axis", int64_t{1});
    return b.build();
}

TEST(MinMaxCalibration, DerivesOnlyExactRanges) {
    auto model = OnnxModel::fromProto(siluNet(), "silu");
    ASSERT_TRUE(model) << model.errorMessage();
    const RangePlan plan = planRanges(model->graph(), calibrationTensors(*model));
    std::map<std::string, std::string> derivedOp;
    for (const auto& d : plan.derived)
        derivedOp[d.tensor] = d.op;
    EXPECT_EQ(derivedOp, (std::map<std::string, std::string>{
                             {"s", "Sigmoid"}, {"r", "Relu"}, {"rs", "Reshape"}, {"ms", "Reshape"}, {"cat", "Concat"}}));
    // Measured: the input, what a Conv or Mul computes, and a Concat with a constant input.
    EXPECT_EQ(plan.measured, (std::vector<std::string>{"x", "c", "m", "y"}));
}

TEST(MinMaxCalibration, RangesEqualThoseOfTheFullTensors) {
    namespace fs = std::filesystem;
    auto model = OnnxModel::fromProto(siluNet(), "silu");
    ASSERT_TRUE(model);
    const std::string dir = test::tempPath("minmax-images");
    fs::create_directories(dir);
    std::vector<std::string> images;
    cv::RNG rng(7);
    for (int i = 0; i < 3; ++i) {
        cv::Mat m(4, 4, CV_8UC3);
        rng.fill(m, cv::RNG::UNIFORM, 0, 256);
        images.push_back(dir + "/" + std::to_string(i) + ".png");
        ASSERT_TRUE(cv::imwrite(images.back(), m));
    }
    CalibrationOptions options;
    options.preprocess.width = options.preprocess.height = 4;
    const auto tensors = calibrationTensors(*model);
    auto data = calibrateMinMax(*model, tensors, images, options, {});
    ASSERT_TRUE(data) << data.errorMessage();

    // Independently: every tensor captured whole, min and max taken here.
    auto capture = CaptureSession::create(*model, tensors, {});
    ASSERT_TRUE(capture) << capture.errorMessage();
    const ImagePreprocessor pre(options.preprocess);
    std::map<std::string, std::pair<double, double>> expected;
    for (const auto& image : images) {
        auto p = pre.prepare(image);
        ASSERT_TRUE(p);
        auto run = capture->session.run({{"x", p->shape, p->tensor.data(), p->tensor.size()}}, capture->outputNames);
        ASSERT_TRUE(run) << run.errorMessage();
        auto fold = [&](const std::string& name, const float* v, size_t n) {
            auto [it, fresh] = expected.emplace(name, std::make_pair(HUGE_VAL, -HUGE_VAL));
            for (size_t i = 0; i < n; ++i) {
                it->second.first = std::min<double>(it->second.first, v[i]);
                it->second.second = std::max<double>(it->second.second, v[i]);
            }
        };
        fold("x", p->tensor.data(), p->tensor.size());
        for (size_t k = 0; k < capture->outputNames.size(); ++k)
            fold(capture->outputNames[k], run->view(k).data, run->view(k).size);
    }
    ASSERT_EQ(data->tensors.size(), tensors.size());
    for (const auto& t : tensors) {
        SCOPED_TRACE(t);
        ASSERT_TRUE(expected.count(t));
        EXPECT_NEAR(data->tensors.at(t).min, expected[t].first, 1e-6 * (1.0 + std::fabs(expected[t].first)));
        EXPECT_NEAR(data->tensors.at(t).max, expected[t].second, 1e-6 * (1.0 + std::fabs(expected[t].second)));
    }
}

}  // namespace
}  // namespace ql
