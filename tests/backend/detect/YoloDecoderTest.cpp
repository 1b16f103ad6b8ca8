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
    // P6 (strides 8..64) and P2 (4..32) heads.
    EXPECT_EQ(detectLayout({1, 84, 8400 + 100}, 640, 640), YoloLayout::Ultralytics);
    EXPECT_EQ(detectLayout({1, 84, 8400 + 25600}, 640, 640), YoloLayout::Ultralytics);
    EXPECT_EQ(detectLayout({1, 3 * 8500, 85}, 640, 640), YoloLayout::YoloV5);
    // Guessed before from the column count alone; now nothing fits. NanoDet's score head of a
    // 320x320 input ([1,1600,80]: stride 8 only), a [1,80,1600] transposed one, anchors that
    // are no grid's.
    EXPECT_EQ(detectLayout({1, 1600, 80}, 320, 320), YoloLayout::Auto);
    EXPECT_EQ(detectLayout({1, 80, 1600}, 320, 320), YoloLayout::Auto);
    EXPECT_EQ(detectLayout({1, 25000, 85}, 640, 640), YoloLayout::Auto);
    EXPECT_EQ(detectLayout({2, 84, 8400}, 640, 640), YoloLayout::Auto);
}

TEST(YoloDecoder, UnreadableShapeNamesShapeAndKnownLayouts) {
    auto r = resolveLayout({1, 1600, 80}, {}, 320, 320);
    ASSERT_FALSE(r);
    const std::string& m = r.errorMessage();
    EXPECT_NE(m.find("[1,1600,80]"), std::string::npos) << m;
    // Each layout with the shape it expects for 320x320: 2100 anchors (1600+400+100).
    EXPECT_NE(m.find("ultralytics [1,4+C,2100"), std::string::npos) << m;
    EXPECT_NE(m.find("v5 [1,6300"), std::string::npos) << m;
    EXPECT_NE(m.find("yolox [1,2100,5+C]"), std::string::npos) << m;
    EXPECT_NE(m.find("e2e [1,N,6]"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos);
}

TEST(YoloDecoder, GivenLayoutThatDoesNotFitSaysWhy) {
    DecodeOptions o;
    o.layout = YoloLayout::YoloX;
    auto r = resolveLayout({1, 1600, 80}, o, 320, 320);
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("cannot be read as --layout yolox"), std::string::npos) << r.errorMessage();
    EXPECT_NE(r.errorMessage().find("2100 for this input, this has 1600"), std::string::npos) << r.errorMessage();
    EXPECT_EQ(r.errorMessage().find("name it with --layout"), std::string::npos) << "no advice to do what was done";
    o.layout = YoloLayout::EndToEnd;
    r = resolveLayout({1, 1600, 80}, o, 320, 320);
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("6 columns"), std::string::npos) << r.errorMessage();
    o.layout = YoloLayout::Ultralytics;  // transposed: 1600 "classes" on 80 anchors
    r = resolveLayout({1, 1600, 80}, o, 320, 320);
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("more anchors than rows"), std::string::npos) << r.errorMessage();
    o.layout = YoloLayout::YoloV5;  // any anchor count, when given
    r = resolveLayout({1, 1600, 80}, o, 320, 320);
    ASSERT_TRUE(r) << r.errorMessage();
    EXPECT_EQ(*r, YoloLayout::YoloV5);
}

TEST(YoloDecoder, ClassCountMustMatchTheNames) {
    DecodeOptions o;
    o.expectedClasses = 80;
    o.classSource = "the model's metadata";
    EXPECT_TRUE(resolveLayout({1, 84, 8400}, o, 640, 640));      // 4 + 80
    EXPECT_TRUE(resolveLayout({1, 25200, 85}, o, 640, 640));     // 5 + 80
    auto r = resolveLayout({1, 79, 8400}, o, 640, 640);           // 4 + 75
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("carries 75 classes, but the model's metadata names 80"), std::string::npos)
        << r.errorMessage();
    o.expectedClasses = 3;
    EXPECT_FALSE(resolveLayout({1, 8400, 85}, o, 640, 640));      // yolox 80 classes
    EXPECT_TRUE(resolveLayout({1, 300, 6}, o, 640, 640));         // e2e carries class ids, not columns
}

TEST(YoloDecoder, MaxDetectionsKeepsTheBestAfterSuppression) {
    // Three anchors of one class: 0 and 1 overlap (IoU 0.82), 2 stands apart with a lower score.
    // NMS first leaves anchors 0 and 2; keeping the best two of those keeps both. Cutting to two
    // candidates before NMS (OpenCV's top_k) would keep 0 and 1, suppress 1, and lose anchor 2.
    const int n = 6;  // anchors 3..5 empty: an Ultralytics output has more anchors than rows
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
    const int n = 8;  // anchors 4..7 empty: an Ultralytics output has more anchors than rows
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
    // Rows 2..7 empty: a v5 output has more anchors than columns.
    std::vector<float> d = {30, 30, 10, 10, 0.5f, 0.8f, 0.1f,
                            70, 70, 10, 10, 0.2f, 0.1f, 0.9f};
    d.resize(8 * 7, 0.0f);
    DecodeOptions o;
    o.layout = YoloLayout::YoloV5;
    auto dets = YoloDecoder(o, 100, 100).decode(view(d, {1, 8, 7}), identity(100));
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
