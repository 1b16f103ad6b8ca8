// Which part of a detector's raw outputs is which (box coordinates, objectness, class scores), by
// head, so that each part is measured on its own: box coordinates run to hundreds of pixels and
// drown class scores of 0..1 in any figure taken over the whole tensor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "detect/YoloDecoder.h"

namespace ql {

enum class OutputPartKind { Boxes, Objectness, ClassScores, ClassIds };

std::string partName(OutputPartKind kind);  // "boxes", "objectness", "class scores", "class ids"

// A range of channels of one output [1, A, ...]: along axis 1 (Ultralytics' [1, 4+C, N], a
// level's [1, ch, H, W]) or along the last axis (axis 2: [1, N, 5+C], [1, N, 4]). A GFL head's
// distribution bins count as its boxes.
struct OutputPart {
    OutputPartKind kind = OutputPartKind::Boxes;
    int axis = 1;
    int64_t begin = 0;
    int64_t end = 0;
    size_t output = 0;  // which output: an index into the shapes the parts were made for
};

// The parts of an output of `shape` in `layout` (a single-output one); empty when the layout does
// not fit the shape.
std::vector<OutputPart> outputParts(YoloLayout layout, const std::vector<int64_t>& shape);
// The parts of the outputs a head reads, `shapes` being those resolveHead saw (plan.outputs index
// them); a part per output and kind, in the order of plan.outputs. Empty when they do not fit.
std::vector<OutputPart> outputParts(const HeadPlan& plan, const std::vector<std::vector<int64_t>>& shapes);

// Calls fn(offset, count) for each contiguous run of the part's elements in a tensor of `shape`
// ([1, A, B] or [1, A, H, W]).
template <typename Fn>
void forEachRun(const OutputPart& part, const std::vector<int64_t>& shape, Fn&& fn) {
    const size_t begin = static_cast<size_t>(part.begin), end = static_cast<size_t>(part.end);
    if (part.axis == 1) {
        size_t inner = 1;  // elements per channel
        for (size_t i = 2; i < shape.size(); ++i)
            inner *= static_cast<size_t>(shape[i]);
        fn(begin * inner, (end - begin) * inner);
        return;
    }
    size_t rows = 1;
    for (size_t i = 1; i + 1 < shape.size(); ++i)
        rows *= static_cast<size_t>(shape[i]);
    const size_t b = static_cast<size_t>(shape.back());
    for (size_t row = 0; row < rows; ++row)
        fn(row * b + begin, end - begin);
}

}  // namespace ql
