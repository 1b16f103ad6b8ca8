#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"
#include "model/TensorData.h"
#include "runtime/ActivationCapture.h"
#include "runtime/InferenceSession.h"
#include "support/TestModels.h"

namespace ql {
namespace {

std::string reluNegBytes() {
    ModelBuilder b;
    b.input("x", {1, 4}).output("y", {1, 4});
    b.node("Relu", {"x"}, {"r"}, "relu");
    b.node("Neg", {"r"}, {"y"}, "neg");
    return b.build().SerializeAsString();
}

TEST(InferenceSession, RunsAModelFromMemory) {
    auto session = InferenceSession::fromBytes(reluNegBytes(), "relu-neg");
    ASSERT_TRUE(session) << session.errorMessage();
    ASSERT_EQ(session->inputs().size(), 1u);
    EXPECT_EQ(session->inputs()[0].name, "x");
    EXPECT_EQ(session->inputs()[0].shape, (std::vector<int64_t>{1, 4}));
    const std::vector<float> x{-1.0f, 2.0f, -3.0f, 4.0f};
    auto out = session->run({{"x", {1, 4}, x.data(), x.size()}});
    ASSERT_TRUE(out) << out.errorMessage();
    const TensorView& y = out->view(0);
    ASSERT_NE(y.data, nullptr);
    EXPECT_EQ(std::vector<float>(y.data, y.data + y.size), (std::vector<float>{0.0f, -2.0f, 0.0f, -4.0f}));
}

TEST(InferenceSession, OnnxRuntimeTelemetryIsOff) {
    auto session = InferenceSession::fromBytes(reluNegBytes(), "relu-neg");
    ASSERT_TRUE(session) << session.errorMessage();
    const char* disabled = std::getenv("ORT_DISABLE_TELEMETRY");
    ASSERT_NE(disabled, nullptr);
    EXPECT_STREQ(disabled, "1");
    // ONNX Runtime's telemetry writes this file as it starts; its absence shows it never did.
    const std::string telemetryLog = "/tmp/mat-debug-" + std::to_string(::getpid()) + ".log";
    EXPECT_FALSE(std::filesystem::exists(telemetryLog)) << telemetryLog;
}

TEST(InferenceSession, ReusedOutputsHoldEachRunsValues) {
    // Shapes known up front: the outputs are allocated before the first run and bound to it.
    auto session = InferenceSession::fromBytes(reluNegBytes(), "relu-neg");
    ASSERT_TRUE(session) << session.errorMessage();
    const std::vector<float> a{-1.0f, 2.0f, -3.0f, 4.0f}, b{5.0f, -6.0f, 7.0f, 0.5f};
    auto first = session->runReusingOutputs({{"x", {1, 4}, a.data(), a.size()}}, {"y"});
    ASSERT_TRUE(first) << first.errorMessage();
    const TensorView& y1 = (*first)->view(0);
    EXPECT_EQ(std::vector<float>(y1.data, y1.data + y1.size), (std::vector<float>{0.0f, -2.0f, 0.0f, -4.0f}));
    auto second = session->runReusingOutputs({{"x", {1, 4}, b.data(), b.size()}}, {"y"});
    ASSERT_TRUE(second) << second.errorMessage();
    EXPECT_EQ(*first, *second);  // the same buffers, overwritten
    const TensorView& y2 = (*second)->view(0);
    EXPECT_EQ(std::vector<float>(y2.data, y2.data + y2.size), (std::vector<float>{-5.0f, 0.0f, -7.0f, -0.5f}));
}

TEST(InferenceSession, EachSlotKeepsItsOwnOutputs) {
    auto session = InferenceSession::fromBytes(reluNegBytes(), "relu-neg");
    ASSERT_TRUE(session) << session.errorMessage();
    const std::vector<float> a{-1.0f, 2.0f, -3.0f, 4.0f}, b{5.0f, -6.0f, 7.0f, 0.5f};
    auto first = session->runReusingOutputs({{"x", {1, 4}, a.data(), a.size()}}, {"y"}, 0);
    auto second = session->runReusingOutputs({{"x", {1, 4}, b.data(), b.size()}}, {"y"}, 1);
    ASSERT_TRUE(first && second);
    EXPECT_NE(*first, *second);
    const TensorView& y1 = (*first)->view(0);  // still the first run's values
    EXPECT_EQ(std::vector<float>(y1.data, y1.data + y1.size), (std::vector<float>{0.0f, -2.0f, 0.0f, -4.0f}));
    const TensorView& y2 = (*second)->view(0);
    EXPECT_EQ(std::vector<float>(y2.data, y2.data + y2.size), (std::vector<float>{-5.0f, 0.0f, -7.0f, -0.5f}));
}

TEST(InferenceSession, ReusedOutputsOfUnknownShapeComeFromTheFirstRun) {
    ModelBuilder b;
    b.input("x", {-1, 4}).output("y", {-1, 4});
    b.node("Relu", {"x"}, {"y"}, "relu");
    auto session = InferenceSession::fromBytes(b.build().SerializeAsString(), "dynamic");
    ASSERT_TRUE(session) << session.errorMessage();
    const std::vector<float> x{-1.0f, 2.0f, -3.0f, 4.0f, 1.0f, -1.0f, 2.0f, -2.0f};
    for (int run = 0; run < 2; ++run) {
        auto out = session->runReusingOutputs({{"x", {2, 4}, x.data(), x.size()}}, {"y"});
        ASSERT_TRUE(out) << out.errorMessage();
        const TensorView& y = (*out)->view(0);
        EXPECT_EQ(y.shape, (std::vector<int64_t>{2, 4}));
        EXPECT_EQ(std::vector<float>(y.data, y.data + y.size),
                  (std::vector<float>{0.0f, 2.0f, 0.0f, 4.0f, 1.0f, 0.0f, 2.0f, 0.0f}));
    }
}

TEST(InferenceSession, CorruptModelIsAnError) {
    auto session = InferenceSession::fromBytes("definitely not onnx", "junk");
    ASSERT_FALSE(session);
    EXPECT_NE(session.errorMessage().find("junk"), std::string::npos) << session.errorMessage();
}

TEST(InferenceSession, WrongInputShapeIsAnError) {
    auto session = InferenceSession::fromBytes(reluNegBytes(), "relu-neg");
    const std::vector<float> x(3, 1.0f);
    auto out = session->run({{"x", {1, 3}, x.data(), x.size()}});
    ASSERT_FALSE(out);
    // One line naming the model, the input and both shapes, not ONNX Runtime's several.
    EXPECT_EQ(out.errorMessage(), "relu-neg: input 'x' expects [1,4], got [1,3]");
    auto reused = session->runReusingOutputs({{"x", {1, 3}, x.data(), x.size()}}, {"y"});
    ASSERT_FALSE(reused);
    EXPECT_EQ(reused.errorMessage(), "relu-neg: input 'x' expects [1,4], got [1,3]");
    auto unknown = session->run({{"images", {1, 3}, x.data(), x.size()}});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.errorMessage(), "relu-neg: no input 'images' (its inputs: 'x')");
}

TEST(InferenceSession, RunTimeErrorsAreOneLine) {
    // The input's length is free, but the Reshape to [3] only fits 3 values: ONNX Runtime fails
    // inside the run, with a message of its own.
    ModelBuilder b;
    b.input("x", {1, -1}).output("y");
    b.initializer(makeIntTensor("shape", onnx::TensorProto::INT64, {1}, {3}));
    b.node("Reshape", {"x", "shape"}, {"y"}, "reshape");
    auto session = InferenceSession::fromBytes(b.build().SerializeAsString(), "reshape-3");
    ASSERT_TRUE(session) << session.errorMessage();
    const std::vector<float> x(5, 1.0f);
    auto out = session->run({{"x", {1, 5}, x.data(), x.size()}});
    ASSERT_FALSE(out);
    EXPECT_EQ(out.errorMessage().find('\n'), std::string::npos) << out.errorMessage();
    EXPECT_EQ(out.errorMessage().rfind("running reshape-3: ", 0), 0u) << out.errorMessage();
}

TEST(ActivationCapture, ExposesIntermediateTensorsWithoutTouchingTheModel) {
    ModelBuilder b;
    b.input("x", {1, 4}).output("y", {1, 4});
    b.node("Relu", {"x"}, {"r"}, "relu");
    b.node("Neg", {"r"}, {"y"}, "neg");
    auto model = OnnxModel::fromProto(b.build(), "m");
    ASSERT_TRUE(model);
    auto capture = CaptureSession::create(*model, {"r", "y"}, {});
    ASSERT_TRUE(capture) << capture.errorMessage();
    EXPECT_EQ(capture->outputNames, (std::vector<std::string>{"y", "r"}));
    EXPECT_EQ(model->proto().graph().output_size(), 1);  // the original is unchanged
    const std::vector<float> x{-1.0f, 2.0f, -3.0f, 4.0f};
    auto out = capture->session.run({{"x", {1, 4}, x.data(), x.size()}}, capture->outputNames);
    ASSERT_TRUE(out);
    const TensorView* r = out->find("r");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(std::vector<float>(r->data, r->data + r->size), (std::vector<float>{0.0f, 2.0f, 0.0f, 4.0f}));
}

TEST(ActivationCapture, UnknownTensorIsAClearError) {
    auto model = OnnxModel::fromProto(test::makeConvNet(), "convnet");
    auto capture = CaptureSession::create(*model, {"no_such_tensor"}, {});
    ASSERT_FALSE(capture);
    EXPECT_NE(capture.errorMessage().find("no_such_tensor"), std::string::npos);
}

}  // namespace
}  // namespace ql

namespace ql {
namespace {

TEST(HostileModels, UnknownOperatorLoadsButCannotRun) {
    ModelBuilder b;
    b.input("x", {1, 4}).output("y", {1, 4});
    auto& n = b.node("FrobnicateV9", {"x"}, {"y"}, "mystery");
    n.set_domain("com.example.unknown");
    auto* op = b.proto().add_opset_import();
    op->set_domain("com.example.unknown");
    op->set_version(1);
    auto model = OnnxModel::fromProto(b.build(), "unknown-op");
    ASSERT_TRUE(model) << model.errorMessage();  // structure is fine; QuantLens can still inspect it
    auto session = InferenceSession::fromBytes(*model->serialize(), "unknown-op");
    ASSERT_FALSE(session);
    EXPECT_NE(session.errorMessage().find("unknown-op"), std::string::npos) << session.errorMessage();
    EXPECT_NE(session.errorMessage().find("FrobnicateV9"), std::string::npos) << session.errorMessage();
}

TEST(HostileModels, OpsetOutOfRangeIsAClearErrorWhenRun) {
    ModelBuilder b(99);
    b.input("x", {1, 4}).output("y", {1, 4});
    b.node("Relu", {"x"}, {"y"}, "relu");
    auto model = OnnxModel::fromProto(b.build(), "opset-99");
    ASSERT_TRUE(model) << model.errorMessage();
    EXPECT_EQ(model->opsetVersion(), 99);
    auto session = InferenceSession::fromBytes(*model->serialize(), "opset-99");
    ASSERT_FALSE(session);
    EXPECT_NE(session.errorMessage().find("opset-99"), std::string::npos) << session.errorMessage();
}

TEST(HostileModels, RandomBytesNeverCrash) {
    // A cheap stand-in for the fuzzers in every test run: many random buffers, each a clear error.
    uint32_t state = 12345;
    for (int i = 0; i < 500; ++i) {
        std::string bytes(static_cast<size_t>(1 + i * 7 % 3000), '\0');
        for (auto& c : bytes) {
            state = state * 1664525u + 1013904223u;
            c = static_cast<char>(state >> 24);
        }
        auto model = OnnxModel::fromBytes(bytes, "random");
        if (!model) {
            EXPECT_FALSE(model.errorMessage().empty());
        }
    }
}

}  // namespace
}  // namespace ql
