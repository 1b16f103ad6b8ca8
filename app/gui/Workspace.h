// The models and analysis results the window shows. Loading and analysis run off the GUI thread;
// widgets observe this object's signals and item models.
#pragma once

#include <QFutureWatcher>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QUndoStack>
#include <atomic>
#include <memory>

#include "analysis/Sensitivity.h"
#include "quant/AnalyzedModel.h"
#include "quant/ModelPairing.h"
#include "project/Project.h"
#include "quantize/QuantizerSettings.h"
#include "report/ModelSummary.h"

namespace ql {

class ActivationErrorModel;
struct ReportContent;
class WeightErrorModel;

// What Suggest Exclusions aims for and how it searches.
struct SuggestionRequest {
    Objective objective = Objective::OutputSqnr;
    double target = 30.0;  // dB, or mAP (0..1) for the fidelity objectives
    int prefixDepth = 1;   // 0: every node alone; 1: modules such as /model.22/
    int maxSteps = 10;
    int scoredImages = 4;  // the first N images score each candidate
    bool fromCurrentExclusions = false;  // start from the exclusion list as it is, else from none
    double maxLatencyMs = 0.0;  // > 0: no step whose model's median latency is higher
    bool validateOnRest = true;  // check every step on the images not scored on, and stop when that stops improving
};

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
    // Runs both models on the images in the background; progress and cancel as any long task.
    void compareActivations();
    void cancel();

    // Nodes to leave float when re-quantizing (FP32 node names); edits go through undoStack().
    const QSet<QString>& exclusions() const { return exclusions_; }
    void setExclusions(const QSet<QString>& names);
    QUndoStack* undoStack() const { return undo_; }
    void toggleExclusion(const QString& node);  // undoable
    // Quantizes the FP32 model with the exclusions, calibrating on the images (statistics cached),
    // and makes the result the quantized model.
    void requantize();
    bool saveQuantizedModel(const QString& path, QString* error) const;
    // Both models on one image in the background; detectionReady brings the annotated pictures.
    void detect(const QString& imagePath);
    // The stakeholder report (HTML, or PDF for a .pdf path) from what is loaded and compared,
    // with detections on up to two of the images; written in the background.
    void exportReport(const QString& path);
    // Sensitivity by group, then the fewest exclusions reaching the request's target, calibrating
    // on the images (cached); on suggestionReady, lastSuggestion() holds the curve and the list.
    void suggestExclusions(const SuggestionRequest& request);
    const SuggestionRequest& suggestionRequest() const { return suggestionRequest_; }  // the last one asked
    const std::optional<Suggestion>& lastSuggestion() const { return lastSuggestion_; }
    void applyExclusions(const QSet<QString>& names);  // undoable
    void excludeNodes(const QStringList& names, bool exclude);  // undoable, one step for all

    // Quantization options (their nodesToExclude is ignored: exclusions() are the list) and the
    // calibration method, both used by requantize() and suggestExclusions().
    const QuantizerSettings& quantizerSettings() const { return quantizerSettings_; }
    void setQuantizerSettings(const QuantizerSettings& settings) { quantizerSettings_ = settings; }
    const CalibrationOptions& calibrationOptions() const { return calibration_; }
    void setCalibrationOptions(const CalibrationOptions& options) { calibration_ = options; }

    // Image preprocessing: the FP32 model's default (letterbox, RGB, 0-1, its input size) or,
    // with auto on, the convention under which the FP32 model's detections on the first images
    // are most confident (detect/PreprocessSearch.h), chosen in the background once per FP32
    // model and images; comparison, detections, calibration and suggestions all use it.
    void setAutoPreprocessing(bool on);
    bool autoPreprocessing() const { return autoPreprocessing_; }
    const QString& preprocessingNote() const { return preprocessingNote_; }  // what auto chose, and from what

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
    void suggestionReady();
    void detectionReady(const QString& imagePath, const QImage& fp32, const QImage& quantized, const QString& summary);
    void detectionFailed(const QString& imagePath, const QString& message);
    void preprocessingChanged();

private:
    // The one way background work runs here: busy (status bar, screenshots wait) with
    // `busyText` while `work` runs on a worker thread, then `done` gets its result on this thread.
    template <typename Outcome, typename Work, typename Done>
    void runInBackground(const QString& busyText, Work work, Done done);
    void recomputeWeights();
    QuantizerSettings settingsWithExclusions() const;
    CalibrationOptions calibrationFor(const OnnxModel& model) const;
    PreprocessOptions preprocessing() const;  // for the loaded FP32 model
    // With auto on and no convention chosen yet for these inputs, starts choosing (once) and says
    // true: the caller waits, and runs again when the choice is made.
    bool awaitingPreprocessing();
    void forgetPreprocessing();  // the FP32 model or the images changed
    // What quantizing the FP32 model needs: the image files (folders expanded), the settings with
    // the exclusions, the calibration options; after reporting why, nothing when the images
    // cannot be listed. The FP32 model must be loaded.
    struct QuantizationInputs {
        std::vector<std::string> images;
        QuantizerSettings settings;
        CalibrationOptions calibration;
    };
    std::optional<QuantizationInputs> quantizationInputs();

    std::shared_ptr<const LoadedModel> fp32_;
    std::shared_ptr<const LoadedModel> quantized_;
    struct Pairing {
        std::shared_ptr<const ModelPairing> pairing;
        std::shared_ptr<const LoadedModel> fp32, quantized;  // the models it pairs
    } pairing_;
    struct DetectorPair;
    // The detectors of the two loaded models, made once for them and reused image after image.
    std::shared_ptr<DetectorPair> detectorPair();
    std::shared_ptr<DetectorPair> detectors_;
    WeightErrorModel* weights_;
    ActivationErrorModel* activations_;
    QStringList images_;
    QSet<QString> exclusions_;
    QuantizerSettings quantizerSettings_;
    CalibrationOptions calibration_;
    SuggestionRequest suggestionRequest_;
    std::optional<Suggestion> lastSuggestion_;
    bool requantizeWhenFp32Loads_ = false;  // set by openProject
    bool unsavedModel_ = false;
    bool suggestionAsked_ = false;  // the user has chosen Suggest's objective at least once
    bool autoPreprocessing_ = false;
    std::optional<PreprocessOptions> chosenPreprocessing_;  // auto's choice for fp32_ and images_
    bool choosingPreprocessing_ = false;
    quint64 preprocessingGeneration_ = 0;
    QString preprocessingNote_;
    QString pendingDetection_;  // an image asked for while the preprocessing was being chosen
    QUndoStack* undo_;
    std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
    int pendingJobs_ = 0;
    quint64 weightsGeneration_ = 0;
    quint64 activationsGeneration_ = 0;
    quint64 detectionGeneration_ = 0;
    std::shared_ptr<ReportContent> pendingReport_;  // filled in the background, printed here
};

}  // namespace ql
