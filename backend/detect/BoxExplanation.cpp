#include "detect/BoxExplanation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/TensorData.h"

namespace ql {
namespace {

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// As the decoder decides: a [1,N,5+C] output holds logits when any score lies outside 0..1.
bool holdsLogits(const RawOutput& o) {
    const size_t rows = static_cast<size_t>(o.shape[1]), cols = static_cast<size_t>(o.shape[2]);
    for (size_t j = 0; j < rows; ++j)
        for (size_t c = 4; c < cols; ++c) {
            const float v = o.values[j * cols + c];
            if (v < 0.0f || v > 1.0f)
                return true;
        }
    return false;
}

std::string fixed(double v, int digits = 3) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

Box toOriginal(const Box& in, const LetterboxTransform& t) {
    Box b{t.toOriginalX(in.x1), t.toOriginalY(in.y1), t.toOriginalX(in.x2), t.toOriginalY(in.y2)};
    const float w = static_cast<float>(t.originalWidth), h = static_cast<float>(t.originalHeight);
    b.x1 = std::clamp(b.x1, 0.0f, w);
    b.x2 = std::clamp(b.x2, 0.0f, w);
    b.y1 = std::clamp(b.y1, 0.0f, h);
    b.y2 = std::clamp(b.y2, 0.0f, h);
    return b;
}

}  // namespace

std::string outcomeName(BoxOutcome o) {
    switch (o) {
    case BoxOutcome::Kept: return "kept";
    case BoxOutcome::ObjectnessUnderThreshold: return "objectness under threshold";
    case BoxOutcome::ScoreUnderThreshold: return "score under threshold";
    case BoxOutcome::AnotherClassWon: return "another class won";
    case BoxOutcome::SuppressedByNms: return "suppressed by NMS";
    case BoxOutcome::CutByMaxDetections: return "cut by max detections";
    case BoxOutcome::BoxMoved: return "box moved";
    case BoxOutcome::MatchedElsewhere: return "matched to another FP32 box";
    }
    return "?";
}

Result<CellReading> readCell(const RawOutput& o, YoloLayout layout, const GridCell& cell, int classId, int w, int h,
                             const LetterboxTransform& t) {
    if (o.shape.size() != 3)
        return Error{"output of shape " + shapeToString(o.shape) + " is not [1,A,B]"};
    const size_t rows = static_cast<size_t>(o.shape[1]), cols = static_cast<size_t>(o.shape[2]);
    const size_t j = static_cast<size_t>(cell.index);
    const float* d = o.values.data();
    CellReading r;
    if (layout == YoloLayout::Ultralytics) {
        if (j >= cols || rows < 5)
            return Error{"output index " + std::to_string(j) + " is outside " + shapeToString(o.shape)};
        for (size_t k = 0; k < 4; ++k)
            r.regression.push_back(d[k * cols + j]);
        const float cx = r.regression[0], cy = r.regression[1], bw = r.regression[2], bh = r.regression[3];
        r.inputBox = {cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2};
        r.bestScore = -1.0f;
        for (size_t c = 0; c + 4 < rows; ++c) {
            const float s = d[(4 + c) * cols + j];
            if (s > r.bestScore) {
                r.bestScore = s;
                r.bestClass = static_cast<int>(c);
            }
            if (static_cast<int>(c) == classId)
                r.classScore = s;
        }
        const float s = static_cast<float>(cell.stride), ax = cell.centreX(), ay = cell.centreY();
        r.ltrb = {(ax - r.inputBox.x1) / s, (ay - r.inputBox.y1) / s, (r.inputBox.x2 - ax) / s, (r.inputBox.y2 - ay) / s};
    } else if (layout == YoloLayout::YoloV5 || layout == YoloLayout::YoloX) {
        if (j >= rows || cols < 6)
            return Error{"output index " + std::to_string(j) + " is outside " + shapeToString(o.shape)};
        const bool logits = holdsLogits(o);
        const float* row = d + j * cols;
        r.regression.assign(row, row + 4);
        r.objectness = logits ? sigmoid(row[4]) : row[4];
        r.bestScore = -1.0f;
        for (size_t c = 0; c + 5 < cols; ++c) {
            const float s = (logits ? sigmoid(row[5 + c]) : row[5 + c]) * r.objectness;
            if (s > r.bestScore) {
                r.bestScore = s;
                r.bestClass = static_cast<int>(c);
            }
            if (static_cast<int>(c) == classId)
                r.classScore = s;
        }
        if (layout == YoloLayout::YoloX) {
            const float s = static_cast<float>(cell.stride);
            const float cx = (row[0] + static_cast<float>(cell.x)) * s, cy = (row[1] + static_cast<float>(cell.y)) * s;
            const float bw = std::exp(row[2]) * s, bh = std::exp(row[3]) * s;
            r.inputBox = {cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2};
        } else {
            r.inputBox = {row[0] - row[2] / 2, row[1] - row[3] / 2, row[0] + row[2] / 2, row[1] + row[3] / 2};
        }
    } else {
        return Error{"a " + layoutName(layout) + " output has no grid cells to read"};
    }
    (void)w;
    (void)h;
    r.box = toOriginal(r.inputBox, t);
    return r;
}

Result<ImageExplanation> explainOutputs(const RawOutput& fo, const RawOutput& qo, YoloLayout layout, const DecodeOptions& decode,
                                        int w, int h, const LetterboxTransform& t, std::vector<Detection> fp32,
                                        std::vector<Detection> quantized, const ExplainTarget& target) {
    if (auto strides = headStrides(layout, fo.shape, w, h); !strides)
        return strides.error();
    if (fo.shape != qo.shape)
        return Error{"the FP32 output " + shapeToString(fo.shape) + " and the quantized one " + shapeToString(qo.shape) +
                     " differ in shape; their cells cannot be compared"};
    ImageExplanation e;
    e.layout = layout;
    e.match = matchDetections(fp32, quantized);
    e.fp32 = std::move(fp32);
    e.quantized = std::move(quantized);
    if (layout == YoloLayout::Ultralytics)
        e.note = "the DFL distributions of the four sides are not in this output (the head ends after their expectation); "
                 "the decoded distances to the sides (ltrb, in strides) are given instead";

    std::vector<int> chosen;
    if (target.box) {
        int best = -1;
        float bestIou = 0.0f;
        for (size_t i = 0; i < e.fp32.size(); ++i)
            if (const float o = iou(e.fp32[i].box, *target.box); o > bestIou) {
                bestIou = o;
                best = static_cast<int>(i);
            }
        if (best < 0)
            return Error{"no FP32 detection overlaps the box " + fixed(target.box->x1, 0) + "," + fixed(target.box->y1, 0) +
                         "," + fixed(target.box->x2, 0) + "," + fixed(target.box->y2, 0) + " (" +
                         std::to_string(e.fp32.size()) + " FP32 detections on this image)"};
        chosen.push_back(best);
    } else {
        chosen = e.match.missed;
        for (const auto& p : movedPairs(e.match))
            chosen.push_back(p.reference);
        std::sort(chosen.begin(), chosen.end());
    }

    for (const int i : chosen) {
        BoxExplanation b;
        b.fp32Index = i;
        b.fp32 = e.fp32[static_cast<size_t>(i)];
        auto cell = cellOf(layout, fo.shape, w, h, b.fp32.source);
        if (!cell)
            return cell.error();
        b.cell = *cell;
        auto f = readCell(fo, layout, b.cell, b.fp32.classId, w, h, t);
        if (!f)
            return f.error();
        auto q = readCell(qo, layout, b.cell, b.fp32.classId, w, h, t);
        if (!q)
            return q.error();
        b.fp32At = *f;
        b.quantizedAt = *q;
        const MatchedPair* pair = nullptr;
        for (const auto& p : e.match.pairs)
            if (p.reference == i)
                pair = &p;
        b.missed = pair == nullptr;
        const float conf = decode.confidence;
        if (pair) {
            b.quantizedIndex = pair->test;
            b.partnerIou = pair->iou;
            const Detection& partner = e.quantized[static_cast<size_t>(pair->test)];
            if (auto pc = cellOf(layout, qo.shape, w, h, partner.source))
                b.partnerCell = *pc;
            const bool sameCell = partner.source == b.fp32.source;
            const std::string where = sameCell       ? "from the same cell"
                                      : b.partnerCell ? "from another cell: " + describeCell(*b.partnerCell)
                                                      : "from output index " + std::to_string(partner.source);
            if (pair->iou < kMovedBelowIou) {
                b.outcome = BoxOutcome::BoxMoved;
                b.detail = "the quantized box (" + where + ") overlaps the FP32 box by IoU " + fixed(pair->iou) + " (< " +
                           fixed(kMovedBelowIou, 2) + "); sides moved by " + fixed(partner.box.x1 - b.fp32.box.x1, 1) +
                           ", " + fixed(partner.box.y1 - b.fp32.box.y1, 1) + ", " + fixed(partner.box.x2 - b.fp32.box.x2, 1) +
                           ", " + fixed(partner.box.y2 - b.fp32.box.y2, 1) + " px (x1, y1, x2, y2)";
            } else {
                b.outcome = BoxOutcome::Kept;
                b.detail = "found by the quantized model (" + where + ") with IoU " + fixed(pair->iou) + ", score " +
                           fixed(b.fp32.score) + " -> " + fixed(partner.score);
            }
            e.boxes.push_back(std::move(b));
            continue;
        }
        // Missed: the decoder's decisions, re-run on the quantized values at this cell.
        const CellReading& r = b.quantizedAt;
        if (r.objectness >= 0.0f && r.objectness < conf) {
            b.outcome = BoxOutcome::ObjectnessUnderThreshold;
            b.detail = "objectness " + fixed(b.fp32At.objectness) + " -> " + fixed(r.objectness) + " < confidence " + fixed(conf, 2);
        } else if (r.bestScore < conf) {
            b.outcome = BoxOutcome::ScoreUnderThreshold;
            b.detail = "class score " + fixed(b.fp32At.classScore) + " -> " + fixed(r.classScore) + " < confidence " + fixed(conf, 2);
            if (r.bestClass != b.fp32.classId)
                b.detail += " (best class there " + std::to_string(r.bestClass) + " at " + fixed(r.bestScore) + ")";
        } else if (r.bestClass != b.fp32.classId) {
            b.outcome = BoxOutcome::AnotherClassWon;
            b.detail = "class " + std::to_string(r.bestClass) + " scores " + fixed(r.bestScore) + " there, class " +
                       std::to_string(b.fp32.classId) + " " + fixed(b.fp32At.classScore) + " -> " + fixed(r.classScore);
        } else {
            int kept = -1;
            for (size_t k = 0; k < e.quantized.size(); ++k)
                if (e.quantized[k].source == b.fp32.source)
                    kept = static_cast<int>(k);
            if (kept >= 0) {
                const float o = iou(e.quantized[static_cast<size_t>(kept)].box, b.fp32.box);
                b.quantizedIndex = kept;
                b.partnerIou = o;
                b.partnerCell = b.cell;
                if (o < 0.5f) {
                    b.outcome = BoxOutcome::BoxMoved;
                    b.detail = "detected at this cell with score " + fixed(r.bestScore) + ", but its box overlaps the FP32 box by IoU " +
                               fixed(o) + " (< 0.50 to match)";
                } else {
                    b.outcome = BoxOutcome::MatchedElsewhere;
                    b.detail = "detected at this cell (IoU " + fixed(o) + "), but its match went to another FP32 box";
                }
            } else {
                int winner = -1;
                float winnerIou = 0.0f;
                for (size_t k = 0; k < e.quantized.size(); ++k) {
                    const Detection& d = e.quantized[k];
                    if ((!decode.classAgnostic && d.classId != b.fp32.classId) || d.score < r.bestScore)
                        continue;
                    if (const float o = iou(d.box, r.box); o > winnerIou) {
                        winnerIou = o;
                        winner = static_cast<int>(k);
                    }
                }
                if (winner >= 0 && winnerIou > decode.iou) {
                    b.outcome = BoxOutcome::SuppressedByNms;
                    b.suppressedBy = winner;
                    b.detail = "score " + fixed(r.bestScore) + " passes, but quantized detection #" + std::to_string(winner) +
                               " (score " + fixed(e.quantized[static_cast<size_t>(winner)].score) + ") overlaps it by IoU " +
                               fixed(winnerIou) + " > NMS IoU " + fixed(decode.iou, 2);
                } else if (e.quantized.size() >= static_cast<size_t>(decode.maxDetections)) {
                    b.outcome = BoxOutcome::CutByMaxDetections;
                    b.detail = "score " + fixed(r.bestScore) + " passes, but the quantized model already keeps " +
                               std::to_string(e.quantized.size()) + " detections (--max-det)";
                } else {
                    b.outcome = BoxOutcome::SuppressedByNms;
                    b.detail = "score " + fixed(r.bestScore) + " passes but the box was not kept; the nearest higher-scored box "
                               "overlaps it by IoU " + fixed(winnerIou) + " only (clamping at the image edge?)";
                }
            }
        }
        e.boxes.push_back(std::move(b));
    }
    return e;
}

namespace {

Result<RawOutput> runRaw(Detector& d, const PreparedImage& image) {
    auto out = d.session().run({{d.inputName(), image.shape, image.tensor.data(), image.tensor.size()}}, {d.outputName()});
    if (!out)
        return out.error();
    const TensorView& v = out->view(0);
    if (!v.data)
        return Error{"the output '" + d.outputName() + "' is not a float tensor"};
    return RawOutput{std::vector<float>(v.data, v.data + v.size), v.shape};
}

}  // namespace

Result<ImageExplanation> explainImage(Detector& fp32, Detector& quantized, const cv::Mat& bgr, const ExplainTarget& target) {
    auto both = detectOnBoth(fp32, quantized, bgr);
    if (!both)
        return both.error();
    auto fo = runRaw(fp32, both->image);
    if (!fo)
        return fo.error();
    auto qo = runRaw(quantized, both->image);
    if (!qo)
        return qo.error();
    const auto& pre = fp32.preprocessor().options();
    return explainOutputs(*fo, *qo, fp32.layout(), fp32.decodeOptions(), pre.width, pre.height, both->image.transform,
                          std::move(both->fp32), std::move(both->quantized), target);
}

}  // namespace ql
