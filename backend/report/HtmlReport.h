// The stakeholder report: one self-contained HTML file (pictures embedded as data URLs). The first
// page answers "can INT8 ship?" (verdict and deciding figures), then the images INT8 changed most
// side by side, the session's runs, a study when one was run (its table and Pareto plot), and an engineering appendix (models, settings and the exact
// quantize_static call, nodes left float, output and layer errors, histograms, evaluation table).
// The same content feeds the PDF export.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/ActivationComparison.h"
#include "detect/DetectionEvaluation.h"
#include "detect/BoxExplanation.h"
#include "detect/Detector.h"
#include "project/RunHistory.h"
#include "quantize/QuantizerSettings.h"
#include "inspect/ModelSummary.h"
#include "report/ReportLanguage.h"
#include "study/Study.h"

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

// A page per FP32 box INT8 missed or moved (issue 20, detect/BoxExplanation.h): the FP32 box's
// region of both models' pictures, both scores and classes, where the box came from and why it
// was lost.
struct BoxCasePage {
    std::string image;                    // file name shown as caption
    std::vector<unsigned char> fp32Crop;  // JPEG: the region around the FP32 box, the FP32 box drawn
    std::vector<unsigned char> quantizedCrop;  // JPEG: the same region, INT8's boxes in it drawn (FP32's thin)
    int cropX = 0, cropY = 0, cropWidth = 0, cropHeight = 0;  // the region, original-image pixels
    bool missed = true;                   // false: moved (INT8 found it elsewhere)
    std::string fp32Class, quantizedClass;  // INT8's: its partner's class; missed: FP32's class, or the class
                                            // that won at the cell (BoxOutcome::AnotherClassWon)
    float fp32Score = 0.0f;
    float quantizedScore = 0.0f;          // the partner's score; missed: the FP32 class's score at the cell
    float iou = 0.0f;                     // with the partner (0 when missed)
    Box fp32Box;
    std::optional<Box> quantizedBox;      // the partner's
    int level = 0, stride = 0, cellX = 0, cellY = 0, outputIndex = -1;
    std::string reason;                   // outcomeName(), English (the report translates it)
    std::string detail;                   // the facts behind it, one English sentence (English report only)
    std::optional<std::string> lostAtLayer;  // the layer where the box was lost, when a trace found it
};

// The region shown for an FP32 box: the box with half its width and height added on each side (at
// least 16 pixels), clipped to the image.
cv::Rect boxCaseRegion(const Box& box, int imageWidth, int imageHeight);

// One page per explained box of `explanation` (only those missed or moved), crops cut from `bgr`.
std::vector<BoxCasePage> boxCasePages(const std::string& imageName, const cv::Mat& bgr, const ImageExplanation& explanation,
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
    std::vector<BoxCasePage> boxCases;         // explained boxes, a page each (report --explain)
    size_t picturesConsidered = 0;             // images the pictures were chosen from (0: not chosen)
    std::optional<EvaluationReport> evaluation;
    std::vector<Run> runs;  // the app's session: every quantized model made or loaded, with its figures
    std::optional<StudyResult> study;  // Analysis › Study or `report --study`: its table and Pareto plot
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
