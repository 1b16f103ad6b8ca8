#include <gtest/gtest.h>

#include "model/OnnxModel.h"
#include "inspect/NodeDetails.h"
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
    ASSERT_TRUE(d.inputs[0].quantization);
    EXPECT_EQ(d.inputs[0].quantization->elementType, onnx::TensorProto::UINT8);
    EXPECT_FLOAT_EQ(d.inputs[0].quantization->scales.at(0), 1.0f / 255.0f);
    EXPECT_TRUE(d.inputs[1].constant);
    ASSERT_TRUE(d.inputs[1].quantization);
    EXPECT_EQ(d.inputs[1].quantization->elementType, onnx::TensorProto::INT8);
    EXPECT_FLOAT_EQ(d.inputs[1].quantization->scales.at(0), test::convNetWeight1Scale());
    EXPECT_EQ(d.inputs[1].quantization->zeroPoints.at(0), 0);
    ASSERT_TRUE(d.inputs[2].quantization);
    EXPECT_EQ(d.inputs[2].quantization->elementType, onnx::TensorProto::INT32);
    EXPECT_FALSE(d.inputs[0].error);  // no activation report given
    ASSERT_EQ(d.outputs.size(), 1u);
    EXPECT_EQ(d.outputs[0].type, "float32 [1,3,4,4]");  // from shape inference
    ASSERT_EQ(d.attributes.size(), 1u);
    EXPECT_EQ(d.attributes[0], (std::pair<std::string, std::string>{"pads", "[1, 1, 1, 1]"}));
}

TEST(NodeDetails, MeasuredErrorOfItsTensors) {
    auto fp32 = OnnxModel::fromProto(test::makeConvNet(), "fp32");
    ASSERT_TRUE(fp32);
    ActivationReport report;
    ActivationError c1;
    c1.fp32Name = "c1";
    c1.accumulated.sqnrDb = 21.5;
    c1.rounding.sqnrDb = 30.25;
    c1.clippedFraction = 0.01;
    report.layers.push_back(c1);
    const Graph& g = fp32->graph();
    const NodeDetails d = describeNode(g, g.findNode("conv1"), nullptr, &report);
    ASSERT_TRUE(d.outputs[0].error);
    EXPECT_DOUBLE_EQ(d.outputs[0].error->sqnrDb, 21.5);
    EXPECT_DOUBLE_EQ(d.outputs[0].error->roundingSqnrDb, 30.25);
    EXPECT_DOUBLE_EQ(d.outputs[0].error->clippedFraction, 0.01);
    EXPECT_FALSE(d.inputs[0].error);  // x was not in the report
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
    ASSERT_TRUE(conv.inputs[1].quantization);
    EXPECT_EQ(conv.inputs[1].quantization->scales.size(), 3u);
    EXPECT_EQ(conv.inputs[1].quantization->axis, 0);
    const NodeDetails conv2 = describeNode(g, g.findNode("conv2"), &*qdq, nullptr);
    EXPECT_TRUE(conv2.outputs[0].quantizationKnown);
    EXPECT_FALSE(conv2.outputs[0].quantization);  // the graph output has no Q/DQ
    const NodeDetails alone = describeNode(g, g.findNode("conv2"), nullptr, nullptr);
    EXPECT_FALSE(alone.outputs[0].quantizationKnown);
}

// relu1's output r1 has a Q/DQ pair in the QDQ conv net because conv2, quantized, reads it: the
// reason an excluded relu1 would still hand on a quantized tensor.
TEST(NodeDetails, NamesTheNodesThatReadATensorQuantized) {
    auto fp32 = OnnxModel::fromProto(test::makeConvNet(), "fp32");
    auto quant = OnnxModel::fromProto(test::makeQdqConvNet(), "quant");
    auto qdq = QdqStructure::analyze(quant->graph());
    ASSERT_TRUE(qdq);
    const Graph& g = fp32->graph();
    const NodeDetails relu = describeNode(g, g.findNode("relu1"), &*qdq, nullptr, &quant->graph());
    ASSERT_EQ(relu.outputs.size(), 1u);
    EXPECT_EQ(relu.outputs[0].quantizedFor, std::vector<std::string>{"conv2"});
    const NodeDetails conv2 = describeNode(g, g.findNode("conv2"), &*qdq, nullptr, &quant->graph());
    EXPECT_TRUE(conv2.outputs[0].quantizedFor.empty());  // the graph output: nobody reads it
    const NodeDetails unnamed = describeNode(g, g.findNode("relu1"), &*qdq, nullptr);
    EXPECT_TRUE(unnamed.outputs[0].quantizedFor.empty());  // without the quantized graph, no names
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
