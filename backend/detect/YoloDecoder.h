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
};

// The layout of an output of `shape` for an input of inputWidth x inputHeight.
YoloLayout detectLayout(const std::vector<int64_t>& shape, int inputWidth, int inputHeight);

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
