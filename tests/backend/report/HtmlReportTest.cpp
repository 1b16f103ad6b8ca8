#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "report/HtmlReport.h"
#include "report/ReportAssembly.h"

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
    c.detections.push_back({"bus.jpg", {1, 2, 3}, 4, 1, 1, 0, 3.0});
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
    ASSERT_GT(d.jpeg.size(), 2u);
    EXPECT_EQ(d.jpeg[0], 0xFF);  // JPEG: the report stays light
    EXPECT_EQ(d.jpeg[1], 0xD8);
    const cv::Mat picture = cv::imdecode(d.jpeg, cv::IMREAD_COLOR);
    EXPECT_EQ(picture.cols, 2 * 60 + 8);  // FP32 | gap | quantized
    EXPECT_EQ(picture.rows, 40);
    // Change: 1 missed + 1 moved, plus 1 − IoU of both pairs (1 and 70/130: 7x10 overlap of two 10x10 boxes).
    EXPECT_NEAR(d.change, 2.0 + (1.0 - 70.0 / 130.0), 1e-5);
}

TEST(HtmlReport, WidePicturesAreScaledToPrintWidth) {
    const cv::Mat bgr(900, 1600, CV_8UC3, cv::Scalar(90, 90, 90));
    DetectionComparison c;
    const cv::Mat picture = cv::imdecode(detectionPicture("w.jpg", bgr, c, {}).jpeg, cv::IMREAD_COLOR);
    EXPECT_EQ(picture.cols, kPictureWidth);
    EXPECT_NEAR(picture.rows, 900.0 * kPictureWidth / (2 * 1600 + 8), 1.0);
}

TEST(HtmlReport, ChangeScoreIsZeroOnlyForTheSameBoxes) {
    DetectionMatch same;
    same.pairs = {{0, 0, 1.0f, 0.0f}, {1, 1, 1.0f, 0.0f}};
    EXPECT_DOUBLE_EQ(changeScore(same), 0.0);
    DetectionMatch changed = same;
    changed.extra = {2};
    changed.pairs[1].iou = 0.5f;  // moved (under 0.8): 1 + (1 − 0.5)
    EXPECT_DOUBLE_EQ(changeScore(changed), 1.0 + 1.0 + 0.5);
}

TEST(HtmlReport, MostChangedPicturesKeptInOrder) {
    std::vector<DetectionPicture> kept;
    const double changes[] = {1.0, 4.0, 0.0, 4.0, 2.5, 3.0};
    for (size_t i = 0; i < 6; ++i) {
        DetectionPicture p;
        p.image = "img" + std::to_string(i);
        p.change = changes[i];
        keepMostChanged(kept, p, 3);
    }
    ASSERT_EQ(kept.size(), 3u);
    EXPECT_EQ(kept[0].image, "img1");  // 4.0, first of the tie
    EXPECT_EQ(kept[1].image, "img3");  // 4.0
    EXPECT_EQ(kept[2].image, "img5");  // 3.0
}

TEST(HtmlReport, NamesShortenedInTheMiddle) {
    EXPECT_EQ(shortenMiddle("/model.2/Conv", 20), "/model.2/Conv");
    const std::string longName = "/model.22/cv3.2/cv3.2.2/Conv_output_0";  // 37 bytes
    const std::string s = shortenMiddle(longName, 20);
    EXPECT_EQ(s.size(), 20u);  // 17 kept + 3 bytes of the ellipsis
    EXPECT_EQ(s, "/model.22\u2026output_0");
    // A multi-byte character at the cut is kept whole or dropped whole.
    const std::string cjk = "\u5377\u79ef\u5c42\u5377\u79ef\u5c42\u5377\u79ef";  // 8 x 3 bytes
    const std::string cut = shortenMiddle(cjk, 12);
    EXPECT_EQ(cut, "\u5377\u2026\u79ef");
}

TEST(HtmlReport, SelfContainedWithEverySection) {
    const std::string html = renderHtml(sampleContent());
    EXPECT_NE(html.find("<title>Test &lt;report&gt;</title>"), std::string::npos);
    EXPECT_NE(html.find("int8.onnx"), std::string::npos);
    EXPECT_NE(html.find("['/model.22/Concat_3']"), std::string::npos);
    EXPECT_NE(html.find("/model.2/Conv_output_0"), std::string::npos);
    EXPECT_NE(html.find("class=\"num bad\">12.50"), std::string::npos);  // a bad layer stands out
    EXPECT_NE(html.find("bus.jpg: 1 missed, 0 extra, 1 moved; 4 matched."), std::string::npos);
    // Two pictures (one histogram, one detection), embedded: no external file is needed.
    size_t embedded = 0;
    for (size_t at = html.find("data:image/"); at != std::string::npos; at = html.find("data:image/", at + 1))
        ++embedded;
    EXPECT_EQ(embedded, 2u);
    EXPECT_EQ(html.find("src=\"http"), std::string::npos);
}

TEST(HtmlReport, VerdictFirstThenPicturesRunsAndAppendix) {
    ReportContent c = sampleContent();
    c.fp32.fileSize = 12'000'000;
    c.quantized.fileSize = 3'000'000;
    ql::Run run;
    run.number = 1;
    c.runs = {run};
    const std::string html = renderHtml(c);
    const size_t verdict = html.find("Not enough figures to decide");  // no accuracy figure in the sample
    const size_t size = html.find("4.0\u00d7");
    const size_t pictures = html.find("The images INT8 changed most");
    const size_t runs = html.find("<h2>Runs</h2>");
    const size_t appendix = html.find("Engineering appendix");
    const size_t layers = html.find("/model.2/Conv_output_0");
    ASSERT_NE(verdict, std::string::npos);
    EXPECT_LT(verdict, size);
    EXPECT_LT(size, pictures);
    EXPECT_LT(pictures, runs);
    EXPECT_LT(runs, appendix);
    EXPECT_LT(appendix, layers);
    // The PDF variant breaks pages before the pictures and the appendix.
    EXPECT_NE(renderHtml(c, "img-").find("page-break-before: always\">Engineering appendix"), std::string::npos);
}

TEST(HtmlReport, LongTensorNamesFitTheirColumn) {
    ReportContent c = sampleContent();
    const std::string longName = "/model.22/cv3.2/cv3.2.2/very/deep/block/Conv_output_0_with_a_long_tail";
    c.activations->layers[0].name = longName;
    const std::string html = renderHtml(c);
    EXPECT_NE(html.find("<span title=\"" + longName + "\">" + shortenMiddle(longName, 40) + "</span><sup>1</sup>"),
              std::string::npos) << html;
    EXPECT_NE(html.find("<sup>1</sup> " + longName), std::string::npos);  // the footnote
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
