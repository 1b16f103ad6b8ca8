#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/BoxTrace.h"
#include "model/ModelBuilder.h"
#include "model/TensorData.h"
#include "runtime/ActivationCapture.h"
#include "support/TestModels.h"

namespace ql {
namespace {

AnalyzedModel analyzed(onnx::ModelProto proto, const std::string& name) {
    auto model = OnnxModel::fromProto(std::move(proto), name);
    EXPECT_TRUE(model) << model.errorMessage();
    auto a = AnalyzedModel::analyze(std::move(model).value());
    EXPECT_TRUE(a) << a.errorMessage();
    return std::move(a).value();
}

PreparedImage traceInput() {
    PreparedImage image;
    image.shape = {1, 3, 32, 32};
    image.tensor.resize(3 * 32 * 32);
    for (size_t i = 0; i < image.tensor.size(); ++i)  // a smooth pattern in 0..1, not on the 1/255 grid
        image.tensor[i] = 0.5f + 0.45f * std::sin(0.37f * static_cast<float>(i) + 0.1f * static_cast<float>(i % 7));
    return image;
}

// The FP32 maximum of each quantized tensor on the input: uint8 scales that fit the range (max/255).
std::vector<std::pair<std::string, float>> fittedScales(const AnalyzedModel& fp32, const PreparedImage& image) {
    auto capture = CaptureSession::create(fp32.model, {"relu1", "relu2", "relu3"}, {});
    EXPECT_TRUE(capture) << capture.errorMessage();
    auto run = capture->session.run({{"x", image.shape, image.tensor.data(), image.tensor.size()}}, capture->outputNames);
    EXPECT_TRUE(run) << run.errorMessage();
    std::vector<std::pair<std::string, float>> scales = {{"x", 1.0f / 255.0f}};
    for (const std::string t : {"relu1", "relu2", "relu3"}) {
        const TensorView* v = run->find(t);
        EXPECT_NE(v, nullptr);
        const float hi = *std::max_element(v->data, v->data + v->size);
        EXPECT_GT(hi, 0.0f) << t;
        scales.emplace_back(t, hi / 255.0f);
    }
    return scales;
}

// The cell (3, 4) of the 8x8 output map (stride 4 on the 32x32 input).
GridCell outputCell() {
    GridCell c;
    c.index = 4 * 8 + 3;
    c.stride = 4;
    c.gridWidth = c.gridHeight = 8;
    c.x = 3;
    c.y = 4;
    return c;
}

const TracedLayer* layerOf(const BoxTrace& t, const std::string& tensor) {
    for (const auto& l : t.layers)
        if (l.fp32Tensor == tensor)
            return &l;
    return nullptr;
}

// One activation quantized 40 times too coarsely: the trace marks it, whichever it is.
class BoxTraceBadLayer : public ::testing::TestWithParam<std::string> {};

TEST_P(BoxTraceBadLayer, MarksTheLayerQuantizedBadly) {
    const std::string bad = GetParam();
    const PreparedImage image = traceInput();
    const AnalyzedModel fp32 = analyzed(test::makeTraceNet(), "trace_fp32.onnx");
    auto scales = fittedScales(fp32, image);
    for (auto& [name, scale] : scales)
        if (name == bad)
            scale *= 40.0f;
    const AnalyzedModel quant = analyzed(test::makeTraceNet(scales), "trace_qdq.onnx");
    ASSERT_EQ(quant.qdq.format, QuantFormat::QDQ);

    auto capture = TraceCapture::run(fp32, quant, "y", image, TraceCapture::Scope::Trace, {});
    ASSERT_TRUE(capture) << capture.errorMessage();
    auto trace = capture->trace(outputCell(), YoloLayout::Auto);
    ASSERT_TRUE(trace) << trace.errorMessage();

    // Every map of the chain, input first, in topological order.
    std::vector<std::string> names;
    for (const auto& l : trace->layers)
        names.push_back(l.fp32Tensor);
    EXPECT_EQ(names, (std::vector<std::string>{"x", "c1", "relu1", "c2", "relu2", "c3", "relu3", "y"}));
    ASSERT_GE(trace->jumpLayer, 0);
    const TracedLayer& marked = trace->layers[static_cast<size_t>(trace->jumpLayer)];
    EXPECT_EQ(marked.fp32Tensor, bad);
    EXPECT_EQ(marked.node, bad);
    EXPECT_TRUE(marked.jump);
    EXPECT_EQ(marked.quantizedTensor, bad + "_DequantizeLinear_Output");
    // The quantized reading of the bad layer loses far more than any other layer's.
    ASSERT_TRUE(marked.drop.has_value());
    for (const auto& l : trace->layers) {
        if (&l != &marked && l.drop) {
            EXPECT_LT(*l.drop, *marked.drop) << l.fp32Tensor;
        }
    }
    EXPECT_GT(*marked.drop, 15.0);

    // Windows by hand: head cells 1..5 (x) and 2..6 (y) at stride 4 = input pixels [4, 24) x [8, 28).
    const TracedLayer* x = layerOf(*trace, "x");
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->stride, 1);
    EXPECT_EQ(std::vector<int>({x->x0, x->x1, x->y0, x->y1}), std::vector<int>({4, 24, 8, 28}));
    const TracedLayer* r2 = layerOf(*trace, "relu2");  // stride 2, 16x16
    ASSERT_NE(r2, nullptr);
    EXPECT_EQ(r2->stride, 2);
    EXPECT_EQ(std::vector<int>({r2->x0, r2->x1, r2->y0, r2->y1}), std::vector<int>({2, 12, 4, 14}));
    const TracedLayer* y = layerOf(*trace, "y");  // the head map itself: cells 1..5, 2..6
    ASSERT_NE(y, nullptr);
    EXPECT_EQ(std::vector<int>({y->x0, y->x1, y->y0, y->y1}), std::vector<int>({1, 6, 2, 7}));
    // Inputs: the conv after the bad layer reads it.
    const TracedLayer* c3 = layerOf(*trace, "c3");
    ASSERT_NE(c3, nullptr);
    ASSERT_EQ(c3->inputs.size(), 1u);
    EXPECT_EQ(trace->layers[static_cast<size_t>(c3->inputs[0])].fp32Tensor, "relu2");

    // Not a DFL head: said, not guessed.
    auto dfl = capture->dfl(outputCell());
    ASSERT_FALSE(dfl);
    EXPECT_NE(dfl.errorMessage().find("no DFL head"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Layers, BoxTraceBadLayer, ::testing::Values("relu1", "relu2", "relu3"));

TEST(BoxTrace, WindowClampsAtTheMapEdgeAndWidensWithTheOption) {
    const PreparedImage image = traceInput();
    const AnalyzedModel fp32 = analyzed(test::makeTraceNet(), "trace_fp32.onnx");
    const AnalyzedModel quant = analyzed(test::makeTraceNet(fittedScales(fp32, image)), "trace_qdq.onnx");
    auto capture = TraceCapture::run(fp32, quant, "y", image, TraceCapture::Scope::Trace, {});
    ASSERT_TRUE(capture) << capture.errorMessage();
    GridCell corner = outputCell();
    corner.x = 0;
    corner.y = 7;
    TraceOptions wide;
    wide.headHalfCells = 3;
    auto trace = capture->trace(corner, YoloLayout::Auto, wide);
    ASSERT_TRUE(trace) << trace.errorMessage();
    const TracedLayer* y = layerOf(*trace, "y");
    ASSERT_NE(y, nullptr);
    EXPECT_EQ(std::vector<int>({y->x0, y->x1, y->y0, y->y1}), std::vector<int>({0, 4, 4, 8}));
    const TracedLayer* x = layerOf(*trace, "x");
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(std::vector<int>({x->x0, x->x1, x->y0, x->y1}), std::vector<int>({0, 16, 16, 32}));
    // A well quantized net: whole and local errors are finite and moderate.
    for (const auto& l : trace->layers) {
        EXPECT_GT(l.local.sqnrDb, 20.0) << l.fp32Tensor;
        EXPECT_GT(l.whole.sqnrDb, 20.0) << l.fp32Tensor;
    }
}

TEST(BoxTrace, LevelAnchorCountsPerHead) {
    auto v8 = levelAnchorCounts(YoloLayout::Ultralytics, {1, 84, 8400}, 640, 640);
    ASSERT_TRUE(v8) << v8.errorMessage();
    EXPECT_EQ(*v8, (std::vector<int64_t>{6400, 1600, 400}));
    auto v5 = levelAnchorCounts(YoloLayout::YoloV5, {1, 25200, 85}, 640, 640);
    ASSERT_TRUE(v5) << v5.errorMessage();
    EXPECT_EQ(*v5, (std::vector<int64_t>{19200, 4800, 1200}));
}

TEST(BoxTrace, RefusesModelsItCannotReadAsFloat) {
    const PreparedImage image = traceInput();
    const AnalyzedModel fp32 = analyzed(test::makeTraceNet(), "trace_fp32.onnx");
    AnalyzedModel other = analyzed(test::makeTraceNet(), "dyn.onnx");
    other.qdq.format = QuantFormat::Dynamic;
    auto capture = TraceCapture::run(fp32, other, "y", image, TraceCapture::Scope::Trace, {});
    ASSERT_FALSE(capture);
    EXPECT_NE(capture.errorMessage().find("per-layer"), std::string::npos);
}

}  // namespace
}  // namespace ql

namespace ql {
namespace {

// An Ultralytics-style DFL tail on a 4x4 map: x [1,3,4,4] -> 1x1 Conv "box" (3->64) -> Reshape
// [1,4,16,16] -> Transpose [1,16,4,16] -> Softmax(axis 1) -> Conv with weights 0..15 -> Reshape
// "dist" [1,4,16]. With `boxScale`, the box logits get a uint8 Q/DQ pair (zero point 128).
constexpr int kCells = 16;
float dflWeight(int c, int k) { return 0.4f * std::sin(0.7f * static_cast<float>(c) + 1.3f * static_cast<float>(k)); }
float dflBias(int c) { return 0.3f * std::cos(0.9f * static_cast<float>(c)); }

onnx::ModelProto makeDflTail(float boxScale) {
    ModelBuilder b;
    b.input("x", {1, 3, 4, 4}).output("dist", {1, 4, kCells});
    std::vector<float> w, bias;
    for (int c = 0; c < 64; ++c) {
        for (int k = 0; k < 3; ++k)
            w.push_back(dflWeight(c, k));
        bias.push_back(dflBias(c));
    }
    b.floatInitializer("box.weight", {64, 3, 1, 1}, w);
    b.floatInitializer("box.bias", {64}, bias);
    b.node("Conv", {"x", "box.weight", "box.bias"}, {"box"}, "box_conv");
    std::string box = "box";
    if (boxScale > 0.0f) {
        b.floatInitializer("box_scale", {}, {boxScale});
        b.initializer(makeIntTensor("box_zero_point", onnx::TensorProto::UINT8, {}, {128}));
        b.node("QuantizeLinear", {"box", "box_scale", "box_zero_point"}, {"box_QuantizeLinear_Output"}, "box_QuantizeLinear");
        b.node("DequantizeLinear", {"box_QuantizeLinear_Output", "box_scale", "box_zero_point"}, {"box_DequantizeLinear_Output"},
               "box_DequantizeLinear");
        box = "box_DequantizeLinear_Output";
    }
    b.initializer(makeIntTensor("flat_shape", onnx::TensorProto::INT64, {3}, {1, 64, kCells}));
    b.node("Reshape", {box, "flat_shape"}, {"flat"}, "flatten");
    b.initializer(makeIntTensor("dfl_shape", onnx::TensorProto::INT64, {4}, {1, 4, 16, kCells}));
    b.node("Reshape", {"flat", "dfl_shape"}, {"sides"}, "dfl_reshape");
    setAttribute(b.node("Transpose", {"sides"}, {"bins"}, "dfl_transpose"), "perm", std::vector<int64_t>{0, 2, 1, 3});
    setAttribute(b.node("Softmax", {"bins"}, {"probabilities"}, "dfl_softmax"), "axis", int64_t{1});
    std::vector<float> ramp;
    for (int i = 0; i < 16; ++i)
        ramp.push_back(static_cast<float>(i));
    b.floatInitializer("dfl.weight", {1, 16, 1, 1}, ramp);
    b.node("Conv", {"probabilities", "dfl.weight"}, {"expectation"}, "dfl_conv");
    b.initializer(makeIntTensor("dist_shape", onnx::TensorProto::INT64, {3}, {1, 4, kCells}));
    b.node("Reshape", {"expectation", "dist_shape"}, {"dist"}, "dfl_out");
    return b.build();
}

TEST(BoxTraceDfl, FindsTheSoftmaxAndReadsTheFourSidesAtTheCell) {
    const PreparedImage image = traceInput();
    PreparedImage small;
    small.shape = {1, 3, 4, 4};
    small.tensor.assign(image.tensor.begin(), image.tensor.begin() + 48);
    const AnalyzedModel fp32 = analyzed(makeDflTail(0.0f), "dfl_fp32.onnx");
    const float step = 0.05f;
    const AnalyzedModel quant = analyzed(makeDflTail(step), "dfl_qdq.onnx");
    auto pattern = findDflSoftmax(fp32.model.graph());
    ASSERT_TRUE(pattern) << pattern.errorMessage();
    EXPECT_EQ(pattern->softmax, "dfl_softmax");
    EXPECT_EQ(pattern->logits, "box");

    auto capture = TraceCapture::run(fp32, quant, "dist", small, TraceCapture::Scope::Dfl, {});
    ASSERT_TRUE(capture) << capture.errorMessage();
    GridCell cell;
    cell.index = 9;  // pixel (x 1, y 2) of the 4x4 map
    auto d = capture->dfl(cell);
    ASSERT_TRUE(d) << d.errorMessage();
    ASSERT_EQ(d->fp32.size(), 4u);
    ASSERT_EQ(d->bins, 16);
    // By hand: the 1x1 conv's logits at that pixel, channel side*16+bin, softmax over the bins;
    // the quantized side rounds each logit to the 0.05 grid (uint8, zero point 128) first.
    for (int side = 0; side < 4; ++side) {
        std::vector<double> logit(16), rounded(16);
        for (int bin = 0; bin < 16; ++bin) {
            const int c = side * 16 + bin;
            double v = dflBias(c);
            for (int k = 0; k < 3; ++k)
                v += dflWeight(c, k) * small.tensor[static_cast<size_t>(k * 16 + cell.index)];
            logit[static_cast<size_t>(bin)] = v;
            const double q = std::clamp(std::nearbyint(v / step) + 128.0, 0.0, 255.0);
            rounded[static_cast<size_t>(bin)] = (q - 128.0) * step;
        }
        auto softmax = [](const std::vector<double>& z) {
            const double hi = *std::max_element(z.begin(), z.end());
            std::vector<double> p;
            double sum = 0;
            for (const double v : z)
                sum += std::exp(v - hi);
            for (const double v : z)
                p.push_back(std::exp(v - hi) / sum);
            return p;
        };
        const auto pf = softmax(logit), pq = softmax(rounded);
        for (int bin = 0; bin < 16; ++bin) {
            EXPECT_NEAR(d->fp32[static_cast<size_t>(side)][static_cast<size_t>(bin)], pf[static_cast<size_t>(bin)], 1e-5)
                << "side " << side << " bin " << bin;
            EXPECT_NEAR(d->quantized[static_cast<size_t>(side)][static_cast<size_t>(bin)], pq[static_cast<size_t>(bin)], 1e-5)
                << "side " << side << " bin " << bin;
        }
    }
    EXPECT_EQ(d->binValues.size(), 16u);
    // A cell outside the map is refused, not read past the end.
    cell.index = kCells;
    EXPECT_FALSE(capture->dfl(cell));
}

}  // namespace
}  // namespace ql
