#include "detect/Detector.h"

#include <chrono>

namespace ql {

Detector::Detector(InferenceSession session, ImagePreprocessor preprocessor, YoloDecoder decoder, std::string inputName)
    : session_(std::move(session)), preprocessor_(std::move(preprocessor)), decoder_(std::move(decoder)),
      inputName_(std::move(inputName)) {}

Result<Detector> Detector::create(const OnnxModel& model, const DetectorOptions& options) {
    if (model.graph().inputs().size() != 1)
        return Error{model.displayName() + " has " + std::to_string(model.graph().inputs().size()) +
                     " inputs; a detector takes one image input"};
    auto session = model.path().empty() ? [&]() -> Result<InferenceSession> {
        auto bytes = model.serialize();
        if (!bytes)
            return bytes.error();
        return InferenceSession::fromBytes(*bytes, model.displayName(), options.session);
    }()
                                        : InferenceSession::fromFile(model.path(), options.session);
    if (!session)
        return session.error();
    YoloDecoder decoder(options.decode, options.preprocess.width, options.preprocess.height);
    return Detector(std::move(session).value(), ImagePreprocessor(options.preprocess), std::move(decoder),
                    model.graph().inputs().front());
}

Result<std::vector<Detection>> Detector::detect(const PreparedImage& image) {
    const auto start = std::chrono::steady_clock::now();
    auto out = session_.run({{inputName_, image.shape, image.tensor.data(), image.tensor.size()}});
    lastInferenceMs_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!out)
        return out.error();
    return decoder_.decode(out->view(0), image.transform);
}

Result<std::vector<Detection>> Detector::detect(const std::string& imagePath) {
    auto image = preprocessor_.prepare(imagePath);
    if (!image)
        return image.error();
    auto detections = detect(*image);
    if (!detections)
        return Error{imagePath + ": " + detections.errorMessage()};
    return detections;
}

Status Detector::warmUp(const PreparedImage& image, int runs) {
    for (int i = 0; i < runs; ++i)
        if (auto out = session_.run({{inputName_, image.shape, image.tensor.data(), image.tensor.size()}}); !out)
            return out.error();
    return Ok{};
}

Result<DetectionComparison> compareDetections(Detector& fp32, Detector& quantized, const cv::Mat& bgr) {
    auto image = fp32.preprocessor().prepare(bgr);
    if (!image)
        return image.error();
    auto f = fp32.detect(*image);
    if (!f)
        return f.error();
    auto q = quantized.detect(*image);
    if (!q)
        return q.error();
    DetectionComparison c;
    c.match = matchDetections(*f, *q);
    c.fp32 = std::move(f).value();
    c.quantized = std::move(q).value();
    c.fp32Ms = fp32.lastInferenceMs();
    c.quantizedMs = quantized.lastInferenceMs();
    return c;
}

}  // namespace ql
