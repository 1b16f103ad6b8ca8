// Detector-aware comparison of the FP32 and the quantized model's final outputs: each output as a
// whole and, read with its detector layout, box coordinates, objectness and class scores apart,
// with the detections of both compared (DetectionFidelity). A quantized output whose class scores
// collapse (none reaches the threshold, all equal, or a Q/DQ step too coarse for scores of 0..1)
// is reported as a failure, whatever its whole-tensor SQNR says.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "detect/DetectionFidelity.h"
#include "detect/OutputParts.h"
#include "detect/YoloDecoder.h"
#include "metrics/ErrorMetrics.h"
#include "preprocess/ImagePreprocessor.h"
#include "model/Graph.h"
#include "inspect/QdqStructure.h"
#include "runtime/InferenceSession.h"

namespace ql {

struct OutputPartError {
    OutputPartKind kind = OutputPartKind::Boxes;
    ErrorMetrics metrics;
    float fp32Min = 0, fp32Max = 0;
    float quantizedMin = 0, quantizedMax = 0;
};

struct OutputError {
    std::string name;
    ErrorMetrics metrics;                      // whole tensor: FP32 vs the quantized model as deployed
    std::optional<ErrorMetrics> instrumented;  // the same from the per-layer (instrumented) run, when it differs
    std::string layout;                        // the detector layout it was read with; empty: not read as detections
    std::vector<OutputPartError> parts;
    std::vector<std::string> failures;         // "class scores collapse: ..."
};

// A Q/DQ step on a detector output too coarse for its class scores, found from the scales alone.
struct ScoreStepProblem {
    std::string output;
    std::string tensor;   // the quantized tensor whose step it is
    float scale = 0.0f;
    bool failure = false;  // else a warning: coarse but not collapsed
    std::string message;
};

// The quantized model's class-score quantization, for `inspect` and `compare`: the Q/DQ pairs
// that a detector output leaves the graph through, against the 0..1 range its scores take.
std::vector<ScoreStepProblem> scoreStepProblems(const Graph& graph, const QdqStructure& qdq, int inputWidth,
                                                int inputHeight, YoloLayout layout = YoloLayout::Auto);

class OutputComparer {
public:
    // `decode` as the user set it: its confidence is the shown threshold; predictions for mAP are
    // kept down to 0.001.
    OutputComparer(std::vector<std::string> outputNames, const DecodeOptions& decode, int inputWidth, int inputHeight);

    // One image: the k-th view of each side is the k-th output.
    void add(const std::vector<const TensorView*>& fp32, const std::vector<const TensorView*>& quantized,
             const LetterboxTransform& transform, const std::string& image = {});

    std::vector<OutputError> outputs() const;
    std::optional<DetectionFidelity> fidelity() const;  // when the output was read as detections
    const std::vector<std::string>& notes() const { return notes_; }

private:
    // One kind of part over every output it lies in (a per-level head's boxes on each level).
    struct PartAccumulator {
        OutputPartKind kind;
        std::vector<OutputPart> pieces;  // piece.output: an index into the model's outputs
        ErrorAccumulator error;
        float fp32Min, fp32Max, quantizedMin, quantizedMax;
    };
    void chooseLayout(const std::vector<const TensorView*>& fp32);

    std::vector<std::string> names_;
    DecodeOptions decode_;
    int inputWidth_, inputHeight_;
    std::vector<ErrorAccumulator> whole_;
    bool layoutChosen_ = false;
    YoloLayout layout_ = YoloLayout::Auto;
    std::vector<size_t> read_;  // the outputs the head reads, in its order (indices into names_)
    std::vector<PartAccumulator> parts_;
    std::optional<FidelityAccumulator> fidelity_;
    std::vector<std::string> notes_;
};

}  // namespace ql
