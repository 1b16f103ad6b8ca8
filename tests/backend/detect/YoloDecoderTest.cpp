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
    // [1,N,5+C] on the stride 8/16/32 cells is a raw YOLOX head or a decoded YOLOv6 one (or a
    // 4+C / GFL one): the shape cannot tell them apart, so auto-detection does not choose.
    EXPECT_EQ(detectLayout({1, 8400, 85}, 640, 640), YoloLayout::Auto);
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
        o.layout = YoloLayout::YoloX;  // also fits v6 and v6-noobj: named
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

Result<HeadPlan> plan(const std::vector<std::vector<int64_t>>& shapes, int size, int classes = 0,
                      YoloLayout layout = YoloLayout::Auto) {
    DecodeOptions o;
    o.expectedClasses = classes;
    o.classSource = "--names";
    o.layout = layout;
    return resolveHead(shapes, o, size, size);
}

TEST(YoloDecoder, NewHeadsFoundFromShapes) {
    // 640: 8400 cells on strides 8/16/32, 8500 with stride 64. 320: 2100 / 2125.
    auto r = plan({{1, 300, 84}}, 640);  // RT-DETR: its 300 queries, 4+80 columns
    ASSERT_TRUE(r) << r.errorMessage();
    EXPECT_EQ(r->layout, YoloLayout::RtDetr);
    EXPECT_EQ(r->classes, 80);
    r = plan({{1, 300, 6}}, 640);  // still an end-to-end YOLO
    ASSERT_TRUE(r) << r.errorMessage();
    EXPECT_EQ(r->layout, YoloLayout::EndToEnd);
    r = plan({{1, 8400, 84}}, 640, 80);  // 4+80 with the names: v6 without objectness
    ASSERT_TRUE(r) << r.errorMessage();
    EXPECT_EQ(r->layout, YoloLayout::YoloV6NoObjectness);
    r = plan({{1, 2125, 112}}, 320, 80);  // NanoDet-Plus: 80 classes + 4 x 8 bins, strides 8..64
    ASSERT_TRUE(r) << r.errorMessage();
    EXPECT_EQ(r->layout, YoloLayout::Gfl);
    EXPECT_EQ(r->strides, (std::vector<int>{8, 16, 32, 64}));
    EXPECT_EQ(r->regMax, 7);

    // YOLOX per level, given in any order: read by stride. 85 channels are also a 53-class GFL
    // head's (53 + 32 bins): the names settle it.
    r = plan({{1, 85, 20, 20}, {1, 85, 80, 80}, {1, 85, 40, 40}}, 640);
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("3 outputs of shapes [1,85,20,20], [1,85,80,80], [1,85,40,40] fit several heads"),
              std::string::npos) << r.errorMessage();
    EXPECT_NE(r.errorMessage().find("--layout yolox-levels|gfl"), std::string::npos) << r.errorMessage();
    r = plan({{1, 85, 20, 20}, {1, 85, 80, 80}, {1, 85, 40, 40}}, 640, 80);
    ASSERT_TRUE(r) << r.errorMessage();
    EXPECT_EQ(r->layout, YoloLayout::YoloXLevels);
    EXPECT_EQ(r->outputs, (std::vector<size_t>{1, 2, 0}));
    EXPECT_EQ(r->strides, (std::vector<int>{8, 16, 32}));
    EXPECT_EQ(r->classes, 80);
    r = plan({{1, 6400, 85}, {1, 1600, 85}, {1, 400, 85}}, 640, 80);  // flattened [1,H*W,5+C]
    ASSERT_TRUE(r) << r.errorMessage();
    EXPECT_EQ(r->layout, YoloLayout::YoloXLevels);

    // YOLO-NAS: scores first is fine, boxes are the [1,N,4].
    r = plan({{1, 8400, 80}, {1, 8400, 4}}, 640);
    ASSERT_TRUE(r) << r.errorMessage();
    EXPECT_EQ(r->layout, YoloLayout::YoloNas);
    EXPECT_EQ(r->outputs, (std::vector<size_t>{1, 0}));
    EXPECT_EQ(r->classes, 80);

    // NanoDet per level (4 levels, 80 classes + 32 bins): with the names gfl, without them it
    // could as well be a 107-class YOLOX per-level head.
    const std::vector<std::vector<int64_t>> nanodet = {{1, 112, 40, 40}, {1, 112, 20, 20}, {1, 112, 10, 10}, {1, 112, 5, 5}};
    r = plan(nanodet, 320, 80);
    ASSERT_TRUE(r) << r.errorMessage();
    EXPECT_EQ(r->layout, YoloLayout::Gfl);
    const std::vector<std::vector<int64_t>> nanodet3 = {{1, 112, 40, 40}, {1, 112, 20, 20}, {1, 112, 10, 10}};
    r = plan(nanodet3, 320);
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("--layout yolox-levels|gfl"), std::string::npos) << r.errorMessage();

    // Legacy NanoDet's six outputs: scores and distributions apart, told apart by the 32 bins.
    r = plan({{1, 1600, 80}, {1, 1600, 32}, {1, 400, 80}, {1, 400, 32}, {1, 100, 80}, {1, 100, 32}}, 320);
    ASSERT_TRUE(r) << r.errorMessage();
    EXPECT_EQ(r->layout, YoloLayout::Gfl);
    EXPECT_TRUE(r->scoresApart);
    EXPECT_EQ(r->outputs, (std::vector<size_t>{0, 2, 4, 1, 3, 5}));
    EXPECT_EQ(r->classes, 80);
    // Six outputs of which none has the 32 bins: refused, saying why.
    r = plan({{1, 1600, 80}, {1, 1600, 31}, {1, 400, 80}, {1, 400, 31}, {1, 100, 80}, {1, 100, 31}}, 320, 0,
             YoloLayout::Gfl);
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("0 of the 6 have 32 columns"), std::string::npos) << r.errorMessage();
}

TEST(YoloDecoder, AmbiguousShapesNameTheChoices) {
    auto r = plan({{1, 8400, 85}}, 640);
    ASSERT_FALSE(r);
    const std::string& m = r.errorMessage();
    EXPECT_NE(m.find("[1,8400,85] fits several heads"), std::string::npos) << m;
    EXPECT_NE(m.find("yolox (grid offsets and log sizes, objectness, 80 classes)"), std::string::npos) << m;
    EXPECT_NE(m.find("v6-noobj (boxes in pixels, no objectness, 81 classes)"), std::string::npos) << m;
    EXPECT_NE(m.find("gfl (class scores, distribution boxes, 53 classes)"), std::string::npos) << m;
    EXPECT_NE(m.find("name one with --layout yolox|v6|v6-noobj|gfl (or give the class names with --names)"),
              std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos);
    r = plan({{1, 8400, 85}}, 640, 80);  // the names leave YOLOX and YOLOv6, which only --layout tells apart
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("name one with --layout yolox|v6"), std::string::npos) << r.errorMessage();
    EXPECT_EQ(r.errorMessage().find("--names"), std::string::npos) << r.errorMessage();
    r = plan({{1, 8400, 85}}, 640, 80, YoloLayout::YoloV6);
    ASSERT_TRUE(r) << r.errorMessage();
    EXPECT_EQ(r->layout, YoloLayout::YoloV6);
    r = plan({{1, 8400, 85}}, 640, 7);  // names that no reading gives
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("none with the 7 classes that --names names"), std::string::npos) << r.errorMessage();
}

TEST(YoloDecoder, ForcedLayoutOnWrongShapesSaysWhy) {
    auto r = plan({{1, 8400, 4}, {1, 8400, 80}}, 640, 0, YoloLayout::RtDetr);
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("cannot be read as --layout rtdetr: rtdetr reads one output, the model has 2"),
              std::string::npos) << r.errorMessage();
    r = plan({{1, 85, 80, 80}, {1, 85, 40, 40}, {1, 85, 21, 20}}, 640, 0, YoloLayout::YoloXLevels);
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("[1,85,21,20] is on none of the stride 8/16/32 grids"), std::string::npos)
        << r.errorMessage();
    r = plan({{1, 85, 80, 80}, {1, 85, 80, 80}, {1, 85, 20, 20}}, 640, 0, YoloLayout::YoloXLevels);
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("two are on the stride-8 grid"), std::string::npos) << r.errorMessage();
    r = plan({{1, 8400, 4}, {1, 8400, 4}}, 640, 0, YoloLayout::YoloNas);
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("cannot be told apart"), std::string::npos) << r.errorMessage();
    r = plan({{1, 8400, 30}}, 640, 0, YoloLayout::Gfl);  // 30 columns: not even the 32 bins
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("needs more than 32 columns"), std::string::npos) << r.errorMessage();
    r = plan({{1, 8400, 84}}, 640, 0, YoloLayout::YoloNas);
    ASSERT_FALSE(r);
    EXPECT_NE(r.errorMessage().find("nas reads 2 outputs"), std::string::npos) << r.errorMessage();
    EXPECT_FALSE(parseLayout("yolov6"));
    EXPECT_NE(parseLayout("yolov6").errorMessage().find("v6-noobj, yolox-levels, nas, rtdetr, gfl"), std::string::npos);
    for (const auto l : knownLayouts())
        EXPECT_EQ(*parseLayout(layoutName(l)), l);
}

// The heads below on hand-made outputs of a 32x32 input (cells: 16 + 4 + 1 = 21; 22 with stride 64).
TEST(YoloDecoder, RtDetrScalesQueriesAndKeepsOverlaps) {
    const int q = 8, cols = 4 + 2;  // queries 3..7 below the threshold
    std::vector<float> d(q * cols, 0.01f);
    auto set = [&](int j, float cx, float cy, float w, float h, float c0, float c1) {
        float* r = &d[j * cols];
        r[0] = cx; r[1] = cy; r[2] = w; r[3] = h; r[4] = c0; r[5] = c1;
    };
    set(0, 0.5f, 0.5f, 0.25f, 0.5f, 0.9f, 0.0f);  // (37.5, 25) - (62.5, 75) on 100x100
    set(1, 0.51f, 0.5f, 0.25f, 0.5f, 0.8f, 0.0f);  // overlaps query 0, same class: kept (no NMS)
    set(2, 0.2f, 0.2f, 0.1f, 0.1f, 0.1f, 0.6f);
    DecodeOptions o;
    o.layout = YoloLayout::RtDetr;
    auto dets = YoloDecoder(o, 100, 100).decode(view(d, {1, q, cols}), identity(100));
    ASSERT_TRUE(dets) << dets.errorMessage();
    ASSERT_EQ(dets->size(), 3u);
    EXPECT_FLOAT_EQ((*dets)[0].box.x1, 37.5f);
    EXPECT_FLOAT_EQ((*dets)[0].box.y1, 25.0f);
    EXPECT_FLOAT_EQ((*dets)[0].box.x2, 62.5f);
    EXPECT_FLOAT_EQ((*dets)[0].box.y2, 75.0f);
    EXPECT_FLOAT_EQ((*dets)[1].score, 0.8f);
    EXPECT_EQ((*dets)[2].classId, 1);
    o.maxDetections = 2;  // top-k by score
    dets = YoloDecoder(o, 100, 100).decode(view(d, {1, q, cols}), identity(100));
    ASSERT_TRUE(dets);
    ASSERT_EQ(dets->size(), 2u);
    EXPECT_FLOAT_EQ((*dets)[1].score, 0.8f);
}

TEST(YoloDecoder, NasReadsBoxesAndScoresFromTwoOutputs) {
    std::vector<float> boxes(21 * 4, 0.0f), scores(21 * 3, 0.05f);
    const float b[] = {2, 3, 12, 15};
    std::copy(b, b + 4, boxes.begin() + 4 * 7);
    scores[7 * 3 + 2] = 0.7f;
    const TensorView s = view(scores, {1, 21, 3}), bx = view(boxes, {1, 21, 4});
    auto dets = YoloDecoder({}, 32, 32).decode({&s, &bx}, identity(32));
    ASSERT_TRUE(dets) << dets.errorMessage();
    ASSERT_EQ(dets->size(), 1u);
    EXPECT_EQ((*dets)[0].classId, 2);
    EXPECT_FLOAT_EQ((*dets)[0].score, 0.7f);
    EXPECT_FLOAT_EQ((*dets)[0].box.x1, 2.0f);
    EXPECT_FLOAT_EQ((*dets)[0].box.y2, 15.0f);
}

TEST(YoloDecoder, V6WithoutObjectnessReadsPixels) {
    std::vector<float> d(21 * 6, 0.02f);  // 4 + 2 classes
    float* r = &d[9 * 6];
    r[0] = 10; r[1] = 20; r[2] = 4; r[3] = 6; r[4] = 0.1f; r[5] = 0.65f;
    DecodeOptions o;
    o.expectedClasses = 2;  // [1,21,6] is also e2e, v6 (1 class), yolox (1 class): the names settle it
    auto dets = YoloDecoder(o, 32, 32).decode(view(d, {1, 21, 6}), identity(32));
    ASSERT_FALSE(dets);  // e2e carries no class count: still two readings
    EXPECT_NE(dets.errorMessage().find("--layout e2e|v6-noobj"), std::string::npos) << dets.errorMessage();
    o.layout = YoloLayout::YoloV6NoObjectness;
    dets = YoloDecoder(o, 32, 32).decode(view(d, {1, 21, 6}), identity(32));
    ASSERT_TRUE(dets) << dets.errorMessage();
    ASSERT_EQ(dets->size(), 1u);
    EXPECT_EQ((*dets)[0].classId, 1);
    EXPECT_FLOAT_EQ((*dets)[0].box.x1, 8.0f);
    EXPECT_FLOAT_EQ((*dets)[0].box.y1, 17.0f);
}

TEST(YoloDecoder, YoloXLevelsDecodeEachGrid) {
    // Channels-first levels of a 32x32 input, 1 class: [1,6,4,4], [1,6,2,2], [1,6,1,1], logits.
    std::vector<float> p3(6 * 16, -8.0f), p4(6 * 4, -8.0f), p5(6 * 1, -8.0f);
    // Stride 16, cell (x 1, y 0) = index 1: centre ((0.5 + 1) * 16, (0.25 + 0) * 16) = (24, 4),
    // size exp(0) * 16 = 16 by exp(ln 0.5) * 16 = 8.
    auto at = [&](int c) -> float& { return p4[static_cast<size_t>(c) * 4 + 1]; };
    at(0) = 0.5f; at(1) = 0.25f; at(2) = 0.0f; at(3) = std::log(0.5f); at(4) = 3.0f; at(5) = 2.0f;
    const TensorView v3 = view(p3, {1, 6, 4, 4}), v4 = view(p4, {1, 6, 2, 2}), v5 = view(p5, {1, 6, 1, 1});
    auto dets = YoloDecoder({}, 32, 32).decode({&v5, &v3, &v4}, identity(32));
    ASSERT_TRUE(dets) << dets.errorMessage();
    ASSERT_EQ(dets->size(), 1u);
    EXPECT_NEAR((*dets)[0].box.x1, 16.0f, 1e-4);
    EXPECT_NEAR((*dets)[0].box.x2, 32.0f, 1e-4);
    EXPECT_NEAR((*dets)[0].box.y1, 0.0f, 1e-4);
    EXPECT_NEAR((*dets)[0].box.y2, 8.0f, 1e-4);
    const float expected = 1.0f / (1.0f + std::exp(-3.0f)) / (1.0f + std::exp(-2.0f));
    EXPECT_NEAR((*dets)[0].score, expected, 1e-5);
}

TEST(YoloDecoder, GflIntegratesDistributions) {
    // One concatenated output of a 32x32 input, strides 8/16/32: 21 rows of 1 class + 4 x 8 bins.
    const int bins = 8, cols = 1 + 4 * bins;
    std::vector<float> d(21 * cols, 0.0f);
    for (int j = 0; j < 21; ++j)
        d[static_cast<size_t>(j) * cols] = 0.01f;
    // Row 9: stride 8, cell (x 1, y 2): prior (8, 16). Bins one-hot enough (logit 40) at 1, 2, 3, 1
    // -> distances 8, 16, 24, 8 -> box (0, 0) - (32, 24).
    float* r = &d[9 * cols];
    r[0] = 0.8f;
    const int peaks[] = {1, 2, 3, 1};
    for (int side = 0; side < 4; ++side)
        r[1 + side * bins + peaks[side]] = 40.0f;
    // Row 20: stride 32, cell (0, 0): prior (0, 0); two bins equal at 0 and 1 -> 0.5 * 32 = 16 each side.
    float* q = &d[20 * cols];
    q[0] = 0.6f;
    for (int side = 0; side < 4; ++side) {
        q[1 + side * bins + 0] = 40.0f;
        q[1 + side * bins + 1] = 40.0f;
    }
    DecodeOptions o;
    o.expectedClasses = 1;
    auto dets = YoloDecoder(o, 32, 32).decode(view(d, {1, 21, cols}), identity(32));
    ASSERT_TRUE(dets) << dets.errorMessage();
    ASSERT_EQ(dets->size(), 2u);
    EXPECT_NEAR((*dets)[0].box.x1, 0.0f, 1e-4);
    EXPECT_NEAR((*dets)[0].box.y1, 0.0f, 1e-4);
    EXPECT_NEAR((*dets)[0].box.x2, 32.0f, 1e-4);
    EXPECT_NEAR((*dets)[0].box.y2, 24.0f, 1e-4);
    EXPECT_FLOAT_EQ((*dets)[0].score, 0.8f);
    // (-16, -16) - (16, 16), clamped to the image.
    EXPECT_NEAR((*dets)[1].box.x1, 0.0f, 1e-4);
    EXPECT_NEAR((*dets)[1].box.x2, 16.0f, 1e-4);

    // Legacy NanoDet: priors half a stride further, (12, 20) for row 9 and (16, 16) for row 20,
    // whose box (0, 0) - (32, 32) now overlaps row 9's by IoU 672 / 1120 = 0.6: suppressed.
    o.gflCellCentre = true;
    dets = YoloDecoder(o, 32, 32).decode(view(d, {1, 21, cols}), identity(32));
    ASSERT_TRUE(dets) << dets.errorMessage();
    ASSERT_EQ(dets->size(), 1u);
    EXPECT_NEAR((*dets)[0].box.x1, 4.0f, 1e-4);
    EXPECT_NEAR((*dets)[0].box.y1, 4.0f, 1e-4);
    EXPECT_NEAR((*dets)[0].box.x2, 32.0f, 1e-4);  // 36, clamped
    EXPECT_NEAR((*dets)[0].box.y2, 28.0f, 1e-4);
}

}  // namespace
}  // namespace ql
