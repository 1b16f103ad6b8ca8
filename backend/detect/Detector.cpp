#include "detect/Detector.h"

#include <algorithm>
#include <chrono>
#include <tuple>

#include "model/TensorData.h"

namespace ql {

Detector::Detector(InferenceSession session, ImagePreprocessor preprocessor, YoloDecoder decoder, std::string inputName,
                   std::string outputName, std::string displayName, YoloLayout layout)
    : session_(std::move(session)), preprocessor_(std::move(preprocessor)), decoder_(std::move(decoder)),
      inputName_(std::move(inputName)), outputName_(std::move(outputName)), displayName_(std::move(displayName)),
      layout_(layout) {}

namespace {

std::string outputList(const std::vector<TensorSpec>& outputs) {
    std::string s;
    for (const auto& o : outputs)
        s += (s.empty() ? "" : ", ") + o.name + " " + shapeToString(o.shape);
    return s;
}

}  // namespace

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
    const std::string name = model.displayName();
    const auto& outputs = session->outputs();
    const TensorSpec* output = nullptr;
    if (!options.decode.outputName.empty()) {
        for (const auto& o : outputs)
            if (o.name == options.decode.outputName)
                output = &o;
        if (!output)
            return Error{name + " has no output '" + options.decode.outputName + "'; its outputs: " + outputList(outputs)};
    } else if (outputs.size() == 1) {
        output = &outputs.front();
    } else {
        return Error{name + " has " + std::to_string(outputs.size()) + " outputs (" + outputList(outputs) +
                     "); QuantLens decodes one YOLO output [1,4+C,N], [1,N,5+C] or [1,N,6]: name it with "
                     "--output-name if one of these is, otherwise this head is not one QuantLens reads"};
    }
    YoloLayout layout = YoloLayout::Auto;
    // No dimensions at all is how ONNX Runtime reports an unknown rank; settled on the first image then.
    const bool fixed = !output->shape.empty() &&
                       std::all_of(output->shape.begin(), output->shape.end(), [](int64_t d) { return d > 0; });
    if (fixed) {
        auto resolved = resolveLayout(output->shape, options.decode, options.preprocess.width, options.preprocess.height);
        if (!resolved)
            return Error{name + ": output '" + output->name + "': " + resolved.errorMessage()};
        layout = *resolved;
    }
    DecodeOptions decode = options.decode;
    if (layout != YoloLayout::Auto)
        decode.layout = layout;  // decided once; also settles later images of a dynamic-shape model alike
    YoloDecoder decoder(decode, options.preprocess.width, options.preprocess.height);
    return Detector(std::move(session).value(), ImagePreprocessor(options.preprocess), std::move(decoder),
                    model.graph().inputs().front(), output->name, name, layout);
}

Result<std::vector<Detection>> Detector::detect(const PreparedImage& image) {
    const auto start = std::chrono::steady_clock::now();
    auto out = session_.run({{inputName_, image.shape, image.tensor.data(), image.tensor.size()}}, {outputName_});
    lastInferenceMs_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!out)
        return out.error();
    const TensorView& view = out->view(0);
    if (layout_ == YoloLayout::Auto) {  // an output of dynamic shape: settled on the first image
        auto resolved = resolveLayout(view.shape, decoder_.options(), preprocessor_.options().width,
                                      preprocessor_.options().height);
        if (!resolved)
            return Error{displayName_ + ": output '" + outputName_ + "': " + resolved.errorMessage()};
        layout_ = *resolved;
        DecodeOptions decode = decoder_.options();
        decode.layout = layout_;
        decoder_ = YoloDecoder(decode, preprocessor_.options().width, preprocessor_.options().height);
    }
    return decoder_.decode(view, image.transform);
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
        if (auto out = session_.run({{inputName_, image.shape, image.tensor.data(), image.tensor.size()}}, {outputName_}); !out)
            return out.error();
    return Ok{};
}

Result<DetectionComparison> compareDetections(Detector& fp32, Detector& quantized, const cv::Mat& bgr, int timedRuns) {
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
    c.fp32Latency = {1, c.fp32Ms, c.fp32Ms, c.fp32Ms, c.fp32Ms};
    c.quantizedLatency = {1, c.quantizedMs, c.quantizedMs, c.quantizedMs, c.quantizedMs};
    if (timedRuns > 1) {
        for (auto [detector, stats, ms] : {std::tuple{&fp32, &c.fp32Latency, &c.fp32Ms},
                                           std::tuple{&quantized, &c.quantizedLatency, &c.quantizedMs}}) {
            const InputTensor input{detector->inputName(), image->shape, image->tensor.data(), image->tensor.size()};
            auto measured = measureLatency(detector->session(), input, 0, timedRuns);
            if (!measured)
                return measured.error();
            *stats = *measured;
            *ms = measured->medianMs;
        }
    }
    return c;
}

}  // namespace ql
