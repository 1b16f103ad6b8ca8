// Turns a YOLO model's raw output into detections in original-image coordinates: the common
// ONNX output layouts, score threshold, class-aware NMS (OpenCV), mapping back through the
// letterbox.
#pragma once

#include <string>
#include <vector>

#include "detect/Detection.h"
#include "preprocess/ImagePreprocessor.h"
#include "runtime/InferenceSession.h"
#include "util/Result.h"

namespace ql {

enum class YoloLayout {
    Auto,
    Ultralytics,  // v8/11: [1, 4+C, N], cx cy w h then class scores, no objectness
    YoloV5,       // v5/v7: [1, N, 5+C], cx cy w h objectness class scores
    YoloX,        // YOLOX raw head: [1, N, 5+C] with box offsets on the stride-8/16/32 grids
    EndToEnd,     // v10/YOLO26: [1, N, 6], x1 y1 x2 y2 score class, NMS already done
};

std::string layoutName(YoloLayout layout);
Result<YoloLayout> parseLayout(const std::string& text);  // auto, ultralytics, v5, yolox, e2e

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
    // The output to decode, for models with several; "" when the model has one.
    std::string outputName;
};

// The layout an output of `shape` fits for an input of inputWidth x inputHeight, or Auto when
// it fits none (the standard heads only: anchor counts of the stride 8/16/32 grids, with the
// P2 and P6 variants; never a guess from the column count alone).
YoloLayout detectLayout(const std::vector<int64_t>& shape, int inputWidth, int inputHeight);

// The layout to decode an output of `shape` with: options.layout when given and the shape fits
// it, else the detected one; checked against options.expectedClasses. The error is one line: the
// shape, the layouts known with the shape each expects and, for a layout the user gave, why this
// shape does not fit it.
Result<YoloLayout> resolveLayout(const std::vector<int64_t>& shape, const DecodeOptions& options, int inputWidth,
                                 int inputHeight);

class YoloDecoder {
public:
    YoloDecoder(DecodeOptions options, int inputWidth, int inputHeight);
    const DecodeOptions& options() const { return options_; }

    Result<std::vector<Detection>> decode(const TensorView& output, const LetterboxTransform& transform) const;

private:
    DecodeOptions options_;
    int inputWidth_;
    int inputHeight_;
};

}  // namespace ql
