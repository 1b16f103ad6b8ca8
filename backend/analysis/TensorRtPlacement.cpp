#include "analysis/TensorRtPlacement.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "model/TensorData.h"

namespace ql {
namespace {

bool isOneOf(const std::string& op, std::initializer_list<const char*> ops) {
    return std::any_of(ops.begin(), ops.end(), [&](const char* o) { return op == o; });
}

// Layers TensorRT runs in INT8 when their inputs are quantized (weighted layers, element-wise
// arithmetic, pooling, concatenation). Generous on purpose: a consumer in doubt counts as
// quantizable, so a finding is never raised on a guess.
bool isQuantizable(const std::string& op) {
    return isOneOf(op, {"Conv", "ConvTranspose", "MatMul", "Gemm", "Add", "Sub", "Mul", "Div", "Max", "Min",
                        "AveragePool", "MaxPool", "GlobalAveragePool", "GlobalMaxPool", "Concat", "ReduceMean",
                        "ReduceMax", "ReduceMin", "ReduceSum"});
}

// Layers that only move data: TensorRT moves a DequantizeLinear across them (Q/DQ propagation).
bool movesData(const std::string& op) {
    return isOneOf(op, {"Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze", "Slice", "Split", "Gather",
                        "Identity", "Resize", "Pad", "DepthToSpace", "SpaceToDepth", "Expand", "Tile"});
}

bool isPointwiseActivation(const std::string& op) {
    return isOneOf(op, {"Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Elu", "Selu", "Tanh",
                        "Softplus", "PRelu"});
}

int producerOfType(const Graph& g, const std::string& tensor, const char* op) {
    const int p = g.producer(tensor);
    return p >= 0 && g.node(p).opType == op ? p : -1;
}

// The DequantizeLinear that produces `tensor` from an activation (not a stored weight), or -1.
int activationDq(const Graph& g, const std::string& tensor) {
    const int dq = producerOfType(g, tensor, "DequantizeLinear");
    if (dq < 0 || g.node(dq).inputs.empty() || g.isInitializer(g.node(dq).inputs[0]))
        return -1;
    return dq;
}

// The QuantizeLinear right before a DequantizeLinear, or -1.
int qBefore(const Graph& g, int dq) {
    return producerOfType(g, g.node(dq).inputs[0], "QuantizeLinear");
}

// A DequantizeLinear's scale and zero point, when they are constants.
struct Encoding {
    bool known = false;
    std::vector<float> scales;
    std::vector<int64_t> zeroPoints;
};

Encoding encodingOf(const Graph& g, int dq) {
    const Node& n = g.node(dq);
    Encoding e;
    const onnx::TensorProto* scale = n.inputs.size() > 1 ? g.initializer(n.inputs[1]) : nullptr;
    if (!scale)
        return e;
    e.scales = tensorToFloats(*scale);
    if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
        const onnx::TensorProto* zp = g.initializer(n.inputs[2]);
        if (!zp)
            return e;
        e.zeroPoints = tensorToInts(*zp);
    } else {
        e.zeroPoints.assign(e.scales.size(), 0);
    }
    e.known = !e.scales.empty();
    return e;
}

bool sameEncoding(const Encoding& a, const Encoding& b) {
    if (a.scales.size() != b.scales.size() || a.zeroPoints != b.zeroPoints)
        return false;
    for (size_t i = 0; i < a.scales.size(); ++i) {
        const double x = a.scales[i], y = b.scales[i];
        // Equal up to float rounding of the same figure (1e-6 relative).
        if (std::fabs(x - y) > 1e-6 * std::max(std::fabs(x), std::fabs(y)))
            return false;
    }
    return true;
}

std::string describe(const Encoding& e) {
    if (!e.known)
        return "scale computed at run time";
    if (e.scales.size() > 1)
        return std::to_string(e.scales.size()) + " per-channel scales";
    char buf[64];
    std::snprintf(buf, sizeof buf, "scale %.6g, zero point %lld", static_cast<double>(e.scales[0]),
                  static_cast<long long>(e.zeroPoints[0]));
    return buf;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string joined(const std::vector<std::string>& parts, const std::string& sep = ", ") {
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : sep) + p;
    return out;
}

// Inputs that carry data: not initializers, not omitted.
std::vector<std::string> dataInputs(const Graph& g, const Node& n) {
    std::vector<std::string> in;
    for (const auto& t : n.inputs)
        if (!t.empty() && !g.isInitializer(t) && producerOfType(g, t, "Constant") < 0)
            in.push_back(t);
    return in;
}

// The float tensor behind QuantizeLinear -> DequantizeLinear pairs (a fully quantized graph puts
// one between a Conv and its activation too); other tensors stand for themselves.
std::string throughQdq(const Graph& g, std::string tensor) {
    for (int guard = 0; guard < 16; ++guard) {
        const int dq = producerOfType(g, tensor, "DequantizeLinear");
        if (dq < 0)
            break;
        const int q = qBefore(g, dq);
        if (q < 0 || g.node(q).inputs.empty())
            break;
        tensor = g.node(q).inputs[0];
    }
    return tensor;
}

int convProducer(const Graph& g, const std::string& tensor) {
    const int c = g.producer(tensor);
    return c >= 0 && (g.node(c).opType == "Conv" || g.node(c).opType == "ConvTranspose") ? c : -1;
}

// The Conv that `tensor` comes from directly or through one pointwise activation (Relu, Sigmoid,
// SiLU as Mul(x, Sigmoid(x)), ...), looking through Q/DQ pairs inside the activation: the Conv
// TensorRT would fuse an Add with. `via` names the activation ("" when the Conv feeds the tensor
// directly). -1 when none.
int convBehind(const Graph& g, const std::string& tensor, std::string& via) {
    via.clear();
    const int p = g.producer(tensor);
    if (p < 0)
        return -1;
    const Node& n = g.node(p);
    if (n.opType == "Conv" || n.opType == "ConvTranspose")
        return p;
    if (isPointwiseActivation(n.opType) && !n.inputs.empty())
        if (const int c = convProducer(g, throughQdq(g, n.inputs[0])); c >= 0) {
            via = n.opType;
            return c;
        }
    if (n.opType == "Mul" && n.inputs.size() == 2)
        for (int k = 0; k < 2; ++k) {
            const int sig = producerOfType(g, throughQdq(g, n.inputs[static_cast<size_t>(k)]), "Sigmoid");
            const std::string x = throughQdq(g, n.inputs[static_cast<size_t>(1 - k)]);
            if (sig >= 0 && throughQdq(g, g.node(sig).inputs[0]) == x)
                if (const int c = convProducer(g, x); c >= 0) {
                    via = "SiLU (Sigmoid + Mul)";
                    return c;
                }
        }
    return -1;
}

struct ConvSide {
    int dq = -1;
    int q = -1;
    int conv = -1;
    std::string via;
};

// An Add input that is Conv (+ activation) -> QuantizeLinear -> DequantizeLinear.
ConvSide convSideOf(const Graph& g, const std::string& input) {
    ConvSide s;
    s.dq = activationDq(g, input);
    if (s.dq < 0)
        return s;
    s.q = qBefore(g, s.dq);
    if (s.q < 0)
        return s;
    s.conv = convBehind(g, g.node(s.q).inputs[0], s.via);
    return s;
}

// The consumers of a DequantizeLinear's output as TensorRT sees them: through layers that only move
// data and through QuantizeLinear -> DequantizeLinear requantizations. `floatUsers` gets the
// others (and "graph output" when the value leaves the model).
bool reachesQuantizable(const Graph& g, int dq, std::vector<std::string>& floatUsers) {
    std::vector<std::string> todo{g.node(dq).outputs[0]};
    std::set<std::string> seen;
    bool found = false;
    while (!todo.empty()) {
        const std::string t = todo.back();
        todo.pop_back();
        if (t.empty() || !seen.insert(t).second)
            continue;
        if (g.isGraphOutput(t))
            floatUsers.push_back("graph output " + quoted(t));
        for (const int c : g.consumers(t)) {
            const Node& n = g.node(c);
            if (isQuantizable(n.opType)) {
                found = true;
            } else if (movesData(n.opType) || n.opType == "QuantizeLinear" || n.opType == "DequantizeLinear") {
                for (const auto& out : n.outputs)
                    todo.push_back(out);
            } else {
                floatUsers.push_back(n.opType + " " + quoted(g.label(c)));
            }
        }
    }
    return found;
}

void checkEqualScales(const Graph& g, const Node& n, std::vector<PlacementFinding>& out) {
    const auto inputs = dataInputs(g, n);
    if (inputs.size() < 2)
        return;
    std::vector<int> dqs;
    std::vector<std::string> quantized, floats;
    for (const auto& t : inputs) {
        const int dq = activationDq(g, t);
        dqs.push_back(dq);
        (dq >= 0 ? quantized : floats).push_back(t);
    }
    if (quantized.empty())
        return;  // a float layer: nothing asks TensorRT for INT8 here
    PlacementFinding f;
    f.issue = PlacementIssue::UnequalScales;
    f.node = g.label(n.index);
    for (const int dq : dqs)
        if (dq >= 0) {
            f.qdqNodes.push_back(g.label(dq));
            if (const int q = qBefore(g, dq); q >= 0)
                f.qdqNodes.push_back(g.label(q));
        }
    const std::string what = n.opType + " " + quoted(f.node);
    if (!floats.empty()) {
        std::vector<std::string> qs, fs;
        for (const auto& t : quantized)
            qs.push_back(quoted(t));
        for (const auto& t : floats)
            fs.push_back(quoted(t));
        f.message = what + " mixes quantized inputs (" + joined(qs) + ") with float inputs (" + joined(fs) +
                    "): TensorRT dequantizes the INT8 inputs and runs it in higher precision";
        // A DequantizeLinear shared with INT8 layers (a Split output that also feeds a quantized
        // Add, say) cannot simply go: the Concat should read the float tensor instead.
        std::vector<std::string> shared;
        for (size_t i = 0; i < inputs.size(); ++i)
            if (dqs[i] >= 0 && g.consumers(inputs[i]).size() > 1)
                shared.push_back(quoted(inputs[i]));
        f.fix = "quantize " + joined(fs) + " with the same scale as the other inputs of " + quoted(f.node) +
                (shared.empty() ? ", or remove the Q/DQ pairs on its inputs"
                                : ", or let it read the float tensors behind " + joined(shared) +
                                      " (their DequantizeLinear also feeds other layers)");
        out.push_back(std::move(f));
        return;
    }
    std::vector<Encoding> enc;
    for (const int dq : dqs)
        enc.push_back(encodingOf(g, dq));
    bool same = true;
    for (const auto& e : enc)
        same = same && e.known && sameEncoding(e, enc.front());
    if (same)
        return;
    std::vector<std::string> parts;
    for (size_t i = 0; i < inputs.size(); ++i)
        parts.push_back(quoted(inputs[i]) + " (" + describe(enc[i]) + ")");
    if (n.opType == "Concat") {
        f.message = what + " reads inputs with different scales: " + joined(parts) +
                    "; TensorRT concatenates INT8 tensors only when they share one scale, so it requantizes "
                    "inputs (reformat layers) or runs the Concat in higher precision";
        f.fix = "give every input of " + quoted(f.node) +
                " one scale and zero point (e.g. the largest range among them, as NVIDIA's YOLO QAT recipe "
                "ties a Concat's input quantizers), or move the Q/DQ pair after the Concat";
    } else {
        f.message = what + " adds inputs quantized with different scales: " + joined(parts) +
                    "; TensorRT must rescale one of them before the addition";
        f.fix = "give both inputs of " + quoted(f.node) + " one scale and zero point, or leave one input float "
                "(for a residual Add: quantize only the residual input)";
    }
    out.push_back(std::move(f));
}

// True when the Add was reported as a split Conv+Add.
bool checkSplitConvAdd(const Graph& g, const Node& n, std::vector<PlacementFinding>& out) {
    const auto inputs = dataInputs(g, n);
    if (inputs.size() != 2)
        return false;
    const ConvSide a = convSideOf(g, inputs[0]);
    const ConvSide b = convSideOf(g, inputs[1]);
    if (a.conv < 0 && b.conv < 0)
        return false;
    // Both sides Conv -> Q/DQ: TensorRT fuses the Add with one Conv; name the one computed last.
    const bool firstIsConvSide =
        a.conv >= 0 && (b.conv < 0 || g.topologicalPosition(a.conv) > g.topologicalPosition(b.conv));
    const ConvSide& side = firstIsConvSide ? a : b;
    const std::string& residual = inputs[firstIsConvSide ? 1 : 0];
    PlacementFinding f;
    f.issue = PlacementIssue::SplitConvAdd;
    f.node = g.label(n.index);
    f.qdqNodes = {g.label(side.q), g.label(side.dq)};
    f.message = "Add " + quoted(f.node) + " follows Conv " + quoted(g.label(side.conv)) +
                (side.via.empty() ? "" : " (through " + side.via + ")") + " but the Q/DQ pair " +
                quoted(g.label(side.q)) + " / " + quoted(g.label(side.dq)) +
                " sits between them: TensorRT cannot fuse the Conv with the Add, so the Conv writes its "
                "output quantized and the Add runs as a separate layer";
    f.fix = "remove " + quoted(g.label(side.q)) + " / " + quoted(g.label(side.dq)) + " on the Conv side of " +
            quoted(f.node) + " and keep a Q/DQ pair only on its residual input " + quoted(residual);
    if (activationDq(g, residual) < 0)
        f.fix += " (quantize " + quoted(residual) + " so that the fused Conv+Add can write INT8)";
    out.push_back(std::move(f));
    return true;
}

void checkConsumers(const Graph& g, int dq, std::vector<PlacementFinding>& out) {
    std::vector<std::string> floatUsers;
    if (reachesQuantizable(g, dq, floatUsers))
        return;
    PlacementFinding f;
    f.issue = PlacementIssue::NoQuantizableConsumer;
    f.node = g.label(dq);
    const int q = qBefore(g, dq);
    if (q >= 0)
        f.qdqNodes.push_back(g.label(q));
    f.qdqNodes.push_back(f.node);
    const std::string pair = q >= 0 ? quoted(g.label(q)) + " / " + quoted(f.node) : quoted(f.node);
    const std::string users = floatUsers.empty() ? "no consumer at all" : joined(floatUsers);
    f.message = "Q/DQ " + pair + " feeds no layer TensorRT runs in INT8 (" + users +
                "): it only adds a quantize/dequantize (reformat) and its rounding";
    // Does the QuantizeLinear serve a quantizable layer through another DequantizeLinear?
    bool qUsedElsewhere = false;
    if (q >= 0)
        for (const int other : g.consumers(g.node(q).outputs[0])) {
            std::vector<std::string> ignored;
            if (other != dq && g.node(other).opType == "DequantizeLinear" && reachesQuantizable(g, other, ignored))
                qUsedElsewhere = true;
        }
    const std::string floatTensor = q >= 0 ? g.node(q).inputs[0] : g.node(dq).inputs[0];
    if (qUsedElsewhere)
        f.fix = "drop " + quoted(f.node) + " and let its consumers read the float tensor " + quoted(floatTensor);
    else
        f.fix = "remove the pair " + pair + " (its consumers run in float anyway), or quantize a consumer";
    out.push_back(std::move(f));
}

}  // namespace

std::string placementIssueName(PlacementIssue issue) {
    switch (issue) {
    case PlacementIssue::UnequalScales: return "unequal-scales";
    case PlacementIssue::SplitConvAdd: return "split-conv-add";
    case PlacementIssue::NoQuantizableConsumer: return "no-quantizable-consumer";
    }
    return "?";
}

std::vector<PlacementFinding> checkTensorRtPlacement(const Graph& graph, const QdqStructure& qdq) {
    std::vector<PlacementFinding> out;
    if (qdq.dequantizeLinearCount == 0)
        return out;
    for (const int i : graph.topologicalOrder()) {
        const Node& n = graph.node(i);
        if (n.opType == "Add") {
            // An input that is a float Conv output (directly or through one activation) is the
            // pattern TensorRT fuses: Conv + Add with only the residual input quantized.
            bool fusedWithConv = false;
            for (const auto& t : dataInputs(graph, n)) {
                std::string via;
                fusedWithConv = fusedWithConv || (activationDq(graph, t) < 0 && convBehind(graph, t, via) >= 0);
            }
            if (!fusedWithConv && !checkSplitConvAdd(graph, n, out))
                checkEqualScales(graph, n, out);
        } else if (n.opType == "Concat") {
            checkEqualScales(graph, n, out);
        } else if (n.opType == "DequantizeLinear" && !n.inputs.empty() && !n.outputs.empty() &&
                   !graph.isInitializer(n.inputs[0])) {
            checkConsumers(graph, i, out);
        }
    }
    return out;
}

}  // namespace ql
