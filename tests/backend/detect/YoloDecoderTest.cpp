// Decoding of synthetic outputs in every supported layout.
#include <cmath>

#include <gtest/gtest.h>

#include "detect/YoloDecoder.h"

namespace ql {
namespace {

// Identity letterbox: input pixels are image pixels.
LetterboxTransform identity(int size) {
    LetterboxTransform t;
    t.originalWidth = t.originalHeight = size;
    return t;
}

TensorView view(const std::vector<float>& data, std::vector<int64_t> shape) {
    return {data.data(), data.size(), std::move(shape), 1};
}

TEST(YoloDecoder, DetectsLayoutsFromShape) {
    EXPECT_EQ(detectLayout({1, 84, 8400}, 640, 640), YoloLayout::Ultralytics);
    EXPECT_EQ(detectLayout({1, 25200, 85}, 640, 640), YoloLayout::YoloV5);
    EXPECT_EQ(detectLayout({1, 8400, 85}, 640, 640), YoloLayout::YoloX);
    EXPECT_EQ(detectLayout({1, 300, 6}, 640, 640), YoloLayout::EndToEnd);
    EXPECT_EQ(detectLayout({1, 84, 2100}, 320, 320), YoloLayout::Ultralytics);
    EXPECT_EQ(detectLayout({1, 1000}, 640, 640), YoloLayout::Auto);
}

TEST(YoloDecoder, MaxDetectionsKeepsTheBestAfterSuppression) {
    // Three anchors of one class: 0 and 1 overlap (IoU 0.82), 2 stands apart with a lower score.
    // NMS first leaves anchors 0 and 2; keeping the best two of those keeps both. Cutting to two
    // candidates before NMS (OpenCV's top_k) would keep 0 and 1, suppress 1, and lose anchor 2.
    const int n = 3;
    std::vector<float> d(5 * n, 0.0f);
    auto set = [&](int j, float cx, float cy, float score) {
        d[0 * n + j] = cx; d[1 * n + j] = cy; d[2 * n + j] = 20; d[3 * n + j] = 20; d[4 * n + j] = score;
    };
    set(0, 50, 50, 0.9f);
    set(1, 52, 50, 0.85f);
    set(2, 20, 20, 0.5f);
    DecodeOptions o;
    o.layout = YoloLayout::Ultralytics;
    o.maxDetections = 2;
    auto dets = YoloDecoder(o, 100, 100).decode(view(d, {1, 5, n}), identity(100));
    ASSERT_TRUE(dets) << dets.errorMessage();
    ASSERT_EQ(dets->size(), 2u);
    EXPECT_FLOAT_EQ((*dets)[0].score, 0.9f);
    EXPECT_FLOAT_EQ((*dets)[1].score, 0.5f);

    o.maxDetections = 1;  // and the cut keeps the highest score
    auto one = YoloDecoder(o, 100, 100).decode(view(d, {1, 5, n}), identity(100));
    ASSERT_TRUE(one);
    ASSERT_EQ(one->size(), 1u);
    EXPECT_FLOAT_EQ((*one)[0].score, 0.9f);
}

TEST(YoloDecoder, UltralyticsLayoutWithClassAwareNms) {
    // [1, 4+2, 4]: anchors 0 and 1 overlap (class 0), anchor 2 overlaps them but is class 1,
    // anchor 3 is below the threshold.
    const int n = 4;
    std::vector<float> d(6 * n, 0.0f);
    auto set = [&](int j, float cx, float cy, float w, float h, float c0, float c1) {
        d[0 * n + j] = cx; d[1 * n + j] = cy; d[2 * n + j] = w; d[3 * n + j] = h;
        d[4 * n + j] = c0; d[5 * n + j] = c1;
    };
    set(0, 50, 50, 20, 20, 0.9f, 0.1f);
    set(1, 52, 50, 20, 20, 0.8f, 0.1f);
    set(2, 51, 50, 20, 20, 0.1f, 0.7f);
    set(3, 10, 10, 4, 4, 0.1f, 0.1f);
    DecodeOptions o;
    o.layout = YoloLayout::Ultralytics;  // too few anchors for auto-detection to be sure
    auto dets = YoloDecoder(o, 100, 100).decode(view(d, {1, 6, n}), identity(100));
    ASSERT_TRUE(dets) << dets.errorMessage();
    ASSERT_EQ(dets->size(), 2u);
    EXPECT_EQ((*dets)[0].classId, 0);
    EXPECT_FLOAT_EQ((*dets)[0].score, 0.9f);
    EXPECT_FLOAT_EQ((*dets)[0].box.x1, 40.0f);
    EXPECT_FLOAT_EQ((*dets)[0].box.y2, 60.0f);
    EXPECT_EQ((*dets)[1].classId, 1);

    DecodeOptions agnostic = o;
    agnostic.classAgnostic = true;
    auto merged = YoloDecoder(agnostic, 100, 100).decode(view(d, {1, 6, n}), identity(100));
    ASSERT_TRUE(merged);
    EXPECT_EQ(merged->size(), 1u);
}

TEST(YoloDecoder, YoloV5MultipliesObjectness) {
    // [1, 2, 5+2]: row 0 objectness 0.5 x class 0.8 = 0.4; row 1 objectness 0.2 x 0.9 = 0.18 < 0.25.
    const std::vector<float> d = {30, 30, 10, 10, 0.5f, 0.8f, 0.1f,
                                  70, 70, 10, 10, 0.2f, 0.1f, 0.9f};
    DecodeOptions o;
    o.layout = YoloLayout::YoloV5;
    auto dets = YoloDecoder(o, 100, 100).decode(view(d, {1, 2, 7}), identity(100));
    ASSERT_TRUE(dets) << dets.errorMessage();
    ASSERT_EQ(dets->size(), 1u);
    EXPECT_NEAR((*dets)[0].score, 0.4f, 1e-6);
    EXPECT_FLOAT_EQ((*dets)[0].box.x1, 25.0f);
}

TEST(YoloDecoder, YoloXDecodesGridOffsetsWithAndWithoutSigmoid) {
    // 32x32 input: grids 4x4 (stride 8), 2x2 (16), 1x1 (32) = 21 rows.
    const int rows = 21, cols = 6;
    for (bool logits : {false, true}) {
        std::vector<float> d(rows * cols, logits ? -10.0f : 0.0f);
        // Row 5 is stride 8, cell (1, 1): centre (0.5 + 1) * 8 = 12; size exp(0) * 8 = 8.
        float* r = &d[5 * cols];
        r[0] = 0.5f; r[1] = 0.5f; r[2] = 0.0f; r[3] = 0.0f;
        r[4] = logits ? 4.0f : 0.98f;
        r[5] = logits ? 4.0f : 0.98f;
        DecodeOptions o;
        o.layout = YoloLayout::YoloX;
        auto dets = YoloDecoder(o, 32, 32).decode(view(d, {1, rows, cols}), identity(32));
        ASSERT_TRUE(dets) << dets.errorMessage();
        ASSERT_EQ(dets->size(), 1u) << "logits " << logits;
        EXPECT_FLOAT_EQ((*dets)[0].box.x1, 8.0f);
        EXPECT_FLOAT_EQ((*dets)[0].box.x2, 16.0f);
        const float expected = logits ? std::pow(1.0f / (1.0f + std::exp(-4.0f)), 2.0f) : 0.98f * 0.98f;
        EXPECT_NEAR((*dets)[0].score, expected, 1e-5);
    }
}

TEST(YoloDecoder, EndToEndSkipsNms) {
    const std::vector<float> d = {10, 10, 20, 20, 0.9f, 3,
                                  11, 11, 21, 21, 0.8f, 3,
                                  0, 0, 5, 5, 0.1f, 1};
    auto dets = YoloDecoder({}, 100, 100).decode(view(d, {1, 3, 6}), identity(100));
    ASSERT_TRUE(dets) << dets.errorMessage();
    ASSERT_EQ(dets->size(), 2u);  // overlapping boxes both kept: the model already did NMS
    EXPECT_EQ((*dets)[1].classId, 3);
}

TEST(YoloDecoder, MapsBackThroughTheLetterbox) {
    // 200x100 image letterboxed into 100x100: scale 0.5, pad 25 on top.
    LetterboxTransform t;
    t.scaleX = t.scaleY = 0.5f;
    t.padY = 25.0f;
    t.originalWidth = 200;
    t.originalHeight = 100;
    const std::vector<float> d = {10, 30, 20, 40, 0.9f, 0};
    auto dets = YoloDecoder({}, 100, 100).decode(view(d, {1, 1, 6}), t);
    ASSERT_TRUE(dets);
    ASSERT_EQ(dets->size(), 1u);
    EXPECT_FLOAT_EQ((*dets)[0].box.x1, 20.0f);
    EXPECT_FLOAT_EQ((*dets)[0].box.y1, 10.0f);
    EXPECT_FLOAT_EQ((*dets)[0].box.x2, 40.0f);
    EXPECT_FLOAT_EQ((*dets)[0].box.y2, 30.0f);
}

TEST(YoloDecoder, UnknownShapeIsAClearError) {
    const std::vector<float> d(10, 0.0f);
    auto dets = YoloDecoder({}, 100, 100).decode(view(d, {1, 10}), identity(100));
    ASSERT_FALSE(dets);
    EXPECT_NE(dets.errorMessage().find("--layout"), std::string::npos);
}

}  // namespace
}  // namespace ql
