// Draws detections on images with OpenCV, and puts the FP32 and quantized pictures side by side
// with the differences marked: boxes the quantized model missed, and boxes it added.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "detect/Detection.h"
#include "detect/DetectionMatcher.h"

namespace ql {

struct PanelInfo {
    std::string title;    // e.g. "FP32  12.3 ms"
    std::vector<Detection> detections;
    std::vector<int> flagged;  // indices drawn as differences
    std::string flagLabel;     // "missed" or "extra"
};

cv::Mat drawPanel(const cv::Mat& bgr, const PanelInfo& panel, const std::vector<std::string>& classNames);
cv::Mat sideBySide(const cv::Mat& left, const cv::Mat& right);

// The usual picture: FP32 on the left with what INT8 missed, INT8 on the right with what it added.
cv::Mat drawComparison(const cv::Mat& bgr, const std::vector<Detection>& fp32, const std::vector<Detection>& quantized,
                       const DetectionMatch& match, const std::vector<std::string>& classNames,
                       const std::string& fp32Title, const std::string& quantizedTitle);

}  // namespace ql
