// Nested groups over an operator graph, so that a graph of any size can be shown a level at a
// time: groups come from the module paths in node names ("/model.22/cv3.0/cv3.0.1/conv/Conv" is
// inside "/model.22/", "/model.22/cv3.0/" and "/model.22/cv3.0/cv3.0.1/"), and nodes without a
// path are grouped by structure. A "view" is the set of open groups; what it shows are the open
// groups' children, each closed group as one box.
//
// Rules (documented in the README's graph paragraph):
//  - A group with a single child is merged into that child (a module holding one Conv is the Conv).
//  - Nodes without a module path are cut, in topological order, into consecutive blocks of at most
//    `maxChunk` nodes; a block ends after a node with `fanThreshold` or more consumers and before a
//    node with that many producers, so that blocks follow the chains between branch and merge points.
//  - A group with more than `maxChildren` children gets them wrapped, in topological order, into
//    runs of `maxChildren / 2` ("/model.3/ [1-20]"), so no level is too wide to lay out quickly.
//  - Q/DQ nodes folded into edges (a `qdq` given) belong to no group.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/Graph.h"
#include "inspect/QdqStructure.h"

namespace ql {

// One child of a group, or one box of a view: a group or a node (indices into GroupTree::groups
// or the Graph).
struct GroupItem {
    bool isGroup = false;
    int index = -1;
    bool operator==(const GroupItem& o) const { return isGroup == o.isGroup && index == o.index; }
    bool operator!=(const GroupItem& o) const { return !(*this == o); }
    bool operator<(const GroupItem& o) const { return isGroup != o.isGroup ? isGroup < o.isGroup : index < o.index; }
};

// An edge as the graph view shows it: node to node, Q/DQ pairs looked through when folded.
struct ShownEdge {
    int from = -1, to = -1;
    std::string tensor;      // the float tensor it carries
    bool quantized = false;  // passes through a folded Q/DQ pair
};

struct NodeGroup {
    std::string path;    // "/model.22/cv3.0/"; "block 3" for a structural block; "" for the root
    std::string label;   // the last part of the path, for the box: "cv3.0"
    int parent = -1;     // -1 for the root
    int depth = 0;       // 0 for the root, 1 for its child groups, ...
    std::vector<GroupItem> children;  // in topological order of their first node
    std::vector<int> nodes;           // every node inside, directly or not, topological order
    std::vector<std::pair<GroupItem, GroupItem>> childEdges;  // between children, deduplicated
};

struct GroupingOptions {
    int maxChunk = 40;      // nodes per structural block
    int fanThreshold = 3;   // consumers (producers) that end (start) a structural block
    int maxChildren = 80;   // wider groups get their children wrapped in runs
};

struct GroupTree {
    std::vector<NodeGroup> groups;  // [0]: the root, the whole graph, always open
    std::vector<int> groupOf;       // per graph node: the innermost group holding it; -1: not shown
    std::vector<ShownEdge> edges;
    int shownNodes = 0;
    int maxDepth = 0;               // of any group

    int findGroup(const std::string& path) const;  // -1 when absent
    // The groups holding `node`, outermost first, the root left out; empty for a node at the top.
    std::vector<int> ancestorsOf(int node) const;
    bool contains(int group, int node) const;
};

// The edges the view draws: node to node, reading a weight is no edge, a folded Q/DQ pair is looked
// through (`quantized` set). The same rule as layoutGraph's.
std::vector<ShownEdge> shownEdges(const Graph& graph, const QdqStructure* qdq);

GroupTree groupGraph(const Graph& graph, const QdqStructure* qdq, const GroupingOptions& options = {});

// A group's summary for its box and the node panel. `metric`: per node, higher is better (the heat
// map's orientation); nodes without a value are not counted in worst or median.
struct GroupSummary {
    int nodes = 0;
    int measured = 0;    // nodes with a metric value
    double worst = 0.0;  // lowest value; 0 when none measured
    double median = 0.0; // lower median of the values; 0 when none measured
    int excluded = 0;
};
GroupSummary summarizeGroup(const GroupTree& tree, int group, const std::map<int, double>& metric,
                            const std::function<bool(int node)>& excluded);

// Open groups; the root (0) counts as open whether listed or not.
using OpenGroups = std::set<int>;

std::vector<GroupItem> visibleItems(const GroupTree& tree, const OpenGroups& open);
// The box that shows `node` in the view: the node, or its outermost closed group.
GroupItem visibleItemOf(const GroupTree& tree, const OpenGroups& open, int node);
// Every group of depth < `depth` open (depth 1: the top-level groups closed).
OpenGroups openToDepth(const GroupTree& tree, int depth);
// The view a graph first opens with: every group open (flat) when the graph shows at most `budget`
// nodes; else the deepest level whose view shows at most `budget` boxes (at least the top level).
OpenGroups defaultView(const GroupTree& tree, int budget = 1500);
bool isFlat(const GroupTree& tree, const OpenGroups& open);

}  // namespace ql
