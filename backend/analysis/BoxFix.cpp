#include "analysis/BoxFix.h"

#include <set>

#include "quantize/CalibrationCache.h"
#include "quantize/InferredSettings.h"

namespace ql {

SearchOptions boxFixSearchDefaults() {
    SearchOptions s;
    s.target = 0.95;
    s.latencyWarmup = 2;
    s.latencyRuns = 10;
    return s;
}

const SuggestionStep& BoxFix::after() const {
    const SuggestionStep* last = &suggestion.curve.front();
    for (const auto& step : suggestion.curve)
        if (step.kept)
            last = &step;
    return *last;
}

Result<BoxFix> suggestExclusionsForBoxes(const AnalyzedModel& fp32, const AnalyzedModel& quantized,
                                         const BoxFixRequest& r, const TaskControl& control) {
    const std::string name = quantized.model.displayName();
    if (r.images.empty() || r.targets.size() != r.images.size())
        return Error{"fixing boxes needs the images and, for each, the FP32 boxes to bring back"};
    size_t boxes = 0;
    for (const auto& t : r.targets)
        boxes += t.size();
    if (boxes == 0)
        return Error{"no box to bring back: the quantized model finds every chosen FP32 box"};
    if (r.calibrationImages.empty())
        return Error{"fixing boxes re-quantizes " + fp32.model.displayName() + ": give calibration images"};
    auto inferred = inferSettings(quantized.model.graph(), quantized.qdq);
    if (!inferred)
        return Error{name + ": its quantization settings cannot be read back, so it cannot be made again: " +
                     inferred.errorMessage()};
    // Its exclusions must be nodes of the FP32 model, or re-quantizing makes another model.
    std::set<std::string> fp32Nodes;
    for (int i = 0; i < fp32.model.graph().nodeCount(); ++i)
        fp32Nodes.insert(fp32.model.graph().node(i).name);
    for (const auto& n : inferred->settings.nodesToExclude)
        if (!fp32Nodes.count(n))
            return Error{name + " leaves node '" + n + "' float, which " + fp32.model.displayName() +
                         " does not have: it was not quantized from this FP32 model"};

    CalibrationCache cache = r.cacheDirectory.empty() ? CalibrationCache() : CalibrationCache(r.cacheDirectory);
    auto stats = cache.get(fp32.model, r.calibrationImages, r.calibration, control);
    if (!stats)
        return stats.error();

    SensitivityOptions options;
    options.objective = Objective::BoxRecovery;
    options.decode = r.decode;
    options.preprocess = r.calibration.preprocess;
    options.session = r.calibration.session;
    options.quantizedOnly = false;
    ImageSet images;
    images.paths = r.images;
    images.targets = r.targets;

    auto ranking = screenCandidates(fp32.model, **stats, inferred->settings, images, options, r.finestDepth, r.expand, control);
    if (!ranking)
        return ranking.error();
    auto s = suggestExclusions(fp32.model, **stats, inferred->settings, images, ImageSet{}, options, *ranking, r.search,
                               nullptr, control);
    if (!s)
        return s.error();

    BoxFix fix;
    fix.settings = inferred->settings;
    fix.notes = inferred->notes;
    fix.candidatesRanked = ranking->entries.size();
    fix.suggestion = std::move(s).value();
    const std::set<std::string> own(fix.settings.nodesToExclude.begin(), fix.settings.nodesToExclude.end());
    for (const auto& n : fix.suggestion.nodesToExclude)
        if (!own.count(n))
            fix.added.push_back(n);
    const double start = fix.before().score.boxRecovery;
    if (start >= r.search.target)
        fix.suggestion.warnings.push_back(
            "made again from the FP32 model with the settings read back, the boxes are already found (recovery " +
            std::to_string(start).substr(0, 5) +
            "): the loss comes from how the given model was calibrated, not from which nodes it quantizes");
    fix.suggestion.warnings.push_back("the list is chosen for these boxes only: check it on other images (compare, "
                                      "eval or suggest) before using it");
    return fix;
}

}  // namespace ql
