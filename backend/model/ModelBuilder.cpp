#include "model/ModelBuilder.h"

#include "model/TensorData.h"

namespace ql {
namespace {

void setType(onnx::ValueInfoProto& vi, int elementType, const std::vector<int64_t>& shape, bool withShape) {
    auto* tt = vi.mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elementType);
    if (!withShape)
        return;
    auto* s = tt->mutable_shape();
    for (const int64_t d : shape) {
        auto* dim = s->add_dim();
        if (d >= 0)
            dim->set_dim_value(d);
        else
            dim->set_dim_param("N");
    }
}

onnx::AttributeProto& addAttribute(onnx::NodeProto& node, const std::string& name,
                                   onnx::AttributeProto::AttributeType type) {
    auto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(type);
    return *a;
}

}  // namespace

ModelBuilder::ModelBuilder(int64_t opset) {
    model_.set_ir_version(8);
    model_.set_producer_name("quantlens");
    auto* op = model_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    model_.mutable_graph()->set_name("graph");
}

ModelBuilder& ModelBuilder::input(const std::string& name, const std::vector<int64_t>& shape, int elementType) {
    auto* vi = model_.mutable_graph()->add_input();
    vi->set_name(name);
    setType(*vi, elementType, shape, true);
    return *this;
}

ModelBuilder& ModelBuilder::output(const std::string& name, const std::vector<int64_t>& shape, int elementType) {
    auto* vi = model_.mutable_graph()->add_output();
    vi->set_name(name);
    setType(*vi, elementType, shape, !shape.empty());
    return *this;
}

ModelBuilder& ModelBuilder::initializer(onnx::TensorProto tensor) {
    *model_.mutable_graph()->add_initializer() = std::move(tensor);
    return *this;
}

ModelBuilder& ModelBuilder::floatInitializer(const std::string& name, const std::vector<int64_t>& dims,
                                             const std::vector<float>& values) {
    return initializer(makeFloatTensor(name, dims, values));
}

ModelBuilder& ModelBuilder::metadata(const std::string& key, const std::string& value) {
    auto* p = model_.add_metadata_props();
    p->set_key(key);
    p->set_value(value);
    return *this;
}

onnx::NodeProto& ModelBuilder::node(const std::string& opType, const std::vector<std::string>& inputs,
                                    const std::vector<std::string>& outputs, const std::string& name) {
    auto* n = model_.mutable_graph()->add_node();
    n->set_op_type(opType);
    n->set_name(name);
    for (const auto& i : inputs)
        n->add_input(i);
    for (const auto& o : outputs)
        n->add_output(o);
    return *n;
}

void setAttribute(onnx::NodeProto& node, const std::string& name, int64_t value) {
    addAttribute(node, name, onnx::AttributeProto::INT).set_i(value);
}

void setAttribute(onnx::NodeProto& node, const std::string& name, float value) {
    addAttribute(node, name, onnx::AttributeProto::FLOAT).set_f(value);
}

void setAttribute(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values) {
    auto& a = addAttribute(node, name, onnx::AttributeProto::INTS);
    for (const int64_t v : values)
        a.add_ints(v);
}

void setAttribute(onnx::NodeProto& node, const std::string& name, const std::string& value) {
    addAttribute(node, name, onnx::AttributeProto::STRING).set_s(value);
}

}  // namespace ql
