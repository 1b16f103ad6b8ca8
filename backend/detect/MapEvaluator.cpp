#include "detect/MapEvaluator.h"

#include <algorithm>
#include <array>
#include <set>

namespace ql {
namespace {

// COCO's IoU thresholds exactly as pycocotools makes them (numpy.linspace(0.5, 0.95, 10): k x step
// + 0.5, the last one 0.95), so that an IoU on a threshold falls on the same side.
std::array<double, 10> iouThresholds() {
    std::array<double, 10> t{};
    const double step = (0.95 - 0.5) / 9.0;
    for (size_t k = 0; k < t.size(); ++k)
        t[k] = static_cast<double>(k) * step + 0.5;
    t[9] = 0.95;
    return t;
}

// IoU in double from the float corners: matching decisions do not depend on float rounding.
double iouOf(const Box& a, const Box& b) {
    const double w = std::min<double>(a.x2, b.x2) - std::max<double>(a.x1, b.x1);
    const double h = std::min<double>(a.y2, b.y2) - std::max<double>(a.y1, b.y1);
    if (w <= 0.0 || h <= 0.0)
        return 0.0;
    const double inter = w * h;
    const double areaA = std::max(0.0, double(a.x2) - a.x1) * std::max(0.0, double(a.y2) - a.y1);
    const double areaB = std::max(0.0, double(b.x2) - b.x1) * std::max(0.0, double(b.y2) - b.y1);
    const double uni = areaA + areaB - inter;
    return uni > 0.0 ? inter / uni : 0.0;
}

struct Ranked {
    float score;
    size_t image;
    const Box* box;
};

// One class at one IoU threshold: `ranked` holds its predictions of all images, best score first
// (ties in image order, then in each image's order), `truth` its ground-truth boxes per image.
double averagePrecision(const std::vector<Ranked>& ranked, const std::vector<std::vector<const Box*>>& truth,
                        size_t positives, double threshold) {
    std::vector<std::vector<bool>> taken(truth.size());
    for (size_t i = 0; i < truth.size(); ++i)
        taken[i].assign(truth[i].size(), false);
    std::vector<double> precision, recall;
    precision.reserve(ranked.size());
    recall.reserve(ranked.size());
    size_t tp = 0, fp = 0;
    for (const auto& r : ranked) {
        // COCO: the unmatched ground truth with the highest IoU >= threshold (the later one on a tie).
        int best = -1;
        double bestIou = threshold;
        for (size_t g = 0; g < truth[r.image].size(); ++g) {
            if (taken[r.image][g])
                continue;
            const double overlap = iouOf(*r.box, *truth[r.image][g]);
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
    // Precision envelope, then sampled at recall 0, 0.01, ..., 1 (the first point reaching each;
    // k x 0.01 as numpy.linspace(0, 1, 101) makes them).
    for (size_t i = precision.size(); i-- > 1;)
        precision[i - 1] = std::max(precision[i - 1], precision[i]);
    double sum = 0.0;
    for (int k = 0; k <= 100; ++k) {
        const double r = static_cast<double>(k) * 0.01;
        const auto it = std::lower_bound(recall.begin(), recall.end(), r);
        if (it != recall.end())
            sum += precision[static_cast<size_t>(it - recall.begin())];
    }
    return sum / 101.0;
}

}  // namespace

void MapEvaluator::addImage(std::vector<Detection> predictions, std::vector<Detection> groundTruth) {
    images_.push_back({std::move(predictions), std::move(groundTruth)});
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
    static const std::array<double, 10> thresholds = iouThresholds();
    for (const int c : classes) {
        std::vector<Ranked> ranked;
        std::vector<std::vector<const Box*>> truth(images_.size());
        size_t positives = 0;
        for (size_t i = 0; i < images_.size(); ++i) {
            for (const auto& p : images_[i].predictions)
                if (p.classId == c)
                    ranked.push_back({p.score, i, &p.box});
            for (const auto& g : images_[i].groundTruth)
                if (g.classId == c)
                    truth[i].push_back(&g.box);
            positives += truth[i].size();
        }
        std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
        double sum = 0.0;
        for (size_t k = 0; k < thresholds.size(); ++k) {
            const double ap = averagePrecision(ranked, truth, positives, thresholds[k]);
            if (k == 0)
                result.ap50PerClass[c] = ap;
            sum += ap;
        }
        result.map50 += result.ap50PerClass[c];
        result.map50to95 += sum / static_cast<double>(thresholds.size());
    }
    result.map50 /= static_cast<double>(classes.size());
    result.map50to95 /= static_cast<double>(classes.size());
    return result;
}

}  // namespace ql
