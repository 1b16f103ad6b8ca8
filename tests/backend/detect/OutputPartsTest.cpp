// Output parts by layout, worked out by hand from each layout's definition.
#include <gtest/gtest.h>

#include "detect/OutputParts.h"

namespace ql {
namespace {

TEST(OutputParts, UltralyticsRows) {
    const auto parts = outputParts(YoloLayout::Ultralytics, {1, 84, 8400});
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].kind, OutputPartKind::Boxes);
    EXPECT_EQ(parts[0].axis, 1);
    EXPECT_EQ(parts[0].end, 4);
    EXPECT_EQ(parts[1].kind, OutputPartKind::ClassScores);
    EXPECT_EQ(parts[1].begin, 4);
    EXPECT_EQ(parts[1].end, 84);
    // Rows are contiguous: class scores are one run from offset 4 * 8400.
    std::vector<std::pair<size_t, size_t>> runs;
    forEachRun(parts[1], {1, 84, 8400}, [&](size_t offset, size_t count) { runs.emplace_back(offset, count); });
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].first, 4u * 8400u);
    EXPECT_EQ(runs[0].second, 80u * 8400u);
}

TEST(OutputParts, ObjectnessColumns) {
    const auto parts = outputParts(YoloLayout::YoloV5, {1, 3, 7});  // 3 anchors, 2 classes
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(parts[1].kind, OutputPartKind::Objectness);
    std::vector<size_t> offsets;
    forEachRun(parts[1], {1, 3, 7}, [&](size_t offset, size_t count) {
        EXPECT_EQ(count, 1u);
        offsets.push_back(offset);
    });
    EXPECT_EQ(offsets, (std::vector<size_t>{4, 11, 18}));
    size_t scores = 0;
    forEachRun(parts[2], {1, 3, 7}, [&](size_t offset, size_t count) {
        EXPECT_EQ(offset % 7, 5u);
        scores += count;
    });
    EXPECT_EQ(scores, 6u);
}

TEST(OutputParts, EndToEndAndMisfits) {
    const auto e2e = outputParts(YoloLayout::EndToEnd, {1, 300, 6});
    ASSERT_EQ(e2e.size(), 3u);
    EXPECT_EQ(e2e[2].kind, OutputPartKind::ClassIds);
    EXPECT_TRUE(outputParts(YoloLayout::EndToEnd, {1, 300, 7}).empty());
    EXPECT_TRUE(outputParts(YoloLayout::Ultralytics, {1, 4, 100}).empty());
    EXPECT_TRUE(outputParts(YoloLayout::Ultralytics, {2, 84, 100}).empty());
    EXPECT_TRUE(outputParts(YoloLayout::Auto, {1, 84, 100}).empty());
}

TEST(OutputParts, HeadsOfSeveralOutputs) {
    // YOLO-NAS, scores given first: boxes are output 1, scores output 0.
    HeadPlan nas;
    nas.layout = YoloLayout::YoloNas;
    nas.outputs = {1, 0};
    nas.classes = 80;
    auto parts = outputParts(nas, {{1, 8400, 80}, {1, 8400, 4}});
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].kind, OutputPartKind::Boxes);
    EXPECT_EQ(parts[0].output, 1u);
    EXPECT_EQ(parts[1].kind, OutputPartKind::ClassScores);
    EXPECT_EQ(parts[1].output, 0u);
    EXPECT_EQ(parts[1].end, 80);

    // YOLOX per level, channels first: boxes, objectness, classes on each level along axis 1.
    HeadPlan levels;
    levels.layout = YoloLayout::YoloXLevels;
    levels.outputs = {0, 1};
    levels.classes = 2;
    parts = outputParts(levels, {{1, 7, 4, 4}, {1, 7, 2, 2}});
    ASSERT_EQ(parts.size(), 6u);
    EXPECT_EQ(parts[5].kind, OutputPartKind::ClassScores);
    EXPECT_EQ(parts[5].output, 1u);
    EXPECT_EQ(parts[5].axis, 1);
    std::vector<std::pair<size_t, size_t>> runs;
    // [1,7,2,2]: channels 5..7 are one run of 2 x 4 values from offset 5 x 4.
    forEachRun(parts[5], {1, 7, 2, 2}, [&](size_t offset, size_t count) { runs.emplace_back(offset, count); });
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0], (std::pair<size_t, size_t>{20, 8}));

    // GFL concatenated: class scores first, then the distribution bins as boxes.
    HeadPlan gfl;
    gfl.layout = YoloLayout::Gfl;
    gfl.outputs = {0};
    gfl.classes = 3;
    gfl.regMax = 7;
    parts = outputParts(gfl, {{1, 21, 35}});
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].kind, OutputPartKind::ClassScores);
    EXPECT_EQ(parts[0].axis, 2);
    EXPECT_EQ(parts[0].end, 3);
    EXPECT_EQ(parts[1].kind, OutputPartKind::Boxes);
    EXPECT_EQ(parts[1].begin, 3);
    EXPECT_EQ(parts[1].end, 35);
    runs.clear();
    forEachRun(parts[0], {1, 21, 35}, [&](size_t offset, size_t count) { runs.emplace_back(offset, count); });
    ASSERT_EQ(runs.size(), 21u);
    EXPECT_EQ(runs[1], (std::pair<size_t, size_t>{35, 3}));

    // GFL with scores and distributions apart: whole outputs.
    HeadPlan six;
    six.layout = YoloLayout::Gfl;
    six.scoresApart = true;
    six.outputs = {1, 0};
    six.classes = 3;
    parts = outputParts(six, {{1, 16, 32}, {1, 16, 3}});
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].kind, OutputPartKind::ClassScores);
    EXPECT_EQ(parts[0].output, 1u);
    EXPECT_EQ(parts[0].end, 3);
    EXPECT_EQ(parts[1].kind, OutputPartKind::Boxes);
    EXPECT_EQ(parts[1].output, 0u);
    EXPECT_EQ(parts[1].end, 32);

    // RT-DETR and v6 without objectness: boxes then scores along the columns.
    parts = outputParts(YoloLayout::RtDetr, {1, 300, 84});
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[1].begin, 4);
    EXPECT_EQ(outputParts(YoloLayout::YoloV6, {1, 8400, 85}).size(), 3u);
}

}  // namespace
}  // namespace ql
