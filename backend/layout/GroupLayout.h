// Layout of a grouped view (see GraphGroups.h) with Graphviz dot, one group at a time: each open
// group's children are laid out on their own (closed groups and nodes as fixed boxes, open child
// groups as boxes the size of their own layout, edges between children deduplicated) and placed
// inside the group's frame. A group's layout is cached under the sizes of its open children, so
// opening a group lays out only that group and the chain of groups around it (each a few dozen
// boxes), closing it again finds every layout in the cache, and the picture comes back the same.
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
    std::vector<std::pair<double, double>> points;  // cubic Bezier control points
};

struct GroupedLayout {
    std::vector<PlacedItem> items;  // open groups first, outer before inner; then the boxes
    std::vector<PlacedEdge> edges;
    double width = 0, height = 0;
};

// Box sizes, in points: the view draws text to fit them.
double nodeBoxWidth(const std::string& opType);  // the same as layoutGraph's
constexpr double kNodeBoxHeight = 0.42 * 72;
constexpr double kGroupBoxHeight = 0.8 * 72;     // a closed group: name, count, error
constexpr double kFrameHeader = 20;              // an open group's title line
constexpr double kFrameMargin = 8;

// Layouts of single groups, kept between views; safe to share between threads.
class GroupLayoutCache {
public:
    struct Inner {
        double width = 0, height = 0;  // of the children's area
        std::vector<std::pair<GroupItem, std::pair<double, double>>> centres;  // relative to its top-left
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
