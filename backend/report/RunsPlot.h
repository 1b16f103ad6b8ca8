// The report's picture of the session's runs: per run, detection quality on the left (mAP@0.5
// against labels when every plotted run has it, else detection fidelity at 0.5) and latency on the
// right (median with whiskers of ± the spread), run numbers along the bottom; a kind of figure no
// run has gets no panel. Only numbers are
// drawn in the picture; the report's caption, in the report's language, says what they are.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "project/RunHistory.h"

namespace ql {

enum class RunsPlotQuality { None, Map50, Fidelity50 };

// What the left panel shows for these runs: mAP@0.5 when every run with a quality figure has it.
RunsPlotQuality runsPlotQuality(const std::vector<Run>& runs);

// Whether at least two runs have a figure to plot (quality or latency).
bool runsPlottable(const std::vector<Run>& runs);

// PNG bytes; empty when !runsPlottable(runs).
// Both panels map values linearly: quality on 0..1, latency on 0 to a round value above the
// largest median + spread. Each value is a filled circle of kRunsPlotMarker; nothing else has that colour.
inline const cv::Scalar kRunsPlotMarker(180, 90, 20);  // BGR: the app's Runs plot blue
std::vector<unsigned char> runsPlotPng(const std::vector<Run>& runs, int width = 1000, int height = 300);

}  // namespace ql
