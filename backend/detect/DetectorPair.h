// The detectors of an FP32 model and of its quantized version, made once and reused image after
// image: both run on each image, their boxes are matched, their latencies are those of warm
// models, and the FP32 box counts are kept for the run's warnings. The app, `detect` and `report`
// all compare two detectors through this class.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "detect/Detector.h"

namespace ql {

class DetectorPair {
public:
    // Refuses, as Detector::create does, a model either detector could only misread.
    static Result<DetectorPair> create(const OnnxModel& fp32, const OnnxModel& quantized, const DetectorOptions& options,
                                       std::vector<std::string> classNames);

    // One image and both models' detections on it.
    struct Compared {
        cv::Mat bgr;
        DetectionComparison comparison;
    };
    // Reads the image (errors name it), warms both models up on the first image compared, then
    // detects with both; with timedRuns > 1 each model's latency comes with its spread.
    Result<Compared> compare(const std::string& imagePath, int timedRuns = 1);
    Result<DetectionComparison> compare(const cv::Mat& bgr, int timedRuns = 1);

    // Warnings about the images compared so far (detect/DetectionSanity.h).
    std::vector<std::string> warnings(bool preprocessChosen = false) const;

    Detector& fp32() { return fp32_; }
    Detector& quantized() { return quantized_; }
    const std::vector<std::string>& classNames() const { return classNames_; }

private:
    DetectorPair(Detector fp32, Detector quantized, std::vector<std::string> classNames)
        : fp32_(std::move(fp32)), quantized_(std::move(quantized)), classNames_(std::move(classNames)) {}

    Detector fp32_, quantized_;
    std::vector<std::string> classNames_;
    std::vector<size_t> fp32Counts_;  // FP32 detections per image compared, at the decode confidence
    bool warm_ = false;
};

}  // namespace ql
