#include "detect/DetectionEvaluation.h"

#include "detect/DetectionMatcher.h"
#include "detect/DetectionSanity.h"

namespace ql {

std::vector<Detection> aboveConfidence(const std::vector<Detection>& detections, float confidence) {
    std::vector<Detection> kept;
    for (const auto& d : detections)
        if (d.score >= confidence)
            kept.push_back(d);
    return kept;
}

Result<EvaluationReport> evaluateDetection(const OnnxModel& fp32Model, const OnnxModel& quantModel, const YoloDataset& data,
                                           const EvaluationOptions& options, const TaskControl& control) {
    DetectorOptions detectorOptions = options.detector;
    detectorOptions.decode.confidence = options.mapConfidence;
    auto fp32 = Detector::create(fp32Model, detectorOptions);
    if (!fp32)
        return fp32.error();
    auto quant = Detector::create(quantModel, detectorOptions);
    if (!quant)
        return quant.error();
    const float shown = options.detector.decode.confidence;
    const size_t count = options.limit ? std::min(options.limit, data.images.size()) : data.images.size();
    if (count == 0)
        return Error{"the dataset has no images"};

    EvaluationReport report;
    report.images = count;
    report.classNames = data.classNames;
    MapEvaluator fp32Accuracy, quantAccuracy, fidelity;
    double iouSum = 0.0, scoreChangeSum = 0.0;
    PreparedImage first;
    std::vector<size_t> fp32ShownCounts;  // per image, for the run's warnings
    for (size_t i = 0; i < count; ++i) {
        if (control.cancelled())
            return Error{"cancelled"};
        const LabeledImage& item = data.images[i];
        control.report(i, count, item.image);
        auto image = fp32->preprocessor().prepare(item.image);
        if (!image)
            return image.error();
        auto f = fp32->detect(*image);
        if (!f)
            return Error{item.image + ": " + f.errorMessage()};
        auto q = quant->detect(*image);
        if (!q)
            return Error{item.image + ": " + q.errorMessage()};
        std::vector<Detection> labels;
        for (const auto& l : item.labels)
            labels.push_back(l.toDetection(image->transform.originalWidth, image->transform.originalHeight));
        fp32Accuracy.addImage(*f, labels);
        quantAccuracy.addImage(*q, labels);
        const auto fp32Shown = aboveConfidence(*f, shown);
        fp32ShownCounts.push_back(fp32Shown.size());
        fidelity.addImage(*q, fp32Shown);
        const DetectionMatch match = matchDetections(fp32Shown, aboveConfidence(*q, shown), options.matchIou);
        report.matched += match.pairs.size();
        report.missed += match.missed.size();
        report.extra += match.extra.size();
        for (const auto& p : match.pairs) {
            iouSum += p.iou;
            scoreChangeSum += p.scoreChange;
        }
        if (i == 0)
            first = std::move(image).value();
    }
    control.report(count, count);
    report.warnings = detectionWarnings({fp32ShownCounts, shown, options.detector.decode.maxDetections, fp32->layout()});
    report.fp32 = {fp32Model.displayName(), fp32Model.fileSize(), fp32Accuracy.result(), {}};
    report.quantized = {quantModel.displayName(), quantModel.fileSize(), quantAccuracy.result(), {}};
    report.fidelity = fidelity.result();
    if (report.matched) {
        report.meanIou = iouSum / static_cast<double>(report.matched);
        report.meanScoreChange = scoreChangeSum / static_cast<double>(report.matched);
    }
    const InputTensor input{fp32->inputName(), first.shape, first.tensor.data(), first.tensor.size()};
    auto fl = measureLatency(fp32->session(), input, options.warmupRuns, options.timedRuns);
    if (!fl)
        return fl.error();
    const InputTensor quantInput{quant->inputName(), first.shape, first.tensor.data(), first.tensor.size()};
    auto ql = measureLatency(quant->session(), quantInput, options.warmupRuns, options.timedRuns);
    if (!ql)
        return ql.error();
    report.fp32.latency = *fl;
    report.quantized.latency = *ql;
    return report;
}

}  // namespace ql
