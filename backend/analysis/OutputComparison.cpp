#include "analysis/OutputComparison.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "model/TensorData.h"

namespace ql {
namespace {

// Predictions kept for mAP, as COCO evaluation keeps them.
constexpr float kMapConfidence = 0.001f;
// A class-score step above this leaves fewer than five levels between 0 and 1: scores collapse.
constexpr float kCollapsedScoreStep = 0.25f;
// Above this, fewer than 32 levels: ranking and thresholds get coarse.
constexpr float kCoarseScoreStep = 1.0f / 32.0f;

std::string number(double v, int digits = 4) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*g", digits, v);
    return text;
}

// Scores are probabilities (0..1) in these layouts; raw YOLOX heads may carry logits.
bool scoresAreProbabilities(YoloLayout layout) {
    return layout != YoloLayout::YoloX && layout != YoloLayout::YoloXLevels && layout != YoloLayout::Auto;
}

}  // namespace

std::vector<ScoreStepProblem> scoreStepProblems(const Graph& g, const QdqStructure& qdq, int inputWidth,
                                                int inputHeight, YoloLayout layout) {
    std::vector<ScoreStepProblem> problems;
    for (const auto& output : g.outputs()) {
        const TensorInfo* info = g.tensorInfo(output);
        if (!info || !info->hasShape)
            continue;
        const YoloLayout l = layout == YoloLayout::Auto ? detectLayout(info->shape, inputWidth, inputHeight) : layout;
        if (!scoresAreProbabilities(l) || outputParts(l, info->shape).empty())
            continue;
        for (const auto& t : qdq.tensors) {
            if (std::find(t.dequantizedOutputs.begin(), t.dequantizedOutputs.end(), output) == t.dequantizedOutputs.end() ||
                t.params.scales.empty())
                continue;
            const float step = *std::max_element(t.params.scales.begin(), t.params.scales.end());
            if (step <= kCoarseScoreStep)
                continue;
            ScoreStepProblem p;
            p.output = output;
            p.tensor = t.floatName;
            p.scale = step;
            p.failure = step > kCollapsedScoreStep;
            const int producer = g.producer(t.floatName);
            const std::string fix = producer >= 0 ? "; leave it float by excluding " + g.label(producer) : "";
            if (p.failure)
                p.message = "class scores collapse: output '" + output + "' leaves the graph through a Q/DQ pair on '" +
                            t.floatName + "' with step " + number(step) + ", so a score of 0..1 can only become " +
                            "0 or a multiple of " + number(step) + " (every score under " + number(step / 2) +
                            " becomes 0)" + fix;
            else
                p.message = "class scores coarse: output '" + output + "' leaves the graph through a Q/DQ pair on '" +
                            t.floatName + "' with step " + number(step) + ", only " +
                            std::to_string(static_cast<int>(std::floor(1.0f / step))) + " levels between 0 and 1" + fix;
            problems.push_back(std::move(p));
        }
    }
    return problems;
}

OutputComparer::OutputComparer(std::vector<std::string> outputNames, const DecodeOptions& decode, int inputWidth,
                               int inputHeight)
    : names_(std::move(outputNames)), decode_(decode), inputWidth_(inputWidth), inputHeight_(inputHeight),
      whole_(names_.size()) {}

void OutputComparer::chooseLayout(const std::vector<const TensorView*>& fp32) {
    layoutChosen_ = true;
    // The outputs a head may read: the one named (--output-name), else all of them.
    read_.clear();
    for (size_t k = 0; k < names_.size() && k < fp32.size(); ++k)
        if (decode_.outputName.empty() || names_[k] == decode_.outputName)
            read_.push_back(k);
    std::vector<std::vector<int64_t>> shapes;
    for (const size_t k : read_) {
        if (!fp32[k]->data)
            read_.clear();
        else
            shapes.push_back(fp32[k]->shape);
    }
    auto plan = read_.empty() ? Result<HeadPlan>(Error{"not float"}) : resolveHead(shapes, decode_, inputWidth_, inputHeight_);
    const auto parts = plan ? outputParts(*plan, shapes) : std::vector<OutputPart>{};
    if (parts.empty()) {
        std::string what;
        for (const size_t k : read_)
            what += (what.empty() ? "" : ", ") + names_[k] + " " + shapeToString(fp32[k]->shape);
        notes_.push_back(read_.size() > 1 ? "the models' " + std::to_string(read_.size()) + " outputs (" + what +
                                                ") were not read as detections; they are compared as tensors"
                                          : "output '" + (read_.empty() ? names_.front() : names_[read_.front()]) +
                                                "' of shape " +
                                                (read_.empty() ? std::string("?") : shapeToString(fp32[read_.front()]->shape)) +
                                                " was not read as detections (no known detector layout fits); it is "
                                                "compared as a tensor");
        read_.clear();
        return;
    }
    layout_ = plan->layout;
    // The plan's outputs, in its order, as indices into the model's outputs.
    std::vector<size_t> ordered;
    for (const size_t k : plan->outputs)
        ordered.push_back(read_[k]);
    read_ = std::move(ordered);
    const float inf = std::numeric_limits<float>::infinity();
    for (auto part : parts) {
        part.output = read_[std::find(plan->outputs.begin(), plan->outputs.end(), part.output) - plan->outputs.begin()];
        auto same = std::find_if(parts_.begin(), parts_.end(), [&](const PartAccumulator& a) { return a.kind == part.kind; });
        if (same == parts_.end())
            parts_.push_back({part.kind, {part}, {}, inf, -inf, inf, -inf});
        else
            same->pieces.push_back(part);
    }
    fidelity_.emplace(decode_.confidence);
}

void OutputComparer::add(const std::vector<const TensorView*>& fp32, const std::vector<const TensorView*>& quantized,
                         const LetterboxTransform& transform, const std::string& image) {
    for (size_t k = 0; k < whole_.size() && k < fp32.size() && k < quantized.size(); ++k) {
        const TensorView& f = *fp32[k];
        const TensorView& q = *quantized[k];
        if (f.data && q.data && f.size == q.size && f.shape == q.shape)
            whole_[k].add(f.data, q.data, f.size);
    }
    if (fp32.empty() || quantized.empty())
        return;
    if (!layoutChosen_)
        chooseLayout(fp32);
    if (parts_.empty())
        return;
    std::vector<const TensorView*> fRead, qRead;
    for (const size_t k : read_) {
        if (k >= fp32.size() || k >= quantized.size())
            return;
        const TensorView& f = *fp32[k];
        const TensorView& q = *quantized[k];
        if (!f.data || !q.data || f.shape != q.shape)
            return;
        fRead.push_back(&f);
        qRead.push_back(&q);
    }
    for (auto& acc : parts_) {
        for (const auto& piece : acc.pieces) {
            const TensorView& f = *fp32[piece.output];
            const TensorView& q = *quantized[piece.output];
            forEachRun(piece, f.shape, [&](size_t offset, size_t count) {
                acc.error.add(f.data + offset, q.data + offset, count);
                const auto [fLo, fHi] = std::minmax_element(f.data + offset, f.data + offset + count);
                const auto [qLo, qHi] = std::minmax_element(q.data + offset, q.data + offset + count);
                acc.fp32Min = std::min(acc.fp32Min, *fLo);
                acc.fp32Max = std::max(acc.fp32Max, *fHi);
                acc.quantizedMin = std::min(acc.quantizedMin, *qLo);
                acc.quantizedMax = std::max(acc.quantizedMax, *qHi);
            });
        }
    }
    DecodeOptions forMap = decode_;
    forMap.layout = layout_;
    forMap.confidence = std::min(decode_.confidence, kMapConfidence);
    const YoloDecoder decoder(forMap, inputWidth_, inputHeight_);
    auto fd = decoder.decode(fRead, transform);
    auto qd = decoder.decode(qRead, transform);
    if (!fd || !qd) {
        notes_.push_back("detections could not be decoded: " + (fd ? qd.errorMessage() : fd.errorMessage()));
        parts_.clear();
        fidelity_.reset();
        return;
    }
    fidelity_->add(*fd, *qd, image);
}

std::vector<OutputError> OutputComparer::outputs() const {
    std::vector<OutputError> out;
    for (size_t k = 0; k < names_.size(); ++k) {
        OutputError e;
        e.name = names_[k];
        e.metrics = whole_[k].result();
        // A head's parts are reported with the first output it reads (all of them for a
        // multi-output head: boxes of every level together, class scores together).
        if (!parts_.empty() && !read_.empty() && k == read_.front()) {
            e.layout = layoutName(layout_);
            for (const auto& acc : parts_) {
                e.parts.push_back({acc.kind, acc.error.result(), acc.fp32Min, acc.fp32Max, acc.quantizedMin,
                                   acc.quantizedMax});
                if (acc.kind != OutputPartKind::ClassScores || acc.error.count() == 0)
                    continue;
                const float shown = decode_.confidence;
                const bool probabilities = acc.fp32Min >= 0.0f && acc.fp32Max <= 1.0f;
                if (acc.quantizedMin == acc.quantizedMax && acc.fp32Min != acc.fp32Max)
                    e.failures.push_back("class scores collapse: every quantized score is " + number(acc.quantizedMax) +
                                         " (FP32 " + number(acc.fp32Min) + " to " + number(acc.fp32Max) + ")");
                else if (probabilities && acc.fp32Max >= shown && acc.quantizedMax < shown)
                    e.failures.push_back("class scores collapse: no quantized score reaches the " + number(shown) +
                                         " threshold (highest " + number(acc.quantizedMax) + "; FP32 " +
                                         number(acc.fp32Max) + ")");
            }
        }
        out.push_back(std::move(e));
    }
    return out;
}

std::optional<DetectionFidelity> OutputComparer::fidelity() const {
    if (!fidelity_)
        return std::nullopt;
    return fidelity_->result();
}

}  // namespace ql
