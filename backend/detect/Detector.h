// A YOLO model ready to detect: ONNX Runtime session, shared preprocessing and the decoder.
#pragma once

#include <string>
#include <vector>

#include "detect/DetectionMatcher.h"
#include "detect/YoloDecoder.h"
#include "model/OnnxModel.h"
#include "preprocess/ImagePreprocessor.h"
#include "runtime/InferenceSession.h"

namespace ql {

struct DetectorOptions {
    SessionOptions session;
    PreprocessOptions preprocess;
    DecodeOptions decode;
};

class Detector {
public:
    static Result<Detector> create(const OnnxModel& model, const DetectorOptions& options);

    Result<std::vector<Detection>> detect(const PreparedImage& image);
    Result<std::vector<Detection>> detect(const std::string& imagePath);
    // A session's first runs are slow while ONNX Runtime sizes its memory; a few runs on an
    // image first make the latencies that follow those of a warm model.
    Status warmUp(const PreparedImage& image, int runs = 3);
    const ImagePreprocessor& preprocessor() const { return preprocessor_; }
    InferenceSession& session() { return session_; }
    const std::string& inputName() const { return inputName_; }
    double lastInferenceMs() const { return lastInferenceMs_; }

private:
    Detector(InferenceSession session, ImagePreprocessor preprocessor, YoloDecoder decoder, std::string inputName);
    InferenceSession session_;
    ImagePreprocessor preprocessor_;
    YoloDecoder decoder_;
    std::string inputName_;
    double lastInferenceMs_ = 0.0;
};

// The FP32 and the quantized detector on the same image (preprocessed once), matched.
struct DetectionComparison {
    std::vector<Detection> fp32;
    std::vector<Detection> quantized;
    DetectionMatch match;
    double fp32Ms = 0.0;
    double quantizedMs = 0.0;
};

Result<DetectionComparison> compareDetections(Detector& fp32, Detector& quantized, const cv::Mat& bgrImage);

}  // namespace ql
