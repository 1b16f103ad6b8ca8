#include "analysis/Sensitivity.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "detect/Latency.h"
#include "detect/MapEvaluator.h"
#include "model/Subgraphs.h"
#include "quantize/QdqQuantizer.h"
#include "runtime/InferenceSession.h"

namespace ql {
namespace {

// A quantization scored; its session is kept so the chosen one can also be timed.
struct Candidate {
    InferenceSession session;
    Score score;
};

// The FP32 model's outputs on each image, kept to score every candidate quantization.
class OutputEvaluator {
public:
    static Result<OutputEvaluator> create(const OnnxModel& fp32, const std::vector<std::string>& images,
                                          const SensitivityOptions& options) {
        OutputEvaluator e;
        e.options_ = options.session;
        e.fidelity_ = options.objective == Objective::DetectionFidelity;
        e.decode_ = options.decode;
        e.inputName_ = fp32.graph().inputs().front();
        if (e.fidelity_ && fp32.graph().outputs().size() != 1) {
            std::string names;
            for (const auto& o : fp32.graph().outputs())
                names += (names.empty() ? "" : ", ") + o;
            return Error{fp32.displayName() + " has " + std::to_string(fp32.graph().outputs().size()) +
                         " outputs (" + names + "); detection fidelity reads one detector output, so it cannot be "
                         "the objective here: use the output SQNR"};
        }
        auto session = InferenceSession::fromBytes(*fp32.serialize(), fp32.displayName(), options.session);
        if (!session)
            return session.error();
        const ImagePreprocessor pre(options.preprocess);
        for (const auto& path : images) {
            auto image = pre.prepare(path);
            if (!image)
                return image.error();
            auto out = session->run({{e.inputName_, image->shape, image->tensor.data(), image->tensor.size()}});
            if (!out)
                return out.error();
            std::vector<std::vector<float>> outputs;
            for (size_t k = 0; k < out->names().size(); ++k) {
                const TensorView& v = out->view(k);
                outputs.emplace_back(v.data, v.data ? v.data + v.size : v.data);
            }
            if (e.fidelity_) {
                auto dets = e.decoder(e.decode_.confidence, image->shape).decode(out->view(0), image->transform);
                if (!dets)
                    return Error{"detection fidelity needs a detector: " + dets.errorMessage()};
                e.referenceDetections_.push_back(std::move(dets).value());
            }
            e.inputs_.push_back(std::move(image).value());
            e.reference_.push_back(std::move(outputs));
        }
        return e;
    }

    Result<Candidate> evaluate(const OnnxModel& model) const {
        auto session = sessionFor(model);
        if (!session)
            return session.error();
        auto score = scoreOf(*session);
        if (!score)
            return score.error();
        return Candidate{std::move(session).value(), *score};
    }

    size_t imageCount() const { return inputs_.size(); }

    // Median latency on the first image: the cost side of the trade-off.
    Result<double> latencyMs(InferenceSession& session) const {
        const PreparedImage& image = inputs_.front();
        auto stats = measureLatency(session, {inputName_, image.shape, image.tensor.data(), image.tensor.size()}, 1, 5);
        if (!stats)
            return stats.error();
        return stats->medianMs;
    }

private:
    Result<Score> scoreOf(InferenceSession& session) const {
        ErrorAccumulator acc;
        MapEvaluator fidelity;
        for (size_t i = 0; i < inputs_.size(); ++i) {
            const PreparedImage& image = inputs_[i];
            auto out = session.run({{inputName_, image.shape, image.tensor.data(), image.tensor.size()}});
            if (!out)
                return out.error();
            for (size_t k = 0; k < reference_[i].size() && k < out->names().size(); ++k) {
                const TensorView& v = out->view(k);
                if (v.data && v.size == reference_[i][k].size())
                    acc.add(reference_[i][k].data(), v.data, v.size);
            }
            if (fidelity_) {  // every prediction above 0.001, as COCO evaluation ranks them
                auto dets = decoder(0.001f, image.shape).decode(out->view(0), image.transform);
                if (!dets)
                    return dets.error();
                fidelity.addImage(std::move(dets).value(), referenceDetections_[i]);
            }
        }
        Score s;
        s.output = acc.result();
        if (fidelity_)
            s.fidelityMap50 = fidelity.result().map50;
        return s;
    }

    Result<InferenceSession> sessionFor(const OnnxModel& model) const {
        auto bytes = model.serialize();
        if (!bytes)
            return bytes.error();
        return InferenceSession::fromBytes(*bytes, model.displayName(), options_);
    }

    // For an input of `shape` (NCHW): the layout is checked against that size's anchor grids.
    YoloDecoder decoder(float confidence, const std::vector<int64_t>& shape) const {
        DecodeOptions d = decode_;
        d.confidence = confidence;
        return YoloDecoder(d, shape.size() == 4 ? static_cast<int>(shape[3]) : 0, shape.size() == 4 ? static_cast<int>(shape[2]) : 0);
    }

    SessionOptions options_;
    bool fidelity_ = false;
    DecodeOptions decode_;
    std::vector<std::vector<Detection>> referenceDetections_;
    std::string inputName_;
    std::vector<PreparedImage> inputs_;
    std::vector<std::vector<std::vector<float>>> reference_;
};

Result<Candidate> evaluateSettings(const OnnxModel& fp32, const CalibrationData& calibration,
                                   const QuantizerSettings& settings, const OutputEvaluator& evaluator) {
    auto q = quantizeQdq(fp32, calibration, settings);
    if (!q)
        return q.error();
    return evaluator.evaluate(q->model);
}

Result<Score> scoreSettings(const OnnxModel& fp32, const CalibrationData& calibration, const QuantizerSettings& settings,
                            const OutputEvaluator& evaluator) {
    auto candidate = evaluateSettings(fp32, calibration, settings, evaluator);
    if (!candidate)
        return candidate.error();
    return candidate->score;
}

}  // namespace

std::vector<std::pair<std::string, std::vector<std::string>>> candidateGroups(const OnnxModel& fp32,
                                                                              const QuantizerSettings& settings, int depth) {
    const auto& ops = settings.opTypesToQuantize.empty() ? defaultOpTypesToQuantize() : settings.opTypesToQuantize;
    const std::set<std::string> opSet(ops.begin(), ops.end());
    const std::set<std::string> excluded(settings.nodesToExclude.begin(), settings.nodesToExclude.end());
    const std::set<std::string> only(settings.nodesToQuantize.begin(), settings.nodesToQuantize.end());
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    std::map<std::string, size_t> index;
    const Graph& g = fp32.graph();
    for (const int i : g.topologicalOrder()) {
        const Node& n = g.node(i);
        if (n.name.empty() || !opSet.count(n.opType) || excluded.count(n.name) || (!only.empty() && !only.count(n.name)))
            continue;
        const std::string group = modulePrefix(n.name, depth);
        auto [it, fresh] = index.emplace(group, groups.size());
        if (fresh)
            groups.push_back({group, {}});
        groups[it->second].second.push_back(n.name);
    }
    return groups;
}

Result<SensitivityReport> analyzeSensitivity(const OnnxModel& fp32, const CalibrationData& calibration,
                                             const QuantizerSettings& settings, const std::vector<std::string>& images,
                                             const SensitivityOptions& options, const TaskControl& control) {
    if (images.empty())
        return Error{"sensitivity analysis needs at least one image"};
    auto evaluator = OutputEvaluator::create(fp32, images, options);
    if (!evaluator)
        return evaluator.error();
    SensitivityReport report;
    report.objective = options.objective;
    report.imageCount = evaluator->imageCount();
    auto baseline = scoreSettings(fp32, calibration, settings, *evaluator);
    if (!baseline)
        return baseline.error();
    report.baseline = *baseline;
    const auto groups = candidateGroups(fp32, settings, options.prefixDepth);
    for (size_t k = 0; k < groups.size(); ++k) {
        if (control.cancelled())
            return Error{"cancelled"};
        control.report(k, groups.size(), groups[k].first);
        SensitivityEntry entry;
        entry.group = groups[k].first;
        entry.nodes = groups[k].second;
        QuantizerSettings leftFloat = settings;
        leftFloat.nodesToExclude.insert(leftFloat.nodesToExclude.end(), entry.nodes.begin(), entry.nodes.end());
        auto m = scoreSettings(fp32, calibration, leftFloat, *evaluator);
        if (!m)
            return m.error();
        entry.leftFloat = *m;
        entry.gain = m->value(options.objective) - report.baseline.value(options.objective);
        if (options.quantizedOnly) {
            QuantizerSettings only = settings;
            only.nodesToQuantize = entry.nodes;
            auto o = scoreSettings(fp32, calibration, only, *evaluator);
            if (!o)
                return o.error();
            entry.onlyQuantized = *o;
        }
        report.entries.push_back(std::move(entry));
    }
    control.report(groups.size(), groups.size());
    std::stable_sort(report.entries.begin(), report.entries.end(),
                     [](const SensitivityEntry& a, const SensitivityEntry& b) { return a.gain > b.gain; });
    return report;
}

Result<Suggestion> suggestExclusions(const OnnxModel& fp32, const CalibrationData& calibration, const QuantizerSettings& settings,
                                     const std::vector<std::string>& images, const SensitivityOptions& options,
                                     const SensitivityReport& ranking, double target, size_t maxSteps, size_t perStep,
                                     const TaskControl& control) {
    auto evaluator = OutputEvaluator::create(fp32, images, options);
    if (!evaluator)
        return evaluator.error();
    Suggestion s;
    QuantizerSettings current = settings;
    auto start = evaluateSettings(fp32, calibration, current, *evaluator);
    if (!start)
        return start.error();
    auto startLatency = evaluator->latencyMs(start->session);
    if (!startLatency)
        return startLatency.error();
    s.curve.push_back({"", current.nodesToExclude.size(), start->score, *startLatency});
    double best = start->score.value(options.objective);
    std::set<std::string> used;
    for (size_t step = 0; step < maxSteps && best < target; ++step) {
        if (control.cancelled())
            return Error{"cancelled"};
        control.report(step, maxSteps, "step " + std::to_string(step + 1));
        const SensitivityEntry* chosen = nullptr;
        std::optional<Candidate> chosenCandidate;
        size_t tried = 0;
        for (const auto& entry : ranking.entries) {
            if (used.count(entry.group) || tried >= perStep)
                continue;
            ++tried;
            QuantizerSettings trial = current;
            trial.nodesToExclude.insert(trial.nodesToExclude.end(), entry.nodes.begin(), entry.nodes.end());
            auto m = evaluateSettings(fp32, calibration, trial, *evaluator);
            if (!m)
                return m.error();
            if (!chosen || m->score.value(options.objective) > chosenCandidate->score.value(options.objective)) {
                chosen = &entry;
                chosenCandidate.emplace(std::move(m).value());
            }
        }
        if (!chosen)
            break;
        used.insert(chosen->group);
        current.nodesToExclude.insert(current.nodesToExclude.end(), chosen->nodes.begin(), chosen->nodes.end());
        best = chosenCandidate->score.value(options.objective);
        auto latency = evaluator->latencyMs(chosenCandidate->session);
        if (!latency)
            return latency.error();
        s.curve.push_back({chosen->group, current.nodesToExclude.size(), chosenCandidate->score, *latency});
    }
    control.report(maxSteps, maxSteps);
    s.nodesToExclude = current.nodesToExclude;
    s.reachedTarget = best >= target;
    return s;
}

}  // namespace ql
