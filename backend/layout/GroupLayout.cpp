#include "layout/GroupLayout.h"

#include <algorithm>
#include <cmath>
#include <optional>

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

    bool isOpen(const GroupItem& item) const { return item.isGroup && (item.index == 0 || open_.count(item.index)); }

    std::pair<double, double> sizeOf(const GroupItem& item) {
        if (!item.isGroup)
            return {nodeBoxWidth(graph_.node(item.index).opType), kNodeBoxHeight};
        if (!isOpen(item))
            return {closedWidth(tree_.groups[static_cast<size_t>(item.index)].label), kGroupBoxHeight};
        auto in = inner(item.index);
        if (!in)
            return {0, 0};
        // The frame is at least as wide as its title.
        const double title = closedWidth(tree_.groups[static_cast<size_t>(item.index)].label);
        return {std::max(title, in->width + 2 * kFrameMargin), in->height + kFrameHeader + kFrameMargin};
    }

    // The layout of an open group's children, from the cache or Graphviz.
    std::shared_ptr<const GroupLayoutCache::Inner> inner(int g) {
        if (error)
            return nullptr;
        const NodeGroup& group = tree_.groups[static_cast<size_t>(g)];
        std::vector<std::pair<double, double>> sizes;
        std::string key = std::to_string(g);
        for (const auto& c : group.children) {
            sizes.push_back(sizeOf(c));
            if (error)
                return nullptr;
            if (isOpen(c))
                key += "|" + std::to_string(c.index) + "=" + std::to_string(std::lround(sizes.back().first)) + "x" +
                       std::to_string(std::lround(sizes.back().second));
        }
        if (auto found = cache_.find(key))
            return found;
        if (control_.cancelled()) {
            error = cancelledError();
            return nullptr;
        }
        auto in = runDot(group, sizes);
        if (in)
            cache_.put(key, in);
        return in;
    }

    std::shared_ptr<const GroupLayoutCache::Inner> runDot(const NodeGroup& group, const std::vector<std::pair<double, double>>& sizes) {
        std::lock_guard<std::mutex> lock(detail::graphvizMutex());
        GVC_t* gvc = detail::graphvizContext();
        Agraph_t* g = agopen(const_cast<char*>("g"), Agdirected, nullptr);
        set(g, "rankdir", "TB");
        set(g, "nodesep", "0.25");
        set(g, "ranksep", "0.35");
        set(g, "newrank", "true");
        set(g, "splines", "none");  // the view draws its own edges between the placed boxes
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
        for (const auto& [from, to] : group.childEdges) {
            auto a = nodes.find(from), b = nodes.find(to);
            if (a != nodes.end() && b != nodes.end())
                agedge(g, a->second, b->second, nullptr, 1);
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
        gvFreeLayout(gvc, g);
        agclose(g);
        return in;
    }

    // Places group `g`'s children with its children's area starting at (left, top).
    void place(int g, double left, double top, GroupedLayout& out, std::vector<PlacedItem>& boxes) {
        auto in = inner(g);
        if (!in)
            return;
        for (const auto& [item, centre] : in->centres) {
            const auto [w, h] = sizeOf(item);
            const double x = left + centre.first, y = top + centre.second;
            if (isOpen(item)) {
                out.items.push_back({item, true, x, y, w, h});
                auto child = inner(item.index);  // centred in its frame (wider than it for a long title)
                if (!child)
                    return;
                place(item.index, x - child->width / 2, y - h / 2 + kFrameHeader, out, boxes);
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
    for (size_t k = 0; k < out.items.size(); ++k)
        if (!out.items[k].open)
            where[out.items[k].item] = k;
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
        const std::pair<double, double> p0{from.x, from.y + from.height / 2}, p3{to.x, to.y - to.height / 2};
        const double bend = std::max(15.0, std::abs(p3.second - p0.second) / 2);
        PlacedEdge edge{a, b, e.tensor, 1, e.quantized, {p0, {p0.first, p0.second + bend}, {p3.first, p3.second - bend}, p3}};
        out.edges.push_back(std::move(edge));
    }
    return out;
}

}  // namespace ql
