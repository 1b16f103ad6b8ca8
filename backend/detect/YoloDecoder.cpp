#include "detect/YoloDecoder.h"

#include <cmath>

#include <opencv2/dnn.hpp>

#include "model/TensorData.h"

namespace ql {
namespace {

constexpr int kStrides[] = {8, 16, 32};

int64_t gridCells(int width, int height) {
    int64_t cells = 0;
    for (const int s : kStrides)
        cells += static_cast<int64_t>(width / s) * (height / s);
    return cells;
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

struct Candidate {
    Box box;  // input pixels
    int classId;
    float score;
};

// Best class of a row of class scores, with the objectness multiplied in.
void bestClass(const float* scores, int classes, size_t step, float objectness, bool applySigmoid, int* id, float* score) {
    *id = 0;
    *score = -1.0f;
    for (int c = 0; c < classes; ++c) {
        const float raw = scores[static_cast<size_t>(c) * step];
        const float s = (applySigmoid ? sigmoid(raw) : raw) * objectness;
        if (s > *score) {
            *score = s;
            *id = c;
        }
    }
}

Box fromCentre(float cx, float cy, float w, float h) { return {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2}; }

}  // namespace

float iou(const Box& a, const Box& b) {
    const float iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
    const float ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
    if (iw <= 0 || ih <= 0)
        return 0.0f;
    const float inter = iw * ih;
    const float uni = a.area() + b.area() - inter;
    return uni > 0 ? inter / uni : 0.0f;
}

std::string layoutName(YoloLayout layout) {
    switch (layout) {
    case YoloLayout::Auto: return "auto";
    case YoloLayout::Ultralytics: return "ultralytics";
    case YoloLayout::YoloV5: return "v5";
    case YoloLayout::YoloX: return "yolox";
    case YoloLayout::EndToEnd: return "e2e";
    }
    return "?";
}

Result<YoloLayout> parseLayout(const std::string& text) {
    for (auto l : {YoloLayout::Auto, YoloLayout::Ultralytics, YoloLayout::YoloV5, YoloLayout::YoloX, YoloLayout::EndToEnd})
        if (text == layoutName(l))
            return l;
    return Error{"unknown output layout '" + text + "' (use auto, ultralytics, v5, yolox or e2e)"};
}

YoloLayout detectLayout(const std::vector<int64_t>& shape, int inputWidth, int inputHeight) {
    if (shape.size() != 3)
        return YoloLayout::Auto;
    const int64_t a = shape[1], b = shape[2];
    const int64_t cells = gridCells(inputWidth, inputHeight);
    if (b > a && a >= 5)
        return YoloLayout::Ultralytics;
    if (a == cells)
        return YoloLayout::YoloX;
    if (a == 3 * cells)
        return YoloLayout::YoloV5;
    if (b == 6)
        return YoloLayout::EndToEnd;
    return b > 5 ? YoloLayout::YoloV5 : YoloLayout::Auto;
}

YoloDecoder::YoloDecoder(DecodeOptions options, int inputWidth, int inputHeight)
    : options_(options), inputWidth_(inputWidth), inputHeight_(inputHeight) {}

Result<std::vector<Detection>> YoloDecoder::decode(const TensorView& out, const LetterboxTransform& t) const {
    if (!out.data)
        return Error{"the model's output is not a float tensor"};
    YoloLayout layout = options_.layout;
    if (layout == YoloLayout::Auto)
        layout = detectLayout(out.shape, inputWidth_, inputHeight_);
    if (layout == YoloLayout::Auto || out.shape.size() != 3 || out.shape[0] != 1)
        return Error{"cannot tell the YOLO layout of an output of shape " + shapeToString(out.shape) +
                     "; choose one with --layout (ultralytics, v5, yolox, e2e)"};
    const size_t rows = static_cast<size_t>(out.shape[1]);
    const size_t cols = static_cast<size_t>(out.shape[2]);
    const float* d = out.data;
    std::vector<Candidate> candidates;
    switch (layout) {
    case YoloLayout::Ultralytics: {
        if (rows < 5)
            return Error{"an Ultralytics output needs at least 5 rows, got " + shapeToString(out.shape)};
        const int classes = static_cast<int>(rows) - 4;
        for (size_t j = 0; j < cols; ++j) {
            int id;
            float score;
            bestClass(d + 4 * cols + j, classes, cols, 1.0f, false, &id, &score);
            if (score >= options_.confidence)
                candidates.push_back({fromCentre(d[j], d[cols + j], d[2 * cols + j], d[3 * cols + j]), id, score});
        }
        break;
    }
    case YoloLayout::YoloV5:
    case YoloLayout::YoloX: {
        if (cols < 6)
            return Error{"a " + layoutName(layout) + " output needs at least 6 columns, got " + shapeToString(out.shape)};
        const int classes = static_cast<int>(cols) - 5;
        const bool yolox = layout == YoloLayout::YoloX;
        if (yolox && static_cast<int64_t>(rows) != gridCells(inputWidth_, inputHeight_))
            return Error{"a YOLOX output for a " + std::to_string(inputWidth_) + "x" + std::to_string(inputHeight_) +
                         " input has " + std::to_string(gridCells(inputWidth_, inputHeight_)) + " rows, got " +
                         std::to_string(rows)};
        // Raw YOLOX heads may or may not end in a sigmoid; logits give it away.
        bool logits = false;
        for (size_t j = 0; j < rows && !logits; ++j)
            for (size_t c = 4; c < cols && !logits; ++c)
                logits = d[j * cols + c] < 0.0f || d[j * cols + c] > 1.0f;
        size_t row = 0;
        for (const int stride : yolox ? std::vector<int>{8, 16, 32} : std::vector<int>{0}) {
            const int gw = stride ? inputWidth_ / stride : 0;
            const int gh = stride ? inputHeight_ / stride : 0;
            const size_t count = yolox ? static_cast<size_t>(gw) * gh : rows;
            for (size_t k = 0; k < count; ++k, ++row) {
                const float* r = d + row * cols;
                const float objectness = logits ? sigmoid(r[4]) : r[4];
                if (objectness < options_.confidence)
                    continue;
                int id;
                float score;
                bestClass(r + 5, classes, 1, objectness, logits, &id, &score);
                if (score < options_.confidence)
                    continue;
                Box box = fromCentre(r[0], r[1], r[2], r[3]);
                if (yolox) {
                    const float gx = static_cast<float>(k % static_cast<size_t>(gw));
                    const float gy = static_cast<float>(k / static_cast<size_t>(gw));
                    box = fromCentre((r[0] + gx) * stride, (r[1] + gy) * stride, std::exp(r[2]) * stride, std::exp(r[3]) * stride);
                }
                candidates.push_back({box, id, score});
            }
        }
        break;
    }
    case YoloLayout::EndToEnd: {
        if (cols != 6)
            return Error{"an end-to-end output has 6 columns (x1 y1 x2 y2 score class), got " + shapeToString(out.shape)};
        for (size_t j = 0; j < rows; ++j) {
            const float* r = d + j * cols;
            if (r[4] >= options_.confidence)
                candidates.push_back({{r[0], r[1], r[2], r[3]}, static_cast<int>(std::lround(r[5])), r[4]});
        }
        break;
    }
    case YoloLayout::Auto:
        break;
    }

    std::vector<int> keep;
    if (layout == YoloLayout::EndToEnd) {
        for (size_t i = 0; i < candidates.size(); ++i)
            keep.push_back(static_cast<int>(i));
        std::sort(keep.begin(), keep.end(), [&](int a, int b) { return candidates[a].score > candidates[b].score; });
        if (keep.size() > static_cast<size_t>(options_.maxDetections))
            keep.resize(static_cast<size_t>(options_.maxDetections));
    } else {
        // Class-aware NMS the usual way: boxes of different classes are shifted apart so never overlap.
        const float offset = static_cast<float>(std::max(inputWidth_, inputHeight_)) * 4.0f;
        std::vector<cv::Rect2d> rects;
        std::vector<float> scores;
        for (const auto& c : candidates) {
            const float shift = options_.classAgnostic ? 0.0f : static_cast<float>(c.classId) * offset;
            rects.emplace_back(c.box.x1 + shift, c.box.y1 + shift, c.box.width(), c.box.height());
            scores.push_back(c.score);
        }
        // Suppression over every candidate first, then the best maxDetections of what survives
        // (as Ultralytics and COCO evaluation do). NMSBoxes' own top_k would cut the candidates
        // before suppression and so lose boxes that survive it: lower recall, lower mAP.
        cv::dnn::NMSBoxes(rects, scores, options_.confidence, options_.iou, keep);
        if (keep.size() > static_cast<size_t>(options_.maxDetections))
            keep.resize(static_cast<size_t>(options_.maxDetections));
    }

    std::vector<Detection> detections;
    const float w = static_cast<float>(t.originalWidth), h = static_cast<float>(t.originalHeight);
    for (const int i : keep) {
        const Candidate& c = candidates[static_cast<size_t>(i)];
        Box b{t.toOriginalX(c.box.x1), t.toOriginalY(c.box.y1), t.toOriginalX(c.box.x2), t.toOriginalY(c.box.y2)};
        b.x1 = std::clamp(b.x1, 0.0f, w);
        b.x2 = std::clamp(b.x2, 0.0f, w);
        b.y1 = std::clamp(b.y1, 0.0f, h);
        b.y2 = std::clamp(b.y2, 0.0f, h);
        detections.push_back({b, c.classId, c.score});
    }
    return detections;
}

}  // namespace ql
