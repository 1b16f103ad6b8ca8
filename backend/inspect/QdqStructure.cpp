#include "inspect/QdqStructure.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "model/TensorData.h"

namespace ql {
namespace {

bool isQOperatorOp(const std::string& op) {
    return op.rfind("QLinear", 0) == 0 || op == "QGemm" || op == "QAttention";
}

bool isDynamicOp(const std::string& op) {
    return op == "ConvInteger" || op == "MatMulInteger" || op == "DynamicQuantizeLinear";
}

std::string stripSuffix(const std::string& s, const std::string& suffix) {
    if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
        return s.substr(0, s.size() - suffix.size());
    return s;
}

int attributeInt(const Node& node, const std::string& name, int fallback) {
    for (const auto& a : node.proto->attribute())
        if (a.name() == name && a.type() == onnx::AttributeProto::INT)
            return static_cast<int>(a.i());
    return fallback;
}

// The scale and zero point at input positions `scaleAt`, `zeroPointAt` of `node`.
QuantParams readParams(const Graph& graph, const Node& node, size_t scaleAt = 1, size_t zeroPointAt = 2) {
    QuantParams p;
    if (node.inputs.size() <= scaleAt || node.inputs[scaleAt].empty())
        throw ErrorException(graph.label(node.index) + " (" + node.opType + ") has no scale input");
    p.scaleName = node.inputs[scaleAt];
    const onnx::TensorProto* scale = graph.initializer(p.scaleName);
    if (!scale)
        throw ErrorException(graph.label(node.index) + ": scale '" + p.scaleName +
                             "' is computed at run time, not a constant; only constant scales are analysed");
    p.scales = tensorToFloats(*scale);
    if (p.scales.empty())
        throw ErrorException(graph.label(node.index) + ": scale '" + p.scaleName + "' is empty");
    p.axis = attributeInt(node, "axis", 1);
    if (node.inputs.size() > zeroPointAt && !node.inputs[zeroPointAt].empty()) {
        p.zeroPointName = node.inputs[zeroPointAt];
        const onnx::TensorProto* zp = graph.initializer(p.zeroPointName);
        if (!zp)
            throw ErrorException(graph.label(node.index) + ": zero point '" + p.zeroPointName + "' is not a constant");
        p.zeroPoints = tensorToInts(*zp);
        p.elementType = zp->data_type();
        if (p.zeroPoints.size() != p.scales.size())
            throw ErrorException(graph.label(node.index) + ": zero point '" + p.zeroPointName + "' has " +
                                 std::to_string(p.zeroPoints.size()) + " values but the scale has " +
                                 std::to_string(p.scales.size()));
    } else {
        p.zeroPoints.assign(p.scales.size(), 0);
        p.elementType = onnx::TensorProto::UINT8;  // ONNX's default when the zero point is omitted
    }
    return p;
}

int singleConsumer(const Graph& graph, const std::string& tensor, const char* opType) {
    const auto& c = graph.consumers(tensor);
    return c.size() == 1 && graph.node(c.front()).opType == opType ? c.front() : -1;
}

// Quantized constants read by QOperator and dynamic nodes: stored as integers, with the scale and
// zero point the node takes beside them.
void addIntegerConstants(const Graph& graph, QdqStructure& s) {
    auto add = [&](const Node& n, const std::string& data, QuantParams params, QuantizedKind kind) {
        const onnx::TensorProto* init = graph.initializer(data);
        if (!init)
            return;
        QuantizedTensor t;
        t.kind = kind;
        t.quantizedName = data;
        t.floatName = stripSuffix(data, "_quantized");
        t.consumers.push_back(n.index);
        const int rank = static_cast<int>(dims(*init).size());
        // Per-channel weights: output channels of Conv (axis 0), columns of MatMul/Gemm's B.
        params.axis = n.opType == "QLinearConv" || n.opType == "ConvInteger" || kind == QuantizedKind::Bias ? 0 : rank - 1;
        t.params = std::move(params);
        s.tensors.push_back(std::move(t));
    };
    for (const int i : graph.topologicalOrder()) {
      // A constant QuantLens cannot read (a scale computed at run time) is left out, not fatal:
      // the rest of the model is still analysed.
      try {
        const Node& n = graph.node(i);
        const auto layout = qOperatorLayout(n);
        if (layout) {
            for (const auto& in : layout->inputs)
                if (static_cast<size_t>(in[2]) < n.inputs.size() && graph.isInitializer(n.inputs[static_cast<size_t>(in[0])]))
                    add(n, n.inputs[static_cast<size_t>(in[0])],
                        readParams(graph, n, static_cast<size_t>(in[1]), static_cast<size_t>(in[2])), QuantizedKind::Weight);
            // The int32 bias: scale = input scale × weight scale (per channel), zero point 0.
            if (layout->bias >= 0 && static_cast<size_t>(layout->bias) < n.inputs.size() && layout->inputs.size() >= 2 &&
                graph.isInitializer(n.inputs[static_cast<size_t>(layout->bias)])) {
                const QuantParams x = readParams(graph, n, 1, 2);
                const QuantParams w = readParams(graph, n, 4, 5);
                QuantParams b;
                b.scaleName = x.scaleName + " * " + w.scaleName;
                for (const float ws : w.scales)
                    b.scales.push_back(x.scales.front() * ws);
                b.zeroPoints.assign(b.scales.size(), 0);
                b.elementType = onnx::TensorProto::INT32;
                add(n, n.inputs[static_cast<size_t>(layout->bias)], std::move(b), QuantizedKind::Bias);
            }
        } else if (n.opType == "ConvInteger" || n.opType == "MatMulInteger") {
            const auto chain = integerChainOf(graph, i);
            if (!chain || chain->weightScale.empty() || n.inputs.size() < 2)
                continue;
            QuantParams p;
            p.scaleName = chain->weightScale;
            p.scales = tensorToFloats(*graph.initializer(chain->weightScale));
            const onnx::TensorProto* data = graph.initializer(n.inputs[1]);
            if (!data || p.scales.empty())
                continue;
            p.elementType = data->data_type();
            if (n.inputs.size() >= 4 && graph.isInitializer(n.inputs[3])) {
                p.zeroPointName = n.inputs[3];
                p.zeroPoints = tensorToInts(*graph.initializer(n.inputs[3]));
            }
            if (p.zeroPoints.empty())
                p.zeroPoints.assign(p.scales.size(), 0);
            if (p.zeroPoints.size() != p.scales.size())
                continue;  // a scale per channel with one zero point: not a layout QuantLens reads
            add(n, n.inputs[1], std::move(p), QuantizedKind::Weight);
        }
      } catch (const ErrorException&) {
      }
    }
}

}  // namespace

std::optional<QOperatorLayout> qOperatorLayout(const Node& n) {
    QOperatorLayout l;
    const std::string& op = n.opType;
    if (op == "QLinearConv" || op == "QLinearMatMul" || op == "QLinearAdd" || op == "QLinearMul") {
        l.floatOp = op.substr(7);
        l.inputs = {{0, 1, 2}, {3, 4, 5}};
        l.outputScale = 6;
        l.outputZeroPoint = 7;
        if (op == "QLinearConv")
            l.bias = 8;
    } else if (op == "QGemm") {
        l.floatOp = "Gemm";
        l.inputs = {{0, 1, 2}, {3, 4, 5}};
        l.bias = 6;
        l.outputScale = 7;
        l.outputZeroPoint = 8;
    } else if (op == "QLinearConcat") {
        l.floatOp = "Concat";
        for (int k = 2; k + 2 < static_cast<int>(n.inputs.size()); k += 3)  // (X, scale, zero point) each
            l.inputs.push_back({k, k + 1, k + 2});
        l.outputScale = 0;
        l.outputZeroPoint = 1;
    } else if (op == "QLinearSigmoid" || op == "QLinearLeakyRelu" || op == "QLinearSoftmax" ||
               op == "QLinearAveragePool" || op == "QLinearGlobalAveragePool" || op == "QLinearReduceMean") {
        l.floatOp = op.substr(7);
        l.inputs = {{0, 1, 2}};
        l.outputScale = 3;
        l.outputZeroPoint = 4;
    } else {
        return std::nullopt;
    }
    if (n.inputs.size() <= static_cast<size_t>(l.outputZeroPoint) || n.inputs[static_cast<size_t>(l.outputScale)].empty())
        l.outputScale = l.outputZeroPoint = -1;  // QGemm without y_scale: float output
    else if (n.inputs[static_cast<size_t>(l.outputZeroPoint)].empty())
        l.outputZeroPoint = -1;
    if (l.bias >= 0 && (static_cast<size_t>(l.bias) >= n.inputs.size() || n.inputs[static_cast<size_t>(l.bias)].empty()))
        l.bias = -1;
    return l;
}

std::optional<IntegerChain> integerChainOf(const Graph& graph, int node) {
    const Node& n = graph.node(node);
    if ((n.opType != "ConvInteger" && n.opType != "MatMulInteger") || n.outputs.empty())
        return std::nullopt;
    IntegerChain c;
    c.integerNode = node;
    c.cast = singleConsumer(graph, n.outputs[0], "Cast");
    if (c.cast < 0)
        return std::nullopt;
    c.outputMul = singleConsumer(graph, graph.node(c.cast).outputs.at(0), "Mul");
    if (c.outputMul < 0)
        return std::nullopt;
    const Node& mul = graph.node(c.outputMul);
    const std::string castOut = graph.node(c.cast).outputs.at(0);
    const std::string scales = mul.inputs.at(0) == castOut ? mul.inputs.at(1) : mul.inputs.at(0);
    const int sp = graph.producer(scales);
    if (sp >= 0 && graph.node(sp).opType == "Mul" && graph.consumers(scales).size() == 1) {
        c.scalesMul = sp;
        for (const auto& in : graph.node(sp).inputs)
            if (graph.isInitializer(in))
                c.weightScale = in;
    }
    c.output = mul.outputs.at(0);
    if (n.opType == "ConvInteger") {
        const int add = singleConsumer(graph, c.output, "Add");
        if (add >= 0) {
            const Node& a = graph.node(add);
            const std::string other = a.inputs.at(0) == c.output ? a.inputs.at(1) : a.inputs.at(0);
            const int rp = graph.producer(other);
            if (graph.isInitializer(other)) {
                c.bias = other;
            } else if (rp >= 0 && graph.node(rp).opType == "Reshape" && graph.isInitializer(graph.node(rp).inputs.at(0)) &&
                       graph.consumers(other).size() == 1) {
                c.bias = graph.node(rp).inputs.at(0);
                c.biasReshape = rp;
            }
            if (!c.bias.empty()) {
                c.biasAdd = add;
                c.output = a.outputs.at(0);
            }
        }
    }
    return c;
}

std::string formatName(QuantFormat format) {
    switch (format) {
    case QuantFormat::Float: return "float";
    case QuantFormat::QDQ: return "QDQ";
    case QuantFormat::QOperator: return "QOperator";
    case QuantFormat::Dynamic: return "dynamic";
    }
    return "?";
}

std::string kindName(QuantizedKind kind) {
    switch (kind) {
    case QuantizedKind::Activation: return "activation";
    case QuantizedKind::Weight: return "weight";
    case QuantizedKind::Bias: return "bias";
    }
    return "?";
}

int64_t QuantParams::qmin() const {
    switch (elementType) {
    case onnx::TensorProto::INT8: return -128;
    case onnx::TensorProto::INT16: return -32768;
    case onnx::TensorProto::INT32: return INT32_MIN;
    default: return 0;
    }
}

int64_t QuantParams::qmax() const {
    switch (elementType) {
    case onnx::TensorProto::INT8: return 127;
    case onnx::TensorProto::UINT8: return 255;
    case onnx::TensorProto::INT16: return 32767;
    case onnx::TensorProto::UINT16: return 65535;
    case onnx::TensorProto::INT32: return INT32_MAX;
    default: return 255;
    }
}

bool isQdqOp(const std::string& op) { return op == "QuantizeLinear" || op == "DequantizeLinear"; }

std::vector<std::string> nodesLeftFloat(const Graph& graph, const QdqStructure& qdq, const std::vector<std::string>& opTypes) {
    // A node ONNX Runtime's quantizer was told to exclude can still read quantized inputs (its
    // producer's Q/DQ pair serves other readers too), so a quantized input alone does not make it
    // quantized: a float weight, or an output with no Q/DQ pair, says it was left float.
    const auto floatWeight = [&](const Node& n) {
        if (n.inputs.size() < 2)
            return false;
        const auto* init = graph.initializer(n.inputs[1]);
        return init && init->data_type() == onnx::TensorProto::FLOAT;
    };
    const auto floatOutput = [&](const Node& n) {
        return std::any_of(n.outputs.begin(), n.outputs.end(),
                           [&](const std::string& t) { return !t.empty() && !qdq.findByFloatName(t); });
    };
    const auto hasWeight = [&](const Node& n) {
        return n.opType == "Conv" || n.opType == "ConvTranspose" || n.opType == "Gemm" ||
               (n.opType == "MatMul" && n.inputs.size() >= 2 && graph.isInitializer(n.inputs[1]));
    };
    std::vector<std::string> names;
    for (const int i : graph.topologicalOrder()) {
        const Node& n = graph.node(i);
        if (n.name.empty() || std::find(opTypes.begin(), opTypes.end(), n.opType) == opTypes.end())
            continue;
        const bool leftFloat = !qdq.quantizedNodes.count(i) || (hasWeight(n) ? floatWeight(n) : floatOutput(n));
        if (leftFloat)
            names.push_back(n.name);
    }
    return names;
}

bool QdqStructure::isQdqNode(const Node& node) const { return isQdqOp(node.opType); }

Result<QdqStructure> QdqStructure::analyze(const Graph& graph) {
    return catchErrors("quantization structure", [&]() -> Result<QdqStructure> {
        QdqStructure s;
        // Activation pairs are grouped by the float tensor they quantize, so that ONNX Runtime's
        // dedicated pairs (<t>_QuantizeLinear_1.._n) count as one quantized tensor.
        std::map<std::string, size_t> activationByFloat;
        for (const int i : graph.topologicalOrder()) {
            const Node& n = graph.node(i);
            if (n.opType == "QuantizeLinear")
                ++s.quantizeLinearCount;
            else if (n.opType == "DequantizeLinear")
                ++s.dequantizeLinearCount;
            else if (isQOperatorOp(n.opType))
                ++s.qOperatorCount;
            else if (isDynamicOp(n.opType))
                ++s.dynamicCount;
            if (n.opType != "DequantizeLinear" || n.inputs.empty() || n.outputs.empty())
                continue;

            QuantizedTensor t;
            t.params = readParams(graph, n);
            t.dequantizeNodes.push_back(i);
            t.dequantizedOutputs.push_back(n.outputs[0]);
            const std::string& x = n.inputs[0];
            const int q = graph.producer(x);
            if (const onnx::TensorProto* init = graph.initializer(x)) {
                t.kind = init->data_type() == onnx::TensorProto::INT32 ? QuantizedKind::Bias : QuantizedKind::Weight;
                t.quantizedName = x;
                t.floatName = stripSuffix(x, "_quantized");
            } else if (q >= 0 && graph.node(q).opType == "QuantizeLinear") {
                const Node& qn = graph.node(q);
                t.quantizedName = x;
                t.quantizeNodes.push_back(q);
                t.floatName = qn.inputs.at(0);
                t.kind = graph.isInitializer(qn.inputs.at(0)) ? QuantizedKind::Weight : QuantizedKind::Activation;
                auto found = activationByFloat.find(qn.inputs.at(0));
                if (found != activationByFloat.end()) {  // another pair on the same tensor
                    QuantizedTensor& existing = s.tensors[found->second];
                    existing.dequantizeNodes.push_back(i);
                    existing.dequantizedOutputs.push_back(n.outputs[0]);
                    if (std::find(existing.quantizeNodes.begin(), existing.quantizeNodes.end(), q) == existing.quantizeNodes.end())
                        existing.quantizeNodes.push_back(q);
                    s.byDequantizedOutput_[n.outputs[0]] = found->second;
                    continue;
                }
                activationByFloat[qn.inputs.at(0)] = s.tensors.size();
            } else {
                // Integer data from a graph input or another op: dequantized, never quantized here.
                t.quantizedName = x;
                t.floatName = x;
            }
            s.byDequantizedOutput_[n.outputs[0]] = s.tensors.size();
            s.tensors.push_back(std::move(t));
        }
        for (size_t k = 0; k < s.tensors.size(); ++k) {
            auto& t = s.tensors[k];
            for (const auto& out : t.dequantizedOutputs)
                for (const int c : graph.consumers(out))
                    if (!isQdqOp(graph.node(c).opType)) {
                        t.consumers.push_back(c);
                        s.quantizedNodes.insert(c);
                    }
        }
        for (const auto& n : graph.nodes())
            if (isQOperatorOp(n.opType) || n.opType == "ConvInteger" || n.opType == "MatMulInteger")
                s.quantizedNodes.insert(n.index);
        if (s.qOperatorCount > 0 || s.dynamicCount > 0)
            addIntegerConstants(graph, s);

        if (s.dynamicCount > 0)
            s.format = QuantFormat::Dynamic;
        else if (s.qOperatorCount > 0)
            s.format = QuantFormat::QOperator;
        else if (s.dequantizeLinearCount > 0)
            s.format = QuantFormat::QDQ;
        return s;
    });
}

int QdqStructure::countOf(QuantizedKind kind) const {
    int n = 0;
    for (const auto& t : tensors)
        n += t.kind == kind;
    return n;
}

const QuantizedTensor* QdqStructure::findByFloatName(const std::string& name) const {
    for (const auto& t : tensors)
        if (t.floatName == name)
            return &t;
    return nullptr;
}

std::string QdqStructure::floatSourceOf(const std::string& tensor) const {
    auto it = byDequantizedOutput_.find(tensor);
    if (it == byDequantizedOutput_.end())
        return tensor;
    return tensors[it->second].floatName;
}

namespace {

// Calls fn(elementIndex, channelIndex) for every element of a tensor of `shape`; one channel
// for per-tensor parameters.
template <typename F>
void forEachElementChannel(size_t count, const std::vector<int64_t>& shape, const QuantParams& params, F fn) {
    if (!params.perChannel()) {
        for (size_t i = 0; i < count; ++i)
            fn(i, size_t{0});
        return;
    }
    const int rank = static_cast<int>(shape.size());
    const int axis = params.axis < 0 ? params.axis + rank : params.axis;
    if (axis < 0 || axis >= rank || shape[static_cast<size_t>(axis)] != static_cast<int64_t>(params.scales.size()))
        throw ErrorException("per-channel scale '" + params.scaleName + "' has " + std::to_string(params.scales.size()) +
                             " values, which does not fit axis " + std::to_string(params.axis) + " of shape " + shapeToString(shape));
    size_t inner = 1;
    for (int d = axis + 1; d < rank; ++d)
        inner *= static_cast<size_t>(shape[static_cast<size_t>(d)]);
    const size_t channels = params.scales.size();
    for (size_t i = 0; i < count; ++i)
        fn(i, (i / inner) % channels);
}

}  // namespace

std::vector<float> dequantize(const std::vector<int64_t>& values, const std::vector<int64_t>& shape,
                              const QuantParams& params) {
    std::vector<float> out(values.size());
    forEachElementChannel(values.size(), shape, params, [&](size_t i, size_t c) {
        out[i] = static_cast<float>(values[i] - params.zeroPoints[c]) * params.scales[c];
    });
    return out;
}

std::vector<int64_t> quantize(const std::vector<float>& values, const std::vector<int64_t>& shape,
                              const QuantParams& params) {
    std::vector<int64_t> out(values.size());
    const double lo = static_cast<double>(params.qmin());
    const double hi = static_cast<double>(params.qmax());
    forEachElementChannel(values.size(), shape, params, [&](size_t i, size_t c) {
        // Same arithmetic as QuantizeLinear: divide, round half to even, add zero point, saturate.
        const double q = std::nearbyint(static_cast<double>(values[i]) / params.scales[c]) + static_cast<double>(params.zeroPoints[c]);
        out[i] = static_cast<int64_t>(std::clamp(q, lo, hi));
    });
    return out;
}

}  // namespace ql
