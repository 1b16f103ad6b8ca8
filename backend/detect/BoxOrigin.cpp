#include "detect/BoxOrigin.h"

#include "model/TensorData.h"

namespace ql {
namespace {

int64_t cellsOf(const std::vector<int>& strides, int w, int h) {
    int64_t n = 0;
    for (const int s : strides)
        n += static_cast<int64_t>(w / s) * (h / s);
    return n;
}

}  // namespace

Result<std::vector<int>> headStrides(YoloLayout layout, const std::vector<int64_t>& shape, int w, int h) {
    if (layout == YoloLayout::EndToEnd)
        return Error{"an end-to-end output [1,N,6] (NMS inside the model) keeps no grid cell per box; "
                     "QuantLens cannot say which cell of the head produced it"};
    // Only the layouts whose anchor order is known here; any other (a head added later) is refused
    // rather than read with another's order.
    if (layout != YoloLayout::Ultralytics && layout != YoloLayout::YoloV5 && layout != YoloLayout::YoloX)
        return Error{"QuantLens does not know the grid order of " + layoutName(layout) + " outputs, so not which cell produced a box"};
    if (shape.size() != 3 || shape[0] != 1)
        return Error{"an output of shape " + shapeToString(shape) + " is no grid head QuantLens reads"};
    const int64_t anchors = layout == YoloLayout::Ultralytics ? shape[2] : shape[1];
    const int64_t perCell = layout == YoloLayout::YoloV5 ? 3 : 1;
    std::vector<std::vector<int>> candidates = {{8, 16, 32}};
    if (layout != YoloLayout::YoloX) {
        candidates.push_back({8, 16, 32, 64});
        candidates.push_back({4, 8, 16, 32});
    }
    for (const auto& strides : candidates)
        if (perCell * cellsOf(strides, w, h) == anchors)
            return strides;
    return Error{"an output of shape " + shapeToString(shape) + " read as " + layoutName(layout) + " has " +
                 std::to_string(anchors) + " anchors, which no stride 8/16/32 grid set (nor P2, P6) of a " +
                 std::to_string(w) + "x" + std::to_string(h) + " input gives; its cells are not known"};
}

Result<GridCell> cellOf(YoloLayout layout, const std::vector<int64_t>& shape, int w, int h, int source) {
    auto strides = headStrides(layout, shape, w, h);
    if (!strides)
        return strides.error();
    if (source < 0)
        return Error{"the box was not decoded from this output (no output index)"};
    const int perCell = layout == YoloLayout::YoloV5 ? 3 : 1;
    int64_t rest = source;
    for (size_t level = 0; level < strides->size(); ++level) {
        const int stride = (*strides)[level];
        const int gw = w / stride, gh = h / stride;
        const int64_t count = static_cast<int64_t>(perCell) * gw * gh;
        if (rest >= count) {
            rest -= count;
            continue;
        }
        GridCell c;
        c.index = source;
        c.level = static_cast<int>(level);
        c.stride = stride;
        c.gridWidth = gw;
        c.gridHeight = gh;
        c.anchorsPerCell = perCell;
        const int64_t perAnchor = static_cast<int64_t>(gw) * gh;
        c.anchor = static_cast<int>(rest / perAnchor);
        const int64_t inGrid = rest % perAnchor;
        c.y = static_cast<int>(inGrid / gw);
        c.x = static_cast<int>(inGrid % gw);
        return c;
    }
    return Error{"output index " + std::to_string(source) + " is past the last grid cell of " + shapeToString(shape)};
}

std::string describeCell(const GridCell& c) {
    std::string s = "stride " + std::to_string(c.stride) + " (level " + std::to_string(c.level) + ", " +
                    std::to_string(c.gridWidth) + "x" + std::to_string(c.gridHeight) + " grid), cell x " +
                    std::to_string(c.x) + ", y " + std::to_string(c.y);
    if (c.anchorsPerCell > 1)
        s += ", anchor " + std::to_string(c.anchor);
    return s;
}

}  // namespace ql
