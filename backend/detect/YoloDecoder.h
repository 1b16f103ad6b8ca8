// Turns a detector's raw outputs into detections in original-image coordinates: the common ONNX
// output layouts (heads) of YOLO-family and related detectors, found from the output shapes,
// score threshold, class-aware NMS (OpenCV), mapping back through the letterbox.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "detect/Detection.h"
#include "preprocess/ImagePreprocessor.h"
#include "runtime/InferenceSession.h"
#include "util/Result.h"

namespace ql {

// N below is the number of cells of the stride 8/16/32 grids (with the P2/P6 variants where
// said), C the number of classes. Coordinates are input pixels unless said otherwise.
enum class YoloLayout {
    Auto,
    Ultralytics,  // v8/9/11: [1, 4+C, N], cx cy w h then class scores, no objectness
    YoloV5,       // v5/v7: [1, 3N, 5+C], cx cy w h objectness class scores
    YoloX,        // YOLOX raw head, levels concatenated: [1, N, 5+C] offsets on the stride-8/16/32 grids
    EndToEnd,     // v10/YOLO26: [1, K, 6], x1 y1 x2 y2 score class, NMS already done
    YoloV6,       // YOLOv6 with objectness: [1, N, 5+C] decoded cx cy w h, objectness, class scores
    YoloV6NoObjectness,  // YOLOv6 3.0 anchor-free: [1, N, 4+C] decoded cx cy w h, class scores
    YoloXLevels,  // YOLOX raw per-level heads: 3 outputs (strides 8/16/32), [1,5+C,H,W] or [1,H*W,5+C]
    YoloNas,      // YOLO-NAS: 2 outputs, boxes [1,N,4] x1 y1 x2 y2 and scores [1,N,C]
    RtDetr,       // RT-DETR: [1, Q, 4+C] (Q queries, 300 by default), cx cy w h of 0..1, scores; no NMS
    Gfl,          // NanoDet/GFL: class scores + distribution boxes (4 x (regMax+1) bins), levels
                  // 8/16/32(/64) concatenated [1,N,C+4(R+1)], one output per level, or two per
                  // level (scores [1,H*W,C] and distributions [1,H*W,4(R+1)], legacy NanoDet's six)
};

std::string layoutName(YoloLayout layout);
// auto, ultralytics, v5, yolox, e2e, v6, v6-noobj, yolox-levels, nas, rtdetr, gfl
Result<YoloLayout> parseLayout(const std::string& text);
// Every layout but Auto, in the order messages list them.
const std::vector<YoloLayout>& knownLayouts();
// "auto, ultralytics, ..., gfl": the values --layout takes.
std::string layoutChoices();

struct DecodeOptions {
    YoloLayout layout = YoloLayout::Auto;
    float confidence = 0.25f;
    float iou = 0.45f;
    int maxDetections = 300;
    bool classAgnostic = false;
    // Number of classes the output must carry, from --names or the model's metadata; 0 when not
    // known (COCO's names are then only a guess and are not checked). classSource says where
    // the names came from, for the message when the output disagrees.
    int expectedClasses = 0;
    std::string classSource;
    // The output to decode, for models with several; "" when the model has one or the head reads
    // several (yolox-levels, nas, gfl per level).
    std::string outputName;
    // GFL heads: the distribution of each box side has regMax+1 bins (NanoDet's default is 7).
    int regMax = 7;
    // GFL heads: box sides are distances from each cell's prior, at (x, y) * stride in NanoDet-Plus
    // and mmdetection's GFL (false), at (x + 0.5, y + 0.5) * stride, the cell's centre, in the
    // legacy NanoDet head (true). The shapes do not tell them apart, except legacy NanoDet's
    // export with scores and distributions apart (six outputs), read from cell centres always.
    bool gflCellCentre = false;
};

// How a head reads a model's outputs: which of them (indices into the shapes it was resolved
// from, in the order the head reads them: levels by stride, NAS boxes then scores), the stride
// of each for per-level heads, and the number of classes (-1 where the layout does not say, e2e).
struct HeadPlan {
    YoloLayout layout = YoloLayout::Auto;
    std::vector<size_t> outputs;
    std::vector<int> strides;  // per output read, per-level heads only; else empty
    // GFL with scores and distributions apart: outputs are the score outputs by stride, then the
    // distribution outputs by stride (strides likewise).
    bool scoresApart = false;
    int64_t classes = -1;
    int regMax = 0;            // GFL only
    bool readsSeveral() const { return outputs.size() > 1; }
};

// The layout one output of `shape` fits for an input of inputWidth x inputHeight without help, or
// Auto when it fits none or several (the standard heads only: anchor counts of the stride
// 8/16/32 grids, with the P2 and P6 variants; never a guess from the column count alone).
YoloLayout detectLayout(const std::vector<int64_t>& shape, int inputWidth, int inputHeight);

// The layouts outputs of these shapes fit, before class names narrow them; empty when none. A
// model whose outputs fit several is still a detector, but needs --layout or class names.
std::vector<YoloLayout> fittingLayouts(const std::vector<std::vector<int64_t>>& shapes, int inputWidth, int inputHeight);

// How to decode outputs of these shapes: options.layout when given and the shapes fit it, else
// the one layout they fit (narrowed by options.expectedClasses when known); checked against
// options.expectedClasses. Single-output layouts need exactly one shape, multi-output ones all the
// shapes given. The error is one line: the shapes, for an unknown shape the layouts known with
// the shape each expects, for several fits the --layout values to choose from, for a layout the
// user gave why these shapes do not fit it.
Result<HeadPlan> resolveHead(const std::vector<std::vector<int64_t>>& shapes, const DecodeOptions& options, int inputWidth,
                             int inputHeight);
// resolveHead for a model with one output.
Result<YoloLayout> resolveLayout(const std::vector<int64_t>& shape, const DecodeOptions& options, int inputWidth,
                                 int inputHeight);

class YoloDecoder {
public:
    YoloDecoder(DecodeOptions options, int inputWidth, int inputHeight);
    const DecodeOptions& options() const { return options_; }

    // `outputs`: the model's outputs (or those the head reads), in the order their shapes were
    // resolved from.
    Result<std::vector<Detection>> decode(const std::vector<const TensorView*>& outputs,
                                          const LetterboxTransform& transform) const;
    Result<std::vector<Detection>> decode(const TensorView& output, const LetterboxTransform& transform) const;

private:
    DecodeOptions options_;
    int inputWidth_;
    int inputHeight_;
};

}  // namespace ql
