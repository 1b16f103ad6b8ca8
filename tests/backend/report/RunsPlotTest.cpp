// The report's runs plot, read back from its pixels with OpenCV's connected components: one
// marker per figure, runs left to right in order, and values mapped linearly (the height
// differences between markers are in the ratio of the values' differences, whatever the axis
// geometry), latency markers apart from quality markers.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "report/HtmlReport.h"
#include "report/RunsPlot.h"

namespace ql {
namespace {

ql::Run run(int number, std::optional<double> fidelity, std::optional<double> latencyMs, std::optional<double> map50 = {}) {
    ql::Run r;
    r.number = number;
    r.metrics.fidelity50 = fidelity;
    r.metrics.map50 = map50;
    if (latencyMs)
        r.metrics.latency = LatencyStats{20, *latencyMs - 1, *latencyMs, *latencyMs + 1, *latencyMs};
    return r;
}

// Marker centres (x, y) sorted by x.
std::vector<cv::Point2d> markers(const std::vector<unsigned char>& png) {
    const cv::Mat image = cv::imdecode(png, cv::IMREAD_COLOR);
    EXPECT_FALSE(image.empty());
    cv::Mat mask;
    const cv::Scalar m = kRunsPlotMarker;
    cv::inRange(image, m - cv::Scalar::all(6), m + cv::Scalar::all(6), mask);
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids);
    std::vector<cv::Point2d> out;
    for (int i = 1; i < n; ++i)
        if (stats.at<int>(i, cv::CC_STAT_AREA) >= 40)  // a filled circle, not anti-aliasing crumbs
            out.push_back({centroids.at<double>(i, 0), centroids.at<double>(i, 1)});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
    return out;
}

TEST(RunsPlot, ValuesAreMappedLinearlyInRunOrder) {
    // Fidelity 0.9, 0.5, 0.7 and latency 30, 10, 20 ms: the differences are in the ratios
    // (0.9-0.5):(0.7-0.5) = 2:1 and (30-10):(20-10) = 2:1.
    const std::vector<ql::Run> runs{run(1, 0.9, 30.0), run(2, 0.5, 10.0), run(3, 0.7, 20.0)};
    const auto found = markers(runsPlotPng(runs));
    ASSERT_EQ(found.size(), 6u);  // three quality markers left, three latency markers right
    for (const size_t panel : {size_t{0}, size_t{3}}) {
        const auto& a = found[panel];
        const auto& b = found[panel + 1];
        const auto& c = found[panel + 2];
        EXPECT_LT(a.y, c.y);  // the larger value higher up (smaller y)
        EXPECT_LT(c.y, b.y);
        EXPECT_NEAR((b.y - a.y) / (b.y - c.y), 2.0, 0.1) << "panel at " << panel;
        EXPECT_NEAR(b.x - a.x, c.x - b.x, 1.5);  // runs evenly spaced
    }
    EXPECT_EQ(runsPlotQuality(runs), RunsPlotQuality::Fidelity50);
}

TEST(RunsPlot, MapOnlyWhenEveryRunHasItAndNothingForOneRun) {
    EXPECT_EQ(runsPlotQuality({run(1, 0.9, {}, 0.6), run(2, 0.8, {}, 0.55)}), RunsPlotQuality::Map50);
    EXPECT_EQ(runsPlotQuality({run(1, 0.9, {}, 0.6), run(2, 0.8, {})}), RunsPlotQuality::Fidelity50);
    EXPECT_EQ(runsPlotQuality({run(1, {}, 12.0)}), RunsPlotQuality::None);
    EXPECT_TRUE(runsPlotPng({run(1, 0.9, 12.0)}).empty());  // one run: nothing to compare
    EXPECT_FALSE(runsPlottable({run(1, {}, {}), run(2, 0.8, {})}));
    const auto onlyLatency = markers(runsPlotPng({run(1, {}, 12.0), run(2, {}, 18.0)}));
    EXPECT_EQ(onlyLatency.size(), 2u);
}

TEST(RunsPlot, TheReportEmbedsItAfterTheRunsTable) {
    ReportContent content;
    content.runs = {run(1, 0.9, 30.0), run(2, 0.5, 10.0)};
    const auto images = reportImages(content);
    ASSERT_EQ(images.size(), 1u);
    EXPECT_EQ(images.front(), runsPlotPng(content.runs));
    const std::string html = renderHtml(content);
    const size_t table = html.find("<h2>Runs</h2>");
    const size_t picture = html.find("data:image/png;base64,");
    ASSERT_NE(table, std::string::npos);
    ASSERT_NE(picture, std::string::npos);
    EXPECT_LT(table, picture);
    EXPECT_NE(html.find("detection fidelity (mAP@0.5 against FP32's boxes) per run"), std::string::npos);
    content.runs.pop_back();
    EXPECT_TRUE(reportImages(content).empty());
}

}  // namespace
}  // namespace ql
