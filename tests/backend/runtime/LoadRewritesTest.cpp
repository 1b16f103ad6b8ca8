// ONNX Runtime quantizes a float Conv's weights at load when the Conv sits between a
// DequantizeLinear and a QuantizeLinear: the nodes it changes are found from its own optimised
// graph, and compare's final outputs are those of a default ONNX Runtime session, not of the
// instrumented run.
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "analysis/ActivationComparison.h"
#include "runtime/LoadRewrites.h"
#include "support/TestModels.h"

namespace ql {
namespace {

// The conv net with one large weight in conv2, so that quantizing conv2's weights per tensor
// (step 20/127) visibly changes its output.
onnx::ModelProto convNetWithOutlier() {
    onnx::ModelProto m = test::makeConvNet();
    for (auto& init : *m.mutable_graph()->mutable_initializer())
        if (init.name() == "W2") {
            init.clear_raw_data();
            init.clear_float_data();
            for (int i = 0; i < 6; ++i)
                init.add_float_data(i == 0 ? 20.0f : 0.3f - 0.1f * static_cast<float>(i));
        }
    return m;
}

// The QDQ conv net with conv2 left float (as an exclusion leaves it): float W2 and B2, but its
// input still comes from relu1's DequantizeLinear and its output goes to y's QuantizeLinear.
OnnxModel excludedConv2() {
    onnx::ModelProto fp32 = convNetWithOutlier();
    test::QdqOptions options;
    options.outputScale = 0.4f;  // y spans about ±50 with the outlier, and is not clipped
    onnx::ModelProto q = test::makeQdqConvNet(options);
    auto* graph = q.mutable_graph();
    for (const auto& init : fp32.graph().initializer())
        if (init.name() == "W2" || init.name() == "B2")
            *graph->add_initializer() = init;
    google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
    for (auto& node : *graph->mutable_node()) {
        if (node.name() == "conv2") {
            node.set_input(1, "W2");
            node.set_input(2, "B2");
        }
        if (node.name() != "W2_DequantizeLinear" && node.name() != "B2_quantized_DequantizeLinear")
            *kept.Add() = node;
    }
    graph->mutable_node()->Swap(&kept);
    return std::move(OnnxModel::fromProto(q, "excluded-conv2")).value();
}

std::vector<std::string> noiseImages(int count) {
    const std::string dir = test::tempPath("rewrite-images");
    std::filesystem::create_directories(dir);
    cv::RNG rng(3);
    std::vector<std::string> paths;
    for (int i = 0; i < count; ++i) {
        cv::Mat image(4, 4, CV_8UC3);
        rng.fill(image, cv::RNG::UNIFORM, 0, 256);
        paths.push_back(dir + "/" + std::to_string(i) + ".png");
        cv::imwrite(paths.back(), image);
    }
    return paths;
}

TEST(LoadRewrites, FindsTheFloatConvOnnxRuntimeQuantizes) {
    const OnnxModel model = excludedConv2();
    auto rewrites = precisionRewritesAtLoad(model, {});
    ASSERT_TRUE(rewrites) << rewrites.errorMessage();
    ASSERT_EQ(rewrites->size(), 1u);
    EXPECT_EQ((*rewrites)[0].node, "conv2");
    EXPECT_TRUE((*rewrites)[0].weights);
    EXPECT_TRUE((*rewrites)[0].bias);
    EXPECT_EQ(undoneExclusions(*rewrites, {"conv2"}).size(), 1u);
    EXPECT_TRUE(undoneExclusions(*rewrites, {"conv1"}).empty());

    SessionOptions disabled;
    disabled.optimization = GraphOptimization::Disabled;
    EXPECT_TRUE(precisionRewritesAtLoad(model, disabled)->empty());
    SessionOptions noQdq;
    noQdq.fuseQdq = false;
    EXPECT_TRUE(precisionRewritesAtLoad(model, noQdq)->empty());
}

TEST(LoadRewrites, NoneInAFullyQuantizedModel) {
    auto model = OnnxModel::fromProto(test::makeQdqConvNet(), "qdq");
    ASSERT_TRUE(model);
    auto rewrites = precisionRewritesAtLoad(*model, {});
    ASSERT_TRUE(rewrites);
    EXPECT_TRUE(rewrites->empty());
}

// SQNR written out here, over outputs of plain ONNX Runtime sessions at default settings.
double referenceSqnr(const OnnxModel& fp32, const OnnxModel& quant, const std::vector<std::string>& images,
                     const PreprocessOptions& pre) {
    auto f = InferenceSession::fromBytes(*fp32.serialize(), "f");
    auto q = InferenceSession::fromBytes(*quant.serialize(), "q");
    const ImagePreprocessor preprocessor(pre);
    double signal = 0.0, noise = 0.0;
    for (const auto& path : images) {
        auto image = preprocessor.prepare(path);
        const InputTensor in{"x", image->shape, image->tensor.data(), image->tensor.size()};
        auto fo = f->run({in});
        auto qo = q->run({in});
        const TensorView& a = fo->view(0);
        const TensorView& b = qo->view(0);
        for (size_t i = 0; i < a.size; ++i) {
            signal += static_cast<double>(a.data[i]) * a.data[i];
            noise += (static_cast<double>(a.data[i]) - b.data[i]) * (static_cast<double>(a.data[i]) - b.data[i]);
        }
    }
    return 10.0 * std::log10(signal / noise);
}

TEST(LoadRewrites, CompareReportsTheDeployedOutputsAndWhy) {
    auto fp32 = AnalyzedModel::analyze(std::move(OnnxModel::fromProto(convNetWithOutlier(), "fp32")).value());
    auto quant = AnalyzedModel::analyze(excludedConv2());
    ASSERT_TRUE(fp32 && quant);
    const auto images = noiseImages(4);
    ActivationOptions options;
    options.preprocess.width = options.preprocess.height = 4;
    auto report = compareActivations(*fp32, *quant, images, options);
    ASSERT_TRUE(report) << report.errorMessage();
    ASSERT_EQ(report->outputs.size(), 1u);
    const double deployed = referenceSqnr(fp32->model, quant->model, images, options.preprocess);
    EXPECT_NEAR(report->outputs[0].metrics.sqnrDb, deployed, 1e-4);  // FP32 side: float rounding of fused kernels
    ASSERT_EQ(report->loadRewrites.size(), 1u);
    EXPECT_EQ(report->loadRewrites[0].node, "conv2");

    // Deployed without optimisations, ONNX Runtime leaves conv2 float, as the per-layer run does.
    options.session.optimization = GraphOptimization::Disabled;
    auto plain = compareActivations(*fp32, *quant, images, options);
    ASSERT_TRUE(plain);
    EXPECT_TRUE(plain->loadRewrites.empty());
    EXPECT_FALSE(plain->outputs[0].instrumented.has_value());
    // The quantized weights change the output, so the default report shows both figures and why.
    EXPECT_GT(std::abs(plain->outputs[0].metrics.sqnrDb - report->outputs[0].metrics.sqnrDb), 0.05);
    ASSERT_TRUE(report->outputs[0].instrumented.has_value());
    EXPECT_NEAR(report->outputs[0].instrumented->sqnrDb, plain->outputs[0].metrics.sqnrDb, 1e-4);
    bool said = false;
    for (const auto& w : report->warnings)
        said = said || (w.find("per-layer run gives") != std::string::npos && w.find("conv2") != std::string::npos);
    EXPECT_TRUE(said);
}

}  // namespace
}  // namespace ql
