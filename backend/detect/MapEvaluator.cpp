#include "detect/MapEvaluator.h"

#include <algorithm>
#include <set>

namespace ql {

void MapEvaluator::addImage(std::vector<Detection> predictions, std::vector<Detection> groundTruth) {
    images_.push_back({std::move(predictions), std::move(groundTruth)});
}

double MapEvaluator::averagePrecision(int classId, float threshold) const {
    struct Ranked {
        float score;
        size_t image;
        size_t index;
    };
    std::vector<Ranked> ranked;
    size_t positives = 0;
    for (size_t i = 0; i < images_.size(); ++i) {
        for (size_t k = 0; k < images_[i].predictions.size(); ++k)
            if (images_[i].predictions[k].classId == classId)
                ranked.push_back({images_[i].predictions[k].score, i, k});
        for (const auto& g : images_[i].groundTruth)
            positives += g.classId == classId;
    }
    if (positives == 0)
        return 0.0;
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
    std::vector<std::vector<bool>> taken(images_.size());
    for (size_t i = 0; i < images_.size(); ++i)
        taken[i].assign(images_[i].groundTruth.size(), false);
    std::vector<double> precision, recall;
    size_t tp = 0, fp = 0;
    for (const auto& r : ranked) {
        const auto& gts = images_[r.image].groundTruth;
        const Box& box = images_[r.image].predictions[r.index].box;
        // COCO: the unmatched ground truth of the class with the highest IoU above the threshold.
        int best = -1;
        float bestIou = threshold;
        for (size_t g = 0; g < gts.size(); ++g) {
            if (gts[g].classId != classId || taken[r.image][g])
                continue;
            const float overlap = iou(box, gts[g].box);
            if (overlap >= bestIou) {
                bestIou = overlap;
                best = static_cast<int>(g);
            }
        }
        if (best >= 0) {
            taken[r.image][static_cast<size_t>(best)] = true;
            ++tp;
        } else {
            ++fp;
        }
        precision.push_back(static_cast<double>(tp) / static_cast<double>(tp + fp));
        recall.push_back(static_cast<double>(tp) / static_cast<double>(positives));
    }
    // Precision envelope, then sampled at recall 0, 0.01, ..., 1.
    for (size_t i = precision.size(); i-- > 1;)
        precision[i - 1] = std::max(precision[i - 1], precision[i]);
    double sum = 0.0;
    for (int k = 0; k <= 100; ++k) {
        const double r = k / 100.0;
        const auto it = std::lower_bound(recall.begin(), recall.end(), r);
        if (it != recall.end())
            sum += precision[static_cast<size_t>(it - recall.begin())];
    }
    return sum / 101.0;
}

MapResult MapEvaluator::result() const {
    MapResult result;
    result.images = images_.size();
    std::set<int> classes;
    for (const auto& image : images_) {
        for (const auto& g : image.groundTruth)
            classes.insert(g.classId);
        result.groundTruth += image.groundTruth.size();
        result.predictions += image.predictions.size();
    }
    if (classes.empty())
        return result;
    for (const int c : classes) {
        double sum = 0.0;
        for (int k = 0; k < 10; ++k) {
            const double ap = averagePrecision(c, 0.5f + 0.05f * static_cast<float>(k));
            if (k == 0)
                result.ap50PerClass[c] = ap;
            sum += ap;
        }
        result.map50 += result.ap50PerClass[c];
        result.map50to95 += sum / 10.0;
    }
    result.map50 /= static_cast<double>(classes.size());
    result.map50to95 /= static_cast<double>(classes.size());
    return result;
}

}  // namespace ql
