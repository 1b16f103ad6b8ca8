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

namespace {

// Boxes, objectness and classes of a 5+C-channel output along `axis`.
std::vector<OutputPart> withObjectness(int axis, int64_t channels, size_t output) {
    return {{OutputPartKind::Boxes, axis, 0, 4, output},
            {OutputPartKind::Objectness, axis, 4, 5, output},
            {OutputPartKind::ClassScores, axis, 5, channels, output}};
}

}  // namespace

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
    case YoloLayout::YoloV6:
        if (b < 6)
            return {};
        return withObjectness(2, b, 0);
    case YoloLayout::YoloV6NoObjectness:
    case YoloLayout::RtDetr:
        if (b < 5)
            return {};
        return {{OutputPartKind::Boxes, 2, 0, 4}, {OutputPartKind::ClassScores, 2, 4, b}};
    case YoloLayout::EndToEnd:
        if (b != 6)
            return {};
        return {{OutputPartKind::Boxes, 2, 0, 4}, {OutputPartKind::ClassScores, 2, 4, 5}, {OutputPartKind::ClassIds, 2, 5, 6}};
    case YoloLayout::Gfl:
    case YoloLayout::YoloXLevels:
    case YoloLayout::YoloNas:
    case YoloLayout::Auto:
        break;  // need the head's plan: class count, several outputs
    }
    return {};
}

std::vector<OutputPart> outputParts(const HeadPlan& plan, const std::vector<std::vector<int64_t>>& shapes) {
    for (const size_t k : plan.outputs)
        if (k >= shapes.size())
            return {};
    switch (plan.layout) {
    case YoloLayout::YoloNas: {
        if (plan.outputs.size() != 2)
            return {};
        const auto& scores = shapes[plan.outputs[1]];
        return {{OutputPartKind::Boxes, 2, 0, 4, plan.outputs[0]},
                {OutputPartKind::ClassScores, 2, 0, scores.back(), plan.outputs[1]}};
    }
    case YoloLayout::YoloXLevels:
    case YoloLayout::Gfl: {
        std::vector<OutputPart> parts;
        if (plan.scoresApart) {  // score outputs, then distribution outputs
            const size_t levels = plan.outputs.size() / 2;
            for (size_t i = 0; i < plan.outputs.size(); ++i) {
                const size_t k = plan.outputs[i];
                parts.push_back({i < levels ? OutputPartKind::ClassScores : OutputPartKind::Boxes, 2, 0, shapes[k].back(), k});
            }
            return parts;
        }
        for (const size_t k : plan.outputs) {
            const auto& s = shapes[k];
            const int axis = s.size() == 4 ? 1 : 2;
            const int64_t channels = s.size() == 4 ? s[1] : s.back();
            if (plan.layout == YoloLayout::YoloXLevels) {
                for (const auto& p : withObjectness(axis, channels, k))
                    parts.push_back(p);
            } else {  // class scores first, then the distribution bins of the four sides
                if (plan.classes <= 0 || plan.classes >= channels)
                    return {};
                parts.push_back({OutputPartKind::ClassScores, axis, 0, plan.classes, k});
                parts.push_back({OutputPartKind::Boxes, axis, plan.classes, channels, k});
            }
        }
        return parts;
    }
    default:
        if (plan.outputs.size() != 1)
            return {};
        auto parts = outputParts(plan.layout, shapes[plan.outputs[0]]);
        for (auto& p : parts)
            p.output = plan.outputs[0];
        return parts;
    }
}

}  // namespace ql
