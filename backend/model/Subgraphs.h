// Named parts of a graph a user excludes at once: a module (the nodes under a name prefix such
// as "/model.22/" or "/model.22/cv3.0/", as PyTorch exports name them) or everything downstream
// of a node, the detection head say.
#pragma once

#include <string>
#include <vector>

#include "model/Graph.h"

namespace ql {

// The first `depth` parts of "/a/b/c" with the trailing slash ("/a/" for 1); the name itself
// when it has no more parts or depth is 0.
std::string modulePrefix(const std::string& nodeName, int depth);
// Every module prefix of the name, outermost first: "/model.22/", "/model.22/cv3.0/", ...
std::vector<std::string> modulePrefixes(const std::string& nodeName);
std::vector<int> nodesUnderPrefix(const Graph& graph, const std::string& prefix);
// The node and every node that reads, directly or not, what it computes; topological order.
std::vector<int> downstreamNodes(const Graph& graph, int node);

}  // namespace ql
