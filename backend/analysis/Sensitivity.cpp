#include "analysis/Sensitivity.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <memory>
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
    std::shared_ptr<InferenceSession> session;
    Score score;
    uint64_t modelBytes = 0;
};

// The FP32 model's outputs (and detections) on each image, and the labels' boxes, kept to score
// every candidate quantization.
class OutputEvaluator {
public:
    static Result<OutputEvaluator> create(const OnnxModel& fp32, const ImageSet& images, const SensitivityOptions& options) {
        OutputEvaluator e;
        e.options_ = options.session;
        e.objective_ = options.objective;
        const bool labelled = !images.labels.empty() && images.labels.size() == images.paths.size();
        e.detections_ = objectiveNeedsDetections(options.objective) || labelled;  // labels: mAP is shown whatever the objective
        e.decode_ = options.decode;
        e.inputName_ = fp32.graph().inputs().front();
        if (options.objective == Objective::BoxRecovery) {
            size_t boxes = 0;
            for (const auto& t : images.targets)
                boxes += t.size();
            if (images.targets.size() != images.paths.size() || boxes == 0)
                return Error{"the objective box-recovery needs the FP32 boxes to bring back on each image: none were given"};
            e.targets_ = images.targets;
        }
        if (objectiveNeedsLabels(options.objective) && images.labels.size() != images.paths.size())
            return Error{"the objective " + objectiveName(options.objective) +
                         " is mAP against labels: give a dataset with labels (--data), or choose sqnr, fidelity50 or "
                         "fidelity50-95"};
        if (e.detections_ && fp32.graph().outputs().size() != 1) {
            std::string names;
            for (const auto& o : fp32.graph().outputs())
                names += (names.empty() ? "" : ", ") + o;
            return Error{fp32.displayName() + " has " + std::to_string(fp32.graph().outputs().size()) +
                         " outputs (" + names + "); detection fidelity and mAP read one detector output, so they cannot "
                         "be the objective here: use the output SQNR"};
        }
        auto session = InferenceSession::fromBytes(*fp32.serialize(), fp32.displayName(), options.session);
        if (!session)
            return session.error();
        const ImagePreprocessor pre(options.preprocess);
        for (size_t i = 0; i < images.paths.size(); ++i) {
            const std::string& path = images.paths[i];
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
            if (e.detections_) {
                auto dets = e.decoder(e.decode_.confidence, image->shape).decode(out->view(0), image->transform);
                if (!dets)
                    return Error{"detection fidelity and mAP need a detector: " + path + ": " + dets.errorMessage()};
                e.referenceDetections_.push_back(std::move(dets).value());
            }
            if (labelled) {
                std::vector<Detection> boxes;
                for (const auto& l : images.labels[i])
                    boxes.push_back(l.toDetection(image->transform.originalWidth, image->transform.originalHeight));
                e.labelBoxes_.push_back(std::move(boxes));
            }
            e.inputs_.push_back(std::move(image).value());
            e.reference_.push_back(std::move(outputs));
        }
        return e;
    }

    Result<Candidate> evaluate(const OnnxModel& model) const {
        auto bytes = model.serialize();
        if (!bytes)
            return bytes.error();
        auto session = InferenceSession::fromBytes(*bytes, model.displayName(), options_);
        if (!session)
            return session.error();
        auto shared = std::make_shared<InferenceSession>(std::move(session).value());
        auto score = scoreOf(*shared);
        if (!score)
            return score.error();
        return Candidate{std::move(shared), *score, static_cast<uint64_t>(bytes->size())};
    }

    size_t imageCount() const { return inputs_.size(); }

    // On the first `count` images (all when 0).
    Result<Score> scoreOf(InferenceSession& session, size_t count = 0) const {
        const size_t n = count ? std::min(count, inputs_.size()) : inputs_.size();
        ErrorAccumulator acc;
        MapEvaluator fidelity, accuracy;
        Score s;
        for (size_t i = 0; i < n; ++i) {
            const PreparedImage& image = inputs_[i];
            auto out = session.run({{inputName_, image.shape, image.tensor.data(), image.tensor.size()}});
            if (!out)
                return out.error();
            for (size_t k = 0; k < reference_[i].size() && k < out->names().size(); ++k) {
                const TensorView& v = out->view(k);
                if (v.data && v.size == reference_[i][k].size())
                    acc.add(reference_[i][k].data(), v.data, v.size);
            }
            if (detections_) {  // every prediction above 0.001, as COCO evaluation ranks them
                auto dets = decoder(0.001f, image.shape).decode(out->view(0), image.transform);
                if (!dets)
                    return dets.error();
                if (!labelBoxes_.empty()) {
                    accuracy.addImage(*dets, labelBoxes_[i]);
                    s.referenceBoxes += labelBoxes_[i].size();
                } else {
                    s.referenceBoxes += referenceDetections_[i].size();
                }
                if (!targets_.empty())
                    recoverBoxes(i, *dets, s);
                fidelity.addImage(std::move(dets).value(), referenceDetections_[i]);
            }
        }
        s.images = n;
        if (!s.boxes.empty()) {
            double sum = 0.0;
            for (const auto& b : s.boxes)
                sum += b.recovery;
            s.boxRecovery = sum / static_cast<double>(s.boxes.size());
        }
        s.output = acc.result();
        if (detections_) {
            const MapResult f = fidelity.result();
            s.fidelityMap50 = f.map50;
            s.fidelityMap50to95 = f.map50to95;
            if (!labelBoxes_.empty()) {
                const MapResult m = accuracy.result();
                s.map50 = m.map50;
                s.map50to95 = m.map50to95;
            }
        }
        return s;
    }

    // Latency on the first image, with its spread: the cost side of the trade-off.
    Result<LatencyStats> latency(InferenceSession& session, int warmup, int runs) const {
        const PreparedImage& image = inputs_.front();
        return measureLatency(session, {inputName_, image.shape, image.tensor.data(), image.tensor.size()}, warmup, runs);
    }

private:
    // Each target box of image `i`: the same-class detection with the highest score x IoU with it
    // (detections at confidence 0.001, after NMS), as a fraction of its FP32 score, capped at 1 so
    // a box scored higher than FP32 cannot hide another one lost.
    void recoverBoxes(size_t i, const std::vector<Detection>& dets, Score& s) const {
        for (size_t t = 0; t < targets_[i].size(); ++t) {
            const Detection& target = targets_[i][t];
            RecoveredBox r;
            r.image = i;
            r.target = t;
            double best = 0.0;
            for (const auto& d : dets) {
                if (d.classId != target.classId)
                    continue;
                const float overlap = iou(d.box, target.box);
                if (static_cast<double>(d.score) * overlap > best) {
                    best = static_cast<double>(d.score) * overlap;
                    r.score = d.score;
                    r.iou = overlap;
                }
            }
            r.recovery = target.score > 0.0f ? std::min(1.0, best / static_cast<double>(target.score)) : 0.0;
            s.boxes.push_back(r);
        }
    }

    // For an input of `shape` (NCHW): the layout is checked against that size's anchor grids.
    YoloDecoder decoder(float confidence, const std::vector<int64_t>& shape) const {
        DecodeOptions d = decode_;
        d.confidence = confidence;
        return YoloDecoder(d, shape.size() == 4 ? static_cast<int>(shape[3]) : 0, shape.size() == 4 ? static_cast<int>(shape[2]) : 0);
    }

    SessionOptions options_;
    Objective objective_ = Objective::OutputSqnr;
    bool detections_ = false;
    DecodeOptions decode_;
    std::vector<std::vector<Detection>> referenceDetections_;  // FP32's, at the shown confidence
    std::vector<std::vector<Detection>> labelBoxes_;           // per image, original pixels
    std::vector<std::vector<Detection>> targets_;              // BoxRecovery: per image, original pixels
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

std::vector<std::string> withNodes(std::vector<std::string> list, const std::vector<std::string>& more) {
    const std::set<std::string> have(list.begin(), list.end());
    for (const auto& n : more)
        if (!have.count(n))
            list.push_back(n);
    return list;
}

// The real evaluator: quantizes with the list, scores on the scoring images, keeps the sessions
// of the latest step's candidates so that the chosen one is not made twice.
class ModelExclusionEvaluator : public ExclusionEvaluator {
public:
    ModelExclusionEvaluator(const OnnxModel& fp32, const CalibrationData& calibration, QuantizerSettings settings,
                            const OutputEvaluator& scoring, const OutputEvaluator* validation, const SearchOptions& search)
        : fp32_(fp32), calibration_(calibration), settings_(std::move(settings)), scoring_(scoring),
          validation_(validation), search_(search) {}

    Result<Score> score(const std::vector<std::string>& excluded) override {
        auto c = candidate(excluded);
        if (!c)
            return c.error();
        return c->score;
    }

    // The same list with other TensorQuantOverrides (Suggest's INT16 step).
    Result<Score> scoreWith(const std::vector<std::string>& excluded, const nlohmann::json& overrides) {
        QuantizerSettings s = settings_;
        s.nodesToExclude = excluded;
        s.tensorQuantOverrides = overrides;
        auto c = evaluateSettings(fp32_, calibration_, s, scoring_);
        if (!c)
            return c.error();
        return c->score;
    }

    Status measure(const std::vector<std::string>& excluded, SuggestionStep& step) override {
        auto c = candidate(excluded);
        if (!c)
            return c.error();
        if (validation_) {
            auto v = validation_->scoreOf(*c->session);
            if (!v)
                return v.error();
            step.validation = *v;
        }
        auto l = scoring_.latency(*c->session, search_.latencyWarmup, search_.latencyRuns);
        if (!l)
            return l.error();
        step.latency = *l;
        step.latencyMs = l->medianMs;
        step.modelBytes = c->modelBytes;
        return Ok{};
    }

private:
    Result<Candidate> candidate(const std::vector<std::string>& excluded) {
        std::vector<std::string> key = excluded;
        std::sort(key.begin(), key.end());
        for (const auto& [k, c] : recent_)
            if (k == key)
                return c;
        QuantizerSettings s = settings_;
        s.nodesToExclude = excluded;
        auto c = evaluateSettings(fp32_, calibration_, s, scoring_);
        if (!c)
            return c.error();
        recent_.emplace_back(std::move(key), *c);
        if (recent_.size() > search_.candidatesPerStep + 2)  // sessions hold memory: the latest step's only
            recent_.pop_front();
        return c;
    }

    const OnnxModel& fp32_;
    const CalibrationData& calibration_;
    QuantizerSettings settings_;
    const OutputEvaluator& scoring_;
    const OutputEvaluator* validation_;
    SearchOptions search_;
    std::deque<std::pair<std::vector<std::string>, Candidate>> recent_;
};

// Tails longer than this are not candidates: a float tail of the whole backbone is no suggestion.
constexpr size_t kMaxTailNodes = 24;

// Ranks entries: objective gain first, output SQNR gain when the objective does not tell them
// apart (a collapsed detector scores 0 mAP whatever is left float, but its outputs still move).
void rankEntries(std::vector<SensitivityEntry>& entries, double minGain) {
    std::stable_sort(entries.begin(), entries.end(), [minGain](const SensitivityEntry& a, const SensitivityEntry& b) {
        if (std::fabs(a.gain - b.gain) > minGain)
            return a.gain > b.gain;
        return a.sqnrGain > b.sqnrGain;
    });
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

namespace {

// "Left float" for each group: the report's entries, ranked, with their depth.
Status scoreGroups(const OnnxModel& fp32, const CalibrationData& calibration, const QuantizerSettings& settings,
                   const OutputEvaluator& evaluator, const SensitivityOptions& options,
                   const std::vector<std::pair<std::string, std::vector<std::string>>>& groups, int depth,
                   SensitivityReport& report, const TaskControl& control, size_t& done, size_t total) {
    for (const auto& [group, nodes] : groups) {
        if (control.cancelled())
            return cancelledError();
        control.report(done++, total, group);
        SensitivityEntry entry;
        entry.group = group;
        entry.nodes = nodes;
        entry.depth = depth;
        QuantizerSettings leftFloat = settings;
        leftFloat.nodesToExclude = withNodes(leftFloat.nodesToExclude, entry.nodes);
        auto m = scoreSettings(fp32, calibration, leftFloat, evaluator);
        if (!m)
            return m.error();
        entry.leftFloat = *m;
        entry.gain = m->value(options.objective) - report.baseline.value(options.objective);
        entry.sqnrGain = m->output.sqnrDb - report.baseline.output.sqnrDb;
        if (!std::isfinite(entry.sqnrGain))
            entry.sqnrGain = std::isinf(m->output.sqnrDb) && m->output.sqnrDb > 0 ? 1e9 : 0.0;
        if (options.quantizedOnly) {
            QuantizerSettings only = settings;
            only.nodesToQuantize = entry.nodes;
            auto o = scoreSettings(fp32, calibration, only, evaluator);
            if (!o)
                return o.error();
            entry.onlyQuantized = *o;
        }
        report.entries.push_back(std::move(entry));
    }
    return Ok{};
}

}  // namespace

std::string objectiveName(Objective objective) {
    switch (objective) {
    case Objective::OutputSqnr: return "sqnr";
    case Objective::DetectionFidelity: return "fidelity50";
    case Objective::Fidelity50to95: return "fidelity50-95";
    case Objective::Map50: return "map50";
    case Objective::Map50to95: return "map50-95";
    case Objective::BoxRecovery: return "box-recovery";
    }
    return "sqnr";
}

std::string objectiveLabel(Objective objective) {
    switch (objective) {
    case Objective::OutputSqnr: return "output SQNR (dB)";
    case Objective::DetectionFidelity: return "detection fidelity mAP@0.5";
    case Objective::Fidelity50to95: return "detection fidelity mAP@0.5:0.95";
    case Objective::Map50: return "mAP@0.5 against labels";
    case Objective::Map50to95: return "mAP@0.5:0.95 against labels";
    case Objective::BoxRecovery: return "FP32 boxes recovered (score x IoU / FP32 score)";
    }
    return {};
}

Result<Objective> parseObjective(const std::string& name) {
    for (const Objective o : {Objective::OutputSqnr, Objective::DetectionFidelity, Objective::Fidelity50to95,
                              Objective::Map50, Objective::Map50to95})
        if (objectiveName(o) == name)
            return o;
    return Error{"unknown objective '" + name + "': sqnr, fidelity50, fidelity50-95, map50 or map50-95"};
}

bool objectiveNeedsLabels(Objective objective) {
    return objective == Objective::Map50 || objective == Objective::Map50to95;
}

bool objectiveNeedsDetections(Objective objective) { return objective != Objective::OutputSqnr; }

double defaultMinGain(Objective objective) { return objective == Objective::OutputSqnr ? 0.05 : 0.001; }

ImageSet ImageSet::slice(size_t begin, size_t count) const {
    ImageSet s;
    const size_t end = std::min(paths.size(), begin + count);
    for (size_t i = begin; i < end; ++i) {
        s.paths.push_back(paths[i]);
        if (labels.size() == paths.size())
            s.labels.push_back(labels[i]);
        if (targets.size() == paths.size())
            s.targets.push_back(targets[i]);
    }
    return s;
}

double Score::value(Objective objective) const {
    switch (objective) {
    case Objective::OutputSqnr: return output.sqnrDb;
    case Objective::DetectionFidelity: return fidelityMap50;
    case Objective::Fidelity50to95: return fidelityMap50to95;
    case Objective::Map50: return map50;
    case Objective::Map50to95: return map50to95;
    case Objective::BoxRecovery: return boxRecovery;
    }
    return 0.0;
}

Result<SensitivityReport> analyzeSensitivity(const OnnxModel& fp32, const CalibrationData& calibration,
                                             const QuantizerSettings& settings, const std::vector<std::string>& images,
                                             const SensitivityOptions& options, const TaskControl& control) {
    if (images.empty())
        return Error{"sensitivity analysis needs at least one image"};
    auto evaluator = OutputEvaluator::create(fp32, ImageSet{images, {}, {}}, options);
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
    size_t done = 0;
    if (auto st = scoreGroups(fp32, calibration, settings, *evaluator, options, groups, options.prefixDepth, report, control,
                              done, groups.size());
        !st)
        return st.error();
    control.report(groups.size(), groups.size());
    std::stable_sort(report.entries.begin(), report.entries.end(),
                     [](const SensitivityEntry& a, const SensitivityEntry& b) { return a.gain > b.gain; });
    return report;
}

Result<SensitivityReport> screenCandidates(const OnnxModel& fp32, const CalibrationData& calibration,
                                           const QuantizerSettings& settings, const ImageSet& images,
                                           const SensitivityOptions& options, int finestDepth, size_t expand,
                                           const TaskControl& control) {
    if (images.size() == 0)
        return Error{"ranking the candidates needs at least one image"};
    SensitivityOptions o = options;
    o.quantizedOnly = false;
    auto evaluator = OutputEvaluator::create(fp32, images, o);
    if (!evaluator)
        return evaluator.error();
    SensitivityReport report;
    report.objective = o.objective;
    report.imageCount = evaluator->imageCount();
    auto baseline = scoreSettings(fp32, calibration, settings, *evaluator);
    if (!baseline)
        return baseline.error();
    report.baseline = *baseline;
    const double minGain = defaultMinGain(o.objective);
    // Depths coarse to fine: 1 (modules), 2 (sub-modules), 0 (nodes); each finer level only
    // inside the best groups of the level above.
    std::vector<int> depths = {1};
    if (finestDepth == 0 || finestDepth >= 2)
        depths.push_back(2);
    if (finestDepth == 0)
        depths.push_back(0);
    std::vector<std::string> parents;  // the prefixes the next level stays inside; empty: everywhere
    std::vector<std::string> topModules;
    std::set<std::vector<std::string>> seen;  // a group with the same nodes as one scored already
    size_t done = 0;
    for (size_t level = 0; level < depths.size(); ++level) {
        const int depth = depths[level];
        std::vector<std::pair<std::string, std::vector<std::string>>> groups;
        for (auto& g : candidateGroups(fp32, settings, depth)) {
            const bool inside = level == 0 || std::any_of(parents.begin(), parents.end(), [&](const std::string& p) {
                                    return g.first.compare(0, p.size(), p) == 0;
                                });
            if (!inside || !seen.insert(g.second).second)
                continue;
            groups.push_back(std::move(g));
        }
        const size_t before = report.entries.size();
        const size_t total = done + groups.size();
        if (auto st = scoreGroups(fp32, calibration, settings, *evaluator, o, groups, depth, report, control, done, total); !st)
            return st.error();
        std::vector<SensitivityEntry> levelEntries(report.entries.begin() + static_cast<long>(before), report.entries.end());
        rankEntries(levelEntries, minGain);
        parents.clear();
        for (size_t k = 0; k < levelEntries.size() && parents.size() < expand; ++k)
            if (levelEntries[k].nodes.size() > 1)  // a single node has nothing finer inside
                parents.push_back(levelEntries[k].group);
        if (level == 0)
            topModules = parents;
        if (parents.empty())
            break;
    }
    // Tails: a node and everything after it, inside the best modules. A detector's decode chain
    // quantizes box coordinates at every node with a range of hundreds of pixels, so leaving one
    // of them float gains nothing while the next still rounds; leaving the chain float does.
    if (finestDepth == 0 && kMaxTailNodes > 0) {
        const Graph& g = fp32.graph();
        std::set<std::string> quantizable;
        for (const auto& grp : candidateGroups(fp32, settings, 0))
            quantizable.insert(grp.first);
        std::vector<std::pair<std::string, std::vector<std::string>>> tails;
        for (const auto& module : topModules)
            for (const int i : g.topologicalOrder()) {
                const std::string& name = g.node(i).name;
                if (name.compare(0, module.size(), module) != 0 || !quantizable.count(name))
                    continue;
                std::vector<std::string> tail;
                for (const int d : downstreamNodes(g, i))
                    if (quantizable.count(g.node(d).name))
                        tail.push_back(g.node(d).name);
                if (tail.size() < 2 || tail.size() > kMaxTailNodes || !seen.insert(tail).second)
                    continue;
                tails.push_back({name + " and after", std::move(tail)});
            }
        const size_t total = done + tails.size();
        if (auto st = scoreGroups(fp32, calibration, settings, *evaluator, o, tails, -1, report, control, done, total); !st)
            return st.error();
    }
    control.report(done, done);
    rankEntries(report.entries, minGain);
    return report;
}

Result<Suggestion> searchExclusions(ExclusionEvaluator& evaluator, Objective objective,
                                    const std::vector<std::string>& startExcluded,
                                    const std::vector<SensitivityEntry>& ranked, const SearchOptions& o,
                                    const TaskControl& control) {
    const double minGain = o.minGain >= 0.0 ? o.minGain : defaultMinGain(objective);
    Suggestion s;
    s.objective = objective;
    // The groups taken so far, in order; a node may belong to several (a module and one of its nodes).
    std::vector<const SensitivityEntry*> taken;
    const auto listOf = [&](const std::vector<const SensitivityEntry*>& groups) {
        std::vector<std::string> list = startExcluded;
        for (const auto* g : groups)
            list = withNodes(list, g->nodes);
        return list;
    };
    const auto makeStep = [&](SuggestionStep::Kind kind, const std::string& group, const std::vector<std::string>& list,
                              const Score& score) -> Result<SuggestionStep> {
        SuggestionStep step;
        step.kind = kind;
        step.group = group;
        step.nodes = list;
        step.excludedNodes = list.size();
        step.score = score;
        if (auto st = evaluator.measure(list, step); !st)
            return st.error();
        return step;
    };
    const auto checkValue = [&](const SuggestionStep& step) {
        return step.validation ? step.validation->value(objective) : step.score.value(objective);
    };

    auto startScore = evaluator.score(startExcluded);
    if (!startScore)
        return startScore.error();
    auto start = makeStep(SuggestionStep::Kind::Start, "", startExcluded, *startScore);
    if (!start)
        return start.error();
    s.curve.push_back(*start);
    double current = startScore->value(objective);
    double bestCheck = checkValue(*start);
    size_t bestStep = 0, bestTaken = 0, stale = 0;
    std::set<const SensitivityEntry*> used;
    s.stopReason = "it made the most steps allowed (" + std::to_string(o.maxSteps) + ")";

    // Forward: the best of the best-ranked candidates that still add nodes.
    for (size_t step = 0; step < o.maxSteps; ++step) {
        if (current >= o.target) {
            s.stopReason = "the scoring images reached the target";
            break;
        }
        if (control.cancelled())
            return cancelledError();
        control.report(step, o.maxSteps, "step " + std::to_string(step + 1));
        const std::vector<std::string> list = listOf(taken);
        const std::set<std::string> have(list.begin(), list.end());
        struct Tried {
            const SensitivityEntry* entry;
            std::vector<std::string> list;
            Score score;
            size_t added;
        };
        // The candidates to score: by their ranking gain for the nodes they would add now, the
        // ranking's own order where that gain is flat (a gain of 0 breaks no ties).
        std::vector<std::pair<const SensitivityEntry*, size_t>> order;
        for (const auto& entry : ranked) {
            if (used.count(&entry))
                continue;
            const size_t added = static_cast<size_t>(std::count_if(entry.nodes.begin(), entry.nodes.end(),
                                                                   [&](const std::string& n) { return !have.count(n); }));
            if (added > 0)
                order.emplace_back(&entry, added);
        }
        std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
            return std::max(0.0, a.first->gain) / std::pow(static_cast<double>(a.second), o.sizeExponent) >
                   std::max(0.0, b.first->gain) / std::pow(static_cast<double>(b.second), o.sizeExponent);
        });
        std::vector<Tried> tried;
        for (const auto& [entryPointer, added] : order) {
            if (tried.size() >= o.candidatesPerStep)
                break;
            const SensitivityEntry& entry = *entryPointer;
            auto trialList = withNodes(list, entry.nodes);
            auto m = evaluator.score(trialList);
            if (!m)
                return m.error();
            tried.push_back({&entry, std::move(trialList), *m, added});
        }
        // Most gain for the nodes added first: a big group must gain much more than a small one.
        const auto merit = [&](const Tried& t) {
            return (t.score.value(objective) - current) / std::pow(static_cast<double>(t.added), o.sizeExponent);
        };
        std::stable_sort(tried.begin(), tried.end(), [&](const Tried& a, const Tried& b) { return merit(a) > merit(b); });
        std::optional<SuggestionStep> accepted;
        const Tried* chosen = nullptr;
        bool overBudget = false;
        for (const auto& t : tried) {
            if (!(t.score.value(objective) > current + minGain))
                continue;
            auto m = makeStep(SuggestionStep::Kind::Added, t.entry->group, t.list, t.score);
            if (!m)
                return m.error();
            if (o.maxLatencyMs > 0.0 && m->latency.medianMs > o.maxLatencyMs) {
                overBudget = true;
                used.insert(t.entry);  // not again: it will not get faster
                continue;
            }
            accepted = std::move(m).value();
            chosen = &t;
            break;
        }
        if (!accepted) {
            s.stopReason = overBudget ? "every candidate that would gain is over the latency budget"
                                      : tried.empty() ? "no candidate is left"
                                                      : "no candidate gains more than " + std::to_string(minGain).substr(0, 6) +
                                                            " on the scoring images";
            break;
        }
        used.insert(chosen->entry);
        taken.push_back(chosen->entry);
        current = chosen->score.value(objective);
        s.curve.push_back(*accepted);
        if (checkValue(*accepted) > bestCheck + (accepted->validation ? minGain : 0.0)) {
            bestCheck = checkValue(*accepted);
            bestStep = s.curve.size() - 1;
            bestTaken = taken.size();
            stale = 0;
        } else if (accepted->validation && ++stale >= o.patience) {
            s.stopReason = "validation stopped improving (" + std::to_string(stale) + " steps without a gain over " +
                           std::to_string(minGain).substr(0, 6) + "): back to step " + std::to_string(bestStep);
            break;
        }
        if (step + 1 == o.maxSteps && current < o.target)
            break;
    }
    if (s.curve.back().validation && bestStep + 1 < s.curve.size()) {
        // Keep the list at the best validation step: later steps only fitted the scoring images.
        for (size_t k = bestStep + 1; k < s.curve.size(); ++k)
            s.curve[k].kept = false;
        taken.resize(bestTaken);
        if (s.stopReason.find("validation") == std::string::npos)
            s.stopReason += "; validation was best at step " + std::to_string(bestStep) + ", kept";
        current = s.curve[bestStep].score.value(objective);
    } else {
        current = s.curve.back().score.value(objective);
    }

    // Backward: drop every group whose removal costs no more than minGain, latest first.
    for (bool dropped = o.backward; dropped;) {
        dropped = false;
        for (size_t k = taken.size(); k-- > 0;) {
            if (control.cancelled())
                return cancelledError();
            std::vector<const SensitivityEntry*> without = taken;
            without.erase(without.begin() + static_cast<long>(k));
            const auto list = listOf(without);
            if (list.size() == listOf(taken).size()) {
                // Every node of the group is in later groups too: the same model, nothing to measure.
                const SuggestionStep* previous = nullptr;
                for (const auto& step : s.curve)
                    if (step.kept)
                        previous = &step;
                SuggestionStep same = *previous;
                same.kind = SuggestionStep::Kind::Dropped;
                same.group = taken[k]->group;
                same.nodes = list;
                s.curve.push_back(std::move(same));
                taken = std::move(without);
                dropped = true;
                break;
            }
            auto m = evaluator.score(list);
            if (!m)
                return m.error();
            if (m->value(objective) < current - minGain)
                continue;
            auto step = makeStep(SuggestionStep::Kind::Dropped, taken[k]->group, list, *m);
            if (!step)
                return step.error();
            s.curve.push_back(*step);
            taken = std::move(without);
            current = m->value(objective);
            dropped = true;
            break;
        }
    }
    control.report(o.maxSteps, o.maxSteps);
    s.nodesToExclude = listOf(taken);
    const SuggestionStep* last = nullptr;
    for (const auto& step : s.curve)
        if (step.kept)
            last = &step;
    s.reachedTarget = checkValue(*last) >= o.target;
    return s;
}

Result<Suggestion> suggestExclusions(const OnnxModel& fp32, const CalibrationData& calibration,
                                     const QuantizerSettings& settings, const ImageSet& scoring,
                                     const ImageSet& validation, const SensitivityOptions& options,
                                     const SensitivityReport& ranking, const SearchOptions& search,
                                     const std::vector<std::string>* compareWith, const TaskControl& control) {
    if (scoring.size() == 0)
        return Error{"Suggest needs at least one image to score candidates on"};
    auto scoringEvaluator = OutputEvaluator::create(fp32, scoring, options);
    if (!scoringEvaluator)
        return scoringEvaluator.error();
    std::optional<OutputEvaluator> validationEvaluator;
    if (validation.size() > 0) {
        auto v = OutputEvaluator::create(fp32, validation, options);
        if (!v)
            return v.error();
        validationEvaluator = std::move(v).value();
    }
    ModelExclusionEvaluator evaluator(fp32, calibration, settings, *scoringEvaluator,
                                      validationEvaluator ? &*validationEvaluator : nullptr, search);
    auto s = searchExclusions(evaluator, options.objective, settings.nodesToExclude, ranking.entries, search, control);
    if (!s)
        return s.error();
    // Too few images or boxes to tell candidates apart: say so rather than let a fit pass for a gain.
    const Score& start = s->curve.front().score;
    const bool boxes = options.objective == Objective::BoxRecovery;  // aimed at chosen boxes: BoxFix warns
    if (!boxes && scoring.size() < 16)
        s->warnings.push_back("only " + std::to_string(scoring.size()) +
                              " scoring images: differences between candidates may be noise; score on 32 or more");
    if (!boxes && objectiveNeedsDetections(options.objective) && start.referenceBoxes < 100)
        s->warnings.push_back("the scoring images hold only " + std::to_string(start.referenceBoxes) +
                              (objectiveNeedsLabels(options.objective) ? " labelled boxes" : " FP32 detections") +
                              ": mAP moves in coarse steps; score on more images");
    if (!validationEvaluator && !boxes)
        s->warnings.push_back("no validation images: nothing checks that the list holds beyond the scoring images");
    if (search.tryInt16 && !s->nodesToExclude.empty()) {
        // The groups the search added and kept, in order, without the user's own exclusions.
        const std::set<std::string> own(settings.nodesToExclude.begin(), settings.nodesToExclude.end());
        const std::set<std::string> final(s->nodesToExclude.begin(), s->nodesToExclude.end());
        std::vector<std::pair<std::string, std::vector<std::string>>> groups;
        std::set<std::string> previous(s->curve.front().nodes.begin(), s->curve.front().nodes.end());
        for (const auto& step : s->curve) {
            std::vector<std::string> added;
            for (const auto& n : step.nodes)
                if (!previous.count(n) && final.count(n) && !own.count(n))
                    added.push_back(n);
            if (step.kind == SuggestionStep::Kind::Added && !added.empty())
                groups.emplace_back(step.group, added);
            previous = std::set<std::string>(step.nodes.begin(), step.nodes.end());
        }
        const double minGain = search.minGain >= 0 ? search.minGain : defaultMinGain(options.objective);
        auto floatScore = evaluator.score(s->nodesToExclude);
        if (!floatScore)
            return floatScore.error();
        s->floatScore = *floatScore;
        double current = floatScore->value(options.objective);
        std::vector<std::string> floatNodes = s->nodesToExclude;
        nlohmann::json overrides = settings.tensorQuantOverrides.is_object() ? settings.tensorQuantOverrides : nlohmann::json::object();
        for (const auto& [group, nodes] : groups) {
            std::vector<std::string> rest;
            for (const auto& n : floatNodes)
                if (std::find(nodes.begin(), nodes.end(), n) == nodes.end())
                    rest.push_back(n);
            QuantizerSettings wide = settings;
            wide.tensorQuantOverrides = overrides;
            nlohmann::json tried = overrides;
            const nlohmann::json added = int16Overrides(fp32.graph(), nodes, wide);
            for (const auto& [tensor, entry] : added.items())
                tried[tensor] = entry;
            auto sc = evaluator.scoreWith(rest, tried);
            if (!sc) {
                s->warnings.push_back("INT16 for " + group + " could not be measured: " + sc.errorMessage());
                continue;
            }
            if (sc->value(options.objective) >= current - minGain) {
                floatNodes = rest;
                overrides = tried;
                current = sc->value(options.objective);
                s->groupsInt16.push_back(group);
                s->nodesInt16.insert(s->nodesInt16.end(), nodes.begin(), nodes.end());
                s->int16Score = *sc;
            }
        }
        s->nodesToExclude = floatNodes;
        s->tensorQuantOverrides = overrides;
    }
    if (compareWith) {
        QuantizerSettings theirs = settings;
        theirs.nodesToExclude = withNodes(settings.nodesToExclude, *compareWith);
        auto m = evaluator.score(theirs.nodesToExclude);
        if (!m)
            return m.error();
        SuggestionStep step;
        step.kind = SuggestionStep::Kind::Compared;
        step.nodes = theirs.nodesToExclude;
        step.excludedNodes = step.nodes.size();
        step.score = *m;
        if (auto st = evaluator.measure(step.nodes, step); !st)
            return st.error();
        s->compared = std::move(step);
    }
    return s;
}

Result<Suggestion> suggestExclusions(const OnnxModel& fp32, const CalibrationData& calibration, const QuantizerSettings& settings,
                                     const std::vector<std::string>& images, const SensitivityOptions& options,
                                     const SensitivityReport& ranking, double target, size_t maxSteps, size_t perStep,
                                     const TaskControl& control) {
    SearchOptions search;
    search.target = target;
    search.maxSteps = maxSteps;
    search.candidatesPerStep = perStep;
    return suggestExclusions(fp32, calibration, settings, ImageSet{images, {}, {}}, ImageSet{}, options, ranking, search, nullptr,
                             control);
}

nlohmann::json int16Overrides(const Graph& graph, const std::vector<std::string>& nodes, const QuantizerSettings& settings) {
    nlohmann::json out = nlohmann::json::object();
    const std::string activation = isSigned(settings.activationType) ? "QInt16" : "QUInt16";
    auto isFloat = [&](const std::string& t) {
        const TensorInfo* info = graph.tensorInfo(t);
        return info && info->elementType == onnx::TensorProto::FLOAT;
    };
    auto put = [&](const std::string& t, nlohmann::json entry) {
        if (t.empty() || out.contains(t) || (settings.tensorQuantOverrides.is_object() && settings.tensorQuantOverrides.contains(t)))
            return;
        out[t] = nlohmann::json::array({std::move(entry)});
    };
    for (const auto& name : nodes) {
        const int index = graph.findNode(name);
        if (index < 0)
            continue;
        const Node& n = graph.node(index);
        for (size_t i = 0; i < n.inputs.size(); ++i) {
            const std::string& t = n.inputs[i];
            if (const onnx::TensorProto* init = graph.initializer(t)) {
                const bool weight = ((n.opType == "Conv" || n.opType == "ConvTranspose" || n.opType == "Gemm") && i == 1) ||
                                    n.opType == "MatMul";
                if (!weight || init->data_type() != onnx::TensorProto::FLOAT)
                    continue;
                nlohmann::json e = {{"quant_type", "QInt16"}};
                if (settings.perChannel && init->dims_size() > 1) {
                    // The axis the quantizer would use, kept per channel (a per-tensor override would not be).
                    int64_t axis = n.opType == "ConvTranspose" ? 1 : 0;
                    if (n.opType == "Gemm") {
                        axis = 1;
                        for (const auto& a : n.proto->attribute())
                            if (a.name() == "transB" && a.i() != 0)
                                axis = 0;
                    }
                    if (n.opType == "MatMul")
                        axis = init->dims_size() - 1;
                    e["axis"] = axis;
                }
                put(t, e);
            } else if (isFloat(t)) {
                put(t, {{"quant_type", activation}});
            }
        }
        for (const auto& t : n.outputs)
            if (isFloat(t))
                put(t, {{"quant_type", activation}});
    }
    return out;
}

}  // namespace ql
