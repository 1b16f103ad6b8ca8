// Which head (YoloLayout) a model's output shapes fit, for YoloDecoder.h: fitting each layout to
// the shapes, strictly when QuantLens must decide alone, leniently when the user named the layout.
#include <algorithm>
#include <set>

#include "detect/YoloDecoder.h"
#include "model/TensorData.h"

namespace ql {
namespace {

constexpr int kStrides[] = {8, 16, 32};
// RT-DETR's default number of queries (Ultralytics' and the original's exports).
constexpr int64_t kRtDetrQueries = 300;

int64_t cells(int w, int h, int stride) { return static_cast<int64_t>(w / stride) * (h / stride); }

int64_t gridCells(int w, int h) {
    int64_t n = 0;
    for (const int s : kStrides)
        n += cells(w, h, s);
    return n;
}

// Anchor-free heads: one anchor per cell of the stride 8/16/32 grids, of P6 models (8..64) or of
// P2 models (4..32).
std::vector<int64_t> anchorFreeCounts(int w, int h) {
    const int64_t base = gridCells(w, h);
    return {base, base + cells(w, h, 64), base + cells(w, h, 4)};
}

bool contains(const std::vector<int64_t>& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// "2100|2125|8500": the counts, each once (a small input has no stride-64 grid).
std::string countsText(const std::vector<int64_t>& counts) {
    std::string s;
    std::set<int64_t> seen;
    for (const int64_t c : counts)
        if (seen.insert(c).second)
            s += (s.empty() ? "" : "|") + std::to_string(c);
    return s;
}

std::string shapesText(const std::vector<std::vector<int64_t>>& shapes) {
    if (shapes.size() == 1)
        return "an output of shape " + shapeToString(shapes[0]);
    std::string s;
    for (const auto& shape : shapes)
        s += (s.empty() ? "" : ", ") + shapeToString(shape);
    return std::to_string(shapes.size()) + " outputs of shapes " + s;
}

// The layouts QuantLens reads with the shape each expects for this input size, for messages.
std::string knownLayoutsText(int w, int h, int regMax) {
    const auto free = anchorFreeCounts(w, h);
    const std::string anchored = countsText({3 * free[0], 3 * free[1]});
    const std::string n = countsText(free);
    const std::string gfl = countsText({free[0], free[1]});
    const std::string bins = std::to_string(4 * (regMax + 1));
    return "layouts QuantLens reads for a " + std::to_string(w) + "x" + std::to_string(h) + " input: ultralytics [1,4+C," + n +
           "], v5 [1," + anchored + ",5+C], yolox [1," + std::to_string(free[0]) + ",5+C], e2e [1,N,6], v6 [1," + n +
           ",5+C], v6-noobj [1," + n + ",4+C], rtdetr [1," + std::to_string(kRtDetrQueries) +
           ",4+C], gfl [1," + gfl + ",C+" + bins + "] or one output per level (or two: scores, distributions), yolox-levels 3 outputs [1,5+C,H,W] or "
           "[1,H*W,5+C] of strides 8/16/32, nas 2 outputs [1,N,4] and [1,N,C]";
}

// What a layout reads, for the message that lists several fits.
std::string layoutDescription(YoloLayout l) {
    switch (l) {
    case YoloLayout::Ultralytics: return "boxes in pixels, class scores";
    case YoloLayout::YoloV5: return "3 anchors per cell, objectness";
    case YoloLayout::YoloX: return "grid offsets and log sizes, objectness";
    case YoloLayout::EndToEnd: return "x1 y1 x2 y2 score class, NMS done";
    case YoloLayout::YoloV6: return "boxes in pixels, objectness";
    case YoloLayout::YoloV6NoObjectness: return "boxes in pixels, no objectness";
    case YoloLayout::YoloXLevels: return "per-level grid offsets, objectness";
    case YoloLayout::YoloNas: return "x1 y1 x2 y2 boxes and scores apart";
    case YoloLayout::RtDetr: return "queries, boxes of 0..1, no NMS";
    case YoloLayout::Gfl: return "class scores, distribution boxes";
    case YoloLayout::Auto: break;
    }
    return "";
}

struct Fit {
    HeadPlan plan;
    std::string why;  // empty when the shapes fit
};

Fit refuse(std::string why) { return {{}, std::move(why)}; }

Fit single(YoloLayout l, int64_t classes) {
    HeadPlan p;
    p.layout = l;
    p.outputs = {0};
    p.classes = classes;
    return {p, {}};
}

// Matches per-level outputs to the grids of `strides`: each output [1,ch,H,W] with H, W the
// stride's grid, or [1,H*W,ch]; every stride once, every output the same channel count.
Fit matchLevels(YoloLayout l, const std::vector<std::vector<int64_t>>& shapes, const std::vector<int>& strides, int w, int h,
                int64_t* channels) {
    const std::string name = layoutName(l);
    if (shapes.size() != strides.size())
        return refuse(name + " reads " + std::to_string(strides.size()) + " outputs, one per stride, the model has " +
                      std::to_string(shapes.size()));
    std::vector<std::pair<int, size_t>> byStride;
    *channels = -1;
    for (size_t k = 0; k < shapes.size(); ++k) {
        const auto& s = shapes[k];
        if (s.empty() || s[0] != 1 || (s.size() != 3 && s.size() != 4))
            return refuse(name + " outputs are [1,ch,H,W] or [1,H*W,ch], output " + std::to_string(k + 1) + " is " +
                          shapeToString(s));
        int found = 0;
        for (const int stride : strides) {
            const bool fits = s.size() == 4 ? (s[2] == h / stride && s[3] == w / stride)
                                            : s[1] == cells(w, h, stride);
            if (fits && cells(w, h, stride) > 0)
                found = stride;
        }
        const int64_t ch = s.size() == 4 ? s[1] : s[2];
        if (!found)
            return refuse(name + " output " + shapeToString(s) + " is on none of the stride " +
                          [&] {
                              std::string t;
                              for (const int st : strides)
                                  t += (t.empty() ? "" : "/") + std::to_string(st);
                              return t;
                          }() +
                          " grids of a " + std::to_string(w) + "x" + std::to_string(h) + " input");
        if (*channels >= 0 && ch != *channels)
            return refuse(name + " outputs carry the same channels per cell, these carry " + std::to_string(*channels) +
                          " and " + std::to_string(ch));
        *channels = ch;
        for (const auto& [st, index] : byStride)
            if (st == found)
                return refuse(name + " reads one output per stride, two are on the stride-" + std::to_string(found) + " grid");
        byStride.emplace_back(found, k);
    }
    std::sort(byStride.begin(), byStride.end());
    Fit f;
    f.plan.layout = l;
    for (const auto& [st, index] : byStride) {
        f.plan.outputs.push_back(index);
        f.plan.strides.push_back(st);
    }
    return f;
}

// Whether `shapes` can be read as `l`; strict: as QuantLens alone would decide (standard anchor
// counts), else as the user asked (any count the layout can decode).
Fit fit(YoloLayout l, const std::vector<std::vector<int64_t>>& shapes, const DecodeOptions& o, int w, int h, bool strict) {
    const std::string name = layoutName(l);
    const auto free = anchorFreeCounts(w, h);
    const int bins = 4 * (o.regMax + 1);
    const bool multi = l == YoloLayout::YoloXLevels || l == YoloLayout::YoloNas ||
                       (l == YoloLayout::Gfl && shapes.size() > 1);
    if (!multi) {
        if (shapes.size() != 1)
            return refuse(name + " reads one output, the model has " + std::to_string(shapes.size()) +
                          " (name one with --output-name)");
        const auto& s = shapes[0];
        if (s.size() != 3 || s[0] != 1)
            return refuse(name + " reads a rank-3 tensor with batch 1");
    }
    const int64_t a = multi ? 0 : shapes[0][1], b = multi ? 0 : shapes[0][2];
    const std::string rowsCols = std::to_string(a) + " rows and " + std::to_string(b) + " columns";
    switch (l) {
    case YoloLayout::Ultralytics:
        if (a < 5)
            return refuse("ultralytics [1,4+C,N] needs 4 box rows and at least one class row, this has " + std::to_string(a) + " rows");
        if (strict ? !contains(free, b) : (a >= b && !contains(free, b)))
            return refuse("ultralytics [1,4+C,N] has more anchors than rows, this has " + std::to_string(a) + " rows and " +
                          std::to_string(b) + " anchors (transposed or another head)");
        return single(l, a - 4);
    case YoloLayout::YoloV5: {
        if (b < 6)
            return refuse("v5 [1,N,5+C] needs 5 box/objectness columns and at least one class column, this has " + std::to_string(b));
        const bool standard = a == 3 * free[0] || a == 3 * free[1];
        if (strict ? !standard : (b >= a && !standard))
            return refuse("v5 [1,N,5+C] has more anchors than columns, this has " + std::to_string(a) + " anchors and " +
                          std::to_string(b) + " columns (transposed or another head)");
        return single(l, b - 5);
    }
    case YoloLayout::YoloX:
        if (a != free[0])
            return refuse("yolox [1,N,5+C] has one row per cell of the stride 8/16/32 grids, " + std::to_string(free[0]) +
                          " for this input, this has " + std::to_string(a));
        if (b < 6)
            return refuse("yolox [1,N,5+C] needs at least 6 columns, this has " + std::to_string(b));
        return single(l, b - 5);
    case YoloLayout::EndToEnd:
        if (b != 6)
            return refuse("e2e [1,N,6] has 6 columns (x1 y1 x2 y2 score class), this has " + std::to_string(b));
        return single(l, -1);
    case YoloLayout::YoloV6:
    case YoloLayout::YoloV6NoObjectness: {
        const int64_t fixedCols = l == YoloLayout::YoloV6 ? 5 : 4;
        if (b < fixedCols + 1)
            return refuse(name + " [1,N," + std::to_string(fixedCols) + "+C] needs at least " + std::to_string(fixedCols + 1) +
                          " columns, this has " + std::to_string(b));
        if (strict ? !contains(free, a) : (b >= a && !contains(free, a)))
            return refuse(name + " has one row per cell of the stride 8/16/32 grids (" + countsText(free) +
                          " for this input), this has " + rowsCols);
        return single(l, b - fixedCols);
    }
    case YoloLayout::RtDetr:
        if (b < 5)
            return refuse("rtdetr [1,Q,4+C] needs 4 box columns and at least one class column, this has " + std::to_string(b));
        if (b >= a)
            return refuse("rtdetr [1,Q,4+C] has more queries than columns, this has " + rowsCols);
        if (strict) {
            // Only RT-DETR's default query count, and never a grid's anchor count; a [1,300,6]
            // is an end-to-end YOLO unless the names say two classes.
            if (a != kRtDetrQueries || contains(free, a) || a == 3 * free[0] || a == 3 * free[1])
                return refuse("rtdetr is found alone only with its default " + std::to_string(kRtDetrQueries) + " queries");
            if (b == 6 && o.expectedClasses != 2)
                return refuse("a [1,300,6] output is read as e2e");
        }
        return single(l, b - 4);
    case YoloLayout::Gfl: {
        if (o.regMax < 1)
            return refuse("gfl needs --reg-max of at least 1");
        std::vector<int> strides3 = {8, 16, 32}, strides4 = {8, 16, 32, 64};
        if (shapes.size() == 6 || shapes.size() == 8) {
            // Scores and distributions apart, one of each per level: told apart by the bins.
            std::vector<std::vector<int64_t>> scoreShapes, binShapes;
            std::vector<size_t> scoreIndex, binIndex;
            for (size_t k = 0; k < shapes.size(); ++k) {
                const bool isBins = !shapes[k].empty() && shapes[k].back() == bins && shapes[k].size() == 3;
                (isBins ? binShapes : scoreShapes).push_back(shapes[k]);
                (isBins ? binIndex : scoreIndex).push_back(k);
            }
            if (binShapes.size() != scoreShapes.size())
                return refuse("gfl with scores and distributions apart reads one [1,H*W,C] and one [1,H*W," +
                              std::to_string(bins) + "] output per level; " + std::to_string(binShapes.size()) + " of the " +
                              std::to_string(shapes.size()) + " have " + std::to_string(bins) + " columns" +
                              (scoreShapes.empty() ? " (cannot tell scores from distributions)" : ""));
            const auto& strides = scoreShapes.size() == 3 ? strides3 : strides4;
            int64_t classes = 0, binCount = 0;
            Fit scores = matchLevels(l, scoreShapes, strides, w, h, &classes);
            if (!scores.why.empty())
                return scores;
            Fit dists = matchLevels(l, binShapes, strides, w, h, &binCount);
            if (!dists.why.empty())
                return dists;
            Fit f;
            f.plan.layout = l;
            f.plan.scoresApart = true;
            for (const size_t k : scores.plan.outputs)
                f.plan.outputs.push_back(scoreIndex[k]);
            for (const size_t k : dists.plan.outputs)
                f.plan.outputs.push_back(binIndex[k]);
            f.plan.strides = scores.plan.strides;
            f.plan.strides.insert(f.plan.strides.end(), dists.plan.strides.begin(), dists.plan.strides.end());
            f.plan.classes = classes;
            f.plan.regMax = o.regMax;
            return f;
        }
        if (shapes.size() > 1) {
            int64_t ch = 0;
            Fit f = matchLevels(l, shapes, shapes.size() == 3 ? strides3 : strides4, w, h, &ch);
            if (!f.why.empty())
                return f;
            if (ch <= bins)
                return refuse("gfl outputs carry C+" + std::to_string(bins) + " channels (class scores, then 4 x " +
                              std::to_string(o.regMax + 1) + " distribution bins), these carry " + std::to_string(ch));
            f.plan.classes = ch - bins;
            f.plan.regMax = o.regMax;
            return f;
        }
        if (a != free[0] && a != free[1])
            return refuse("gfl [1,N,C+" + std::to_string(bins) + "] has one row per cell of the stride 8/16/32(/64) grids, " +
                          countsText({free[0], free[1]}) + " for this input, this has " + std::to_string(a));
        if (b <= bins)
            return refuse("gfl [1,N,C+" + std::to_string(bins) + "] needs more than " + std::to_string(bins) +
                          " columns (4 sides x " + std::to_string(o.regMax + 1) + " bins, --reg-max " +
                          std::to_string(o.regMax) + "), this has " + std::to_string(b));
        Fit f = single(l, b - bins);
        f.plan.strides = a == free[0] ? strides3 : strides4;
        f.plan.regMax = o.regMax;
        return f;
    }
    case YoloLayout::YoloXLevels: {
        int64_t ch = 0;
        Fit f = matchLevels(l, shapes, {8, 16, 32}, w, h, &ch);
        if (!f.why.empty())
            return f;
        if (ch < 6)
            return refuse("yolox-levels outputs carry 5+C channels, these carry " + std::to_string(ch));
        f.plan.classes = ch - 5;
        return f;
    }
    case YoloLayout::YoloNas: {
        if (shapes.size() != 2)
            return refuse("nas reads 2 outputs (boxes [1,N,4], scores [1,N,C]), the model has " + std::to_string(shapes.size()));
        for (const auto& s : shapes)
            if (s.size() != 3 || s[0] != 1)
                return refuse("nas outputs are [1,N,4] and [1,N,C], one is " + shapeToString(s));
        if (shapes[0][1] != shapes[1][1])
            return refuse("nas boxes and scores have one row per anchor each, these have " + std::to_string(shapes[0][1]) +
                          " and " + std::to_string(shapes[1][1]));
        const bool first = shapes[0][2] == 4, second = shapes[1][2] == 4;
        if (first == second)
            return refuse(first ? "nas boxes [1,N,4] and scores [1,N,C] cannot be told apart when both have 4 columns"
                                : "nas reads boxes [1,N,4], neither output has 4 columns");
        if (strict && !contains(free, shapes[0][1]))
            return refuse("nas has one row per cell of the stride 8/16/32 grids, " + countsText(free) + " for this input, this has " +
                          std::to_string(shapes[0][1]));
        Fit f;
        f.plan.layout = l;
        f.plan.outputs = first ? std::vector<size_t>{0, 1} : std::vector<size_t>{1, 0};
        f.plan.classes = shapes[first ? 1 : 0][2];
        return f;
    }
    case YoloLayout::Auto:
        break;
    }
    return refuse("no layout");
}

}  // namespace

std::string layoutName(YoloLayout layout) {
    switch (layout) {
    case YoloLayout::Auto: return "auto";
    case YoloLayout::Ultralytics: return "ultralytics";
    case YoloLayout::YoloV5: return "v5";
    case YoloLayout::YoloX: return "yolox";
    case YoloLayout::EndToEnd: return "e2e";
    case YoloLayout::YoloV6: return "v6";
    case YoloLayout::YoloV6NoObjectness: return "v6-noobj";
    case YoloLayout::YoloXLevels: return "yolox-levels";
    case YoloLayout::YoloNas: return "nas";
    case YoloLayout::RtDetr: return "rtdetr";
    case YoloLayout::Gfl: return "gfl";
    }
    return "?";
}

const std::vector<YoloLayout>& knownLayouts() {
    static const std::vector<YoloLayout> all = {YoloLayout::Ultralytics,        YoloLayout::YoloV5,      YoloLayout::YoloX,
                                                YoloLayout::EndToEnd,           YoloLayout::YoloV6,
                                                YoloLayout::YoloV6NoObjectness, YoloLayout::YoloXLevels, YoloLayout::YoloNas,
                                                YoloLayout::RtDetr,             YoloLayout::Gfl};
    return all;
}

std::string layoutChoices() {
    std::string s = "auto";
    for (const auto l : knownLayouts())
        s += ", " + layoutName(l);
    return s;
}

Result<YoloLayout> parseLayout(const std::string& text) {
    if (text == "auto")
        return YoloLayout::Auto;
    for (const auto l : knownLayouts())
        if (text == layoutName(l))
            return l;
    return Error{"unknown output layout '" + text + "' (use " + layoutChoices() + ")"};
}

std::vector<YoloLayout> fittingLayouts(const std::vector<std::vector<int64_t>>& shapes, int w, int h) {
    std::vector<YoloLayout> fits;
    const DecodeOptions none;
    for (const auto l : knownLayouts())
        if (fit(l, shapes, none, w, h, true).why.empty())
            fits.push_back(l);
    return fits;
}

YoloLayout detectLayout(const std::vector<int64_t>& shape, int w, int h) {
    const auto fits = fittingLayouts({shape}, w, h);
    return fits.size() == 1 ? fits.front() : YoloLayout::Auto;
}

Result<HeadPlan> resolveHead(const std::vector<std::vector<int64_t>>& shapes, const DecodeOptions& o, int w, int h) {
    const std::string what = shapesText(shapes);
    const std::string s = shapes.size() == 1 ? "s" : "";  // "an output ... fits", "3 outputs ... fit"
    const std::string source = o.classSource.empty() ? "the class names" : o.classSource;
    HeadPlan plan;
    if (o.layout != YoloLayout::Auto) {
        Fit f = fit(o.layout, shapes, o, w, h, false);
        if (!f.why.empty())
            return Error{what + " cannot be read as --layout " + layoutName(o.layout) + ": " + f.why + "; " +
                         knownLayoutsText(w, h, o.regMax)};
        plan = f.plan;
        if (o.expectedClasses > 0 && plan.classes >= 0 && plan.classes != o.expectedClasses)
            return Error{what + " read as " + layoutName(plan.layout) + " carr" + (s.empty() ? "y " : "ies ") + "" + std::to_string(plan.classes) +
                         " classes, but " + source + " names " + std::to_string(o.expectedClasses) + "; wrong names?"};
        return plan;
    }
    std::vector<HeadPlan> fits;
    for (const auto l : knownLayouts())
        if (Fit f = fit(l, shapes, o, w, h, true); f.why.empty())
            fits.push_back(f.plan);
    if (fits.empty())
        return Error{what + " fit" + s + " none of the " + knownLayoutsText(w, h, o.regMax) +
                     "; if it is one of them with other anchors, name it with --layout"};
    std::vector<HeadPlan> named;  // the fits whose class count the names confirm
    for (const auto& p : fits)
        if (o.expectedClasses <= 0 || p.classes < 0 || p.classes == o.expectedClasses)
            named.push_back(p);
    auto listed = [](const std::vector<HeadPlan>& plans) {
        std::string s;
        for (const auto& p : plans)
            s += (s.empty() ? "" : ", ") + layoutName(p.layout) + " (" + layoutDescription(p.layout) +
                 (p.classes >= 0 ? ", " + std::to_string(p.classes) + " classes" : "") + ")";
        return s;
    };
    if (named.empty()) {
        if (fits.size() == 1)
            return Error{what + " read as " + layoutName(fits[0].layout) + " carr" + (s.empty() ? "y " : "ies ") + "" + std::to_string(fits[0].classes) +
                         " classes, but " + source + " names " + std::to_string(o.expectedClasses) +
                         "; wrong names, or another layout (--layout)"};
        return Error{what + " fit" + s + " " + listed(fits) + ", none with the " + std::to_string(o.expectedClasses) +
                     " classes that " + source + " names; wrong names, or another layout (--layout)"};
    }
    if (named.size() > 1) {
        std::string choices;
        for (const auto& p : named)
            choices += (choices.empty() ? "" : "|") + layoutName(p.layout);
        return Error{what + " fit" + s + " several heads: " + listed(named) + "; the shape" + (s.empty() ? "s" : "") + " cannot tell them apart, name one with --layout " +
                     choices + (o.expectedClasses > 0 ? "" : " (or give the class names with --names)")};
    }
    return named.front();
}

Result<YoloLayout> resolveLayout(const std::vector<int64_t>& shape, const DecodeOptions& options, int w, int h) {
    auto plan = resolveHead({shape}, options, w, h);
    if (!plan)
        return plan.error();
    return plan->layout;
}

}  // namespace ql
