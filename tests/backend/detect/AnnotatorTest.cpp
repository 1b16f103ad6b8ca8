#include <algorithm>

#include <gtest/gtest.h>

#include "detect/Annotator.h"
#include "detect/ClassNames.h"

namespace ql {
namespace {

// The colour of a box's left edge, halfway down, drawn on a mid-grey image.
cv::Vec3b edgeColour(int classId, bool moved, bool flagged) {
    const cv::Mat grey(200, 200, CV_8UC3, cv::Scalar(128, 128, 128));
    PanelInfo panel;
    panel.title = "t";
    panel.detections = {{{50, 50, 150, 150}, classId, 0.9f}};
    if (moved)
        panel.moved = {{0, 0.5f}};
    if (flagged) {
        panel.flagged = {0};
        panel.flagLabel = "missed";
    }
    return drawPanel(grey, panel, cocoClassNames()).at<cv::Vec3b>(100, 50);
}

// A moved box is told apart from every class's box by its colour alone (the legend names it: white).
TEST(Annotator, MovedColourIsNoClassColour) {
    const cv::Vec3b moved = edgeColour(3, true, false);
    EXPECT_EQ(moved, cv::Vec3b(255, 255, 255));
    EXPECT_EQ(edgeColour(41, true, false), moved);  // whatever the class
    const cv::Vec3b flagged = edgeColour(3, false, true);
    EXPECT_EQ(flagged, cv::Vec3b(255, 0, 255));  // magenta: missed or extra
    for (int c = 0; c < 80; ++c) {
        const cv::Vec3b colour = edgeColour(c, false, false);
        // Far from white: some channel at least 100 below it (the palette's palest is a light pink).
        EXPECT_LE(std::min({colour[0], colour[1], colour[2]}), 155) << "class " << c;
        EXPECT_NE(colour, flagged) << "class " << c;
    }
}

// Presentation mode draws with emphasis 2: a box's edge line is twice as thick (4 pixels against 2,
// counted along a row through its left edge, anti-aliased fringe included), and a panel without a
// title draws none.
TEST(Annotator, EmphasisWidensLinesAndAnEmptyTitleDrawsNone) {
    const cv::Mat grey(400, 400, CV_8UC3, cv::Scalar(128, 128, 128));
    PanelInfo panel;
    panel.detections = {{{100, 100, 300, 300}, 0, 0.9f}};
    const auto edgeWidth = [&](double emphasis) {
        const cv::Mat drawn = drawPanel(grey, panel, cocoClassNames(), emphasis);
        int width = 0;
        for (int x = 80; x < 130; ++x)
            width += drawn.at<cv::Vec3b>(250, x) != cv::Vec3b(128, 128, 128);
        return width;
    };
    const int normal = edgeWidth(1.0), emphasised = edgeWidth(2.0);
    EXPECT_GE(normal, 2);
    EXPECT_EQ(emphasised - normal, 2) << normal << " vs " << emphasised;
    // No title: the top-left corner stays as it was.
    const cv::Mat untitled = drawPanel(grey, panel, cocoClassNames());
    EXPECT_EQ(untitled.at<cv::Vec3b>(5, 5), cv::Vec3b(128, 128, 128));
    panel.title = "FP32";
    EXPECT_NE(drawPanel(grey, panel, cocoClassNames()).at<cv::Vec3b>(5, 5), cv::Vec3b(128, 128, 128));
}

}  // namespace
}  // namespace ql
