#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"
#include "model/TensorData.h"
#include "inspect/ModelPairing.h"
#include "inspect/WeightComparison.h"
#include "support/TestModels.h"

namespace ql {
namespace {

void expectFullPairing(const test::QdqOptions& options, int expectedByName) {
    auto fp32 = OnnxModel::fromProto(test::makeConvNet(), "fp32");
    auto quant = OnnxModel::fromProto(test::makeQdqConvNet(options), "quant");
    ASSERT_TRUE(fp32 && quant);
    auto qdq = QdqStructure::analyze(quant->graph());
    ASSERT_TRUE(qdq);
    auto pairing = ModelPairing::match(fp32->graph(), quant->graph(), *qdq);
    ASSERT_TRUE(pairing) << pairing.errorMessage();
    EXPECT_EQ(pairing->matchedByName(), expectedByName);
    EXPECT_EQ(pairing->matchedByName() + pairing->matchedByStructure(), 3);
    EXPECT_TRUE(pairing->unmatchedQuantNodes().empty());
    // Every quantized tensor finds its FP32 tensor, whatever the quantized model calls it.
    std::set<std::string> paired;
    for (const auto& t : qdq->tensors)
        paired.insert(pairing->fp32TensorFor(t.floatName));
    EXPECT_EQ(paired, (std::set<std::string>{"x", "W1", "B1", "r1", "W2", "B2", "y"}));
    const int conv2 = quant->graph().findNode(options.onnxRuntimeNames ? "conv2" : "Conv_2");
    EXPECT_EQ(pairing->fp32NodeFor(conv2), fp32->graph().findNode("conv2"));
    EXPECT_EQ(pairing->quantNodeFor(fp32->graph().findNode("conv2")), conv2);  // and back
    EXPECT_EQ(pairing->quantNodeFor(12345), -1);
}

TEST(ModelPairing, ByNodeNames) { expectFullPairing({}, 3); }

TEST(ModelPairing, ByStructureWhenNamesDiffer) {
    test::QdqOptions options;
    options.onnxRuntimeNames = false;
    expectFullPairing(options, 0);
}

TEST(ModelPairing, DifferentInputCountIsAClearError) {
    auto fp32 = OnnxModel::fromProto(test::makeConvNet(), "fp32");
    auto proto = test::makeQdqConvNet();
    auto* extra = proto.mutable_graph()->add_input();
    extra->set_name("second");
    extra->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    auto quant = OnnxModel::fromProto(proto, "quant");
    ASSERT_TRUE(quant) << quant.errorMessage();
    auto qdq = QdqStructure::analyze(quant->graph());
    auto pairing = ModelPairing::match(fp32->graph(), quant->graph(), *qdq);
    ASSERT_FALSE(pairing);
    EXPECT_NE(pairing.errorMessage().find("do not match"), std::string::npos);
}

// The FP32 conv net widened to 4 channels after conv1: the 3-channel QDQ net is then a pruned
// version of it. By construction W1 [3,3,3,3] vs [4,3,3,3], B1 [3] vs [4] and W2 [2,3,1,1] vs
// [2,4,1,1] differ; B2 [2] does not.
onnx::ModelProto widenedConvNet() {
    onnx::ModelProto m = test::makeConvNet();
    for (auto& t : *m.mutable_graph()->mutable_initializer()) {
        const std::string& n = t.name();
        if (n != "W1" && n != "B1" && n != "W2")
            continue;
        std::vector<int64_t> dims(t.dims().begin(), t.dims().end());
        dims[n == "W2" ? 1 : 0] = 4;
        int64_t count = 1;
        for (const int64_t d : dims)
            count *= d;
        t = makeFloatTensor(n, dims, std::vector<float>(static_cast<size_t>(count), 0.5f));
    }
    return m;
}

TEST(ModelPairing, VerdictForAPrunedModel) {
    auto fp32 = OnnxModel::fromProto(widenedConvNet(), "fp32");
    auto quant = OnnxModel::fromProto(test::makeQdqConvNet(), "quant");
    ASSERT_TRUE(fp32 && quant);
    auto qdq = QdqStructure::analyze(quant->graph());
    ASSERT_TRUE(qdq);
    const std::string verdict = pairingVerdict(fp32->graph(), quant->graph(), *qdq);
    EXPECT_EQ(verdict.rfind("these models are not the same network quantized: 3 weights differ in shape (e.g. '", 0), 0u)
        << verdict;
    EXPECT_NE(verdict.find("[3,3,3,3] vs FP32 [4,3,3,3]"), std::string::npos) << verdict;
    EXPECT_EQ(verdict.find('\n'), std::string::npos);
}

TEST(ModelPairing, NoVerdictForAPair) {
    for (const bool names : {true, false}) {
        test::QdqOptions options;
        options.onnxRuntimeNames = names;
        options.perChannel = !names;
        auto fp32 = OnnxModel::fromProto(test::makeConvNet(), "fp32");
        auto quant = OnnxModel::fromProto(test::makeQdqConvNet(options), "quant");
        ASSERT_TRUE(fp32 && quant);
        auto qdq = QdqStructure::analyze(quant->graph());
        ASSERT_TRUE(qdq);
        EXPECT_EQ(pairingVerdict(fp32->graph(), quant->graph(), *qdq), "");
    }
}

TEST(ModelPairing, VerdictForAnotherNetwork) {
    // The quantized conv net against a one-node FP32 model with the same input: nothing pairs.
    ModelBuilder b;
    b.input("x", {1, 3, 4, 4}).output("y", {1, 3, 4, 4});
    b.node("Relu", {"x"}, {"y"}, "relu");
    auto fp32 = OnnxModel::fromProto(b.build(), "fp32");
    auto quant = OnnxModel::fromProto(test::makeQdqConvNet(), "quant");
    ASSERT_TRUE(fp32 && quant);
    auto qdq = QdqStructure::analyze(quant->graph());
    ASSERT_TRUE(qdq);
    const std::string verdict = pairingVerdict(fp32->graph(), quant->graph(), *qdq);
    EXPECT_NE(verdict.find("these models are not the same network quantized"), std::string::npos) << verdict;
    EXPECT_NE(verdict.find("output 'y' is [1,2,4,4], FP32 [1,3,4,4]"), std::string::npos) << verdict;
}


// The conv net as ONNX Runtime's quantize_dynamic writes it, with names unlike the FP32 ones:
// DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul(input scale x weight scale) -> Add(Reshape(bias)).
onnx::ModelProto makeDynamicConvNet(float weightScale) {
    ModelBuilder b;
    b.input("x", {1, 3, 4, 4}).output("y", {1, 2, 4, 4});
    const std::vector<float>& w1 = test::convNetWeight1();
    std::vector<int64_t> q1;
    for (const float v : w1)
        q1.push_back(static_cast<int64_t>(std::nearbyint(v / weightScale)));
    b.initializer(makeIntTensor("k1_quantized", onnx::TensorProto::INT8, {3, 3, 3, 3}, q1));
    b.floatInitializer("k1_scale", {}, {weightScale});
    b.initializer(makeIntTensor("k1_zero_point", onnx::TensorProto::INT8, {}, {0}));
    b.floatInitializer("bias_a", {3}, {0.1f, -0.2f, 0.05f});
    b.initializer(makeIntTensor("bias_shape", onnx::TensorProto::INT64, {4}, {1, 3, 1, 1}));
    b.node("DynamicQuantizeLinear", {"x"}, {"xq", "xs", "xz"}, "dql_a");
    b.node("Mul", {"xs", "k1_scale"}, {"scales"}, "scales_a");
    setAttribute(b.node("ConvInteger", {"xq", "k1_quantized", "xz", "k1_zero_point"}, {"acc"}, "convint_a"), "pads",
                 std::vector<int64_t>{1, 1, 1, 1});
    setAttribute(b.node("Cast", {"acc"}, {"accf"}, "cast_a"), "to", int64_t{onnx::TensorProto::FLOAT});
    b.node("Mul", {"accf", "scales"}, {"scaled"}, "mul_a");
    b.node("Reshape", {"bias_a", "bias_shape"}, {"bias_r"}, "reshape_a");
    b.node("Add", {"scaled", "bias_r"}, {"t1"}, "add_a");
    b.node("Relu", {"t1"}, {"t2"}, "relu_a");
    b.floatInitializer("W2", {2, 3, 1, 1}, std::vector<float>(6, 0.5f));
    b.floatInitializer("B2", {2}, {0.0f, 0.0f});
    b.node("Conv", {"t2", "W2", "B2"}, {"y"}, "conv_b");
    return b.build();
}

TEST(ModelPairing, DynamicChainPairsByStructure) {
    const float scale = test::convNetWeight1Scale();
    auto fp32 = OnnxModel::fromProto(test::makeConvNet(), "fp32");
    auto quant = OnnxModel::fromProto(makeDynamicConvNet(scale), "dynamic");
    ASSERT_TRUE(fp32 && quant);
    auto qdq = QdqStructure::analyze(quant->graph());
    ASSERT_TRUE(qdq) << qdq.errorMessage();
    EXPECT_EQ(qdq->format, QuantFormat::Dynamic);
    auto pairing = ModelPairing::match(fp32->graph(), quant->graph(), *qdq);
    ASSERT_TRUE(pairing) << pairing.errorMessage();
    // ConvInteger chain = conv1, Relu = relu1, Conv = conv2: all by structure, none left over.
    EXPECT_EQ(pairing->matchedByStructure(), 3);
    EXPECT_EQ(pairing->computeNodeCount(), 3);
    EXPECT_TRUE(pairing->unmatchedQuantNodes().empty());
    EXPECT_EQ(pairing->fp32TensorFor("t1"), "c1");     // the chain's float result
    EXPECT_EQ(pairing->fp32TensorFor("t2"), "r1");
    EXPECT_EQ(pairing->fp32TensorFor("xq"), "x");      // a conversion: what it converts
    EXPECT_EQ(pairing->fp32TensorFor("k1"), "W1");
    EXPECT_EQ(pairing->fp32TensorFor("bias_a"), "B1");
    EXPECT_EQ(pairingVerdict(fp32->graph(), quant->graph(), *qdq, *pairing), "");
    // The integer weight with the scale the chain's Mul reads.
    const QuantizedTensor* k1 = qdq->findByFloatName("k1");
    ASSERT_NE(k1, nullptr);
    EXPECT_EQ(k1->params.scaleName, "k1_scale");
    auto weights = compareWeights(fp32->graph(), quant->graph(), *qdq, *pairing);
    ASSERT_EQ(weights.size(), 1u);
    EXPECT_EQ(weights[0].fp32Name, "W1");
    ASSERT_EQ(weights[0].problem, "");
    // By hand: the largest rounding error of symmetric int8 with scale max|w|/127 is at most half a step.
    EXPECT_LE(weights[0].overall.maxAbsError, scale / 2 + 1e-7);
    double err2 = 0, ref2 = 0;
    for (const float v : test::convNetWeight1()) {
        const double d = v - std::nearbyint(v / scale) * scale;
        err2 += d * d;
        ref2 += static_cast<double>(v) * v;
    }
    EXPECT_NEAR(weights[0].overall.sqnrDb, 10 * std::log10(ref2 / err2), 1e-3);
}

}  // namespace
}  // namespace ql
