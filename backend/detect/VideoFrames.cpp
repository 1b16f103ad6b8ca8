#include "detect/VideoFrames.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include <opencv2/videoio.hpp>

namespace ql {
namespace {

std::string frameName(const std::string& file, int index, double seconds) {
    char buf[64];
    if (seconds > 0)
        std::snprintf(buf, sizeof buf, " frame %d (%.1f s)", index, seconds);
    else
        std::snprintf(buf, sizeof buf, " frame %d", index);
    return file + buf;
}

}  // namespace

bool isVideoPath(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".mp4" || ext == ".avi" || ext == ".mov" || ext == ".mkv" || ext == ".webm" || ext == ".m4v" ||
           ext == ".mpg" || ext == ".mpeg";
}

VideoFrames::VideoFrames(VideoFrames&&) noexcept = default;
VideoFrames& VideoFrames::operator=(VideoFrames&&) noexcept = default;
VideoFrames::~VideoFrames() = default;

Result<VideoFrames> VideoFrames::open(const std::string& path, int every) {
    if (every < 1)
        return Error{"--every must be 1 or more (it is " + std::to_string(every) + ")"};
    if (!std::filesystem::is_regular_file(path))
        return Error{path + ": no such file"};
    if (!isVideoPath(path))  // OpenCV would read a still image as a one-frame video
        return Error{path + ": not a video file (.mp4, .avi, .mov, .mkv, .webm, .m4v, .mpg)"};
    VideoFrames v;
    // FFmpeg first: it reads files quietly; then whatever backend OpenCV has.
    v.capture_ = std::make_unique<cv::VideoCapture>(path, cv::CAP_FFMPEG);
    if (!v.capture_->isOpened())
        v.capture_ = std::make_unique<cv::VideoCapture>(path, cv::CAP_ANY);
    if (!v.capture_->isOpened())
        return Error{path + ": not a video OpenCV can read"};
    v.file_ = std::filesystem::path(path).filename().string();
    v.every_ = every;
    v.frames_ = std::max(0, static_cast<int>(v.capture_->get(cv::CAP_PROP_FRAME_COUNT)));
    v.fps_ = std::max(0.0, v.capture_->get(cv::CAP_PROP_FPS));
    cv::Mat first;
    if (!v.capture_->read(first) || first.empty())
        return Error{path + ": a video with no frame OpenCV can decode"};
    v.first_ = VideoFrame{first, 0, 0.0, frameName(v.file_, 0, 0.0)};
    v.index_ = 1;
    return v;
}

std::optional<VideoFrame> VideoFrames::next() { return nextFrom(0); }

std::optional<VideoFrame> VideoFrames::nextFrom(int index) {
    if (first_) {
        auto f = std::move(first_);
        first_.reset();
        if (index <= 0)
            return f;
    }
    cv::Mat frame;
    // Frames before `index` and between the kept ones are grabbed, not decoded.
    while (index_ < index || index_ % every_ != 0) {
        if (!capture_->grab())
            return std::nullopt;
        ++index_;
    }
    if (!capture_->read(frame) || frame.empty())
        return std::nullopt;
    const int at = index_++;
    const double seconds = fps_ > 0 ? at / fps_ : 0.0;
    return VideoFrame{frame, at, seconds, frameName(file_, at, seconds)};
}

}  // namespace ql
