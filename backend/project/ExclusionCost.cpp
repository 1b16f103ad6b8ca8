#include "project/ExclusionCost.h"

#include "detect/Latency.h"
#include "preprocess/ImagePreprocessor.h"
#include "quantize/CalibrationCache.h"
#include "quantize/InferredSettings.h"
#include "quantize/QdqQuantizer.h"

namespace ql {

Result<std::vector<Run>> measureExclusionCost(const AnalyzedModel& fp32, const AnalyzedModel& quantized,
                                              const ExclusionCostOptions& o, const TaskControl& control) {
    const std::string name = quantized.model.displayName();
    auto inferred = inferSettings(quantized.model.graph(), quantized.qdq);
    if (!inferred)
        return Error{name + ": " + inferred.errorMessage()};
    const QuantizerSettings withList = inferred->settings;
    if (withList.nodesToExclude.empty())
        return Error{name + " leaves no quantizable node float: its exclusion list costs nothing"};
    QuantizerSettings withNone = withList;
    withNone.nodesToExclude.clear();

    CalibrationCache cache = o.cacheDirectory.empty() ? CalibrationCache() : CalibrationCache(o.cacheDirectory);
    auto stats = cache.get(fp32.model, o.calibrationImages, o.calibration, control);
    if (!stats)
        return stats.error();
    auto prepared = ImagePreprocessor(o.calibration.preprocess).prepare(o.timingImage);
    if (!prepared)
        return prepared.error();

    std::vector<Run> runs;
    for (const QuantizerSettings* settings : std::initializer_list<const QuantizerSettings*>{&withNone, &withList}) {
        if (control.cancelled())
            return cancelledError();
        auto made = quantizeQdq(fp32.model, **stats, *settings);
        if (!made)
            return Error{"making " + name + " again from " + fp32.model.displayName() + ": " + made.errorMessage()};
        auto latency = measureModelLatency(made->model, *prepared, o.calibration.session, o.warmupRuns, o.timedRuns);
        if (!latency)
            return latency.error();
        Run run;
        run.number = static_cast<int>(runs.size()) + 1;
        run.origin = settings->nodesToExclude.empty() ? RunOrigin::Baseline : RunOrigin::Requantized;
        run.name = settings->nodesToExclude.empty() ? "re-made, none left float"
                                                    : "re-made, " + std::to_string(settings->nodesToExclude.size()) + " left float";
        run.exclusions = settings->nodesToExclude;
        run.calibration = o.calibration.describe() + " on " + std::to_string(o.calibrationImages.size()) + " images";
        run.metrics.latency = *latency;
        run.metrics.sizeBytes = made->model.fileSize();
        runs.push_back(std::move(run));
    }
    return runs;
}

}  // namespace ql
