// A YOLO-format dataset: images/ with labels/ beside them (one "class cx cy w h" line per object,
// normalised), found from a folder or a data YAML (path, val or train, names).
#pragma once

#include <string>
#include <vector>

#include "detect/Detection.h"
#include "util/Result.h"

namespace ql {

struct YoloLabel {
    int classId = 0;
    float cx = 0, cy = 0, w = 0, h = 0;  // normalised to 0..1

    Detection toDetection(int imageWidth, int imageHeight) const;
};

struct LabeledImage {
    std::string image;
    std::vector<YoloLabel> labels;  // empty: an image with no objects
};

struct YoloDataset {
    std::vector<LabeledImage> images;
    std::vector<std::string> classNames;  // from the YAML; empty for a bare folder

    static Result<YoloDataset> load(const std::string& folderOrYaml);
};

// The label file of an image: the last "images" folder in its path becomes "labels", .txt.
std::string labelPathFor(const std::string& imagePath);
Result<std::vector<YoloLabel>> readLabels(const std::string& labelPath);

}  // namespace ql
