// Which quantized nodes hurt the final outputs most, and which to exclude: for each node (or
// group of nodes under a module prefix such as "/model.22/") the objective (output SQNR, detection
// fidelity, or mAP against labels) of the model with only that group left in float, and of the
// model with only that group quantized; then a search for the exclusions that reach a target or
// go as high as a latency budget allows, checked on validation images it does not score on.
// Re-quantization uses the cached calibration, so each candidate costs one quantization (tens of
// ms), one ONNX Runtime session (a few hundred ms for yolov8n) and the inferences.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "detect/Latency.h"
#include "detect/YoloDataset.h"
#include "detect/YoloDecoder.h"
#include "metrics/ErrorMetrics.h"
#include "quantize/Calibrator.h"
#include "quantize/QuantizerSettings.h"
#include "util/TaskControl.h"

namespace ql {

// What "better" means. Every objective is "higher is better".
enum class Objective {
    OutputSqnr,         // output SQNR, dB (the whole output against FP32's)
    DetectionFidelity,  // mAP@0.5 of the quantized model's detections against the FP32 model's (0..1)
    Fidelity50to95,     // the same at IoU 0.5:0.95: box precision counts
    Map50,              // mAP@0.5 against the labels of a dataset
    Map50to95,          // mAP@0.5:0.95 against the labels
    BoxRecovery,        // how much of chosen FP32 boxes the quantized model finds again (0..1): per box
                        // the best same-class box's score x IoU with it over the FP32 score, capped
                        // at 1, averaged over the boxes (ImageSet::targets). Not offered by parseObjective:
                        // only `explain --suggest` (analysis/BoxFix.h) has boxes to aim at.
};

std::string objectiveName(Objective objective);   // "sqnr", "fidelity50", "fidelity50-95", "map50", "map50-95"
std::string objectiveLabel(Objective objective);  // "output SQNR (dB)", "mAP@0.5:0.95 against labels", ...
Result<Objective> parseObjective(const std::string& name);
bool objectiveNeedsLabels(Objective objective);
bool objectiveNeedsDetections(Objective objective);  // fidelity and mAP decode the output as a detector's

// Images, with their labels when the objective is measured against a dataset.
struct ImageSet {
    std::vector<std::string> paths;
    std::vector<std::vector<YoloLabel>> labels;  // one per path when labelled, else empty
    std::vector<std::vector<Detection>> targets; // BoxRecovery: one per path, the FP32 boxes to bring back
                                                 // (original-image pixels, with their FP32 score); else empty
    size_t size() const { return paths.size(); }
    ImageSet slice(size_t begin, size_t count) const;  // images [begin, begin + count), clipped
};

struct SensitivityOptions {
    Objective objective = Objective::OutputSqnr;
    DecodeOptions decode;         // fidelity and mAP: how outputs become detections
    int prefixDepth = 0;          // 0: every node alone; N: group by the first N parts of "/a/b/c"
    bool quantizedOnly = true;    // also measure "only this group quantized"
    PreprocessOptions preprocess;
    SessionOptions session;
};

// One target box as a candidate quantization finds it again (Objective::BoxRecovery).
struct RecoveredBox {
    size_t image = 0, target = 0;  // into ImageSet::paths and ImageSet::targets[image]
    float score = 0.0f;            // the best same-class quantized box's score (0: none at all)
    float iou = 0.0f;              // its IoU with the FP32 box
    double recovery = 0.0;         // min(1, score x IoU / FP32 score)
};

// A candidate quantization scored: the output error, the detection fidelity and the mAP against
// labels when the objective needs them.
struct Score {
    ErrorMetrics output;
    double fidelityMap50 = 0.0;      // quantized detections against FP32's, IoU 0.5
    double fidelityMap50to95 = 0.0;  // the same, IoU 0.5:0.95
    double map50 = 0.0;              // against labels (when given)
    double map50to95 = 0.0;
    size_t images = 0;
    size_t referenceBoxes = 0;       // boxes the mAP is measured against: labels, or FP32 detections
    double boxRecovery = 0.0;        // BoxRecovery: mean of boxes[].recovery
    std::vector<RecoveredBox> boxes; // BoxRecovery: each target box, in image then target order
    double value(Objective objective) const;
};

struct SensitivityEntry {
    std::string group;                  // node name, or module prefix
    std::vector<std::string> nodes;
    Score leftFloat;                    // everything quantized but this group
    Score onlyQuantized;                // nothing quantized but this group
    double gain = 0.0;                  // objective gained by leaving it float (dB, or mAP)
    double sqnrGain = 0.0;              // output SQNR gained (dB): breaks ties when the objective is flat
    int depth = 0;                      // the grouping depth it was found at (0: a node, -1: a tail)
};

struct SensitivityReport {
    Objective objective = Objective::OutputSqnr;
    Score baseline;                     // the model quantized with the given settings
    std::vector<SensitivityEntry> entries;  // most harmful first
    size_t imageCount = 0;
};

// A list of exclusions as measured at one step of the search.
struct SuggestionStep {
    enum class Kind { Start, Added, Dropped, Compared };
    Kind kind = Kind::Start;
    std::string group;                  // added or dropped at this step ("" for the start)
    size_t excludedNodes = 0;           // in total, the settings' own exclusions included
    std::vector<std::string> nodes;     // the whole list at this step
    Score score;                        // on the scoring images
    std::optional<Score> validation;    // on the validation images, when there are any
    double latencyMs = 0.0;             // median inference time of the model at this step
    LatencyStats latency;               // with its spread (min, p95)
    uint64_t modelBytes = 0;            // serialized quantized model
    bool kept = true;                   // false: a forward step undone because validation stopped improving
};

struct Suggestion {
    Objective objective = Objective::OutputSqnr;
    std::vector<SuggestionStep> curve;  // objective and latency against the number of excluded nodes
    std::vector<std::string> nodesToExclude;
    bool reachedTarget = false;         // on validation when there is a validation set, else on scoring
    std::string stopReason;             // why the search stopped, for the user
    std::vector<std::string> warnings;  // e.g. a scoring set too small to tell candidates apart
    std::optional<SuggestionStep> compared;  // a list the user gave, measured the same way
    // SearchOptions::tryInt16: the groups moved from float to INT16, their nodes, and the
    // TensorQuantOverrides that quantize them so (the settings' own overrides included), with the
    // objective of the final mix and of the same list all float.
    std::vector<std::string> groupsInt16;
    std::vector<std::string> nodesInt16;
    nlohmann::json tensorQuantOverrides = nlohmann::json::object();
    std::optional<Score> int16Score, floatScore;
};

// TensorQuantOverrides putting `nodes` at 16 bits: their float activation inputs and outputs
// QUInt16 (QInt16 when the activation type is signed), their weights (input 1 of Conv,
// ConvTranspose, Gemm; MatMul's initializers) QInt16, per channel when the settings are. Tensors
// the settings already override keep their entries.
nlohmann::json int16Overrides(const Graph& graph, const std::vector<std::string>& nodes, const QuantizerSettings& settings);

// How the search runs. `target` infinite: as high as the objective goes.
struct SearchOptions {
    double target = std::numeric_limits<double>::infinity();  // dB, or mAP (0..1)
    double maxLatencyMs = 0.0;     // > 0: a step whose model is slower (median) is not taken
    size_t maxSteps = 10;
    size_t candidatesPerStep = 6;  // the best-ranked candidates scored at each forward step
    double sizeExponent = 0.5;     // a step's gain is divided by (nodes it adds)^this: 0 takes the best
                                   // candidate whatever its size; 0.5 a whole module only when it gains
                                   // far more than one of its nodes (float nodes cost latency)
    double minGain = -1.0;         // a step must gain more (scoring); < 0: 0.05 dB or 0.001 mAP
    size_t patience = 2;           // forward steps without a validation gain before stopping
    bool backward = true;          // then drop exclusions that no longer help
    // Then INT16 as a step before float: each group the search left float is tried with 16-bit
    // activations (QUInt16, or QInt16 for signed activation types) on its nodes' inputs and outputs
    // and QInt16 weights, through TensorQuantOverrides; it stays INT16 when the objective is within
    // minGain of leaving it float. Off here; `quantlens-cli suggest` turns it on (--no-int16 off).
    bool tryInt16 = false;
    int latencyWarmup = 2, latencyRuns = 10;
};

double defaultMinGain(Objective objective);

// What the search needs to know about a list of exclusions; the real one quantizes and runs
// ONNX Runtime, tests give hand-made figures.
class ExclusionEvaluator {
public:
    virtual ~ExclusionEvaluator() = default;
    virtual Result<Score> score(const std::vector<std::string>& excluded) = 0;  // on the scoring images
    // Validation (when there are validation images), latency and size of the quantized model.
    virtual Status measure(const std::vector<std::string>& excluded, SuggestionStep& step) = 0;
};

// Greedy forward steps over `ranked` (best first; at each step the best `candidatesPerStep` that
// still add nodes are scored, and the one with the best gain / (new nodes)^sizeExponent that gains
// more than minGain is taken), stopping at the target, at maxSteps, when nothing gains minGain, or when validation
// has not improved for `patience` steps (the list then goes back to the best validation step);
// then a backward pass drops every group whose removal costs no more than minGain.
Result<Suggestion> searchExclusions(ExclusionEvaluator& evaluator, Objective objective,
                                    const std::vector<std::string>& startExcluded,
                                    const std::vector<SensitivityEntry>& ranked, const SearchOptions& options,
                                    const TaskControl& control = {});

// Groups of quantizable nodes (in the FP32 model) not already excluded.
std::vector<std::pair<std::string, std::vector<std::string>>> candidateGroups(const OnnxModel& fp32,
                                                                              const QuantizerSettings& settings,
                                                                              int prefixDepth);

Result<SensitivityReport> analyzeSensitivity(const OnnxModel& fp32, const CalibrationData& calibration,
                                             const QuantizerSettings& settings, const std::vector<std::string>& images,
                                             const SensitivityOptions& options, const TaskControl& control = {});

// The ranking Suggest starts from, at several depths at once: every module (depth 1), then the
// sub-modules (depth 2) of the `expand` best modules, then the nodes of the `expand` best
// sub-modules, and tails (a node of the best modules and every node after it, up to 24 nodes:
// depth -1); `finestDepth` 1 or 2 stops at that depth. Each is scored "left float" on `images`.
Result<SensitivityReport> screenCandidates(const OnnxModel& fp32, const CalibrationData& calibration,
                                           const QuantizerSettings& settings, const ImageSet& images,
                                           const SensitivityOptions& options, int finestDepth, size_t expand,
                                           const TaskControl& control = {});

// The whole search on real models: candidates scored on `scoring`, every step checked on
// `validation` (may be empty), and `compareWith` (when not null) measured the same way.
Result<Suggestion> suggestExclusions(const OnnxModel& fp32, const CalibrationData& calibration,
                                     const QuantizerSettings& settings, const ImageSet& scoring,
                                     const ImageSet& validation, const SensitivityOptions& options,
                                     const SensitivityReport& ranking, const SearchOptions& search,
                                     const std::vector<std::string>* compareWith = nullptr,
                                     const TaskControl& control = {});

// Greedy: from the most harmful groups (by `ranking`), exclude the one that helps most, until
// the objective reaches `target` (dB, or mAP) or `maxSteps` groups are excluded.
Result<Suggestion> suggestExclusions(const OnnxModel& fp32, const CalibrationData& calibration,
                                     const QuantizerSettings& settings, const std::vector<std::string>& images,
                                     const SensitivityOptions& options, const SensitivityReport& ranking,
                                     double target, size_t maxSteps, size_t candidatesPerStep = 6,
                                     const TaskControl& control = {});

// What the app's Suggest Exclusions asks for: the objective, how the search runs and on which of
// the images, as its dialog sets it.
struct SuggestionRequest {
    Objective objective = Objective::OutputSqnr;
    double target = 30.0;  // dB, or mAP (0..1) for the fidelity objectives
    int prefixDepth = 1;   // 0: every node alone; 1: modules such as /model.22/
    int maxSteps = 10;
    int scoredImages = 4;  // the first N images score each candidate
    bool fromCurrentExclusions = false;  // start from the exclusion list as it is, else from none
    double maxLatencyMs = 0.0;  // > 0: no step whose model's median latency is higher
    bool validateOnRest = true;  // check every step on the images not scored on, and stop when that stops improving
    bool tryInt16 = false;  // SearchOptions::tryInt16: each group left float is tried at INT16 first
};

}  // namespace ql
