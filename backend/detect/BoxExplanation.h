// "Why did INT8 miss this box?": for an FP32 detection the quantized model missed or moved, the
// two models' raw outputs read at the grid cell that produced it (class scores, objectness, box
// regression) and the reason, decided by re-running the decoder's own decisions on the quantized
// values at that cell: score under the threshold, another class won, suppressed by NMS, box moved.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "detect/BoxOrigin.h"
#include "detect/Detector.h"

namespace ql {

// One model's raw output (a copy), as the decoder reads it.
struct RawOutput {
    std::vector<float> values;
    std::vector<int64_t> shape;
    TensorView view() const { return {values.data(), values.size(), shape, 1}; }
};

// One model's output read at one output index.
struct CellReading {
    std::vector<float> regression;  // the 4 box values as the output holds them (cx cy w h; YOLOX: grid offsets, log sizes)
    Box inputBox;                   // the box they decode to, input pixels
    Box box;                        // the same in original-image pixels (clamped to the image)
    float objectness = -1.0f;       // v5/YOLOX (after the sigmoid when the output holds logits); -1: none
    float classScore = 0.0f;        // score of the explained detection's class (objectness multiplied in)
    int bestClass = 0;
    float bestScore = 0.0f;         // best class's score (objectness multiplied in): what the threshold sees
    // Ultralytics: distances from the cell's anchor point to the left, top, right and bottom
    // sides, in strides (what the DFL head predicts, as its expectation).
    std::vector<float> ltrb;
};

enum class BoxOutcome {
    Kept,                      // found by the quantized model and matched well (a --box of an unchanged box)
    ObjectnessUnderThreshold,  // v5/YOLOX: the cell's objectness fell under the confidence
    ScoreUnderThreshold,       // the best class score at the cell fell under the confidence
    AnotherClassWon,           // above the confidence, but for another class
    SuppressedByNms,           // a candidate of the same class, removed by a higher-scored overlapping box
    CutByMaxDetections,        // survived NMS but fell past the maximum number of detections
    BoxMoved,                  // detected, but its box overlaps the FP32 box too little
    MatchedElsewhere,          // detected where FP32 found it, but its partner went to another FP32 box
};
std::string outcomeName(BoxOutcome outcome);  // "score under threshold", ...

// Ultralytics: the DFL head's distributions of the four sides at a cell, read from the Softmax
// that feeds the fixed 0..15 Conv (analysis/BoxTrace.h finds it in the graph and captures it).
// Expectation sum(p_i * i) of a side is its distance from the anchor point in strides (ltrb).
struct DflDistributions {
    std::string softmax;  // the Softmax node (FP32 model's name)
    int bins = 16;
    std::vector<std::vector<float>> fp32, quantized;  // [side: left, top, right, bottom][bin], probabilities
    // The DFL Conv's weights, one per bin: 0, 1, ..., 15 in an export; a model whose weights were
    // quantized and dequantized again holds them slightly off (0.945 for 1), and its sides are
    // sum(p_i * binValues[i]).
    std::vector<float> binValues;
};

struct BoxExplanation {
    int fp32Index = -1;  // into ImageExplanation::fp32
    Detection fp32;
    bool missed = false;                 // no quantized partner at all
    std::optional<int> quantizedIndex;   // its partner (moved or kept), into ImageExplanation::quantized
    float partnerIou = 0.0f;             // IoU with that partner
    std::optional<GridCell> partnerCell; // the cell the partner came from (it may differ)
    GridCell cell;
    CellReading fp32At, quantizedAt;
    BoxOutcome outcome = BoxOutcome::Kept;
    std::string detail;  // the facts behind the outcome, one sentence
    std::optional<int> suppressedBy;  // SuppressedByNms: the quantized detection that won
    std::optional<DflDistributions> dfl;  // Ultralytics heads, when the DFL Softmax was found and captured
};

struct ImageExplanation {
    YoloLayout layout = YoloLayout::Auto;
    std::vector<Detection> fp32, quantized;
    DetectionMatch match;
    std::vector<BoxExplanation> boxes;
    std::string note;  // what the output cannot show (e.g. the DFL distributions), "" when nothing
};

// Which FP32 boxes to explain: every missed and moved one, or the one overlapping `box`
// (original-image pixels) most.
struct ExplainTarget {
    bool changed = true;
    std::optional<Box> box;
};

// Reads one model's output at `source` as the decoder would.
Result<CellReading> readCell(const RawOutput& output, YoloLayout layout, const GridCell& cell, int classId,
                             int inputWidth, int inputHeight, const LetterboxTransform& transform);

// Runs both detectors on the image and explains the target boxes. Refuses (one line) layouts
// without grid cells.
Result<ImageExplanation> explainImage(Detector& fp32, Detector& quantized, const cv::Mat& bgr, const ExplainTarget& target);

// The explanation from outputs and detections already at hand (the decision part, testable
// without a model).
Result<ImageExplanation> explainOutputs(const RawOutput& fp32Output, const RawOutput& quantizedOutput, YoloLayout layout,
                                        const DecodeOptions& decode, int inputWidth, int inputHeight,
                                        const LetterboxTransform& transform, std::vector<Detection> fp32,
                                        std::vector<Detection> quantized, const ExplainTarget& target);

}  // namespace ql
