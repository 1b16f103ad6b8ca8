#include <gtest/gtest.h>

#include "model/OnnxModel.h"
#include "inspect/QdqStructure.h"
#include "support/TestModels.h"

namespace ql {
namespace {

struct Analysed {
    OnnxModel model;
    QdqStructure qdq;
};

Analysed analyse(onnx::ModelProto proto) {
    auto model = OnnxModel::fromProto(std::move(proto), "m");
    EXPECT_TRUE(model) << model.errorMessage();
    auto qdq = QdqStructure::analyze(model->graph());
    EXPECT_TRUE(qdq) << qdq.errorMessage();
    return {std::move(model).value(), std::move(qdq).value()};
}

TEST(QdqStructure, FloatModelHasNoQuantization) {
    const auto a = analyse(test::makeConvNet());
    EXPECT_EQ(a.qdq.format, QuantFormat::Float);
    EXPECT_TRUE(a.qdq.tensors.empty());
    EXPECT_TRUE(a.qdq.quantizedNodes.empty());
}

TEST(QdqStructure, FindsEveryPairWithItsParameters) {
    const auto a = analyse(test::makeQdqConvNet());
    EXPECT_EQ(a.qdq.format, QuantFormat::QDQ);
    EXPECT_EQ(a.qdq.quantizeLinearCount, 3);
    EXPECT_EQ(a.qdq.dequantizeLinearCount, 7);
    EXPECT_EQ(a.qdq.countOf(QuantizedKind::Activation), 3);
    EXPECT_EQ(a.qdq.countOf(QuantizedKind::Weight), 2);
    EXPECT_EQ(a.qdq.countOf(QuantizedKind::Bias), 2);

    const QuantizedTensor* x = a.qdq.findByFloatName("x");
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->kind, QuantizedKind::Activation);
    EXPECT_FLOAT_EQ(x->params.scales.at(0), 1.0f / 255.0f);
    EXPECT_EQ(x->params.elementType, onnx::TensorProto::UINT8);
    EXPECT_EQ(x->params.qmin(), 0);
    EXPECT_EQ(x->params.qmax(), 255);

    const QuantizedTensor* w1 = a.qdq.findByFloatName("W1");
    ASSERT_NE(w1, nullptr);
    EXPECT_EQ(w1->kind, QuantizedKind::Weight);
    EXPECT_EQ(w1->quantizedName, "W1_quantized");
    EXPECT_FALSE(w1->params.perChannel());
    EXPECT_FLOAT_EQ(w1->params.scales.at(0), test::convNetWeight1Scale());
    EXPECT_EQ(w1->params.elementType, onnx::TensorProto::INT8);

    // The graph output's producer was renamed by the quantizer; the pair quantizes that tensor.
    const QuantizedTensor* y = a.qdq.findByFloatName("y_QuantizeLinear_Input");
    ASSERT_NE(y, nullptr);
    EXPECT_EQ(y->params.zeroPoints.at(0), 128);

    const Graph& g = a.model.graph();
    EXPECT_EQ(a.qdq.quantizedNodes, (std::set<int>{g.findNode("conv1"), g.findNode("conv2")}));
    EXPECT_EQ(a.qdq.floatSourceOf("r1_DequantizeLinear_Output"), "r1");
    EXPECT_EQ(a.qdq.floatSourceOf("W2_DequantizeLinear_Output"), "W2");
}

TEST(QdqStructure, PerChannelWeights) {
    test::QdqOptions options;
    options.perChannel = true;
    const auto a = analyse(test::makeQdqConvNet(options));
    const QuantizedTensor* w1 = a.qdq.findByFloatName("W1");
    ASSERT_NE(w1, nullptr);
    EXPECT_TRUE(w1->params.perChannel());
    EXPECT_EQ(w1->params.scales.size(), 3u);
    EXPECT_EQ(w1->params.axis, 0);
}

TEST(QdqStructure, DequantizeAndQuantizeAreInverse) {
    QuantParams p;
    p.scales = {0.5f, 2.0f};
    p.zeroPoints = {0, 10};
    p.elementType = onnx::TensorProto::INT8;
    p.axis = 0;
    const std::vector<int64_t> shape{2, 2};
    const std::vector<int64_t> q{-4, 3, 10, 127};
    const auto f = dequantize(q, shape, p);
    EXPECT_EQ(f, (std::vector<float>{-2.0f, 1.5f, 0.0f, 234.0f}));
    EXPECT_EQ(quantize(f, shape, p), q);
    // Saturation and round half to even, as QuantizeLinear does.
    // 0.25/0.5 = 0.5 rounds to 0; 0.75/2 + 10 rounds to 10.
    EXPECT_EQ(quantize({1000.0f, 0.25f, 0.75f, -1000.0f}, shape, p), (std::vector<int64_t>{127, 0, 10, -128}));
}

TEST(QdqStructure, PerChannelScaleThatDoesNotFitIsAnError) {
    QuantParams p;
    p.scales = {1.0f, 1.0f, 1.0f};
    p.zeroPoints = {0, 0, 0};
    p.axis = 0;
    EXPECT_THROW(dequantize({1, 2}, {2}, p), ErrorException);
}

}  // namespace
}  // namespace ql
