// Box origin: boxes planted at known cells of synthetic head outputs decode to detections whose
// output index maps back to those cells; the reason a quantized output lost a box, decided on
// outputs changed on purpose at that cell.
#include <gtest/gtest.h>

#include "detect/BoxExplanation.h"
#include "detect/BoxOrigin.h"

namespace ql {
namespace {

constexpr int kSize = 320;  // input and image: grids 40x40 (stride 8), 20x20 (16), 10x10 (32)
constexpr int kClasses = 3;

LetterboxTransform identity() {
    LetterboxTransform t;
    t.originalWidth = t.originalHeight = kSize;
    return t;
}

struct Plant {
    int stride, x, y, cls;
    float w, h;
};

// Ultralytics [1,4+C,N]: column of (stride, x, y) worked out by hand for the strides given.
int ultralyticsColumn(const std::vector<int>& strides, const Plant& p) {
    int col = 0;
    for (const int s : strides) {
        if (s == p.stride)
            return col + p.y * (kSize / s) + p.x;
        col += (kSize / s) * (kSize / s);
    }
    return -1;
}

RawOutput ultralytics(const std::vector<int>& strides, const std::vector<Plant>& plants) {
    int n = 0;
    for (const int s : strides)
        n += (kSize / s) * (kSize / s);
    RawOutput o{std::vector<float>(static_cast<size_t>((4 + kClasses) * n), 0.0f), {1, 4 + kClasses, n}};
    for (const auto& p : plants) {
        const size_t j = static_cast<size_t>(ultralyticsColumn(strides, p));
        const size_t N = static_cast<size_t>(n);
        o.values[j] = (p.x + 0.5f) * p.stride + 1.0f;  // a little off the cell centre, as real boxes are
        o.values[N + j] = (p.y + 0.5f) * p.stride - 1.0f;
        o.values[2 * N + j] = p.w;
        o.values[3 * N + j] = p.h;
        o.values[(4 + static_cast<size_t>(p.cls)) * N + j] = 0.9f;
    }
    return o;
}

const std::vector<Plant> kPlants = {{8, 3, 5, 0, 12, 20}, {8, 39, 39, 1, 10, 10}, {16, 10, 2, 2, 40, 30},
                                    {16, 0, 19, 0, 30, 30}, {32, 7, 7, 1, 90, 60}, {32, 0, 0, 2, 50, 50}};

TEST(BoxOrigin, EveryDecodedUltralyticsBoxMapsToThePlantedCell) {
    const std::vector<int> strides = {8, 16, 32};
    const RawOutput o = ultralytics(strides, kPlants);
    YoloDecoder decoder({}, kSize, kSize);
    auto d = decoder.decode(o.view(), identity());
    ASSERT_TRUE(d) << d.errorMessage();
    ASSERT_EQ(d->size(), kPlants.size());
    for (const auto& det : *d) {
        auto cell = cellOf(YoloLayout::Ultralytics, o.shape, kSize, kSize, det.source);
        ASSERT_TRUE(cell) << cell.errorMessage();
        const auto it = std::find_if(kPlants.begin(), kPlants.end(), [&](const Plant& p) {
            return p.stride == cell->stride && p.x == cell->x && p.y == cell->y;
        });
        ASSERT_NE(it, kPlants.end()) << describeCell(*cell);
        EXPECT_EQ(det.classId, it->cls);
        const float cx = (it->x + 0.5f) * it->stride + 1.0f;  // as planted; the box is clamped to the image
        EXPECT_NEAR(det.box.width(), std::min(cx + it->w / 2, 1.0f * kSize) - std::max(cx - it->w / 2, 0.0f), 1e-3);
        EXPECT_EQ(cell->gridWidth, kSize / it->stride);
    }
}

TEST(BoxOrigin, P2GridsAreCountedFinestFirst) {
    const std::vector<int> strides = {4, 8, 16, 32};
    const std::vector<Plant> plants = {{4, 70, 3, 1, 8, 8}, {32, 9, 9, 0, 40, 40}};
    const RawOutput o = ultralytics(strides, plants);
    auto s = headStrides(YoloLayout::Ultralytics, o.shape, kSize, kSize);
    ASSERT_TRUE(s);
    EXPECT_EQ(*s, strides);
    auto d = YoloDecoder({}, kSize, kSize).decode(o.view(), identity());
    ASSERT_TRUE(d);
    ASSERT_EQ(d->size(), 2u);
    for (const auto& det : *d) {
        auto c = cellOf(YoloLayout::Ultralytics, o.shape, kSize, kSize, det.source);
        ASSERT_TRUE(c);
        const Plant& p = det.classId == 1 ? plants[0] : plants[1];
        EXPECT_EQ(c->stride, p.stride);
        EXPECT_EQ(c->x, p.x);
        EXPECT_EQ(c->y, p.y);
    }
}

TEST(BoxOrigin, YoloV5AnchorsAreOutermostWithinALevel) {
    // [1, 3*2100, 5+C]: level 1 (stride 16) starts after 3*1600 rows; anchor 2 after 2*400 more.
    const int n = 3 * 2100, cols = 5 + kClasses;
    RawOutput o{std::vector<float>(static_cast<size_t>(n * cols), 0.0f), {1, n, cols}};
    const int row = 3 * 1600 + 2 * 400 + 6 * 20 + 11;  // stride 16, anchor 2, cell x 11, y 6
    float* r = o.values.data() + static_cast<size_t>(row) * cols;
    r[0] = 11.5f * 16, r[1] = 6.5f * 16, r[2] = 50, r[3] = 40, r[4] = 0.95f, r[5 + 2] = 0.9f;
    auto d = YoloDecoder({}, kSize, kSize).decode(o.view(), identity());
    ASSERT_TRUE(d) << d.errorMessage();
    ASSERT_EQ(d->size(), 1u);
    auto c = cellOf(YoloLayout::YoloV5, o.shape, kSize, kSize, d->front().source);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->stride, 16);
    EXPECT_EQ(c->anchor, 2);
    EXPECT_EQ(c->x, 11);
    EXPECT_EQ(c->y, 6);
}

TEST(BoxOrigin, YoloXOffsetsDecodeFromTheCellTheyMapTo) {
    const int n = 2100, cols = 5 + kClasses;
    RawOutput o{std::vector<float>(static_cast<size_t>(n * cols), 0.0f), {1, n, cols}};
    const int row = 2000 + 4 * 10 + 8;  // stride 32, x 8, y 4
    float* r = o.values.data() + static_cast<size_t>(row) * cols;
    r[0] = 0.5f, r[1] = 0.5f, r[2] = 0.0f, r[3] = 0.0f, r[4] = 0.9f, r[5] = 0.9f;
    DecodeOptions yolox;  // [1,2100,8] fits YOLOv6 too: the head is named, as the CLI's --layout does
    yolox.layout = YoloLayout::YoloX;
    auto d = YoloDecoder(yolox, kSize, kSize).decode(o.view(), identity());
    ASSERT_TRUE(d) << d.errorMessage();
    ASSERT_EQ(d->size(), 1u);
    auto c = cellOf(YoloLayout::YoloX, o.shape, kSize, kSize, d->front().source);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->stride, 32);
    EXPECT_EQ(c->x, 8);
    EXPECT_EQ(c->y, 4);
    EXPECT_NEAR(d->front().box.x1, 8.5f * 32 - 16, 1e-3);  // exp(0) * 32 wide, centred in the cell
}

TEST(BoxOrigin, RefusesLayoutsWithoutGrids) {
    auto e2e = cellOf(YoloLayout::EndToEnd, {1, 300, 6}, kSize, kSize, 0);
    ASSERT_FALSE(e2e);
    EXPECT_NE(e2e.errorMessage().find("end-to-end"), std::string::npos) << e2e.errorMessage();
    auto odd = cellOf(YoloLayout::Ultralytics, {1, 84, 2000}, kSize, kSize, 0);  // no grid set gives 2000
    ASSERT_FALSE(odd);
    EXPECT_NE(odd.errorMessage().find("2000 anchors"), std::string::npos) << odd.errorMessage();
    EXPECT_FALSE(cellOf(YoloLayout::Ultralytics, {1, 7, 2100}, kSize, kSize, 2100));
    EXPECT_FALSE(cellOf(YoloLayout::Ultralytics, {1, 7, 2100}, kSize, kSize, -1));
}

// The explanation of one planted box after the quantized output was changed at its cell.
ImageExplanation explainChanged(const RawOutput& fp32, const RawOutput& quantized) {
    YoloDecoder decoder({}, kSize, kSize);
    auto f = decoder.decode(fp32.view(), identity());
    auto q = decoder.decode(quantized.view(), identity());
    EXPECT_TRUE(f && q);
    auto e = explainOutputs(fp32, quantized, YoloLayout::Ultralytics, decoder.options(), kSize, kSize, identity(), *f, *q, {});
    EXPECT_TRUE(e) << e.errorMessage();
    return *e;
}

TEST(BoxExplanation, DecidesWhyTheQuantizedOutputLostTheBox) {
    const std::vector<int> strides = {8, 16, 32};
    const RawOutput fp32 = ultralytics(strides, kPlants);
    const size_t n = 2100;
    const Plant& lost = kPlants[2];  // stride 16, x 10, y 2, class 2
    const size_t j = static_cast<size_t>(ultralyticsColumn(strides, lost));

    RawOutput low = fp32;  // class score 0.9 -> 0.09
    low.values[(4 + 2) * n + j] *= 0.1f;
    auto e = explainChanged(fp32, low);
    ASSERT_EQ(e.boxes.size(), 1u);
    const BoxExplanation& b = e.boxes.front();
    EXPECT_TRUE(b.missed);
    EXPECT_EQ(b.outcome, BoxOutcome::ScoreUnderThreshold);
    EXPECT_EQ(b.cell.stride, 16);
    EXPECT_EQ(b.cell.x, 10);
    EXPECT_EQ(b.cell.y, 2);
    EXPECT_FLOAT_EQ(b.fp32At.classScore, 0.9f);
    EXPECT_NEAR(b.quantizedAt.classScore, 0.09f, 1e-6);
    // ltrb in strides from the anchor point (10.5, 2.5)*16 to the sides of the 40x30 box centred 1 px right, 1 px up.
    ASSERT_EQ(b.fp32At.ltrb.size(), 4u);
    EXPECT_NEAR(b.fp32At.ltrb[0], (20.0f - 1.0f) / 16, 1e-4);
    EXPECT_NEAR(b.fp32At.ltrb[1], (15.0f + 1.0f) / 16, 1e-4);
    EXPECT_FALSE(e.note.empty());

    RawOutput other = fp32;  // class 0 wins at that cell
    other.values[(4 + 0) * n + j] = 0.95f;
    e = explainChanged(fp32, other);
    ASSERT_EQ(e.boxes.size(), 1u);
    EXPECT_EQ(e.boxes.front().outcome, BoxOutcome::AnotherClassWon);

    // The neighbouring cell now holds the box 14 px to the right, scored higher: IoU 26/54 = 0.48
    // with the cell's own box, over the NMS IoU 0.45, under the 0.5 that would match it to FP32's.
    RawOutput nms = fp32;
    const size_t k = j + 1;
    for (size_t r = 0; r < 4; ++r)
        nms.values[r * n + k] = nms.values[r * n + j];
    nms.values[k] += 14.0f;
    nms.values[(4 + 2) * n + k] = 0.95f;
    e = explainChanged(fp32, nms);
    ASSERT_EQ(e.boxes.size(), 1u);
    EXPECT_EQ(e.boxes.front().outcome, BoxOutcome::SuppressedByNms);
    ASSERT_TRUE(e.boxes.front().suppressedBy);
    EXPECT_EQ(e.quantized[static_cast<size_t>(*e.boxes.front().suppressedBy)].source, static_cast<int>(k));

    RawOutput moved = fp32;  // the box shifts 12 px right: IoU 28/52 = 0.54 with the FP32 box
    moved.values[j] += 12.0f;
    e = explainChanged(fp32, moved);
    ASSERT_EQ(e.boxes.size(), 1u);
    EXPECT_EQ(e.boxes.front().outcome, BoxOutcome::BoxMoved);
    EXPECT_FALSE(e.boxes.front().missed);
    EXPECT_NEAR(e.boxes.front().partnerIou, 28.0f / 52.0f, 1e-4);
}

TEST(BoxExplanation, YoloV5ObjectnessUnderThresholdIsNamedAsSuch) {
    // One box at stride 32, anchor 1, cell x 3, y 4 of a [1, 3*2100, 5+C] output of probabilities.
    const int n = 3 * 2100, cols = 5 + kClasses;
    RawOutput fp32{std::vector<float>(static_cast<size_t>(n * cols), 0.0f), {1, n, cols}};
    const int row = 3 * 1600 + 3 * 400 + 1 * 100 + 4 * 10 + 3;
    float* r = fp32.values.data() + static_cast<size_t>(row) * cols;
    r[0] = 3.5f * 32, r[1] = 4.5f * 32, r[2] = 60, r[3] = 80, r[4] = 0.8f, r[5 + 1] = 0.9f;
    RawOutput quantized = fp32;
    quantized.values[static_cast<size_t>(row) * cols + 4] = 0.2f;  // objectness under 0.25
    YoloDecoder decoder({}, kSize, kSize);
    auto f = decoder.decode(fp32.view(), identity());
    auto q = decoder.decode(quantized.view(), identity());
    ASSERT_TRUE(f && q);
    ASSERT_EQ(f->size(), 1u);
    EXPECT_TRUE(q->empty());
    auto e = explainOutputs(fp32, quantized, YoloLayout::YoloV5, decoder.options(), kSize, kSize, identity(), *f, *q, {});
    ASSERT_TRUE(e) << e.errorMessage();
    ASSERT_EQ(e->boxes.size(), 1u);
    const BoxExplanation& b = e->boxes.front();
    EXPECT_EQ(b.outcome, BoxOutcome::ObjectnessUnderThreshold);
    EXPECT_EQ(b.cell.stride, 32);
    EXPECT_EQ(b.cell.anchor, 1);
    EXPECT_EQ(b.cell.x, 3);
    EXPECT_EQ(b.cell.y, 4);
    EXPECT_FLOAT_EQ(b.fp32At.objectness, 0.8f);
    EXPECT_FLOAT_EQ(b.fp32At.classScore, 0.9f * 0.8f);
    EXPECT_FLOAT_EQ(b.quantizedAt.objectness, 0.2f);
    EXPECT_TRUE(b.fp32At.ltrb.empty());
    EXPECT_TRUE(e->note.empty());
}

}  // namespace
}  // namespace ql
