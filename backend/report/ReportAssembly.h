// What the app's and the CLI's reports gather about two models before rendering: the models'
// summaries, the nodes left float and pictures of both models' detections, in one place so that
// both say the same things.
#pragma once

#include <string>
#include <vector>

#include "detect/DetectorPair.h"
#include "analysis/BoxTrace.h"
#include "detect/VideoFrames.h"
#include "inspect/AnalyzedModel.h"
#include "quantize/QuantizerSettings.h"
#include "report/HtmlReport.h"
#include "util/TaskControl.h"

namespace ql {

// A report of the two models with their summaries and the quantized model's nodes left float;
// the caller adds activations, settings, an evaluation and pictures.
ReportContent startReport(const AnalyzedModel& fp32, const AnalyzedModel& quantized);

// Both models' detections on each image, drawn and appended to the report. Stops at the first
// image that cannot be compared, naming it.
Status addDetectionPictures(ReportContent& content, DetectorPair& detectors, const std::vector<std::string>& images);

// Both models run on every candidate image; the `count` images whose detections INT8 changed most
// (changeScore, ties in the candidates' order) are drawn into the report, most changed first. Only
// those pictures are kept while the candidates are read. An image that cannot be read or compared
// is skipped and named in `skipped`; an error only when no candidate could be compared.
// Adds `picture` to `kept` (most changed first, at most `count`; an equal change goes after those
// already kept, so earlier candidates win ties).
void keepMostChanged(std::vector<DetectionPicture>& kept, DetectionPicture picture, size_t count);

Status addMostChangedPictures(ReportContent& content, DetectorPair& detectors, const std::vector<std::string>& candidates,
                              size_t count, std::vector<std::string>* skipped = nullptr, const TaskControl& control = {});

// The same over a video's frames (every Nth, read one at a time): the most changed frames drawn,
// named "clip.mp4 frame 120 (4.0 s)".
Status addMostChangedFrames(ReportContent& content, DetectorPair& detectors, VideoFrames& frames, size_t count,
                            const TaskControl& control = {});

// The layer a trace marks as where the box was lost: "node (Op)"; empty when it marks none.
std::optional<std::string> lostAtLayer(const BoxTrace& trace);

// What addBoxPages needs to trace each box (analysis/BoxTrace.h): the two models the detectors were
// made from (they must outlive the call) and the session to capture them with.
struct BoxPageTracing {
    const AnalyzedModel* fp32 = nullptr;
    const AnalyzedModel* quantized = nullptr;
    SessionOptions session;
};

// A page per FP32 box INT8 missed or moved on each image (detect/BoxExplanation.h): both crops, the
// scores, the cell it came from and why. Stops at the first image that cannot be read or explained
// (a head without grid cells is refused), naming it. With `tracing`, both models are captured once
// per image and each page's lostAtLayer is the trace's jump (TraceCapture::trace, default options);
// a model the trace refuses (QOperator, dynamic) leaves it empty and says why in `traceProblems`.
Status addBoxPages(ReportContent& content, DetectorPair& detectors, const std::vector<std::string>& images,
                   const TaskControl& control = {}, const BoxPageTracing* tracing = nullptr,
                   std::vector<std::string>* traceProblems = nullptr);

}  // namespace ql
