#include "report/ReportAssembly.h"

#include <filesystem>

namespace ql {

ReportContent startReport(const AnalyzedModel& fp32, const AnalyzedModel& quantized) {
    ReportContent content;
    content.fp32 = summarize(fp32.model, fp32.qdq);
    content.quantized = summarize(quantized.model, quantized.qdq);
    content.nodesLeftFloat = nodesLeftFloat(quantized.model.graph(), quantized.qdq, defaultOpTypesToQuantize());
    return content;
}

Status addDetectionPictures(ReportContent& content, DetectorPair& detectors, const std::vector<std::string>& images) {
    for (const auto& path : images) {
        auto compared = detectors.compare(path);
        if (!compared)
            return compared.error();
        content.detections.push_back(detectionPicture(std::filesystem::path(path).filename().string(), compared->bgr,
                                                      compared->comparison, detectors.classNames()));
    }
    return Ok{};
}

}  // namespace ql
