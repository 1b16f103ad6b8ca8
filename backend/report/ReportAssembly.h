// What the app's and the CLI's reports gather about two models before rendering: the models'
// summaries, the nodes left float and pictures of both models' detections, in one place so that
// both say the same things.
#pragma once

#include <string>
#include <vector>

#include "detect/DetectorPair.h"
#include "quant/AnalyzedModel.h"
#include "quantize/QuantizerSettings.h"
#include "report/HtmlReport.h"

namespace ql {

// A report of the two models with their summaries and the quantized model's nodes left float;
// the caller adds activations, settings, an evaluation and pictures.
ReportContent startReport(const AnalyzedModel& fp32, const AnalyzedModel& quantized);

// Both models' detections on each image, drawn and appended to the report. Stops at the first
// image that cannot be compared, naming it.
Status addDetectionPictures(ReportContent& content, DetectorPair& detectors, const std::vector<std::string>& images);

}  // namespace ql
