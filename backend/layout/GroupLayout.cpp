#include "layout/GroupLayout.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <tuple>

#include <graphviz/gvc.h>

#include "layout/GraphLayout.h"
#include "layout/GraphvizShared.h"

namespace ql {

double nodeBoxWidth(const std::string& opType) { return nodeBoxWidthInches(opType) * 72.0; }

std::shared_ptr<const GroupLayoutCache::Inner> GroupLayoutCache::find(const std::string& key) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = inners_.find(key);
    return it == inners_.end() ? nullptr : it->second;
}

void GroupLayoutCache::put(const std::string& key, std::shared_ptr<const Inner> inner) {
    std::lock_guard<std::mutex> lock(mutex_);
    inners_[key] = std::move(inner);
}

size_t GroupLayoutCache::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return inners_.size();
}

namespace {

void set(void* object, const char* name, const std::string& value) {
    agsafeset(object, const_cast<char*>(name), const_cast<char*>(value.c_str()), const_cast<char*>(""));
}

// A closed group's box: wide enough for its label (the view shortens longer ones).
double closedWidth(const std::string& label) {
    return std::clamp(0.075 * static_cast<double>(label.size()) + 0.6, 1.7, 3.2) * 72.0;
}

class Layouter {
public:
    Layouter(const Graph& graph, const GroupTree& tree, const OpenGroups& open, GroupLayoutCache& cache, const TaskControl& control)
        : graph_(graph), tree_(tree), open_(open), cache_(cache), control_(control) {}

    std::optional<Error> error;
    // The routes of the edges between an open group's children, placed: (group, from, to) -> points.
    std::map<std::tuple<int, GroupItem, GroupItem>, std::vector<GroupLayoutCache::Point>> routes;

    bool isOpen(const GroupItem& item) const { return item.isGroup && (item.index == 0 || open_.count(item.index)); }

    std::pair<double, double> sizeOf(const GroupItem& item) {
        if (!item.isGroup)
            return {nodeBoxWidth(graph_.node(item.index).opType), kNodeBoxHeight};
        if (!isOpen(item))
            return {closedWidth(tree_.groups[static_cast<size_t>(item.index)].label), kGroupBoxHeight};
        auto in = inner(item.index);
        if (!in)
            return {0, 0};
        // The frame is at least as large as the closed box (so opening a group only ever pushes
        // the boxes beside it away, never pulls them in) and as wide as its title.
        const auto closed = closedSizeOf(item);
        return {std::max(closed.first, in->width + 2 * kFrameMargin), std::max(closed.second, in->height + kFrameHeader + kFrameMargin)};
    }

    // The size an item has while closed: a node's box, a closed group's box.
    std::pair<double, double> closedSizeOf(const GroupItem& item) const {
        if (!item.isGroup)
            return {nodeBoxWidth(graph_.node(item.index).opType), kNodeBoxHeight};
        return {closedWidth(tree_.groups[static_cast<size_t>(item.index)].label), kGroupBoxHeight};
    }

    // The layout of an open group's children: Graphviz's layout of them all closed (cached under
    // the group alone, so it is made once), then each open child grown in place (see grow()).
    std::shared_ptr<const GroupLayoutCache::Inner> inner(int g) {
        if (error)
            return nullptr;
        const NodeGroup& group = tree_.groups[static_cast<size_t>(g)];
        const std::string key = std::to_string(g);
        auto base = cache_.find(key);
        if (!base) {
            if (control_.cancelled()) {
                error = cancelledError();
                return nullptr;
            }
            std::vector<std::pair<double, double>> sizes;
            for (const auto& c : group.children)
                sizes.push_back(closedSizeOf(c));
            base = runDot(group, sizes);
            if (!base)
                return nullptr;
            cache_.put(key, base);
        }
        bool anyOpen = false;
        for (const auto& c : group.children)
            anyOpen = anyOpen || isOpen(c);
        if (!anyOpen)
            return base;
        auto grown = std::make_shared<GroupLayoutCache::Inner>(*base);
        std::vector<std::pair<double, double>> sizes;  // each child's current size
        for (const auto& [c, centre] : grown->centres)
            sizes.push_back(closedSizeOf(c));
        for (size_t k = 0; k < grown->centres.size(); ++k) {
            const GroupItem c = grown->centres[k].first;
            if (!isOpen(c))
                continue;
            const auto to = sizeOf(c);
            if (error)
                return nullptr;
            grow(*grown, sizes, k, to);
        }
        return grown;
    }

    // Child k of `in` grows from its current size to `to` (width, height) with its top-left
    // corner fixed: every other child whose left edge is at or right of k's old right edge moves
    // right by the growth in width, every child whose top is at or below k's old bottom moves down
    // by the growth in height, nothing else moves. Boxes that did not overlap still do not (a box
    // beside k in its rows, or below it, is moved clear of the grown box; one above or left of it
    // is not in its way), and the picture around an opened group keeps its place.
    static void grow(GroupLayoutCache::Inner& in, std::vector<std::pair<double, double>>& sizes, size_t k,
                     std::pair<double, double> to) {
        const auto from = sizes[k];
        const double dw = to.first - from.first, dh = to.second - from.second;
        auto& centre = in.centres[k].second;
        const double left = centre.first - from.first / 2, top = centre.second - from.second / 2;
        const double right = left + from.first, bottom = top + from.second;
        constexpr double eps = 0.01;
        for (size_t j = 0; j < in.centres.size(); ++j) {
            if (j == k)
                continue;
            auto& c = in.centres[j].second;
            const auto [w, h] = sizes[j];
            if (c.first - w / 2 >= right - eps)
                c.first += dw;
            if (c.second - h / 2 >= bottom - eps)
                c.second += dh;
        }
        // The routes move point by point by the same rule: a point outside the old box lands
        // outside the grown one, and a route's end on a moved box moves with it.
        for (auto& [ends, points] : in.routes)
            for (auto& p : points) {
                if (p.first >= right - eps)
                    p.first += dw;
                if (p.second >= bottom - eps)
                    p.second += dh;
            }
        centre = {left + to.first / 2, top + to.second / 2};
        sizes[k] = to;
        in.width += std::max(0.0, dw);  // the area's right and bottom margins move with the boxes
        in.height += std::max(0.0, dh);
    }

    std::shared_ptr<const GroupLayoutCache::Inner> runDot(const NodeGroup& group, const std::vector<std::pair<double, double>>& sizes) {
        std::lock_guard<std::mutex> lock(detail::graphvizMutex());
        GVC_t* gvc = detail::graphvizContext();
        Agraph_t* g = agopen(const_cast<char*>("g"), Agdirected, nullptr);
        set(g, "rankdir", "TB");
        set(g, "nodesep", "0.25");
        set(g, "ranksep", "0.35");
        set(g, "newrank", "true");
        set(g, "splines", "spline");  // routes around the other children, kept for the edges
        agattr(g, AGEDGE, const_cast<char*>("arrowhead"), const_cast<char*>("none"));  // routes end on the boxes
        if (group.children.size() > 300) {  // as layoutGraph does for big graphs
            set(g, "mclimit", "0.2");
            set(g, "nslimit", "2");
            set(g, "nslimit1", "2");
            set(g, "searchsize", "10");
            set(g, "remincross", "false");
        }
        std::map<GroupItem, Agnode_t*> nodes;
        std::vector<Agnode_t*> ordered;
        for (size_t k = 0; k < group.children.size(); ++k) {
            Agnode_t* an = agnode(g, const_cast<char*>(("c" + std::to_string(k)).c_str()), 1);
            set(an, "shape", "box");
            set(an, "fixedsize", "true");
            set(an, "label", "");
            set(an, "width", std::to_string(sizes[k].first / 72.0));
            set(an, "height", std::to_string(sizes[k].second / 72.0));
            nodes[group.children[k]] = an;
            ordered.push_back(an);
        }
        std::vector<std::pair<Agedge_t*, std::pair<GroupItem, GroupItem>>> edges;
        for (const auto& [from, to] : group.childEdges) {
            auto a = nodes.find(from), b = nodes.find(to);
            if (a != nodes.end() && b != nodes.end())
                edges.push_back({agedge(g, a->second, b->second, nullptr, 1), {from, to}});
        }
        if (gvLayout(gvc, g, "dot") != 0) {
            agclose(g);
            error = Error{"Graphviz could not lay out the group " + group.path};
            return nullptr;
        }
        auto in = std::make_shared<GroupLayoutCache::Inner>();
        const boxf bb = GD_bb(g);
        in->width = bb.UR.x - bb.LL.x;
        in->height = bb.UR.y - bb.LL.y;
        for (size_t k = 0; k < ordered.size(); ++k)
            in->centres.push_back({group.children[k], {ND_coord(ordered[k]).x - bb.LL.x, bb.UR.y - ND_coord(ordered[k]).y}});
        for (const auto& [e, ends] : edges) {
            if (!ED_spl(e) || ED_spl(e)->size < 1)
                continue;
            const bezier& bz = ED_spl(e)->list[0];
            std::vector<GroupLayoutCache::Point> points;
            for (int k = 0; k < bz.size; ++k)
                points.push_back({bz.list[k].x - bb.LL.x, bb.UR.y - bz.list[k].y});
            in->routes[ends] = std::move(points);
        }
        gvFreeLayout(gvc, g);
        agclose(g);
        return in;
    }

    // Places group `g`'s children with its children's area starting at (left, top).
    void place(int g, double left, double top, GroupedLayout& out, std::vector<PlacedItem>& boxes) {
        auto in = inner(g);
        if (!in)
            return;
        for (const auto& [ends, points] : in->routes) {
            auto& placed = routes[{g, ends.first, ends.second}];
            for (const auto& [x, y] : points)
                placed.push_back({left + x, top + y});
        }
        for (const auto& [item, centre] : in->centres) {
            const auto [w, h] = sizeOf(item);
            const double x = left + centre.first, y = top + centre.second;
            if (isOpen(item)) {
                out.items.push_back({item, true, x, y, w, h});
                // Its children at the frame's top-left (not centred: a frame wider than its children
                // would move them when they grow).
                place(item.index, x - w / 2 + kFrameMargin, y - h / 2 + kFrameHeader, out, boxes);
            } else {
                boxes.push_back({item, false, x, y, w, h});
            }
            if (error)
                return;
        }
    }

private:
    const Graph& graph_;
    const GroupTree& tree_;
    const OpenGroups& open_;
    GroupLayoutCache& cache_;
    const TaskControl& control_;
};

using Point = GroupLayoutCache::Point;

// The groups holding a box on show, outermost first, the root left out (a group box: itself last).
std::vector<int> chainOf(const GroupTree& tree, const GroupItem& item) {
    if (!item.isGroup)
        return tree.ancestorsOf(item.index);
    std::vector<int> chain;
    for (int g = item.index; g > 0; g = tree.groups[static_cast<size_t>(g)].parent)
        chain.insert(chain.begin(), g);
    return chain;
}

// A straight piece as a cubic segment.
void lineTo(std::vector<Point>& points, Point to) {
    const Point from = points.back();
    if (std::abs(from.first - to.first) < 0.01 && std::abs(from.second - to.second) < 0.01)
        return;
    points.push_back({from.first + (to.first - from.first) / 3, from.second + (to.second - from.second) / 3});
    points.push_back({from.first + 2 * (to.first - from.first) / 3, from.second + 2 * (to.second - from.second) / 3});
    points.push_back(to);
}

// See PlacedEdge::points: down out of `from`'s frames, Graphviz's route in the group holding both
// ends, down into `to`'s frames. Without a route (none kept), one curve from box to box.
std::vector<Point> routeBetween(const GroupTree& tree, const GroupedLayout& out, const std::map<int, size_t>& frames,
                                const std::map<std::tuple<int, GroupItem, GroupItem>, std::vector<Point>>& routes,
                                const PlacedItem& from, const PlacedItem& to) {
    const Point p0{from.x, from.y + from.height / 2}, p3{to.x, to.y - to.height / 2};
    const std::vector<int> ca = chainOf(tree, from.item), cb = chainOf(tree, to.item);
    size_t common = 0;
    while (common < ca.size() && common < cb.size() && ca[common] == cb[common])
        ++common;
    const int holder = common == 0 ? 0 : ca[common - 1];
    // The children of `holder` on each side: a frame around the end, or the end itself.
    const GroupItem sideA = common < ca.size() ? GroupItem{true, ca[common]} : from.item;
    const GroupItem sideB = common < cb.size() ? GroupItem{true, cb[common]} : to.item;
    auto route = routes.find({holder, sideA, sideB});
    if (route == routes.end() || route->second.size() < 4) {
        const double bend = std::max(15.0, std::abs(p3.second - p0.second) / 2);
        return {p0, {p0.first, p0.second + bend}, {p3.first, p3.second - bend}, p3};
    }
    std::vector<Point> points = {p0};
    if (sideA != from.item)  // straight down to the bottom of the outermost frame it leaves
        if (auto f = frames.find(sideA.index); f != frames.end()) {
            const PlacedItem& frame = out.items[f->second];
            lineTo(points, {p0.first, frame.y + frame.height / 2});
        }
    lineTo(points, route->second.front());
    points.insert(points.end(), route->second.begin() + 1, route->second.end());
    if (sideB != to.item)
        if (auto f = frames.find(sideB.index); f != frames.end()) {
            const PlacedItem& frame = out.items[f->second];
            lineTo(points, {p3.first, frame.y - frame.height / 2});
        }
    lineTo(points, p3);
    return points;
}

// The boxes on show that read `tensor`, looking through nodes that belong to no group (folded
// Q/DQ nodes) to the nodes they feed.
void readersOf(const Graph& graph, const GroupTree& tree, const OpenGroups& open, const std::string& tensor,
               std::set<GroupItem>& found, std::set<std::string>& seen) {
    if (!seen.insert(tensor).second)
        return;
    for (const int c : graph.consumers(tensor)) {
        if (tree.groupOf[static_cast<size_t>(c)] >= 0) {
            found.insert(visibleItemOf(tree, open, c));
            continue;
        }
        for (const auto& o : graph.node(c).outputs)
            readersOf(graph, tree, open, o, found, seen);
    }
}

// The box on show writing `tensor`, looking back through nodes that belong to no group.
std::optional<GroupItem> writerOf(const Graph& graph, const GroupTree& tree, const OpenGroups& open, std::string tensor) {
    for (int steps = 0; steps < 8; ++steps) {
        const int p = graph.producer(tensor);
        if (p < 0)
            return std::nullopt;
        if (tree.groupOf[static_cast<size_t>(p)] >= 0)
            return visibleItemOf(tree, open, p);
        if (graph.node(p).inputs.empty())
            return std::nullopt;
        tensor = graph.node(p).inputs[0];
    }
    return std::nullopt;
}

// Graph inputs in a row above the picture, each over the middle of its readers; outputs below,
// each under its writer. An edge runs straight down through the frames around its box.
void addTerminals(const Graph& graph, const GroupTree& tree, const OpenGroups& open, const std::map<GroupItem, size_t>& where,
                  const std::map<int, size_t>& frames, GroupedLayout& out) {
    auto framed = [&](const PlacedItem& box, bool input) {  // the outermost frame's edge above (below) the box
        double y = input ? box.y - box.height / 2 : box.y + box.height / 2;
        for (const int g : chainOf(tree, box.item))
            if (auto f = frames.find(g); f != frames.end() && !(box.item.isGroup && box.item.index == g)) {
                const PlacedItem& frame = out.items[f->second];
                y = input ? std::min(y, frame.y - frame.height / 2) : std::max(y, frame.y + frame.height / 2);
            }
        return y;
    };
    double lastRight = -1e9;
    for (const auto& input : graph.inputs()) {
        std::set<GroupItem> readers;
        std::set<std::string> seen;
        readersOf(graph, tree, open, input, readers, seen);
        std::vector<const PlacedItem*> boxes;
        for (const auto& r : readers)
            if (auto w = where.find(r); w != where.end())
                boxes.push_back(&out.items[w->second]);
        if (boxes.empty())
            continue;
        double x = 0;
        for (const auto* b : boxes)
            x += b->x / static_cast<double>(boxes.size());
        x = std::max(x, lastRight + kTerminalWidth / 2 + 10);  // inputs side by side, never on top of one another
        lastRight = x + kTerminalWidth / 2;
        const PlacedTerminal t{input, true, x, -kTerminalGap - kTerminalHeight / 2, kTerminalWidth, kTerminalHeight};
        out.terminals.push_back(t);
        for (const auto* b : boxes) {
            std::vector<Point> points = {{t.x, t.y + t.height / 2}};
            const double top = framed(*b, true);
            lineTo(points, {b->x, top});
            lineTo(points, {b->x, b->y - b->height / 2});
            out.terminalEdges.push_back({{false, -1}, b->item, input, 1, false, std::move(points)});
        }
    }
    for (const auto& output : graph.outputs()) {
        const auto w = writerOf(graph, tree, open, output);
        auto it = w ? where.find(*w) : where.end();
        if (it == where.end())
            continue;
        const PlacedItem& b = out.items[it->second];
        const PlacedTerminal t{output, false, b.x, out.height + kTerminalGap + kTerminalHeight / 2, kTerminalWidth, kTerminalHeight};
        out.terminals.push_back(t);
        std::vector<Point> points = {{b.x, b.y + b.height / 2}};
        lineTo(points, {b.x, framed(b, false)});
        lineTo(points, {t.x, t.y - t.height / 2});
        out.terminalEdges.push_back({b.item, {false, -1}, output, 1, false, std::move(points)});
    }
}

}  // namespace

Result<GroupedLayout> layoutGroups(const Graph& graph, const GroupTree& tree, const OpenGroups& open,
                                   GroupLayoutCache& cache, const TaskControl& control) {
    GroupedLayout out;
    if (tree.groups.empty())
        return out;
    Layouter layouter(graph, tree, open, cache, control);
    auto root = layouter.inner(0);
    if (layouter.error)
        return *layouter.error;
    out.width = root->width;
    out.height = root->height;
    std::vector<PlacedItem> boxes;
    layouter.place(0, 0, 0, out, boxes);
    if (layouter.error)
        return *layouter.error;
    out.items.insert(out.items.end(), boxes.begin(), boxes.end());

    // Edges between the boxes on show, one per pair; an edge inside a closed group is not drawn.
    std::map<GroupItem, size_t> where;
    std::map<int, size_t> frames;  // open group -> its frame
    for (size_t k = 0; k < out.items.size(); ++k)
        if (!out.items[k].open)
            where[out.items[k].item] = k;
        else
            frames[out.items[k].item.index] = k;
    std::map<std::pair<GroupItem, GroupItem>, size_t> seen;
    for (const auto& e : tree.edges) {
        const GroupItem a = visibleItemOf(tree, open, e.from), b = visibleItemOf(tree, open, e.to);
        if (a == b || !where.count(a) || !where.count(b))
            continue;
        auto [it, fresh] = seen.emplace(std::make_pair(a, b), out.edges.size());
        if (!fresh) {
            PlacedEdge& edge = out.edges[it->second];
            ++edge.count;
            edge.quantized = edge.quantized || e.quantized;
            continue;
        }
        const PlacedItem& from = out.items[where[a]];
        const PlacedItem& to = out.items[where[b]];
        PlacedEdge edge{a, b, e.tensor, 1, e.quantized, routeBetween(tree, out, frames, layouter.routes, from, to)};
        out.edges.push_back(std::move(edge));
    }
    addTerminals(graph, tree, open, where, frames, out);
    return out;
}

}  // namespace ql
