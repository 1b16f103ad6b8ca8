// Box origin on the real yolov8n (skipped when ../shared is absent): every FP32 box on bus.jpg
// maps to a grid cell whose own column of the raw output, decoded here by hand (cx cy w h, the
// letterbox of an 810x1080 image undone with its scale and padding worked out below), is that box.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "detect/BoxOrigin.h"
#include "detect/Detector.h"
#include "support/TestModels.h"

namespace ql {
namespace {

TEST(SharedBoxOrigin, EveryYolov8nBoxMapsToTheCellThatDecodesToIt) {
    QL_REQUIRE_SHARED(fp32Path, "models/yolov8n_fp32.onnx");
    QL_REQUIRE_SHARED(bus, "images/bus.jpg");
    auto model = OnnxModel::load(fp32Path);
    ASSERT_TRUE(model) << model.errorMessage();
    DetectorOptions options;
    options.preprocess = PreprocessOptions::forModel(*model);
    auto detector = Detector::create(*model, options);
    ASSERT_TRUE(detector) << detector.errorMessage();
    auto image = detector->preprocessor().prepare(bus);
    ASSERT_TRUE(image) << image.errorMessage();
    ASSERT_EQ(image->transform.originalWidth, 810);
    ASSERT_EQ(image->transform.originalHeight, 1080);
    auto dets = detector->detect(*image);
    ASSERT_TRUE(dets) << dets.errorMessage();
    ASSERT_GE(dets->size(), 4u);
    auto out = detector->session().run({{detector->inputName(), image->shape, image->tensor.data(), image->tensor.size()}},
                                       {detector->outputName()});
    ASSERT_TRUE(out) << out.errorMessage();
    const TensorView& raw = out->view(0);
    ASSERT_EQ(raw.shape, (std::vector<int64_t>{1, 84, 8400}));
    const size_t n = 8400;

    // 640x640 letterbox of 810x1080: scale 640/1080, 480 px wide, 80 px of padding on the left.
    const float r = 640.0f / 1080.0f, padX = 80.0f, padY = 0.0f;
    for (const auto& d : *dets) {
        auto cell = cellOf(YoloLayout::Ultralytics, raw.shape, 640, 640, d.source);
        ASSERT_TRUE(cell) << cell.errorMessage();
        // Columns 0..6399: 80x80 stride-8 grid, 6400..7999: 40x40 stride 16, 8000..8399: 20x20 stride 32.
        const int j = d.source;
        const int level = j < 6400 ? 0 : j < 8000 ? 1 : 2;
        const int stride = 8 << level, gw = 640 / stride, local = j - (level == 0 ? 0 : level == 1 ? 6400 : 8000);
        EXPECT_EQ(cell->stride, stride);
        EXPECT_EQ(cell->x, local % gw);
        EXPECT_EQ(cell->y, local / gw);

        const float cx = raw.data[j], cy = raw.data[n + j], w = raw.data[2 * n + j], h = raw.data[3 * n + j];
        const auto back = [&](float v, float pad, float limit) { return std::clamp((v - pad) / r, 0.0f, limit); };
        EXPECT_NEAR(d.box.x1, back(cx - w / 2, padX, 810), 0.01f);
        EXPECT_NEAR(d.box.y1, back(cy - h / 2, padY, 1080), 0.01f);
        EXPECT_NEAR(d.box.x2, back(cx + w / 2, padX, 810), 0.01f);
        EXPECT_NEAR(d.box.y2, back(cy + h / 2, padY, 1080), 0.01f);
        float best = -1.0f;
        int bestClass = -1;
        for (size_t c = 0; c < 80; ++c)
            if (raw.data[(4 + c) * n + static_cast<size_t>(j)] > best) {
                best = raw.data[(4 + c) * n + static_cast<size_t>(j)];
                bestClass = static_cast<int>(c);
            }
        EXPECT_EQ(d.classId, bestClass);
        EXPECT_FLOAT_EQ(d.score, best);
        // The DFL head predicts each side's distance from the anchor point (the cell's centre) as
        // an expectation over 0..15 strides: so the anchor point lies in the box, within 15 strides
        // of each side, which holds only for the right level and cell.
        const float ax = (static_cast<float>(cell->x) + 0.5f) * stride, ay = (static_cast<float>(cell->y) + 0.5f) * stride;
        for (const float side : {ax - (cx - w / 2), ay - (cy - h / 2), (cx + w / 2) - ax, (cy + h / 2) - ay}) {
            EXPECT_GE(side, -1e-3f) << describeCell(*cell);
            EXPECT_LE(side, 15.0f * stride + 1e-3f) << describeCell(*cell);
        }
    }
}

}  // namespace
}  // namespace ql
