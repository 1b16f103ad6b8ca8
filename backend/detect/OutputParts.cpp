#include "detect/OutputParts.h"

namespace ql {

std::string partName(OutputPartKind kind) {
    switch (kind) {
    case OutputPartKind::Boxes: return "boxes";
    case OutputPartKind::Objectness: return "objectness";
    case OutputPartKind::ClassScores: return "class scores";
    case OutputPartKind::ClassIds: return "class ids";
    }
    return "?";
}

std::vector<OutputPart> outputParts(YoloLayout layout, const std::vector<int64_t>& shape) {
    if (shape.size() != 3 || shape[0] != 1 || shape[1] <= 0 || shape[2] <= 0)
        return {};
    const int64_t a = shape[1], b = shape[2];
    switch (layout) {
    case YoloLayout::Ultralytics:
        if (a < 5)
            return {};
        return {{OutputPartKind::Boxes, 1, 0, 4}, {OutputPartKind::ClassScores, 1, 4, a}};
    case YoloLayout::YoloV5:
    case YoloLayout::YoloX:
        if (b < 6)
            return {};
        return {{OutputPartKind::Boxes, 2, 0, 4}, {OutputPartKind::Objectness, 2, 4, 5}, {OutputPartKind::ClassScores, 2, 5, b}};
    case YoloLayout::EndToEnd:
        if (b != 6)
            return {};
        return {{OutputPartKind::Boxes, 2, 0, 4}, {OutputPartKind::ClassScores, 2, 4, 5}, {OutputPartKind::ClassIds, 2, 5, 6}};
    case YoloLayout::Auto:
        break;
    }
    return {};
}

}  // namespace ql
