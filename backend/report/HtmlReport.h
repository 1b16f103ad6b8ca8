// The stakeholder report: one self-contained HTML file (pictures embedded as data URLs). The first
// page answers "can INT8 ship?" (verdict and deciding figures), then the images INT8 changed most
// side by side, the session's runs, and an engineering appendix (models, settings and the exact
// quantize_static call, nodes left float, output and layer errors, histograms, evaluation table).
// The same content feeds the PDF export.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/ActivationComparison.h"
#include "detect/DetectionEvaluation.h"
#include "detect/Detector.h"
#include "project/RunHistory.h"
#include "quantize/QuantizerSettings.h"
#include "inspect/ModelSummary.h"
#include "report/ReportLanguage.h"

namespace ql {

struct DetectionPicture {
    std::string image;               // file name shown as caption
    std::vector<unsigned char> jpeg; // encoded picture (JPEG; PNG is accepted too)
    size_t matched = 0, moved = 0, missed = 0, extra = 0;
    double change = 0.0;             // changeScore() of the comparison drawn
};

// How much INT8 changed one image's detections: each missed, extra or moved box counts 1, and each
// matched pair adds 1 − IoU (so among images with as many changed boxes, the one whose boxes
// shifted more comes first). 0: identical detections.
double changeScore(const DetectionMatch& match);

// A name of at most `maxChars` bytes: the start and the end kept, "…" between (UTF-8 sequences are
// not cut). Names that fit come back unchanged.
std::string shortenMiddle(const std::string& name, size_t maxChars);

// One image's comparison drawn for the report: FP32 | quantized, at most kPictureWidth pixels wide
// (about 150 dpi across an A4 or Letter text width), JPEG.
constexpr int kPictureWidth = 1200;
DetectionPicture detectionPicture(const std::string& imageName, const cv::Mat& bgr, const DetectionComparison& comparison,
                                  const std::vector<std::string>& classNames);

constexpr const char* kDefaultReportTitle = "QuantLens report";

struct ReportContent {
    std::string title = kDefaultReportTitle;  // the default one is written in the report's language
    ReportLanguage language = ReportLanguage::English;  // of every text the report writes; figures are the same in all
    ModelSummary fp32;
    ModelSummary quantized;
    std::optional<QuantizerSettings> settings;
    std::vector<std::string> nodesLeftFloat;  // nodes of quantizable types the quantized model keeps float
    std::optional<ActivationReport> activations;
    size_t worstLayers = 10;
    std::vector<DetectionPicture> detections;  // most changed first
    size_t picturesConsidered = 0;             // images the pictures were chosen from (0: not chosen)
    std::optional<EvaluationReport> evaluation;
    std::vector<Run> runs;  // the app's session: every quantized model made or loaded, with its figures
};

// A histogram picture (FP32 and quantized overlaid, error below) as PNG bytes. The legend is drawn
// in English (OpenCV's fonts have no CJK); without it, the report says the same in its language.
std::vector<unsigned char> histogramPng(const HistogramSet& histograms, const std::string& title, int width = 640, int height = 300,
                                        bool legend = true);

// The title as written: a title of one's own as given, the default one in the report's language.
std::string reportTitle(const ReportContent& content);

// With `imagePrefix` empty, pictures are embedded as data URLs; otherwise they are referenced as
// <prefix>N.png (for the PDF export, which registers them as resources, whatever their encoding).
std::string renderHtml(const ReportContent& content, const std::string& imagePrefix = {});
std::vector<std::vector<unsigned char>> reportImages(const ReportContent& content);  // in reference order

}  // namespace ql
