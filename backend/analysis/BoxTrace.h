// "Where was this box lost?": for one grid cell of a YOLO head, the per-layer error of the
// quantized model restricted to the window of each feature map that the cell depends on, next to
// the whole-tensor error, along the layers the cell's output depends on (topological order), with
// the layer where the local error jumps marked. Also reads the Ultralytics DFL distributions of the
// four sides at the cell. Both models are captured once per image (runtime/ActivationCapture.h,
// tensors paired through inspect/ModelPairing.h, as the per-layer comparison does); every cell
// explained on that image is read from the same capture.
//
// Window rule (documented for the independent check, tests/python/check_box_trace.py): with S the
// cell's head stride, (x, y) its cell and H = TraceOptions::headHalfCells, the window covers the
// input pixels [(x-H)·S, (x+H+1)·S) across and [(y-H)·S, (y+H+1)·S) down, i.e. the head cells
// x-H..x+H, y-H..y+H. On a map of stride s (input width / map width) it is the cells
// floor((x-H)·S/s) .. ceil((x+H+1)·S/s)-1 (the same down), clamped to the map. Every channel of
// the map counts. A fixed window, not a receptive field: the receptive field of a stride-32 cell
// covers most of a 640 input, which would make the local error the whole one.
//
// Jump rule: a traced layer's drop is the local SQNR of its worst traced input (the lowest)
// minus its own local SQNR, both capped at TraceOptions::ceilingDb (an exact tensor, SQNR +inf,
// counts as the ceiling). The layer with the largest positive drop is marked; ties go to the
// earlier layer. The graph input is traced like any map (stride 1), so the first layer's drop is
// measured against the input the quantized model sees.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "detect/BoxExplanation.h"
#include "detect/BoxOrigin.h"
#include "inspect/AnalyzedModel.h"
#include "metrics/ErrorMetrics.h"
#include "runtime/ActivationCapture.h"
#include "runtime/InferenceSession.h"
#include "util/Result.h"

namespace ql {

struct TraceOptions {
    int headHalfCells = 2;    // window half-width at the cell's own head level, in head cells
    double ceilingDb = 40.0;  // local SQNR above this counts as this for the jump (dB): about what one INT8 rounding leaves
};

// One feature map the cell depends on.
struct TracedLayer {
    std::string fp32Tensor;       // as the FP32 model names it
    std::string quantizedTensor;  // what the quantized model's next layer reads (after Q/DQ when quantized)
    std::string node;             // FP32 producer ("(graph input)" for the input)
    std::string op;               // its operator ("Input" for the input)
    int order = -1;               // FP32 topological position of the producer (-1: graph input)
    std::vector<int64_t> shape;   // N, C, H, W
    int stride = 0;               // input pixels per map cell
    int x0 = 0, x1 = 0, y0 = 0, y1 = 0;  // window in map cells: columns [x0, x1), rows [y0, y1)
    ErrorMetrics local;           // FP32 vs quantized inside the window, all channels
    ErrorMetrics whole;           // the same over the whole tensor
    std::vector<int> inputs;      // nearest traced layers it reads (indices into BoxTrace::layers)
    std::optional<double> drop;   // dB, see the jump rule; empty when no traced input
    bool jump = false;            // the marked layer
};

struct BoxTrace {
    GridCell cell;
    std::vector<TracedLayer> layers;   // topological order
    int jumpLayer = -1;                // index into layers; -1 when no layer loses SQNR
    int headHalfCells = 0;
    std::vector<std::string> skipped;  // one line per reason: which tensors the cell depends on were left out
};

// The Ultralytics DFL head as found in the graph (see findDflSoftmax).
struct DflPattern {
    std::string softmax;     // node name
    std::string probabilities;  // its output (FP32 model's name)
    std::string logits;      // the 64-channel box branch feeding its Reshape/Transpose chain
    std::vector<float> binValues;  // the DFL Conv's weights (FP32 model)
};
// Finds, in the FP32 graph, a Softmax whose output feeds a Conv with a constant 16-value weight
// 0, 1, ..., 15 (each within 0.1, so an int8-stored ramp counts; Q/DQ pairs between them are looked
// through), and walks its input back through Reshape/Transpose/Identity/Flatten/Squeeze/Unsqueeze
// and Q/DQ to the box branch ([1,64,anchors] in Ultralytics exports). The error says what is missing.
Result<DflPattern> findDflSoftmax(const Graph& fp32);

// Both models captured once on one image. Keeps pointers to the two models: they must outlive it.
class TraceCapture {
public:
    enum class Scope {
        Dfl,   // only the DFL tensors (explain without --trace)
        Trace  // every tensor the output depends on (and the DFL tensors)
    };
    // `outputName`: the head output the cells are read from (FP32 name). Refuses QOperator and
    // dynamic models (their tensors read as float only through added nodes; use the per-layer
    // comparison), and models with more than one input.
    static Result<TraceCapture> run(const AnalyzedModel& fp32, const AnalyzedModel& quantized, const std::string& outputName,
                                    const PreparedImage& image, Scope scope, const SessionOptions& session);
    // The same on an image read as `detector` (the FP32 side of the pair) reads it: its
    // preprocessing, its output.
    static Result<TraceCapture> run(const AnalyzedModel& fp32, const AnalyzedModel& quantized, const Detector& detector,
                                    const cv::Mat& bgr, Scope scope, const SessionOptions& session);

    // With the head's `layout` (not Auto), only the cell's level is followed at the Concat that
    // joins the levels (its inputs as long along its axis as the levels' anchor counts,
    // levelAnchorCounts); with Auto every input of every node is followed.
    Result<BoxTrace> trace(const GridCell& cell, YoloLayout layout, const TraceOptions& options = {}) const;

    // The four sides' distributions at the cell's output index; the error says why there are none
    // (no DFL pattern, or a layout QuantLens cannot read).
    Result<DflDistributions> dfl(const GridCell& cell) const;
    const std::string& dflProblem() const { return dflProblem_; }

    // Writes, as float32 .npy files under `dir` (created; existing files are not overwritten),
    // each traced layer's whole FP32 and quantized tensors (once per tensor) and the window of each
    // (per box, prefixed "box<k>"), and the DFL logits; returns, per layer, the four file names.
    struct DumpedLayer {
        std::string fp32Whole, quantizedWhole, fp32Window, quantizedWindow;
    };
    Result<std::vector<DumpedLayer>> dump(const BoxTrace& trace, const std::string& dir, const std::string& prefix) const;
    struct DumpedDfl {
        std::string fp32Logits, quantizedLogits;
    };
    Result<DumpedDfl> dumpDfl(const std::string& dir) const;

private:
    const TensorView* fp32View(const std::string& fp32Tensor) const;
    const TensorView* quantizedView(const std::string& fp32Tensor) const;

    const AnalyzedModel* fp32_ = nullptr;
    const AnalyzedModel* quantized_ = nullptr;
    std::string outputName_;
    std::vector<float> input_;
    std::vector<int64_t> inputShape_;
    std::optional<DflPattern> dflPattern_;
    std::string dflProblem_;
    std::vector<std::pair<std::string, std::string>> pairs_;  // FP32 tensor -> quantized tensor captured for it
    std::vector<std::string> unpaired_;                        // FP32 tensors with no quantized counterpart
    std::shared_ptr<RunOutputs> fp32Run_, quantizedRun_;
    mutable std::set<std::string> dumped_;  // files written by dump/dumpDfl (whole tensors are written once)
};

// Adds the DFL distributions at each explained box's cell to `explanation` (Ultralytics heads);
// the note that they are missing goes when every box has them, and says why when none could be read.
void addDflDistributions(ImageExplanation& explanation, const TraceCapture& capture);

// Output indices per level (gridW·gridH·anchors), finest first, for `levelAnchors` above.
Result<std::vector<int64_t>> levelAnchorCounts(YoloLayout layout, const std::vector<int64_t>& outputShape, int inputWidth,
                                               int inputHeight);

}  // namespace ql
