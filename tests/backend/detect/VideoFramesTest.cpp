// A video as demo input: every Nth frame in order with its number and time (worked out by hand from
// a clip written here whose frames carry their own number as brightness), and clear refusals.
#include <gtest/gtest.h>

#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "detect/VideoFrames.h"
#include "support/TestModels.h"

namespace ql {
namespace {

// 10 frames at 5 fps, 64x48, frame i filled with grey level 20 * i (MJPG keeps a flat grey within a few levels).
std::string writeClip() {
    const std::string path = test::tempPath("clip.avi");
    cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 5.0, cv::Size(64, 48));
    EXPECT_TRUE(writer.isOpened());
    for (int i = 0; i < 10; ++i)
        writer.write(cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(20 * i)));
    return path;
}

TEST(VideoFrames, EveryNthFrameInOrder) {
    const std::string path = writeClip();
    auto frames = VideoFrames::open(path, 3);
    ASSERT_TRUE(frames) << frames.errorMessage();
    EXPECT_EQ(frames->framesInFile(), 10);
    EXPECT_DOUBLE_EQ(frames->fps(), 5.0);
    std::vector<int> indices;
    while (auto f = frames->next()) {
        indices.push_back(f->index);
        EXPECT_EQ(f->bgr.cols, 64);
        EXPECT_NEAR(cv::mean(f->bgr)[0], 20.0 * f->index, 4.0) << "frame " << f->index;  // the frame it says it is
        EXPECT_DOUBLE_EQ(f->seconds, f->index / 5.0);
    }
    EXPECT_EQ(indices, (std::vector<int>{0, 3, 6, 9}));
    auto all = VideoFrames::open(path, 1);
    ASSERT_TRUE(all);
    auto first = all->next();
    auto second = all->next();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(second->name, "clip.avi frame 1 (0.2 s)");
}

// Playback skips the frames it cannot keep up with: nextFrom(i) gives frame i itself (its pixels
// say so), never an earlier one, and respects `every`.
TEST(VideoFrames, NextFromSkipsAhead) {
    const std::string path = writeClip();
    auto frames = VideoFrames::open(path, 1);
    ASSERT_TRUE(frames);
    std::vector<int> indices;
    for (int wanted : {0, 4, 2, 7}) {  // 2 is behind: the next frame comes
        auto f = frames->nextFrom(wanted);
        ASSERT_TRUE(f);
        indices.push_back(f->index);
        EXPECT_NEAR(cv::mean(f->bgr)[0], 20.0 * f->index, 4.0) << "frame " << f->index;
    }
    EXPECT_EQ(indices, (std::vector<int>{0, 4, 5, 7}));
    EXPECT_FALSE(frames->nextFrom(12));  // past the end
    auto everyThird = VideoFrames::open(path, 3);
    ASSERT_TRUE(everyThird);
    auto f = everyThird->nextFrom(4);  // the first kept frame at 4 or after
    ASSERT_TRUE(f);
    EXPECT_EQ(f->index, 6);
}

TEST(VideoFrames, RefusesWhatIsNoVideo) {
    const std::string text = test::tempPath("notes.mp4");
    std::ofstream(text) << "not a video";
    auto bad = VideoFrames::open(text);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.errorMessage().find("notes.mp4"), std::string::npos) << bad.errorMessage();
    EXPECT_FALSE(VideoFrames::open(test::tempPath("missing.mp4")));
    const std::string still = test::tempPath("still.png");
    ASSERT_TRUE(cv::imwrite(still, cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(0))));
    auto image = VideoFrames::open(still);  // OpenCV alone would read it as a one-frame video
    ASSERT_FALSE(image);
    EXPECT_NE(image.errorMessage().find("not a video file"), std::string::npos);
    EXPECT_FALSE(VideoFrames::open(writeClip(), 0));  // every 0 frames
    EXPECT_TRUE(isVideoPath("drive.MP4"));
    EXPECT_FALSE(isVideoPath("bus.jpg"));
}

}  // namespace
}  // namespace ql
