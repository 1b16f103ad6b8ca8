#include <set>

#include <gtest/gtest.h>

#include "model/OnnxModel.h"
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

}  // namespace
}  // namespace ql
