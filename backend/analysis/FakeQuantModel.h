// The quantized model as the activation analysis runs it: every activation's QuantizeLinear ->
// DequantizeLinear pair that can be is replaced by one FakeQuant node (runtime/FakeQuantOp.h),
// which computes the same values in one pass and measures the rounding error as it goes. Pairs
// it cannot stand for (per-channel, parameters not shared, a Q output read by anything but its
// DequantizeLinear nodes) stay as they are. Works on a copy; the user's model is untouched.
#pragma once

#include <string>
#include <unordered_map>

#include <onnx/onnx_pb.h>

#include "inspect/QdqStructure.h"

namespace ql {

class OnnxModel;

struct FakeQuantModel {
    onnx::ModelProto proto;
    // By the quantized float tensor's name: the tensor holding its rounding-error sums.
    std::unordered_map<std::string, std::string> sumsOf;
};

FakeQuantModel withFakeQuantNodes(const OnnxModel& model, const QdqStructure& qdq);

}  // namespace ql
