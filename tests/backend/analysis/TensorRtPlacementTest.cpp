// The TensorRT placement check on small Q/DQ graphs built here, one pattern each, with the findings
// worked out by hand from the graph: a clean graph (the placement TensorRT recommends) has none.
#include <algorithm>

#include <gtest/gtest.h>

#include "analysis/TensorRtPlacement.h"
#include "inspect/AnalyzedModel.h"
#include "model/ModelBuilder.h"
#include "model/TensorData.h"

namespace ql {
namespace {

// Builds int8 Q/DQ graphs on x [1,3,4,4]: "q_<tag>" / "dq_<tag>" quantize tensor `t` into "<tag>_dq".
struct QdqGraph {
    ModelBuilder b;
    QdqGraph() { b.input("x", {1, 3, 4, 4}); }

    std::string qdq(const std::string& t, const std::string& tag, float scale, int64_t zeroPoint = 0) {
        b.initializer(makeFloatTensor(tag + "_scale", {}, {scale}));
        b.initializer(makeIntTensor(tag + "_zp", onnx::TensorProto::INT8, {}, {zeroPoint}));
        b.node("QuantizeLinear", {t, tag + "_scale", tag + "_zp"}, {tag + "_q"}, "q_" + tag);
        b.node("DequantizeLinear", {tag + "_q", tag + "_scale", tag + "_zp"}, {tag + "_dq"}, "dq_" + tag);
        return tag + "_dq";
    }
    // Another DequantizeLinear of the same QuantizeLinear (a consumer of its own).
    std::string extraDq(const std::string& tag, const std::string& name) {
        b.node("DequantizeLinear", {tag + "_q", tag + "_scale", tag + "_zp"}, {name + "_dq"}, name);
        return name + "_dq";
    }
    // A 1x1 Conv with int8 weights stored quantized behind a DequantizeLinear.
    void conv(const std::string& in, const std::string& out, const std::string& name, int64_t inChannels) {
        const std::string w = name + "_W";
        b.initializer(makeIntTensor(w + "_quantized", onnx::TensorProto::INT8, {4, inChannels, 1, 1},
                                    std::vector<int64_t>(static_cast<size_t>(4 * inChannels), 3)));
        b.initializer(makeFloatTensor(w + "_scale", {}, {0.01f}));
        b.initializer(makeIntTensor(w + "_zp", onnx::TensorProto::INT8, {}, {0}));
        b.node("DequantizeLinear", {w + "_quantized", w + "_scale", w + "_zp"}, {w}, "dq_" + w);
        b.node("Conv", {in, w}, {out}, name);
    }
    std::vector<PlacementFinding> check() {
        auto model = OnnxModel::fromProto(b.build(), "placement.onnx");
        EXPECT_TRUE(model.ok()) << model.errorMessage();
        auto analyzed = AnalyzedModel::analyze(std::move(model).value());
        EXPECT_TRUE(analyzed.ok()) << analyzed.errorMessage();
        return checkTensorRtPlacement(analyzed->model.graph(), analyzed->qdq);
    }
};

// x -Q/DQ-> conv1 -> Relu r1; r1 -Q/DQ(0.05)-> conv2 -> c2 (float); add = c2 + r1 (only the residual
// quantized: TensorRT fuses conv2 + add); add -Q/DQ(0.1)-> cat <- r1 -Q/DQ(catScale). Options
// change one thing each.
struct Options {
    float catScale = 0.1f;       // the second Concat input's scale (0.1: same as the first)
    bool concatFloat = false;    // the second Concat input float
    bool concatSharedDq = false;  // Concat(r1's DequantizeLinear, shared with conv2 and the Add; float c1)
    bool convSideQdq = false;    // Q/DQ between conv2 and the Add
    bool siluSide = false;       // conv2 -> SiLU (Sigmoid, Mul) before the Add
    bool sigmoidOnly = false;    // r1 -Q/DQ-> Sigmoid -> graph output z
    bool extraDqToSigmoid = false;  // a second DequantizeLinear of q_r1 read only by a Sigmoid
    bool reshapeToSoftmax = false;  // r1 -Q/DQ-> Reshape -> Softmax
    bool reshapeToConv = false;     // r1 -Q/DQ-> Reshape -> Conv (quantizable through the Reshape)
};

std::vector<PlacementFinding> build(const Options& o) {
    QdqGraph g;
    auto& b = g.b;
    g.conv(g.qdq("x", "x", 0.02f), "c1", "conv1", 3);
    b.node("Relu", {"c1"}, {"r1"}, "relu1");
    const std::string r1 = g.qdq("r1", "r1", 0.05f);
    g.conv(r1, "c2", "conv2", 4);
    std::string convSide = "c2";
    if (o.siluSide) {
        b.node("Sigmoid", {"c2"}, {"c2_sig"}, "silu2_sigmoid");
        b.node("Mul", {"c2", "c2_sig"}, {"c2_silu"}, "silu2_mul");
        convSide = "c2_silu";
    }
    if (o.convSideQdq)
        convSide = g.qdq(convSide, "c2", 0.05f);
    b.node("Add", {convSide, r1}, {"add"}, "add");
    if (o.concatSharedDq) {
        setAttribute(b.node("Concat", {r1, "c1"}, {"y"}, "cat"), "axis", int64_t{1});
    } else {
        const std::string a = g.qdq("add", "add", 0.1f);
        const std::string second = o.concatFloat ? "r1" : g.qdq("r1", "r1b", o.catScale);
        setAttribute(b.node("Concat", {a, second}, {"y"}, "cat"), "axis", int64_t{1});
    }
    b.output("y", {1, 8, 4, 4});
    if (o.sigmoidOnly) {
        b.node("Sigmoid", {g.qdq("r1", "r1s", 0.05f)}, {"z"}, "sig");
        b.output("z", {1, 4, 4, 4});
    }
    if (o.extraDqToSigmoid) {
        b.node("Sigmoid", {g.extraDq("r1", "dq_r1_sig")}, {"z"}, "sig");
        b.output("z", {1, 4, 4, 4});
    }
    if (o.reshapeToSoftmax || o.reshapeToConv) {
        b.initializer(makeIntTensor("shape", onnx::TensorProto::INT64, {4}, {1, 4, 2, 8}));
        b.node("Reshape", {g.qdq("r1", "r1r", 0.05f), "shape"}, {"rs"}, "reshape");
        if (o.reshapeToSoftmax)
            b.node("Softmax", {"rs"}, {"z"}, "softmax");
        else
            g.conv("rs", "z", "conv3", 4);
        b.output("z", {});
    }
    return g.check();
}

TEST(TensorRtPlacement, CleanGraphHasNoFinding) {
    const auto f = build({});
    EXPECT_TRUE(f.empty()) << f.front().message;
}

TEST(TensorRtPlacement, ConcatInputsWithDifferentScales) {
    Options o;
    o.catScale = 0.08f;
    const auto f = build(o);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].issue, PlacementIssue::UnequalScales);
    EXPECT_EQ(f[0].node, "cat");
    EXPECT_NE(f[0].message.find("'add_dq' (scale 0.1, zero point 0)"), std::string::npos) << f[0].message;
    EXPECT_NE(f[0].message.find("'r1b_dq' (scale 0.08, zero point 0)"), std::string::npos) << f[0].message;
    EXPECT_NE(std::find(f[0].qdqNodes.begin(), f[0].qdqNodes.end(), "dq_r1b"), f[0].qdqNodes.end());
    EXPECT_NE(f[0].fix.find("one scale"), std::string::npos);
}

TEST(TensorRtPlacement, ConcatMixingQuantizedAndFloatInputs) {
    Options o;
    o.concatFloat = true;
    const auto f = build(o);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].issue, PlacementIssue::UnequalScales);
    EXPECT_NE(f[0].message.find("mixes quantized inputs ('add_dq') with float inputs ('r1')"), std::string::npos)
        << f[0].message;
}

TEST(TensorRtPlacement, ConcatReadingADequantizeSharedWithInt8Layers) {
    Options o;
    o.concatSharedDq = true;
    const auto f = build(o);
    // r1_dq also feeds conv2 and the Add: the Concat should read r1 itself (the Add's float output
    // is left unused here, which is no placement matter).
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].node, "cat");
    EXPECT_NE(f[0].message.find("mixes quantized inputs ('r1_dq') with float inputs ('c1')"), std::string::npos)
        << f[0].message;
    EXPECT_NE(f[0].fix.find("let it read the float tensors behind 'r1_dq'"), std::string::npos) << f[0].fix;
}

TEST(TensorRtPlacement, QdqBetweenConvAndResidualAdd) {
    Options o;
    o.convSideQdq = true;
    const auto f = build(o);
    // conv2 -> Q/DQ -> add: the split; the residual r1 comes from conv1 through Relu and is also
    // Q/DQ'd, so TensorRT would fuse the Add with the Conv computed last, conv2.
    ASSERT_EQ(f.size(), 1u) << f.back().message;
    EXPECT_EQ(f[0].issue, PlacementIssue::SplitConvAdd);
    EXPECT_EQ(f[0].node, "add");
    EXPECT_EQ(f[0].qdqNodes, (std::vector<std::string>{"q_c2", "dq_c2"}));
    EXPECT_NE(f[0].message.find("follows Conv 'conv2' but the Q/DQ pair 'q_c2' / 'dq_c2'"), std::string::npos)
        << f[0].message;
    EXPECT_NE(f[0].fix.find("residual input 'r1_dq'"), std::string::npos) << f[0].fix;
}

TEST(TensorRtPlacement, QdqBetweenSiluAndResidualAdd) {
    Options o;
    o.convSideQdq = true;
    o.siluSide = true;
    const auto f = build(o);
    ASSERT_EQ(f.size(), 1u) << f.back().message;
    EXPECT_EQ(f[0].issue, PlacementIssue::SplitConvAdd);
    EXPECT_NE(f[0].message.find("Conv 'conv2' (through SiLU (Sigmoid + Mul))"), std::string::npos) << f[0].message;
}

TEST(TensorRtPlacement, SiluOutputFloatIntoAddIsTheFusiblePattern) {
    Options o;
    o.siluSide = true;  // conv2 -> SiLU -> add, no Q/DQ between: nothing to report
    EXPECT_TRUE(build(o).empty());
}

TEST(TensorRtPlacement, QdqWhoseOnlyConsumerRunsInFloat) {
    Options o;
    o.sigmoidOnly = true;
    const auto f = build(o);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].issue, PlacementIssue::NoQuantizableConsumer);
    EXPECT_EQ(f[0].node, "dq_r1s");
    EXPECT_EQ(f[0].qdqNodes, (std::vector<std::string>{"q_r1s", "dq_r1s"}));
    EXPECT_NE(f[0].message.find("(Sigmoid 'sig')"), std::string::npos) << f[0].message;
    EXPECT_NE(f[0].fix.find("remove the pair 'q_r1s' / 'dq_r1s'"), std::string::npos) << f[0].fix;
}

TEST(TensorRtPlacement, ExtraDequantizeReadOnlyByFloatLayer) {
    Options o;
    o.extraDqToSigmoid = true;
    const auto f = build(o);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].node, "dq_r1_sig");
    // q_r1 still serves conv2 and the Add through dq_r1: only the extra DequantizeLinear goes.
    EXPECT_NE(f[0].fix.find("drop 'dq_r1_sig' and let its consumers read the float tensor 'r1'"), std::string::npos)
        << f[0].fix;
}

TEST(TensorRtPlacement, LooksThroughLayersThatOnlyMoveData) {
    Options toSoftmax;
    toSoftmax.reshapeToSoftmax = true;
    const auto f = build(toSoftmax);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].node, "dq_r1r");
    EXPECT_NE(f[0].message.find("Softmax 'softmax'"), std::string::npos) << f[0].message;

    Options toConv;
    toConv.reshapeToConv = true;
    EXPECT_TRUE(build(toConv).empty());
}

TEST(TensorRtPlacement, AddOfTwoQuantizedNonConvInputsWithDifferentScales) {
    QdqGraph g;
    g.b.node("Relu", {"x"}, {"ra"}, "relu_a");
    setAttribute(g.b.node("MaxPool", {"x"}, {"mb"}, "pool_b"), "kernel_shape", std::vector<int64_t>{1, 1});
    g.b.node("Add", {g.qdq("ra", "ra", 0.1f), g.qdq("mb", "mb", 0.2f, 3)}, {"y"}, "add");
    g.b.output("y", {1, 3, 4, 4});
    const auto f = g.check();
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].issue, PlacementIssue::UnequalScales);
    EXPECT_NE(f[0].message.find("'ra_dq' (scale 0.1, zero point 0), 'mb_dq' (scale 0.2, zero point 3)"),
              std::string::npos) << f[0].message;
}

TEST(TensorRtPlacement, FloatModelHasNoFinding) {
    QdqGraph g;
    g.b.node("Relu", {"x"}, {"y"}, "relu");
    g.b.output("y", {1, 3, 4, 4});
    EXPECT_TRUE(g.check().empty());
}

}  // namespace
}  // namespace ql
