#include "detect/DetectionEvaluation.h"

#include "detect/DetectionSanity.h"

namespace ql {

std::vector<Detection> aboveConfidence(const std::vector<Detection>& detections, float confidence) {
    std::vector<Detection> kept;
    for (const auto& d : detections)
        if (d.score >= confidence)
            kept.push_back(d);
    return kept;
}

Result<EvaluationReport> evaluateDetection(const OnnxModel& fp32Model, const OnnxModel* quantModel, const YoloDataset& data,
                                           const EvaluationOptions& options, const TaskControl& control) {
    DetectorOptions detectorOptions = options.detector;
    detectorOptions.decode.confidence = options.mapConfidence;
    auto fp32 = Detector::create(fp32Model, detectorOptions);
    if (!fp32)
        return fp32.error();
    std::optional<Detector> quant;
    if (quantModel) {
        auto q = Detector::create(*quantModel, detectorOptions);
        if (!q)
            return q.error();
        quant = std::move(q).value();
    }
    const float shown = options.detector.decode.confidence;
    const size_t count = options.limit ? std::min(options.limit, data.images.size()) : data.images.size();
    if (count == 0)
        return Error{"the dataset has no images"};

    EvaluationReport report;
    report.images = count;
    report.datasetImages = data.images.size();
    report.classNames = data.classNames;
    report.fp32 = {fp32Model.displayName(), fp32Model.fileSize(), {}, {}, {}};
    if (quantModel)
        report.quantized = ModelEvaluation{quantModel->displayName(), quantModel->fileSize(), {}, {}, {}};
    MapEvaluator fp32Accuracy, quantAccuracy;
    FidelityAccumulator fidelity(shown, options.matchIou);
    PreparedImage first;
    std::vector<size_t> fp32ShownCounts;  // per image, for the run's warnings
    for (size_t i = 0; i < count; ++i) {
        if (control.cancelled())
            return cancelledError();
        const LabeledImage& item = data.images[i];
        control.report(i, count, item.image);
        auto image = fp32->preprocessor().prepare(item.image);
        if (!image)
            return image.error();
        auto f = fp32->detect(*image);
        if (!f)
            return Error{item.image + ": " + f.errorMessage()};
        const int width = image->transform.originalWidth, height = image->transform.originalHeight;
        std::vector<Detection> labels;
        for (const auto& l : item.labels)
            labels.push_back(l.toDetection(width, height));
        fp32Accuracy.addImage(*f, labels);
        const auto fp32Shown = aboveConfidence(*f, shown);
        fp32ShownCounts.push_back(fp32Shown.size());
        if (options.keepPredictions) {
            report.imageInfo.push_back({item.image, width, height});
            report.fp32.predictions.push_back(*f);
        }
        if (quant) {
            auto q = quant->detect(*image);
            if (!q)
                return Error{item.image + ": " + q.errorMessage()};
            quantAccuracy.addImage(*q, labels);
            fidelity.add(*f, *q, item.image);
            if (options.keepPredictions)
                report.quantized->predictions.push_back(std::move(q).value());
        }
        if (i == 0)
            first = std::move(image).value();
    }
    control.report(count, count);
    report.warnings = detectionWarnings({fp32ShownCounts, shown, options.detector.decode.maxDetections, fp32->layout()});
    report.fp32.accuracy = fp32Accuracy.result();
    const InputTensor input{fp32->inputName(), first.shape, first.tensor.data(), first.tensor.size()};
    auto fl = measureLatency(fp32->session(), input, options.warmupRuns, options.timedRuns);
    if (!fl)
        return fl.error();
    report.fp32.latency = *fl;
    if (quant) {
        report.quantized->accuracy = quantAccuracy.result();
        report.fidelity = fidelity.result();
        const InputTensor quantInput{quant->inputName(), first.shape, first.tensor.data(), first.tensor.size()};
        auto ql = measureLatency(quant->session(), quantInput, options.warmupRuns, options.timedRuns);
        if (!ql)
            return ql.error();
        report.quantized->latency = *ql;
    }
    return report;
}

}  // namespace ql
