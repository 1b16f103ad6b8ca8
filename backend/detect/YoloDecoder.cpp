#include "detect/YoloDecoder.h"

#include <algorithm>
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
    int source;  // the output index (anchor column or row) it was read from
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

namespace {

// Anchor-free heads: one anchor per cell of the stride 8/16/32 grids, of P6 models (8..64) or of
// P2 models (4..32).
std::vector<int64_t> anchorFreeCounts(int w, int h) {
    const int64_t base = gridCells(w, h);
    return {base, base + static_cast<int64_t>(w / 64) * (h / 64), base + static_cast<int64_t>(w / 4) * (h / 4)};
}

bool contains(const std::vector<int64_t>& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// "2100|2125|8500": the counts, each once (a small input has no stride-64 grid).
std::string countsText(const std::vector<int64_t>& counts) {
    std::string s = std::to_string(counts[0]);
    for (size_t i = 1; i < counts.size(); ++i)
        if (std::find(counts.begin(), counts.begin() + static_cast<long>(i), counts[i]) == counts.begin() + static_cast<long>(i))
            s += "|" + std::to_string(counts[i]);
    return s;
}

// The layouts QuantLens reads with the shape each expects for this input size, for messages.
std::string knownLayouts(int w, int h) {
    const auto free = anchorFreeCounts(w, h);
    const std::vector<int64_t> anchored = {3 * free[0], 3 * free[1]};
    return "layouts QuantLens reads for a " + std::to_string(w) + "x" + std::to_string(h) + " input: ultralytics [1,4+C," +
           countsText(free) + "], v5 [1," + countsText(anchored) + ",5+C], yolox [1," + std::to_string(free[0]) +
           ",5+C], e2e [1,N,6]";
}

// Classes an output of this layout carries; -1 where the layout does not say (e2e).
int64_t classesOf(YoloLayout layout, const std::vector<int64_t>& shape) {
    switch (layout) {
    case YoloLayout::Ultralytics: return shape[1] - 4;
    case YoloLayout::YoloV5:
    case YoloLayout::YoloX: return shape[2] - 5;
    default: return -1;
    }
}

// Why an output of `shape` cannot be read as `layout` ("" when it can), whatever its anchor count.
std::string whyNot(YoloLayout layout, const std::vector<int64_t>& shape, int w, int h) {
    if (shape.size() != 3 || shape[0] != 1)
        return "every layout is a rank-3 tensor with batch 1";
    const int64_t a = shape[1], b = shape[2];
    switch (layout) {
    case YoloLayout::Ultralytics:
        if (a < 5)
            return "ultralytics [1,4+C,N] needs 4 box rows and at least one class row, this has " + std::to_string(a) + " rows";
        if (a >= b && !contains(anchorFreeCounts(w, h), b))
            return "ultralytics [1,4+C,N] has more anchors than rows, this has " + std::to_string(a) + " rows and " +
                   std::to_string(b) + " anchors (transposed or another head)";
        return {};
    case YoloLayout::YoloV5:
        if (b < 6)
            return "v5 [1,N,5+C] needs 5 box/objectness columns and at least one class column, this has " + std::to_string(b);
        if (b >= a && a != 3 * anchorFreeCounts(w, h)[0] && a != 3 * anchorFreeCounts(w, h)[1])
            return "v5 [1,N,5+C] has more anchors than columns, this has " + std::to_string(a) + " anchors and " +
                   std::to_string(b) + " columns (transposed or another head)";
        return {};
    case YoloLayout::YoloX:
        if (a != gridCells(w, h))
            return "yolox [1,N,5+C] has one row per cell of the stride 8/16/32 grids, " + std::to_string(gridCells(w, h)) +
                   " for this input, this has " + std::to_string(a);
        if (b < 6)
            return "yolox [1,N,5+C] needs at least 6 columns, this has " + std::to_string(b);
        return {};
    case YoloLayout::EndToEnd:
        if (b != 6)
            return "e2e [1,N,6] has 6 columns (x1 y1 x2 y2 score class), this has " + std::to_string(b);
        return {};
    case YoloLayout::Auto:
        break;
    }
    return {};
}

}  // namespace

YoloLayout detectLayout(const std::vector<int64_t>& shape, int inputWidth, int inputHeight) {
    if (shape.size() != 3 || shape[0] != 1)
        return YoloLayout::Auto;
    const int64_t a = shape[1], b = shape[2];
    const auto free = anchorFreeCounts(inputWidth, inputHeight);
    // The standard grids first; P6/P2 anchor counts after the others, as a tiny input's P2 count
    // can equal a YOLOX column count.
    if (a >= 5 && b == free[0])
        return YoloLayout::Ultralytics;
    if (a == free[0] && b >= 6)
        return YoloLayout::YoloX;
    if ((a == 3 * free[0] || a == 3 * free[1]) && b >= 6)
        return YoloLayout::YoloV5;
    if (a >= 5 && contains(free, b))
        return YoloLayout::Ultralytics;
    if (b == 6)
        return YoloLayout::EndToEnd;
    return YoloLayout::Auto;
}

Result<YoloLayout> resolveLayout(const std::vector<int64_t>& shape, const DecodeOptions& options, int w, int h) {
    const std::string what = "an output of shape " + shapeToString(shape);
    YoloLayout layout = options.layout;
    if (layout == YoloLayout::Auto) {
        layout = detectLayout(shape, w, h);
        if (layout == YoloLayout::Auto)
            return Error{what + " fits none of the " + knownLayouts(w, h) +
                         "; if it is one of them with other anchors, name it with --layout"};
    } else if (const std::string why = whyNot(layout, shape, w, h); !why.empty()) {
        return Error{what + " cannot be read as --layout " + layoutName(layout) + ": " + why + "; " + knownLayouts(w, h)};
    }
    const int64_t classes = classesOf(layout, shape);
    if (options.expectedClasses > 0 && classes >= 0 && classes != options.expectedClasses) {
        const std::string source = options.classSource.empty() ? "the class names" : options.classSource;
        return Error{what + " read as " + layoutName(layout) + " carries " + std::to_string(classes) + " classes, but " +
                     source + " names " + std::to_string(options.expectedClasses) +
                     (options.layout == YoloLayout::Auto ? "; wrong names, or another layout (--layout)" : "; wrong names?")};
    }
    return layout;
}

YoloDecoder::YoloDecoder(DecodeOptions options, int inputWidth, int inputHeight)
    : options_(options), inputWidth_(inputWidth), inputHeight_(inputHeight) {}

Result<std::vector<Detection>> YoloDecoder::decode(const TensorView& out, const LetterboxTransform& t) const {
    if (!out.data)
        return Error{"the model's output is not a float tensor"};
    auto resolved = resolveLayout(out.shape, options_, inputWidth_, inputHeight_);
    if (!resolved)
        return resolved.error();
    const YoloLayout layout = *resolved;
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
                candidates.push_back({fromCentre(d[j], d[cols + j], d[2 * cols + j], d[3 * cols + j]), id, score, static_cast<int>(j)});
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
                candidates.push_back({box, id, score, static_cast<int>(row)});
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
                candidates.push_back({{r[0], r[1], r[2], r[3]}, static_cast<int>(std::lround(r[5])), r[4], static_cast<int>(j)});
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
        detections.push_back({b, c.classId, c.score, c.source});
    }
    return detections;
}

}  // namespace ql
