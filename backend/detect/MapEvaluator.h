// COCO-style mean average precision: per class, predictions ranked by score are matched to the
// ground truth at IoU thresholds 0.50:0.05:0.95, and precision is interpolated at 101 recall
// points. Serves accuracy (labels as ground truth) and fidelity (FP32 detections as ground truth).
#pragma once

#include <map>
#include <vector>

#include "detect/Detection.h"

namespace ql {

struct MapResult {
    double map50 = 0.0;
    double map50to95 = 0.0;
    std::map<int, double> ap50PerClass;  // classes with ground truth only
    size_t images = 0;
    size_t groundTruth = 0;
    size_t predictions = 0;
};

class MapEvaluator {
public:
    void addImage(std::vector<Detection> predictions, std::vector<Detection> groundTruth);
    MapResult result() const;

private:
    struct Image {
        std::vector<Detection> predictions;
        std::vector<Detection> groundTruth;
    };
    std::vector<Image> images_;
};

}  // namespace ql
