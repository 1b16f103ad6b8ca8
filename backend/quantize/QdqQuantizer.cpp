#include "quantize/QdqQuantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "model/ModelBuilder.h"
#include "model/TensorData.h"
#include "inspect/QdqStructure.h"
#include "quantize/NodeList.h"

namespace ql {

void quantRange(QuantType type, bool reduceRange, bool symmetric, int64_t* qmin, int64_t* qmax) {
    // ONNX Runtime's get_qmin_qmax_for_qType: the reduced range first, then the symmetric range of
    // the signed types (ONNX_INT_TYPE_SYMMETRIC_RANGE), else the type's whole range. Unsigned types
    // keep their whole range when symmetric (zero point 128 / 32768), as ONNX Runtime 1.29/1.30 do.
    const bool wide = quantTypeBits(type) == 16;
    if (!isSigned(type)) {
        *qmin = 0;
        *qmax = reduceRange ? (wide ? 32767 : 127) : (wide ? 65535 : 255);
    } else if (reduceRange) {
        *qmin = wide ? -16384 : -64;
        *qmax = wide ? 16384 : 64;
    } else if (symmetric) {
        *qmin = wide ? -32767 : -127;
        *qmax = wide ? 32767 : 127;
    } else {
        *qmin = wide ? -32768 : -128;
        *qmax = wide ? 32767 : 127;
    }
}

ScaleZeroPoint computeScaleZeroPoint(float rmin, float rmax, int64_t qmin, int64_t qmax, bool symmetric) {
    rmin = std::min(rmin, 0.0f);
    rmax = std::max(rmax, 0.0f);
    if (symmetric) {
        const float absmax = std::max(std::fabs(rmin), std::fabs(rmax));
        rmin = -absmax;
        rmax = absmax;
    }
    // numpy's order of operations: the range in float32, the division in float64.
    const double dr = static_cast<double>(rmax - rmin);
    double scale = dr / static_cast<double>(qmax - qmin);
    ScaleZeroPoint out;
    if (scale < std::numeric_limits<float>::min()) {  // an all-zero range: scale 1, zero point 0
        out.scale = 1.0f;
        out.zeroPoint = 0;
        return out;
    }
    out.zeroPoint = symmetric ? static_cast<int64_t>(std::nearbyint((qmax + qmin) / 2.0))
                              : static_cast<int64_t>(std::nearbyint(static_cast<double>(qmin) - static_cast<double>(rmin) / scale));
    out.zeroPoint = std::clamp(out.zeroPoint, qmin, qmax);
    out.scale = static_cast<float>(scale);
    return out;
}

namespace {

// One dict of a TensorQuantOverrides entry, read.
struct OverrideDict {
    std::optional<QuantType> type;
    std::optional<bool> symmetric, reduceRange;
    std::optional<float> scale, rmin, rmax;
    std::optional<int64_t> zeroPoint, axis;
};

std::vector<OverrideDict> readOverride(const nlohmann::json& list) {
    std::vector<OverrideDict> out;
    for (const auto& e : list) {
        OverrideDict d;
        if (e.contains("quant_type"))
            d.type = *parseQuantType(e["quant_type"].get<std::string>());
        if (e.contains("symmetric"))
            d.symmetric = e["symmetric"].get<bool>();
        if (e.contains("reduce_range"))
            d.reduceRange = e["reduce_range"].get<bool>();
        if (e.contains("scale"))
            d.scale = static_cast<float>(e["scale"].get<double>());
        if (e.contains("zero_point"))
            d.zeroPoint = e["zero_point"].get<int64_t>();
        if (e.contains("rmin"))
            d.rmin = static_cast<float>(e["rmin"].get<double>());
        if (e.contains("rmax"))
            d.rmax = static_cast<float>(e["rmax"].get<double>());
        if (e.contains("axis"))
            d.axis = e["axis"].get<int64_t>();
        out.push_back(d);
    }
    return out;
}

bool isPerChannelOverride(const std::vector<OverrideDict>& o) { return o.size() > 1 || (o.size() == 1 && o[0].axis); }

// How a tensor is to be quantized, as registered by the operator rules below.
struct Plan {
    enum Kind { Activation, Weight, InitializerActivation } kind = Activation;
    int axis = -1;              // per-channel weights
    std::string shareFrom;      // outputs quantized "same as input" use that tensor's parameters
};

onnx::NodeProto makeQdqNode(const std::string& op, const std::string& name, const std::string& input,
                            const QuantParams& p, const std::string& output, const std::string& domain) {
    onnx::NodeProto n;
    n.set_op_type(op);
    if (!domain.empty())
        n.set_domain(domain);
    n.set_name(name);
    n.add_input(input);
    n.add_input(p.scaleName);
    n.add_input(p.zeroPointName);
    n.add_output(output);
    if (p.perChannel())
        setAttribute(n, "axis", static_cast<int64_t>(p.axis));
    return n;
}

struct BiasPlan {
    std::string bias, input, weight;
};

class Quantizer {
public:
    Quantizer(const OnnxModel& fp32, const std::map<std::string, TensorRange>& ranges, const QuantizerSettings& s)
        : model_(fp32), graph_(fp32.graph()), ranges_(ranges), settings_(s) {
        for (const auto& [tensor, list] : s.tensorQuantOverrides.items())
            overrides_[tensor] = readOverride(list);
    }

    Result<QuantizedModel> run();

private:
    bool selected(const Node& n) const;
    bool quantizable(const std::string& t) const;
    void quantizeActivation(const std::string& t);
    void quantizeWeight(const std::string& t, int axis);
    void sameAsInput(const std::string& out, const std::string& in);
    bool registered(const std::string& t) const { return plans_.count(t) > 0; }
    void registerNode(const Node& n);
    void registerTensorRtNode(const Node& n);
    int convSideOf(const std::string& t) const;

    Status computeParameters();
    std::string rootOf(const std::string& t) const;
    void emitActivationPair(const std::string& t, std::vector<onnx::NodeProto>& out, std::set<std::string>& graphOutputsRenamed);

    const OnnxModel& model_;
    const Graph& graph_;
    const std::map<std::string, TensorRange>& ranges_;
    const QuantizerSettings& settings_;
    std::set<std::string> opTypes_, include_, exclude_, noOutputQdq_;
    std::vector<std::string> order_;              // registration order
    std::unordered_map<std::string, Plan> plans_;
    std::vector<BiasPlan> biases_;
    // tensorRtPlacement: the (node index, input tensor) pairs that read an activation's Q/DQ; every
    // other consumer keeps reading the float tensor.
    std::set<std::pair<int, std::string>> reads_;
    std::unordered_map<std::string, QuantParams> params_;  // by tensor (roots and weights)
    std::vector<onnx::TensorProto> newInitializers_;
    std::set<std::string> removedInitializers_;
    QuantizationSummary summary_;
    std::map<std::string, std::vector<OverrideDict>> overrides_;
    std::string domain_;  // "" (ai.onnx) or "com.microsoft", as ONNX Runtime chooses
    const std::vector<OverrideDict>* overrideOf(const std::string& t) const {
        auto it = overrides_.find(t);
        return it == overrides_.end() || it->second.empty() ? nullptr : &it->second;
    }
};

bool Quantizer::selected(const Node& n) const {
    if (!opTypes_.count(n.opType) || (!n.domain.empty() && n.domain != "ai.onnx"))
        return false;
    if (exclude_.count(n.name))
        return false;
    return include_.empty() || include_.count(n.name);
}

bool Quantizer::quantizable(const std::string& t) const {
    if (t.empty())
        return false;
    if (const onnx::TensorProto* init = graph_.initializer(t))
        return init->data_type() == onnx::TensorProto::FLOAT;
    const TensorInfo* info = graph_.tensorInfo(t);
    return info && info->elementType == onnx::TensorProto::FLOAT;
}

void Quantizer::quantizeActivation(const std::string& t) {
    if (!quantizable(t) || registered(t))
        return;
    plans_[t] = {graph_.isInitializer(t) ? Plan::InitializerActivation : Plan::Activation, -1, {}};
    order_.push_back(t);
}

void Quantizer::quantizeWeight(const std::string& t, int axis) {
    if (!quantizable(t) || registered(t))
        return;
    if (!graph_.isInitializer(t)) {  // a weight computed at run time is quantized like an activation
        quantizeActivation(t);
        return;
    }
    const auto* o = overrideOf(t);
    if (o && isPerChannelOverride(*o)) {
        // A per-channel override makes the weight per-channel on its own axis, whatever per_channel says.
        const int64_t rank = graph_.initializer(t)->dims_size();
        const int64_t a = *(*o)[0].axis;
        plans_[t] = {Plan::Weight, static_cast<int>(a < 0 ? a + rank : a), {}};
    } else {
        // ONNX Runtime's is_tensor_per_channel: per-tensor overrides keep the weight per-tensor.
        plans_[t] = {Plan::Weight, settings_.perChannel && !o ? axis : -1, {}};
    }
    order_.push_back(t);
}

void Quantizer::sameAsInput(const std::string& out, const std::string& in) {
    if (!quantizable(out) || registered(out) || graph_.isInitializer(in))
        return;
    plans_[out] = {Plan::Activation, -1, in};
    order_.push_back(out);
}

// The node that makes `t` a Conv output as TensorRT fuses it with a following Add: a Conv or
// ConvTranspose directly, or through one pointwise activation (Relu, Sigmoid, ...) or SiLU written as
// Mul(x, Sigmoid(x)). Its topological position, or -1 when `t` is no such output.
int Quantizer::convSideOf(const std::string& t) const {
    static const std::set<std::string> pointwise = {"Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish",
                                                    "Elu", "Selu", "Tanh", "Softplus", "PRelu"};
    auto conv = [&](const std::string& x) {
        const int p = graph_.producer(x);
        return p >= 0 && (graph_.node(p).opType == "Conv" || graph_.node(p).opType == "ConvTranspose") ? p : -1;
    };
    const int p = graph_.producer(t);
    if (p < 0)
        return -1;
    const Node& n = graph_.node(p);
    int c = conv(t);
    if (c < 0 && pointwise.count(n.opType) && !n.inputs.empty())
        c = conv(n.inputs[0]);
    if (c < 0 && n.opType == "Mul" && n.inputs.size() == 2)
        for (size_t k = 0; k < 2 && c < 0; ++k) {
            const int sig = graph_.producer(n.inputs[k]);
            if (sig >= 0 && graph_.node(sig).opType == "Sigmoid" && !graph_.node(sig).inputs.empty() &&
                graph_.node(sig).inputs[0] == n.inputs[1 - k])
                c = conv(n.inputs[1 - k]);
        }
    return c < 0 ? -1 : graph_.topologicalPosition(c);
}

// TensorRT's placement (QuantizerSettings::tensorRtPlacement): weighted layers quantize their data
// inputs and weights, an Add after a Conv only its residual input, anything else stays float.
void Quantizer::registerTensorRtNode(const Node& n) {
    const std::string& op = n.opType;
    auto readQuantized = [&](const std::string& t) {
        quantizeActivation(t);
        if (registered(t))
            reads_.insert({n.index, t});
    };
    if (op == "Conv" || op == "ConvTranspose" || op == "Gemm" || op == "MatMul") {
        registerNode(n);  // ONNX Runtime's rule for inputs, weights and biases (outputs: none, see below)
        for (const auto& t : n.inputs)
            if (!t.empty() && !graph_.isInitializer(t))
                reads_.insert({n.index, t});
        return;
    }
    if (op == "Add") {
        std::vector<std::string> data;
        for (const auto& t : n.inputs)
            if (!t.empty() && !graph_.isInitializer(t))
                data.push_back(t);
        if (data.size() != 2)
            return;  // a bias or constant added: TensorRT fuses it or runs it in float; no Q/DQ
        const int a = convSideOf(data[0]), b = convSideOf(data[1]);
        if (a < 0 && b < 0)
            return;  // no Conv to fuse with: the Add stays float
        // The Conv side is the one TensorRT fuses (the later Conv when both are); the other is the residual.
        const std::string& residual = a > b ? data[1] : data[0];
        ++summary_.quantizedNodes;
        readQuantized(residual);
        return;
    }
    // Other types asked for explicitly (--op-types): ONNX Runtime's rule, each input read quantized.
    registerNode(n);
    for (const auto& t : n.inputs)
        if (registered(t))
            reads_.insert({n.index, t});
}

void Quantizer::registerNode(const Node& n) {
    const std::string& op = n.opType;
    auto input = [&](size_t i) { return i < n.inputs.size() ? n.inputs[i] : std::string(); };
    ++summary_.quantizedNodes;
    if (op == "Conv" || op == "ConvTranspose" || op == "Gemm") {
        quantizeActivation(input(0));
        int axis = op == "ConvTranspose" ? 1 : 0;
        if (op == "Gemm") {
            axis = 1;
            for (const auto& a : n.proto->attribute())
                if (a.name() == "transB" && a.i() != 0)
                    axis = 0;
        }
        quantizeWeight(input(1), axis);
        if (!noOutputQdq_.count(op))
            for (const auto& out : n.outputs)
                quantizeActivation(out);
        if (!input(2).empty() && graph_.isInitializer(input(2)) && overrideOf(input(2)))
            quantizeWeight(input(2), 0);  // ONNX Runtime: a bias with overrides is quantized as a weight
        else if (settings_.quantizeBias && !input(2).empty() && graph_.isInitializer(input(2)))
            biases_.push_back({input(2), input(0), input(1)});
        return;
    }
    if (op == "MatMul") {
        for (size_t i = 0; i < n.inputs.size(); ++i) {
            if (graph_.isInitializer(input(i)))
                quantizeWeight(input(i), -1);  // per-channel along the last axis, resolved from the shape
            else
                quantizeActivation(input(i));
        }
        if (!noOutputQdq_.count(op))
            for (const auto& out : n.outputs)
                quantizeActivation(out);
        return;
    }
    static const std::set<std::string> sameAsInputOps = {"Reshape", "Transpose", "Squeeze", "Unsqueeze", "AveragePool",
                                                         "Slice", "Resize", "MaxPool", "Split", "Gather", "GatherElements",
                                                         "Pad"};
    if (sameAsInputOps.count(op)) {
        // ONNX Runtime quantizes these only when their data input already is, with its parameters.
        if (registered(input(0)))
            for (const auto& out : n.outputs)
                sameAsInput(out, input(0));
        else
            --summary_.quantizedNodes;
        return;
    }
    for (const auto& in : n.inputs)
        quantizeActivation(in);
    if (!noOutputQdq_.count(op))
        for (const auto& out : n.outputs)
            quantizeActivation(out);
}

std::string Quantizer::rootOf(const std::string& t) const {
    std::string root = t;
    for (int guard = 0; guard < 1000; ++guard) {
        auto it = plans_.find(root);
        if (it == plans_.end() || it->second.shareFrom.empty())
            return root;
        root = it->second.shareFrom;
    }
    return root;
}

Status Quantizer::computeParameters() {
    for (const auto& t : order_) {
        const Plan& plan = plans_.at(t);
        const auto* o = overrideOf(t);
        const OverrideDict none;
        const OverrideDict& first = o ? o->front() : none;
        if (plan.kind == Plan::Activation) {
            if (!plan.shareFrom.empty())
                continue;
            // ONNX Runtime's calc_quant_params: the override's type, then its scale/zero point, or
            // its rmin/rmax (else the calibrated range) with its symmetric/reduce_range.
            const QuantType type = first.type.value_or(settings_.activationType);
            const bool symmetric = first.symmetric.value_or(settings_.activationSymmetric);
            int64_t qmin, qmax;
            quantRange(type, first.reduceRange.value_or(false), symmetric, &qmin, &qmax);
            ScaleZeroPoint sz;
            float lo = 0.0f, hi = 0.0f;
            if (first.scale) {
                sz.scale = *first.scale;
                sz.zeroPoint = *first.zeroPoint;
                int64_t tmin, tmax;
                quantRange(type, false, false, &tmin, &tmax);
                lo = sz.scale * static_cast<float>(tmin - sz.zeroPoint);
                hi = sz.scale * static_cast<float>(tmax - sz.zeroPoint);
            } else {
                auto r = ranges_.find(t);
                if ((!first.rmin || !first.rmax) && r == ranges_.end())
                    return Error{"no calibration range for tensor '" + t + "'; calibrate with this model"};
                lo = first.rmin.value_or(r != ranges_.end() ? static_cast<float>(r->second.lo) : 0.0f);
                hi = first.rmax.value_or(r != ranges_.end() ? static_cast<float>(r->second.hi) : 0.0f);
                sz = computeScaleZeroPoint(lo, hi, qmin, qmax, symmetric);
            }
            QuantParams p;
            p.scaleName = t + "_scale";
            p.zeroPointName = t + "_zero_point";
            p.scales = {sz.scale};
            p.zeroPoints = {sz.zeroPoint};
            p.elementType = quantTypeElement(type);
            params_[t] = p;
            summary_.activationRanges[t] = {lo, hi};
            newInitializers_.push_back(makeFloatTensor(p.scaleName, {}, p.scales));
            newInitializers_.push_back(makeIntTensor(p.zeroPointName, p.elementType, {}, p.zeroPoints));
            ++summary_.activations;
            continue;
        }
        // Constants: weights with the weight type, other initializers with the activation type.
        const bool weight = plan.kind == Plan::Weight;
        const QuantType baseType = weight ? settings_.weightType : settings_.activationType;
        const QuantType type = first.type.value_or(baseType);
        // ONNX Runtime's is_weight_symmetric(type): WeightSymmetric when given, else true for signed types.
        const auto weightSymmetric = [&](QuantType t) { return settings_.weightSymmetric.value_or(isSigned(t)); };
        const bool overridePerChannel = o && isPerChannelOverride(*o);
        bool symmetric = weight ? settings_.effectiveWeightSymmetric() : settings_.activationSymmetric;
        if (weight && overridePerChannel)  // quantize_weight_per_channel_impl
            symmetric = weightSymmetric(type);
        else if (type != baseType)         // quantize_initializer_impl: the weight type's rule, else the activations'
            symmetric = type == settings_.weightType ? weightSymmetric(type) : settings_.activationSymmetric;
        symmetric = first.symmetric.value_or(symmetric);
        const onnx::TensorProto& init = *graph_.initializer(t);
        const std::vector<float> values = tensorToFloats(init);
        const std::vector<int64_t> shape = dims(init);
        int axis = plan.axis;
        const bool perTensorOverride = o && !overridePerChannel;
        if (axis == -1 && settings_.perChannel && weight && !shape.empty() && !perTensorOverride)
            axis = static_cast<int>(shape.size()) - 1;  // MatMul weights: output channels last
        const bool perChannel = weight && !perTensorOverride && (settings_.perChannel || overridePerChannel) && axis >= 0 &&
                                axis < static_cast<int>(shape.size());
        int64_t qmin, qmax;
        // reduce_range narrows constants of the weight type only (7 bits), as ONNX Runtime 1.30 does.
        quantRange(type, first.reduceRange.value_or(weight && settings_.reduceRange), symmetric, &qmin, &qmax);
        QuantParams p;
        p.scaleName = t + "_scale";
        p.zeroPointName = t + "_zero_point";
        p.elementType = quantTypeElement(type);
        p.axis = perChannel ? axis : 1;
        const size_t channels = perChannel ? static_cast<size_t>(shape[static_cast<size_t>(axis)]) : 1;
        size_t inner = 1;
        for (size_t d = perChannel ? static_cast<size_t>(axis) + 1 : shape.size(); d < shape.size(); ++d)
            inner *= static_cast<size_t>(shape[d]);
        std::vector<float> lo(channels, 0.0f), hi(channels, 0.0f);
        std::vector<bool> seen(channels, false);
        for (size_t i = 0; i < values.size(); ++i) {
            const size_t c = perChannel ? (i / inner) % channels : 0;
            lo[c] = seen[c] ? std::min(lo[c], values[i]) : values[i];
            hi[c] = seen[c] ? std::max(hi[c], values[i]) : values[i];
            seen[c] = true;
        }
        for (size_t c = 0; c < channels; ++c) {
            const OverrideDict& d = o && o->size() > 1 ? (*o)[c] : first;
            if (d.scale) {
                p.scales.push_back(*d.scale);
                p.zeroPoints.push_back(*d.zeroPoint);
                continue;
            }
            const ScaleZeroPoint sz = computeScaleZeroPoint(d.rmin.value_or(lo[c]), d.rmax.value_or(hi[c]), qmin, qmax, symmetric);
            p.scales.push_back(sz.scale);
            p.zeroPoints.push_back(sz.zeroPoint);
        }
        // Quantized values are clamped to the type's whole range (ONNX Runtime's quantize_nparray).
        int64_t clampLo, clampHi;
        quantRange(type, false, false, &clampLo, &clampHi);
        // numpy's arithmetic: float32 division, round half to even, then clamp.
        std::vector<int64_t> q(values.size());
        for (size_t i = 0; i < values.size(); ++i) {
            const size_t c = perChannel ? (i / inner) % channels : 0;
            const float v = std::nearbyint(values[i] / p.scales[c]) + static_cast<float>(p.zeroPoints[c]);
            q[i] = std::clamp(static_cast<int64_t>(v), clampLo, clampHi);
        }
        const std::vector<int64_t> scaleShape = perChannel ? std::vector<int64_t>{static_cast<int64_t>(channels)} : std::vector<int64_t>{};
        newInitializers_.push_back(makeIntTensor(t + "_quantized", p.elementType, shape, q));
        newInitializers_.push_back(makeFloatTensor(p.scaleName, scaleShape, p.scales));
        newInitializers_.push_back(makeIntTensor(p.zeroPointName, p.elementType, scaleShape, p.zeroPoints));
        removedInitializers_.insert(t);
        params_[t] = p;
        ++summary_.weights;
    }
    for (const auto& b : biases_) {
        auto in = params_.find(rootOf(b.input));
        auto w = params_.find(b.weight);
        if (!registered(b.input) || in == params_.end() || w == params_.end() || removedInitializers_.count(b.bias))
            continue;  // ONNX Runtime leaves the bias float when its input or weight stays float
        const onnx::TensorProto& init = *graph_.initializer(b.bias);
        const std::vector<float> values = tensorToFloats(init);
        const std::vector<float>& ws = w->second.scales;
        const float inputScale = in->second.scales.front();
        std::vector<float> scales;
        std::vector<int64_t> q(values.size());
        for (size_t i = 0; i < values.size(); ++i) {
            float s = inputScale * ws[ws.size() == 1 ? 0 : std::min(i, ws.size() - 1)];
            if (s == 0.0f)
                s = 1.0f;
            if (ws.size() > 1 || i == 0)
                scales.push_back(s);
            const double v = std::nearbyint(values[i] / s);
            q[i] = static_cast<int64_t>(std::clamp(v, -2147483648.0, 2147483647.0));
        }
        const std::vector<int64_t> scaleShape = ws.size() > 1 ? std::vector<int64_t>{static_cast<int64_t>(scales.size())} : std::vector<int64_t>{};
        const std::string qName = b.bias + "_quantized";
        newInitializers_.push_back(makeIntTensor(qName, onnx::TensorProto::INT32, dims(init), q));
        newInitializers_.push_back(makeFloatTensor(qName + "_scale", scaleShape, scales));
        newInitializers_.push_back(makeIntTensor(qName + "_zero_point", onnx::TensorProto::INT32, scaleShape,
                                                 std::vector<int64_t>(scales.size(), 0)));
        removedInitializers_.insert(b.bias);
        QuantParams p;
        p.scaleName = qName + "_scale";
        p.zeroPointName = qName + "_zero_point";
        p.scales = scales;
        p.axis = 0;
        params_[b.bias] = p;
        ++summary_.biases;
    }
    return Ok{};
}

void Quantizer::emitActivationPair(const std::string& t, std::vector<onnx::NodeProto>& out, std::set<std::string>& renamed) {
    const QuantParams& p = params_.at(rootOf(t));
    const bool graphOutput = graph_.isGraphOutput(t);
    const std::string input = graphOutput ? t + "_QuantizeLinear_Input" : t;
    if (graphOutput)
        renamed.insert(t);
    out.push_back(makeQdqNode("QuantizeLinear", t + "_QuantizeLinear", input, p, t + "_QuantizeLinear_Output", domain_));
    out.push_back(makeQdqNode("DequantizeLinear", t + "_DequantizeLinear", t + "_QuantizeLinear_Output", p,
                              graphOutput ? t : t + "_DequantizeLinear_Output", domain_));
}

Result<QuantizedModel> Quantizer::run() {
    const auto& ops = settings_.opTypesToQuantize.empty() ? defaultOpTypesToQuantize() : settings_.opTypesToQuantize;
    opTypes_.insert(ops.begin(), ops.end());
    include_.insert(settings_.nodesToQuantize.begin(), settings_.nodesToQuantize.end());
    exclude_.insert(settings_.nodesToExclude.begin(), settings_.nodesToExclude.end());
    noOutputQdq_.insert(settings_.opTypesToExcludeOutputQuantization.begin(), settings_.opTypesToExcludeOutputQuantization.end());
    if (auto st = checkQuantizable(model_, settings_); !st)
        return st.error();

    // ONNX Runtime's QDQQuantizer: Q/DQ in the com.microsoft domain when UseQDQContribOps is set, or
    // when the model's opset is below 21 (whose QuantizeLinear has no 16-bit types) and the
    // activation type, the weight type or any override names a 16-bit type.
    bool wide = quantTypeBits(settings_.activationType) == 16 || quantTypeBits(settings_.weightType) == 16;
    for (const auto& [tensor, list] : overrides_)
        for (const auto& d : list)
            wide = wide || (d.type && quantTypeBits(*d.type) == 16);
    if (settings_.useQdqContribOps || (wide && model_.opsetVersion() < 21))
        domain_ = "com.microsoft";
    summary_.qdqDomain = domain_;

    for (const int i : graph_.topologicalOrder())
        if (selected(graph_.node(i))) {
            if (settings_.tensorRtPlacement)
                registerTensorRtNode(graph_.node(i));
            else
                registerNode(graph_.node(i));
        }
    if (auto st = computeParameters(); !st)
        return st.error();
    for (const auto& t : order_) {
        const Plan& plan = plans_.at(t);
        if (plan.kind == Plan::Activation && !plan.shareFrom.empty()) {
            auto r = summary_.activationRanges.find(rootOf(t));
            if (r != summary_.activationRanges.end())
                summary_.activationRanges[t] = r->second;
        }
    }
    for (const auto& [tensor, list] : overrides_)
        if (!plans_.count(tensor))
            summary_.warnings.push_back("TensorQuantOverrides names '" + tensor +
                                        "', which is not quantized (no quantized node reads or writes it); the entry has no effect");

    onnx::ModelProto proto = model_.proto();
    auto* g = proto.mutable_graph();
    // Initializers: the float weights that were quantized go; their integer versions come.
    google::protobuf::RepeatedPtrField<onnx::TensorProto> kept;
    for (auto& init : *g->mutable_initializer())
        if (!removedInitializers_.count(init.name()))
            *kept.Add() = std::move(init);
    *g->mutable_initializer() = std::move(kept);
    for (auto& init : newInitializers_)
        *g->add_initializer() = std::move(init);
    // Older exports (PyTorch's keep_initializers_as_inputs, IR < 4) also list initializers as graph
    // inputs. As ONNX Runtime's ONNXModel.remove_initializer does, a float weight that was quantized
    // takes its graph input with it: no input may shadow a weight that no longer exists.
    google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> inputs;
    for (auto& in : *g->mutable_input())
        if (!removedInitializers_.count(in.name()))
            *inputs.Add() = std::move(in);
    *g->mutable_input() = std::move(inputs);
    if (proto.ir_version() < 4) {
        // IR 3 requires every initializer to be a graph input too: list the new ones as well.
        std::set<std::string> listed;
        for (const auto& in : g->input())
            listed.insert(in.name());
        for (const auto& init : g->initializer())
            if (!listed.count(init.name())) {
                auto* vi = g->add_input();
                vi->set_name(init.name());
                auto* tt = vi->mutable_type()->mutable_tensor_type();
                tt->set_elem_type(init.data_type());
                auto* shape = tt->mutable_shape();
                for (const auto d : init.dims())
                    shape->add_dim()->set_dim_value(d);
            }
    }

    // Nodes: constants' DequantizeLinear first, then each node followed by its outputs' Q/DQ.
    std::unordered_map<std::string, std::string> replacement;  // float tensor -> what consumers read now
    std::vector<onnx::NodeProto> nodes;
    for (const auto& t : order_) {
        const Plan& plan = plans_.at(t);
        if (plan.kind == Plan::Activation)
            continue;
        nodes.push_back(makeQdqNode("DequantizeLinear", t + "_DequantizeLinear", t + "_quantized", params_.at(t),
                                    t + "_DequantizeLinear_Output", domain_));
        replacement[t] = t + "_DequantizeLinear_Output";
    }
    for (const auto& b : biases_) {
        auto it = params_.find(b.bias);
        if (it == params_.end() || !removedInitializers_.count(b.bias) || replacement.count(b.bias))
            continue;
        // The bias keeps its name, as ONNX Runtime writes it.
        nodes.push_back(makeQdqNode("DequantizeLinear", b.bias + "_DequantizeLinear", b.bias + "_quantized", it->second, b.bias, domain_));
    }
    std::set<std::string> renamedOutputs;
    // tensorRtPlacement: does node i read the float tensor `t` through its Q/DQ pair?
    auto readsQdq = [&](int i, const std::string& t) {
        if (!settings_.tensorRtPlacement)
            return true;
        auto plan = plans_.find(t);
        return plan == plans_.end() || plan->second.kind == Plan::Weight || reads_.count({i, t}) > 0;
    };
    for (const auto& in : graph_.inputs())
        if (plans_.count(in) && plans_.at(in).kind == Plan::Activation) {
            emitActivationPair(in, nodes, renamedOutputs);
            replacement[in] = in + "_DequantizeLinear_Output";
        }
    for (const int i : graph_.topologicalOrder()) {
        onnx::NodeProto node = *graph_.node(i).proto;
        for (auto& in : *node.mutable_input()) {
            if (!readsQdq(i, in)) {
                if (renamedOutputs.count(in))
                    in = in + "_QuantizeLinear_Input";  // the float graph output, before its Q/DQ
                continue;
            }
            if (auto it = replacement.find(in); it != replacement.end())
                in = it->second;
        }
        std::vector<onnx::NodeProto> pairs;
        for (auto& out : *node.mutable_output()) {
            auto plan = plans_.find(out);
            if (out.empty() || plan == plans_.end() || plan->second.kind != Plan::Activation)
                continue;
            const std::string name = out;
            emitActivationPair(name, pairs, renamedOutputs);
            if (renamedOutputs.count(name))
                out = name + "_QuantizeLinear_Input";  // the DequantizeLinear now produces the graph output
            else
                replacement[name] = name + "_DequantizeLinear_Output";
        }
        nodes.push_back(std::move(node));
        for (auto& p : pairs)
            nodes.push_back(std::move(p));
    }
    g->clear_node();
    for (auto& n : nodes)
        *g->add_node() = std::move(n);
    // Shapes the file declared for tensors that were renamed or replaced would now mislead.
    g->clear_value_info();
    if (!domain_.empty()) {
        bool imported = false;
        for (const auto& op : proto.opset_import())
            imported = imported || op.domain() == domain_;
        if (!imported) {
            auto* op = proto.add_opset_import();
            op->set_domain(domain_);
            op->set_version(1);
        }
    }
    proto.set_producer_name("onnx.quantize");
    proto.set_producer_version("0.1.0");

    auto result = OnnxModel::fromProto(std::move(proto), model_.displayName() + " (quantized)");
    if (!result)
        return Error{"the quantized model is invalid: " + result.errorMessage()};
    return QuantizedModel{std::move(result).value(), summary_};
}

}  // namespace

namespace {

// The model-dependent rules of ONNX Runtime's TensorQuantOverridesHelper.is_valid, plus the zero
// point within its type. Messages: "<file>: entry 'x': ...".
Status validateTensorOverrides(const Graph& graph, int64_t opset, const QuantizerSettings& settings) {
    if (!settings.hasTensorOverrides())
        return Ok{};
    const std::string source = settings.tensorOverridesSource.empty() ? std::string("TensorQuantOverrides")
                                                                     : settings.tensorOverridesSource;
    auto parsed = parseTensorOverrides(settings.tensorQuantOverrides);
    if (!parsed)
        return Error{source + ": " + parsed.errorMessage()};
    std::vector<std::string> tensorNames;
    for (const auto& n : graph.nodes())
        tensorNames.insert(tensorNames.end(), n.outputs.begin(), n.outputs.end());
    tensorNames.insert(tensorNames.end(), graph.inputs().begin(), graph.inputs().end());
    for (const auto& [tensor, list] : parsed->items()) {
        auto fail = [&, name = tensor, count = list.size()](size_t i, const std::string& problem) {
            std::string where = "entry '" + name + "'";
            if (count > 1)
                where += " (dict " + std::to_string(i) + ")";
            return Error{source + ": " + where + ": " + problem};
        };
        const onnx::TensorProto* init = graph.initializer(tensor);
        if (!init && !graph.hasTensor(tensor)) {
            std::string message = "no tensor of this name in the model";
            const auto near = nearestNames(tensorNames, tensor, 3);
            if (!near.empty()) {
                message += "; nearest:";
                for (size_t i = 0; i < near.size(); ++i)
                    message += (i ? ", '" : " '") + near[i] + "'";
            }
            return fail(0, message);
        }
        const auto dicts = readOverride(list);
        if (dicts.empty())
            continue;
        if (isPerChannelOverride(dicts)) {
            if (!init)
                return fail(0, "per-channel overrides (axis) are for initializers (weights) only; this is an activation");
            const int64_t rank = init->dims_size();
            int64_t axis = *dicts[0].axis;
            if (axis < 0)
                axis += rank;
            if (axis < 0 || axis >= rank)
                return fail(0, "axis " + std::to_string(*dicts[0].axis) + " is out of range for a weight of rank " + std::to_string(rank));
            const int64_t channels = init->dims(static_cast<int>(axis));
            if (dicts.size() > 1 && static_cast<int64_t>(dicts.size()) != channels)
                return fail(0, std::to_string(dicts.size()) + " channel dicts, but the weight has " + std::to_string(channels) +
                                   " channels along axis " + std::to_string(axis));
            if (opset < 13)
                return fail(0, "per-channel Q/DQ needs opset 13 (the axis attribute); the model uses opset " + std::to_string(opset));
        }
        for (size_t i = 0; i < dicts.size(); ++i) {
            const auto& d = dicts[i];
            if (d.reduceRange && !init)
                return fail(i, "'reduce_range' is only supported for initializers, not for activation " + tensor);
            if (d.zeroPoint) {
                const QuantType type = d.type.value_or(dicts[0].type.value_or(init ? settings.weightType : settings.activationType));
                int64_t lo, hi;
                quantRange(type, false, false, &lo, &hi);
                if (*d.zeroPoint < lo || *d.zeroPoint > hi)
                    return fail(i, "zero_point " + std::to_string(*d.zeroPoint) + " is outside " + quantTypeName(type) + "'s range [" +
                                       std::to_string(lo) + ", " + std::to_string(hi) + "]");
            }
        }
    }
    return Ok{};
}

}  // namespace

Status checkQuantizable(const OnnxModel& model, const QuantizerSettings& settings) {
    const Graph& graph = model.graph();
    for (const QuantType t : {settings.activationType, settings.weightType})
        if (quantTypeBits(t) == 4)
            return Error{quantTypeName(t) + ": 4-bit types are not written by QuantLens (packed INT4 tensors); use QInt8, QUInt8, QInt16 or QUInt16"};
    if (auto st = validateTensorOverrides(graph, model.opsetVersion(), settings); !st)
        return st.error();
    if (auto st = validateNodeNames(graph, settings.nodesToExclude, "nodes_to_exclude"); !st)
        return st.error();
    if (auto st = validateNodeNames(graph, settings.nodesToQuantize, "nodes_to_quantize"); !st)
        return st.error();
    auto structure = QdqStructure::analyze(graph);
    if (!structure)
        return Error{model.displayName() + ": " + structure.errorMessage()};
    if (structure->format != QuantFormat::Float) {
        const QdqStructure& q = *structure;
        std::string found;
        if (q.format == QuantFormat::QDQ)
            found = std::to_string(q.quantizeLinearCount) + " QuantizeLinear and " + std::to_string(q.dequantizeLinearCount) +
                    " DequantizeLinear nodes";
        else if (q.format == QuantFormat::QOperator)
            found = std::to_string(q.qOperatorCount) + " QOperator nodes (QLinearConv, ...)";
        else
            found = std::to_string(q.dynamicCount) + " dynamic quantization nodes (DynamicQuantizeLinear, ConvInteger, MatMulInteger)";
        return Error{model.displayName() + " is already quantized (" + formatName(q.format) + ": " + found +
                     "); quantize its FP32 model"};
    }
    const int64_t opset = model.opsetVersion();
    if (opset < 10)
        return Error{model.displayName() + " uses opset " + std::to_string(opset) + "; QDQ quantization needs opset 10 or later"};
    if (settings.perChannel && opset < 13)
        return Error{model.displayName() + " uses opset " + std::to_string(opset) +
                     "; per-channel quantization needs opset 13 (the axis of QuantizeLinear/DequantizeLinear)"};
    return Ok{};
}

Result<QuantizedModel> quantizeQdq(const OnnxModel& fp32, const CalibrationData& calibration, const QuantizerSettings& settings) {
    const auto ranges = calibration.ranges();
    return catchErrors("quantization", [&]() -> Result<QuantizedModel> { return Quantizer(fp32, ranges, settings).run(); });
}

}  // namespace ql
