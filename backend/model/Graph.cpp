#include "model/Graph.h"

#include <algorithm>
#include <functional>
#include <queue>

#include <onnx/shape_inference/implementation.h>

#include "model/ShapeInferenceGuards.h"

namespace ql {
namespace {

// Shape inference only needs the values of small tensors (shape constants); weights are
// stripped from the copy it works on so big models are not held twice.
constexpr int kKeepInitializerBytes = 4096;

TensorInfo toTensorInfo(const onnx::TypeProto& type) {
    TensorInfo info;
    if (!type.has_tensor_type())
        return info;
    info.elementType = type.tensor_type().elem_type();
    if (type.tensor_type().has_shape()) {
        info.hasShape = true;
        for (const auto& d : type.tensor_type().shape().dim())
            info.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
    }
    return info;
}

}  // namespace

Result<Graph> Graph::build(const onnx::ModelProto& model) {
    Graph g;
    const auto& gp = model.graph();
    for (const auto& init : gp.initializer()) {
        if (g.initializers_.count(init.name()))
            return Error{"initializer '" + init.name() + "' is defined twice"};
        g.initializers_[init.name()] = &init;
        TensorInfo info;
        info.elementType = init.data_type();
        info.hasShape = true;
        info.shape.assign(init.dims().begin(), init.dims().end());
        g.tensorInfo_[init.name()] = info;
    }
    for (const auto& in : gp.input()) {
        if (!g.initializers_.count(in.name()))
            g.inputs_.push_back(in.name());
        g.tensorInfo_[in.name()] = toTensorInfo(in.type());
    }
    for (const auto& out : gp.output())
        g.outputs_.push_back(out.name());

    g.nodes_.reserve(static_cast<size_t>(gp.node_size()));
    for (int i = 0; i < gp.node_size(); ++i) {
        const auto& np = gp.node(i);
        Node n;
        n.index = i;
        n.name = np.name();
        n.opType = np.op_type();
        n.domain = np.domain();
        n.inputs.assign(np.input().begin(), np.input().end());
        n.outputs.assign(np.output().begin(), np.output().end());
        n.proto = &np;
        if (n.opType.empty())
            return Error{"node #" + std::to_string(i) + " has no operator type"};
        if (!n.name.empty() && !g.nodeByName_.emplace(n.name, i).second)
            g.warnings_.push_back("node name '" + n.name + "' is used by more than one node");
        g.nodes_.push_back(std::move(n));
    }
    const std::unordered_map<std::string, bool> graphInputs = [&] {
        std::unordered_map<std::string, bool> m;
        for (const auto& in : gp.input())
            m[in.name()] = true;
        return m;
    }();
    for (const auto& n : g.nodes_) {
        for (const auto& out : n.outputs) {
            if (out.empty())
                continue;
            auto [it, fresh] = g.producer_.emplace(out, n.index);
            if (!fresh)
                return Error{"tensor '" + out + "' is produced by both " + g.label(it->second) + " and " + g.label(n.index)};
            if (g.initializers_.count(out) || graphInputs.count(out))
                return Error{"tensor '" + out + "' produced by " + g.label(n.index) + " is also a graph input or initializer"};
        }
    }
    for (const auto& n : g.nodes_)
        for (const auto& in : n.inputs) {
            if (in.empty())
                continue;
            if (!g.producer_.count(in) && !g.initializers_.count(in) && !graphInputs.count(in))
                return Error{g.label(n.index) + " (" + n.opType + ") reads tensor '" + in +
                             "', which no node, initializer or graph input provides"};
            auto& list = g.consumers_[in];
            if (list.empty() || list.back() != n.index)  // a node reading a tensor twice counts once
                list.push_back(n.index);
        }
    for (const auto& out : g.outputs_)
        if (!g.producer_.count(out) && !g.initializers_.count(out) && !graphInputs.count(out))
            return Error{"graph output '" + out + "' is not produced by any node"};

    if (auto st = g.computeTopologicalOrder(); !st)
        return st.error();
    g.inferShapes(model);
    for (const auto& out : gp.output()) {  // declared output types win over inferred ones
        const TensorInfo declared = toTensorInfo(out.type());
        if (declared.elementType != 0 && (declared.hasShape || !g.tensorInfo_.count(out.name())))
            g.tensorInfo_[out.name()] = declared;
    }
    return g;
}

Status Graph::computeTopologicalOrder() {
    std::vector<int> missing(nodes_.size(), 0);
    for (const auto& n : nodes_) {
        for (const auto& in : n.inputs)
            if (!in.empty() && producer_.count(in))
                ++missing[static_cast<size_t>(n.index)];
    }
    // Lowest file position first keeps the order close to the file's, which readers expect.
    std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
    for (const auto& n : nodes_)
        if (missing[static_cast<size_t>(n.index)] == 0)
            ready.push(n.index);
    topoOrder_.clear();
    while (!ready.empty()) {
        const int i = ready.top();
        ready.pop();
        topoOrder_.push_back(i);
        for (const auto& out : nodes_[static_cast<size_t>(i)].outputs) {
            if (out.empty())
                continue;
            auto it = consumers_.find(out);
            if (it == consumers_.end())
                continue;
            for (const int c : it->second) {
                // A node that reads the same tensor in two slots waits for it once per slot.
                const auto& ins = nodes_[static_cast<size_t>(c)].inputs;
                const auto uses = std::count(ins.begin(), ins.end(), out);
                missing[static_cast<size_t>(c)] -= static_cast<int>(uses);
                if (missing[static_cast<size_t>(c)] == 0)
                    ready.push(c);
            }
        }
    }
    if (topoOrder_.size() != nodes_.size()) {
        for (const auto& n : nodes_)
            if (missing[static_cast<size_t>(n.index)] > 0)
                return Error{"the graph has a cycle through " + label(n.index) + " (" + n.opType + ")"};
    }
    topoPosition_.assign(nodes_.size(), 0);
    for (size_t k = 0; k < topoOrder_.size(); ++k)
        topoPosition_[static_cast<size_t>(topoOrder_[k])] = static_cast<int>(k);
    return Ok{};
}

void Graph::inferShapes(const onnx::ModelProto& model) {
    onnx::ModelProto copy;
    copy.set_ir_version(model.ir_version());
    *copy.mutable_opset_import() = model.opset_import();
    auto* g = copy.mutable_graph();
    *g->mutable_node() = model.graph().node();
    *g->mutable_input() = model.graph().input();
    *g->mutable_output() = model.graph().output();
    *g->mutable_value_info() = model.graph().value_info();
    for (const auto& init : model.graph().initializer()) {
        auto* t = g->add_initializer();
        if (init.ByteSizeLong() <= kKeepInitializerBytes) {
            *t = init;
            continue;
        }
        t->set_name(init.name());
        t->set_data_type(init.data_type());
        *t->mutable_dims() = init.dims();
    }
    installShapeInferenceGuards();
    try {
        onnx::ShapeInferenceOptions options(false, 0, true);
        onnx::shape_inference::InferShapes(copy, onnx::OpSchemaRegistry::Instance(), options);
    } catch (const std::exception& e) {
        warnings_.push_back(std::string("shape inference stopped early: ") + e.what());
    }
    for (const auto& vi : copy.graph().value_info())
        tensorInfo_[vi.name()] = toTensorInfo(vi.type());
    for (const auto& vi : copy.graph().output()) {
        const TensorInfo info = toTensorInfo(vi.type());
        if (info.elementType != 0)
            tensorInfo_[vi.name()] = info;
    }
}

int Graph::findNode(const std::string& name) const {
    auto it = nodeByName_.find(name);
    return it == nodeByName_.end() ? -1 : it->second;
}

std::string Graph::label(int index) const {
    const Node& n = node(index);
    return n.name.empty() ? n.opType + " #" + std::to_string(index) : n.name;
}

std::vector<std::string> Graph::nodeNames() const {
    std::vector<std::string> names;
    names.reserve(nodes_.size());
    for (const auto& n : nodes_)
        if (!n.name.empty())
            names.push_back(n.name);
    return names;
}

int Graph::producer(const std::string& tensor) const {
    auto it = producer_.find(tensor);
    return it == producer_.end() ? -1 : it->second;
}

const std::vector<int>& Graph::consumers(const std::string& tensor) const {
    static const std::vector<int> none;
    auto it = consumers_.find(tensor);
    return it == consumers_.end() ? none : it->second;
}

bool Graph::hasTensor(const std::string& tensor) const {
    return producer_.count(tensor) || initializers_.count(tensor) || tensorInfo_.count(tensor);
}

const onnx::TensorProto* Graph::initializer(const std::string& name) const {
    auto it = initializers_.find(name);
    return it == initializers_.end() ? nullptr : it->second;
}

bool Graph::isGraphOutput(const std::string& tensor) const {
    return std::find(outputs_.begin(), outputs_.end(), tensor) != outputs_.end();
}

const TensorInfo* Graph::tensorInfo(const std::string& tensor) const {
    auto it = tensorInfo_.find(tensor);
    return it == tensorInfo_.end() ? nullptr : &it->second;
}

std::map<std::string, int> Graph::opCounts() const {
    std::map<std::string, int> counts;
    for (const auto& n : nodes_)
        ++counts[n.opType];
    return counts;
}

}  // namespace ql
