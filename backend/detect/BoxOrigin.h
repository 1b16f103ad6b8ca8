// Where in a YOLO head a decoded box came from: its output index (Detection::source) turned into
// head level, stride and grid cell, for the grid layouts (Ultralytics v8/11, YOLOv5/v7, YOLOX,
// with the P2 and P6 grids). Layouts without grids (end-to-end, NMS inside the model) are refused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "detect/YoloDecoder.h"
#include "util/Result.h"

namespace ql {

struct GridCell {
    int index = -1;     // the output index (anchor column or row) this cell was found from
    int level = 0;      // 0 for the finest grid
    int stride = 0;     // input pixels per cell
    int gridWidth = 0;  // cells across and down this level's grid
    int gridHeight = 0;
    int x = 0;          // cell column, 0 at the left
    int y = 0;          // cell row, 0 at the top
    int anchor = 0;     // YOLOv5: which of the cell's anchors (0..anchorsPerCell-1); 0 otherwise
    int anchorsPerCell = 1;
    // The cell's centre in input pixels: Ultralytics' anchor point.
    float centreX() const { return (static_cast<float>(x) + 0.5f) * static_cast<float>(stride); }
    float centreY() const { return (static_cast<float>(y) + 0.5f) * static_cast<float>(stride); }
};

// The strides of the grids an output of `shape` in `layout` carries for an input of
// inputWidth x inputHeight, finest first: {8,16,32}, {8,16,32,64} (P6) or {4,8,16,32} (P2). The
// error says why there are none (end-to-end layout, an anchor count no grid set gives).
Result<std::vector<int>> headStrides(YoloLayout layout, const std::vector<int64_t>& shape, int inputWidth, int inputHeight);

// The grid cell output index `source` belongs to. Anchor order, as the exporters write it: level
// after level, finest first; within a level row-major (y, then x); YOLOv5 puts a level's three
// anchors outermost (anchor, y, x), as its Detect head flattens [anchors, ny, nx].
Result<GridCell> cellOf(YoloLayout layout, const std::vector<int64_t>& shape, int inputWidth, int inputHeight, int source);

// "stride 16 (level 1, 40x40 grid), cell x 12, y 7" (", anchor 2" for YOLOv5).
std::string describeCell(const GridCell& cell);

}  // namespace ql
