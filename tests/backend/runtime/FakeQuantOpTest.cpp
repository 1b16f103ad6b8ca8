#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "model/ModelBuilder.h"
#include "inspect/QdqStructure.h"
#include "runtime/FakeQuantOp.h"
#include "runtime/InferenceSession.h"
#include "runtime/KernelChunks.h"
#include "runtime/QuantLensOps.h"

namespace ql {
namespace {

// Values on both sides of the grid, ties (x.5 steps), and beyond both ends of the range.
std::vector<float> probeValues(float scale) {
    std::vector<float> v;
    for (int k = -700; k <= 700; ++k)
        v.push_back(static_cast<float>(k) * scale * 0.5f);
    for (float extreme : {-1e6f, 1e6f, 0.0f, -0.0f})
        v.push_back(extreme);
    return v;
}

void expectLikeQuantizeDequantize(int elementType, float scale, int64_t zeroPoint) {
    QuantParams q;
    q.elementType = elementType;
    q.scales = {scale};
    q.zeroPoints = {zeroPoint};
    const std::vector<float> x = probeValues(scale);
    // QuantizeLinear as ONNX Runtime computes it: float division, round half to even, saturate.
    std::vector<float> expected;
    for (const float v : x) {
        const float rounded = std::nearbyint(v / scale) + static_cast<float>(zeroPoint);
        const auto level = std::clamp<int64_t>(static_cast<int64_t>(rounded), q.qmin(), q.qmax());
        expected.push_back(static_cast<float>(level - zeroPoint) * scale);
    }

    FakeQuantParams params{scale, zeroPoint, q.qmin(), q.qmax()};
    std::vector<float> y(x.size());
    double sums[kFakeQuantSums];
    fakeQuantize(x.data(), x.size(), params, y.data(), sums);
    for (size_t i = 0; i < x.size(); ++i)
        ASSERT_EQ(y[i], expected[i]) << "x = " << x[i] << ", type " << elementType;

    double x2 = 0, y2 = 0, xy = 0, d2 = 0, maxD = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        x2 += double(x[i]) * x[i];
        y2 += double(y[i]) * y[i];
        xy += double(x[i]) * y[i];
        d2 += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
        maxD = std::max(maxD, std::fabs(double(x[i]) - y[i]));
    }
    // The kernel sums in float over blocks of 4096 values (double across blocks); added up one
    // by one, as an unvectorised debug build does, that drifts by a few parts in a million.
    constexpr double kRelative = 1e-4;
    EXPECT_NEAR(sums[kSumInput2], x2, x2 * kRelative);
    EXPECT_NEAR(sums[kSumOutput2], y2, y2 * kRelative);
    EXPECT_NEAR(sums[kSumInputOutput], xy, std::fabs(xy) * kRelative);
    EXPECT_NEAR(sums[kSumDiff2], d2, d2 * kRelative);
    EXPECT_FLOAT_EQ(sums[kMaxAbsDiff], maxD);
    EXPECT_EQ(sums[kCount], static_cast<double>(x.size()));
    EXPECT_EQ(sums[kOutputMin], *std::min_element(expected.begin(), expected.end()));
    EXPECT_EQ(sums[kOutputMax], *std::max_element(expected.begin(), expected.end()));
}

TEST(FakeQuantOp, RoundsAndSaturatesAsQuantizeLinearThenDequantizes) {
    expectLikeQuantizeDequantize(onnx::TensorProto::UINT8, 0.02f, 128);
    expectLikeQuantizeDequantize(onnx::TensorProto::UINT8, 0.0037f, 0);
    expectLikeQuantizeDequantize(onnx::TensorProto::INT8, 0.013f, -5);
    expectLikeQuantizeDequantize(onnx::TensorProto::INT16, 0.0001f, 0);
    expectLikeQuantizeDequantize(onnx::TensorProto::UINT16, 0.0002f, 32768);
}

TEST(FakeQuantOp, KernelSplitAcrossThreadsMatchesOnePass) {
    // Big enough for the kernel to cut it into chunks for ONNX Runtime's threads.
    const int64_t n = 5 * static_cast<int64_t>(kKernelChunk) + 123;
    ASSERT_GT(kernelChunkCount(static_cast<size_t>(n)), 1u);
    const FakeQuantParams params{0.01f, 3, 0, 255};
    ModelBuilder b;
    b.input("x", {n}).output("y", {n}).output("sums", {kFakeQuantSums}, onnx::TensorProto::DOUBLE);
    onnx::NodeProto& node = b.node(kFakeQuantOp, {"x"}, {"y", "sums"}, "fq");
    node.set_domain(kQuantLensDomain);
    setAttribute(node, "scale", params.scale);
    setAttribute(node, "zero_point", params.zeroPoint);
    setAttribute(node, "qmin", params.qmin);
    setAttribute(node, "qmax", params.qmax);
    auto* opset = b.proto().add_opset_import();
    opset->set_domain(kQuantLensDomain);
    opset->set_version(1);
    SessionOptions options;
    options.quantLensOps = true;
    auto session = InferenceSession::fromBytes(b.build().SerializeAsString(), "fake-quant", options);
    ASSERT_TRUE(session) << session.errorMessage();

    std::vector<float> x(static_cast<size_t>(n));
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = std::sin(0.001f * static_cast<float>(i)) * 1.5f;
    auto out = session->run({{"x", {n}, x.data(), x.size()}});
    ASSERT_TRUE(out) << out.errorMessage();
    std::vector<float> y(x.size());
    double expected[kFakeQuantSums];
    fakeQuantize(x.data(), x.size(), params, y.data(), expected);
    const TensorView& yOut = out->view(0);
    ASSERT_EQ(yOut.size, y.size());
    EXPECT_TRUE(std::equal(y.begin(), y.end(), yOut.data));
    const auto* sums = static_cast<const double*>(out->view(1).raw);
    for (int k : {kSumInput2, kSumOutput2, kSumInputOutput, kSumDiff2})
        EXPECT_NEAR(sums[k], expected[k], std::fabs(expected[k]) * 1e-9) << k;  // chunks add the same blocks
    for (int k : {kMaxAbsDiff, kCount, kOutputMin, kOutputMax})
        EXPECT_EQ(sums[k], expected[k]) << k;
}

TEST(FakeQuantOp, EmptyInputGivesEmptySums) {
    double sums[kFakeQuantSums];
    fakeQuantize(nullptr, 0, {}, nullptr, sums);
    EXPECT_EQ(sums[kCount], 0.0);
    EXPECT_EQ(sums[kSumDiff2], 0.0);
    EXPECT_GT(sums[kOutputMin], sums[kOutputMax]);  // no values: an empty range
}

}  // namespace
}  // namespace ql
