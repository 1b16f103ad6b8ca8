#include "report/HtmlReport.h"

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

std::vector<unsigned char> histogramPng(const HistogramSet& h, const std::string& title, int width, int height) {
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
    cv::putText(canvas, "FP32 (filled) vs quantized (line)", {width - 250, 16}, cv::FONT_HERSHEY_SIMPLEX, 0.4,
                cv::Scalar(90, 90, 90), 1, cv::LINE_AA);
    cv::putText(canvas, "error: quantized - FP32", {30, error.y - 6}, cv::FONT_HERSHEY_SIMPLEX, 0.4, cv::Scalar(90, 90, 90), 1, cv::LINE_AA);
    std::vector<unsigned char> png;
    cv::imencode(".png", canvas, png);
    return png;
}

DetectionPicture detectionPicture(const std::string& imageName, const cv::Mat& bgr, const DetectionComparison& c,
                                  const std::vector<std::string>& classNames) {
    cv::Mat picture = drawComparison(bgr, c.fp32, c.quantized, c.match, classNames, "FP32", "quantized");
    if (picture.cols > 1600)  // keeps the report light
        cv::resize(picture, picture, {}, 1600.0 / picture.cols, 1600.0 / picture.cols, cv::INTER_AREA);
    DetectionPicture d;
    d.image = imageName;
    cv::imencode(".png", picture, d.png);
    d.matched = c.match.pairs.size();
    d.moved = movedPairs(c.match).size();
    d.missed = c.match.missed.size();
    d.extra = c.match.extra.size();
    return d;
}

std::vector<std::vector<unsigned char>> reportImages(const ReportContent& c) {
    std::vector<std::vector<unsigned char>> images;
    if (c.activations) {
        const auto worst = orderLayers(*c.activations, LayerOrder::WorstFirst);
        for (size_t i = 0; i < worst.size() && i < c.worstLayers; ++i)
            if (worst[i]->problem.empty())
                images.push_back(histogramPng(worst[i]->histograms, worst[i]->name));
    }
    for (const auto& d : c.detections)
        images.push_back(d.png);
    return images;
}

std::string renderHtml(const ReportContent& c, const std::string& prefix) {
    const auto images = reportImages(c);
    size_t next = 0;
    auto image = [&](const std::string& alt) {
        const size_t i = next++;
        const std::string src = prefix.empty() ? "data:image/png;base64," + base64(images.at(i)) : prefix + std::to_string(i) + ".png";
        // QTextDocument (the PDF export) wants a width in pixels; browsers take the page's.
        return "<img src=\"" + src + "\" alt=\"" + escape(alt) + "\" width=\"" + (prefix.empty() ? "100%" : "640") + "\">";
    };
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" << escape(c.title) << "</title>\n"
      << "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
         "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
         "th{background:#f0f0f0}td.num{text-align:right}.bad{color:#c62828;font-weight:bold}"
         "code{background:#f5f5f5;padding:1px 4px}figure{margin:1em 0}figcaption{color:#555}</style></head><body>\n";
    const std::time_t now = std::time(nullptr);
    char date[64];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M", std::localtime(&now));
    h << "<h1>" << escape(c.title) << "</h1>\n<p>Made by QuantLens on " << date << ".</p>\n";

    h << "<h2>Models</h2>\n<table><tr><th></th><th>FP32</th><th>Quantized</th></tr>\n";
    auto row = [&](const std::string& label, const std::string& a, const std::string& b) {
        h << "<tr><th>" << escape(label) << "</th><td>" << escape(a) << "</td><td>" << escape(b) << "</td></tr>\n";
    };
    row("File", c.fp32.name, c.quantized.name);
    row("Size", formatBytes(c.fp32.fileSize), formatBytes(c.quantized.fileSize));
    row("Format", formatName(c.fp32.format), formatName(c.quantized.format));
    row("Nodes", std::to_string(c.fp32.nodeCount), std::to_string(c.quantized.nodeCount));
    row("Q/DQ", "-", std::to_string(c.quantized.quantizeLinearCount) + " / " + std::to_string(c.quantized.dequantizeLinearCount));
    row("Quantized tensors", "-", std::to_string(c.quantized.quantizedActivations) + " activations, " +
                                      std::to_string(c.quantized.quantizedWeights) + " weights, " +
                                      std::to_string(c.quantized.quantizedBiases) + " biases");
    h << "</table>\n";

    if (c.settings) {
        h << "<h2>Quantization settings</h2>\n<pre>" << escape(c.settings->toJson().dump(2)) << "</pre>\n";
    }
    h << "<h2>Nodes left in float</h2>\n";
    if (c.nodesLeftFloat.empty())
        h << "<p>Every node of a quantizable type is quantized.</p>\n";
    else
        h << "<p>" << c.nodesLeftFloat.size() << " nodes of quantizable types are not quantized (excluded, or with "
          << "float inputs):</p>\n<p><code>" << escape(toPythonList(c.nodesLeftFloat)) << "</code></p>\n";

    if (c.activations) {
        const auto& a = *c.activations;
        h << "<h2>Where quantization hurts</h2>\n<p>Both models ran on " << a.imageCount
          << " images; the quantized model's outputs are those of ONNX Runtime at optimisation level "
          << optimizationName(a.optimization) << ", as it is deployed.</p>\n";
        for (const auto& f : a.failures)
            h << "<p class=\"bad\"><strong>Failure: </strong>" << escape(f) << "</p>\n";
        for (const auto& w : a.warnings)
            h << "<p class=\"bad\"><strong>Warning: </strong>" << escape(w) << "</p>\n";
        if (a.fidelity) {
            const DetectionFidelity& f = *a.fidelity;
            h << "<p>Detections of the quantized model against the FP32 model's: mAP@0.5 " << fixed(f.map.map50, 3)
              << ", mAP@.5:.95 " << fixed(f.map.map50to95, 3) << "; " << f.matched << " of " << f.fp32Boxes
              << " FP32 boxes matched (" << f.moved << " moved), " << f.missed << " missed, " << f.extra
              << " extra.</p>\n";
        }
        h << "<table><tr><th>Output</th><th>Part</th><th>SQNR dB</th><th>Cosine</th><th>Max |error|</th></tr>\n";
        for (const auto& o : a.outputs) {
            const auto row = [&](const std::string& part, const ErrorMetrics& m) {
                h << "<tr><td>" << escape(o.name) << "</td><td>" << escape(part) << "</td><td class=\"num"
                  << (m.sqnrDb < 15 ? " bad" : "") << "\">" << formatDb(m.sqnrDb) << "</td><td class=\"num\">"
                  << fixed(m.cosine, 5) << "</td><td class=\"num\">" << fixed(m.maxAbsError, 4) << "</td></tr>\n";
            };
            row("whole output", o.metrics);
            for (const auto& p : o.parts)
                row(partName(p.kind), p.metrics);
        }
        h << "</table>\n";
        for (const auto& r : a.loadRewrites)
            h << "<p><em>" << escape(r.describe()) << "</em></p>\n";
        for (const auto& n : a.notes)
            h << "<p><em>" << escape(n) << "</em></p>\n";
        if (!a.layers.empty()) {
            h << "<table><tr><th>Tensor</th><th>Op</th><th>SQNR dB</th><th>Own rounding dB</th><th>Cosine</th>"
                 "<th>Clipped %</th><th>Range used %</th></tr>\n";
            const auto worst = orderLayers(a, LayerOrder::WorstFirst);
            for (size_t i = 0; i < worst.size() && i < c.worstLayers; ++i) {
                const ActivationError& l = *worst[i];
                h << "<tr><td>" << escape(l.name) << "</td><td>" << escape(l.producerOp) << "</td>";
                if (!l.problem.empty()) {
                    h << "<td colspan=\"5\">" << escape(l.problem) << "</td></tr>\n";
                    continue;
                }
                h << "<td class=\"num" << (l.accumulated.sqnrDb < 15 ? " bad" : "") << "\">" << formatDb(l.accumulated.sqnrDb)
                  << "</td><td class=\"num\">" << formatDb(l.rounding.sqnrDb) << "</td><td class=\"num\">"
                  << fixed(l.accumulated.cosine, 5) << "</td><td class=\"num\">" << fixed(100 * l.clippedFraction, 2)
                  << "</td><td class=\"num\">" << fixed(100 * l.rangeUsed, 1) << "</td></tr>\n";
            }
            h << "</table>\n<h3>Histograms of the worst layers</h3>\n";
            for (size_t i = 0; i < worst.size() && i < c.worstLayers; ++i)
                if (worst[i]->problem.empty())
                    h << "<figure>" << image(worst[i]->name) << "</figure>\n";
        }
    }
    if (!c.detections.empty()) {
        h << "<h2>Detections: FP32 | quantized</h2>\n<p>Left: FP32, with boxes the quantized model missed marked "
             "in magenta. Right: quantized, with boxes it added marked in magenta, and in white edged with black "
             "those it found elsewhere (IoU with the FP32 box under " << fixed(kMovedBelowIou, 1) << ").</p>\n";
        for (const auto& d : c.detections)
            h << "<figure>" << image(d.image) << "<figcaption>" << escape(d.image) << ": " << d.matched << " matched ("
              << d.moved << " moved), " << d.missed << " missed, " << d.extra << " extra</figcaption></figure>\n";
    }
    if (c.evaluation) {
        const auto& e = *c.evaluation;
        h << "<h2>Accuracy and latency</h2>\n<p>" << e.images << " of the dataset's " << e.datasetImages
          << " labelled images.</p>\n"
          << "<table><tr><th>Model</th><th>mAP@0.5</th><th>mAP@0.5:0.95</th><th>Median ms</th><th>p95 ms</th><th>Size</th></tr>\n";
        std::vector<const ModelEvaluation*> models = {&e.fp32};
        if (e.quantized)
            models.push_back(&*e.quantized);
        for (const ModelEvaluation* m : models)
            h << "<tr><td>" << escape(m->name) << "</td><td class=\"num\">" << fixed(m->accuracy.map50, 4)
              << "</td><td class=\"num\">" << fixed(m->accuracy.map50to95, 4) << "</td><td class=\"num\">"
              << fixed(m->latency.medianMs, 2) << "</td><td class=\"num\">" << fixed(m->latency.p95Ms, 2)
              << "</td><td class=\"num\">" << formatBytes(m->fileSize) << "</td></tr>\n";
        h << "</table>\n";
        if (e.fidelity)
            h << "<p>Fidelity (FP32 detections as ground truth): mAP@0.5 " << fixed(e.fidelity->map.map50, 4)
              << ", mAP@0.5:0.95 " << fixed(e.fidelity->map.map50to95, 4) << "; " << e.fidelity->matched
              << " boxes matched (mean IoU " << fixed(e.fidelity->meanIou, 3) << ", " << e.fidelity->moved << " moved), "
              << e.fidelity->missed << " missed, " << e.fidelity->extra << " extra.</p>\n";
    }
    if (!c.runs.empty()) {
        h << "<h2>Runs</h2>\n<p>Every quantized model of the session, in the order made, measured on the "
             "comparison images (outputs as deployed) and timed alone after warm-up (median \u00b1 half the range "
             "from the fastest run to the 95th percentile).</p>\n"
          << "<table><tr><th>Run</th><th>How</th><th>Excluded</th><th>Output SQNR dB</th><th>Fidelity mAP@0.5</th>"
             "<th>Latency ms</th><th>Size</th></tr>\n";
        for (size_t i = 0; i < c.runs.size(); ++i) {
            const Run& r = c.runs[i];
            const std::string diff = i == 0 ? std::string() : " (" + diffExclusions(c.runs[i - 1].exclusions, r.exclusions).describe() + ")";
            const RunMetrics& m = r.metrics;
            h << "<tr><td class=\"num\">" << r.number << "</td><td>" << escape(r.name) << "</td><td>"
              << r.exclusions.size() << escape(diff) << "</td><td class=\"num\">"
              << (m.parts.empty() ? std::string("-") : fixed(m.parts.front().sqnrDb, 2)) << "</td><td class=\"num\">"
              << (m.fidelity50 ? fixed(*m.fidelity50, 3) : std::string("-")) << "</td><td class=\"num\">"
              << (m.latency ? fixed(m.latency->medianMs, 1) + " \u00b1 " + fixed(latencySpreadMs(*m.latency), 1) : std::string("-"))
              << "</td><td class=\"num\">" << (m.sizeBytes ? formatBytes(m.sizeBytes) : std::string("-")) << "</td></tr>\n";
        }
        h << "</table>\n";
    }
    h << "</body></html>\n";
    return h.str();
}

}  // namespace ql
