#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "report/HtmlReport.h"

namespace ql {
namespace {

ReportContent sampleContent() {
    ReportContent c;
    c.title = "Test <report>";
    c.fp32.name = "fp32.onnx";
    c.quantized.name = "int8.onnx";
    c.quantized.format = QuantFormat::QDQ;
    c.nodesLeftFloat = {"/model.22/Concat_3"};
    ActivationReport a;
    a.imageCount = 2;
    ActivationError layer;
    layer.name = "/model.2/Conv_output_0";
    layer.producerOp = "Conv";
    layer.accumulated.sqnrDb = 12.5;
    layer.histograms = {Histogram(0, 1, 8), Histogram(0, 1, 8), Histogram(-1, 1, 8)};
    layer.histograms.reference.add({0.1f, 0.2f, 0.9f});
    a.layers.push_back(layer);
    OutputError output;
    output.name = "output0";
    a.outputs.push_back(output);
    c.activations = a;
    c.detections.push_back({"bus.jpg", {1, 2, 3}, 4, 1, 1, 0});
    return c;
}

TEST(HtmlReport, DetectionPictureCountsWhatItDraws) {
    const cv::Mat bgr(40, 60, CV_8UC3, cv::Scalar(90, 90, 90));
    DetectionComparison c;
    c.fp32 = {{{0, 0, 10, 10}, 0, 0.9f}, {{20, 20, 30, 30}, 0, 0.8f}, {{40, 5, 50, 15}, 1, 0.7f}};
    c.quantized = {{{0, 0, 10, 10}, 0, 0.9f}, {{23, 20, 33, 30}, 0, 0.8f}};  // the second moved, the third missed
    c.match = matchDetections(c.fp32, c.quantized);
    const DetectionPicture d = detectionPicture("a.png", bgr, c, {"person", "car"});
    EXPECT_EQ(d.image, "a.png");
    EXPECT_EQ(d.matched, 2u);
    EXPECT_EQ(d.moved, 1u);
    EXPECT_EQ(d.missed, 1u);
    EXPECT_EQ(d.extra, 0u);
    const cv::Mat picture = cv::imdecode(d.png, cv::IMREAD_COLOR);
    EXPECT_EQ(picture.cols, 2 * 60 + 8);  // FP32 | gap | quantized
    EXPECT_EQ(picture.rows, 40);
}

TEST(HtmlReport, SelfContainedWithEverySection) {
    const std::string html = renderHtml(sampleContent());
    EXPECT_NE(html.find("<title>Test &lt;report&gt;</title>"), std::string::npos);
    EXPECT_NE(html.find("int8.onnx"), std::string::npos);
    EXPECT_NE(html.find("['/model.22/Concat_3']"), std::string::npos);
    EXPECT_NE(html.find("/model.2/Conv_output_0"), std::string::npos);
    EXPECT_NE(html.find("class=\"num bad\">12.50"), std::string::npos);  // a bad layer stands out
    EXPECT_NE(html.find("bus.jpg: 4 matched (1 moved), 1 missed, 0 extra"), std::string::npos);
    // Two pictures (one histogram, one detection), embedded: no external file is needed.
    size_t embedded = 0;
    for (size_t at = html.find("data:image/png;base64,"); at != std::string::npos; at = html.find("data:image/png;base64,", at + 1))
        ++embedded;
    EXPECT_EQ(embedded, 2u);
    EXPECT_EQ(html.find("src=\"http"), std::string::npos);
}

TEST(HtmlReport, RunsTableWithDiffsAndLatencySpread) {
    ReportContent c = sampleContent();
    ql::Run loaded;
    loaded.number = 1;
    loaded.name = "int8.onnx";
    loaded.exclusions = {"a"};
    loaded.metrics.parts = {{"output0", 19.254}};
    loaded.metrics.latency = LatencyStats{20, 28.0, 30.0, 34.0, 30.5};  // spread (34 - 28) / 2 = 3
    ql::Run requantized;
    requantized.number = 2;
    requantized.name = "re-quantized, 2 excluded";
    requantized.exclusions = {"b", "c"};
    c.runs = {loaded, requantized};
    const std::string html = renderHtml(c);
    EXPECT_NE(html.find("<h2>Runs</h2>"), std::string::npos);
    EXPECT_NE(html.find("<td>int8.onnx</td><td>1</td><td class=\"num\">19.25</td>"), std::string::npos) << html;
    EXPECT_NE(html.find("30.0 \u00b1 3.0"), std::string::npos);
    EXPECT_NE(html.find("<td>2 (+2 \u22121)</td>"), std::string::npos);
    EXPECT_EQ(renderHtml(sampleContent()).find("<h2>Runs</h2>"), std::string::npos);  // none in the CLI's
}

TEST(HtmlReport, PdfVariantReferencesImages) {
    const auto content = sampleContent();
    const std::string html = renderHtml(content, "img-");
    EXPECT_NE(html.find("src=\"img-0.png\""), std::string::npos);
    EXPECT_NE(html.find("src=\"img-1.png\""), std::string::npos);
    EXPECT_EQ(reportImages(content).size(), 2u);
    const auto png = histogramPng(content.activations->layers[0].histograms, "x");
    ASSERT_GT(png.size(), 8u);
    EXPECT_EQ(png[1], 'P');  // \x89PNG
}

}  // namespace
}  // namespace ql
