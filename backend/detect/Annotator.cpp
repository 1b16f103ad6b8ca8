#include "detect/Annotator.h"

#include <cmath>

#include <algorithm>
#include <cstdio>

#include <opencv2/imgproc.hpp>

#include "detect/ClassNames.h"

namespace ql {
namespace {

cv::Scalar classColour(int classId) {
    // Ultralytics' palette (BGR), so pictures look familiar to YOLO users.
    static const cv::Scalar palette[] = {{56, 56, 255}, {151, 157, 255}, {31, 112, 255}, {29, 178, 255}, {49, 210, 207},
                                         {10, 249, 72}, {23, 204, 146}, {134, 219, 61}, {52, 147, 26}, {187, 212, 0},
                                         {168, 153, 44}, {255, 194, 0}, {147, 69, 52}, {255, 115, 100}, {236, 24, 0},
                                         {255, 56, 132}, {133, 0, 82}, {255, 56, 203}, {200, 149, 255}, {199, 55, 255}};
    return palette[static_cast<size_t>(std::abs(classId)) % (sizeof palette / sizeof palette[0])];
}

void label(cv::Mat& image, const std::string& text, cv::Point at, const cv::Scalar& background, double scale,
           const cv::Scalar& textColour = {255, 255, 255}) {
    int baseline = 0;
    const int thickness = std::max(1, static_cast<int>(scale * 2));
    const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
    at.y = std::max(at.y, size.height + 4);
    at.x = std::max(0, std::min(at.x, image.cols - size.width - 4));  // a label near the right edge stays readable
    cv::rectangle(image, {at.x, at.y - size.height - 4}, {at.x + size.width + 4, at.y + baseline - 2}, background, cv::FILLED);
    cv::putText(image, text, {at.x + 2, at.y - 3}, cv::FONT_HERSHEY_SIMPLEX, scale, textColour, thickness, cv::LINE_AA);
}

}  // namespace

cv::Mat drawPanel(const cv::Mat& bgr, const PanelInfo& panel, const std::vector<std::string>& names, double emphasis) {
    cv::Mat image = bgr.clone();
    const double scale = std::max(0.4, std::min(image.cols, image.rows) / 1200.0) * std::max(0.1, emphasis);
    const int thickness = std::max(static_cast<int>(std::lround(2 * std::max(0.1, emphasis))), static_cast<int>(scale * 3));
    // Missed/extra in magenta; moved in white edged with black: no class colour is white or grey (the
    // palette is all saturated), and the black edge keeps it visible on a light background.
    const cv::Scalar flagColour(255, 0, 255), movedColour(255, 255, 255), movedEdge(0, 0, 0);
    for (size_t i = 0; i < panel.detections.size(); ++i) {
        const Detection& d = panel.detections[i];
        const bool flagged = std::find(panel.flagged.begin(), panel.flagged.end(), static_cast<int>(i)) != panel.flagged.end();
        const auto moved = std::find_if(panel.moved.begin(), panel.moved.end(),
                                        [&](const auto& m) { return m.first == static_cast<int>(i); });
        std::string prefix;
        if (flagged)
            prefix = panel.flagLabel + ": ";
        else if (moved != panel.moved.end()) {
            char iouText[32];
            std::snprintf(iouText, sizeof iouText, "moved IoU %.2f: ", moved->second);
            prefix = iouText;
        }
        const cv::Scalar colour = flagged ? flagColour : moved != panel.moved.end() ? movedColour : classColour(d.classId);
        const cv::Rect r(cv::Point(static_cast<int>(d.box.x1), static_cast<int>(d.box.y1)),
                         cv::Point(static_cast<int>(d.box.x2), static_cast<int>(d.box.y2)));
        const bool isMoved = !flagged && moved != panel.moved.end();
        if (isMoved)
            cv::rectangle(image, r, movedEdge, thickness * 2 + 2, cv::LINE_AA);
        cv::rectangle(image, r, colour, prefix.empty() ? thickness : thickness * 2, cv::LINE_AA);
        char text[160];
        std::snprintf(text, sizeof text, "%s%s %.2f", prefix.c_str(), className(names, d.classId).c_str(), d.score);
        label(image, text, r.tl(), colour, scale * 0.9, isMoved ? movedEdge : cv::Scalar(255, 255, 255));
    }
    if (!panel.title.empty())
        label(image, panel.title, {0, 0}, {40, 40, 40}, scale * 1.4);
    return image;
}

cv::Mat sideBySide(const cv::Mat& left, const cv::Mat& right) {
    const cv::Mat gap(left.rows, 8, left.type(), cv::Scalar(255, 255, 255));
    cv::Mat out;
    cv::hconcat(std::vector<cv::Mat>{left, gap, right}, out);
    return out;
}

std::pair<cv::Mat, cv::Mat> drawComparisonPanels(const cv::Mat& bgr, const std::vector<Detection>& fp32,
                                                 const std::vector<Detection>& quantized, const DetectionMatch& match,
                                                 const std::vector<std::string>& names, const std::string& fp32Title,
                                                 const std::string& quantizedTitle, double emphasis) {
    PanelInfo right{quantizedTitle, quantized, match.extra, "extra", {}};
    for (const auto& p : movedPairs(match))
        right.moved.emplace_back(p.test, p.iou);
    return {drawPanel(bgr, {fp32Title, fp32, match.missed, "missed by INT8", {}}, names, emphasis),
            drawPanel(bgr, right, names, emphasis)};
}

cv::Mat drawComparison(const cv::Mat& bgr, const std::vector<Detection>& fp32, const std::vector<Detection>& quantized,
                       const DetectionMatch& match, const std::vector<std::string>& names, const std::string& fp32Title,
                       const std::string& quantizedTitle) {
    const auto [left, right] = drawComparisonPanels(bgr, fp32, quantized, match, names, fp32Title, quantizedTitle);
    return sideBySide(left, right);
}

}  // namespace ql
