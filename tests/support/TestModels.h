// Tiny models the tests build in code, with values known in advance, and access to the real
// models in ../shared when present.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace ql::test {

// input "x" [1,3,4,4] -> Conv "conv1" (W1 [3,3,3,3], B1, pad 1) -> Relu "relu1"
//   -> Conv "conv2" (W2 [2,3,1,1], B2) -> output "y" [1,2,4,4]
onnx::ModelProto makeConvNet();
const std::vector<float>& convNetWeight1();

struct QdqOptions {
    bool perChannel = false;
    bool onnxRuntimeNames = true;   // false: generic names, as other tools write them
    float inputScale = 1.0f / 255.0f;
    float reluScale = 0.05f;
    float outputScale = 0.1f;
};
// The conv net above quantized as ONNX Runtime's QDQ quantizer would: activations uint8,
// weights int8 symmetric (scale max|w|/127), biases int32 with scale inputScale*weightScale.
onnx::ModelProto makeQdqConvNet(const QdqOptions& options = {});
float convNetWeight1Scale();  // per-tensor scale of W1 in makeQdqConvNet

// A conv net on a map large enough for windows, for the box trace:
//   "x" [1,3,32,32] -> conv1 (3->4, 3x3, pad 1) -> relu1 -> conv2 (4->4, 3x3, stride 2, pad 1) -> relu2
//   -> conv3 (4->4, 3x3, stride 2, pad 1) -> relu3 -> conv4 (4->2, 1x1) -> "y" [1,2,8,8]
// Weights are fixed pseudo-random values. With `activationScales` (by tensor: "x", "relu1",
// "relu2", "relu3"), each of those tensors gets a uint8 Q/DQ pair with that scale and zero point 0
// (ONNX Runtime's names), as a QDQ quantizer would write it; weights stay float. Without, FP32.
onnx::ModelProto makeTraceNet(const std::vector<std::pair<std::string, float>>& activationScales = {});

// ../shared (or $QUANTLENS_TESTDATA) when it exists.
std::optional<std::string> sharedDataDir();
std::optional<std::string> sharedFile(const std::string& relativePath);

std::string tempPath(const std::string& name);  // in a fresh folder per test run

}  // namespace ql::test

// Skips the current test with a clear message when a shared file is missing.
#define QL_REQUIRE_SHARED(var, rel)                                                        \
    const auto var##_opt = ::ql::test::sharedFile(rel);                                   \
    if (!var##_opt)                                                                        \
        GTEST_SKIP() << "shared test data " << (rel)                                      \
                     << " not found (looked in ../shared and $QUANTLENS_TESTDATA)";        \
    const std::string var = *var##_opt
