// The quantization structure of a model: its format, every QuantizeLinear/DequantizeLinear pair,
// which float tensor each quantizes with what scale, zero point, type and axis, and which compute
// nodes are quantized.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
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

// Where a QOperator node (QLinearConv, QLinearAdd, QLinearConcat, QGemm, ...) keeps its operands:
// the float operator it computes, each quantized data input as {data, scale, zero point} input
// positions, its integer bias (-1: none) and the output's scale and zero point (-1: float output).
struct QOperatorLayout {
    std::string floatOp;
    std::vector<std::array<int, 3>> inputs;
    int bias = -1;
    int outputScale = -1;
    int outputZeroPoint = -1;
};
std::optional<QOperatorLayout> qOperatorLayout(const Node& node);

// A ConvInteger or MatMulInteger node with the float nodes ONNX Runtime's quantize_dynamic puts
// after it to rebuild the float result: a Cast to float, a Mul by input scale × weight scale and,
// for ConvInteger, the bias Add (the bias reshaped from its initializer).
struct IntegerChain {
    int integerNode = -1;
    int cast = -1;
    int outputMul = -1;
    int scalesMul = -1;     // input scale × weight scale; -1 when the Mul reads a constant
    int biasAdd = -1;
    int biasReshape = -1;
    std::string weightScale;  // initializer holding the weight's scale ("" when not found)
    std::string bias;         // float bias initializer ("" when none)
    std::string output;       // the float tensor the chain ends in
};
std::optional<IntegerChain> integerChainOf(const Graph& graph, int node);

// Named compute nodes whose type is in `opTypes` but that the quantized graph keeps float.
std::vector<std::string> nodesLeftFloat(const Graph& graph, const QdqStructure& qdq, const std::vector<std::string>& opTypes);

// Dequantizes integer values with the parameters, channel by channel along `shape[params.axis]`.
std::vector<float> dequantize(const std::vector<int64_t>& values, const std::vector<int64_t>& shape,
                              const QuantParams& params);
// Quantizes float values as QuantizeLinear does.
std::vector<int64_t> quantize(const std::vector<float>& values, const std::vector<int64_t>& shape,
                              const QuantParams& params);

}  // namespace ql
