// Draws detections on images with OpenCV, and puts the FP32 and quantized pictures side by side
// with the differences marked: boxes the quantized model missed, added, or moved.
#pragma once

#include <string>
#include <utility>
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
    std::vector<std::pair<int, float>> moved;  // indices drawn as moved, with their IoU against FP32
};

// Lines and labels scale with the image; `emphasis` multiplies them (2: readable on a projector
// across a room). An empty title draws none.
cv::Mat drawPanel(const cv::Mat& bgr, const PanelInfo& panel, const std::vector<std::string>& classNames,
                  double emphasis = 1.0);
cv::Mat sideBySide(const cv::Mat& left, const cv::Mat& right);

// The two pictures of a comparison: FP32 with what INT8 missed; INT8 with what it added and what
// it found elsewhere (matched below kMovedBelowIou).
std::pair<cv::Mat, cv::Mat> drawComparisonPanels(const cv::Mat& bgr, const std::vector<Detection>& fp32,
                                                 const std::vector<Detection>& quantized, const DetectionMatch& match,
                                                 const std::vector<std::string>& classNames, const std::string& fp32Title,
                                                 const std::string& quantizedTitle, double emphasis = 1.0);
// The usual picture: those two side by side.
cv::Mat drawComparison(const cv::Mat& bgr, const std::vector<Detection>& fp32, const std::vector<Detection>& quantized,
                       const DetectionMatch& match, const std::vector<std::string>& classNames,
                       const std::string& fp32Title, const std::string& quantizedTitle);

}  // namespace ql
