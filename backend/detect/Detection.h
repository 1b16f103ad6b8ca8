// A detected object: box in original-image pixels (x1, y1, x2, y2), class and confidence.
#pragma once

#include <algorithm>
#include <vector>

namespace ql {

struct Box {
    float x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    float width() const { return std::max(0.0f, x2 - x1); }
    float height() const { return std::max(0.0f, y2 - y1); }
    float area() const { return width() * height(); }
};

struct Detection {
    Box box;
    int classId = 0;
    float score = 0.0f;
    // The output index that produced the box: the anchor column of an Ultralytics [1,4+C,N]
    // output, the row of a [1,N,5+C] or [1,N,6] one; -1 when not decoded from an output.
    // detect/BoxOrigin.h turns it into head level and grid cell.
    int source = -1;
};

float iou(const Box& a, const Box& b);

}  // namespace ql
