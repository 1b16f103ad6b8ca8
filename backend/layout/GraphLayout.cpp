#include "layout/GraphLayout.h"

#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include <graphviz/gvc.h>

#include "layout/GraphvizShared.h"

namespace ql {
namespace detail {

std::mutex& graphvizMutex() {
    static std::mutex m;
    return m;
}

GVC_s* graphvizContext() {
    static GVC_t* gvc = gvContext();
    return gvc;
}

}  // namespace detail
namespace {

using detail::graphvizContext;
using detail::graphvizMutex;

void set(void* object, const char* name, const std::string& value) {
    agsafeset(object, const_cast<char*>(name), const_cast<char*>(value.c_str()), const_cast<char*>(""));
}

}  // namespace

double nodeBoxWidthInches(const std::string& opType) {
    // From the op type's length: the view draws the op type as the title.
    return std::max(0.9, 0.11 * static_cast<double>(opType.size()) + 0.4);
}

Result<GraphLayout> layoutGraph(const Graph& graph, const QdqStructure* qdq, const TaskControl& control) {
    auto shown = [&](const Node& n) { return !qdq || !isQdqOp(n.opType); };
    // The float tensor behind each input, and whether it came through a Q/DQ pair.
    auto source = [&](const std::string& t, bool* quantized) {
        *quantized = false;
        if (!qdq)
            return t;
        const std::string s = qdq->floatSourceOf(t);
        *quantized = s != t;
        return s;
    };

    std::lock_guard<std::mutex> lock(graphvizMutex());
    GVC_t* gvc = graphvizContext();
    Agraph_t* g = agopen(const_cast<char*>("g"), Agdirected, nullptr);
    set(g, "rankdir", "TB");
    set(g, "nodesep", "0.25");
    set(g, "ranksep", "0.35");
    set(g, "newrank", "true");
    if (graph.nodeCount() > 1000) {
        // Big graphs: straight edges (spline routing adds much to dot's time), and fewer rounds
        // of crossing reduction and network simplex: half the time at 3,000 nodes, with
        // layouts that still read top to bottom. It runs off the GUI thread in any case.
        set(g, "splines", "line");
        set(g, "mclimit", "0.2");
        set(g, "nslimit", "2");
        set(g, "nslimit1", "2");
        set(g, "searchsize", "10");
        set(g, "remincross", "false");
    } else {
        set(g, "splines", "spline");
    }
    std::map<int, Agnode_t*> nodes;
    for (const int i : graph.topologicalOrder()) {
        const Node& n = graph.node(i);
        if (!shown(n))
            continue;
        Agnode_t* an = agnode(g, const_cast<char*>(("n" + std::to_string(i)).c_str()), 1);
        set(an, "shape", "box");
        set(an, "fixedsize", "true");
        set(an, "label", "");  // the view draws the text; Graphviz need not measure any
        set(an, "width", std::to_string(nodeBoxWidthInches(n.opType)));
        set(an, "height", "0.42");
        nodes[i] = an;
    }
    std::vector<LayoutEdge> edges;
    std::set<std::pair<std::string, int>> seen;  // (tensor, consumer): one edge even if read twice
    std::map<std::string, Agnode_t*> terminals;  // graph inputs and outputs
    auto terminal = [&](const std::string& name) {
        auto it = terminals.find(name);
        if (it != terminals.end())
            return it->second;
        Agnode_t* an = agnode(g, const_cast<char*>(("t" + std::to_string(terminals.size())).c_str()), 1);
        set(an, "shape", "ellipse");
        set(an, "label", "");
        set(an, "width", "0.9");
        set(an, "height", "0.3");
        set(an, "fixedsize", "true");
        terminals[name] = an;
        return an;
    };
    std::vector<std::pair<Agedge_t*, LayoutEdge>> pending;
    for (const auto& [i, an] : nodes) {
        if (control.cancelled())
            break;
        for (const auto& in : graph.node(i).inputs) {
            if (in.empty() || graph.isInitializer(in))
                continue;
            if (const int dq = graph.producer(in); qdq && dq >= 0 && graph.node(dq).opType == "DequantizeLinear" &&
                                                    graph.isInitializer(graph.node(dq).inputs.at(0)))
                continue;  // a quantized weight or bias
            bool quantized = false;
            const std::string t = source(in, &quantized);
            if (graph.isInitializer(t))
                continue;  // a weight, shown in the node panel rather than as a node
            const int p = graph.producer(t);
            Agnode_t* from = p >= 0 && nodes.count(p) ? nodes[p] : (p < 0 ? terminal(t) : nullptr);
            if (!from || !seen.insert({t, i}).second)
                continue;
            Agedge_t* e = agedge(g, from, an, nullptr, 1);
            pending.push_back({e, LayoutEdge{p, i, t, quantized, {}}});
        }
    }
    for (const auto& out : graph.outputs()) {
        bool quantized = false;
        const std::string t = source(out, &quantized);
        int p = graph.producer(t);
        if (p >= 0 && !nodes.count(p)) {  // a folded DequantizeLinear produces it: look through
            const std::string behind = qdq ? qdq->floatSourceOf(out) : out;
            p = graph.producer(behind);
            quantized = true;
        }
        if (p < 0 || !nodes.count(p))
            continue;
        Agedge_t* e = agedge(g, nodes[p], terminal(out), nullptr, 1);
        pending.push_back({e, LayoutEdge{p, -1, out, quantized, {}}});
    }
    if (control.cancelled()) {
        agclose(g);
        return cancelledError();
    }
    if (gvLayout(gvc, g, "dot") != 0) {
        agclose(g);
        return Error{"Graphviz could not lay out the graph"};
    }
    GraphLayout layout;
    const boxf bb = GD_bb(g);
    layout.width = bb.UR.x - bb.LL.x;
    layout.height = bb.UR.y - bb.LL.y;
    auto flip = [&](double x, double y) { return std::make_pair(x - bb.LL.x, bb.UR.y - y); };  // y down
    for (const auto& [i, an] : nodes) {
        const auto [x, y] = flip(ND_coord(an).x, ND_coord(an).y);
        layout.nodes.push_back({i, x, y, ND_width(an) * 72.0, ND_height(an) * 72.0});
    }
    for (auto& [e, edge] : pending) {
        if (ED_spl(e) && ED_spl(e)->size > 0) {
            const bezier& bz = ED_spl(e)->list[0];
            for (int k = 0; k < bz.size; ++k)
                edge.points.push_back(flip(bz.list[k].x, bz.list[k].y));
        }
        layout.edges.push_back(std::move(edge));
    }
    gvFreeLayout(gvc, g);
    agclose(g);
    return layout;
}

}  // namespace ql
