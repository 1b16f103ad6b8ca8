// A YOLO model ready to detect: ONNX Runtime session, shared preprocessing and the decoder.
#pragma once

#include <string>
#include <vector>

#include "detect/DetectionMatcher.h"
#include "detect/Latency.h"
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
    // Refuses, in one line, a model it could only misread: more than one image input, several
    // outputs that no multi-output head reads (and no options.decode.outputName), or outputs whose
    // shapes (when fixed) fit no layout, several, not the one asked for, or not the number of class
    // names (see resolveHead).
    static Result<Detector> create(const OnnxModel& model, const DetectorOptions& options);

    Result<std::vector<Detection>> detect(const PreparedImage& image);
    Result<std::vector<Detection>> detect(const std::string& imagePath);
    // A session's first runs are slow while ONNX Runtime sizes its memory; a few runs on an
    // image first make the latencies that follow those of a warm model.
    Status warmUp(const PreparedImage& image, int runs = 3);
    const ImagePreprocessor& preprocessor() const { return preprocessor_; }
    InferenceSession& session() { return session_; }
    const std::string& inputName() const { return inputName_; }
    // The outputs the head reads, in the order it reads them (one for most heads).
    const std::vector<std::string>& outputNames() const { return outputNames_; }
    const std::string& outputName() const { return outputNames_.front(); }
    // The layout the output is read with; Auto until known (an output of dynamic shape is
    // resolved on the first image).
    YoloLayout layout() const { return layout_; }
    const DecodeOptions& decodeOptions() const { return decoder_.options(); }
    double lastInferenceMs() const { return lastInferenceMs_; }

private:
    Detector(InferenceSession session, ImagePreprocessor preprocessor, YoloDecoder decoder, std::string inputName,
             std::vector<std::string> outputNames, std::string displayName, YoloLayout layout);
    InferenceSession session_;
    ImagePreprocessor preprocessor_;
    YoloDecoder decoder_;
    std::string inputName_;
    std::vector<std::string> outputNames_;  // until the layout is known: every output it may read
    std::string displayName_;  // the model's, for errors
    YoloLayout layout_ = YoloLayout::Auto;
    double lastInferenceMs_ = 0.0;
};

// Both detectors on one image, preprocessed once (with the FP32 detector's preprocessing), not
// matched: what compareDetections and the box explanations start from.
struct DetectionsOnImage {
    PreparedImage image;
    std::vector<Detection> fp32;
    std::vector<Detection> quantized;
};
Result<DetectionsOnImage> detectOnBoth(Detector& fp32, Detector& quantized, const cv::Mat& bgrImage);

// The FP32 and the quantized detector on the same image (preprocessed once), matched.
struct DetectionComparison {
    std::vector<Detection> fp32;
    std::vector<Detection> quantized;
    DetectionMatch match;
    double fp32Ms = 0.0;       // the run that detected, or the median of timedRuns; milliseconds
    double quantizedMs = 0.0;
    LatencyStats fp32Latency;  // over timedRuns (1: the detecting run alone)
    LatencyStats quantizedLatency;
};

// With timedRuns > 1 each model then runs that many more times on the image, timed, so a latency
// comes with its spread; warm the detectors up first (Detector::warmUp), or the first runs count.
Result<DetectionComparison> compareDetections(Detector& fp32, Detector& quantized, const cv::Mat& bgrImage,
                                              int timedRuns = 1);

}  // namespace ql
