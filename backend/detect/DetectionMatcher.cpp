#include "detect/DetectionMatcher.h"

#include <algorithm>
#include <tuple>

namespace ql {

DetectionMatch matchDetections(const std::vector<Detection>& reference, const std::vector<Detection>& test, float iouThreshold) {
    std::vector<std::tuple<float, int, int>> candidates;
    for (size_t r = 0; r < reference.size(); ++r)
        for (size_t t = 0; t < test.size(); ++t)
            if (reference[r].classId == test[t].classId) {
                const float overlap = iou(reference[r].box, test[t].box);
                if (overlap >= iouThreshold)
                    candidates.emplace_back(overlap, static_cast<int>(r), static_cast<int>(t));
            }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
    std::vector<bool> refUsed(reference.size()), testUsed(test.size());
    DetectionMatch m;
    for (const auto& [overlap, r, t] : candidates) {
        if (refUsed[static_cast<size_t>(r)] || testUsed[static_cast<size_t>(t)])
            continue;
        refUsed[static_cast<size_t>(r)] = testUsed[static_cast<size_t>(t)] = true;
        m.pairs.push_back({r, t, overlap, test[static_cast<size_t>(t)].score - reference[static_cast<size_t>(r)].score});
    }
    std::sort(m.pairs.begin(), m.pairs.end(), [](const MatchedPair& a, const MatchedPair& b) { return a.reference < b.reference; });
    for (size_t r = 0; r < reference.size(); ++r)
        if (!refUsed[r])
            m.missed.push_back(static_cast<int>(r));
    for (size_t t = 0; t < test.size(); ++t)
        if (!testUsed[t])
            m.extra.push_back(static_cast<int>(t));
    return m;
}

std::vector<MatchedPair> movedPairs(const DetectionMatch& match, float iouBelow) {
    std::vector<MatchedPair> moved;
    for (const auto& p : match.pairs)
        if (p.iou < iouBelow)
            moved.push_back(p);
    return moved;
}

}  // namespace ql
