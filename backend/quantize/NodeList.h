// Lists of node names (nodes_to_exclude, nodes_to_quantize) as people paste them: a Python list
// literal from a script, a JSON array, or one name per line; checked against the model.
#pragma once

#include <string>
#include <vector>

#include "model/Graph.h"
#include "util/Result.h"

namespace ql {

// Catches Python's silent joining of adjacent strings ('a' 'b' == 'ab') as a missing comma.
Result<std::vector<std::string>> parseNodeList(const std::string& text);

// Every name must be a node of `graph`; the error lists each unknown name with the nearest real ones.
Status validateNodeNames(const Graph& graph, const std::vector<std::string>& names, const std::string& listName);

std::vector<std::string> nearestNames(const std::vector<std::string>& candidates, const std::string& name, size_t count);

// ['a', 'b'] as Python writes it.
std::string toPythonList(const std::vector<std::string>& names);

}  // namespace ql
