// Structure queries over an ONNX graph: nodes, tensors, initializers, producers and consumers,
// topological order, and tensor shapes (ONNX shape inference fills those the file lacks).
// A Graph points into the ModelProto it was built from and must not outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <onnx/onnx_pb.h>

#include "util/Result.h"

namespace ql {

struct TensorInfo {
    int elementType = 0;          // onnx::TensorProto::DataType
    std::vector<int64_t> shape;   // -1 for a dimension that is unknown or symbolic
    bool hasShape = false;
};

struct Node {
    int index = 0;                // position in the file
    std::string name;             // may be empty in the file; see Graph::label
    std::string opType;
    std::string domain;
    std::vector<std::string> inputs;   // "" marks an omitted optional input
    std::vector<std::string> outputs;
    const onnx::NodeProto* proto = nullptr;
};

class Graph {
public:
    static Result<Graph> build(const onnx::ModelProto& model);

    const std::vector<Node>& nodes() const { return nodes_; }
    const Node& node(int index) const { return nodes_.at(static_cast<size_t>(index)); }
    int nodeCount() const { return static_cast<int>(nodes_.size()); }
    int findNode(const std::string& name) const;   // -1 when absent
    std::string label(int index) const;            // the node's name, or "Conv #12" when unnamed
    std::vector<std::string> nodeNames() const;

    int producer(const std::string& tensor) const;  // -1 for inputs, initializers and unknown names
    const std::vector<int>& consumers(const std::string& tensor) const;
    bool hasTensor(const std::string& tensor) const;

    const onnx::TensorProto* initializer(const std::string& name) const;
    bool isInitializer(const std::string& name) const { return initializer(name) != nullptr; }
    const std::vector<std::string>& inputs() const { return inputs_; }    // graph inputs, not initializers
    const std::vector<std::string>& outputs() const { return outputs_; }
    bool isGraphOutput(const std::string& tensor) const;

    const std::vector<int>& topologicalOrder() const { return topoOrder_; }
    int topologicalPosition(int node) const { return topoPosition_.at(static_cast<size_t>(node)); }
    const TensorInfo* tensorInfo(const std::string& tensor) const;
    std::map<std::string, int> opCounts() const;

    // Oddities that do not stop analysis (duplicate node names, say).
    const std::vector<std::string>& warnings() const { return warnings_; }

private:
    void inferShapes(const onnx::ModelProto& model);
    Status computeTopologicalOrder();

    std::vector<Node> nodes_;
    std::unordered_map<std::string, int> nodeByName_;
    std::unordered_map<std::string, int> producer_;
    std::unordered_map<std::string, std::vector<int>> consumers_;
    std::unordered_map<std::string, const onnx::TensorProto*> initializers_;
    std::unordered_map<std::string, TensorInfo> tensorInfo_;
    std::vector<std::string> inputs_;
    std::vector<std::string> outputs_;
    std::vector<int> topoOrder_;
    std::vector<int> topoPosition_;  // inverse of topoOrder_
    std::vector<std::string> warnings_;
};

}  // namespace ql
