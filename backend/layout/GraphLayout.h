// Layered layout of an operator graph with Graphviz (dot), as data for the graph view: node boxes
// and edge splines in points, y growing downwards. A QDQ model can be laid out folded: its
// Q/DQ pairs become marks on the edges, so it reads like its float graph.
#pragma once

#include <string>
#include <vector>

#include "model/Graph.h"
#include "inspect/QdqStructure.h"
#include "util/Result.h"
#include "util/TaskControl.h"

namespace ql {

struct LayoutNode {
    int node = 0;              // index in the Graph
    double x = 0, y = 0;       // centre
    double width = 0, height = 0;
};

struct LayoutEdge {
    int from = -1;             // node index; -1 for a graph input
    int to = -1;               // node index; -1 for a graph output
    std::string tensor;        // the float tensor it carries
    bool quantized = false;    // passes through a Q/DQ pair (folded view)
    std::vector<std::pair<double, double>> points;  // cubic B-spline control points
};

struct GraphLayout {
    std::vector<LayoutNode> nodes;
    std::vector<LayoutEdge> edges;
    double width = 0, height = 0;
};

// A node's box width in inches, from its op type's length (the view draws the op type as the title).
double nodeBoxWidthInches(const std::string& opType);

// `qdq` given: Q/DQ nodes are folded into the edges they sit on.
Result<GraphLayout> layoutGraph(const Graph& graph, const QdqStructure* qdq = nullptr, const TaskControl& control = {});

}  // namespace ql
