#include <set>

#include <gtest/gtest.h>

#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"
#include "model/TensorData.h"
#include "quant/ModelPairing.h"
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

}  // namespace
}  // namespace ql
