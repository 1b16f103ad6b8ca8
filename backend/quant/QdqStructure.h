// The quantization structure of a model: its format, every QuantizeLinear/DequantizeLinear pair,
// which float tensor each quantizes with what scale, zero point, type and axis, and which compute
// nodes are quantized.
#pragma once

#include <cstdint>
#include <set>
#include <unordered_map>
#include <string>
#include <vector>

#include "model/Graph.h"
#include "util/Result.h"

namespace ql {

enum class QuantFormat { Float, QDQ, QOperator, Dynamic };
std::string formatName(QuantFormat format);

enum class QuantizedKind { Activation, Weight, Bias };
std::string kindName(QuantizedKind kind);

struct QuantParams {
    std::string scaleName;
    std::string zeroPointName;
    std::vector<float> scales;       // one per channel, or one for the whole tensor
    std::vector<int64_t> zeroPoints; // same length as scales (0 when the model omits them)
    int elementType = 0;             // quantized type: int8, uint8, int16, uint16, int32
    int axis = 1;                    // channel axis (ONNX default 1); meaningful when perChannel()

    bool perChannel() const { return scales.size() > 1; }
    int64_t qmin() const;
    int64_t qmax() const;
};

struct QuantizedTensor {
    QuantizedKind kind = QuantizedKind::Activation;
    // The float tensor as named in this graph: QuantizeLinear's input, or for a constant stored
    // already quantized its float name under ONNX Runtime's naming ("w" for "w_quantized").
    // ModelPairing maps it to the FP32 model's tensor.
    std::string floatName;
    std::string quantizedName;             // QuantizeLinear output, or the integer initializer
    std::vector<int> quantizeNodes;        // empty for constants stored already quantized
    std::vector<int> dequantizeNodes;
    std::vector<std::string> dequantizedOutputs;
    std::vector<int> consumers;            // compute nodes reading a dequantized output
    QuantParams params;
};

struct QdqStructure {
    QuantFormat format = QuantFormat::Float;
    int quantizeLinearCount = 0;
    int dequantizeLinearCount = 0;
    int qOperatorCount = 0;      // QLinearConv, QGemm, ...
    int dynamicCount = 0;        // ConvInteger, MatMulInteger, DynamicQuantizeLinear
    std::vector<QuantizedTensor> tensors;
    std::set<int> quantizedNodes;  // compute nodes with at least one quantized input

    static Result<QdqStructure> analyze(const Graph& graph);

    int countOf(QuantizedKind kind) const;
    const QuantizedTensor* findByFloatName(const std::string& name) const;
    // Follows DequantizeLinear (and the QuantizeLinear before it) back to the float tensor a
    // dequantized tensor stands for; other tensors map to themselves.
    std::string floatSourceOf(const std::string& tensor) const;
    bool isQdqNode(const Node& node) const;

private:
    std::unordered_map<std::string, size_t> byDequantizedOutput_;
};

bool isQdqOp(const std::string& opType);

// Named compute nodes whose type is in `opTypes` but that the quantized graph keeps float.
std::vector<std::string> nodesLeftFloat(const Graph& graph, const QdqStructure& qdq, const std::vector<std::string>& opTypes);

// Dequantizes integer values with the parameters, channel by channel along `shape[params.axis]`.
std::vector<float> dequantize(const std::vector<int64_t>& values, const std::vector<int64_t>& shape,
                              const QuantParams& params);
// Quantizes float values as QuantizeLinear does.
std::vector<int64_t> quantize(const std::vector<float>& values, const std::vector<int64_t>& shape,
                              const QuantParams& params);

}  // namespace ql
