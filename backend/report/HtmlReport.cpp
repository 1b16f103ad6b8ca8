#include "report/HtmlReport.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "detect/Annotator.h"
#include "model/TensorData.h"
#include "quantize/NodeList.h"
#include "report/CompareReport.h"
#include "report/InspectReport.h"
#include "report/RunsPlot.h"
#include "report/Verdict.h"

namespace ql {
namespace {

std::string escape(const std::string& s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string base64(const std::vector<unsigned char>& bytes) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (size_t i = 0; i < bytes.size(); i += 3) {
        const uint32_t n = (static_cast<uint32_t>(bytes[i]) << 16) | (i + 1 < bytes.size() ? bytes[i + 1] << 8 : 0) |
                           (i + 2 < bytes.size() ? bytes[i + 2] : 0);
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? table[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? table[n & 63] : '=';
    }
    return out;
}

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

void drawBars(cv::Mat& canvas, cv::Rect area, const Histogram& h, double peak, const cv::Scalar& colour, bool filled) {
    if (h.counts.empty() || peak <= 0)
        return;
    const double w = static_cast<double>(area.width) / static_cast<double>(h.counts.size());
    cv::Point previous(area.x, area.y + area.height);
    for (size_t i = 0; i < h.counts.size(); ++i) {
        const int top = area.y + area.height - static_cast<int>(static_cast<double>(area.height) * static_cast<double>(h.counts[i]) / peak);
        const int x0 = area.x + static_cast<int>(static_cast<double>(i) * w);
        const int x1 = area.x + static_cast<int>(static_cast<double>(i + 1) * w);
        if (filled)
            cv::rectangle(canvas, {x0, top}, {std::max(x0, x1 - 1), area.y + area.height}, colour, cv::FILLED);
        else {
            cv::line(canvas, previous, {x0, top}, colour, 1, cv::LINE_AA);
            cv::line(canvas, {x0, top}, {x1, top}, colour, 2, cv::LINE_AA);
            previous = {x1, top};
        }
    }
}

void axisLabels(cv::Mat& canvas, cv::Rect area, double lo, double hi) {
    const cv::Scalar grey(90, 90, 90);
    cv::rectangle(canvas, area, cv::Scalar(200, 200, 200), 1);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", lo);
    cv::putText(canvas, buf, {area.x, area.y + area.height + 14}, cv::FONT_HERSHEY_SIMPLEX, 0.4, grey, 1, cv::LINE_AA);
    std::snprintf(buf, sizeof buf, "%.3g", hi);
    cv::putText(canvas, buf, {area.x + area.width - 40, area.y + area.height + 14}, cv::FONT_HERSHEY_SIMPLEX, 0.4, grey, 1, cv::LINE_AA);
}

uint64_t peakOf(const Histogram& h) {
    uint64_t m = 0;
    for (const auto c : h.counts)
        m = std::max(m, c);
    return m;
}

}  // namespace

std::vector<unsigned char> histogramPng(const HistogramSet& h, const std::string& title, int width, int height, bool legend) {
    cv::Mat canvas(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
    cv::putText(canvas, title.size() > 70 ? "..." + title.substr(title.size() - 67) : title, {8, 16},
                cv::FONT_HERSHEY_SIMPLEX, 0.45, cv::Scalar(30, 30, 30), 1, cv::LINE_AA);
    const cv::Rect values(30, 28, width - 60, height * 55 / 100);
    const cv::Rect error(30, values.y + values.height + 30, width - 60, height - values.height - 80);
    const double peak = static_cast<double>(std::max(peakOf(h.reference), peakOf(h.quantized)));
    drawBars(canvas, values, h.reference, peak, cv::Scalar(220, 180, 140), true);   // FP32: light blue (BGR)
    drawBars(canvas, values, h.quantized, peak, cv::Scalar(13, 85, 230), false);    // quantized: orange line
    axisLabels(canvas, values, h.reference.lo, h.reference.hi);
    drawBars(canvas, error, h.error, static_cast<double>(peakOf(h.error)), cv::Scalar(3, 54, 166), true);
    axisLabels(canvas, error, h.error.lo, h.error.hi);
    if (legend) {
        cv::putText(canvas, "FP32 (filled) vs quantized (line)", {width - 250, 16}, cv::FONT_HERSHEY_SIMPLEX, 0.4,
                    cv::Scalar(90, 90, 90), 1, cv::LINE_AA);
        cv::putText(canvas, "error: quantized - FP32", {30, error.y - 6}, cv::FONT_HERSHEY_SIMPLEX, 0.4, cv::Scalar(90, 90, 90), 1, cv::LINE_AA);
    }
    std::vector<unsigned char> png;
    cv::imencode(".png", canvas, png);
    return png;
}

double changeScore(const DetectionMatch& match) {
    double score = static_cast<double>(match.missed.size() + match.extra.size() + movedPairs(match).size());
    for (const auto& p : match.pairs)
        score += 1.0 - static_cast<double>(p.iou);
    return score;
}

std::string shortenMiddle(const std::string& name, size_t maxChars) {
    static const std::string ellipsis = "\u2026";
    if (name.size() <= maxChars || maxChars < ellipsis.size() + 2)
        return name;
    const size_t keep = maxChars - ellipsis.size();
    size_t head = (keep + 1) / 2, tail = keep - head;
    const auto continuation = [&](size_t i) { return i < name.size() && (static_cast<unsigned char>(name[i]) & 0xC0) == 0x80; };
    while (head > 0 && continuation(head))  // do not cut a UTF-8 sequence
        --head;
    size_t tailStart = name.size() - tail;
    while (tailStart < name.size() && continuation(tailStart))
        ++tailStart;
    return name.substr(0, head) + ellipsis + name.substr(tailStart);
}

DetectionPicture detectionPicture(const std::string& imageName, const cv::Mat& bgr, const DetectionComparison& c,
                                  const std::vector<std::string>& classNames) {
    cv::Mat picture = drawComparison(bgr, c.fp32, c.quantized, c.match, classNames, "FP32", "INT8");
    if (picture.cols > kPictureWidth)  // print resolution, and a light report
        cv::resize(picture, picture, {}, static_cast<double>(kPictureWidth) / picture.cols,
                   static_cast<double>(kPictureWidth) / picture.cols, cv::INTER_AREA);
    DetectionPicture d;
    d.image = imageName;
    cv::imencode(".jpg", picture, d.jpeg, {cv::IMWRITE_JPEG_QUALITY, 82});
    d.matched = c.match.pairs.size();
    d.moved = movedPairs(c.match).size();
    d.missed = c.match.missed.size();
    d.extra = c.match.extra.size();
    d.change = changeScore(c.match);
    return d;
}

cv::Rect boxCaseRegion(const Box& box, int imageWidth, int imageHeight) {
    const double w = std::max(0.0f, box.x2 - box.x1), h = std::max(0.0f, box.y2 - box.y1);
    const double mx = std::max(16.0, w / 2), my = std::max(16.0, h / 2);
    const int x1 = std::clamp(static_cast<int>(std::floor(box.x1 - mx)), 0, std::max(0, imageWidth - 1));
    const int y1 = std::clamp(static_cast<int>(std::floor(box.y1 - my)), 0, std::max(0, imageHeight - 1));
    const int x2 = std::clamp(static_cast<int>(std::ceil(box.x2 + mx)), x1 + 1, imageWidth);
    const int y2 = std::clamp(static_cast<int>(std::ceil(box.y2 + my)), y1 + 1, imageHeight);
    return {x1, y1, x2 - x1, y2 - y1};
}

namespace {

// The region of `bgr` with boxes outlined (no labels: the page prints the figures), scaled to
// kCropHeight pixels high, as JPEG.
constexpr int kCropHeight = 240;
std::vector<unsigned char> cropJpeg(const cv::Mat& bgr, const cv::Rect& region,
                                    const std::vector<std::pair<Box, cv::Scalar>>& boxes) {
    cv::Mat crop = bgr(region).clone();
    const double scale = static_cast<double>(kCropHeight) / region.height;
    cv::resize(crop, crop, {std::max(1, static_cast<int>(std::lround(region.width * scale))), kCropHeight}, 0, 0,
               scale > 1 ? cv::INTER_LINEAR : cv::INTER_AREA);
    for (const auto& [b, colour] : boxes)
        cv::rectangle(crop, cv::Point(static_cast<int>(std::lround((b.x1 - region.x) * scale)), static_cast<int>(std::lround((b.y1 - region.y) * scale))),
                      cv::Point(static_cast<int>(std::lround((b.x2 - region.x) * scale)), static_cast<int>(std::lround((b.y2 - region.y) * scale))),
                      colour, 2, cv::LINE_AA);
    std::vector<unsigned char> jpeg;
    cv::imencode(".jpg", crop, jpeg, {cv::IMWRITE_JPEG_QUALITY, 88});
    return jpeg;
}

std::string nameOf(const std::vector<std::string>& names, int id) {
    return id >= 0 && static_cast<size_t>(id) < names.size() ? names[static_cast<size_t>(id)] : std::to_string(id);
}

}  // namespace

std::vector<BoxCasePage> boxCasePages(const std::string& imageName, const cv::Mat& bgr, const ImageExplanation& e,
                                      const std::vector<std::string>& names) {
    std::vector<BoxCasePage> pages;
    const cv::Scalar green(60, 170, 40), orange(13, 120, 240), grey(170, 170, 170);
    for (const auto& b : e.boxes) {
        if (b.outcome == BoxOutcome::Kept)
            continue;
        BoxCasePage p;
        p.image = imageName;
        const cv::Rect region = boxCaseRegion(b.fp32.box, bgr.cols, bgr.rows);
        p.cropX = region.x;
        p.cropY = region.y;
        p.cropWidth = region.width;
        p.cropHeight = region.height;
        p.missed = b.missed;
        p.fp32Class = nameOf(names, b.fp32.classId);
        p.fp32Score = b.fp32.score;
        p.fp32Box = b.fp32.box;
        if (b.quantizedIndex) {
            const Detection& q = e.quantized[static_cast<size_t>(*b.quantizedIndex)];
            p.quantizedClass = nameOf(names, q.classId);
            p.quantizedScore = q.score;
            p.quantizedBox = q.box;
            p.iou = b.partnerIou;
        } else {
            // Its class at the cell: FP32's, unless another class won there (its score stays FP32's class's).
            p.quantizedClass = nameOf(names, b.outcome == BoxOutcome::AnotherClassWon ? b.quantizedAt.bestClass : b.fp32.classId);
            p.quantizedScore = b.quantizedAt.classScore;
        }
        p.level = b.cell.level;
        p.stride = b.cell.stride;
        p.cellX = b.cell.x;
        p.cellY = b.cell.y;
        p.outputIndex = b.cell.index;
        p.reason = outcomeName(b.outcome);
        p.detail = b.detail;
        p.fp32Crop = cropJpeg(bgr, region, {{b.fp32.box, green}});
        std::vector<std::pair<Box, cv::Scalar>> quantizedBoxes = {{b.fp32.box, grey}};
        const cv::Rect2f area(static_cast<float>(region.x), static_cast<float>(region.y), static_cast<float>(region.width),
                              static_cast<float>(region.height));
        for (const auto& q : e.quantized) {
            const cv::Rect2f r(q.box.x1, q.box.y1, q.box.x2 - q.box.x1, q.box.y2 - q.box.y1);
            if ((r & area).area() > 0)
                quantizedBoxes.push_back({q.box, orange});
        }
        p.quantizedCrop = cropJpeg(bgr, region, quantizedBoxes);
        pages.push_back(std::move(p));
    }
    return pages;
}

namespace {

std::vector<const ActivationError*> worstShown(const ReportContent& c) {
    std::vector<const ActivationError*> shown;
    if (!c.activations)
        return shown;
    const auto worst = orderLayers(*c.activations, LayerOrder::WorstFirst);
    for (size_t i = 0; i < worst.size() && i < c.worstLayers; ++i)
        shown.push_back(worst[i]);
    return shown;
}

std::string mimeOf(const std::vector<unsigned char>& bytes) {
    return bytes.size() > 2 && bytes[0] == 0xFF && bytes[1] == 0xD8 ? "image/jpeg" : "image/png";
}

// A tensor or node name that fits a table column; the full name as a tooltip.
std::string fitName(const std::string& name, size_t maxChars = 44) {
    const std::string shown = shortenMiddle(name, maxChars);
    if (shown == name)
        return escape(name);
    return "<span title=\"" + escape(name) + "\">" + escape(shown) + "</span>";
}

std::string ms(const LatencyStats& l) {
    return fixed(l.medianMs, 1) + " \u00b1 " + fixed(latencySpreadMs(l), 1) + " ms";
}

std::string points(double p) { return (p >= 0 ? "+" : "") + fixed(p, 1); }

// The call alone, from `quantize_static(` on, of the script the settings make.
std::string quantizeStaticCall(const ReportContent& c, const QuantizerSettings& s) {
    const std::string input = c.fp32.inputs.empty() ? std::string("images") : c.fp32.inputs.front().name;
    const std::string script = s.toPython(c.fp32.name, c.quantized.name, "calibration_images", input, CalibrationOptions{});
    const size_t at = script.rfind("quantize_static(");
    return at == std::string::npos ? script : script.substr(at);
}

const char* kPageBreak = " style=\"page-break-before: always\"";

}  // namespace

std::vector<std::vector<unsigned char>> reportImages(const ReportContent& c) {
    std::vector<std::vector<unsigned char>> images;
    for (const auto& d : c.detections)
        images.push_back(d.jpeg);
    for (const auto& b : c.boxCases) {
        images.push_back(b.fp32Crop);
        images.push_back(b.quantizedCrop);
    }
    if (auto plot = runsPlotPng(c.runs); !plot.empty())
        images.push_back(std::move(plot));
    if (c.study)
        if (auto plot = studyParetoPng(*c.study); !plot.empty())
            images.push_back(std::move(plot));
    for (const ActivationError* l : worstShown(c))
        if (l->problem.empty())
            images.push_back(histogramPng(l->histograms, l->name, 640, 300, c.language == ReportLanguage::English));
    return images;
}

std::string reportTitle(const ReportContent& c) {
    return c.title.empty() || c.title == kDefaultReportTitle ? std::string(reportText(c.language, kDefaultReportTitle)) : c.title;
}

std::string renderHtml(const ReportContent& c, const std::string& prefix) {
    const auto images = reportImages(c);
    const bool pdf = !prefix.empty();
    const ReportLanguage lang = c.language;
    // Every sentence of the report in its language: T a fixed text, F one with figures ({0}, {1}, ...).
    const auto T = [&](const char* english) { return std::string(reportText(lang, english)); };
    const auto F = [&](const char* english, const std::vector<std::string>& args) { return reportText(lang, english, args); };
    const auto n = [](size_t v) { return std::to_string(v); };
    size_t next = 0;
    auto image = [&](const std::string& alt, int pdfWidth) {
        const size_t i = next++;
        const std::string src = pdf ? prefix + std::to_string(i) + ".png" : "data:" + mimeOf(images.at(i)) + ";base64," + base64(images.at(i));
        // QTextDocument (the PDF export) wants a width in pixels; browsers take the page's.
        return "<img src=\"" + src + "\" alt=\"" + escape(alt) + "\" width=\"" + (pdf ? std::to_string(pdfWidth) : std::string("100%")) + "\">";
    };
    const VerdictFigures f = verdictFigures(c);
    const Verdict verdict = deriveVerdict(f, {}, lang);
    const std::string title = reportTitle(c);

    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"" << htmlLanguageTag(lang) << "\"><head><meta charset=\"utf-8\"><title>" << escape(title) << "</title>\n"
      << "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
         "table{border-collapse:collapse;margin:0.6em 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}"
         "th{background:#f0f0f0}td.num{text-align:right}.bad{color:#c62828;font-weight:bold}"
         "table.tiles td{border:1px solid #ddd;padding:8px;width:25%}.big{font-size:22pt;font-weight:bold}"
         ".small{font-size:9pt;color:#555}.caption{color:#444;font-size:10pt;margin-top:2px}"
         "pre{white-space:pre-wrap;font-size:8pt;background:#f7f7f7;padding:4px}"
         "h2{margin-top:1.2em}@media print{h2.page{page-break-before:always}}</style></head><body>\n";
    const std::time_t now = std::time(nullptr);
    char date[64];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M", std::localtime(&now));

    // ---- Page 1: the verdict and the figures that decide it ----
    h << "<h1>" << escape(title) << "</h1>\n<p class=\"small\">"
      << escape(F("{0} (FP32) against {1} (INT8), made by QuantLens on {2}.", {c.fp32.name, c.quantized.name, date})) << "</p>\n";
    const char* colour = verdict.level == VerdictLevel::Ship ? "#e3f4e1" : verdict.level == VerdictLevel::DoNotShip ? "#fbe3e1"
                                                                                                                    : "#fff4d6";
    // The verdict's name large, the deciding figures under it.
    h << "<table width=\"100%\" cellpadding=\"10\"><tr><td bgcolor=\"" << colour << "\" style=\"background:" << colour
      << "\"><span class=\"big\" style=\"font-size:22pt;font-weight:bold\">" << escape(verdictLevelName(verdict.level, lang))
      << "</span><br>" << escape(verdict.figures) << "</td></tr></table>\n<ul>\n";
    for (const auto& r : verdict.reasons)
        h << "<li>" << escape(r) << "</li>\n";
    h << "</ul>\n";

    struct Tile {
        std::string big, label, detail;
    };
    std::vector<Tile> tiles;
    const auto speed = f.speedup();
    tiles.push_back({speed ? fixed(*speed, 2) + "\u00d7" : "-", T("speed-up (FP32 / INT8 median)"),
                     f.fp32Latency && f.quantizedLatency ? F("FP32 {0}, INT8 {1}", {ms(*f.fp32Latency), ms(*f.quantizedLatency)})
                     : f.quantizedLatency                ? F("INT8 {0}; FP32 not timed", {ms(*f.quantizedLatency)})
                                                         : T("not timed (give --data)")});
    const auto size = f.sizeRatio();
    tiles.push_back({size ? fixed(*size, 1) + "\u00d7" : "-", T("smaller file"),
                     formatBytes(f.fp32Bytes) + " \u2192 " + formatBytes(f.quantizedBytes)});
    if (f.map50Change()) {
        tiles.push_back({points(*f.map50Change()), T("mAP@0.5 change (points)"),
                         F("FP32 {0} \u2192 INT8 {1}, {2} labelled images", {fixed(*f.fp32Map50, 3), fixed(*f.quantizedMap50, 3), n(f.labelledImages)})});
        tiles.push_back({f.map50to95Change() ? points(*f.map50to95Change()) : "-", T("mAP@.5:.95 change (points)"),
                         f.map50to95Change() ? "FP32 " + fixed(*f.fp32Map50to95, 3) + " \u2192 INT8 " + fixed(*f.quantizedMap50to95, 3) : ""});
    } else {
        tiles.push_back({"-", T("mAP against labels"), T("no labelled data set given (--data)")});
    }
    tiles.push_back({f.fidelity50 ? fixed(*f.fidelity50, 3) : "-", T("detection fidelity (mAP@0.5 vs FP32)"),
                     f.fidelity50 ? F("mAP@.5:.95 {0} on {1} images", {fixed(*f.fidelity50to95, 3), n(f.fidelityImages)})
                                  : T("no detections compared")});
    tiles.push_back({f.fidelity50 ? n(f.missed) + " / " + n(f.extra) + " / " + n(f.moved) : "-", T("boxes missed / extra / moved"),
                     f.fidelity50 ? F("of {0} FP32 boxes, {1} matched", {n(f.fp32Boxes), n(f.matched)}) : ""});
    tiles.push_back({n(f.nodesLeftFloat), T("nodes left float"),
                     f.exclusionCostMs ? F("cost {0} ms against the run with none excluded",
                                           {std::string(*f.exclusionCostMs >= 0 ? "+" : "") + fixed(*f.exclusionCostMs, 1)})
                     : f.nodesLeftFloat ? T("latency cost not measured (no run without exclusions)")
                                        : T("every quantizable node is INT8")});
    h << "<table class=\"tiles\" width=\"100%\" cellpadding=\"8\">\n";
    for (size_t i = 0; i < tiles.size(); i += 4) {
        h << "<tr>";
        for (size_t j = i; j < i + 4; ++j) {
            if (j >= tiles.size()) {
                h << "<td width=\"25%\"></td>";
                continue;
            }
            h << "<td width=\"25%\"><span class=\"big\" style=\"font-size:20pt;font-weight:bold\">" << escape(tiles[j].big)
              << "</span><br><b>" << escape(tiles[j].label) << "</b><br><span class=\"small\" style=\"font-size:8pt\">"
              << escape(tiles[j].detail) << "</span></td>";
        }
        h << "</tr>\n";
    }
    h << "</table>\n";

    // ---- The images INT8 changed most ----
    if (!c.detections.empty()) {
        h << "<h2 class=\"page\"" << kPageBreak << ">" << escape(T("The images INT8 changed most")) << "</h2>\n<p>";
        const std::string legend = F("Left: FP32, boxes INT8 missed in magenta. Right: INT8, boxes it added in magenta, boxes it "
                                     "moved (IoU under {0}) in white edged with black.",
                                     {fixed(kMovedBelowIou, 1)});
        if (c.picturesConsidered > c.detections.size())
            h << escape(F("{0} {1}", {F("The {0} of {1} images whose detections INT8 changed most (boxes missed, added or moved), most "
                                        "changed first.",
                                        {n(c.detections.size()), n(c.picturesConsidered)}),
                                      legend}));
        else
            h << escape(legend);
        h << "</p>\n";
        for (const auto& d : c.detections)
            h << "<p>" << image(d.image, 680) << "</p>\n<p class=\"caption\">"
              << escape(F("{0}: {1} missed, {2} extra, {3} moved; {4} matched.", {d.image, n(d.missed), n(d.extra), n(d.moved), n(d.matched)}))
              << "</p>\n";
    }

    // ---- A page per explained box ----
    for (size_t k = 0; k < c.boxCases.size(); ++k) {
        const BoxCasePage& b = c.boxCases[k];
        const std::string status = T(b.missed ? "missed" : "moved");
        h << "<h2 class=\"page\"" << kPageBreak << ">"
          << escape(F("Why INT8 lost a box: {0} {1} in {2}", {b.fp32Class, fixed(b.fp32Score, 3), b.image})) << "</h2>\n";
        h << "<table class=\"boxcase-crops\" width=\"100%\"><tr><td width=\"50%\">" << image(b.image + " FP32", 300)
          << "<br><span class=\"caption\">" << escape(T("FP32: the box in green")) << "</span></td><td width=\"50%\">"
          << image(b.image + " INT8", 300) << "<br><span class=\"caption\">"
          << escape(T("INT8: its boxes in orange, the FP32 box in grey")) << "</span></td></tr></table>\n";
        h << "<table class=\"boxcase\" width=\"100%\"><tr><th width=\"25%\"></th><th>FP32</th><th>INT8</th></tr>\n"
          << "<tr><th>" << escape(T("Class")) << "</th><td>" << escape(b.fp32Class) << "</td><td>" << escape(b.quantizedClass)
          << "</td></tr>\n<tr><th>" << escape(T("Score")) << "</th><td class=\"num score-fp32\">" << fixed(b.fp32Score, 3)
          << "</td><td class=\"num score-int8\">" << fixed(b.quantizedScore, 3) << "</td></tr>\n<tr><th>" << escape(T("Box"))
          << "</th><td>" << fixed(b.fp32Box.x1, 1) << ", " << fixed(b.fp32Box.y1, 1) << ", " << fixed(b.fp32Box.x2, 1) << ", "
          << fixed(b.fp32Box.y2, 1) << "</td><td>"
          << (b.quantizedBox ? fixed(b.quantizedBox->x1, 1) + ", " + fixed(b.quantizedBox->y1, 1) + ", " + fixed(b.quantizedBox->x2, 1) +
                                   ", " + fixed(b.quantizedBox->y2, 1) + " (IoU " + fixed(b.iou, 3) + ")"
                             : escape(T("none")))
          << "</td></tr>\n</table>\n<p>"
          << escape(F("{0}: {1}.", {T("Status"), status})) << "<br>"
          << escape(F("Origin: level {0} (stride {1}), grid cell x {2}, y {3} (output index {4}).",
                      {n(static_cast<size_t>(std::max(0, b.level))), std::to_string(b.stride), std::to_string(b.cellX),
                       std::to_string(b.cellY), std::to_string(b.outputIndex)}))
          << "<br>" << escape(F("{0}: {1}.", {T("Reason"), T(b.reason.c_str())}));
        if (lang == ReportLanguage::English && !b.detail.empty())
            h << "<br><span class=\"small\">" << escape(b.detail) << "</span>";
        if (b.lostAtLayer)
            h << "<br>" << escape(F("Lost at layer: {0}", {*b.lostAtLayer}));
        h << "</p>\n";
    }

    // ---- Runs ----
    if (!c.runs.empty()) {
        h << "<h2>" << escape(T("Runs")) << "</h2>\n<p>"
          << escape(T("Every quantized model of the session, in the order made, measured on the comparison images (outputs as "
                      "deployed) and timed alone after warm-up (median \u00b1 half the range from the fastest run to the 95th "
                      "percentile)."))
          << "</p>\n<table width=\"100%\"><tr><th>" << escape(T("Run")) << "</th><th>" << escape(T("How")) << "</th><th>"
          << escape(T("Excluded")) << "</th><th>" << escape(T("Output SQNR dB")) << "</th><th>" << escape(T("Fidelity mAP@0.5"))
          << "</th><th>" << escape(T("Latency ms")) << "</th><th>" << escape(T("Size")) << "</th></tr>\n";
        for (size_t i = 0; i < c.runs.size(); ++i) {
            const Run& r = c.runs[i];
            std::string diff;
            if (i > 0) {
                const ExclusionDiff d = diffExclusions(c.runs[i - 1].exclusions, r.exclusions);
                diff = " (" + (d.empty() ? T("same") : d.describe()) + ")";
            }
            const RunMetrics& m = r.metrics;
            h << "<tr><td class=\"num\">" << r.number << "</td><td>" << fitName(r.name, 36) << "</td><td>"
              << r.exclusions.size() << escape(diff) << "</td><td class=\"num\">"
              << (m.parts.empty() ? std::string("-") : fixed(m.parts.front().sqnrDb, 2)) << "</td><td class=\"num\">"
              << (m.fidelity50 ? fixed(*m.fidelity50, 3) : std::string("-")) << "</td><td class=\"num\">"
              << (m.latency ? fixed(m.latency->medianMs, 1) + " \u00b1 " + fixed(latencySpreadMs(*m.latency), 1) : std::string("-"))
              << "</td><td class=\"num\">" << (m.sizeBytes ? formatBytes(m.sizeBytes) : std::string("-")) << "</td></tr>\n";
        }
        h << "</table>\n";
        if (const RunsPlotQuality quality = runsPlotQuality(c.runs); runsPlottable(c.runs)) {
            const bool timed = std::any_of(c.runs.begin(), c.runs.end(), [](const Run& r) { return r.metrics.latency.has_value(); });
            const char* caption =
                quality == RunsPlotQuality::None ? "Latency per run, median with whiskers of \u00b1 the spread. Runs by number, as in the table."
                : quality == RunsPlotQuality::Map50
                    ? (timed ? "Left: mAP@0.5 against the labels per run. Right: latency, median with whiskers of \u00b1 the spread. "
                               "Runs by number, as in the table."
                             : "Per run: mAP@0.5 against the labels. Runs by number, as in the table.")
                    : (timed ? "Left: detection fidelity (mAP@0.5 against FP32's boxes) per run. Right: latency, median with whiskers "
                               "of \u00b1 the spread. Runs by number, as in the table."
                             : "Per run: detection fidelity (mAP@0.5 against FP32's boxes). Runs by number, as in the table.");
            h << "<p>" << image("runs", 680) << "</p>\n<p class=\"caption\">" << escape(T(caption)) << "</p>\n";
        }
    }

    // ---- Study: the backend's table (its CSV writer's cells) and its Pareto plot ----
    if (c.study) {
        h << "<h2>" << escape(T("Study")) << "</h2>\n<p>"
          << escape(F("Every row scored on the same {0} labelled images: mAP against the labels and its change from the FP32 "
                      "baseline, fidelity against FP32's detections, cost, file size, latency (ms, one image) and peak memory.",
                      {n(c.study->images)}))
          << "</p>\n<table width=\"100%\" class=\"small\">";
        const auto csv = studyTable(*c.study, "csv");
        std::istringstream lines(csv ? *csv : std::string());
        std::string line;
        for (bool header = true; std::getline(lines, line); header = false) {
            h << "<tr>";
            std::vector<std::string> cells;
            std::string cell;
            bool quoted = false;
            for (size_t i = 0; i < line.size(); ++i) {  // the writer quotes fields with commas, "" for a quote
                if (quoted && line[i] == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                    cell += '"';
                    ++i;
                } else if (line[i] == '"') {
                    quoted = !quoted;
                } else if (line[i] == ',' && !quoted) {
                    cells.push_back(cell);
                    cell.clear();
                } else {
                    cell += line[i];
                }
            }
            cells.push_back(cell);
            for (size_t k = 0; k < cells.size(); ++k)
                h << (header ? "<th>" : k == 1 ? "<td>" : "<td class=\"num\">") << escape(cells[k]) << (header ? "</th>" : "</td>");
            h << "</tr>\n";
        }
        h << "</table>\n";
        if (c.study->rows.size() >= 2)
            h << "<p>" << image("study", 680) << "</p>\n<p class=\"caption\">"
              << escape(T("mAP@0.5:0.95 against mean latency; circle area grows with the file size; rows by number, as in the "
                          "table; the line joins the Pareto front (no other row both faster and more accurate)."))
              << "</p>\n";
    }

    // ---- Engineering appendix ----
    h << "<h2 class=\"page\"" << kPageBreak << ">" << escape(T("Engineering appendix")) << "</h2>\n<h3>" << escape(T("Models"))
      << "</h3>\n<table width=\"100%\"><tr><th width=\"20%\"></th><th width=\"40%\">FP32</th><th width=\"40%\">INT8</th></tr>\n";
    // File names fit their column; the other rows are figures and words, never shortened.
    auto row = [&](const std::string& label, const std::string& a, const std::string& b, bool names = false) {
        h << "<tr><th>" << escape(label) << "</th><td>" << (names ? fitName(a) : escape(a)) << "</td><td>"
          << (names ? fitName(b) : escape(b)) << "</td></tr>\n";
    };
    // "QDQ" and "QOperator" are names; "float" and "dynamic" are words.
    const auto format = [&](QuantFormat q) { return q == QuantFormat::Float || q == QuantFormat::Dynamic ? T(formatName(q).c_str()) : formatName(q); };
    row(T("File"), c.fp32.name, c.quantized.name, true);
    row(T("Size"), formatBytes(c.fp32.fileSize), formatBytes(c.quantized.fileSize));
    row(T("Format"), format(c.fp32.format), format(c.quantized.format));
    row(T("Nodes"), n(c.fp32.nodeCount), n(c.quantized.nodeCount));
    row("Q/DQ", "-", n(c.quantized.quantizeLinearCount) + " / " + n(c.quantized.dequantizeLinearCount));
    row(T("Quantized tensors"), "-", F("{0} activations, {1} weights, {2} biases", {n(c.quantized.quantizedActivations),
                                                                                n(c.quantized.quantizedWeights), n(c.quantized.quantizedBiases)}));
    h << "</table>\n";

    const QuantizerSettings* settings = c.settings ? &*c.settings
                                        : c.quantized.inferredSettings ? &c.quantized.inferredSettings->settings
                                                                       : nullptr;
    if (settings) {
        h << "<h3>" << escape(T("Quantization settings")) << "</h3>\n<p>"
          << escape(F("{0} {1}", {c.settings ? T("As given.") : T("Read back from the INT8 model."),
                                  T("The same quantization with ONNX Runtime (calibration images and their preprocessing are yours to fill in):")}))
          << "</p>\n<pre>" << escape(quantizeStaticCall(c, *settings)) << "</pre>\n";
        if (c.settings)
            h << "<pre>" << escape(c.settings->toJson().dump(2)) << "</pre>\n";
    }
    h << "<h3>" << escape(T("Nodes left in float")) << "</h3>\n";
    if (c.nodesLeftFloat.empty())
        h << "<p>" << escape(T("Every node of a quantizable type is quantized.")) << "</p>\n";
    else
        h << "<p>" << escape(F("{0} nodes of quantizable types are not quantized (excluded, or with float inputs):", {n(c.nodesLeftFloat.size())}))
          << "</p>\n<pre>" << escape(toPythonList(c.nodesLeftFloat)) << "</pre>\n";

    if (c.activations) {
        const auto& a = *c.activations;
        h << "<h3>" << escape(T("Where quantization hurts")) << "</h3>\n<p>"
          << escape(F("Both models ran on {0} images; the INT8 model's outputs are those of ONNX Runtime at optimisation level {1}, "
                      "as it is deployed.",
                      {n(a.imageCount), optimizationName(a.optimization)}))
          << "</p>\n";
        for (const auto& fl : a.failures)
            h << "<p class=\"bad\"><strong>" << escape(T("Failure:")) << " </strong>" << escape(fl) << "</p>\n";
        for (const auto& w : a.warnings)
            h << "<p class=\"bad\"><strong>" << escape(T("Warning:")) << " </strong>" << escape(w) << "</p>\n";
        if (a.fidelity) {
            const DetectionFidelity& fd = *a.fidelity;
            h << "<p>"
              << escape(F("Detections of the INT8 model against the FP32 model's: mAP@0.5 {0}, mAP@.5:.95 {1}; {2} of {3} FP32 boxes "
                          "matched ({4} moved), {5} missed, {6} extra.",
                          {fixed(fd.map.map50, 3), fixed(fd.map.map50to95, 3), n(fd.matched), n(fd.fp32Boxes), n(fd.moved),
                           n(fd.missed), n(fd.extra)}))
              << "</p>\n";
        }
        h << "<table width=\"100%\"><tr><th width=\"30%\">" << escape(T("Output")) << "</th><th>" << escape(T("Part"))
          << "</th><th>SQNR dB</th><th>" << escape(T("Cosine")) << "</th><th>" << escape(T("Max |error|")) << "</th></tr>\n";
        for (const auto& o : a.outputs) {
            const auto orow = [&](const std::string& part, const ErrorMetrics& m) {
                h << "<tr><td>" << fitName(o.name) << "</td><td>" << escape(part) << "</td><td class=\"num"
                  << (m.sqnrDb < 15 ? " bad" : "") << "\">" << formatDb(m.sqnrDb) << "</td><td class=\"num\">"
                  << fixed(m.cosine, 5) << "</td><td class=\"num\">" << fixed(m.maxAbsError, 4) << "</td></tr>\n";
            };
            orow(T("whole output"), o.metrics);
            for (const auto& p : o.parts)
                orow(T(partName(p.kind).c_str()), p.metrics);
        }
        h << "</table>\n";
        for (const auto& r : a.loadRewrites)
            h << "<p><em>" << escape(r.describe()) << "</em></p>\n";
        for (const auto& note : a.notes)
            h << "<p><em>" << escape(note) << "</em></p>\n";
        const auto worst = worstShown(c);
        if (!worst.empty()) {
            h << "<h3>" << escape(T("The worst layers")) << "</h3>\n<table width=\"100%\"><tr><th width=\"37%\">" << escape(T("Tensor"))
              << "</th><th width=\"9%\">" << escape(T("Op")) << "</th><th width=\"9%\">SQNR dB</th><th width=\"11%\">"
              << escape(T("Own rounding dB")) << "</th><th width=\"12%\">" << escape(T("Cosine")) << "</th><th width=\"10%\">"
              << escape(T("Clipped %")) << "</th><th width=\"12%\">" << escape(T("Range used %")) << "</th></tr>\n";
            std::vector<const ActivationError*> shortened;
            for (const ActivationError* l : worst) {
                const bool cut = shortenMiddle(l->name, 40) != l->name;
                if (cut)
                    shortened.push_back(l);
                h << "<tr><td>" << fitName(l->name, 40) << (cut ? "<sup>" + std::to_string(shortened.size()) + "</sup>" : "")
                  << "</td><td>" << escape(l->producerOp) << "</td>";
                if (!l->problem.empty()) {
                    h << "<td colspan=\"5\">" << escape(l->problem) << "</td></tr>\n";
                    continue;
                }
                h << "<td class=\"num" << (l->accumulated.sqnrDb < 15 ? " bad" : "") << "\">" << formatDb(l->accumulated.sqnrDb)
                  << "</td><td class=\"num\">" << formatDb(l->rounding.sqnrDb) << "</td><td class=\"num\">"
                  << fixed(l->accumulated.cosine, 5) << "</td><td class=\"num\">" << fixed(100 * l->clippedFraction, 2)
                  << "</td><td class=\"num\">" << fixed(100 * l->rangeUsed, 1) << "</td></tr>\n";
            }
            h << "</table>\n";
            if (!shortened.empty()) {
                h << "<p class=\"small\" style=\"font-size:8pt\">";
                for (size_t i = 0; i < shortened.size(); ++i)
                    h << "<sup>" << i + 1 << "</sup> " << escape(shortened[i]->name) << (i + 1 < shortened.size() ? "<br>" : "");
                h << "</p>\n";
            }
            h << "<h3>" << escape(T("Histograms of the worst layers")) << "</h3>\n<p>"
              << escape(T("Above: FP32 filled, INT8 as a line. Below: the error, INT8 \u2212 FP32.")) << "</p>\n";
            for (const ActivationError* l : worst)
                if (l->problem.empty())
                    h << "<p>" << image(l->name, 560) << "</p>\n";
        }
    }
    if (c.evaluation) {
        const auto& e = *c.evaluation;
        h << "<h3>" << escape(T("Accuracy and latency")) << "</h3>\n<p>"
          << escape(F("{0} of the dataset's {1} labelled images.", {n(e.images), n(e.datasetImages)})) << "</p>\n"
          << "<table width=\"100%\"><tr><th width=\"34%\">" << escape(T("Model")) << "</th><th>mAP@0.5</th><th>mAP@0.5:0.95</th><th>"
          << escape(T("Median ms")) << "</th><th>" << escape(T("p95 ms")) << "</th><th>" << escape(T("Size")) << "</th></tr>\n";
        std::vector<const ModelEvaluation*> models = {&e.fp32};
        if (e.quantized)
            models.push_back(&*e.quantized);
        for (const ModelEvaluation* m : models)
            h << "<tr><td>" << fitName(m->name, 36) << "</td><td class=\"num\">" << fixed(m->accuracy.map50, 4)
              << "</td><td class=\"num\">" << fixed(m->accuracy.map50to95, 4) << "</td><td class=\"num\">"
              << fixed(m->latency.medianMs, 2) << "</td><td class=\"num\">" << fixed(m->latency.p95Ms, 2)
              << "</td><td class=\"num\">" << formatBytes(m->fileSize) << "</td></tr>\n";
        h << "</table>\n";
        if (e.fidelity)
            h << "<p>"
              << escape(F("Fidelity (FP32 detections as ground truth): mAP@0.5 {0}, mAP@0.5:0.95 {1}; {2} boxes matched (mean IoU {3}, "
                          "{4} moved), {5} missed, {6} extra.",
                          {fixed(e.fidelity->map.map50, 4), fixed(e.fidelity->map.map50to95, 4), n(e.fidelity->matched),
                           fixed(e.fidelity->meanIou, 3), n(e.fidelity->moved), n(e.fidelity->missed), n(e.fidelity->extra)}))
              << "</p>\n";
    }
    h << "</body></html>\n";
    return h.str();
}

}  // namespace ql
