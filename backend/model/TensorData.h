// Reads the values out of ONNX TensorProto initializers, whatever field or element type holds them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace ql {

std::string elementTypeName(int onnxElementType);
// Bytes per element of a fixed-size type, 0 for others (string, ...). ONNX Runtime numbers its
// element types as ONNX does, so this serves its tensors too.
size_t elementSize(int onnxElementType);
int64_t elementCount(const onnx::TensorProto& tensor);  // throws ErrorException on a bad shape
std::vector<int64_t> dims(const onnx::TensorProto& tensor);
std::string shapeToString(const std::vector<int64_t>& shape);  // "[1,3,640,640]", -1 shown as "?"

// Values converted to float (float, double, float16, and every integer type).
std::vector<float> tensorToFloats(const onnx::TensorProto& tensor);
// Integer values as int64 (int8/uint8/int16/uint16/int32/int64/bool).
std::vector<int64_t> tensorToInts(const onnx::TensorProto& tensor);

onnx::TensorProto makeFloatTensor(const std::string& name, const std::vector<int64_t>& dims,
                                  const std::vector<float>& values);
onnx::TensorProto makeIntTensor(const std::string& name, int onnxElementType,
                                const std::vector<int64_t>& dims, const std::vector<int64_t>& values);

}  // namespace ql
