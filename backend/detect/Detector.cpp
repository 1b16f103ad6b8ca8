#include "detect/Detector.h"

#include <algorithm>
#include <chrono>
#include <tuple>

#include "model/TensorData.h"

namespace ql {

Detector::Detector(InferenceSession session, ImagePreprocessor preprocessor, YoloDecoder decoder, std::string inputName,
                   std::vector<std::string> outputNames, std::string displayName, YoloLayout layout)
    : session_(std::move(session)), preprocessor_(std::move(preprocessor)), decoder_(std::move(decoder)),
      inputName_(std::move(inputName)), outputNames_(std::move(outputNames)), displayName_(std::move(displayName)),
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
    // The outputs the head may read: the one named, else all of them.
    std::vector<const TensorSpec*> candidates;
    if (!options.decode.outputName.empty()) {
        for (const auto& o : outputs)
            if (o.name == options.decode.outputName)
                candidates.push_back(&o);
        if (candidates.empty())
            return Error{name + " has no output '" + options.decode.outputName + "'; its outputs: " + outputList(outputs)};
    } else {
        for (const auto& o : outputs)
            candidates.push_back(&o);
    }
    std::vector<std::string> names;
    std::vector<std::vector<int64_t>> shapes;
    bool fixed = true;
    for (const TensorSpec* o : candidates) {
        names.push_back(o->name);
        shapes.push_back(o->shape);
        // No dimensions at all is how ONNX Runtime reports an unknown rank; settled on the first image then.
        fixed = fixed && !o->shape.empty() && std::all_of(o->shape.begin(), o->shape.end(), [](int64_t d) { return d > 0; });
    }
    YoloLayout layout = YoloLayout::Auto;
    DecodeOptions decode = options.decode;
    if (fixed) {
        auto plan = resolveHead(shapes, options.decode, options.preprocess.width, options.preprocess.height);
        if (!plan) {
            if (candidates.size() == 1)
                return Error{name + ": output '" + names.front() + "': " + plan.errorMessage()};
            const YoloLayout asked = options.decode.layout;
            const bool readsSeveral = asked == YoloLayout::YoloXLevels || asked == YoloLayout::YoloNas || asked == YoloLayout::Gfl;
            return Error{name + " has " + std::to_string(candidates.size()) + " outputs (" + outputList(outputs) +
                         "): " + plan.errorMessage() +
                         (readsSeveral ? "" : "; for a head that reads one of them, name it with --output-name")};
        }
        layout = plan->layout;
        decode.layout = layout;  // decided once; also settles later images of a dynamic-shape model alike
        std::vector<std::string> read;
        for (const size_t k : plan->outputs)
            read.push_back(names[k]);
        names = std::move(read);
    }
    YoloDecoder decoder(decode, options.preprocess.width, options.preprocess.height);
    return Detector(std::move(session).value(), ImagePreprocessor(options.preprocess), std::move(decoder),
                    model.graph().inputs().front(), std::move(names), name, layout);
}

namespace {

std::string joined(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names)
        s += (s.empty() ? "" : "', '") + n;
    return s;
}

}  // namespace

Result<std::vector<Detection>> Detector::detect(const PreparedImage& image) {
    const auto start = std::chrono::steady_clock::now();
    auto out = session_.run({{inputName_, image.shape, image.tensor.data(), image.tensor.size()}}, outputNames_);
    lastInferenceMs_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!out)
        return out.error();
    std::vector<const TensorView*> views;
    std::vector<std::vector<int64_t>> shapes;
    for (size_t k = 0; k < outputNames_.size(); ++k) {
        views.push_back(&out->view(k));
        shapes.push_back(out->view(k).shape);
    }
    if (layout_ == YoloLayout::Auto) {  // outputs of dynamic shape: settled on the first image
        auto plan = resolveHead(shapes, decoder_.options(), preprocessor_.options().width, preprocessor_.options().height);
        if (!plan)
            return Error{displayName_ + ": output '" + joined(outputNames_) + "': " + plan.errorMessage()};
        layout_ = plan->layout;
        DecodeOptions decode = decoder_.options();
        decode.layout = layout_;
        decoder_ = YoloDecoder(decode, preprocessor_.options().width, preprocessor_.options().height);
        std::vector<std::string> read;
        std::vector<const TensorView*> readViews;
        for (const size_t k : plan->outputs) {
            read.push_back(outputNames_[k]);
            readViews.push_back(views[k]);
        }
        outputNames_ = std::move(read);
        views = std::move(readViews);
    }
    return decoder_.decode(views, image.transform);
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
        if (auto out = session_.run({{inputName_, image.shape, image.tensor.data(), image.tensor.size()}}, outputNames_); !out)
            return out.error();
    return Ok{};
}

Result<DetectionsOnImage> detectOnBoth(Detector& fp32, Detector& quantized, const cv::Mat& bgr) {
    auto image = fp32.preprocessor().prepare(bgr);
    if (!image)
        return image.error();
    auto f = fp32.detect(*image);
    if (!f)
        return f.error();
    auto q = quantized.detect(*image);
    if (!q)
        return q.error();
    return DetectionsOnImage{std::move(image).value(), std::move(f).value(), std::move(q).value()};
}

Result<DetectionComparison> compareDetections(Detector& fp32, Detector& quantized, const cv::Mat& bgr, int timedRuns) {
    auto both = detectOnBoth(fp32, quantized, bgr);
    if (!both)
        return both.error();
    const PreparedImage* image = &both->image;
    DetectionComparison c;
    c.match = matchDetections(both->fp32, both->quantized);
    c.fp32 = std::move(both->fp32);
    c.quantized = std::move(both->quantized);
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
