#include "detect/DetectionFidelity.h"

#include "detect/DetectionEvaluation.h"
#include "detect/DetectionMatcher.h"

namespace ql {

void FidelityAccumulator::add(const std::vector<Detection>& fp32, const std::vector<Detection>& quantized, const std::string& image) {
    const auto fp32Shown = aboveConfidence(fp32, shown_);
    const auto quantizedShown = aboveConfidence(quantized, shown_);
    map_.addImage(quantized, fp32Shown);
    const DetectionMatch match = matchDetections(fp32Shown, quantizedShown, matchIou_);
    sums_.imageMatches.push_back({image, match});
    ++sums_.images;
    sums_.fp32Boxes += fp32Shown.size();
    sums_.quantizedBoxes += quantizedShown.size();
    sums_.matched += match.pairs.size();
    sums_.missed += match.missed.size();
    sums_.extra += match.extra.size();
    sums_.moved += movedPairs(match).size();
    for (const auto& p : match.pairs) {
        iouSum_ += p.iou;
        scoreChangeSum_ += p.scoreChange;
    }
}

DetectionFidelity FidelityAccumulator::result() const {
    DetectionFidelity r = sums_;
    r.map = map_.result();
    if (r.matched) {
        r.meanIou = iouSum_ / static_cast<double>(r.matched);
        r.meanScoreChange = scoreChangeSum_ / static_cast<double>(r.matched);
    }
    return r;
}

}  // namespace ql
