#include "model/Subgraphs.h"

#include <algorithm>

namespace ql {

std::string modulePrefix(const std::string& node, int depth) {
    if (depth <= 0)
        return node;
    size_t pos = 0;
    for (int part = 0; part <= depth; ++part) {  // the leading '/' starts part 0
        pos = node.find('/', pos + (part == 0 ? 0 : 1));
        if (pos == std::string::npos)
            return node;
    }
    return node.substr(0, pos + 1);
}

std::vector<std::string> modulePrefixes(const std::string& nodeName) {
    std::vector<std::string> prefixes;
    for (int depth = 1;; ++depth) {
        const std::string p = modulePrefix(nodeName, depth);
        if (p == nodeName || p.size() <= 1)
            break;
        prefixes.push_back(p);
    }
    return prefixes;
}

std::vector<int> nodesUnderPrefix(const Graph& graph, const std::string& prefix) {
    std::vector<int> nodes;
    for (const int i : graph.topologicalOrder())
        if (graph.node(i).name.compare(0, prefix.size(), prefix) == 0)
            nodes.push_back(i);
    return nodes;
}

std::vector<int> downstreamNodes(const Graph& graph, int node) {
    std::vector<char> reached(static_cast<size_t>(graph.nodeCount()), 0);
    std::vector<int> stack = {node};
    reached[static_cast<size_t>(node)] = 1;
    while (!stack.empty()) {
        const int n = stack.back();
        stack.pop_back();
        for (const auto& out : graph.node(n).outputs)
            for (const int c : graph.consumers(out))
                if (!reached[static_cast<size_t>(c)]) {
                    reached[static_cast<size_t>(c)] = 1;
                    stack.push_back(c);
                }
    }
    std::vector<int> nodes;
    for (const int i : graph.topologicalOrder())
        if (reached[static_cast<size_t>(i)])
            nodes.push_back(i);
    return nodes;
}

}  // namespace ql
