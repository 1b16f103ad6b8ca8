// Groups of a graph, checked against groups counted by hand on small graphs: module paths nest,
// single-child groups merge into their child, nodes without paths form blocks cut at branch and
// merge points, wide groups are wrapped; a group's summary; the views a set of open groups gives;
// and the layout of a view (frames hold their boxes, closing a group brings the picture back).
#include <gtest/gtest.h>

#include "layout/GraphGroups.h"
#include "layout/GroupLayout.h"
#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"

#include <set>

using namespace ql;

namespace {

OnnxModel build(ModelBuilder& b) {
    auto model = OnnxModel::fromProto(b.build(), "test");
    EXPECT_TRUE(model) << model.errorMessage();
    return std::move(model).value();
}

// x -> Conv0 -> Sigmoid -> Mul(Conv0, Sigmoid) -> Conv1 -> Relu1 -> Add(Relu1, Mul) -> output
OnnxModel pathModel() {
    ModelBuilder b;
    b.input("x", {1, 2, 4, 4}).output("y", {1, 2, 4, 4});
    b.floatInitializer("w0", {2, 2, 1, 1}, std::vector<float>(4, 0.5f));
    b.floatInitializer("w1", {2, 2, 1, 1}, std::vector<float>(4, 0.5f));
    b.node("Conv", {"x", "w0"}, {"c0"}, "/model.0/conv/Conv");
    b.node("Sigmoid", {"c0"}, {"s0"}, "/model.0/act/Sigmoid");
    b.node("Mul", {"c0", "s0"}, {"m0"}, "/model.0/act/Mul");
    b.node("Conv", {"m0", "w1"}, {"c1"}, "/model.1/cv1/conv/Conv");
    b.node("Relu", {"c1"}, {"r1"}, "/model.1/cv1/act/Relu");
    b.node("Add", {"r1", "m0"}, {"a2"}, "/model.2/Add");
    b.node("Relu", {"a2"}, {"y"}, "output");
    return build(b);
}

std::vector<std::string> paths(const GroupTree& t) {
    std::vector<std::string> p;
    for (const auto& g : t.groups)
        p.push_back(g.path);
    return p;
}

}  // namespace

TEST(GraphGroups, ModulePathsNestAndSingleChildGroupsMerge) {
    const OnnxModel m = pathModel();
    const Graph& g = m.graph();
    const GroupTree t = groupGraph(g, nullptr);
    // /model.0/conv/ holds one Conv (merged into it), /model.1/ holds only cv1/ (merged into cv1/),
    // /model.2/ holds one Add, the path-less "output" forms a block of one: both merged into the node.
    EXPECT_EQ(paths(t), (std::vector<std::string>{"", "/model.0/", "/model.0/act/", "/model.1/cv1/"}));
    EXPECT_EQ(t.shownNodes, 7);
    EXPECT_EQ(t.maxDepth, 2);
    const int m0 = t.findGroup("/model.0/"), act = t.findGroup("/model.0/act/"), cv1 = t.findGroup("/model.1/cv1/");
    EXPECT_EQ(t.groups[static_cast<size_t>(act)].label, "act");
    EXPECT_EQ(t.groups[static_cast<size_t>(act)].parent, m0);
    EXPECT_EQ(t.groups[static_cast<size_t>(cv1)].parent, 0);
    const std::vector<GroupItem> root = {{true, m0}, {true, cv1}, {false, g.findNode("/model.2/Add")}, {false, g.findNode("output")}};
    EXPECT_EQ(t.groups[0].children, root);
    EXPECT_EQ(t.groups[static_cast<size_t>(m0)].children,
              (std::vector<GroupItem>{{false, g.findNode("/model.0/conv/Conv")}, {true, act}}));
    EXPECT_EQ(t.groups[static_cast<size_t>(m0)].nodes.size(), 3u);
    EXPECT_EQ(t.groups[0].nodes.size(), 7u);
    EXPECT_EQ(t.ancestorsOf(g.findNode("/model.0/act/Mul")), (std::vector<int>{m0, act}));
    EXPECT_TRUE(t.contains(m0, g.findNode("/model.0/act/Sigmoid")));
    EXPECT_FALSE(t.contains(cv1, g.findNode("/model.0/act/Sigmoid")));
    // 8 graph edges (weights are none); each counted once in the innermost group holding both ends.
    EXPECT_EQ(t.edges.size(), 8u);
    EXPECT_EQ(t.groups[0].childEdges.size(), 4u);  // model.0->cv1, cv1->Add, model.0->Add, Add->output
    EXPECT_EQ(t.groups[static_cast<size_t>(m0)].childEdges.size(), 1u);  // Conv->act, read twice
    EXPECT_EQ(t.groups[static_cast<size_t>(act)].childEdges.size(), 1u);
    EXPECT_EQ(t.groups[static_cast<size_t>(cv1)].childEdges.size(), 1u);
}

TEST(GraphGroups, NodesWithoutPathsFormBlocksBetweenBranchAndMergePoints) {
    // a0 -> a1 -> a2 -> {b0, b1, b2} -> c (Sum of three) -> d0 -> d1
    ModelBuilder b;
    b.input("x", {1, 4}).output("d1", {1, 4});
    b.node("Relu", {"x"}, {"a0"}, "a0");
    b.node("Relu", {"a0"}, {"a1"}, "a1");
    b.node("Relu", {"a1"}, {"a2"}, "a2");
    for (int i = 0; i < 3; ++i)
        b.node("Relu", {"a2"}, {"b" + std::to_string(i)}, "b" + std::to_string(i));
    b.node("Sum", {"b0", "b1", "b2"}, {"c"}, "c");
    b.node("Relu", {"c"}, {"d0"}, "d0");
    b.node("Relu", {"d0"}, {"d1"}, "d1");
    const OnnxModel m = build(b);
    const GroupTree t = groupGraph(m.graph(), nullptr);
    // Block 1 ends after a2 (three consumers), block 3 starts at c (three producers).
    ASSERT_EQ(paths(t), (std::vector<std::string>{"", "block 1", "block 2", "block 3"}));
    auto names = [&](int group) {
        std::vector<std::string> n;
        for (const int i : t.groups[static_cast<size_t>(group)].nodes)
            n.push_back(m.graph().node(i).name);
        std::sort(n.begin(), n.end());
        return n;
    };
    EXPECT_EQ(names(1), (std::vector<std::string>{"a0", "a1", "a2"}));
    EXPECT_EQ(names(2), (std::vector<std::string>{"b0", "b1", "b2"}));
    EXPECT_EQ(names(3), (std::vector<std::string>{"c", "d0", "d1"}));
    // The size cap: a chain of 100 nodes in blocks of at most 40 is 40 + 40 + 20.
    ModelBuilder c;
    c.input("x", {1, 4}).output("t99", {1, 4});
    std::string in = "x";
    for (int i = 0; i < 100; ++i) {
        c.node("Relu", {in}, {"t" + std::to_string(i)}, "r" + std::to_string(i));
        in = "t" + std::to_string(i);
    }
    const OnnxModel chain = build(c);
    const GroupTree ct = groupGraph(chain.graph(), nullptr);
    ASSERT_EQ(ct.groups.size(), 4u);
    EXPECT_EQ(ct.groups[1].nodes.size(), 40u);
    EXPECT_EQ(ct.groups[2].nodes.size(), 40u);
    EXPECT_EQ(ct.groups[3].nodes.size(), 20u);
    EXPECT_EQ(ct.groups[0].childEdges.size(), 2u);  // block 1 -> 2 -> 3
}

TEST(GraphGroups, WideGroupsAreWrappedInRuns) {
    // 50 modules of one node each: all merged into their nodes, 50 children of the root; at most
    // 20 allowed, so runs of 10: [1-10] ... [41-50].
    ModelBuilder b;
    b.input("x", {1, 4}).output("t49", {1, 4});
    std::string in = "x";
    for (int i = 0; i < 50; ++i) {
        b.node("Relu", {in}, {"t" + std::to_string(i)}, "/m." + std::to_string(i) + "/Relu");
        in = "t" + std::to_string(i);
    }
    const OnnxModel m = build(b);
    GroupingOptions options;
    options.maxChildren = 20;
    const GroupTree t = groupGraph(m.graph(), nullptr, options);
    ASSERT_EQ(t.groups.size(), 6u);
    EXPECT_EQ(t.groups[1].path, "[1-10]");
    EXPECT_EQ(t.groups[5].path, "[41-50]");
    for (size_t g = 1; g < 6; ++g)
        EXPECT_EQ(t.groups[g].children.size(), 10u);
}

TEST(GraphGroups, SummaryCountsWorstMedianAndExcluded) {
    const OnnxModel m = pathModel();
    const Graph& g = m.graph();
    const GroupTree t = groupGraph(g, nullptr);
    const int m0 = t.findGroup("/model.0/");
    const int conv = g.findNode("/model.0/conv/Conv"), sig = g.findNode("/model.0/act/Sigmoid"), mul = g.findNode("/model.0/act/Mul");
    const std::map<int, double> metric = {{conv, 30.0}, {sig, 10.0}, {mul, 20.0}, {g.findNode("output"), 1.0}};
    const GroupSummary s = summarizeGroup(t, m0, metric, [&](int node) { return node == mul; });
    EXPECT_EQ(s.nodes, 3);
    EXPECT_EQ(s.measured, 3);
    EXPECT_DOUBLE_EQ(s.worst, 10.0);
    EXPECT_DOUBLE_EQ(s.median, 20.0);
    EXPECT_EQ(s.excluded, 1);
    // Four values: the lower median.
    const GroupSummary all = summarizeGroup(t, 0, metric, nullptr);
    EXPECT_EQ(all.nodes, 7);
    EXPECT_DOUBLE_EQ(all.worst, 1.0);
    EXPECT_DOUBLE_EQ(all.median, 10.0);
    EXPECT_EQ(all.excluded, 0);
}

TEST(GraphGroups, ViewsShowOpenGroupsChildrenAndClosedGroupsAsOneBox) {
    const OnnxModel m = pathModel();
    const Graph& g = m.graph();
    const GroupTree t = groupGraph(g, nullptr);
    const int m0 = t.findGroup("/model.0/"), act = t.findGroup("/model.0/act/");
    EXPECT_EQ(visibleItems(t, {}).size(), 4u);
    EXPECT_EQ(visibleItems(t, openToDepth(t, 2)).size(), 6u);  // act/ still closed
    EXPECT_EQ(visibleItems(t, openToDepth(t, 3)).size(), 7u);  // flat
    EXPECT_TRUE(isFlat(t, openToDepth(t, 3)));
    EXPECT_EQ(visibleItemOf(t, {}, g.findNode("/model.0/act/Mul")), (GroupItem{true, m0}));
    EXPECT_EQ(visibleItemOf(t, {m0}, g.findNode("/model.0/act/Mul")), (GroupItem{true, act}));
    EXPECT_EQ(visibleItemOf(t, {m0, act}, g.findNode("/model.0/act/Mul")), (GroupItem{false, g.findNode("/model.0/act/Mul")}));
    EXPECT_TRUE(isFlat(t, defaultView(t, 7)));  // within the budget: flat
    EXPECT_EQ(defaultView(t, 5), OpenGroups{});  // 4 boxes fit, 6 do not
    EXPECT_EQ(defaultView(t, 6), openToDepth(t, 2));
}

TEST(GraphGroups, LayoutPutsBoxesInsideTheirFramesAndClosingRestoresThePicture) {
    const OnnxModel m = pathModel();
    const Graph& g = m.graph();
    const GroupTree t = groupGraph(g, nullptr);
    const int m0 = t.findGroup("/model.0/"), act = t.findGroup("/model.0/act/");
    GroupLayoutCache cache;
    auto closed = layoutGroups(g, t, {}, cache);
    ASSERT_TRUE(closed) << closed.errorMessage();
    EXPECT_EQ(closed->items.size(), 4u);
    EXPECT_EQ(closed->edges.size(), 4u);
    auto opened = layoutGroups(g, t, {m0, act}, cache);
    ASSERT_TRUE(opened);
    // Two frames (model.0, act) then the boxes: Conv0, Sigmoid, Mul, cv1 (closed), Add, output.
    ASSERT_EQ(opened->items.size(), 8u);
    EXPECT_TRUE(opened->items[0].open);
    EXPECT_EQ(opened->items[0].item, (GroupItem{true, m0}));
    EXPECT_EQ(opened->items[1].item, (GroupItem{true, act}));
    auto inside = [](const PlacedItem& box, const PlacedItem& frame) {
        return box.x - box.width / 2 >= frame.x - frame.width / 2 - 0.5 && box.x + box.width / 2 <= frame.x + frame.width / 2 + 0.5 &&
               box.y - box.height / 2 >= frame.y - frame.height / 2 + kFrameHeader - 0.5 &&
               box.y + box.height / 2 <= frame.y + frame.height / 2 + 0.5;
    };
    int inModel0 = 0, inAct = 0;
    for (size_t k = 2; k < opened->items.size(); ++k) {
        const PlacedItem& box = opened->items[k];
        EXPECT_FALSE(box.open);
        const bool under0 = !box.item.isGroup && t.contains(m0, box.item.index);
        const bool underAct = !box.item.isGroup && t.contains(act, box.item.index);
        EXPECT_EQ(inside(box, opened->items[0]), under0) << k;
        EXPECT_EQ(inside(box, opened->items[1]), underAct) << k;
        inModel0 += under0;
        inAct += underAct;
        for (size_t j = 2; j < k; ++j) {  // no two boxes overlap
            const PlacedItem& o = opened->items[j];
            EXPECT_TRUE(std::abs(box.x - o.x) >= (box.width + o.width) / 2 - 0.5 || std::abs(box.y - o.y) >= (box.height + o.height) / 2 - 0.5)
                << k << " overlaps " << j;
        }
    }
    EXPECT_EQ(inModel0, 3);
    EXPECT_EQ(inAct, 2);
    // Edges now: Conv0->Sigmoid, Conv0->Mul, Sigmoid->Mul, Mul->cv1, Mul->Add, cv1->Add, Add->output.
    EXPECT_EQ(opened->edges.size(), 7u);
    // Closing both again lays out nothing new and gives the first picture back.
    const size_t cached = cache.size();
    auto again = layoutGroups(g, t, {}, cache);
    ASSERT_TRUE(again);
    EXPECT_EQ(cache.size(), cached);
    ASSERT_EQ(again->items.size(), closed->items.size());
    for (size_t k = 0; k < again->items.size(); ++k) {
        EXPECT_EQ(again->items[k].item, closed->items[k].item);
        EXPECT_DOUBLE_EQ(again->items[k].x, closed->items[k].x);
        EXPECT_DOUBLE_EQ(again->items[k].y, closed->items[k].y);
    }
}

namespace {

// Four branches side by side, each a module with two units, then a Sum and a head of three units
// below: x -> /model.B/cv1/{conv,act} -> /model.B/cv2/{conv,act} (B = 0..3) -> /sum/Sum -> /head.H/...
OnnxModel branchModel() {
    ModelBuilder b;
    b.input("x", {1, 2, 4, 4});
    int w = 0;
    auto unit = [&](const std::string& p, const std::string& in) {
        const std::string weight = "w" + std::to_string(w++);
        b.floatInitializer(weight, {2, 2, 1, 1}, std::vector<float>(4, 0.5f));
        b.node("Conv", {in, weight}, {p + "c"}, p + "conv/Conv");
        b.node("Sigmoid", {p + "c"}, {p + "s"}, p + "act/Sigmoid");
        b.node("Mul", {p + "c", p + "s"}, {p + "m"}, p + "act/Mul");
        return p + "m";
    };
    std::vector<std::string> outs;
    for (int k = 0; k < 4; ++k) {
        const std::string p = "/model." + std::to_string(k) + "/";
        outs.push_back(unit(p + "cv2/", unit(p + "cv1/", "x")));
    }
    b.node("Sum", outs, {"sum"}, "/sum/Sum");
    std::string current = "sum";
    for (int h = 0; h < 3; ++h)
        current = unit("/head." + std::to_string(h) + "/", current);
    b.output(current, {1, 2, 4, 4});
    return build(b);
}

struct Rect {
    double left, top, right, bottom;
};
Rect rectOf(const PlacedItem& p) { return {p.x - p.width / 2, p.y - p.height / 2, p.x + p.width / 2, p.y + p.height / 2}; }

// The innermost group holding a box (a group box: its parent); 0 for the root.
int chainOf0(const GroupTree& t, const GroupItem& item) {
    return item.isGroup ? t.groups[static_cast<size_t>(item.index)].parent : std::max(0, t.groupOf[static_cast<size_t>(item.index)]);
}

const PlacedItem* findItem(const GroupedLayout& l, const GroupItem& item) {
    for (const auto& p : l.items)
        if (p.item == item)
            return &p;
    return nullptr;
}

// Opening `group` (from `before` to `after`): its top-left corner stays, every box outside it that
// is on show in both moves right by the growth in width exactly when its left edge was at or right
// of the group's old right edge, down by the growth in height exactly when its top was at or below
// the group's old bottom, and not otherwise; the boxes on show afterwards do not overlap.
void expectGrownInPlace(const GroupTree& t, const GroupedLayout& before, const GroupedLayout& after, int group) {
    const PlacedItem* b = findItem(before, {true, group});
    const PlacedItem* a = findItem(after, {true, group});
    ASSERT_TRUE(b && a);
    const Rect r0 = rectOf(*b), r1 = rectOf(*a);
    EXPECT_NEAR(r1.left, r0.left, 1e-6);
    EXPECT_NEAR(r1.top, r0.top, 1e-6);
    const double dw = a->width - b->width, dh = a->height - b->height;
    EXPECT_GT(dw + dh, 0.0);  // it did grow
    int right = 0, below = 0, still = 0;
    for (const auto& p : before.items) {
        if (p.item == GroupItem{true, group} || p.open)
            continue;
        if (!p.item.isGroup && t.contains(group, p.item.index))
            continue;
        bool inside = false;  // a closed group inside the opened one: its own rule
        for (int a = p.item.isGroup ? p.item.index : -1; a > 0; a = t.groups[static_cast<size_t>(a)].parent)
            inside = inside || a == group;
        if (inside)
            continue;
        const PlacedItem* q = findItem(after, p.item);
        ASSERT_TRUE(q) << "box " << p.item.index << " vanished";
        const Rect r = rectOf(p);
        const double ex = r.left >= r0.right - 0.01 ? dw : 0.0, ey = r.top >= r0.bottom - 0.01 ? dh : 0.0;
        EXPECT_NEAR(q->x - p.x, ex, 1e-6) << "box " << p.item.index << (p.item.isGroup ? " (group)" : " (node)");
        EXPECT_NEAR(q->y - p.y, ey, 1e-6) << "box " << p.item.index << (p.item.isGroup ? " (group)" : " (node)");
        right += ex != 0.0;
        below += ey != 0.0;
        still += ex == 0.0 && ey == 0.0;
    }
    EXPECT_GT(below, 0);  // the rule was exercised, not vacuous
    EXPECT_GT(still, 0);
    for (size_t k = 0; k < after.items.size(); ++k)
        for (size_t j = 0; j < k; ++j) {
            const PlacedItem &p = after.items[k], &o = after.items[j];
            if (p.open || o.open)
                continue;
            EXPECT_TRUE(std::abs(p.x - o.x) >= (p.width + o.width) / 2 - 0.5 || std::abs(p.y - o.y) >= (p.height + o.height) / 2 - 0.5)
                << k << " overlaps " << j;
        }
    (void)right;
}

}  // namespace

TEST(GraphGroups, OpeningAGroupGrowsItInPlaceAndMovesOthersOnlyRightAndDown) {
    const OnnxModel m = branchModel();
    const Graph& g = m.graph();
    const GroupTree t = groupGraph(g, nullptr);
    const int m1 = t.findGroup("/model.1/"), cv1 = t.findGroup("/model.1/cv1/");
    ASSERT_GT(m1, 0);
    ASSERT_GT(cv1, 0);
    EXPECT_EQ(t.groups[static_cast<size_t>(cv1)].parent, m1);
    GroupLayoutCache cache;
    auto closed = layoutGroups(g, t, {}, cache);
    ASSERT_TRUE(closed) << closed.errorMessage();
    // Opening /model.1/: the other branches beside it and the Sum and head below it keep their
    // places or move by its growth, as the rule says.
    auto one = layoutGroups(g, t, {m1}, cache);
    ASSERT_TRUE(one);
    expectGrownInPlace(t, *closed, *one, m1);
    // The other branches right of it moved right, those left of it did not move at all.
    const int m0 = t.findGroup("/model.0/"), m3 = t.findGroup("/model.3/");
    const PlacedItem *a0 = findItem(*closed, {true, m0}), *b0 = findItem(*one, {true, m0});
    const PlacedItem *a3 = findItem(*closed, {true, m3}), *b3 = findItem(*one, {true, m3});
    ASSERT_TRUE(a0 && b0 && a3 && b3);
    const bool m0Left = a0->x < findItem(*closed, {true, m1})->x;
    EXPECT_EQ(b0->x == a0->x, m0Left);
    EXPECT_EQ(b3->x == a3->x, !(a3->x > findItem(*closed, {true, m1})->x));
    // Opening /model.1/cv1/ inside it: /model.1/'s frame grows in place again, and the boxes
    // outside /model.1/ move only by that growth.
    auto two = layoutGroups(g, t, {m1, cv1}, cache);
    ASSERT_TRUE(two);
    expectGrownInPlace(t, *one, *two, m1);
    // Inside /model.1/, cv1 grew from its closed box's top-left corner.
    const PlacedItem *c0 = findItem(*one, {true, cv1}), *c1 = findItem(*two, {true, cv1});
    ASSERT_TRUE(c0 && c1);
    EXPECT_NEAR(c1->x - c1->width / 2, c0->x - c0->width / 2, 1e-6);
    EXPECT_NEAR(c1->y - c1->height / 2, c0->y - c0->height / 2, 1e-6);
    // Closing both puts every box back where it was.
    auto back = layoutGroups(g, t, {}, cache);
    ASSERT_TRUE(back);
    ASSERT_EQ(back->items.size(), closed->items.size());
    for (size_t k = 0; k < back->items.size(); ++k) {
        EXPECT_DOUBLE_EQ(back->items[k].x, closed->items[k].x);
        EXPECT_DOUBLE_EQ(back->items[k].y, closed->items[k].y);
    }
}

TEST(GraphGroups, EdgesCrossNoFrameButTheirEnds) {
    // Every branch, the first two head units and one unit inside a branch open: edges run from the
    // branches' insides to the Sum and through the head. Sampled along its curve, no edge enters a
    // frame that holds neither of its ends.
    const OnnxModel m = branchModel();
    const Graph& g = m.graph();
    const GroupTree t = groupGraph(g, nullptr);
    OpenGroups open;
    for (const char* p : {"/model.0/", "/model.1/", "/model.2/", "/model.3/", "/model.2/cv2/", "/head.0/", "/head.1/"}) {
        const int group = t.findGroup(p);
        ASSERT_GT(group, 0) << p;
        open.insert(group);
    }
    GroupLayoutCache cache;
    auto l = layoutGroups(g, t, open, cache);
    ASSERT_TRUE(l) << l.errorMessage();
    auto holds = [&](int group, const GroupItem& item) {
        if (item.isGroup) {
            for (int a = item.index; a > 0; a = t.groups[static_cast<size_t>(a)].parent)
                if (a == group)
                    return true;
            return false;
        }
        return t.contains(group, item.index);
    };
    int crossingGroups = 0;
    for (const auto& e : l->edges) {
        ASSERT_GE(e.points.size(), 4u);
        ASSERT_EQ((e.points.size() - 1) % 3, 0u);
        const auto first = chainOf0(t, e.from), second = chainOf0(t, e.to);
        crossingGroups += first != second;
        for (const auto& f : l->items) {
            if (!f.open || holds(f.item.index, e.from) || holds(f.item.index, e.to))
                continue;
            const Rect r = rectOf(f);
            for (size_t k = 0; k + 3 < e.points.size(); k += 3)
                for (int s = 0; s <= 20; ++s) {
                    const double u = s / 20.0, v = 1 - u;
                    const double x = v * v * v * e.points[k].first + 3 * v * v * u * e.points[k + 1].first +
                                     3 * v * u * u * e.points[k + 2].first + u * u * u * e.points[k + 3].first;
                    const double y = v * v * v * e.points[k].second + 3 * v * v * u * e.points[k + 1].second +
                                     3 * v * u * u * e.points[k + 2].second + u * u * u * e.points[k + 3].second;
                    EXPECT_FALSE(x > r.left + 2 && x < r.right - 2 && y > r.top + 2 && y < r.bottom - 2)
                        << "edge " << e.from.index << "->" << e.to.index << " crosses " << t.groups[static_cast<size_t>(f.item.index)].path;
                }
        }
    }
    EXPECT_GT(crossingGroups, 3);  // edges between different groups were drawn and checked
}

TEST(GraphGroups, GraphInputsAndOutputsAreEllipsesAboveAndBelow) {
    const OnnxModel m = branchModel();
    const Graph& g = m.graph();
    const GroupTree t = groupGraph(g, nullptr);
    const int m1 = t.findGroup("/model.1/"), cv1 = t.findGroup("/model.1/cv1/");
    GroupLayoutCache cache;
    auto l = layoutGroups(g, t, {m1}, cache);
    ASSERT_TRUE(l) << l.errorMessage();
    ASSERT_EQ(l->terminals.size(), 2u);
    const PlacedTerminal& in = l->terminals[0];
    const PlacedTerminal& out = l->terminals[1];
    EXPECT_EQ(in.tensor, "x");
    EXPECT_TRUE(in.input);
    EXPECT_LT(in.y + in.height / 2, 0.0);  // above every box
    EXPECT_FALSE(out.input);
    EXPECT_GT(out.y - out.height / 2, l->height);  // below every box
    // x is read by the four branches: three closed ones and, inside the open /model.1/, its cv1.
    std::set<GroupItem> readers, writers;
    for (const auto& e : l->terminalEdges) {
        if (e.from == GroupItem{false, -1}) {
            readers.insert(e.to);
            const PlacedItem* box = findItem(*l, e.to);
            ASSERT_TRUE(box);
            EXPECT_NEAR(e.points.back().first, box->x, 1e-6);  // it ends on the box's top
            EXPECT_NEAR(e.points.back().second, box->y - box->height / 2, 1e-6);
            EXPECT_NEAR(e.points.front().second, in.y + in.height / 2, 1e-6);
        } else {
            writers.insert(e.from);
        }
    }
    EXPECT_EQ(readers, (std::set<GroupItem>{{true, t.findGroup("/model.0/")}, {true, cv1}, {true, t.findGroup("/model.2/")},
                                            {true, t.findGroup("/model.3/")}}));
    EXPECT_EQ(writers, (std::set<GroupItem>{{true, t.findGroup("/head.2/")}}));
}
