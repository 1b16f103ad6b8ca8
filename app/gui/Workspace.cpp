#include "Workspace.h"

#include "StudyDialog.h"

#include <QLocale>
#include <QDir>
#include <QFileInfo>
#include <filesystem>
#include <functional>
#include <QPointer>
#include <QtConcurrent>
#include <mutex>
#include <thread>
#include <chrono>
#include <utility>

#include "ActivationErrorModel.h"
#include "WeightErrorModel.h"
#include "analysis/ActivationComparison.h"
#include "detect/Annotator.h"
#include "detect/ClassNames.h"
#include "detect/DetectorPair.h"
#include "detect/DetectionEvaluation.h"
#include "detect/PreprocessSearch.h"
#include "detect/VideoFrames.h"
#include "model/ModelMetadata.h"
#include "project/Demo.h"
#include "ReportPdf.h"
#include "analysis/Sensitivity.h"
#include "quantize/CalibrationCache.h"
#include "report/ReportAssembly.h"
#include "report/Verdict.h"
#include "util/AtomicFile.h"
#include "quantize/ExportPreparation.h"
#include "quantize/QdqQuantizer.h"
#include "inspect/ModelPairing.h"
#include "inspect/WeightComparison.h"

namespace ql {
namespace {

// Boxes and labels in presentation mode: twice the usual lines and text, to read across a room.
constexpr double kPresentationEmphasis = 2.0;
// Frames of a video looked at for presentation mode, spread over the clip.
constexpr int kVideoFramesLooked = 120;
// A backend message about reading outputs as detections, in the app's terms: the CLI's --layout is
// the app's Analysis › Detector Head.
QString inAppTerms(const std::string& message) {
    return QString::fromStdString(message)
        .replace(QStringLiteral("--layout"), Workspace::tr("Analysis \u203a Detector Head"))
        .replace(QStringLiteral("add --upgrade-opset 13"),
                 Workspace::tr("set “Convert to opset” to 13 in Analysis \u203a Quantization Settings"));
}


// Outputs whose shapes fit a detector head for the model's input size (one or several heads).
bool isDetector(const OnnxModel& model) {
    const Graph& g = model.graph();
    std::vector<std::vector<int64_t>> shapes;
    for (const auto& output : g.outputs()) {
        const TensorInfo* info = g.tensorInfo(output);
        if (!info || !info->hasShape)
            return false;
        shapes.push_back(info->shape);
    }
    const PreprocessOptions input = PreprocessOptions::forModel(model);
    return !shapes.empty() && !fittingLayouts(shapes, input.width, input.height).empty();
}

struct LoadOutcome {
    std::shared_ptr<const Workspace::LoadedModel> model;
    QString error;
};

LoadOutcome loadInBackground(const QString& path) {
    auto analyzed = AnalyzedModel::load(path.toStdString());
    if (!analyzed)
        return {nullptr, QString::fromStdString(analyzed.errorMessage())};
    ModelSummary summary = summarize(analyzed->model, analyzed->qdq);
    return {std::make_shared<const Workspace::LoadedModel>(Workspace::LoadedModel{std::move(analyzed).value(), std::move(summary)}), {}};
}

// The cancel flag and progress of work on a pool thread: progress is queued to the GUI thread and
// dropped if the workspace is gone by then.
TaskControl backgroundControl(QPointer<Workspace> self, const std::atomic<bool>* cancel) {
    TaskControl control;
    control.cancel = cancel;
    control.onProgress = [self](size_t done, size_t total, const std::string& what) {
        QMetaObject::invokeMethod(self, [self, done, total, what] {
            if (self)
                emit self->progress(static_cast<int>(done), static_cast<int>(total), QString::fromStdString(what));
        }, Qt::QueuedConnection);
    };
    return control;
}

}  // namespace

template <typename Outcome, typename Work, typename Done>
void Workspace::runInBackground(const QString& busyText, Work work, Done done) {
    ++pendingJobs_;
    emit busyChanged(true, busyText);
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, done = std::move(done)]() mutable {
        Outcome outcome = watcher->result();
        watcher->deleteLater();
        --pendingJobs_;
        done(std::move(outcome));
        if (!isBusy())
            measureNextRun();
        emit busyChanged(isBusy(), QString());
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

Workspace::Workspace(QObject* parent)
    : QObject(parent), weights_(new WeightErrorModel(this)), activations_(new ActivationErrorModel(this)),
      undo_(new QUndoStack(this)) {}

namespace {

class ToggleExclusion : public QUndoCommand {
public:
    ToggleExclusion(Workspace* w, QString node)
        : QUndoCommand(Workspace::tr("Exclude or include %1").arg(node)), workspace_(w), node_(std::move(node)) {}
    void redo() override { flip(); }
    void undo() override { flip(); }

private:
    void flip() {
        std::vector<std::string> names = workspace_->exclusions();
        const std::string node = node_.toStdString();
        if (auto it = std::find(names.begin(), names.end(), node); it != names.end())
            names.erase(it);
        else
            names.push_back(node);
        workspace_->setExclusions(std::move(names));
    }
    Workspace* workspace_;
    QString node_;
};

}  // namespace

void Workspace::setExclusions(std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    quantizerSettings_.nodesToExclude = std::move(names);
    emit exclusionsChanged();
}

bool Workspace::isExcluded(const QString& node) const {
    return std::binary_search(exclusions().begin(), exclusions().end(), node.toStdString());
}

QSet<QString> Workspace::exclusionSet() const {
    QSet<QString> names;
    for (const auto& n : exclusions())
        names.insert(QString::fromStdString(n));
    return names;
}

void Workspace::setQuantizerSettings(const QuantizerSettings& settings) {
    std::vector<std::string> excluded = std::move(quantizerSettings_.nodesToExclude);
    quantizerSettings_ = settings;
    quantizerSettings_.nodesToExclude = std::move(excluded);
}

void Workspace::toggleExclusion(const QString& node) { undo_->push(new ToggleExclusion(this, node)); }

namespace {

class ReplaceExclusions : public QUndoCommand {
public:
    ReplaceExclusions(Workspace* w, std::vector<std::string> names, const QString& text)
        : QUndoCommand(text), workspace_(w), after_(std::move(names)), before_(w->exclusions()) {}
    void redo() override { workspace_->setExclusions(after_); }
    void undo() override { workspace_->setExclusions(before_); }

private:
    Workspace* workspace_;
    std::vector<std::string> after_, before_;
};

}  // namespace

void Workspace::applyExclusions(const std::vector<std::string>& names, const QString& undoText) {
    undo_->push(new ReplaceExclusions(this, names, undoText.isEmpty() ? tr("Apply suggested exclusions") : undoText));
}

void Workspace::excludeNodes(const QStringList& names, bool exclude) {
    QSet<QString> after = exclusionSet();
    for (const QString& n : names) {
        if (exclude)
            after.insert(n);
        else
            after.remove(n);
    }
    if (after == exclusionSet())
        return;
    const int count = static_cast<int>(names.size());
    std::vector<std::string> list;
    for (const QString& n : after)
        list.push_back(n.toStdString());
    std::sort(list.begin(), list.end());
    undo_->push(new ReplaceExclusions(this, std::move(list), exclude ? tr("Exclude %n nodes", nullptr, count) : tr("Include %n nodes", nullptr, count)));
}

namespace {

class ReplacePrecisions : public QUndoCommand {
public:
    ReplacePrecisions(Workspace* w, std::vector<std::string> exclusions, nlohmann::json overrides, const QString& text)
        : QUndoCommand(text), workspace_(w), afterExclusions_(std::move(exclusions)), afterOverrides_(std::move(overrides)),
          beforeExclusions_(w->exclusions()), beforeOverrides_(w->quantizerSettings().tensorQuantOverrides) {}
    void redo() override { workspace_->setPrecisionState(afterExclusions_, afterOverrides_); }
    void undo() override { workspace_->setPrecisionState(beforeExclusions_, beforeOverrides_); }

private:
    Workspace* workspace_;
    std::vector<std::string> afterExclusions_;
    nlohmann::json afterOverrides_;
    std::vector<std::string> beforeExclusions_;
    nlohmann::json beforeOverrides_;
};

std::vector<std::string> sortedNames(const QSet<QString>& names) {
    std::vector<std::string> out;
    for (const QString& n : names)
        out.push_back(n.toStdString());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

void Workspace::setPrecisionState(std::vector<std::string> exclusions, nlohmann::json overrides) {
    quantizerSettings_.tensorQuantOverrides = overrides.is_object() ? std::move(overrides) : nlohmann::json::object();
    setExclusions(std::move(exclusions));  // emits exclusionsChanged
}

QSet<QString> Workspace::int16Nodes() const {
    QSet<QString> out;
    const nlohmann::json& overrides = quantizerSettings_.tensorQuantOverrides;
    if (!fp32_ || !overrides.is_object() || overrides.empty())
        return out;
    QuantizerSettings plain = quantizerSettings_;
    plain.tensorQuantOverrides = nlohmann::json::object();
    const Graph& graph = fp32_->analyzed.model.graph();
    auto is16 = [](const nlohmann::json& entries) {
        if (!entries.is_array() || entries.empty() || !entries.front().contains("quant_type"))
            return false;
        const std::string type = entries.front().at("quant_type").get<std::string>();
        return type == "QInt16" || type == "QUInt16";
    };
    for (int i = 0; i < graph.nodeCount(); ++i) {
        const std::string& name = graph.node(i).name;
        if (name.empty())
            continue;
        const nlohmann::json own = int16Overrides(graph, {name}, plain);
        bool all = !own.empty();
        for (auto it = own.begin(); all && it != own.end(); ++it)
            all = overrides.contains(it.key()) && is16(overrides.at(it.key()));
        if (all)
            out.insert(QString::fromStdString(name));
    }
    return out;
}

Workspace::Precision Workspace::nodePrecision(const QString& node) const {
    if (isExcluded(node))
        return Precision::Float;
    return int16Nodes().contains(node) ? Precision::Int16 : Precision::Int8;
}

void Workspace::applyPrecisions(std::vector<std::string> floatNodes, std::vector<std::string> int16Nodes,
                                const QString& undoText) {
    if (!fp32_) {
        emit errorOccurred(tr("Open the FP32 model first: a node's precision names its nodes."));
        return;
    }
    const Graph& graph = fp32_->analyzed.model.graph();
    QuantizerSettings plain = quantizerSettings_;
    plain.tensorQuantOverrides = nlohmann::json::object();
    // The overrides without those the INT16 nodes put there, then the new INT16 nodes' entries;
    // overrides the user gave for other tensors stay as they are.
    nlohmann::json overrides =
        quantizerSettings_.tensorQuantOverrides.is_object() ? quantizerSettings_.tensorQuantOverrides : nlohmann::json::object();
    const nlohmann::json old = ql::int16Overrides(graph, sortedNames(this->int16Nodes()), plain);
    for (auto it = old.begin(); it != old.end(); ++it)
        if (overrides.contains(it.key()) && overrides.at(it.key()) == it.value())
            overrides.erase(it.key());
    std::sort(floatNodes.begin(), floatNodes.end());
    floatNodes.erase(std::unique(floatNodes.begin(), floatNodes.end()), floatNodes.end());
    std::vector<std::string> wide;
    for (auto& n : int16Nodes)
        if (!std::binary_search(floatNodes.begin(), floatNodes.end(), n))
            wide.push_back(std::move(n));
    plain.tensorQuantOverrides = overrides;
    const nlohmann::json added = ql::int16Overrides(graph, wide, plain);
    for (auto it = added.begin(); it != added.end(); ++it)
        overrides[it.key()] = it.value();
    if (floatNodes == exclusions() && overrides == quantizerSettings_.tensorQuantOverrides)
        return;
    undo_->push(new ReplacePrecisions(this, std::move(floatNodes), std::move(overrides), undoText));
}

void Workspace::setNodePrecision(const QStringList& names, Precision precision) {
    QSet<QString> floatNodes = exclusionSet(), wide = int16Nodes();
    for (const QString& n : names) {
        floatNodes.remove(n);
        wide.remove(n);
        if (precision == Precision::Float)
            floatNodes.insert(n);
        else if (precision == Precision::Int16)
            wide.insert(n);
    }
    const int count = static_cast<int>(names.size());
    const QString text = precision == Precision::Int16 ? tr("Quantize %n node(s) at INT16", nullptr, count)
                         : precision == Precision::Float ? tr("Keep %n node(s) float", nullptr, count)
                                                         : tr("Quantize %n node(s) at INT8", nullptr, count);
    applyPrecisions(sortedNames(floatNodes), sortedNames(wide), text);
}

void Workspace::suggestExclusions(const SuggestionRequest& request) {
    if (!fp32_ || images_.isEmpty()) {
        emit errorOccurred(tr("Open the FP32 model and images first: the images score each candidate (and calibrate "
                              "when no calibration set is chosen)."));
        return;
    }
    // Candidates are scored on the comparison images, or on the labelled data set for the
    // objectives against labels; they are calibrated on the calibration set.
    const bool againstLabels = request.objective == Objective::Map50 || request.objective == Objective::Map50to95;
    ImageSet scoring;
    if (againstLabels) {
        if (!loadedDataSet_) {
            emit errorOccurred(tr("mAP against labels needs a labelled data set: File > Open Labelled Data Set."));
            return;
        }
        for (const auto& item : loadedDataSet_->images) {
            scoring.paths.push_back(item.image);
            scoring.labels.push_back(item.labels);
        }
    } else {
        auto files = imageFiles();
        if (!files) {
            emit errorOccurred(QString::fromStdString(files.errorMessage()));
            return;
        }
        scoring.paths = std::move(files).value();
    }
    auto inputs = quantizationInputs();
    if (!inputs)
        return;
    suggestionAsked_ = true;
    if (!request.fromCurrentExclusions)
        inputs->settings.nodesToExclude.clear();  // the search starts from a fully quantized model
    suggestionRequest_ = request;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    struct Outcome {
        std::shared_ptr<Suggestion> suggestion;
        QString error;
    };
    QPointer<Workspace> self(this);
    auto work = [fp32 = fp32_, request, cancel = cancel_, self, in = std::move(inputs).value(), decode = decodeOptions(),
                 scoring = std::move(scoring)]() -> Outcome {
        const auto& [images, settings, calibration] = in;
        const TaskControl control = backgroundControl(self, cancel.get());
        auto stats = CalibrationCache().get(fp32->analyzed.model, images, calibration, control);
        if (!stats)
            return {nullptr, QString::fromStdString(stats.errorMessage())};
        SensitivityOptions options;
        options.objective = request.objective;
        options.prefixDepth = request.prefixDepth;
        options.quantizedOnly = false;
        options.preprocess = calibration.preprocess;
        options.decode = decode;
        // The comparison images score: the first N the candidates, the rest (when asked) each step.
        const size_t scoredCount = std::min(static_cast<size_t>(std::max(1, request.scoredImages)), scoring.size());
        const ImageSet scored = scoring.slice(0, scoredCount);
        const ImageSet validation = request.validateOnRest ? scoring.slice(scoredCount, scoring.size()) : ImageSet{};
        auto ranking = screenCandidates(fp32->analyzed.model, **stats, settings, scored.slice(0, 8), options,
                                        request.prefixDepth, 3, control);
        if (!ranking)
            return {nullptr, QString::fromStdString(ranking.errorMessage())};
        SearchOptions search;
        search.target = request.target;
        search.maxSteps = static_cast<size_t>(request.maxSteps);
        search.maxLatencyMs = request.maxLatencyMs;
        search.tryInt16 = request.tryInt16;
        auto s = ql::suggestExclusions(fp32->analyzed.model, **stats, settings, scored, validation, options, *ranking, search,
                                       nullptr, control);
        if (!s)
            return {nullptr, QString::fromStdString(s.errorMessage())};
        return {std::make_shared<Suggestion>(std::move(s).value()), {}};
    };
    auto done = [this, cancel = cancel_](Outcome outcome) {
        if (!outcome.suggestion) {
            if (!*cancel)  // stopped on Cancel: nothing to report
                emit errorOccurred(outcome.error);
            return;
        }
        lastSuggestion_ = *outcome.suggestion;
        emit suggestionReady();
    };
    runInBackground<Outcome>(tr("Measuring the sensitivity of each group of nodes..."), std::move(work), std::move(done));
}

bool Workspace::saveQuantizedModel(const QString& path, QString* error) const {
    if (!quantized_) {
        *error = tr("There is no quantized model to save.");
        return false;
    }
    std::vector<std::string> inputs;
    if (fp32_)
        inputs.push_back(fp32_->analyzed.model.path());
    auto st = quantized_->analyzed.model.save(path.toStdString(), inputs);
    if (!st)
        *error = QString::fromStdString(st.errorMessage());
    return st.ok();
}

namespace {

QImage toImage(const cv::Mat& bgr) {
    return QImage(bgr.data, bgr.cols, bgr.rows, static_cast<int>(bgr.step), QImage::Format_BGR888).copy();
}

struct DetectionOutcome {
    QImage fp32, quantized;
    QString summary, error;
    LatencyStats fp32Latency, quantizedLatency;
    DetectionComparison comparison;  // the boxes drawn
};

struct ExplanationOutcome {
    ImageExplanation explanation;
    std::vector<std::string> classNames;
    QString error;
};

}  // namespace

// The pair of detectors (detect/DetectorPair.h), made in the background on the first image and
// kept while the same two models are loaded: stepping through images then costs two inferences,
// not two new ONNX Runtime sessions.
struct Workspace::Detectors {
    std::shared_ptr<const LoadedModel> fp32Model, quantizedModel;
    PreprocessOptions preprocess;  // as the workspace chose it when these were made
    DecodeOptions decode;          // the detector head, as the workspace chose it
    std::mutex mutex;              // one image at a time: a Detector keeps its last latency
    std::optional<DetectorPair> pair;

    // Runs timed per model and image after the detecting one: a latency with its spread, so the
    // noise of one run is not read as a difference between the models.
    static constexpr int kTimedRuns = 5;

    // With the mutex held.
    Status make() {
        if (pair)
            return Ok{};
        std::vector<std::string> names = ModelMetadata::fromProps(fp32Model->analyzed.model.metadataProps()).classNames;
        DetectorOptions options;
        options.preprocess = preprocess;
        options.decode = decode;
        if (names.empty())
            names = cocoClassNames();
        auto made = DetectorPair::create(fp32Model->analyzed.model, quantizedModel->analyzed.model, options, std::move(names));
        if (!made)
            return made.error();
        pair.emplace(std::move(made).value());
        return Ok{};
    }

    DetectionOutcome detect(const std::string& path) {
        DetectionOutcome out;
        const std::lock_guard<std::mutex> lock(mutex);
        if (auto made = make(); !made) {
            out.error = inAppTerms(made.errorMessage());
            return out;
        }
        auto compared = pair->compare(path, kTimedRuns);
        if (!compared) {
            out.error = inAppTerms(compared.errorMessage());
            return out;
        }
        const DetectionComparison& c = compared->comparison;
        out.comparison = c;
        const DetectionMatch& match = c.match;
        const auto [fp32Picture, quantizedPicture] =
            drawComparisonPanels(compared->bgr, c.fp32, c.quantized, match, pair->classNames(), "FP32", "quantized");
        out.fp32 = toImage(fp32Picture);
        out.quantized = toImage(quantizedPicture);
        out.fp32Latency = c.fp32Latency;
        out.quantizedLatency = c.quantizedLatency;
        // Spread: half the range from the fastest run to the 95th percentile (of 5 runs, the slowest).
        const auto latency = [](const LatencyStats& l) {
            return Workspace::tr("%1 ± %2 ms").arg(l.medianMs, 0, 'f', 1).arg((l.p95Ms - l.minMs) / 2, 0, 'f', 1);
        };
        out.summary = Workspace::tr("FP32: %1 boxes, %2. Quantized: %3 boxes, %4. %5 matched (%6 moved), %7 "
                                    "missed by the quantized model, %8 extra.")
                          .arg(c.fp32.size()).arg(latency(c.fp32Latency)).arg(c.quantized.size())
                          .arg(latency(c.quantizedLatency)).arg(match.pairs.size()).arg(movedPairs(match).size())
                          .arg(match.missed.size()).arg(match.extra.size()) +
                      QStringLiteral("\n") +
                      Workspace::tr("Latency: median ± half the range from the fastest run to the 95th "
                                    "percentile, of %1 timed runs per model after warm-up.")
                          .arg(c.fp32Latency.runs);
        for (const auto& w : pair->warnings())
            out.summary += QStringLiteral("\n") + Workspace::tr("Warning: %1").arg(QString::fromStdString(w));
        return out;
    }

    // One image through both models, for the image list: its figures; the error names the image.
    Result<ImageChange> change(const std::string& path) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (auto made = make(); !made)
            return Error{inAppTerms(made.errorMessage()).toStdString()};
        auto compared = pair->compare(path);
        if (!compared)
            return compared.error();
        return imageChange(compared->comparison.match);
    }

    // Why INT8 lost boxes of the image (detect/BoxExplanation.h), both models run on it again.
    ExplanationOutcome explain(const std::string& path, const ExplainTarget& target) {
        ExplanationOutcome out;
        const std::lock_guard<std::mutex> lock(mutex);
        if (auto made = make(); !made) {
            out.error = inAppTerms(made.errorMessage());
            return out;
        }
        auto bgr = readImageBgr(path);
        if (!bgr) {
            out.error = QString::fromStdString(bgr.errorMessage());
            return out;
        }
        auto e = explainImage(pair->fp32(), pair->quantized(), *bgr, target);
        if (!e) {
            out.error = QString::fromStdString(path + ": " + e.errorMessage());
            return out;
        }
        out.explanation = std::move(e).value();
        out.classNames = pair->classNames();
        return out;
    }

    // An image or video frame to present: its caption and its pixels; none at the end.
    using NextFrame = std::function<std::optional<std::pair<std::string, cv::Mat>>()>;

    // One frame for presentation mode, each model's picture apart, with how much INT8 changed it;
    // with the mutex held and the pair made.
    std::optional<std::pair<double, PresentationSlide>> slideOf(const std::string& name, const cv::Mat& bgr) {
        auto compared = pair->compare(bgr);
        if (!compared)
            return std::nullopt;
        const DetectionComparison& c = *compared;
        const auto [fp32Picture, quantizedPicture] =
            drawComparisonPanels(bgr, c.fp32, c.quantized, c.match, pair->classNames(), {}, {},
                                 kPresentationEmphasis);  // the view names the sides itself
        return std::make_pair(changeScore(c.match),
                              PresentationSlide{QString::fromStdString(name), toImage(fp32Picture), toImage(quantizedPicture),
                                                Workspace::tr("%1 missed, %2 extra, %3 moved")
                                                    .arg(c.match.missed.size())
                                                    .arg(c.match.extra.size())
                                                    .arg(movedPairs(c.match).size())});
    }

    // For presentation mode: the `count` frames INT8 changed most, each model's picture apart.
    // Frames are read one at a time; only the `count` kept are held. Nothing when cancelled.
    QVector<PresentationSlide> slides(const NextFrame& next, size_t count, const TaskControl& control) {
        const std::lock_guard<std::mutex> lock(mutex);
        std::vector<std::pair<double, PresentationSlide>> kept;  // most changed first
        if (!make())
            return {};
        while (auto frame = next()) {
            if (control.cancelled())
                return {};
            auto made = slideOf(frame->first, frame->second);
            if (!made || (kept.size() == count && made->first <= kept.back().first))
                continue;
            const auto at = std::find_if(kept.begin(), kept.end(), [&](const auto& k) { return made->first > k.first; });
            kept.insert(at, std::move(*made));
            if (kept.size() > count)
                kept.pop_back();
        }
        QVector<PresentationSlide> out;
        for (auto& k : kept)
            out.push_back(std::move(k.second));
        return out;
    }

    // A played video's frame; nothing when the models cannot compare it.
    std::optional<PresentationSlide> slide(const std::string& name, const cv::Mat& bgr) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (!make())
            return std::nullopt;
        auto made = slideOf(name, bgr);
        if (!made)
            return std::nullopt;
        return std::move(made->second);
    }

    // The trace capture of the last image traced (analysis/BoxTrace.h): both models run once on
    // it with every tensor kept, so that another box of it traces without running them again.
    std::string capturedPath;
    std::optional<TraceCapture> capture;
    std::string captureError;

    // Each box of `e` (an explanation of `path` by these detectors) traced, with its DFL sides.
    std::vector<Workspace::TracedBox> trace(const std::string& path, const ImageExplanation& e) {
        std::vector<Workspace::TracedBox> out(e.boxes.size());
        const std::lock_guard<std::mutex> lock(mutex);
        if (auto made = make(); !made) {
            for (auto& t : out)
                t.problem = inAppTerms(made.errorMessage());
            return out;
        }
        if (capturedPath != path) {
            capture.reset();
            captureError.clear();
            capturedPath = path;
            auto bgr = readImageBgr(path);
            auto run = bgr ? TraceCapture::run(fp32Model->analyzed, quantizedModel->analyzed, pair->fp32(), *bgr,
                                               TraceCapture::Scope::Trace, SessionOptions{})
                           : Result<TraceCapture>(bgr.error());
            if (run)
                capture.emplace(std::move(run).value());
            else
                captureError = run.errorMessage();
        }
        for (size_t k = 0; k < e.boxes.size(); ++k) {
            auto& t = out[k];
            if (!capture) {
                t.problem = QString::fromStdString(captureError);
                continue;
            }
            if (auto r = capture->trace(e.boxes[k].cell, e.layout))
                t.trace = std::move(r).value();
            else
                t.problem = QString::fromStdString(r.errorMessage());
            if (e.layout == YoloLayout::Ultralytics) {
                if (auto d = capture->dfl(e.boxes[k].cell))
                    t.dfl = std::move(d).value();
                else
                    t.dflProblem = QString::fromStdString(d.errorMessage());
            }
        }
        return out;
    }

    // For the report: a page per box INT8 missed or moved on each image, with the layer where
    // each was lost; the images that cannot be explained are left out, named in `skipped`.
    void addBoxPagesTo(ReportContent& content, const std::vector<std::string>& paths, const TaskControl& control,
                       std::vector<std::string>* skipped) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (!make())
            return;
        const BoxPageTracing tracing{&fp32Model->analyzed, &quantizedModel->analyzed, SessionOptions{}};
        for (const auto& p : paths)
            if (auto st = addBoxPages(content, *pair, {p}, control, &tracing, skipped); !st && skipped)
                skipped->push_back(st.errorMessage());
    }

    // For the report: pictures of the images; none when the models are no detectors, say. False
    // when cancelled.
    bool addPictures(ReportContent& content, const std::vector<std::string>& paths, const TaskControl& control) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (make())
            (void)addMostChangedPictures(content, *pair, paths, 6, nullptr, control);  // the images INT8 changed most
        return !control.cancelled();
    }
};

std::shared_ptr<Workspace::Detectors> Workspace::detectors() {
    const PreprocessOptions preprocess = preprocessing();
    if (!detectors_ || detectors_->fp32Model != fp32_ || detectors_->quantizedModel != quantized_ ||
        detectors_->preprocess.describe() != preprocess.describe() || detectors_->decode.layout != detectorHead_) {
        detectors_ = std::make_shared<Detectors>();
        detectors_->fp32Model = fp32_;
        detectors_->quantizedModel = quantized_;
        detectors_->preprocess = preprocess;
        detectors_->decode = decodeOptions();
    }
    return detectors_;
}

ReportContent Workspace::reportContent() const {
    ReportContent content = startReport(fp32_->analyzed, quantized_->analyzed);
    // The report is written in the interface's language: the loaded translation names it.
    const auto language = parseReportLanguage(tr("en", "The language code of the written report: en, or zh_CN in the Chinese translation").toStdString());
    content.language = language ? *language : ReportLanguage::English;
    content.runs = runs_.runs();
    content.study = study_;
    if (!activations_->report().layers.empty() || !activations_->report().outputs.empty())
        content.activations = activations_->report();
    return content;
}

void Workspace::exportReport(const QString& path) {
    if (!fp32_ || !quantized_) {
        emit errorOccurred(tr("Open both models first."));
        return;
    }
    ReportContent content = reportContent();
    std::vector<std::string> pictures;
    if (auto images = imageFiles())
        pictures = *images;  // candidates: the report shows those INT8 changed most
    auto shared = std::make_shared<ReportContent>(std::move(content));
    pendingReport_ = shared;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    std::vector<std::string> explained;
    for (const QString& p : explainedImages_)
        explained.push_back(p.toStdString());
    auto work = [detectors = detectors(), shared, pictures, explained, path, cancel = cancel_,
                 self = QPointer<Workspace>(this)]() -> QString {
        // A model that is no detector still gets its report.
        if (!detectors->addPictures(*shared, pictures, backgroundControl(self, cancel.get())))
            return {};  // cancelled: `done` sees the flag
        // A page per box INT8 missed or moved on the images explained in this session.
        std::vector<std::string> skipped;
        detectors->addBoxPagesTo(*shared, explained, backgroundControl(self, cancel.get()), &skipped);
        if (cancel->load())
            return {};
        if (path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive))
            return {};
        auto st = writeFileAtomically(path.toStdString(), renderHtml(*shared));
        return st ? QString() : QString::fromStdString(st.errorMessage());
    };
    auto done = [this, path, cancel = cancel_](QString error) {
        if (*cancel)
            return;  // nothing written, as asked
        if (error.isEmpty() && path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive)) {
            // Qt's printing runs on the GUI thread; the HTML part was prepared in the background.
            const ReportPage page = QLocale().measurementSystem() == QLocale::ImperialUSSystem ? ReportPage::Letter : ReportPage::A4;
            if (auto st = writeReportPdf(*pendingReport_, path.toStdString(), {}, page); !st)
                emit errorOccurred(QString::fromStdString(st.errorMessage()));
            else
                emit reportWritten(path);
        } else if (error.isEmpty()) {
            emit reportWritten(path);
        } else {
            emit errorOccurred(error);
        }
    };
    runInBackground<QString>(tr("Writing the report..."), std::move(work), std::move(done));
}

void Workspace::preparePresentation(int count, const QString& video) {
    if (!fp32_ || !quantized_) {
        emit errorOccurred(tr("Open both models first."));
        return;
    }
    ReportContent content = reportContent();
    const QString headline = QString::fromStdString(deriveVerdict(verdictFigures(content), {}, content.language).headline);
    std::vector<std::string> paths;
    if (video.isEmpty()) {
        if (auto images = imageFiles())
            paths = *images;
    }
    using Outcome = std::pair<QVector<PresentationSlide>, QString>;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    auto work = [detectors = detectors(), paths, count, video = video.toStdString(), cancel = cancel_,
                 self = QPointer<Workspace>(this)]() -> Outcome {
        const TaskControl control = backgroundControl(self, cancel.get());
        if (video.empty()) {
            size_t i = 0;
            auto next = [&]() -> std::optional<std::pair<std::string, cv::Mat>> {
                while (i < paths.size()) {
                    control.report(i, paths.size(), paths[i]);
                    const std::string& path = paths[i++];
                    if (auto bgr = readImageBgr(path))  // unreadable images are named elsewhere
                        return std::make_pair(std::filesystem::path(path).filename().string(), std::move(bgr).value());
                }
                return std::nullopt;
            };
            auto slides = detectors->slides(next, static_cast<size_t>(count), control);
            return {std::move(slides), QString()};
        }
        // About kVideoFramesLooked frames spread over the clip: every Nth, N from its length.
        auto probe = VideoFrames::open(video, 1);
        if (!probe)
            return {{}, QString::fromStdString(probe.errorMessage())};
        const int every = std::max(1, probe->framesInFile() / kVideoFramesLooked);
        auto frames = VideoFrames::open(video, every);
        if (!frames)
            return {{}, QString::fromStdString(frames.errorMessage())};
        auto next = [&]() -> std::optional<std::pair<std::string, cv::Mat>> {
            auto frame = frames->next();
            if (!frame)
                return std::nullopt;
            control.report(static_cast<size_t>(frame->index), static_cast<size_t>(frames->framesInFile()), frame->name);
            return std::make_pair(frame->name, std::move(frame->bgr));
        };
        auto slides = detectors->slides(next, static_cast<size_t>(count), control);
        return {std::move(slides), QString()};
    };
    auto done = [this, headline, video, cancel = cancel_](Outcome outcome) {
        if (*cancel)
            return;  // stopped on Cancel: no presentation
        if (!outcome.second.isEmpty()) {
            emit errorOccurred(outcome.second);
            return;
        }
        emit presentationReady(outcome.first, headline, video);
    };
    runInBackground<Outcome>(video.isEmpty() ? tr("Choosing the images INT8 changed most...")
                                             : tr("Choosing the frames of %1 INT8 changed most...").arg(QFileInfo(video).fileName()),
                             std::move(work), std::move(done));
}

// A played video's state between the GUI and the worker: paused, and how many frames were sent
// and taken (the worker waits until the last one was shown before it sends the next).
struct Workspace::Playback {
    std::atomic<bool> paused{false};
    std::atomic<int> sent{0}, taken{0};
};

void Workspace::playVideo(const QString& video, int from) {
    if (!fp32_ || !quantized_) {
        emit errorOccurred(tr("Open both models first."));
        return;
    }
    stopPlayback();
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    auto playback = std::make_shared<Playback>();
    playback_ = playback;
    auto work = [detectors = detectors(), video = video.toStdString(), from, cancel = cancel_, playback,
                 self = QPointer<Workspace>(this)]() -> QString {
        using Clock = std::chrono::steady_clock;
        auto frames = VideoFrames::open(video, 1);
        if (!frames)
            return QString::fromStdString(frames.errorMessage());
        const double fps = frames->fps() > 0 ? frames->fps() : 25.0;  // a file that states none: 25
        // The clip's clock: frame i is due at start + (i - from) / fps; a pause moves start on.
        Clock::time_point start = Clock::now();
        const auto due = [&](int index) {
            return start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>((index - from) / fps));
        };
        const auto waitWhilePaused = [&] {
            while (playback->paused && !*cancel) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                start += std::chrono::milliseconds(20);
            }
        };
        int wanted = from;
        while (!*cancel) {
            waitWhilePaused();
            auto frame = frames->nextFrom(wanted);  // the frames we fell behind on are skipped
            if (!frame)
                return {};  // the end
            auto slide = detectors->slide(frame->name, frame->bgr);
            if (!slide)
                return tr("%1: the models could not compare this frame").arg(QString::fromStdString(frame->name));
            // Shown no earlier than its time, and not before the last frame was taken.
            std::this_thread::sleep_until(due(frame->index));
            while (playback->taken < playback->sent && !*cancel)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            waitWhilePaused();
            if (*cancel)
                break;
            ++playback->sent;
            QMetaObject::invokeMethod(self, [self, playback, slide = std::move(*slide), index = frame->index] {
                ++playback->taken;
                if (self && self->playback_ == playback)
                    emit self->playbackFrame(slide, index);
            }, Qt::QueuedConnection);
            const double late = std::chrono::duration<double>(Clock::now() - start).count();
            wanted = std::max(frame->index + 1, from + static_cast<int>(late * fps));
        }
        return {};  // stopped
    };
    auto done = [this, playback](QString error) {
        if (playback_ != playback)
            return;  // stopped from the view, or replaced by a new playback
        playback_.reset();
        emit playbackEnded(error);  // empty at the end or on Cancel
    };
    runInBackground<QString>(tr("Playing %1 through both models...").arg(QFileInfo(video).fileName()), std::move(work),
                             std::move(done));
}

void Workspace::setPlaybackPaused(bool paused) {
    if (playback_)
        playback_->paused = paused;
}

void Workspace::stopPlayback() {
    if (!playback_)
        return;
    cancel_->store(true);
    playback_.reset();
}

void Workspace::detect(const QString& imagePath) {
    if (!fp32_ || !quantized_)
        return;
    if (awaitingPreprocessing()) {
        pendingDetection_ = imagePath;
        return;
    }
    const quint64 generation = ++detectionGeneration_;
    auto work = [detectors = detectors(), path = imagePath.toStdString()] { return detectors->detect(path); };
    auto done = [this, generation, imagePath](DetectionOutcome outcome) {
        if (generation != detectionGeneration_)
            return;  // the user moved on to another image
        if (!outcome.error.isEmpty()) {
            detectedBoxes_ = {};
            emit detectionFailed(imagePath, outcome.error);
            return;
        }
        detectedBoxes_ = std::move(outcome.comparison);
        emit detectionReady(imagePath, outcome.fp32, outcome.quantized, outcome.summary);
        emit imageChangeReady(imagePath, imageChange(detectedBoxes_.match));
    };
    runInBackground<DetectionOutcome>(tr("Detecting objects in %1...").arg(QFileInfo(imagePath).fileName()),
                                      std::move(work), std::move(done));
}

void Workspace::rankImages(const QStringList& files) {
    if (!fp32_ || !quantized_ || files.isEmpty())
        return;
    if (awaitingPreprocessing())
        return;  // the images are compared again once it is chosen, and ranked then
    const quint64 generation = ++rankingGeneration_;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    std::vector<std::string> paths;
    for (const QString& f : files)
        paths.push_back(f.toStdString());
    auto work = [detectors = detectors(), paths, generation, cancel = cancel_, self = QPointer<Workspace>(this)]() -> QString {
        const TaskControl control = backgroundControl(self, cancel.get());
        for (size_t i = 0; i < paths.size(); ++i) {
            if (control.cancelled())
                return {};
            control.report(i, paths.size());  // the busy text says what runs
            auto change = detectors->change(paths[i]);
            if (!change)  // a model that is no detector: the shown image already says why
                return i == 0 ? QString::fromStdString(change.errorMessage()) : QString();
            QMetaObject::invokeMethod(self, [self, generation, path = QString::fromStdString(paths[i]), c = *change] {
                if (self && generation == self->rankingGeneration_)
                    emit self->imageChangeReady(path, c);
            }, Qt::QueuedConnection);
        }
        control.report(paths.size(), paths.size(), {});
        return {};
    };
    auto done = [](const QString&) {};  // the figures came image by image
    runInBackground<QString>(tr("Ranking %n image(s) by how much INT8 changed their detections...", nullptr,
                                static_cast<int>(files.size())),
                             std::move(work), std::move(done));
}

void Workspace::explainBoxes(const QString& imagePath, std::optional<Box> fp32Box) {
    if (!fp32_ || !quantized_)
        return;
    ExplainTarget target;
    target.box = fp32Box;
    auto work = [detectors = detectors(), path = imagePath.toStdString(), target] { return detectors->explain(path, target); };
    auto done = [this, imagePath](ExplanationOutcome outcome) {
        if (!outcome.error.isEmpty()) {
            emit errorOccurred(tr("Cannot explain the boxes of %1: %2").arg(QFileInfo(imagePath).fileName(), outcome.error));
            return;
        }
        explanation_ = std::move(outcome.explanation);
        explanationClassNames_ = std::move(outcome.classNames);
        boxTraces_.clear();
        if (!explainedImages_.contains(imagePath))
            explainedImages_ << imagePath;
        emit boxExplained(imagePath);
        if (!explanation_.boxes.empty())
            traceExplanation(imagePath);
    };
    runInBackground<ExplanationOutcome>(tr("Explaining the boxes of %1...").arg(QFileInfo(imagePath).fileName()),
                                        std::move(work), std::move(done));
}

void Workspace::traceExplanation(const QString& imagePath) {
    const quint64 generation = ++traceGeneration_;
    auto work = [detectors = detectors(), path = imagePath.toStdString(), e = explanation_] { return detectors->trace(path, e); };
    auto done = [this, imagePath, generation](std::vector<TracedBox> traces) {
        if (generation != traceGeneration_)
            return;  // another image (or box) was explained meanwhile
        boxTraces_ = std::move(traces);
        emit boxesTraced(imagePath);
    };
    runInBackground<std::vector<TracedBox>>(tr("Tracing where the boxes of %1 were lost...").arg(QFileInfo(imagePath).fileName()),
                                            std::move(work), std::move(done));
}

void Workspace::suggestBoxFix(const QString& imagePath, const std::vector<Detection>& targets) {
    if (!fp32_ || !quantized_ || targets.empty())
        return;
    auto inputs = quantizationInputs();
    if (!inputs)
        return;
    BoxFixRequest request;
    request.images = {imagePath.toStdString()};
    request.targets = {targets};
    request.calibrationImages = inputs->images;
    request.calibration = inputs->calibration;
    request.decode = decodeOptions();
    request.search = boxFixSearchDefaults();
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    struct Outcome {
        std::shared_ptr<const BoxFix> fix;
        QString error;
    };
    auto work = [fp32 = fp32_, quantized = quantized_, request, cancel = cancel_, self = QPointer<Workspace>(this)]() -> Outcome {
        auto fix = suggestExclusionsForBoxes(fp32->analyzed, quantized->analyzed, request, backgroundControl(self, cancel.get()));
        if (!fix)
            return {nullptr, QString::fromStdString(fix.errorMessage())};
        return {std::make_shared<const BoxFix>(std::move(fix).value()), {}};
    };
    auto done = [this, cancel = cancel_](Outcome outcome) {
        if (!outcome.fix) {
            emit boxFixFailed(*cancel ? QString() : outcome.error);
            return;
        }
        lastBoxFix_ = std::move(outcome.fix);
        emit boxFixReady();
    };
    runInBackground<Outcome>(tr("Suggesting exclusions for %n box(es)...", nullptr, static_cast<int>(targets.size())),
                             std::move(work), std::move(done));
}

void Workspace::applyBoxFix() {
    if (!lastBoxFix_ || !fp32_)
        return;
    // The settings the search re-made the model with (read back from the quantized model), so that
    // the new run is the model the suggestion measured.
    setQuantizerSettings(lastBoxFix_->settings);
    applyExclusions(lastBoxFix_->suggestion.nodesToExclude, tr("Exclude the nodes suggested for the box"));
    requantize(RunOrigin::Suggestion);
}

namespace {

Result<std::shared_ptr<const Workspace::LoadedModel>> quantizeForRun(const OnnxModel& fp32, const CalibrationData& stats,
                                                                     const QuantizerSettings& settings) {
    auto q = quantizeQdq(fp32, stats, settings);
    if (!q)
        return q.error();
    auto analyzed = AnalyzedModel::analyze(std::move(q->model));
    if (!analyzed)
        return analyzed.error();
    ModelSummary summary = summarize(analyzed->model, analyzed->qdq);
    return std::make_shared<const Workspace::LoadedModel>(Workspace::LoadedModel{std::move(analyzed).value(), std::move(summary)});
}

// Timed runs of a run's latency, after 3 warm-up runs: enough for a median and a spread.
constexpr int kRunLatencyRuns = 20;

}  // namespace

void Workspace::requantize(RunOrigin origin) {
    if (!fp32_) {
        emit errorOccurred(tr("Open the FP32 model first."));
        return;
    }
    if (images_.isEmpty() && calibrationImages_.isEmpty()) {
        emit errorOccurred(tr("Choose a calibration set (Analysis > Quantization Settings) or images (File > Open "
                              "Images) first: they calibrate the quantization."));
        return;
    }
    auto inputs = quantizationInputs();
    if (!inputs)
        return;
    const auto& report = activations_->report();
    const double before = report.outputs.empty() ? NAN : report.outputs.front().metrics.sqnrDb;
    const std::vector<std::string> excluded = inputs->settings.nodesToExclude;
    const bool withBaseline =
        !excluded.empty() && std::none_of(runs_.runs().begin(), runs_.runs().end(),
                                          [](const Run& r) { return r.origin == RunOrigin::Baseline; });
    const QString calibration = calibrationDescription();
    struct Outcome {
        std::shared_ptr<const LoadedModel> model, baseline;
        uint64_t size = 0, baselineSize = 0;
        QString error;
    };
    // A fresh flag: one raised earlier (Cancel, or openProject dropping the previous session)
    // would stop this calibration at once, so a project's in-app model was never made again.
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    auto work = [fp32 = fp32_, cancel = cancel_, withBaseline, in = std::move(inputs).value()]() -> Outcome {
        const auto& [images, chosen, calibration] = in;
        TaskControl control;
        control.cancel = cancel.get();
        // An older export raised to the opset asked for, and the last layers kept float, as
        // `quantize --upgrade-opset --keep-last-layer-float` does; the user's exclusions unchanged.
        QuantizerSettings settings = chosen;
        auto prepared = prepareExport(fp32->analyzed.model, settings);
        if (!prepared)
            return {nullptr, nullptr, 0, 0, inAppTerms(prepared.errorMessage())};
        const OnnxModel& source = prepared->converted ? *prepared->converted : fp32->analyzed.model;
        CalibrationCache cache;
        auto stats = cache.get(source, images, calibration, control);
        if (!stats)
            return {nullptr, nullptr, 0, 0, QString::fromStdString(stats.errorMessage())};
        Outcome out;
        auto made = quantizeForRun(source, **stats, settings);
        if (!made)
            return {nullptr, nullptr, 0, 0, QString::fromStdString(made.errorMessage())};
        out.model = *made;
        out.size = out.model->analyzed.model.fileSize();  // its serialized size (OnnxModel::fromProto)
        if (withBaseline) {  // same calibration statistics, no exclusions
            QuantizerSettings none = settings;
            none.nodesToExclude = prepared->keptFloat;
            if (auto baseline = quantizeForRun(source, **stats, none)) {
                out.baseline = *baseline;
                out.baselineSize = out.baseline->analyzed.model.fileSize();
            }
        }
        return out;
    };
    auto done = [this, before, origin, excluded, calibration](Outcome outcome) {
        if (!outcome.model) {
            emit errorOccurred(outcome.error);
            return;
        }
        if (outcome.baseline) {
            Run baseline;
            baseline.origin = RunOrigin::Baseline;
            baseline.name = tr("baseline: same settings, no exclusions").toStdString();
            baseline.calibration = calibration.toStdString();
            baseline.metrics.sizeBytes = outcome.baselineSize;
            addRun(std::move(baseline), outcome.baseline, false);
        }
        quantized_ = outcome.model;
        unsavedModel_ = true;
        detectors_.reset();  // their sessions were for the model just replaced
        Run run;
        run.origin = excluded.empty() ? RunOrigin::Baseline : origin;
        run.name = (excluded.empty() ? tr("baseline: no exclusions")
                    : origin == RunOrigin::Suggestion
                        ? tr("suggestion applied, %n excluded", nullptr, static_cast<int>(excluded.size()))
                        : tr("re-quantized, %n excluded", nullptr, static_cast<int>(excluded.size())))
                       .toStdString();
        run.exclusions = excluded;
        run.calibration = calibration.toStdString();
        run.metrics.sizeBytes = outcome.size;
        addRun(std::move(run), quantized_, true);
        emit modelChanged(Slot::Quantized);
        emit requantized(before);
        recomputeWeights();
        compareActivations();
    };
    runInBackground<Outcome>(tr("Quantizing with %n excluded nodes, calibrating on %1...", nullptr,
                                static_cast<int>(excluded.size())).arg(calibrationDescription()),
                             std::move(work), std::move(done));
}

void Workspace::addRun(Run run, std::shared_ptr<const LoadedModel> model, bool makeCurrent) {
    int number = 0;
    if (attachToRestoredRun_) {
        // The project's model, loaded or made again: the restored run of the same file, or of the
        // same exclusions, gets it back instead of a new run.
        for (auto it = runs_.runs().rbegin(); it != runs_.runs().rend() && number == 0; ++it) {
            const bool loaded = run.origin == RunOrigin::Loaded;
            if (!hasRunModel(it->number) && (it->origin == RunOrigin::Loaded) == loaded &&
                (loaded ? it->name == run.name : it->exclusions == run.exclusions))
                number = it->number;
        }
        attachToRestoredRun_ = false;
    }
    if (number == 0)
        number = runs_.add(std::move(run)).number;
    runModels_[number] = RunModel{std::move(model), nullptr};
    if (makeCurrent)
        makeCurrentRun(number);
    emit runsChanged();
}

void Workspace::makeCurrentRun(int number) {
    currentRun_ = number;
    exclusionsWhenShown_ = exclusions();
}

int Workspace::runOf(const std::shared_ptr<const LoadedModel>& model) const {
    for (const auto& [number, r] : runModels_)
        if (r.model == model)
            return number;
    return 0;
}

bool Workspace::hasRunModel(int number) const {
    auto it = runModels_.find(number);
    return it != runModels_.end() && it->second.model;
}

std::shared_ptr<const ActivationReport> Workspace::runReport(int number) const {
    auto it = runModels_.find(number);
    return it == runModels_.end() ? nullptr : it->second.report;
}

void Workspace::showRun(int number) {
    if (!hasRunModel(number) || number == currentRun_)
        return;
    const RunModel& r = runModels_.at(number);
    quantized_ = r.model;
    unsavedModel_ = runs_.find(number)->origin != RunOrigin::Loaded;
    makeCurrentRun(number);
    detectors_.reset();  // their sessions were for the model just replaced
    ++activationsGeneration_;  // a comparison still running is for the model before
    emit modelChanged(Slot::Quantized);
    recomputeWeights();
    if (r.report) {
        activations_->setReport(*r.report);
        emit activationsChanged();
    } else {
        compareActivations();
    }
    emit runsChanged();
}

ExclusionDiff Workspace::exclusionsSinceCurrentRun() const {
    if (currentRun_ == 0)
        return {};
    return diffExclusions(exclusionsWhenShown_, exclusions());
}

bool Workspace::exportRunsCsv(const QString& path, QString* error) const {
    auto st = writeFileAtomically(path.toStdString(), runs_.toCsv());
    if (!st)
        *error = QString::fromStdString(st.errorMessage());
    return st.ok();
}

std::optional<StudyInputs> Workspace::studyInputs() {
    if (!fp32_) {
        emit errorOccurred(tr("Open an FP32 model first: a study quantizes its variants from it."));
        return std::nullopt;
    }
    if (!loadedDataSet_) {
        emit errorOccurred(tr("Open a labelled data set first (File › Open Labelled Data Set): a study scores every row on it."));
        return std::nullopt;
    }
    auto inputs = quantizationInputs();
    if (!inputs)
        return std::nullopt;
    StudyInputs study;
    study.fp32 = std::shared_ptr<const OnnxModel>(fp32_, &fp32_->analyzed.model);
    study.data = loadedDataSet_;
    StudyOptions& o = study.options;
    o.evaluation.detector.preprocess = inputs->calibration.preprocess;
    o.evaluation.detector.decode = decodeOptions();
    o.evaluation.warmupRuns = 2;
    o.evaluation.timedRuns = 10;  // a table of many rows: fewer timed runs than the CLI's default
    o.calibrationImages = inputs->images;
    o.calibration = inputs->calibration;
    o.quantizer = inputs->settings;
    o.quantizer.nodesToExclude.clear();  // each variant brings its own list
    const std::string calibrationCache = CalibrationCache::defaultDirectory();
    if (!calibrationCache.empty()) {  // as `quantlens-cli study` does, so both share their rows
        o.calibrationCacheDirectory = calibrationCache;
        o.cacheDirectory = (std::filesystem::path(calibrationCache).parent_path() / "study").string();
    }
    if (!exclusions().empty())
        study.exclusionLists.push_back({tr("current exclusions").toStdString(), exclusions()});
    for (const Run& run : runs_.runs()) {
        const bool seen = std::any_of(study.exclusionLists.begin(), study.exclusionLists.end(),
                                      [&](const auto& list) { return list.second == run.exclusions; });
        if (!run.exclusions.empty() && !seen)
            study.exclusionLists.push_back({tr("run %1").arg(run.number).toStdString(), run.exclusions});
    }
    return study;
}

void Workspace::setDataSet(const QString& path) {
    auto data = YoloDataset::load(path.toStdString());
    if (!data) {
        emit errorOccurred(QString::fromStdString(data.errorMessage()));
        return;
    }
    dataSet_ = path;
    loadedDataSet_ = std::make_shared<const YoloDataset>(std::move(data).value());
    fp32Accuracy_.reset();
    fp32AccuracyTried_ = false;
    for (auto& [number, r] : runModels_)
        r.accuracyTried = false;
    for (const Run& run : runs_.runs()) {  // figures of another data set no longer apply
        runs_.find(run.number)->metrics.map50.reset();
        runs_.find(run.number)->metrics.map50to95.reset();
    }
    emit runsChanged();
    if (!isBusy())
        measureNextRun();
}

namespace {

// A model's accuracy on the data set, as `eval` measures it (all predictions kept for mAP).
std::optional<MapResult> accuracyOn(const OnnxModel& model, const YoloDataset& data, const PreprocessOptions& preprocess,
                                    const DecodeOptions& decode) {
    EvaluationOptions options;
    options.detector.preprocess = preprocess;
    options.detector.decode = decode;
    options.warmupRuns = 0;
    options.timedRuns = 1;  // latency is measured apart, when nothing else runs
    auto report = evaluateDetection(model, nullptr, data, options);
    return report ? std::optional<MapResult>(report->fp32.accuracy) : std::nullopt;
}

}  // namespace

void Workspace::measureNextRun() {
    if (!fp32_ || images_.isEmpty() || choosingPreprocessing_ || (autoPreprocessing() && !chosenPreprocessing_))
        return;
    auto images = imageFiles();
    if (!images || images->empty())
        return;
    for (const Run& run : runs_.runs()) {
        auto it = runModels_.find(run.number);
        if (it == runModels_.end() || !it->second.model)
            continue;
        RunModel& r = it->second;
        const int number = run.number;
        if (!r.report && !r.outputsTried && run.number != currentRun_) {
            r.outputsTried = true;
            using Outcome = std::shared_ptr<const ActivationReport>;
            auto work = [fp32 = fp32_, model = r.model, preprocess = preprocessing(), decode = decodeOptions(),
                         images = *images]() -> Outcome {
                ActivationOptions options;
                options.preprocess = preprocess;
                options.decode = decode;
                auto report = ql::compareActivations(fp32->analyzed, model->analyzed, images, options);
                return report ? std::make_shared<const ActivationReport>(std::move(report).value()) : nullptr;
            };
            auto done = [this, number](Outcome report) {
                Run* run = runs_.find(number);
                if (!report || !run || !runModels_.count(number))
                    return;
                runModels_[number].report = report;
                fillFromComparison(run->metrics, *report);
                emit runsChanged();
            };
            runInBackground<Outcome>(tr("Measuring run %1...").arg(number), std::move(work), std::move(done));
            return;
        }
        if (!run.metrics.latency && !r.latencyTried) {
            r.latencyTried = true;
            using Outcome = std::optional<LatencyStats>;
            auto work = [model = r.model, preprocess = preprocessing(), image = images->front()]() -> Outcome {
                auto prepared = ImagePreprocessor(preprocess).prepare(image);
                if (!prepared)
                    return std::nullopt;
                auto latency = measureModelLatency(model->analyzed.model, *prepared, {}, 3, kRunLatencyRuns);
                return latency ? std::optional<LatencyStats>(*latency) : std::nullopt;
            };
            auto done = [this, number](Outcome latency) {
                if (Run* run = runs_.find(number); run && latency) {
                    run->metrics.latency = *latency;
                    emit runsChanged();
                }
            };
            runInBackground<Outcome>(tr("Timing run %1...").arg(number), std::move(work), std::move(done));
            return;
        }
        if (loadedDataSet_ && !run.metrics.map50 && !r.accuracyTried) {
            r.accuracyTried = true;
            using Outcome = std::optional<MapResult>;
            auto work = [model = r.model, data = loadedDataSet_, preprocess = preprocessing(), decode = decodeOptions()]() -> Outcome {
                return accuracyOn(model->analyzed.model, *data, preprocess, decode);
            };
            auto done = [this, number](Outcome accuracy) {
                if (Run* run = runs_.find(number); run && accuracy) {
                    run->metrics.map50 = accuracy->map50;
                    run->metrics.map50to95 = accuracy->map50to95;
                    emit runsChanged();
                }
            };
            runInBackground<Outcome>(tr("Scoring run %1 on the data set...").arg(number), std::move(work), std::move(done));
            return;
        }
    }
    if (loadedDataSet_ && !fp32Accuracy_ && !fp32AccuracyTried_) {
        fp32AccuracyTried_ = true;
        using Outcome = std::optional<MapResult>;
        auto work = [fp32 = fp32_, data = loadedDataSet_, preprocess = preprocessing(), decode = decodeOptions()]() -> Outcome {
            return accuracyOn(fp32->analyzed.model, *data, preprocess, decode);
        };
        auto done = [this](Outcome accuracy) {
            fp32Accuracy_ = accuracy;
            emit runsChanged();
        };
        runInBackground<Outcome>(tr("Scoring the FP32 model on the data set..."), std::move(work), std::move(done));
    }
}

Result<std::vector<std::string>> Workspace::imageFiles() const {
    std::vector<std::string> paths;
    for (const QString& p : images_)
        paths.push_back(p.toStdString());
    return collectImages(paths);
}

Result<std::vector<std::string>> Workspace::calibrationFiles() const {
    if (calibrationImages_.isEmpty())
        return imageFiles();
    std::vector<std::string> paths;
    for (const QString& p : calibrationImages_)
        paths.push_back(p.toStdString());
    return collectImages(paths);
}

void Workspace::setCalibrationImages(const QStringList& paths) {
    if (paths == calibrationImages_)
        return;
    calibrationImages_ = paths;
    emit calibrationChanged();
}

QString Workspace::calibrationDescription() const { return describeCalibration(calibrationImages_); }

QString Workspace::describeCalibration(const QStringList& set) const {
    if (set.isEmpty()) {
        if (images_.isEmpty())
            return tr("no images yet (choose a calibration set, or comparison images)");
        auto files = imageFiles();
        if (!files)
            return tr("the comparison images (no calibration set chosen), which cannot be read: %1")
                .arg(QString::fromStdString(files.errorMessage()));
        const int n = static_cast<int>(files->size());
        if (n == 1)
            return tr("the comparison image %1 (no calibration set chosen)")
                .arg(QDir::toNativeSeparators(QString::fromStdString(files->front())));
        return tr("the %n comparison images (no calibration set chosen)", nullptr, n);
    }
    std::vector<std::string> paths;
    for (const QString& p : set)
        paths.push_back(p.toStdString());
    auto files = collectImages(paths);
    if (!files)
        return tr("a calibration set that cannot be read: %1").arg(QString::fromStdString(files.errorMessage()));
    if (files->size() == 1)
        return tr("1 image, %1").arg(QDir::toNativeSeparators(QString::fromStdString(files->front())));
    // Where they are: the one folder chosen, else the folder the files share.
    QString where = set.size() == 1 ? QDir::cleanPath(set.front()) : QString();
    if (where.isEmpty()) {
        QString common = QFileInfo(set.front()).absolutePath();
        for (const QString& p : set)
            while (!common.isEmpty() && !QFileInfo(p).absoluteFilePath().startsWith(common + QLatin1Char('/')) &&
                   common != QStringLiteral("/"))
                common = QFileInfo(common).absolutePath();
        where = common;
    }
    return tr("%n images of %1", nullptr, static_cast<int>(files->size())).arg(QDir::toNativeSeparators(where));
}

std::optional<Workspace::QuantizationInputs> Workspace::quantizationInputs() {
    auto images = calibrationFiles();
    if (!images) {
        emit errorOccurred(QString::fromStdString(images.errorMessage()));
        return std::nullopt;
    }
    if (awaitingPreprocessing()) {
        emit errorOccurred(tr("The image preprocessing is still being chosen; try again when it is done."));
        return std::nullopt;
    }
    return QuantizationInputs{std::move(images).value(), quantizerSettings_, calibrationFor(fp32_->analyzed.model)};
}

CalibrationOptions Workspace::calibrationFor(const OnnxModel& model) const {
    CalibrationOptions options = calibration_;
    options.preprocess = fp32_ && &model == &fp32_->analyzed.model ? preprocessing() : PreprocessOptions::forModel(model);
    return options;
}

PreprocessOptions Workspace::preprocessing() const {
    if (chosenPreprocessing_)
        return *chosenPreprocessing_;
    return fp32_ ? preprocessingChoice_.optionsFor(fp32_->analyzed.model) : PreprocessOptions{};
}

void Workspace::setPreprocessingChoice(const PreprocessingChoice& choice) {
    if (choice == preprocessingChoice_)
        return;
    preprocessingChoice_ = choice;
    forgetPreprocessing();
    emit preprocessingChanged();
    compareActivations();
}

DecodeOptions Workspace::decodeOptions() const {
    DecodeOptions decode;
    decode.layout = detectorHead_;
    if (fp32_) {
        // The model's own class names settle heads whose shapes fit several (as the CLI does); COCO's do not.
        decode.expectedClasses =
            static_cast<int>(ModelMetadata::fromProps(fp32_->analyzed.model.metadataProps()).classNames.size());
        decode.classSource = "the model's metadata";
    }
    return decode;
}

void Workspace::setDetectorHead(YoloLayout layout) {
    if (layout == detectorHead_)
        return;
    detectorHead_ = layout;
    detectors_.reset();
    emit preprocessingChanged();  // what reads the images and outputs changed: views refresh
    compareActivations();
}

void Workspace::setAutoPreprocessing(bool on) {
    if (on == autoPreprocessing())
        return;
    if (!on && preprocessingChoice_.mode != PreprocessingMode::Automatic)
        return;  // a custom convention stays
    PreprocessingChoice choice = preprocessingChoice_;
    choice.mode = on ? PreprocessingMode::Automatic : PreprocessingMode::ModelDefault;
    setPreprocessingChoice(choice);
}

QString Workspace::preprocessingNote() const {
    if (preprocessingChoice_.mode == PreprocessingMode::Custom)
        return tr("set in Quantization Settings: %1").arg(QString::fromStdString(conventionName(preprocessingChoice_.custom)));
    return preprocessingNote_;
}

void Workspace::forgetPreprocessing() {
    chosenPreprocessing_.reset();
    choosingPreprocessing_ = false;
    ++preprocessingGeneration_;  // a search still running is for older inputs
    preprocessingNote_.clear();
    detectors_.reset();
}

bool Workspace::awaitingPreprocessing() {
    if (!autoPreprocessing() || !fp32_ || chosenPreprocessing_)
        return false;
    if (choosingPreprocessing_)
        return true;
    auto images = imageFiles();
    if (!images || images->empty())
        return false;  // nothing to try the conventions on: the model's default
    choosingPreprocessing_ = true;
    const quint64 generation = ++preprocessingGeneration_;
    using Outcome = std::pair<std::optional<PreprocessChoice>, QString>;
    auto work = [fp32 = fp32_, decode = decodeOptions(), images = std::move(images).value()]() -> Outcome {
        DetectorOptions options;
        options.preprocess = PreprocessOptions::forModel(fp32->analyzed.model);
        options.decode = decode;
        auto choice = choosePreprocessing(fp32->analyzed.model, images, options);
        if (!choice)
            return {std::nullopt, QString::fromStdString(choice.errorMessage())};
        return {std::move(choice).value(), QString()};
    };
    auto done = [this, generation](Outcome outcome) {
        if (generation != preprocessingGeneration_ || !fp32_)
            return;
        choosingPreprocessing_ = false;
        if (outcome.first) {
            chosenPreprocessing_ = outcome.first->chosen;
            preprocessingNote_ = tr("chosen automatically: the most confident FP32 detections of %1 conventions on %2 images")
                                     .arg(outcome.first->trials.size())
                                     .arg(outcome.first->images);
        } else {
            chosenPreprocessing_ = PreprocessOptions::forModel(fp32_->analyzed.model);
            preprocessingNote_ = tr("the automatic choice failed (%1); the model's default is used").arg(outcome.second);
        }
        emit preprocessingChanged();
        compareActivations();
        if (!pendingDetection_.isEmpty())
            detect(std::exchange(pendingDetection_, QString()));
    };
    runInBackground<Outcome>(tr("Choosing the image preprocessing..."), std::move(work), std::move(done));
    return true;
}

Project Workspace::project() const {
    Project p;
    if (fp32_)
        p.fp32Model = fp32_->analyzed.model.path();
    if (quantized_) {
        p.quantizedModel = quantized_->analyzed.model.path();
        p.requantizeOnOpen = p.quantizedModel.empty() && fp32_;
    }
    for (const QString& i : images_)
        p.images.push_back(i.toStdString());
    for (const QString& i : calibrationImages_)
        p.calibrationImages.push_back(i.toStdString());
    p.quantizer = quantizerSettings_;
    p.calibration = calibration_;
    p.preprocessing = preprocessingChoice_;
    p.detectorHead = detectorHead_;
    p.runs = runs_;
    p.dataSet = dataSet_.toStdString();
    return p;
}

void Workspace::openProject(const Project& p) {
    cancel_->store(true);
    ++activationsGeneration_;  // results of the previous session are dropped
    closeModel(Slot::Quantized);
    closeModel(Slot::Fp32);
    activations_->setReport({});
    emit activationsChanged();
    quantizerSettings_ = p.quantizer;
    calibration_ = p.calibration;
    images_.clear();
    for (const auto& i : p.images)
        images_ << QString::fromStdString(i);
    calibrationImages_.clear();
    for (const auto& i : p.calibrationImages)
        calibrationImages_ << QString::fromStdString(i);
    preprocessingChoice_ = p.preprocessing;
    detectorHead_ = p.detectorHead;
    forgetPreprocessing();
    emit calibrationChanged();
    emit preprocessingChanged();
    undo_->clear();
    unsavedModel_ = false;
    setExclusions(p.quantizer.nodesToExclude);
    runs_ = p.runs;
    runModels_.clear();
    dataSet_.clear();
    loadedDataSet_.reset();
    fp32Accuracy_.reset();
    fp32AccuracyTried_ = false;
    if (!p.dataSet.empty())
        setDataSet(QString::fromStdString(p.dataSet));
    currentRun_ = 0;
    attachToRestoredRun_ = !runs_.empty();
    emit runsChanged();
    requantizeWhenFp32Loads_ = p.requantizeOnOpen && p.quantizedModel.empty();
    if (!p.fp32Model.empty())
        openModel(QString::fromStdString(p.fp32Model), Slot::Fp32);
    if (!p.quantizedModel.empty())
        openModel(QString::fromStdString(p.quantizedModel), Slot::Quantized);
}

std::optional<InferredSettings> Workspace::adoptQuantizedModelSettings() {
    if (!quantized_ || !quantized_->summary.inferredSettings) {
        emit errorOccurred(tr("Open a QDQ quantized model first: its settings are read back from its Q/DQ pairs."));
        return std::nullopt;
    }
    InferredSettings inferred = *quantized_->summary.inferredSettings;
    std::vector<std::string> excluded;
    for (const auto& n : inferred.settings.nodesToExclude)
        if (!fp32_ || fp32_->analyzed.model.graph().findNode(n) >= 0)  // names the FP32 model knows
            excluded.push_back(n);
    setQuantizerSettings(inferred.settings);
    applyExclusions(excluded);
    return inferred;
}

void Workspace::markSaved() {
    undo_->setClean();
    unsavedModel_ = false;
}

void Workspace::openDemo() {
    using Outcome = std::pair<std::optional<DemoFiles>, QString>;
    auto work = []() -> Outcome {
        auto files = prepareDemo(demoDirectory());
        if (!files)
            return {std::nullopt, QString::fromStdString(files.errorMessage())};
        return {std::move(files).value(), QString()};
    };
    auto done = [this](Outcome outcome) {
        if (!outcome.first) {
            emit errorOccurred(outcome.second);
            return;
        }
        Project p;
        p.fp32Model = outcome.first->fp32;
        p.quantizedModel = outcome.first->quantized;
        p.images = outcome.first->images;
        p.quantizer.nodesToExclude = outcome.first->excluded;
        openProject(p);
    };
    runInBackground<Outcome>(tr("Preparing the demo (YOLOv8n is quantized once, then kept)..."), std::move(work),
                             std::move(done));
}

void Workspace::setImages(const QStringList& paths) {
    images_ = paths;
    forgetPreprocessing();
    if (calibrationImages_.isEmpty())
        emit calibrationChanged();  // they calibrate
    compareActivations();
}

void Workspace::cancel() { cancel_->store(true); }

void Workspace::compareActivations() {
    if (!fp32_ || !quantized_ || images_.isEmpty() || awaitingPreprocessing())
        return;
    auto images = imageFiles();
    if (!images) {
        emit errorOccurred(QString::fromStdString(images.errorMessage()));
        return;
    }
    cancel_->store(true);  // a run still going is for older inputs
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    const quint64 generation = ++activationsGeneration_;
    const int count = static_cast<int>(images->size());
    using Outcome = std::pair<std::shared_ptr<ActivationReport>, QString>;
    auto work = [fp32 = fp32_, quant = quantized_, cancel = cancel_, self = QPointer<Workspace>(this),
                 excluded = exclusions(), preprocess = preprocessing(), decode = decodeOptions(),
                 images = std::move(images).value()]() -> Outcome {
        ActivationOptions options;
        options.preprocess = preprocess;
        options.decode = decode;
        const TaskControl control = backgroundControl(self, cancel.get());
        auto report = ql::compareActivations(fp32->analyzed, quant->analyzed, images, options, control);
        if (!report)
            return {nullptr, inAppTerms(report.errorMessage())};
        for (const auto& r : undoneExclusions(report->loadRewrites, excluded))
            report->warnings.push_back(undoneExclusionWarning(r, report->optimization));
        return {std::make_shared<ActivationReport>(std::move(report).value()), {}};
    };
    auto done = [this, generation, quant = quantized_, cancel = cancel_](Outcome outcome) {
        if (generation != activationsGeneration_)
            return;
        if (!outcome.first) {
            if (!*cancel)
                emit errorOccurred(outcome.second);
            return;
        }
        if (const int number = runOf(quant)) {  // the figures of the run shown
            runModels_[number].report = outcome.first;
            fillFromComparison(runs_.find(number)->metrics, *outcome.first);
            emit runsChanged();
        }
        activations_->setReport(*outcome.first);
        emit activationsChanged();
    };
    runInBackground<Outcome>(tr("Comparing activations on %n images...", nullptr, count), std::move(work), std::move(done));
}

Workspace::~Workspace() = default;

const ModelPairing* Workspace::pairing() const {
    // A model replaced since the pairing was made leaves it stale until the new one is ready.
    const bool current = pairing_.fp32 == fp32_ && pairing_.quantized == quantized_;
    return current ? pairing_.pairing.get() : nullptr;
}

int Workspace::quantizedNodeFor(int fp32Node) const { return pairing() ? pairing()->quantNodeFor(fp32Node) : -1; }

const Workspace::LoadedModel* Workspace::model(Slot slot) const {
    return (slot == Slot::Fp32 ? fp32_ : quantized_).get();
}

void Workspace::openModel(const QString& path, std::optional<Slot> slot) {
    auto done = [this, slot](LoadOutcome outcome) {
        if (!outcome.model) {
            emit errorOccurred(outcome.error);
            return;
        }
        const Slot target = slot.value_or(outcome.model->analyzed.qdq.format == QuantFormat::Float ? Slot::Fp32 : Slot::Quantized);
        (target == Slot::Fp32 ? fp32_ : quantized_) = outcome.model;
        detectors_.reset();  // their sessions were for the model just replaced
        if (target == Slot::Quantized) {
            unsavedModel_ = false;  // a model from a file replaced the one made here
            Run run;
            run.origin = RunOrigin::Loaded;
            run.name = QFileInfo(QString::fromStdString(outcome.model->analyzed.model.path())).fileName().toStdString();
            if (const auto& inferred = outcome.model->summary.inferredSettings)
                run.exclusions = inferred->settings.nodesToExclude;  // the nodes it leaves float
            run.metrics.sizeBytes = outcome.model->analyzed.model.fileSize();
            addRun(std::move(run), outcome.model, true);
        }
        if (target == Slot::Fp32) {
            forgetPreprocessing();
            // For a detector, what matters is its boxes: Suggest aims at detection fidelity
            // unless the user chose otherwise.
            if (!suggestionAsked_ && isDetector(outcome.model->analyzed.model)) {
                suggestionRequest_.objective = Objective::DetectionFidelity;
                suggestionRequest_.target = 0.95;
            }
        }
        emit modelChanged(target);
        recomputeWeights();
        compareActivations();
        if (target == Slot::Fp32 && requantizeWhenFp32Loads_) {
            requantizeWhenFp32Loads_ = false;
            requantize();
        }
    };
    runInBackground<LoadOutcome>(tr("Loading %1...").arg(QFileInfo(path).fileName()),
                                 [path] { return loadInBackground(path); }, std::move(done));
}

void Workspace::closeModel(Slot slot) {
    (slot == Slot::Fp32 ? fp32_ : quantized_).reset();
    if (slot == Slot::Quantized) {
        unsavedModel_ = false;  // nothing left to save
        if (currentRun_ != 0) {
            currentRun_ = 0;
            emit runsChanged();
        }
    }
    detectors_.reset();  // their sessions were for the model just replaced
    emit modelChanged(slot);
    recomputeWeights();
}

void Workspace::recomputeWeights() {
    const quint64 generation = ++weightsGeneration_;
    pairing_ = {};
    // Every format pairs (QDQ, QOperator, dynamic, FP16); only quantized ones have weights to compare.
    if (!fp32_ || !quantized_) {
        weights_->setWeights({});
        emit weightsChanged();
        return;
    }
    struct Outcome {
        std::vector<WeightError> weights;
        std::shared_ptr<const ModelPairing> pairing;
        QString error;
    };
    auto work = [fp32 = fp32_, quant = quantized_]() -> Outcome {
        const Graph& f = fp32->analyzed.model.graph();
        const Graph& q = quant->analyzed.model.graph();
        auto pairing = ModelPairing::match(f, q, quant->analyzed.qdq);
        if (!pairing)
            return {{}, nullptr, QString::fromStdString(pairing.errorMessage())};
        auto shared = std::make_shared<const ModelPairing>(std::move(pairing).value());
        return {compareWeights(f, q, quant->analyzed.qdq, *shared), shared, {}};
    };
    auto done = [this, generation, fp32 = fp32_, quant = quantized_](Outcome outcome) {
        if (generation != weightsGeneration_)
            return;
        if (!outcome.error.isEmpty())
            emit errorOccurred(outcome.error);
        pairing_ = {outcome.pairing, fp32, quant};
        weights_->setWeights(std::move(outcome.weights));
        emit weightsChanged();
    };
    runInBackground<Outcome>(tr("Comparing weights..."), std::move(work), std::move(done));
}

}  // namespace ql
