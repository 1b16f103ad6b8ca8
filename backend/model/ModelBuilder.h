// Builds ONNX models in code: the tests' tiny models, generated benchmark models, and the pieces
// the quantizer adds to a graph.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace ql {

class ModelBuilder {
public:
    explicit ModelBuilder(int64_t opset = 17);

    ModelBuilder& input(const std::string& name, const std::vector<int64_t>& shape,
                        int elementType = onnx::TensorProto::FLOAT);
    ModelBuilder& output(const std::string& name, const std::vector<int64_t>& shape = {},
                         int elementType = onnx::TensorProto::FLOAT);
    ModelBuilder& initializer(onnx::TensorProto tensor);
    ModelBuilder& floatInitializer(const std::string& name, const std::vector<int64_t>& dims,
                                   const std::vector<float>& values);
    ModelBuilder& metadata(const std::string& key, const std::string& value);
    // Returns the node so that attributes can be added with the helpers below.
    onnx::NodeProto& node(const std::string& opType, const std::vector<std::string>& inputs,
                          const std::vector<std::string>& outputs, const std::string& name = {});

    onnx::ModelProto& proto() { return model_; }
    onnx::ModelProto build() const { return model_; }

private:
    onnx::ModelProto model_;
};

void setAttribute(onnx::NodeProto& node, const std::string& name, int64_t value);
void setAttribute(onnx::NodeProto& node, const std::string& name, float value);
void setAttribute(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values);
void setAttribute(onnx::NodeProto& node, const std::string& name, const std::string& value);

}  // namespace ql
