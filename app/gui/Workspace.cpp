#include "Workspace.h"

#include <QFileInfo>
#include <QPointer>
#include <QtConcurrent>
#include <mutex>
#include <utility>

#include "ActivationErrorModel.h"
#include "WeightErrorModel.h"
#include "analysis/ActivationComparison.h"
#include "detect/Annotator.h"
#include "detect/ClassNames.h"
#include "detect/DetectionSanity.h"
#include "detect/Detector.h"
#include "detect/PreprocessSearch.h"
#include "model/ModelMetadata.h"
#include "project/Demo.h"
#include "ReportPdf.h"
#include "analysis/Sensitivity.h"
#include "quantize/CalibrationCache.h"
#include "report/HtmlReport.h"
#include "util/AtomicFile.h"
#include "quantize/QdqQuantizer.h"
#include "quant/ModelPairing.h"
#include "quant/WeightComparison.h"

namespace ql {
namespace {

// One output whose shape fits a YOLO layout for the model's input size.
bool isDetector(const OnnxModel& model) {
    const Graph& g = model.graph();
    if (g.outputs().size() != 1)
        return false;
    const TensorInfo* info = g.tensorInfo(g.outputs().front());
    const PreprocessOptions input = PreprocessOptions::forModel(model);
    return info && info->hasShape && detectLayout(info->shape, input.width, input.height) != YoloLayout::Auto;
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
        emit busyChanged(isBusy(), QString());
        done(std::move(outcome));
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
        QSet<QString> names = workspace_->exclusions();
        if (!names.remove(node_))
            names.insert(node_);
        workspace_->setExclusions(names);
    }
    Workspace* workspace_;
    QString node_;
};

}  // namespace

void Workspace::setExclusions(const QSet<QString>& names) {
    exclusions_ = names;
    emit exclusionsChanged();
}

void Workspace::toggleExclusion(const QString& node) { undo_->push(new ToggleExclusion(this, node)); }

namespace {

class ReplaceExclusions : public QUndoCommand {
public:
    ReplaceExclusions(Workspace* w, QSet<QString> names, const QString& text)
        : QUndoCommand(text), workspace_(w), after_(std::move(names)),
          before_(w->exclusions()) {}
    void redo() override { workspace_->setExclusions(after_); }
    void undo() override { workspace_->setExclusions(before_); }

private:
    Workspace* workspace_;
    QSet<QString> after_, before_;
};

}  // namespace

void Workspace::applyExclusions(const QSet<QString>& names) {
    undo_->push(new ReplaceExclusions(this, names, tr("Apply suggested exclusions")));
}

void Workspace::excludeNodes(const QStringList& names, bool exclude) {
    QSet<QString> after = exclusions_;
    for (const QString& n : names) {
        if (exclude)
            after.insert(n);
        else
            after.remove(n);
    }
    if (after == exclusions_)
        return;
    const int count = static_cast<int>(names.size());
    undo_->push(new ReplaceExclusions(this, after, exclude ? tr("Exclude %n nodes", nullptr, count) : tr("Include %n nodes", nullptr, count)));
}

void Workspace::suggestExclusions(const SuggestionRequest& request) {
    if (!fp32_ || images_.isEmpty()) {
        emit errorOccurred(tr("Open the FP32 model and images first: the images calibrate and score each candidate."));
        return;
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
    auto work = [fp32 = fp32_, request, cancel = cancel_, self, in = std::move(inputs).value()]() -> Outcome {
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
        const size_t scoredCount = std::min(static_cast<size_t>(std::max(1, request.scoredImages)), images.size());
        const ImageSet all{images, {}};
        const ImageSet scored = all.slice(0, scoredCount);
        const ImageSet validation = request.validateOnRest ? all.slice(scoredCount, images.size()) : ImageSet{};
        auto ranking = screenCandidates(fp32->analyzed.model, **stats, settings, scored.slice(0, 8), options,
                                        request.prefixDepth, 3, control);
        if (!ranking)
            return {nullptr, QString::fromStdString(ranking.errorMessage())};
        SearchOptions search;
        search.target = request.target;
        search.maxSteps = static_cast<size_t>(request.maxSteps);
        search.maxLatencyMs = request.maxLatencyMs;
        auto s = ql::suggestExclusions(fp32->analyzed.model, **stats, settings, scored, validation, options, *ranking, search,
                                       nullptr, control);
        if (!s)
            return {nullptr, QString::fromStdString(s.errorMessage())};
        return {std::make_shared<Suggestion>(std::move(s).value()), {}};
    };
    auto done = [this](Outcome outcome) {
        if (!outcome.suggestion) {
            if (outcome.error != QStringLiteral("cancelled"))
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
};

}  // namespace

// Made in the background on the first image and kept while the same two models are loaded:
// stepping through images then costs two inferences, not two new ONNX Runtime sessions.
struct Workspace::DetectorPair {
    std::shared_ptr<const LoadedModel> fp32Model, quantizedModel;
    std::mutex mutex;  // one image at a time: a Detector keeps its last latency
    std::optional<Detector> fp32, quantized;
    std::vector<std::string> classNames;
    std::vector<size_t> fp32Counts;  // FP32 detections of each image shown so far, for the warnings
    PreprocessOptions preprocess;    // as the workspace chose it when the pair was made
    bool warm = false;

    // Runs timed per model and image after the detecting one: a latency with its spread, so the
    // noise of one run is not read as a difference between the models.
    static constexpr int kTimedRuns = 5;

    // One image and both models' detections on it, from which the tab and the report draw.
    struct Compared {
        cv::Mat bgr;
        DetectionComparison comparison;
    };
    Result<Compared> compare(const std::string& path) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (!fp32 || !quantized) {
            DetectorOptions options;
            options.preprocess = preprocess;
            auto f = Detector::create(fp32Model->analyzed.model, options);
            if (!f)
                return f.error();
            auto q = Detector::create(quantizedModel->analyzed.model, options);
            if (!q)
                return q.error();
            fp32.emplace(std::move(f).value());
            quantized.emplace(std::move(q).value());
            classNames = ModelMetadata::fromProps(fp32Model->analyzed.model.metadataProps()).classNames;
            if (classNames.empty())
                classNames = cocoClassNames();
        }
        auto bgr = readImageBgr(path);
        if (!bgr)
            return bgr.error();
        if (!warm) {  // or the first image's latencies would be twice the others'
            if (auto image = fp32->preprocessor().prepare(*bgr)) {
                (void)fp32->warmUp(*image);
                (void)quantized->warmUp(*image);
            }
            warm = true;
        }
        auto c = compareDetections(*fp32, *quantized, *bgr, kTimedRuns);
        if (!c)
            return c.error();
        return Compared{std::move(bgr).value(), std::move(c).value()};
    }

    DetectionOutcome detect(const std::string& path) {
        DetectionOutcome out;
        auto compared = compare(path);
        if (!compared) {
            out.error = QString::fromStdString(compared.errorMessage());
            return out;
        }
        const DetectionComparison& c = compared->comparison;
        const DetectionMatch& match = c.match;
        const auto [fp32Picture, quantizedPicture] =
            drawComparisonPanels(compared->bgr, c.fp32, c.quantized, match, classNames, "FP32", "quantized");
        out.fp32 = toImage(fp32Picture);
        out.quantized = toImage(quantizedPicture);
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
        {
            const std::lock_guard<std::mutex> lock(mutex);
            fp32Counts.push_back(countAbove(c.fp32, fp32->decodeOptions().confidence));
            for (const auto& w : detectionWarnings({fp32Counts, fp32->decodeOptions().confidence,
                                                    fp32->decodeOptions().maxDetections, fp32->layout()}))
                out.summary += QStringLiteral("\n") + Workspace::tr("Warning: %1").arg(QString::fromStdString(w));
        }
        return out;
    }

    // For the report; none when the models are no detectors, say.
    std::optional<DetectionPicture> picture(const std::string& path) {
        auto compared = compare(path);
        if (!compared)
            return std::nullopt;
        return detectionPicture(QFileInfo(QString::fromStdString(path)).fileName().toStdString(), compared->bgr,
                                compared->comparison, classNames);
    }
};

std::shared_ptr<Workspace::DetectorPair> Workspace::detectorPair() {
    const PreprocessOptions preprocess = preprocessing();
    if (!detectors_ || detectors_->fp32Model != fp32_ || detectors_->quantizedModel != quantized_ ||
        detectors_->preprocess.describe() != preprocess.describe()) {
        detectors_ = std::make_shared<DetectorPair>();
        detectors_->fp32Model = fp32_;
        detectors_->quantizedModel = quantized_;
        detectors_->preprocess = preprocess;
    }
    return detectors_;
}

void Workspace::exportReport(const QString& path) {
    if (!fp32_ || !quantized_) {
        emit errorOccurred(tr("Open both models first."));
        return;
    }
    ReportContent content;
    content.fp32 = fp32_->summary;
    content.quantized = quantized_->summary;
    content.nodesLeftFloat = nodesLeftFloat(quantized_->analyzed.model.graph(), quantized_->analyzed.qdq, defaultOpTypesToQuantize());
    if (!activations_->report().layers.empty() || !activations_->report().outputs.empty())
        content.activations = activations_->report();
    std::vector<std::string> pictures;
    if (auto images = imageFiles())
        pictures.assign(images->begin(), images->begin() + static_cast<long>(std::min<size_t>(2, images->size())));
    auto shared = std::make_shared<ReportContent>(std::move(content));
    pendingReport_ = shared;
    auto work = [detectors = detectorPair(), shared, pictures, path]() -> QString {
        for (const auto& p : pictures)
            if (auto picture = detectors->picture(p))  // a model that is no detector still gets its report
                shared->detections.push_back(std::move(*picture));
        if (path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive))
            return {};
        auto st = writeFileAtomically(path.toStdString(), renderHtml(*shared));
        return st ? QString() : QString::fromStdString(st.errorMessage());
    };
    auto done = [this, path](QString error) {
        if (error.isEmpty() && path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive)) {
            // Qt's printing runs on the GUI thread; the HTML part was prepared in the background.
            if (auto st = writeReportPdf(*pendingReport_, path.toStdString()); !st)
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

void Workspace::detect(const QString& imagePath) {
    if (!fp32_ || !quantized_)
        return;
    if (awaitingPreprocessing()) {
        pendingDetection_ = imagePath;
        return;
    }
    const quint64 generation = ++detectionGeneration_;
    auto work = [detectors = detectorPair(), path = imagePath.toStdString()] { return detectors->detect(path); };
    auto done = [this, generation, imagePath](DetectionOutcome outcome) {
        if (generation != detectionGeneration_)
            return;  // the user moved on to another image
        if (!outcome.error.isEmpty())
            emit detectionFailed(imagePath, outcome.error);
        else
            emit detectionReady(imagePath, outcome.fp32, outcome.quantized, outcome.summary);
    };
    runInBackground<DetectionOutcome>(tr("Detecting objects in %1...").arg(QFileInfo(imagePath).fileName()),
                                      std::move(work), std::move(done));
}

void Workspace::requantize() {
    if (!fp32_) {
        emit errorOccurred(tr("Open the FP32 model first."));
        return;
    }
    if (images_.isEmpty()) {
        emit errorOccurred(tr("Choose images first (File > Open Images): they calibrate the quantization."));
        return;
    }
    auto inputs = quantizationInputs();
    if (!inputs)
        return;
    const auto& report = activations_->report();
    const double before = report.outputs.empty() ? NAN : report.outputs.front().metrics.sqnrDb;
    const int excluded = static_cast<int>(inputs->settings.nodesToExclude.size());
    using Outcome = std::pair<std::shared_ptr<const LoadedModel>, QString>;
    auto work = [fp32 = fp32_, cancel = cancel_, in = std::move(inputs).value()]() -> Outcome {
        const auto& [images, settings, calibration] = in;
        TaskControl control;
        control.cancel = cancel.get();
        CalibrationCache cache;
        auto stats = cache.get(fp32->analyzed.model, images, calibration, control);
        if (!stats)
            return {nullptr, QString::fromStdString(stats.errorMessage())};
        auto q = quantizeQdq(fp32->analyzed.model, **stats, settings);
        if (!q)
            return {nullptr, QString::fromStdString(q.errorMessage())};
        auto analyzed = AnalyzedModel::analyze(std::move(q->model));
        if (!analyzed)
            return {nullptr, QString::fromStdString(analyzed.errorMessage())};
        ModelSummary summary = summarize(analyzed->model, analyzed->qdq);
        return {std::make_shared<const LoadedModel>(LoadedModel{std::move(analyzed).value(), std::move(summary)}), {}};
    };
    auto done = [this, before](Outcome outcome) {
        if (!outcome.first) {
            emit errorOccurred(outcome.second);
            return;
        }
        quantized_ = outcome.first;
        unsavedModel_ = true;
        detectors_.reset();  // their sessions were for the model just replaced
        emit modelChanged(Slot::Quantized);
        emit requantized(before);
        recomputeWeights();
        compareActivations();
    };
    runInBackground<Outcome>(tr("Quantizing with %n excluded nodes...", nullptr, excluded), std::move(work), std::move(done));
}

Result<std::vector<std::string>> Workspace::imageFiles() const {
    std::vector<std::string> paths;
    for (const QString& p : images_)
        paths.push_back(p.toStdString());
    return collectImages(paths);
}

QuantizerSettings Workspace::settingsWithExclusions() const {
    QuantizerSettings settings = quantizerSettings_;
    settings.nodesToExclude.clear();
    for (const QString& n : exclusions_)
        settings.nodesToExclude.push_back(n.toStdString());
    std::sort(settings.nodesToExclude.begin(), settings.nodesToExclude.end());  // stable exports
    return settings;
}

std::optional<Workspace::QuantizationInputs> Workspace::quantizationInputs() {
    auto images = imageFiles();
    if (!images) {
        emit errorOccurred(QString::fromStdString(images.errorMessage()));
        return std::nullopt;
    }
    if (awaitingPreprocessing()) {
        emit errorOccurred(tr("The image preprocessing is still being chosen; try again when it is done."));
        return std::nullopt;
    }
    return QuantizationInputs{std::move(images).value(), settingsWithExclusions(), calibrationFor(fp32_->analyzed.model)};
}

CalibrationOptions Workspace::calibrationFor(const OnnxModel& model) const {
    CalibrationOptions options = calibration_;
    options.preprocess = fp32_ && &model == &fp32_->analyzed.model ? preprocessing() : PreprocessOptions::forModel(model);
    return options;
}

PreprocessOptions Workspace::preprocessing() const {
    if (chosenPreprocessing_)
        return *chosenPreprocessing_;
    return fp32_ ? PreprocessOptions::forModel(fp32_->analyzed.model) : PreprocessOptions{};
}

void Workspace::setAutoPreprocessing(bool on) {
    if (on == autoPreprocessing_)
        return;
    autoPreprocessing_ = on;
    forgetPreprocessing();
    emit preprocessingChanged();
    compareActivations();
}

void Workspace::forgetPreprocessing() {
    chosenPreprocessing_.reset();
    choosingPreprocessing_ = false;
    ++preprocessingGeneration_;  // a search still running is for older inputs
    preprocessingNote_.clear();
    detectors_.reset();
}

bool Workspace::awaitingPreprocessing() {
    if (!autoPreprocessing_ || !fp32_ || chosenPreprocessing_)
        return false;
    if (choosingPreprocessing_)
        return true;
    auto images = imageFiles();
    if (!images || images->empty())
        return false;  // nothing to try the conventions on: the model's default
    choosingPreprocessing_ = true;
    const quint64 generation = ++preprocessingGeneration_;
    using Outcome = std::pair<std::optional<PreprocessChoice>, QString>;
    auto work = [fp32 = fp32_, images = std::move(images).value()]() -> Outcome {
        DetectorOptions options;
        options.preprocess = PreprocessOptions::forModel(fp32->analyzed.model);
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
    p.quantizer = settingsWithExclusions();
    p.calibration = calibration_;
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
    undo_->clear();
    unsavedModel_ = false;
    QSet<QString> excluded;
    for (const auto& n : p.quantizer.nodesToExclude)
        excluded.insert(QString::fromStdString(n));
    setExclusions(excluded);
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
    QSet<QString> excluded;
    for (const auto& n : inferred.settings.nodesToExclude)
        if (!fp32_ || fp32_->analyzed.model.graph().findNode(n) >= 0)  // names the FP32 model knows
            excluded.insert(QString::fromStdString(n));
    quantizerSettings_ = inferred.settings;
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
                 excluded = settingsWithExclusions().nodesToExclude, preprocess = preprocessing(),
                 images = std::move(images).value()]() -> Outcome {
        ActivationOptions options;
        options.preprocess = preprocess;
        const TaskControl control = backgroundControl(self, cancel.get());
        auto report = ql::compareActivations(fp32->analyzed, quant->analyzed, images, options, control);
        if (!report)
            return {nullptr, QString::fromStdString(report.errorMessage())};
        for (const auto& r : undoneExclusions(report->loadRewrites, excluded))
            report->warnings.push_back(undoneExclusionWarning(r, report->optimization));
        return {std::make_shared<ActivationReport>(std::move(report).value()), {}};
    };
    auto done = [this, generation](Outcome outcome) {
        if (generation != activationsGeneration_)
            return;
        if (!outcome.first) {
            if (outcome.second != QStringLiteral("cancelled"))
                emit errorOccurred(outcome.second);
            return;
        }
        activations_->setReport(std::move(*outcome.first));
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
    detectors_.reset();  // their sessions were for the model just replaced
    emit modelChanged(slot);
    recomputeWeights();
}

void Workspace::recomputeWeights() {
    const quint64 generation = ++weightsGeneration_;
    pairing_ = {};
    if (!fp32_ || !quantized_ || quantized_->analyzed.qdq.format != QuantFormat::QDQ) {
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
