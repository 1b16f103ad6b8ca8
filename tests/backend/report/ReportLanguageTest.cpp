// The report in Chinese: every text of the catalog translated, none of the renderer's English left
// in the visible text, and the same figures in the same order as the English report.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "report/HtmlReport.h"
#include "report/ReportLanguage.h"
#include "report/Verdict.h"

namespace ql {
namespace {

LatencyStats latency(double median) { return LatencyStats{20, median - 1, median, median + 3, median}; }

// A report with every section: verdict figures from a labelled evaluation, pictures, runs (with
// exclusion diffs, one "same"), activations with output parts and a long layer name, settings,
// nodes left float, and a failure.
ReportContent fullContent(ReportLanguage language) {
    ReportContent c;
    c.language = language;
    c.fp32.name = "yolo_fp32.onnx";
    c.fp32.fileSize = 12'800'000;
    c.fp32.nodeCount = 233;
    c.fp32.format = QuantFormat::Float;
    c.quantized.name = "yolo_int8.onnx";
    c.quantized.fileSize = 3'300'000;
    c.quantized.nodeCount = 817;
    c.quantized.format = QuantFormat::QDQ;
    c.quantized.quantizeLinearCount = 229;
    c.quantized.dequantizeLinearCount = 355;
    c.quantized.quantizedActivations = 226;
    c.quantized.quantizedWeights = 64;
    c.quantized.quantizedBiases = 63;
    c.settings = QuantizerSettings{};
    c.nodesLeftFloat = {"/model.22/Concat_3", "/model.22/Split"};

    ActivationReport a;
    a.imageCount = 3;
    a.failures = {"output0: FAILTEXT"};
    a.warnings = {"output0: WARNTEXT"};
    ActivationError layer;
    layer.name = "/model.22/cv3.2/cv3.2.2/very/deep/block/Conv_output_0_with_a_long_tail";
    layer.producerOp = "Conv";
    layer.accumulated = {12.5, 0.98765, 0.01, 0.75, 10};
    layer.rounding = {31.25, 0.999, 0.001, 0.1, 10};
    layer.clippedFraction = 0.0125;
    layer.rangeUsed = 0.625;
    layer.histograms = {Histogram(0, 1, 8), Histogram(0, 1, 8), Histogram(-1, 1, 8)};
    layer.histograms.reference.add({0.1f, 0.2f, 0.9f});
    a.layers.push_back(layer);
    OutputError output;
    output.name = "output0";
    output.metrics = {21.5, 0.996, 0.02, 1.5, 100};
    output.parts.push_back({OutputPartKind::Boxes, {25.25, 0.997, 0.01, 1.25, 40}});
    output.parts.push_back({OutputPartKind::ClassScores, {18.75, 0.95, 0.03, 0.5, 60}});
    a.outputs.push_back(output);
    DetectionFidelity layerFidelity;
    layerFidelity.fp32Boxes = 41;
    layerFidelity.matched = 37;
    layerFidelity.moved = 2;
    layerFidelity.missed = 4;
    layerFidelity.extra = 3;
    layerFidelity.map.map50 = 0.912;
    layerFidelity.map.map50to95 = 0.734;
    a.fidelity = layerFidelity;
    c.activations = a;

    c.detections.push_back({"bus.jpg", {1, 2, 3}, 4, 1, 2, 3, 6.5});
    c.detections.push_back({"zidane.jpg", {4, 5, 6}, 7, 0, 1, 0, 1.25});
    c.picturesConsidered = 9;

    EvaluationReport e;
    e.images = 8;
    e.datasetImages = 128;
    e.fp32.name = "yolo_fp32.onnx";
    e.fp32.fileSize = 12'800'000;
    e.fp32.accuracy.map50 = 0.6543;
    e.fp32.accuracy.map50to95 = 0.4567;
    e.fp32.accuracy.groundTruth = 120;
    e.fp32.latency = latency(41.0);
    ModelEvaluation q;
    q.name = "yolo_int8.onnx";
    q.fileSize = 3'300'000;
    q.accuracy.map50 = 0.6321;
    q.accuracy.map50to95 = 0.4321;
    q.latency = latency(17.0);
    e.quantized = q;
    DetectionFidelity fidelity;
    fidelity.images = 8;
    fidelity.fp32Boxes = 55;
    fidelity.matched = 50;
    fidelity.moved = 6;
    fidelity.missed = 5;
    fidelity.extra = 7;
    fidelity.meanIou = 0.8765;
    fidelity.map.map50 = 0.8888;
    fidelity.map.map50to95 = 0.7777;
    e.fidelity = fidelity;
    c.evaluation = e;

    Run baseline;
    baseline.number = 1;
    baseline.name = "baseline";
    baseline.metrics.parts = {{"output0", 19.254}};
    baseline.metrics.latency = latency(15.0);
    baseline.metrics.sizeBytes = 3'200'000;
    baseline.metrics.fidelity50 = 0.901;
    Run excluded;
    excluded.number = 2;
    excluded.name = "excluded";
    excluded.exclusions = {"/model.22/Concat_3", "/model.22/Split"};
    excluded.metrics.parts = {{"output0", 23.5}};
    excluded.metrics.latency = latency(17.5);
    Run again;
    again.number = 3;
    again.name = "again";
    again.exclusions = excluded.exclusions;  // "same" as the run before
    again.metrics.latency = latency(17.0);
    c.runs = {baseline, excluded, again};
    return c;
}

// What a reader sees: no style, no tags, no <pre> (the quantize_static call and the settings JSON
// stay code), entities decoded.
std::string visibleText(const std::string& html) {
    std::string out;
    size_t at = 0;
    const auto skipTo = [&](const char* closing) {
        const size_t end = html.find(closing, at);
        at = end == std::string::npos ? html.size() : end + std::string(closing).size();
    };
    while (at < html.size()) {
        if (html.compare(at, 7, "<style>") == 0)
            skipTo("</style>");
        else if (html.compare(at, 5, "<pre>") == 0)
            skipTo("</pre>");
        else if (html[at] == '<') {  // a tag, its attributes (pictures' data, tooltips) included
            skipTo(">");
            out += ' ';
        } else if (html[at] == '&') {
            static const std::pair<const char*, char> entities[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&amp;", '&'}};
            bool decoded = false;
            for (const auto& [entity, ch] : entities)
                if (html.compare(at, std::string(entity).size(), entity) == 0) {
                    out += ch;
                    at += std::string(entity).size();
                    decoded = true;
                    break;
                }
            if (!decoded)
                out += html[at++];
        } else {
            out += html[at++];
        }
    }
    return out;
}

// Technical identifiers and units that stay as they are in every language.
const std::set<std::string>& identifiers() {
    static const std::set<std::string> words = {"FP32", "INT8", "mAP", "SQNR", "dB", "IoU", "ms", "MB", "KB", "ONNX",
                                                "Runtime", "QuantLens", "Q", "DQ", "QDQ", "p95", "data", "x", "all", "inf",
                                                "y", "NMS"};  // a grid cell's x and y; non-maximum suppression
    return words;
}

bool isIdentifier(const std::string& word) { return identifiers().count(word) > 0; }

// The English words of `text` (runs of ASCII letters and digits starting with a letter; "_" parts
// words of names, which may be shortened in the middle of one).
std::vector<std::string> asciiWords(const std::string& text) {
    std::vector<std::string> words;
    static const std::regex word("[A-Za-z][A-Za-z0-9]*");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), word); it != std::sregex_iterator(); ++it)
        words.push_back(it->str());
    return words;
}

// `phrase` in `text`, not as part of a longer word ("Run" is not in "Runtime").
bool containsPhrase(const std::string& text, const std::string& phrase) {
    const auto isWordChar = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; };
    for (size_t at = text.find(phrase); at != std::string::npos; at = text.find(phrase, at + 1)) {
        const bool before = at > 0 && isWordChar(text[at - 1]) && isWordChar(phrase.front());
        const bool after = at + phrase.size() < text.size() && isWordChar(text[at + phrase.size()]) && isWordChar(phrase.back());
        if (!before && !after)
            return true;
    }
    return false;
}

// The figures in reading order, technical identifiers with digits (FP32, mAP@.5:.95) left out.
std::vector<std::string> figures(const std::string& text) {
    // The date the report was made may turn a minute between two renderings.
    std::string plain = std::regex_replace(text, std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}"), " ");
    plain = std::regex_replace(plain, std::regex("FP32|INT8|p95|mAP@[0-9.:]+"), " ");
    std::vector<std::string> numbers;
    static const std::regex number("[+-]?[0-9]+(\\.[0-9]+)?");
    for (auto it = std::sregex_iterator(plain.begin(), plain.end(), number); it != std::sregex_iterator(); ++it)
        numbers.push_back(it->str());
    return numbers;
}

std::set<std::string> placeholders(const std::string& text) {
    std::set<std::string> found;
    static const std::regex placeholder("\\{[0-9]\\}");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), placeholder); it != std::sregex_iterator(); ++it)
        found.insert(it->str());
    return found;
}

TEST(ReportLanguage, EveryCatalogEntryHasItsOwnTranslation) {
    std::set<std::string> seen;
    for (const auto& e : reportCatalog()) {
        const std::string english = e.english, chinese = e.chinese;
        EXPECT_TRUE(seen.insert(english).second) << "twice in the catalog: " << english;
        EXPECT_FALSE(chinese.empty()) << english;
        EXPECT_NE(chinese, english) << english;
        EXPECT_EQ(placeholders(chinese), placeholders(english)) << english << " / " << chinese;
        EXPECT_STREQ(reportText(ReportLanguage::Chinese, e.english), e.chinese);
        EXPECT_STREQ(reportText(ReportLanguage::English, e.english), e.english);
        // The Chinese keeps only identifiers of the English alphabet.
        for (const auto& w : asciiWords(chinese))
            EXPECT_TRUE(isIdentifier(w)) << "\"" << w << "\" in " << chinese;
    }
    EXPECT_GT(reportCatalog().size(), 90u);
}

TEST(ReportLanguage, ParsedFromItsCodeOrRefused) {
    EXPECT_EQ(*parseReportLanguage("en"), ReportLanguage::English);
    EXPECT_EQ(*parseReportLanguage("zh_CN"), ReportLanguage::Chinese);
    EXPECT_EQ(*parseReportLanguage("zh"), ReportLanguage::Chinese);
    for (const char* bad : {"fr", "", "ZH_CN", "english"}) {
        const auto parsed = parseReportLanguage(bad);
        ASSERT_FALSE(parsed) << bad;
        EXPECT_NE(parsed.errorMessage().find("use en or zh_CN"), std::string::npos) << parsed.errorMessage();
    }
    EXPECT_EQ(reportLanguageCode(ReportLanguage::Chinese), "zh_CN");
    EXPECT_EQ(htmlLanguageTag(ReportLanguage::Chinese), "zh-CN");
}

TEST(ReportLanguage, PlaceholdersFilledInAnyOrder) {
    EXPECT_EQ(fillText("{1} of {0}", {"a", "b"}), "b of a");
    EXPECT_EQ(fillText("{0}{0} {2}", {"x", "y"}), "xx {2}");  // no argument: left as it is
    EXPECT_EQ(fillText("{a} {", {"x"}), "{a} {");
    EXPECT_EQ(reportText(ReportLanguage::Chinese, "{0}: {1}.", {"可以发布 INT8", "快 2.0\u00d7"}), "可以发布 INT8：快 2.0\u00d7。");
}

TEST(ReportLanguage, ChineseReportHasNoEnglishOfTheRenderer) {
    const ReportContent content = fullContent(ReportLanguage::Chinese);
    const std::string html = renderHtml(content);
    EXPECT_NE(html.find("<html lang=\"zh-CN\">"), std::string::npos);
    EXPECT_NE(html.find("<title>QuantLens 报告</title>"), std::string::npos);
    EXPECT_NE(html.find("quantize_static("), std::string::npos);  // code stays code
    const std::string text = visibleText(html);
    // Every section is there, in Chinese.
    for (const char* heading : {"不要发布 INT8", "比较失败：output0: FAILTEXT", "INT8 改变最多的图像", "运行记录", "工程附录", "量化设置",
                                "保留为浮点的节点", "量化的损失在哪里", "误差最大的层", "精度与延迟"})
        EXPECT_NE(text.find(heading), std::string::npos) << heading;
    // No English text the renderer has a translation for: each fragment between placeholders that
    // holds a word other than an identifier.
    for (const auto& e : reportCatalog()) {
        const std::string english = e.english;
        static const std::regex placeholder("\\{[0-9]\\}");
        for (const std::string& fragment : std::vector<std::string>(
                 std::sregex_token_iterator(english.begin(), english.end(), placeholder, -1), std::sregex_token_iterator())) {
            const auto words = asciiWords(fragment);
            if (std::all_of(words.begin(), words.end(), isIdentifier))
                continue;
            const std::string trimmed = std::regex_replace(fragment, std::regex("^\\s+|\\s+$"), "");
            EXPECT_FALSE(containsPhrase(text, trimmed)) << "English left in the Chinese report: \"" << trimmed << "\"";
        }
    }
    // And no English word at all but identifiers and the content's own names.
    std::set<std::string> names;
    for (const std::string& name : {content.fp32.name, content.quantized.name, content.activations->layers[0].name,
                                    content.activations->outputs[0].name, std::string("Conv bus.jpg zidane.jpg baseline excluded again"),
                                    content.activations->failures[0], content.activations->warnings[0]})
        for (const auto& w : asciiWords(name))
            names.insert(w);
    for (const auto& n : content.nodesLeftFloat)
        for (const auto& w : asciiWords(n))
            names.insert(w);
    for (const auto& w : asciiWords(text))
        EXPECT_TRUE(isIdentifier(w) || names.count(w)) << "English word \"" << w << "\" in the Chinese report";
}

TEST(ReportLanguage, SameFiguresInBothLanguages) {
    const std::string english = visibleText(renderHtml(fullContent(ReportLanguage::English)));
    const std::string chinese = visibleText(renderHtml(fullContent(ReportLanguage::Chinese)));
    EXPECT_NE(renderHtml(fullContent(ReportLanguage::English)).find("<html lang=\"en\">"), std::string::npos);
    const auto a = figures(english), b = figures(chinese);
    EXPECT_GT(a.size(), 100u);  // the report is full of figures
    EXPECT_EQ(a, b);
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (a[i] != b[i]) {
            ADD_FAILURE() << "figure " << i << ": " << a[i] << " / " << b[i];
            break;
        }
    // Some worked out by hand: 41 / 17 ms is 2.41x; 12.8 MB / 3.3 MB is 3.9x; 0.6321 − 0.6543 is −2.2 points,
    // 0.4321 − 0.4567 is −2.5; the last run against the baseline: 17.0 − 15.0 ms is +2.0.
    for (const char* figure : {"2.41", "3.9", "-2.2", "-2.5", "+2.0", "226", "64", "63"})
        EXPECT_NE(std::find(b.begin(), b.end(), figure), b.end()) << figure;
}

// OpenCV draws no CJK: the Chinese report's histograms leave the English legend out (the text
// above them says it), the English ones keep it.
TEST(ReportLanguage, HistogramLegendOnlyInTheEnglishPictures) {
    const auto legendInk = [](const std::vector<unsigned char>& png) {
        const cv::Mat picture = cv::imdecode(png, cv::IMREAD_GRAYSCALE);
        // Where "error: quantized - FP32" is written (baseline 6 pixels over the error plot at y 223 of
        // 300), right of the axis label: nothing else is drawn there.
        const cv::Mat legend = picture(cv::Rect(80, 208, 120, 11));
        return cv::countNonZero(legend < 250);
    };
    const auto english = reportImages(fullContent(ReportLanguage::English));
    const auto chinese = reportImages(fullContent(ReportLanguage::Chinese));
    ASSERT_EQ(english.size(), 4u);  // two detection pictures, the runs plot, one histogram
    ASSERT_EQ(chinese.size(), 4u);
    EXPECT_GT(legendInk(english[3]), 50);
    EXPECT_EQ(legendInk(chinese[3]), 0);
    EXPECT_NE(visibleText(renderHtml(fullContent(ReportLanguage::Chinese))).find("上图：FP32 为填充，INT8 为折线。"), std::string::npos);
}

TEST(ReportLanguage, VerdictInChineseDecidesTheSame) {
    ReportContent c = fullContent(ReportLanguage::English);
    c.activations->failures.clear();
    const VerdictFigures f = verdictFigures(c);
    const Verdict en = deriveVerdict(f);
    const Verdict zh = deriveVerdict(f, {}, ReportLanguage::Chinese);
    EXPECT_EQ(en.level, VerdictLevel::Review);  // mAP@0.5 −2.2 points: between 1 and 3
    EXPECT_EQ(zh.level, en.level);
    EXPECT_EQ(zh.headline, "发布 INT8 前需复查：快 2.4\u00d7，体积小 3.9\u00d7，mAP@0.5 -2.2 个百分点。");
    EXPECT_EQ(en.headline, "Review before shipping INT8: 2.4\u00d7 faster, 3.9\u00d7 smaller, mAP@0.5 -2.2 points.");
    ASSERT_EQ(zh.reasons.size(), en.reasons.size());
    for (size_t i = 0; i < en.reasons.size(); ++i)
        EXPECT_EQ(figures(zh.reasons[i]), figures(en.reasons[i])) << en.reasons[i] << " / " << zh.reasons[i];
}

}  // namespace
}  // namespace ql
