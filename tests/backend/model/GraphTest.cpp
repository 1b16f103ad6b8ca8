#include <filesystem>

#include <gtest/gtest.h>

#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"
#include "support/TestModels.h"

namespace ql {
namespace {

TEST(Graph, ProducersConsumersAndOrder) {
    auto model = OnnxModel::fromProto(test::makeConvNet(), "convnet");
    ASSERT_TRUE(model) << model.errorMessage();
    const Graph& g = model->graph();
    EXPECT_EQ(g.inputs(), std::vector<std::string>{"x"});
    EXPECT_EQ(g.outputs(), std::vector<std::string>{"y"});
    EXPECT_EQ(g.producer("c1"), g.findNode("conv1"));
    EXPECT_EQ(g.producer("x"), -1);
    EXPECT_EQ(g.consumers("r1"), std::vector<int>{g.findNode("conv2")});
    EXPECT_TRUE(g.isInitializer("W1"));
    EXPECT_FALSE(g.isInitializer("c1"));
    EXPECT_EQ(g.topologicalOrder(), (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(g.opCounts().at("Conv"), 2);
}

TEST(Graph, TopologicalOrderFixesAnUnsortedFile) {
    ModelBuilder b;
    b.input("x", {1, 4}).output("z", {1, 4});
    b.node("Relu", {"y"}, {"z"}, "second");
    b.node("Neg", {"x"}, {"y"}, "first");
    auto model = OnnxModel::fromProto(b.build(), "unsorted");
    ASSERT_TRUE(model) << model.errorMessage();
    EXPECT_EQ(model->graph().topologicalOrder(), (std::vector<int>{1, 0}));
}

TEST(Graph, ShapeInferenceFillsIntermediateShapes) {
    auto model = OnnxModel::fromProto(test::makeConvNet(), "convnet");
    const TensorInfo* info = model->graph().tensorInfo("c1");
    ASSERT_NE(info, nullptr);
    EXPECT_TRUE(info->hasShape);
    EXPECT_EQ(info->shape, (std::vector<int64_t>{1, 3, 4, 4}));
    EXPECT_EQ(info->elementType, onnx::TensorProto::FLOAT);
}

// Found by fuzzing: ONNX 1.12 indexed the weight's dimensions by the input's rank and crashed.
TEST(Graph, ConvWeightOfWrongRankStopsShapeInferenceWithoutCrashing) {
    ModelBuilder b;
    b.input("x", {1, 3, 4, 4}).output("y");
    b.floatInitializer("W", {3}, {0.1f, 0.2f, 0.3f});
    setAttribute(b.node("Conv", {"x", "W"}, {"y"}, "conv"), "pads", std::vector<int64_t>{1, 1, 1, 1});
    auto model = OnnxModel::fromProto(b.build(), "bad-weight");
    ASSERT_TRUE(model) << model.errorMessage();
    const TensorInfo* y = model->graph().tensorInfo("y");
    EXPECT_TRUE(y == nullptr || !y->hasShape || y->shape.empty()) << "no shape can be inferred for y";
}

TEST(Graph, EveryInputThatOnceCrashedTheFuzzerLoadsOrFailsCleanly) {
    const std::filesystem::path crashes = std::filesystem::path(QUANTLENS_SOURCE_DIR) / "fuzz" / "crashes";
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(crashes)) {
        ++files;
        auto model = OnnxModel::load(entry.path().string());
        if (!model) {
            EXPECT_FALSE(model.errorMessage().empty()) << entry.path();
        }
    }
    EXPECT_GT(files, 0) << "no regression inputs in " << crashes;
}

TEST(Graph, CycleIsAClearError) {
    ModelBuilder b;
    b.input("x", {1}).output("b", {1});
    b.node("Add", {"x", "b"}, {"a"}, "loop_a");
    b.node("Relu", {"a"}, {"b"}, "loop_b");
    auto model = OnnxModel::fromProto(b.build(), "cyclic");
    ASSERT_FALSE(model);
    EXPECT_NE(model.errorMessage().find("cycle"), std::string::npos) << model.errorMessage();
}

TEST(Graph, MissingInputIsAClearError) {
    ModelBuilder b;
    b.input("x", {1}).output("y", {1});
    b.node("Add", {"x", "ghost"}, {"y"}, "adder");
    auto model = OnnxModel::fromProto(b.build(), "broken");
    ASSERT_FALSE(model);
    EXPECT_NE(model.errorMessage().find("adder"), std::string::npos) << model.errorMessage();
    EXPECT_NE(model.errorMessage().find("ghost"), std::string::npos) << model.errorMessage();
}

TEST(Graph, TensorProducedTwiceIsAClearError) {
    ModelBuilder b;
    b.input("x", {1}).output("y", {1});
    b.node("Relu", {"x"}, {"y"}, "one");
    b.node("Neg", {"x"}, {"y"}, "two");
    auto model = OnnxModel::fromProto(b.build(), "dup");
    ASSERT_FALSE(model);
    EXPECT_NE(model.errorMessage().find("produced by both"), std::string::npos) << model.errorMessage();
}

TEST(Graph, DuplicateNodeNamesAreAWarningNotAnError) {
    ModelBuilder b;
    b.input("x", {1}).output("z", {1});
    b.node("Relu", {"x"}, {"y"}, "same");
    b.node("Neg", {"y"}, {"z"}, "same");
    auto model = OnnxModel::fromProto(b.build(), "dupnames");
    ASSERT_TRUE(model) << model.errorMessage();
    ASSERT_EQ(model->graph().warnings().size(), 1u);
    EXPECT_NE(model->graph().warnings()[0].find("same"), std::string::npos);
}

TEST(Graph, UnnamedNodesGetALabel) {
    ModelBuilder b;
    b.input("x", {1}).output("y", {1});
    b.node("Relu", {"x"}, {"y"});
    auto model = OnnxModel::fromProto(b.build(), "unnamed");
    ASSERT_TRUE(model);
    EXPECT_EQ(model->graph().label(0), "Relu #0");
}

}  // namespace
}  // namespace ql
