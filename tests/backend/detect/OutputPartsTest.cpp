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

}  // namespace
}  // namespace ql
