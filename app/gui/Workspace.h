// The models and analysis results the window shows. Loading and analysis run off the GUI thread;
// widgets observe this object's signals and item models.
#pragma once

#include <QFutureWatcher>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QUndoStack>
#include <atomic>
#include <map>
#include <memory>

#include "analysis/BoxFix.h"
#include "analysis/BoxTrace.h"
#include "analysis/Sensitivity.h"
#include "detect/BoxExplanation.h"
#include "detect/Detector.h"
#include "detect/YoloDataset.h"
#include "detect/MapEvaluator.h"
#include "inspect/AnalyzedModel.h"
#include "inspect/ModelPairing.h"
#include "project/Project.h"
#include "project/RunHistory.h"
#include "quantize/QuantizerSettings.h"
#include "report/DetectionReport.h"
#include "study/Study.h"
#include "inspect/ModelSummary.h"
#include "PresentationView.h"

namespace ql {

class ActivationErrorModel;
struct ReportContent;
struct StudyInputs;
class WeightErrorModel;

class Workspace : public QObject {
    Q_OBJECT
public:
    enum class Slot { Fp32, Quantized };

    struct LoadedModel {
        AnalyzedModel analyzed;
        ModelSummary summary;
    };

    explicit Workspace(QObject* parent = nullptr);
    ~Workspace() override;

    // Loads in the background. With `slot` unset, a float model goes to the FP32 slot and a
    // quantized one to the quantized slot.
    void openModel(const QString& path, std::optional<Slot> slot = std::nullopt);
    void closeModel(Slot slot);
    const LoadedModel* model(Slot slot) const;
    std::shared_ptr<const LoadedModel> sharedModel(Slot slot) const { return slot == Slot::Fp32 ? fp32_ : quantized_; }
    bool isBusy() const { return pendingJobs_ > 0; }  // loading or analysing

    WeightErrorModel* weightModel() const { return weights_; }
    // Which quantized node is which FP32 node; null until both models are loaded and compared.
    const ModelPairing* pairing() const;
    int quantizedNodeFor(int fp32Node) const;  // -1 when unpaired
    ActivationErrorModel* activationModel() const { return activations_; }

    // Images for the activation comparison (files and/or folders).
    void setImages(const QStringList& paths);
    const QStringList& images() const { return images_; }
    Result<std::vector<std::string>> imageFiles() const;  // the chosen images, folders expanded

    // The calibration set (files and/or folders) that re-quantize and Suggest calibrate on; empty:
    // the comparison images calibrate. Suggest scores its candidates on the comparison images.
    void setCalibrationImages(const QStringList& paths);
    const QStringList& calibrationImages() const { return calibrationImages_; }
    Result<std::vector<std::string>> calibrationFiles() const;  // the set, folders expanded, or the comparison images
    // Which images calibrate, as a short sentence: "11 images of /path/calibration", "the 3
    // comparison images (no calibration set chosen)". Lists the folders each time: ask on
    // calibrationChanged(), not on every repaint.
    QString calibrationDescription() const;
    QString describeCalibration(const QStringList& calibrationSet) const;  // the same for a set not yet chosen
    // Runs both models on the images in the background; progress and cancel as any long task.
    void compareActivations();
    void cancel();

    // Nodes to leave float when re-quantizing (FP32 node names, sorted, no repeats): the
    // quantizer settings' nodesToExclude, the one place the list is kept. Edits go through
    // undoStack().
    const std::vector<std::string>& exclusions() const { return quantizerSettings_.nodesToExclude; }
    bool isExcluded(const QString& node) const;
    QSet<QString> exclusionSet() const;  // for the views that mark excluded rows and nodes
    void setExclusions(std::vector<std::string> names);  // sorted here; not undoable
    QUndoStack* undoStack() const { return undo_; }
    void toggleExclusion(const QString& node);  // undoable
    // Quantizes the FP32 model with the exclusions, calibrating on the images (statistics cached),
    // and makes the result the quantized model and a new run. The first re-quantize with
    // exclusions also makes the baseline, the same settings with none, so that drift from the
    // calibration or the settings shows before an exclusion gets credit for a change.
    void requantize(RunOrigin origin = RunOrigin::Requantized);

    // The session's runs: every quantized model shown, loaded or made here, with its figures,
    // measured in the background when nothing else runs (outputs as deployed on the comparison
    // images, then latency). Runs restored from a project have figures but no model.
    const RunHistory& runs() const { return runs_; }
    int currentRun() const { return currentRun_; }  // the run shown as the quantized model; 0: none
    bool hasRunModel(int number) const;
    void showRun(int number);  // makes that run's model the quantized model of every view
    std::shared_ptr<const ActivationReport> runReport(int number) const;  // when measured in this session
    // The exclusion list against the one the shown model was made or shown with: what a
    // re-quantize would change.
    ExclusionDiff exclusionsSinceCurrentRun() const;
    bool exportRunsCsv(const QString& path, QString* error) const;
    // A labelled data set (a folder with images/ and labels/, or a YOLO data YAML): each run's
    // mAP is measured on it in the background, and the FP32 model's once for reference.
    void setDataSet(const QString& path);
    const QString& dataSet() const { return dataSet_; }
    int dataSetImages() const { return loadedDataSet_ ? static_cast<int>(loadedDataSet_->images.size()) : 0; }
    const std::optional<MapResult>& fp32Accuracy() const { return fp32Accuracy_; }
    bool saveQuantizedModel(const QString& path, QString* error) const;
    // What Analysis › Study starts from (StudyDialog.h): the FP32 model, the data set, the session's
    // detector, preprocessing, calibration set and quantizer settings, the study cache, and the
    // current and the runs' exclusion lists; after saying why (errorOccurred), nothing.
    std::optional<StudyInputs> studyInputs();
    // The last study finished in the app: the report shows its table and Pareto plot.
    void setStudy(const StudyResult& study) { study_ = study; }
    const std::optional<StudyResult>& study() const { return study_; }
    // Both models on one image in the background; detectionReady brings the annotated pictures,
    // after which detectedBoxes() holds the boxes drawn in them (image pixels) and
    // imageChangeReady the image's figures.
    void detect(const QString& imagePath);
    const DetectionComparison& detectedBoxes() const { return detectedBoxes_; }
    // Every image of `files` through both models in the background, with progress and Cancel:
    // imageChangeReady brings each image's figures as it is run, for the list ranked by change.
    void rankImages(const QStringList& files);
    // Why INT8 lost boxes of an image (detect/BoxExplanation.h), in the background: the FP32 box
    // overlapping `fp32Box` (image pixels) most, or with none every missed and moved box. On
    // boxExplained, lastExplanation() holds it, for that image, with the class names.
    void explainBoxes(const QString& imagePath, std::optional<Box> fp32Box = std::nullopt);
    const ImageExplanation& lastExplanation() const { return explanation_; }
    const std::vector<std::string>& explanationClassNames() const { return explanationClassNames_; }
    // Where each explained box was lost (analysis/BoxTrace.h), traced in the background after
    // boxExplained: both models captured once per image (kept for that image, so another box of
    // it traces without running them again), each box's cell traced, its DFL sides read. On
    // boxesTraced, boxTraces() holds one entry per box of lastExplanation().
    struct TracedBox {
        std::optional<BoxTrace> trace;
        QString problem;  // why there is no trace
        std::optional<DflDistributions> dfl;
        QString dflProblem;
    };
    const std::vector<TracedBox>& boxTraces() const { return boxTraces_; }
    // "Fix this box": the nodes to leave float so that the quantized model finds `targets` (FP32
    // boxes of the explained image) again (analysis/BoxFix.h, as explain --suggest), calibrated on
    // the calibration set, in the background with progress and Cancel; boxFixReady brings it.
    void suggestBoxFix(const QString& imagePath, const std::vector<Detection>& targets);
    const std::shared_ptr<const BoxFix>& lastBoxFix() const { return lastBoxFix_; }
    float detectionConfidence() const { return decodeOptions().confidence; }  // a box below it is not found
    // Applies the last box fix as a new run: the quantized model's settings read back and the
    // suggested list as the exclusions, in one undo step, then re-quantized.
    void applyBoxFix();
    // The images explained in this session, in order: the report gets a page per box INT8
    // missed or moved on each (with the layer where it was lost).
    const QStringList& explainedImages() const { return explainedImages_; }
    // The stakeholder report (HTML, or PDF for a .pdf path) from what is loaded and compared,
    // with detections on up to two of the images; written in the background.
    void exportReport(const QString& path);
    // Presentation mode's pictures: the `count` comparison images INT8 changed most, FP32 and INT8
    // drawn apart, with the verdict's headline; presentationReady brings them.
    // With `video` (a file isVideoPath accepts), its frames instead of the images: about 120 spread
    // over the clip, read one at a time.
    void preparePresentation(int count = 8, const QString& video = QString());
    // Presentation mode playing a video: both models on its frames from frame `from`, at the
    // clip's own pace (the frames the models cannot keep up with are skipped); playbackFrame
    // brings each frame drawn, playbackEnded the end, empty or saying why it stopped. A pause holds
    // the clip where it is; stopPlayback() or Cancel ends it.
    void playVideo(const QString& video, int from = 0);
    void setPlaybackPaused(bool paused);
    void stopPlayback();
    bool isPlaying() const { return playback_ != nullptr; }
    // Sensitivity by group, then the fewest exclusions reaching the request's target, calibrating
    // on the images (cached); on suggestionReady, lastSuggestion() holds the curve and the list.
    void suggestExclusions(const SuggestionRequest& request);
    const SuggestionRequest& suggestionRequest() const { return suggestionRequest_; }  // the last one asked
    const std::optional<Suggestion>& lastSuggestion() const { return lastSuggestion_; }
    void applyExclusions(const std::vector<std::string>& names, const QString& undoText = QString());  // undoable
    void excludeNodes(const QStringList& names, bool exclude);  // undoable, one step for all

    // Per-node precision: INT8 (as the settings quantize it), INT16 (16-bit Q/DQ on its activations
    // and weights through TensorQuantOverrides, the entries analysis/Sensitivity.h int16Overrides
    // makes, as `quantize --tensor-overrides` takes them) or float (the exclusion list). Kept in the
    // quantizer settings, so projects save them and re-quantize applies them.
    enum class Precision { Int8, Int16, Float };
    void setNodePrecision(const QStringList& names, Precision precision);  // undoable, one step for all
    // The whole float and INT16 lists at once (a suggestion with INT16 groups): one undo step.
    void applyPrecisions(std::vector<std::string> floatNodes, std::vector<std::string> int16Nodes, const QString& undoText);
    Precision nodePrecision(const QString& node) const;
    // FP32 nodes every one of whose int16Overrides entries the overrides hold at 16 bits.
    QSet<QString> int16Nodes() const;
    // The exclusions and TensorQuantOverrides as one state (the undo steps above set it).
    void setPrecisionState(std::vector<std::string> exclusions, nlohmann::json overrides);

    // Quantization options with the exclusion list, and the calibration method, both used by
    // requantize() and suggestExclusions(). Setting them keeps the exclusion list: it changes
    // only through the undoable edits above.
    const QuantizerSettings& quantizerSettings() const { return quantizerSettings_; }
    void setQuantizerSettings(const QuantizerSettings& settings);
    const CalibrationOptions& calibrationOptions() const { return calibration_; }
    void setCalibrationOptions(const CalibrationOptions& options) { calibration_ = options; }

    // Image preprocessing: the FP32 model's default (letterbox, RGB, 0-1, its input size); with
    // Automatic, the convention under which the FP32 model's detections on the first comparison
    // images are most confident (detect/PreprocessSearch.h), chosen in the background once per
    // FP32 model and images; or a custom convention at the model's input size. Comparison,
    // detections, calibration and suggestions all use it.
    void setPreprocessingChoice(const PreprocessingChoice& choice);
    const PreprocessingChoice& preprocessingChoice() const { return preprocessingChoice_; }
    void setAutoPreprocessing(bool on);  // Automatic, or from Automatic back to the model's default
    // The detector head the outputs are read with (the CLI's --layout): Auto finds it from the
    // output shapes and the model's class names; a model whose shapes fit several heads needs one.
    // Detections, fidelity, mAP, suggestions and the report all read outputs this way.
    void setDetectorHead(YoloLayout layout);
    YoloLayout detectorHead() const { return detectorHead_; }
    bool autoPreprocessing() const { return preprocessingChoice_.mode == PreprocessingMode::Automatic; }
    QString preprocessingNote() const;  // what auto chose and from what, or the custom convention

    // Takes the quantize_static settings read back from the loaded quantized (QDQ) model as the
    // re-quantize settings, and the nodes it left float as the exclusion list (one undo step).
    // Nothing, after saying why, when there is no such model.
    std::optional<InferredSettings> adoptQuantizedModelSettings();

    // The bundled demo (project/Demo.h): YOLOv8n FP32, its INT8 version made on first use in the
    // background, two photos and the exclusions it was made with, opened as a project.
    void openDemo();

    // The session as a project, and back: models load, a quantized model made in the app is
    // made again from the saved settings, and the exclusions start a fresh undo history.
    Project project() const;
    void openProject(const Project& project);
    // Exclusions edited, or a model re-quantized, since the project was opened or saved.
    bool hasUnsavedChanges() const { return !undo_->isClean() || unsavedModel_; }
    bool hasUnsavedModel() const { return unsavedModel_; }  // the quantized model was made here and not saved
    void markSaved();

signals:
    void modelChanged(ql::Workspace::Slot slot);
    void busyChanged(bool busy, const QString& message);
    void errorOccurred(const QString& message);
    void weightsChanged();
    void activationsChanged();
    void progress(int done, int total, const QString& what);
    void exclusionsChanged();
    void requantized(double outputSqnrBefore);
    void reportWritten(const QString& path);
    // `video`: the clip the slides come from, which presentation mode can then play; empty for images.
    void presentationReady(const QVector<ql::PresentationSlide>& slides, const QString& headline, const QString& video);
    void playbackFrame(const ql::PresentationSlide& slide, int frameIndex);
    void playbackEnded(const QString& error);
    void suggestionReady();
    void detectionReady(const QString& imagePath, const QImage& fp32, const QImage& quantized, const QString& summary);
    void detectionFailed(const QString& imagePath, const QString& message);
    void imageChangeReady(const QString& imagePath, const ql::ImageChange& change);
    void boxExplained(const QString& imagePath);
    void boxesTraced(const QString& imagePath);
    void boxFixReady();
    void boxFixFailed(const QString& message);  // empty: cancelled
    void preprocessingChanged();
    void runsChanged();  // a run added or measured, or another one shown
    void calibrationChanged();  // the calibration set, or the comparison images it falls back to

private:
    // The one way background work runs here: busy (status bar, screenshots wait) with
    // `busyText` while `work` runs on a worker thread, then `done` gets its result on this thread.
    template <typename Outcome, typename Work, typename Done>
    void runInBackground(const QString& busyText, Work work, Done done);
    void recomputeWeights();
    // What the report and presentation mode start from: both models, the runs and the comparison
    // shown. Both models must be loaded.
    ReportContent reportContent() const;
    CalibrationOptions calibrationFor(const OnnxModel& model) const;
    PreprocessOptions preprocessing() const;  // for the loaded FP32 model, under preprocessingChoice_
    DecodeOptions decodeOptions() const;      // the detector head and the FP32 model's class count
    // With auto on and no convention chosen yet for these inputs, starts choosing (once) and says
    // true: the caller waits, and runs again when the choice is made.
    bool awaitingPreprocessing();
    void forgetPreprocessing();  // the FP32 model or the images changed
    // What quantizing the FP32 model needs: the calibration image files (folders expanded), the
    // settings with the exclusions, the calibration options; after reporting why, nothing when
    // the images cannot be listed. The FP32 model must be loaded.
    struct QuantizationInputs {
        std::vector<std::string> images;
        QuantizerSettings settings;
        CalibrationOptions calibration;
    };
    std::optional<QuantizationInputs> quantizationInputs();

    // Adds a run for `model`, or gives the model to the last run restored from a project when one
    // waits for it; makes it current when asked.
    void addRun(Run run, std::shared_ptr<const LoadedModel> model, bool makeCurrent);
    int runOf(const std::shared_ptr<const LoadedModel>& model) const;  // 0: no run has it
    void makeCurrentRun(int number);
    // Starts the next missing measurement of a run (its outputs, then its latency); called when
    // no other job runs, so latencies are not taken while the cores are busy.
    void measureNextRun();

    std::shared_ptr<const LoadedModel> fp32_;
    std::shared_ptr<const LoadedModel> quantized_;
    struct Pairing {
        std::shared_ptr<const ModelPairing> pairing;
        std::shared_ptr<const LoadedModel> fp32, quantized;  // the models it pairs
    } pairing_;
    struct Detectors;
    // The detectors of the two loaded models, made once for them and reused image after image.
    std::shared_ptr<Detectors> detectors();
    std::shared_ptr<Detectors> detectors_;
    WeightErrorModel* weights_;
    ActivationErrorModel* activations_;
    QStringList images_;
    QStringList calibrationImages_;
    QuantizerSettings quantizerSettings_;
    CalibrationOptions calibration_;
    SuggestionRequest suggestionRequest_;
    std::optional<Suggestion> lastSuggestion_;
    std::optional<StudyResult> study_;
    bool requantizeWhenFp32Loads_ = false;  // set by openProject
    bool unsavedModel_ = false;
    bool suggestionAsked_ = false;  // the user has chosen Suggest's objective at least once
    PreprocessingChoice preprocessingChoice_;
    YoloLayout detectorHead_ = YoloLayout::Auto;
    std::optional<PreprocessOptions> chosenPreprocessing_;  // auto's choice for fp32_ and images_
    bool choosingPreprocessing_ = false;
    quint64 preprocessingGeneration_ = 0;
    QString preprocessingNote_;
    QString pendingDetection_;  // an image asked for while the preprocessing was being chosen
    RunHistory runs_;
    struct RunModel {
        std::shared_ptr<const LoadedModel> model;
        std::shared_ptr<const ActivationReport> report;
        bool outputsTried = false, latencyTried = false, accuracyTried = false;
    };
    std::map<int, RunModel> runModels_;
    QString dataSet_;
    std::shared_ptr<const YoloDataset> loadedDataSet_;  // loaded on first use
    std::optional<MapResult> fp32Accuracy_;
    bool fp32AccuracyTried_ = false;
    int currentRun_ = 0;
    std::vector<std::string> exclusionsWhenShown_;  // the list when the current run was made or shown
    bool attachToRestoredRun_ = false;  // a project's last run waits for its model
    QUndoStack* undo_;
    std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
    int pendingJobs_ = 0;
    quint64 weightsGeneration_ = 0;
    quint64 activationsGeneration_ = 0;
    quint64 detectionGeneration_ = 0;
    quint64 rankingGeneration_ = 0;
    DetectionComparison detectedBoxes_;  // of the image detectionReady last brought
    ImageExplanation explanation_;
    std::vector<std::string> explanationClassNames_;
    void traceExplanation(const QString& imagePath);
    std::vector<TracedBox> boxTraces_;
    quint64 traceGeneration_ = 0;
    std::shared_ptr<const BoxFix> lastBoxFix_;
    QStringList explainedImages_;
    std::shared_ptr<ReportContent> pendingReport_;
    struct Playback;
    std::shared_ptr<Playback> playback_;  // a video playing in presentation mode  // filled in the background, printed here
};

}  // namespace ql

Q_DECLARE_METATYPE(ql::ImageChange)
