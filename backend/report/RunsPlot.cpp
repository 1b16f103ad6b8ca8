#include "report/RunsPlot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace ql {
namespace {

const cv::Scalar kAxis(90, 90, 90);
const cv::Scalar kGrid(225, 225, 225);
const cv::Scalar kTrend(235, 200, 160);  // the marker's blue, lighter
const cv::Scalar kText(40, 40, 40);

std::string number(double v, int decimals) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void label(cv::Mat& canvas, const std::string& text, cv::Point at, bool centred = false) {
    int base = 0;
    const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, 0.45, 1, &base);
    if (centred)
        at.x -= size.width / 2;
    cv::putText(canvas, text, at, cv::FONT_HERSHEY_SIMPLEX, 0.45, kText, 1, cv::LINE_AA);
}

// One panel: runs along x (evenly spaced, in the order given), values on [0, top] up y.
struct Panel {
    cv::Rect area;
    double top = 1.0;
    size_t count = 0;
    int x(size_t i) const { return area.x + static_cast<int>((i + 0.5) * area.width / count); }
    int y(double v) const { return area.y + area.height - static_cast<int>(std::lround(std::clamp(v / top, 0.0, 1.0) * area.height)); }

    void drawFrame(cv::Mat& canvas, const std::vector<Run>& runs, int decimals, const std::string& unit) const {
        for (int k = 0; k <= 4; ++k) {  // gridlines at fifths of the range, labelled
            const double v = top * k / 4;
            cv::line(canvas, {area.x, y(v)}, {area.x + area.width, y(v)}, k == 0 ? kAxis : kGrid, 1);
            label(canvas, number(v, decimals) + (k == 4 ? unit : ""), {area.x - 52, y(v) + 4});
        }
        cv::line(canvas, {area.x, area.y}, {area.x, area.y + area.height}, kAxis, 1);
        for (size_t i = 0; i < runs.size(); ++i)
            label(canvas, "#" + std::to_string(runs[i].number), {x(i), area.y + area.height + 18}, true);
    }
};

// The smallest top of an axis with four gridlines at round steps (1, 2, 2.5 or 5 times a power of
// ten) that holds `value`.
double roundTop(double value) {
    if (value <= 0)
        return 1.0;
    const double raw = value / 4;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * power >= raw)
            return 4 * m * power;
    return 40 * power;
}

}  // namespace

RunsPlotQuality runsPlotQuality(const std::vector<Run>& runs) {
    bool any = false, allMap = true;
    for (const Run& r : runs) {
        if (!r.metrics.map50 && !r.metrics.fidelity50)
            continue;
        any = true;
        allMap = allMap && r.metrics.map50.has_value();
    }
    return !any ? RunsPlotQuality::None : allMap ? RunsPlotQuality::Map50 : RunsPlotQuality::Fidelity50;
}

bool runsPlottable(const std::vector<Run>& runs) {
    return std::count_if(runs.begin(), runs.end(), [](const Run& r) {
               return r.metrics.latency || r.metrics.map50 || r.metrics.fidelity50;
           }) >= 2;
}

std::vector<unsigned char> runsPlotPng(const std::vector<Run>& runs, int width, int height) {
    if (!runsPlottable(runs))
        return {};
    const RunsPlotQuality quality = runsPlotQuality(runs);
    double slowest = 0;
    for (const Run& r : runs)
        if (r.metrics.latency)
            slowest = std::max(slowest, r.metrics.latency->medianMs + latencySpreadMs(*r.metrics.latency));
    const bool timed = std::any_of(runs.begin(), runs.end(), [](const Run& r) { return r.metrics.latency.has_value(); });
    const bool rated = quality != RunsPlotQuality::None;
    cv::Mat canvas(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
    // One panel per kind of figure the runs have, side by side.
    const int panels = (timed ? 1 : 0) + (rated ? 1 : 0);
    const int panelWidth = (width - panels * 140) / panels;
    const auto panelArea = [&](int k) { return cv::Rect(70 + k * (panelWidth + 140), 16, panelWidth, height - 50); };
    const int radius = 6;
    if (rated) {
        const Panel left{panelArea(0), 1.0, runs.size()};
        left.drawFrame(canvas, runs, 2, "");
        std::vector<cv::Point> line;
        for (size_t i = 0; i < runs.size(); ++i) {
            const RunMetrics& m = runs[i].metrics;
            const std::optional<double> q = quality == RunsPlotQuality::Map50 ? m.map50 : m.fidelity50;
            if (q)
                line.push_back({left.x(i), left.y(*q)});
        }
        for (size_t k = 1; k < line.size(); ++k)
            cv::line(canvas, line[k - 1], line[k], kTrend, 2, cv::LINE_AA);
        for (const auto& p : line)
            cv::circle(canvas, p, radius, kRunsPlotMarker, cv::FILLED, cv::LINE_AA);
    }
    if (timed) {
        const Panel right{panelArea(rated ? 1 : 0), roundTop(slowest * 1.05), runs.size()};
        right.drawFrame(canvas, runs, right.top < 4 ? 2 : right.top < 40 ? 1 : 0, " ms");
        for (size_t i = 0; i < runs.size(); ++i) {
            const auto& latency = runs[i].metrics.latency;
            if (!latency)
                continue;
            const double spread = latencySpreadMs(*latency);
            const int x = right.x(i);
            const int low = right.y(latency->medianMs - spread), high = right.y(latency->medianMs + spread);
            cv::line(canvas, {x, low}, {x, high}, kAxis, 1);
            cv::line(canvas, {x - 5, low}, {x + 5, low}, kAxis, 1);
            cv::line(canvas, {x - 5, high}, {x + 5, high}, kAxis, 1);
            cv::circle(canvas, {x, right.y(latency->medianMs)}, radius, kRunsPlotMarker, cv::FILLED, cv::LINE_AA);
        }
    }
    std::vector<unsigned char> png;
    cv::imencode(".png", canvas, png);
    return png;
}

}  // namespace ql
