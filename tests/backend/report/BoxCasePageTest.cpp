// The report's page per box INT8 missed or moved: the region cropped (worked out by hand), which
// boxes get a page, the figures printed in both languages, and the optional "lost at layer" line.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include <opencv2/imgcodecs.hpp>

#include "report/HtmlReport.h"

namespace ql {
namespace {

TEST(BoxCasePage, RegionIsTheBoxWithHalfItsSizeAroundClipped) {
    // 40 x 20 box: 20 px each side horizontally, 16 (the least) vertically.
    EXPECT_EQ(boxCaseRegion({100, 100, 140, 120}, 640, 480), cv::Rect(80, 84, 80, 52));
    // At the corner: clipped to the image.
    EXPECT_EQ(boxCaseRegion({0, 0, 10, 10}, 640, 480), cv::Rect(0, 0, 26, 26));
    EXPECT_EQ(boxCaseRegion({600, 400, 640, 480}, 640, 480), cv::Rect(580, 360, 60, 120));
}

ImageExplanation explanation() {
    ImageExplanation e;
    e.fp32 = {{{100, 100, 140, 120}, 0, 0.8f, 10}, {{300, 200, 380, 260}, 1, 0.7f, 20}, {{10, 10, 50, 50}, 0, 0.9f, 30}};
    e.quantized = {{{310, 205, 392, 262}, 1, 0.66f, 21}, {{10, 10, 50, 51}, 0, 0.88f, 30}};
    BoxExplanation missed;
    missed.fp32Index = 0;
    missed.fp32 = e.fp32[0];
    missed.missed = true;
    missed.cell = {10, 0, 8, 80, 80, 12, 12, 0, 1};
    missed.quantizedAt.classScore = 0.125f;
    missed.quantizedAt.bestClass = 1;
    missed.outcome = BoxOutcome::ScoreUnderThreshold;
    missed.detail = "class score 0.800 -> 0.125 < confidence 0.25";
    BoxExplanation moved;
    moved.fp32Index = 1;
    moved.fp32 = e.fp32[1];
    moved.missed = false;
    moved.quantizedIndex = 0;
    moved.partnerIou = 0.7125f;
    moved.cell = {20, 1, 16, 40, 40, 21, 13, 0, 1};
    moved.outcome = BoxOutcome::BoxMoved;
    BoxExplanation kept;
    kept.fp32Index = 2;
    kept.fp32 = e.fp32[2];
    kept.quantizedIndex = 1;
    kept.outcome = BoxOutcome::Kept;
    e.boxes = {missed, moved, kept};
    return e;
}

TEST(BoxCasePage, APagePerMissedOrMovedBoxWithItsFigures) {
    const cv::Mat bgr(480, 640, CV_8UC3, cv::Scalar(90, 120, 150));
    const auto pages = boxCasePages("street.jpg", bgr, explanation(), {"person", "car"});
    ASSERT_EQ(pages.size(), 2u);  // the kept box has none
    const BoxCasePage& m = pages[0];
    EXPECT_TRUE(m.missed);
    EXPECT_EQ(m.fp32Class, "person");
    EXPECT_EQ(m.quantizedClass, "person");  // its class at the cell: the best class there did not win
    EXPECT_FLOAT_EQ(m.quantizedScore, 0.125f);
    EXPECT_EQ(cv::Rect(m.cropX, m.cropY, m.cropWidth, m.cropHeight), cv::Rect(80, 84, 80, 52));
    EXPECT_EQ((std::vector<int>{m.level, m.stride, m.cellX, m.cellY, m.outputIndex}), (std::vector<int>{0, 8, 12, 12, 10}));
    EXPECT_EQ(m.reason, "score under threshold");
    const cv::Mat crop = cv::imdecode(m.fp32Crop, cv::IMREAD_COLOR);
    ASSERT_FALSE(crop.empty());
    EXPECT_EQ(crop.rows, 240);
    EXPECT_NEAR(crop.cols, 80 * 240 / 52, 1);
    const BoxCasePage& v = pages[1];
    EXPECT_FALSE(v.missed);
    EXPECT_EQ(v.quantizedClass, "car");
    EXPECT_FLOAT_EQ(v.quantizedScore, 0.66f);
    ASSERT_TRUE(v.quantizedBox);
    EXPECT_FLOAT_EQ(v.quantizedBox->x2, 392.0f);
    EXPECT_FLOAT_EQ(v.iou, 0.7125f);
    EXPECT_FALSE(v.lostAtLayer);  // the trace fills it; nothing here does
}

// The page's text, tags removed.
std::string pageText(const std::string& html) {
    const size_t at = html.find("<h2 class=\"page\" style=\"page-break-before: always\">", html.find("</table>"));
    std::string page = html.substr(at, html.find("<h2", at + 4) - at);
    page = std::regex_replace(page, std::regex("<img[^>]*>"), " ");
    page = std::regex_replace(page, std::regex("<[^>]*>"), " ");
    return page;
}

std::vector<std::string> figures(const std::string& text) {
    std::vector<std::string> out;
    static const std::regex number("[0-9]+(\\.[0-9]+)?");
    std::string plain = std::regex_replace(text, std::regex("FP32|INT8"), " ");
    for (auto it = std::sregex_iterator(plain.begin(), plain.end(), number); it != std::sregex_iterator(); ++it)
        out.push_back(it->str());
    return out;
}

TEST(BoxCasePage, RenderedInBothLanguagesWithTheSameFigures) {
    const cv::Mat bgr(480, 640, CV_8UC3, cv::Scalar(90, 120, 150));
    ReportContent c;
    c.boxCases = boxCasePages("street.jpg", bgr, explanation(), {"person", "car"});
    c.boxCases.resize(1);
    const std::string english = renderHtml(c);
    const std::string text = pageText(english);
    EXPECT_NE(text.find("Why INT8 lost a box: person 0.800 in street.jpg"), std::string::npos) << text;
    EXPECT_NE(text.find("Origin: level 0 (stride 8), grid cell x 12, y 12 (output index 10)."), std::string::npos) << text;
    EXPECT_NE(text.find("Reason: score under threshold."), std::string::npos) << text;
    EXPECT_NE(text.find("0.125"), std::string::npos);
    EXPECT_EQ(text.find("Lost at layer"), std::string::npos);
    // Both crops embedded, after the page's heading.
    EXPECT_EQ(reportImages(c).size(), 2u);
    EXPECT_EQ(reportImages(c)[0], c.boxCases[0].fp32Crop);
    EXPECT_EQ(reportImages(c)[1], c.boxCases[0].quantizedCrop);

    c.boxCases[0].lostAtLayer = "/model.22/cv3.0/Conv";
    EXPECT_NE(pageText(renderHtml(c)).find("Lost at layer: /model.22/cv3.0/Conv"), std::string::npos);

    c.language = ReportLanguage::Chinese;
    const std::string chinese = pageText(renderHtml(c));
    EXPECT_NE(chinese.find("INT8 为何丢失了这个框：street.jpg 中的 person 0.800"), std::string::npos) << chinese;
    EXPECT_NE(chinese.find("原因：分数低于阈值。"), std::string::npos) << chinese;
    EXPECT_NE(chinese.find("丢失于层：/model.22/cv3.0/Conv"), std::string::npos) << chinese;
    // No English of the renderer: only the names (image, class, layer) and identifiers.
    static const std::regex word("[A-Za-z][A-Za-z0-9]*");
    const std::set<std::string> allowed = {"INT8", "FP32", "street", "jpg", "person", "model", "cv3", "Conv", "x", "y"};
    for (auto it = std::sregex_iterator(chinese.begin(), chinese.end(), word); it != std::sregex_iterator(); ++it)
        EXPECT_TRUE(allowed.count(it->str())) << "English \"" << it->str() << "\" in the Chinese page";
    // The same figures in the same order (the English detail sentence is the English report's only).
    c.language = ReportLanguage::English;
    std::string englishText = pageText(renderHtml(c));
    const std::string detail = "class score 0.800 -&gt; 0.125 &lt; confidence 0.25";  // as escaped in the HTML
    ASSERT_NE(englishText.find(detail), std::string::npos) << englishText;
    englishText.erase(englishText.find(detail), detail.size());
    const auto a = figures(englishText), b = figures(chinese);
    EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace ql
