// A video file as demo input (a recorded drive, a camera clip): every Nth frame, read one at a time
// through OpenCV's VideoCapture, so a long clip is never held in memory at once.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "util/Result.h"

namespace cv {
class VideoCapture;
}

namespace ql {

struct VideoFrame {
    cv::Mat bgr;
    int index = 0;       // frame number in the file, from 0
    double seconds = 0;  // index / the file's frame rate (0 when it states none)
    std::string name;    // "clip.mp4 frame 120 (4.0 s)", for captions
};

// By extension: .mp4 .avi .mov .mkv .webm .m4v .mpg .mpeg (any case).
bool isVideoPath(const std::string& path);

class VideoFrames {
public:
    // Refuses, naming the file, a file without a video extension (isVideoPath), what OpenCV cannot
    // open as a video, and a video with no frame.
    // `every` >= 1: keep frames 0, every, 2*every, ...
    static Result<VideoFrames> open(const std::string& path, int every = 1);
    VideoFrames(VideoFrames&&) noexcept;
    VideoFrames& operator=(VideoFrames&&) noexcept;
    ~VideoFrames();

    std::optional<VideoFrame> next();  // the next frame kept; none at the end
    // The next frame kept whose number is `index` or more (playback skips the frames it cannot
    // keep up with); none at the end.
    std::optional<VideoFrame> nextFrom(int index);
    int framesInFile() const { return frames_; }  // as the file states it (may be 0 or approximate)
    double fps() const { return fps_; }

private:
    VideoFrames() = default;
    std::unique_ptr<cv::VideoCapture> capture_;
    std::string file_;  // file name for the frames' names
    int every_ = 1;
    int index_ = 0;     // the next frame's number
    int frames_ = 0;
    double fps_ = 0;
    std::optional<VideoFrame> first_;  // read by open() to check the file
};

}  // namespace ql
