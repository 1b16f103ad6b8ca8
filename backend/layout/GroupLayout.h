// Layout of a grouped view (see GraphGroups.h) with Graphviz dot, one group at a time: each open
// group's children are laid out on their own, all as closed boxes (nodes and closed groups as fixed
// boxes, edges between children deduplicated), once per group and cached. An open child then grows
// in place from its closed box to its frame, its top-left corner fixed: the children whose left
// edge lies right of its closed box move right by the growth in width, those whose top lies below
// it move down by the growth in height, nothing else moves (no overlap arises: see grow() in the
// .cpp). So opening a group lays out only that group's children, and the rest of the picture keeps
// its place: boxes above and left of the opened group do not move at all, the others move only
// right and down by the growth of the opened group and of the frames around it. Closing it puts
// everything back exactly.
// Units: points (1/72 inch), y growing downwards, as in GraphLayout.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "layout/GraphGroups.h"
#include "util/Result.h"
#include "util/TaskControl.h"

namespace ql {

struct PlacedItem {
    GroupItem item;
    bool open = false;          // an open group: a frame around its children
    double x = 0, y = 0;        // centre
    double width = 0, height = 0;
};

struct PlacedEdge {
    GroupItem from, to;          // boxes of the view
    std::string tensor;          // one tensor it stands for (the first)
    int count = 1;               // graph edges it stands for
    bool quantized = false;      // one of them passes through a folded Q/DQ pair
    // Cubic Bezier control points (p0, then three per segment). An edge between boxes in different
    // open groups leaves its box's frames through their bottom edges, follows Graphviz's route
    // between the two frames in the group holding both (which goes around that group's other
    // children) and enters the other box's frames through their top edges, so it crosses no frame
    // but those of its own ends.
    std::vector<std::pair<double, double>> points;
};

// A graph input above the picture or a graph output below it, drawn as an ellipse as the flat
// view's Graphviz layout places them.
struct PlacedTerminal {
    std::string tensor;
    bool input = true;
    double x = 0, y = 0;  // centre: an input above y = 0, an output below the picture's height
    double width = 0, height = 0;
};

struct GroupedLayout {
    std::vector<PlacedItem> items;  // open groups first, outer before inner; then the boxes
    std::vector<PlacedEdge> edges;
    std::vector<PlacedTerminal> terminals;
    // From an input's ellipse to the boxes that read it (`from` {false, -1}), from the box writing
    // an output to its ellipse (`to` {false, -1}); straight into and out of the frames on the way.
    std::vector<PlacedEdge> terminalEdges;
    double width = 0, height = 0;  // of the boxes, the terminals left out
};
constexpr double kTerminalWidth = 0.9 * 72, kTerminalHeight = 0.3 * 72, kTerminalGap = 30;

// Box sizes, in points: the view draws text to fit them.
double nodeBoxWidth(const std::string& opType);  // the same as layoutGraph's
constexpr double kNodeBoxHeight = 0.42 * 72;
constexpr double kGroupBoxHeight = 0.95 * 72;    // a closed group: name, count, worst, median, excluded
constexpr double kFrameHeader = 20;              // an open group's title line
constexpr double kFrameMargin = 8;

// Layouts of single groups, kept between views; safe to share between threads.
class GroupLayoutCache {
public:
    using Point = std::pair<double, double>;
    struct Inner {
        double width = 0, height = 0;  // of the children's area
        std::vector<std::pair<GroupItem, Point>> centres;  // relative to its top-left
        // Graphviz's route of each edge between children (cubic Bezier control points, relative
        // to the top-left), around the other children; moved with the boxes when a child grows.
        std::map<std::pair<GroupItem, GroupItem>, std::vector<Point>> routes;
    };
    std::shared_ptr<const Inner> find(const std::string& key) const;
    void put(const std::string& key, std::shared_ptr<const Inner> inner);
    size_t size() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<const Inner>> inners_;
};

// `graph` gives the op types (node box widths). Lays out only groups missing from the cache.
Result<GroupedLayout> layoutGroups(const Graph& graph, const GroupTree& tree, const OpenGroups& open,
                                   GroupLayoutCache& cache, const TaskControl& control = {});

}  // namespace ql
