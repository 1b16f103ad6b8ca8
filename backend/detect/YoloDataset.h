// A YOLO-format dataset: images with label files beside them (a labels/ folder in place of
// images/, one "class cx cy w h" line per object, normalised to 0..1), found from a folder or an
// Ultralytics data YAML (path, val/test/train as folders, .txt image lists or YAML lists, names).
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
    bool hasLabelFile = false;      // false: none found, scored as an image without objects (as Ultralytics does)
};

struct YoloDataset {
    std::string source;  // the folder or YAML it was loaded from, for messages
    std::vector<LabeledImage> images;
    std::vector<std::string> classNames;  // from the YAML; empty for a bare folder
    size_t imagesWithoutLabels = 0;       // images with no label file
    std::vector<std::string> warnings;    // one line each, for the user (images without labels, a `path:` not found)

    // Refuses a dataset with no images, or whose images have no label file at all or no object.
    static Result<YoloDataset> load(const std::string& folderOrYaml);
};

// The label file of an image, as Ultralytics finds it: the last "/images/" in its path becomes
// "/labels/", the extension ".txt".
std::string labelPathFor(const std::string& imagePath);
// "class cx cy w h" lines, or "class x1 y1 x2 y2 ..." polygons (Ultralytics segments) turned into
// their bounding box. A missing file is an error here; load() counts those instead.
Result<std::vector<YoloLabel>> readLabels(const std::string& labelPath);

}  // namespace ql
