// The stakeholder report: one self-contained HTML file (plots embedded as PNG data) with the
// models, the quantization settings, the worst layers and their histograms, detections side by
// side, accuracy and latency, and the exclusion list. The same content feeds the PDF export.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/ActivationComparison.h"
#include "detect/DetectionEvaluation.h"
#include "detect/Detector.h"
#include "project/RunHistory.h"
#include "quantize/QuantizerSettings.h"
#include "report/ModelSummary.h"

namespace ql {

struct DetectionPicture {
    std::string image;             // file name shown as caption
    std::vector<unsigned char> png;
    size_t matched = 0, moved = 0, missed = 0, extra = 0;
};

// One image's comparison drawn for the report: FP32 | quantized, at most 1600 pixels wide.
DetectionPicture detectionPicture(const std::string& imageName, const cv::Mat& bgr, const DetectionComparison& comparison,
                                  const std::vector<std::string>& classNames);

struct ReportContent {
    std::string title = "QuantLens report";
    ModelSummary fp32;
    ModelSummary quantized;
    std::optional<QuantizerSettings> settings;
    std::vector<std::string> nodesLeftFloat;  // nodes of quantizable types the quantized model keeps float
    std::optional<ActivationReport> activations;
    size_t worstLayers = 10;
    std::vector<DetectionPicture> detections;
    std::optional<EvaluationReport> evaluation;
    std::vector<Run> runs;  // the app's session: every quantized model made or loaded, with its figures
};

// A histogram picture (FP32 and quantized overlaid, error below) as PNG bytes.
std::vector<unsigned char> histogramPng(const HistogramSet& histograms, const std::string& title, int width = 640, int height = 300);

// With `imagePrefix` empty, pictures are embedded as data URLs; otherwise they are referenced as
// <prefix>N.png (for the PDF export, which registers them as resources).
std::string renderHtml(const ReportContent& content, const std::string& imagePrefix = {});
std::vector<std::vector<unsigned char>> reportImages(const ReportContent& content);  // in reference order

}  // namespace ql
