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

}  // namespace
}  // namespace ql
