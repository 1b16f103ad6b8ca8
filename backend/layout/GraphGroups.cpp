#include "layout/GraphGroups.h"

#include <algorithm>
#include <unordered_map>

#include "model/Subgraphs.h"

namespace ql {

std::vector<ShownEdge> shownEdges(const Graph& graph, const QdqStructure* qdq) {
    auto shown = [&](int i) { return !qdq || !isQdqOp(graph.node(i).opType); };
    std::vector<ShownEdge> edges;
    std::set<std::pair<std::string, int>> seen;  // (tensor, consumer): one edge even if read twice
    for (const int i : graph.topologicalOrder()) {
        if (!shown(i))
            continue;
        for (const auto& in : graph.node(i).inputs) {
            if (in.empty() || graph.isInitializer(in))
                continue;
            if (const int dq = graph.producer(in); qdq && dq >= 0 && graph.node(dq).opType == "DequantizeLinear" &&
                                                    graph.isInitializer(graph.node(dq).inputs.at(0)))
                continue;  // a quantized weight or bias
            const std::string t = qdq ? qdq->floatSourceOf(in) : in;
            if (graph.isInitializer(t))
                continue;
            const int p = graph.producer(t);
            if (p < 0 || !shown(p) || !seen.insert({t, i}).second)
                continue;
            edges.push_back({p, i, t, t != in});
        }
    }
    return edges;
}

namespace {

// The tree while it is built: groups refer to each other by index; merged groups are dropped when
// the final tree is written out.
struct Raw {
    std::string path, label;
    std::vector<GroupItem> children;
};

std::string lastPart(const std::string& path) {
    if (path.size() < 2 || path.back() != '/')
        return path;
    const size_t start = path.rfind('/', path.size() - 2);
    return start == std::string::npos ? path : path.substr(start + 1, path.size() - start - 2);
}

}  // namespace

GroupTree groupGraph(const Graph& graph, const QdqStructure* qdq, const GroupingOptions& options) {
    GroupTree tree;
    tree.edges = shownEdges(graph, qdq);
    const int n = graph.nodeCount();
    std::vector<int> fanIn(static_cast<size_t>(n), 0), fanOut(static_cast<size_t>(n), 0);
    {
        std::set<std::pair<int, int>> distinct;
        for (const auto& e : tree.edges)
            if (distinct.insert({e.from, e.to}).second) {
                ++fanOut[static_cast<size_t>(e.from)];
                ++fanIn[static_cast<size_t>(e.to)];
            }
    }
    std::vector<Raw> raw(1);  // [0]: the root
    std::unordered_map<std::string, int> byPath;
    int block = -1, blockSize = 0, blocks = 0;  // the open structural block, its size, how many so far
    bool closeBlock = true;
    std::vector<int> order;
    for (const int i : graph.topologicalOrder()) {
        const Node& node = graph.node(i);
        if (qdq && isQdqOp(node.opType))
            continue;
        order.push_back(i);
        const auto prefixes = modulePrefixes(node.name);
        int parent = 0;
        if (prefixes.empty()) {
            // No path: consecutive blocks in topological order, cut at branch and merge points.
            if (closeBlock || blockSize >= options.maxChunk || (fanIn[static_cast<size_t>(i)] >= options.fanThreshold && blockSize > 0)) {
                const std::string path = "block " + std::to_string(++blocks);
                raw.push_back({path, path, {}});
                block = static_cast<int>(raw.size()) - 1;
                raw[0].children.push_back({true, block});
                blockSize = 0;
            }
            parent = block;
            ++blockSize;
            closeBlock = fanOut[static_cast<size_t>(i)] >= options.fanThreshold;
        } else {
            closeBlock = true;  // a node with a path between two without: they are two blocks
            for (const auto& p : prefixes) {
                auto it = byPath.find(p);
                if (it == byPath.end()) {
                    raw.push_back({p, lastPart(p), {}});
                    const int g = static_cast<int>(raw.size()) - 1;
                    raw[static_cast<size_t>(parent)].children.push_back({true, g});
                    it = byPath.emplace(p, g).first;
                }
                parent = it->second;
            }
        }
        raw[static_cast<size_t>(parent)].children.push_back({false, i});
    }
    tree.shownNodes = static_cast<int>(order.size());

    // Wide groups: their children wrapped into runs, level by level until none is too wide.
    const int run = std::max(2, options.maxChildren / 2);
    for (size_t g = 0; g < raw.size(); ++g) {
        while (static_cast<int>(raw[g].children.size()) > options.maxChildren) {
            std::vector<GroupItem> wrapped;
            const auto children = raw[g].children;
            for (size_t start = 0; start < children.size(); start += static_cast<size_t>(run)) {
                const size_t end = std::min(children.size(), start + static_cast<size_t>(run));
                const std::string label = "[" + std::to_string(start + 1) + "-" + std::to_string(end) + "]";
                // The level in the path keeps repeated wrapping unique.
                raw.push_back({raw[g].path + label, raw[g].label.empty() ? label : raw[g].label + " " + label,
                               std::vector<GroupItem>(children.begin() + static_cast<long>(start), children.begin() + static_cast<long>(end))});
                wrapped.push_back({true, static_cast<int>(raw.size()) - 1});
            }
            raw[g].children = std::move(wrapped);
        }
    }

    // Single-child groups merge into the child; the survivors are numbered parents first.
    std::function<GroupItem(int)> compact = [&](int g) -> GroupItem {
        for (auto& c : raw[static_cast<size_t>(g)].children)
            if (c.isGroup)
                c = compact(c.index);
        if (g != 0 && raw[static_cast<size_t>(g)].children.size() == 1)
            return raw[static_cast<size_t>(g)].children[0];
        return {true, g};
    };
    compact(0);
    tree.groupOf.assign(static_cast<size_t>(n), -1);
    std::function<int(int, int, int)> emit = [&](int r, int parent, int depth) -> int {
        const int g = static_cast<int>(tree.groups.size());
        tree.groups.push_back({raw[static_cast<size_t>(r)].path, raw[static_cast<size_t>(r)].label, parent, depth, {}, {}, {}});
        tree.maxDepth = std::max(tree.maxDepth, depth);
        std::vector<GroupItem> children;
        for (const auto& c : raw[static_cast<size_t>(r)].children) {
            if (c.isGroup) {
                children.push_back({true, emit(c.index, g, depth + 1)});
            } else {
                children.push_back(c);
                tree.groupOf[static_cast<size_t>(c.index)] = g;
            }
        }
        tree.groups[static_cast<size_t>(g)].children = std::move(children);
        return g;
    };
    emit(0, -1, 0);
    for (const int i : order)  // topological order within every group
        for (int g = tree.groupOf[static_cast<size_t>(i)]; g >= 0; g = tree.groups[static_cast<size_t>(g)].parent)
            tree.groups[static_cast<size_t>(g)].nodes.push_back(i);

    // Each edge belongs to the innermost group holding both ends, between two of its children.
    std::vector<std::set<std::pair<GroupItem, GroupItem>>> seen(tree.groups.size());
    for (const auto& e : tree.edges) {
        std::vector<int> a = tree.ancestorsOf(e.from), b = tree.ancestorsOf(e.to);
        size_t common = 0;
        while (common < a.size() && common < b.size() && a[common] == b[common])
            ++common;
        const int owner = common == 0 ? 0 : a[common - 1];
        const GroupItem from = common < a.size() ? GroupItem{true, a[common]} : GroupItem{false, e.from};
        const GroupItem to = common < b.size() ? GroupItem{true, b[common]} : GroupItem{false, e.to};
        if (from != to && seen[static_cast<size_t>(owner)].insert({from, to}).second)
            tree.groups[static_cast<size_t>(owner)].childEdges.push_back({from, to});
    }
    return tree;
}

int GroupTree::findGroup(const std::string& path) const {
    for (size_t g = 0; g < groups.size(); ++g)
        if (groups[g].path == path)
            return static_cast<int>(g);
    return -1;
}

std::vector<int> GroupTree::ancestorsOf(int node) const {
    std::vector<int> chain;
    if (node < 0 || node >= static_cast<int>(groupOf.size()))
        return chain;
    for (int g = groupOf[static_cast<size_t>(node)]; g > 0; g = groups[static_cast<size_t>(g)].parent)
        chain.push_back(g);
    std::reverse(chain.begin(), chain.end());
    return chain;
}

bool GroupTree::contains(int group, int node) const {
    if (node < 0 || node >= static_cast<int>(groupOf.size()))
        return false;
    for (int g = groupOf[static_cast<size_t>(node)]; g >= 0; g = groups[static_cast<size_t>(g)].parent)
        if (g == group)
            return true;
    return false;
}

GroupSummary summarizeGroup(const GroupTree& tree, int group, const std::map<int, double>& metric,
                            const std::function<bool(int)>& excluded) {
    GroupSummary s;
    if (group < 0 || group >= static_cast<int>(tree.groups.size()))
        return s;
    std::vector<double> values;
    for (const int node : tree.groups[static_cast<size_t>(group)].nodes) {
        ++s.nodes;
        if (excluded && excluded(node))
            ++s.excluded;
        if (auto it = metric.find(node); it != metric.end())
            values.push_back(it->second);
    }
    s.measured = static_cast<int>(values.size());
    if (!values.empty()) {
        std::sort(values.begin(), values.end());
        s.worst = values.front();
        s.median = values[(values.size() - 1) / 2];
    }
    return s;
}

std::vector<GroupItem> visibleItems(const GroupTree& tree, const OpenGroups& open) {
    std::vector<GroupItem> items;
    if (tree.groups.empty())
        return items;
    std::function<void(int)> walk = [&](int g) {
        for (const auto& c : tree.groups[static_cast<size_t>(g)].children) {
            if (c.isGroup && open.count(c.index))
                walk(c.index);
            else
                items.push_back(c);
        }
    };
    walk(0);
    return items;
}

GroupItem visibleItemOf(const GroupTree& tree, const OpenGroups& open, int node) {
    for (const int g : tree.ancestorsOf(node))
        if (!open.count(g))
            return {true, g};
    return {false, node};
}

OpenGroups openToDepth(const GroupTree& tree, int depth) {
    OpenGroups open;
    for (size_t g = 1; g < tree.groups.size(); ++g)
        if (tree.groups[g].depth < depth)
            open.insert(static_cast<int>(g));
    return open;
}

OpenGroups defaultView(const GroupTree& tree, int budget) {
    if (tree.shownNodes <= budget)
        return openToDepth(tree, tree.maxDepth + 1);
    OpenGroups best = openToDepth(tree, 1);
    for (int depth = 2; depth <= tree.maxDepth; ++depth) {
        OpenGroups open = openToDepth(tree, depth);
        if (static_cast<int>(visibleItems(tree, open).size()) > budget)
            break;
        best = std::move(open);
    }
    return best;
}

bool isFlat(const GroupTree& tree, const OpenGroups& open) {
    for (size_t g = 1; g < tree.groups.size(); ++g)
        if (!open.count(static_cast<int>(g)))
            return false;
    return true;
}

}  // namespace ql
