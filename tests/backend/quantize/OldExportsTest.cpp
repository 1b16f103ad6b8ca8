// The quantizer on what older pipelines export (issue 16, item 3): initializers listed as graph
// inputs, opsets below 13 with per-channel weights, models already quantized; and the TensorRT
// preset with its last-layer option. Expected scales are worked out here from the weights.
#include <algorithm>
#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "model/ModelBuilder.h"
#include "model/TensorData.h"
#include "analysis/TensorRtPlacement.h"
#include "inspect/QdqStructure.h"
#include "quantize/ModelPreparation.h"
#include "quantize/QdqQuantizer.h"
#include "runtime/InferenceSession.h"
#include "support/TestModels.h"

namespace ql {
namespace {

CalibrationData rangesOf(const std::map<std::string, std::pair<double, double>>& r) {
    CalibrationData d;
    for (const auto& [name, range] : r)
        d.tensors[name] = {range.first, range.second, 0, 0, {}};
    return d;
}

CalibrationData convNetRanges() { return rangesOf({{"x", {0.0, 1.0}}, {"c1", {-2.0, 3.0}}, {"r1", {0.0, 3.0}}, {"y", {-1.5, 2.5}}}); }

// The same model with every initializer also declared as a graph input (PyTorch's
// keep_initializers_as_inputs=True, the rule for IR < 4).
onnx::ModelProto withInitializersAsInputs(onnx::ModelProto proto) {
    auto* g = proto.mutable_graph();
    for (const auto& init : g->initializer()) {
        auto* in = g->add_input();
        in->set_name(init.name());
        auto* tt = in->mutable_type()->mutable_tensor_type();
        tt->set_elem_type(init.data_type());
        for (const auto d : init.dims())
            tt->mutable_shape()->add_dim()->set_dim_value(d);
    }
    return proto;
}

std::vector<float> runModel(const OnnxModel& model, const std::vector<int64_t>& shape, const std::vector<float>& x) {
    auto session = InferenceSession::fromBytes(*model.serialize(), model.displayName());
    EXPECT_TRUE(session) << session.errorMessage();
    if (!session)
        return {};
    auto out = session->run({{"x", shape, x.data(), x.size()}});
    EXPECT_TRUE(out) << out.errorMessage();
    if (!out)
        return {};
    const TensorView& v = out->view(0);
    return std::vector<float>(v.data, v.data + v.size);
}

std::vector<float> pattern(size_t n) {
    std::vector<float> x(n);
    for (size_t i = 0; i < n; ++i)
        x[i] = static_cast<float>((i * 37) % 101) / 100.0f;
    return x;
}

std::vector<std::string> inputNames(const onnx::ModelProto& p) {
    std::vector<std::string> names;
    for (const auto& in : p.graph().input())
        names.push_back(in.name());
    return names;
}

TEST(OldExports, InitializersListedAsInputsAreQuantizedAsWeights) {
    auto plain = OnnxModel::fromProto(test::makeConvNet(), "plain");
    auto old = OnnxModel::fromProto(withInitializersAsInputs(test::makeConvNet()), "old");
    ASSERT_TRUE(plain && old) << old.errorMessage();
    EXPECT_EQ(old->graph().inputs(), std::vector<std::string>{"x"});  // what is fed is the real input only

    for (const bool perChannel : {false, true}) {
        QuantizerSettings s;
        s.perChannel = perChannel;
        auto qa = quantizeQdq(*plain, convNetRanges(), s);
        auto qb = quantizeQdq(*old, convNetRanges(), s);
        ASSERT_TRUE(qa && qb) << qb.errorMessage();
        EXPECT_TRUE(qb->model.check()) << qb->model.check().errorMessage();
        // The same nodes, byte for byte, and the same initializers.
        const auto& ga = qa->model.proto().graph();
        const auto& gb = qb->model.proto().graph();
        ASSERT_EQ(ga.node_size(), gb.node_size());
        for (int i = 0; i < ga.node_size(); ++i)
            EXPECT_EQ(ga.node(i).SerializeAsString(), gb.node(i).SerializeAsString()) << ga.node(i).name();
        std::map<std::string, std::string> ia, ib;
        for (const auto& t : ga.initializer())
            ia[t.name()] = t.SerializeAsString();
        for (const auto& t : gb.initializer())
            ib[t.name()] = t.SerializeAsString();
        EXPECT_EQ(ia, ib);
        // No graph input is left shadowing a weight that was quantized (ONNXModel.remove_initializer).
        EXPECT_EQ(inputNames(qb->model.proto()), std::vector<std::string>{"x"});
        const auto x = pattern(48);
        EXPECT_EQ(runModel(qa->model, {1, 3, 4, 4}, x), runModel(qb->model, {1, 3, 4, 4}, x));
    }
}

TEST(OldExports, InitializerInputsOfFloatWeightsStay) {
    // conv2 excluded: W2 and B2 stay float initializers and keep their graph inputs, as ONNX Runtime leaves them.
    auto old = OnnxModel::fromProto(withInitializersAsInputs(test::makeConvNet()), "old");
    QuantizerSettings s;
    s.nodesToExclude = {"conv2"};
    auto q = quantizeQdq(*old, convNetRanges(), s);
    ASSERT_TRUE(q) << q.errorMessage();
    EXPECT_EQ(inputNames(q->model.proto()), (std::vector<std::string>{"x", "W2", "B2"}));
    EXPECT_TRUE(q->model.check()) << q->model.check().errorMessage();
    EXPECT_EQ(runModel(q->model, {1, 3, 4, 4}, pattern(48)).size(), 32u);
}

TEST(OldExports, IrThreeKeepsEveryInitializerAnInput) {
    onnx::ModelProto p = withInitializersAsInputs(test::makeConvNet());
    p.set_ir_version(3);
    auto old = OnnxModel::fromProto(std::move(p), "ir3");
    ASSERT_TRUE(old) << old.errorMessage();
    auto q = quantizeQdq(*old, convNetRanges(), {});
    ASSERT_TRUE(q) << q.errorMessage();
    // IR 3: initializers are a subset of the inputs; the checker holds the written model to it.
    const auto inputs = inputNames(q->model.proto());
    for (const auto& init : q->model.proto().graph().initializer())
        EXPECT_NE(std::find(inputs.begin(), inputs.end(), init.name()), inputs.end()) << init.name();
    EXPECT_EQ(std::find(inputs.begin(), inputs.end(), "W1"), inputs.end());
    EXPECT_TRUE(q->model.check()) << q->model.check().errorMessage();
}

// Opset 11: Split's sizes and Squeeze/Unsqueeze's axes are attributes (inputs from opset 13).
onnx::ModelProto opset11Net() {
    ModelBuilder b(11);
    b.proto().set_ir_version(6);
    b.input("x", {1, 3, 4, 4}).output("y", {1, 3, 4, 4});
    b.floatInitializer("W1", {3, 3, 3, 3}, test::convNetWeight1());
    b.floatInitializer("B1", {3}, {0.1f, -0.2f, 0.05f});
    setAttribute(b.node("Conv", {"x", "W1", "B1"}, {"c1"}, "conv1"), "pads", std::vector<int64_t>{1, 1, 1, 1});
    auto& split = b.node("Split", {"c1"}, {"s0", "s1"}, "split");
    setAttribute(split, "axis", int64_t{1});
    setAttribute(split, "split", std::vector<int64_t>{1, 2});
    setAttribute(b.node("Concat", {"s1", "s0"}, {"cat"}, "concat"), "axis", int64_t{1});
    setAttribute(b.node("Unsqueeze", {"cat"}, {"u"}, "unsqueeze"), "axes", std::vector<int64_t>{0});
    setAttribute(b.node("Squeeze", {"u"}, {"y"}, "squeeze"), "axes", std::vector<int64_t>{0});
    return b.build();
}

TEST(OldExports, PerChannelOnOpsetElevenNeedsTheConverter) {
    auto model = OnnxModel::fromProto(opset11Net(), "opset11.onnx");
    ASSERT_TRUE(model) << model.errorMessage();
    QuantizerSettings s;
    s.perChannel = true;
    s.opTypesToQuantize = {"Conv"};
    const Status refused = checkQuantizable(*model, s);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.errorMessage().find("opset11.onnx uses opset 11; per-channel quantization needs opset 13"), std::string::npos)
        << refused.errorMessage();

    auto up = upgradeOpset(*model, 13);
    ASSERT_TRUE(up) << up.errorMessage();
    EXPECT_EQ(up->opsetVersion(), 13);
    EXPECT_GE(up->proto().ir_version(), 7);
    EXPECT_TRUE(up->check()) << up->check().errorMessage();
    const Graph& g = up->graph();
    EXPECT_EQ(g.node(g.findNode("split")).inputs.size(), 2u);  // the sizes became an input
    EXPECT_EQ(g.node(g.findNode("squeeze")).inputs.size(), 2u);
    // The converted model computes the same: ONNX Runtime on both, every element equal.
    const auto x = pattern(48);
    const auto before = runModel(*model, {1, 3, 4, 4}, x);
    const auto after = runModel(*up, {1, 3, 4, 4}, x);
    ASSERT_EQ(before.size(), 48u);
    EXPECT_EQ(before, after);

    EXPECT_TRUE(checkQuantizable(*up, s));
    auto q = quantizeQdq(*up, rangesOf({{"x", {0.0, 1.0}}, {"c1", {-2.0, 3.0}}}), s);
    ASSERT_TRUE(q) << q.errorMessage();
    EXPECT_TRUE(q->model.check()) << q->model.check().errorMessage();
    EXPECT_EQ(QdqStructure::analyze(q->model.graph())->findByFloatName("W1")->params.scales.size(), 3u);
    EXPECT_EQ(runModel(q->model, {1, 3, 4, 4}, x).size(), 48u);

    EXPECT_FALSE(upgradeOpset(*up, 13));  // nothing to raise
}

TEST(OldExports, AnAlreadyQuantizedModelIsRefusedNamingWhatWasFound) {
    auto model = OnnxModel::fromProto(test::makeQdqConvNet(), "qdq_convnet.onnx");
    const Status st = checkQuantizable(*model, {});
    ASSERT_FALSE(st);
    EXPECT_NE(st.errorMessage().find("qdq_convnet.onnx is already quantized (QDQ: "), std::string::npos) << st.errorMessage();
    EXPECT_NE(st.errorMessage().find(" QuantizeLinear and "), std::string::npos) << st.errorMessage();
}

// x -> conv1 -> c1 -> Relu -> r1 -> conv2 -> c2 -> Add(c2, r1) -> a1 -> conv3 -> y: a residual block and a head.
const std::vector<float> kW2 = {0.5f, -0.25f, 0.1f, -0.8f, 0.3f, 0.2f, 0.05f, 0.6f, -0.9f};
const std::vector<float> kW3 = {0.4f, -0.7f, 0.2f, 0.01f, 0.03f, -0.02f};
onnx::ModelProto residualNet() {
    ModelBuilder b(13);
    b.input("x", {1, 3, 4, 4}).output("y", {1, 2, 4, 4});
    b.floatInitializer("W1", {3, 3, 3, 3}, test::convNetWeight1());
    b.floatInitializer("B1", {3}, {0.1f, -0.2f, 0.05f});
    b.floatInitializer("W2", {3, 3, 1, 1}, kW2);
    b.floatInitializer("B2", {3}, {0.0f, 0.1f, -0.1f});
    b.floatInitializer("W3", {2, 3, 1, 1}, kW3);
    b.floatInitializer("B3", {2}, {0.2f, -0.3f});
    setAttribute(b.node("Conv", {"x", "W1", "B1"}, {"c1"}, "conv1"), "pads", std::vector<int64_t>{1, 1, 1, 1});
    b.node("Relu", {"c1"}, {"r1"}, "relu1");
    b.node("Conv", {"r1", "W2", "B2"}, {"c2"}, "conv2");
    b.node("Add", {"c2", "r1"}, {"a1"}, "add1");
    b.node("Conv", {"a1", "W3", "B3"}, {"y"}, "conv3");
    return b.build();
}
CalibrationData residualRanges() {
    return rangesOf({{"x", {0.0, 1.0}}, {"c1", {-2.0, 3.0}}, {"r1", {0.0, 3.0}}, {"c2", {-2.0, 1.0}}, {"a1", {-1.0, 4.0}},
                     {"y", {-1.0, 1.0}}});
}

// Per-output-channel max|w| / 127, worked out from the weights.
std::vector<float> symmetricChannelScales(const std::vector<float>& w, size_t channels) {
    std::vector<float> scales;
    const size_t per = w.size() / channels;
    for (size_t c = 0; c < channels; ++c) {
        float m = 0;
        for (size_t i = 0; i < per; ++i)
            m = std::max(m, std::fabs(w[c * per + i]));
        scales.push_back(static_cast<float>(static_cast<double>(m) / 127.0));
    }
    return scales;
}

std::vector<std::string> quantizedActivations(const Graph& g) {
    std::vector<std::string> names;
    for (const int i : g.topologicalOrder())
        if (g.node(i).opType == "QuantizeLinear")
            names.push_back(g.node(i).inputs[0]);
    std::sort(names.begin(), names.end());
    return names;
}

TEST(TensorRtPreset, QdqOnConvInputsAndTheResidualInputOfAddSymmetricPerChannel) {
    auto preset = presetSettings("tensorrt");
    ASSERT_TRUE(preset) << preset.errorMessage();
    auto model = OnnxModel::fromProto(residualNet(), "residual");
    auto q = quantizeQdq(*model, residualRanges(), *preset);
    ASSERT_TRUE(q) << q.errorMessage();
    EXPECT_TRUE(q->model.check()) << q->model.check().errorMessage();
    const Graph& g = q->model.graph();
    // Inputs of Conv, and of add1 only its residual input r1: not c2 (conv2's output, which TensorRT
    // fuses with the Add), not c1 (a Conv output read by Relu), not y (the graph output).
    EXPECT_EQ(quantizedActivations(g), (std::vector<std::string>{"a1", "r1", "x"}));
    for (const int i : g.topologicalOrder()) {
        const Node& n = g.node(i);
        if (n.name == "add1")
            EXPECT_EQ(n.inputs, (std::vector<std::string>{"c2", "r1_DequantizeLinear_Output"}));
        if (n.name == "conv2")
            EXPECT_EQ(n.inputs[0], "r1_DequantizeLinear_Output");  // one pair, shared by conv2 and add1
    }
    auto qdq = QdqStructure::analyze(g);
    ASSERT_TRUE(qdq);
    const std::map<std::string, float> absmax = {{"x", 1.0f}, {"r1", 3.0f}, {"a1", 4.0f}};
    for (const auto& [name, m] : absmax) {
        const QuantizedTensor* t = qdq->findByFloatName(name);
        ASSERT_NE(t, nullptr) << name;
        EXPECT_EQ(t->params.elementType, onnx::TensorProto::INT8) << name;
        EXPECT_EQ(t->params.zeroPoints, std::vector<int64_t>{0}) << name;
        EXPECT_FLOAT_EQ(t->params.scales[0], m / 127.0f) << name;
    }
    const std::map<std::string, std::pair<std::vector<float>, size_t>> weights = {
        {"W1", {test::convNetWeight1(), 3}}, {"W2", {kW2, 3}}, {"W3", {kW3, 2}}};
    for (const auto& [name, w] : weights) {
        const QuantizedTensor* t = qdq->findByFloatName(name);
        ASSERT_NE(t, nullptr) << name;
        EXPECT_EQ(t->params.axis, 0) << name;
        EXPECT_EQ(t->params.elementType, onnx::TensorProto::INT8) << name;
        EXPECT_EQ(t->params.zeroPoints, std::vector<int64_t>(w.second, 0)) << name;
        const auto expected = symmetricChannelScales(w.first, w.second);
        ASSERT_EQ(t->params.scales.size(), expected.size()) << name;
        for (size_t c = 0; c < expected.size(); ++c)
            EXPECT_FLOAT_EQ(t->params.scales[c], expected[c]) << name << " channel " << c;
    }
    for (const char* bias : {"B1", "B2", "B3"})  // float biases: TensorRT fuses them into the Conv
        EXPECT_TRUE(g.isInitializer(bias)) << bias;
    EXPECT_EQ(qdq->countOf(QuantizedKind::Bias), 0);
    EXPECT_EQ(runModel(q->model, {1, 3, 4, 4}, pattern(48)).size(), 32u);
}

TEST(TensorRtPreset, LastComputeNodesStayFloatWhenExcluded) {
    auto model = OnnxModel::fromProto(residualNet(), "residual");
    EXPECT_EQ(networkEnd(model->graph()).lastComputeNodes, std::vector<std::string>{"conv3"});
    EXPECT_TRUE(networkEnd(model->graph()).nodesAfter.empty());
    // Through Sigmoid, Concat and Reshape to both head Convs; not past them.
    ModelBuilder b(13);
    b.input("x", {1, 3, 4, 4}).output("y", {1, 3, 16});
    b.floatInitializer("Wa", {3, 3, 1, 1}, kW2);
    b.floatInitializer("Wb", {2, 3, 1, 1}, kW3);
    b.floatInitializer("Wc", {1, 3, 1, 1}, {0.1f, 0.2f, 0.3f});
    b.initializer(makeIntTensor("shape", onnx::TensorProto::INT64, {3}, {1, 3, 16}));
    b.node("Conv", {"x", "Wa"}, {"f"}, "stem");
    b.node("Conv", {"f", "Wb"}, {"box"}, "head_box");
    b.node("Conv", {"f", "Wc"}, {"cls"}, "head_cls");
    b.node("Sigmoid", {"cls"}, {"score"}, "sigmoid");
    setAttribute(b.node("Concat", {"box", "score"}, {"cat"}, "concat"), "axis", int64_t{1});
    b.node("Reshape", {"cat", "shape"}, {"y"}, "reshape");
    auto head = OnnxModel::fromProto(b.build(), "head");
    ASSERT_TRUE(head) << head.errorMessage();
    const NetworkEnd end = networkEnd(head->graph());
    EXPECT_EQ(end.lastComputeNodes, (std::vector<std::string>{"head_box", "head_cls"}));
    EXPECT_EQ(end.nodesAfter, (std::vector<std::string>{"sigmoid", "concat", "reshape"}));

    auto s = *presetSettings("tensorrt");
    s.nodesToExclude = networkEnd(model->graph()).lastComputeNodes;
    auto q = quantizeQdq(*model, residualRanges(), s);
    ASSERT_TRUE(q) << q.errorMessage();
    EXPECT_TRUE(q->model.graph().isInitializer("W3"));  // float
    EXPECT_EQ(quantizedActivations(q->model.graph()), (std::vector<std::string>{"r1", "x"}));
}

// A C2f-like block: a SiLU output m1 feeds a Conv, the residual input of an Add after Conv + Relu,
// and a Concat beside the Add's output.
onnx::ModelProto residualConcatNet() {
    ModelBuilder b(13);
    b.input("x", {1, 3, 4, 4}).output("y", {1, 2, 4, 4});
    b.floatInitializer("W1", {3, 3, 3, 3}, test::convNetWeight1());
    b.floatInitializer("W2", {3, 3, 1, 1}, kW2);
    b.floatInitializer("W3", {2, 6, 1, 1}, {0.4f, -0.7f, 0.2f, 0.01f, 0.03f, -0.02f, 0.1f, 0.2f, -0.3f, 0.5f, 0.06f, -0.4f});
    setAttribute(b.node("Conv", {"x", "W1"}, {"c1"}, "conv1"), "pads", std::vector<int64_t>{1, 1, 1, 1});
    b.node("Sigmoid", {"c1"}, {"s1"}, "sig1");
    b.node("Mul", {"c1", "s1"}, {"m1"}, "silu1");
    b.node("Conv", {"m1", "W2"}, {"c2"}, "conv2");
    b.node("Relu", {"c2"}, {"r2"}, "relu2");
    b.node("Add", {"m1", "r2"}, {"a"}, "add");
    setAttribute(b.node("Concat", {"m1", "a"}, {"cat"}, "concat"), "axis", int64_t{1});
    b.node("Conv", {"cat", "W3"}, {"y"}, "conv3");
    return b.build();
}

TEST(TensorRtPreset, ConcatInputsStayFloatAndTheResidualPairIsShared) {
    auto model = OnnxModel::fromProto(residualConcatNet(), "c2f");
    ASSERT_TRUE(model) << model.errorMessage();
    // cat's range is the union of m1's and a's, as calibrating the Concat's output gives it.
    const auto ranges = rangesOf({{"x", {0.0, 1.0}}, {"c1", {-2.0, 3.0}}, {"s1", {0.1, 0.95}}, {"m1", {-0.3, 2.0}},
                                  {"c2", {-1.0, 1.5}}, {"r2", {0.0, 1.5}}, {"a", {-0.3, 3.5}}, {"cat", {-0.3, 3.5}},
                                  {"y", {-1.0, 1.0}}});
    auto q = quantizeQdq(*model, ranges, *presetSettings("tensorrt"));
    ASSERT_TRUE(q) << q.errorMessage();
    EXPECT_TRUE(q->model.check()) << q->model.check().errorMessage();
    const Graph& g = q->model.graph();
    EXPECT_EQ(quantizedActivations(g), (std::vector<std::string>{"cat", "m1", "x"}));
    for (const int i : g.topologicalOrder()) {
        const Node& n = g.node(i);
        if (n.name == "concat")  // float inputs: the Q/DQ after it gives them one scale
            EXPECT_EQ(n.inputs, (std::vector<std::string>{"m1", "a"}));
        if (n.name == "add")     // only the residual input quantized, with conv2's pair
            EXPECT_EQ(n.inputs, (std::vector<std::string>{"m1_DequantizeLinear_Output", "r2"}));
        if (n.name == "conv2")
            EXPECT_EQ(n.inputs[0], "m1_DequantizeLinear_Output");
    }
    auto qdq = QdqStructure::analyze(g);
    ASSERT_TRUE(qdq);
    const QuantizedTensor* cat = qdq->findByFloatName("cat");
    ASSERT_NE(cat, nullptr);
    EXPECT_FLOAT_EQ(cat->params.scales[0], 3.5f / 127.0f);  // max(|-0.3|, 2.0, 3.5) / 127
    std::string list;
    for (const auto& f : checkTensorRtPlacement(g, *qdq))
        list += placementIssueName(f.issue) + ": " + f.message + "\n";
    EXPECT_EQ(list, "");
    EXPECT_EQ(runModel(q->model, {1, 3, 4, 4}, pattern(48)).size(), 32u);

    // The default (ONNX Runtime) placement of the same net is what the check exists for.
    auto ort = quantizeQdq(*model, ranges, QuantizerSettings{});
    ASSERT_TRUE(ort) << ort.errorMessage();
    auto ortQdq = QdqStructure::analyze(ort->model.graph());
    ASSERT_TRUE(ortQdq);
    EXPECT_FALSE(checkTensorRtPlacement(ort->model.graph(), *ortQdq).empty());
}

TEST(TensorRtPreset, RoundTripsThroughJsonAndPython) {
    QuantizerSettings s = *presetSettings("tensorrt");
    s.upgradeOpset = 13;
    s.keepLastLayerFloat = true;
    s.nodesToExclude = {"head_box"};
    auto back = QuantizerSettings::fromJson(s.toJson());
    ASSERT_TRUE(back) << back.errorMessage();
    EXPECT_EQ(back->toJson(), s.toJson());
    EXPECT_EQ(back->preset, "tensorrt");
    EXPECT_EQ(back->opTypesToExcludeOutputQuantization, s.opTypesToExcludeOutputQuantization);
    EXPECT_TRUE(back->activationSymmetric);
    EXPECT_FALSE(back->quantizeBias);
    EXPECT_EQ(back->upgradeOpset, 13);
    EXPECT_TRUE(back->tensorRtPlacement);
    EXPECT_FALSE(QuantizerSettings::fromJson({{"placement", "tflite"}}));
    const std::string py = s.toPython("old.onnx", "int8.onnx", "images", "images", {});
    for (const char* expected : {"activation_type=QuantType.QInt8", "per_channel=True", "'ActivationSymmetric': True",
                                 "'QuantizeBias': False", "'OpTypesToExcludeOutputQuantization': ['Conv', 'ConvTranspose', 'MatMul', 'Gemm', 'Add']",
                                 "version_converter.convert_version(onnx.load('old.onnx'), 13)", "    'old.onnx.opset13.onnx',",
                                 "nodes_to_exclude=['head_box']", "quantize_static has no option for that"})
        EXPECT_NE(py.find(expected), std::string::npos) << expected << "\n" << py;
    EXPECT_FALSE(presetSettings("tflite"));
}

}  // namespace
}  // namespace ql
