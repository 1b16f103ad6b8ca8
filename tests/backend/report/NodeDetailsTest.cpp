#include <gtest/gtest.h>

#include "model/OnnxModel.h"
#include "report/NodeDetails.h"
#include "support/TestModels.h"

namespace ql {
namespace {

TEST(NodeDetails, TensorsAttributesAndQuantization) {
    auto fp32 = OnnxModel::fromProto(test::makeConvNet(), "fp32");
    auto quant = OnnxModel::fromProto(test::makeQdqConvNet(), "quant");
    ASSERT_TRUE(fp32 && quant);
    auto qdq = QdqStructure::analyze(quant->graph());
    ASSERT_TRUE(qdq) << qdq.errorMessage();
    const Graph& g = fp32->graph();
    const NodeDetails d = describeNode(g, g.findNode("conv1"), &*qdq, nullptr);
    EXPECT_EQ(d.name, "conv1");
    EXPECT_EQ(d.opType, "Conv");
    EXPECT_EQ(d.domain, "ai.onnx");
    ASSERT_EQ(d.inputs.size(), 3u);
    EXPECT_EQ(d.inputs[0].name, "x");
    EXPECT_EQ(d.inputs[0].type, "float32 [1,3,4,4]");
    EXPECT_FALSE(d.inputs[0].constant);
    EXPECT_EQ(d.inputs[0].quantization.rfind("uint8 scale ", 0), 0u) << d.inputs[0].quantization;
    EXPECT_TRUE(d.inputs[1].constant);
    EXPECT_EQ(d.inputs[1].quantization.rfind("int8 scale ", 0), 0u) << d.inputs[1].quantization;
    EXPECT_NE(d.inputs[1].quantization.find("zero point 0"), std::string::npos) << d.inputs[1].quantization;
    EXPECT_EQ(d.inputs[2].quantization.rfind("int32", 0), 0u) << d.inputs[2].quantization;
    ASSERT_EQ(d.outputs.size(), 1u);
    EXPECT_EQ(d.outputs[0].type, "float32 [1,3,4,4]");  // from shape inference
    ASSERT_EQ(d.attributes.size(), 1u);
    EXPECT_EQ(d.attributes[0], (std::pair<std::string, std::string>{"pads", "[1, 1, 1, 1]"}));
}

TEST(NodeDetails, PerChannelAndFloatTensors) {
    auto fp32 = OnnxModel::fromProto(test::makeConvNet(), "fp32");
    test::QdqOptions options;
    options.perChannel = true;
    auto quant = OnnxModel::fromProto(test::makeQdqConvNet(options), "quant");
    auto qdq = QdqStructure::analyze(quant->graph());
    ASSERT_TRUE(qdq);
    const Graph& g = fp32->graph();
    const NodeDetails conv = describeNode(g, g.findNode("conv1"), &*qdq, nullptr);
    EXPECT_NE(conv.inputs[1].quantization.find("per channel (axis 0, 3 channels)"), std::string::npos) << conv.inputs[1].quantization;
    const NodeDetails conv2 = describeNode(g, g.findNode("conv2"), &*qdq, nullptr);
    EXPECT_EQ(conv2.outputs[0].quantization, "float (not quantized)");  // the graph output has no Q/DQ
}

TEST(NodeDetails, LongListsAreShortened) {
    onnx::AttributeProto a;
    a.set_name("values");
    a.set_type(onnx::AttributeProto::INTS);
    for (int i = 0; i < 40; ++i)
        a.add_ints(i);
    const std::string text = attributeText(a);
    EXPECT_NE(text.find("... (40 values)"), std::string::npos) << text;
    EXPECT_EQ(text.rfind("[0, 1, 2", 0), 0u) << text;
}

}  // namespace
}  // namespace ql
