#include "detect/YoloDecoder.h"

#include <algorithm>
#include <cmath>

#include <opencv2/dnn.hpp>

#include "model/TensorData.h"

namespace ql {
namespace {

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

struct Candidate {
    Box box;  // input pixels
    int classId;
    float score;
    int source;  // the output index (anchor column or row) it was read from
};

// The per-level heads (YOLOX levels, GFL) keep no output index: BoxOrigin does not map their cells.
constexpr int kNoOutputIndex = -1;

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

YoloDecoder::YoloDecoder(DecodeOptions options, int inputWidth, int inputHeight)
    : options_(options), inputWidth_(inputWidth), inputHeight_(inputHeight) {}

Result<std::vector<Detection>> YoloDecoder::decode(const TensorView& out, const LetterboxTransform& t) const {
    return decode(std::vector<const TensorView*>{&out}, t);
}

namespace {

// Scores may be logits (some raw heads end before their sigmoid): any value outside 0..1 gives it away.
bool anyOutsideUnit(const float* d, size_t count, size_t step, size_t offset, size_t width) {
    for (size_t i = 0; i < count; ++i)
        for (size_t c = offset; c < offset + width; ++c) {
            const float v = d[i * step + c];
            if (v < 0.0f || v > 1.0f)
                return true;
        }
    return false;
}

// Element (channel c, cell k) of a per-level output: [1,ch,H,W] (channels first) or [1,H*W,ch].
struct LevelView {
    const float* d;
    size_t cells, channels;
    bool channelsFirst;
    float at(size_t k, size_t c) const { return channelsFirst ? d[c * cells + k] : d[k * channels + c]; }
};

// Distance of one box side from its GFL distribution: softmax over the bins, then the expected bin.
float distributionDistance(const float* bins, size_t step, int count) {
    float top = bins[0];
    for (int i = 1; i < count; ++i)
        top = std::max(top, bins[static_cast<size_t>(i) * step]);
    float sum = 0.0f, weighted = 0.0f;
    for (int i = 0; i < count; ++i) {
        const float e = std::exp(bins[static_cast<size_t>(i) * step] - top);
        sum += e;
        weighted += e * static_cast<float>(i);
    }
    return weighted / sum;
}

}  // namespace

Result<std::vector<Detection>> YoloDecoder::decode(const std::vector<const TensorView*>& outputs,
                                                   const LetterboxTransform& t) const {
    std::vector<std::vector<int64_t>> shapes;
    for (const TensorView* o : outputs) {
        if (!o || !o->data)
            return Error{"the model's output is not a float tensor"};
        shapes.push_back(o->shape);
    }
    auto resolved = resolveHead(shapes, options_, inputWidth_, inputHeight_);
    if (!resolved)
        return resolved.error();
    const HeadPlan& plan = *resolved;
    const YoloLayout layout = plan.layout;
    const TensorView& out = *outputs[plan.outputs.front()];
    const bool rank3 = out.shape.size() == 3;
    const size_t rows = rank3 ? static_cast<size_t>(out.shape[1]) : 0;
    const size_t cols = rank3 ? static_cast<size_t>(out.shape[2]) : 0;
    const float* d = out.data;
    const int classes = static_cast<int>(plan.classes);
    std::vector<Candidate> candidates;
    switch (layout) {
    case YoloLayout::Ultralytics: {
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
    case YoloLayout::YoloV6:
    case YoloLayout::YoloX: {
        const bool yolox = layout == YoloLayout::YoloX;
        // Raw YOLOX heads may or may not end in a sigmoid; logits give it away.
        const bool logits = anyOutsideUnit(d, rows, cols, 4, cols - 4);
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
    case YoloLayout::YoloV6NoObjectness:
    case YoloLayout::RtDetr: {
        // RT-DETR's boxes are fractions of the input; v6's are input pixels.
        const bool normalised = layout == YoloLayout::RtDetr;
        const float sx = normalised ? static_cast<float>(inputWidth_) : 1.0f;
        const float sy = normalised ? static_cast<float>(inputHeight_) : 1.0f;
        for (size_t j = 0; j < rows; ++j) {
            const float* r = d + j * cols;
            int id;
            float score;
            bestClass(r + 4, classes, 1, 1.0f, false, &id, &score);
            if (score >= options_.confidence)
                candidates.push_back({fromCentre(r[0] * sx, r[1] * sy, r[2] * sx, r[3] * sy), id, score, static_cast<int>(j)});
        }
        break;
    }
    case YoloLayout::EndToEnd: {
        for (size_t j = 0; j < rows; ++j) {
            const float* r = d + j * cols;
            if (r[4] >= options_.confidence)
                candidates.push_back({{r[0], r[1], r[2], r[3]}, static_cast<int>(std::lround(r[5])), r[4], static_cast<int>(j)});
        }
        break;
    }
    case YoloLayout::YoloNas: {
        const TensorView& scores = *outputs[plan.outputs[1]];
        const size_t n = static_cast<size_t>(out.shape[1]);
        for (size_t j = 0; j < n; ++j) {
            int id;
            float score;
            bestClass(scores.data + j * static_cast<size_t>(classes), classes, 1, 1.0f, false, &id, &score);
            if (score >= options_.confidence)
                candidates.push_back({{d[4 * j], d[4 * j + 1], d[4 * j + 2], d[4 * j + 3]}, id, score, static_cast<int>(j)});
        }
        break;
    }
    case YoloLayout::YoloXLevels:
    case YoloLayout::Gfl: {
        // One LevelView per stride: the outputs of a per-level head, or the rows of a
        // concatenated GFL output level after level.
        // Each level's scores and box channels: one view for both, or (GFL with scores and
        // distributions apart) a view for each, the boxes' channels starting at boxOffset.
        struct Level {
            int stride;
            LevelView scores, boxes;
            size_t boxOffset;
        };
        std::vector<Level> levels;
        const size_t levelCount = plan.scoresApart ? plan.strides.size() / 2 : plan.strides.size();
        const size_t boxOffset = layout == YoloLayout::Gfl ? static_cast<size_t>(classes) : 0;
        auto viewOf = [&](size_t i, size_t cellCount) -> LevelView {
            const TensorView& v = *outputs[plan.outputs[i]];
            const bool first = v.shape.size() == 4;
            return {v.data, cellCount, static_cast<size_t>(first ? v.shape[1] : v.shape[2]), first};
        };
        size_t row = 0;
        for (size_t i = 0; i < levelCount; ++i) {
            const int s = plan.strides[i];
            const size_t cellCount = static_cast<size_t>(inputWidth_ / s) * static_cast<size_t>(inputHeight_ / s);
            if (plan.outputs.size() == 1) {
                const LevelView v{d + row * cols, cellCount, cols, false};
                levels.push_back({s, v, v, boxOffset});
                row += cellCount;
            } else if (plan.scoresApart) {
                levels.push_back({s, viewOf(i, cellCount), viewOf(levelCount + i, cellCount), 0});
            } else {
                const LevelView v = viewOf(i, cellCount);
                levels.push_back({s, v, v, boxOffset});
            }
        }
        const bool gfl = layout == YoloLayout::Gfl;
        const size_t scoreBegin = gfl ? 0 : 4;  // GFL: class scores first; YOLOX: dx dy log-w log-h objectness classes
        bool logits = false;
        for (const auto& level : levels) {
            const LevelView& v = level.scores;
            for (size_t k = 0; k < v.cells && !logits; ++k)
                for (size_t c = scoreBegin; c < (gfl ? static_cast<size_t>(classes) : v.channels) && !logits; ++c)
                    logits = v.at(k, c) < 0.0f || v.at(k, c) > 1.0f;
        }
        const int bins = plan.regMax + 1;
        for (const auto& level : levels) {
            const int s = level.stride;
            const LevelView& v = level.scores;
            const LevelView& bx = level.boxes;
            const size_t gw = static_cast<size_t>(inputWidth_ / s);
            const float stride = static_cast<float>(s);
            std::vector<float> side(static_cast<size_t>(bins));
            for (size_t k = 0; k < v.cells; ++k) {
                const float gx = static_cast<float>(k % gw), gy = static_cast<float>(k / gw);
                float objectness = 1.0f;
                if (!gfl) {
                    objectness = logits ? sigmoid(v.at(k, 4)) : v.at(k, 4);
                    if (objectness < options_.confidence)
                        continue;
                }
                int id = 0;
                float score = -1.0f;
                for (int c = 0; c < classes; ++c) {
                    const float raw = v.at(k, (gfl ? 0 : 5) + static_cast<size_t>(c));
                    const float p = (logits ? sigmoid(raw) : raw) * objectness;
                    if (p > score) {
                        score = p;
                        id = c;
                    }
                }
                if (score < options_.confidence)
                    continue;
                if (!gfl) {
                    candidates.push_back({fromCentre((bx.at(k, 0) + gx) * stride, (bx.at(k, 1) + gy) * stride,
                                                     std::exp(bx.at(k, 2)) * stride, std::exp(bx.at(k, 3)) * stride),
                                          id, score, kNoOutputIndex});
                    continue;
                }
                // Distances left, top, right, bottom from the cell's prior, in units of the
                // stride: at (x, y) * stride in NanoDet-Plus (get_single_level_center_priors),
                // at the cell's centre in the legacy NanoDet head (options.gflCellCentre), whose
                // export is the one with scores and distributions apart.
                float dist[4];
                for (int e = 0; e < 4; ++e) {
                    for (int i = 0; i < bins; ++i)
                        side[static_cast<size_t>(i)] = bx.at(k, level.boxOffset + static_cast<size_t>(e * bins + i));
                    dist[e] = distributionDistance(side.data(), 1, bins) * stride;
                }
                const float centre = options_.gflCellCentre || plan.scoresApart ? 0.5f : 0.0f;
                const float px = (gx + centre) * stride, py = (gy + centre) * stride;
                candidates.push_back({{px - dist[0], py - dist[1], px + dist[2], py + dist[3]}, id, score, kNoOutputIndex});
            }
        }
        break;
    }
    case YoloLayout::Auto:
        break;
    }

    std::vector<int> keep;
    if (layout == YoloLayout::EndToEnd || layout == YoloLayout::RtDetr) {
        // NMS already done (e2e) or not needed (RT-DETR's queries): the best maxDetections by score.
        for (size_t i = 0; i < candidates.size(); ++i)
            keep.push_back(static_cast<int>(i));
        std::stable_sort(keep.begin(), keep.end(), [&](int a, int b) { return candidates[a].score > candidates[b].score; });
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
