// The backend on the real models in ../shared (skipped with a message when absent).
#include <gtest/gtest.h>

#include "model/OnnxModel.h"
#include "inspect/ModelPairing.h"
#include "inspect/WeightComparison.h"
#include "support/TestModels.h"

namespace ql {
namespace {

TEST(SharedModels, YoloV8nQdqStaticStructure) {
    QL_REQUIRE_SHARED(path, "models/yolov8n_qdq_static.onnx");
    auto model = OnnxModel::load(path);
    ASSERT_TRUE(model) << model.errorMessage();
    EXPECT_EQ(model->graph().nodeCount(), 817);
    auto qdq = QdqStructure::analyze(model->graph());
    ASSERT_TRUE(qdq) << qdq.errorMessage();
    EXPECT_EQ(qdq->format, QuantFormat::QDQ);
    EXPECT_EQ(qdq->quantizeLinearCount, 229);
    EXPECT_EQ(qdq->dequantizeLinearCount, 355);
    EXPECT_EQ(qdq->countOf(QuantizedKind::Activation), 229);
    EXPECT_GT(qdq->countOf(QuantizedKind::Weight), 60);
    // QUInt8 activations, QInt8 weights, int32 biases (../shared/README.md).
    for (const auto& t : qdq->tensors) {
        const int expected = t.kind == QuantizedKind::Activation ? onnx::TensorProto::UINT8
                           : t.kind == QuantizedKind::Weight     ? onnx::TensorProto::INT8
                                                                 : onnx::TensorProto::INT32;
        EXPECT_EQ(t.params.elementType, expected) << t.floatName;
    }
}

TEST(SharedModels, EveryQuantizedWeightMatchesItsFp32InitializerByName) {
    QL_REQUIRE_SHARED(fp32Path, "models/yolov8n_fp32.onnx");
    QL_REQUIRE_SHARED(quantPath, "models/yolov8n_qdq_static.onnx");
    auto fp32 = OnnxModel::load(fp32Path);
    auto quant = OnnxModel::load(quantPath);
    ASSERT_TRUE(fp32 && quant);
    EXPECT_EQ(fp32->graph().nodeCount(), 233);
    auto qdq = QdqStructure::analyze(quant->graph());
    auto pairing = ModelPairing::match(fp32->graph(), quant->graph(), *qdq);
    ASSERT_TRUE(pairing) << pairing.errorMessage();
    EXPECT_EQ(pairing->matchedByName(), 233);
    const auto weights = compareWeights(fp32->graph(), quant->graph(), *qdq, *pairing);
    ASSERT_FALSE(weights.empty());
    for (const auto& w : weights) {
        EXPECT_TRUE(w.problem.empty()) << w.name << ": " << w.problem;
        // The FP32 file was made by folding each weight's DequantizeLinear, so its initializer
        // carries either the weight's own name or ONNX Runtime's "<w>_DequantizeLinear_Output".
        const QuantizedTensor* t = qdq->findByFloatName(w.name);
        ASSERT_NE(t, nullptr) << w.name;
        EXPECT_TRUE(w.fp32Name == w.name || w.fp32Name == t->dequantizedOutputs.at(0))
            << w.name << " paired with " << w.fp32Name;
        EXPECT_NE(fp32->graph().initializer(w.fp32Name), nullptr) << w.fp32Name;
        // The FP32 file holds the dequantized weights, so they match to float precision.
        EXPECT_GT(w.overall.cosine, 0.9999) << w.name;
    }
}

TEST(SharedModels, ConvOnlyModelPairsStructurally) {
    QL_REQUIRE_SHARED(fp32Path, "models/yolov8n_fp32.onnx");
    QL_REQUIRE_SHARED(quantPath, "models/yolov8n_qdq_convonly.onnx");
    auto fp32 = OnnxModel::load(fp32Path);
    auto quant = OnnxModel::load(quantPath);
    ASSERT_TRUE(fp32 && quant);
    auto qdq = QdqStructure::analyze(quant->graph());
    ASSERT_TRUE(qdq);
    auto pairing = ModelPairing::match(fp32->graph(), quant->graph(), *qdq);
    ASSERT_TRUE(pairing);
    const auto weights = compareWeights(fp32->graph(), quant->graph(), *qdq, *pairing);
    int conv = 0;
    for (const auto& w : weights)
        if (w.kind == QuantizedKind::Weight) {
            ++conv;
            EXPECT_TRUE(w.problem.empty()) << w.name << ": " << w.problem;
        }
    EXPECT_EQ(conv, 64);
}

TEST(SharedModels, EveryModelLoadsAndIsClassified) {
    const std::vector<std::pair<std::string, QuantFormat>> expected = {
        {"models/yolov8n_fp32.onnx", QuantFormat::Float},
        {"models/yolov8n_qdq_static.onnx", QuantFormat::QDQ},
        {"models/yolov8n_dynamic.onnx", QuantFormat::Dynamic},
        {"models/yolov8n_qdq_convonly.onnx", QuantFormat::QDQ},
        {"models/yolo11n_320_qdq_fullgraph.onnx", QuantFormat::QDQ},
    };
    if (!test::sharedDataDir())
        GTEST_SKIP() << "../shared not found";
    for (const auto& [rel, format] : expected) {
        const auto path = test::sharedFile(rel);
        ASSERT_TRUE(path) << rel;
        auto model = OnnxModel::load(*path);
        ASSERT_TRUE(model) << model.errorMessage();
        auto qdq = QdqStructure::analyze(model->graph());
        ASSERT_TRUE(qdq) << qdq.errorMessage();
        EXPECT_EQ(qdq->format, format) << rel;
        EXPECT_EQ(model->graph().topologicalOrder().size(), static_cast<size_t>(model->graph().nodeCount()));
    }
}

}  // namespace
}  // namespace ql
