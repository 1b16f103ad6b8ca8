// Which part of a detector's raw output is which (box coordinates, objectness, class scores), by
// output layout, so that each part is measured on its own: box coordinates run to hundreds of
// pixels and drown class scores of 0..1 in any figure taken over the whole tensor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "detect/YoloDecoder.h"

namespace ql {

enum class OutputPartKind { Boxes, Objectness, ClassScores, ClassIds };

std::string partName(OutputPartKind kind);  // "boxes", "objectness", "class scores", "class ids"

// A range of channels of a [1, A, B] output: rows (axis 1, Ultralytics' [1, 4+C, N]) or
// columns (axis 2, [1, N, 5+C]).
struct OutputPart {
    OutputPartKind kind = OutputPartKind::Boxes;
    int axis = 1;
    int64_t begin = 0;
    int64_t end = 0;
};

// The parts of an output of `shape` in `layout`; empty when the layout does not fit the shape.
std::vector<OutputPart> outputParts(YoloLayout layout, const std::vector<int64_t>& shape);

// Calls fn(offset, count) for each contiguous run of the part's elements in a [1, A, B] tensor.
template <typename Fn>
void forEachRun(const OutputPart& part, const std::vector<int64_t>& shape, Fn&& fn) {
    const size_t a = static_cast<size_t>(shape[1]), b = static_cast<size_t>(shape[2]);
    const size_t begin = static_cast<size_t>(part.begin), end = static_cast<size_t>(part.end);
    if (part.axis == 1) {
        fn(begin * b, (end - begin) * b);
        return;
    }
    for (size_t row = 0; row < a; ++row)
        fn(row * b + begin, end - begin);
}

}  // namespace ql
