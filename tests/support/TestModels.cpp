#include "support/TestModels.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "model/ModelBuilder.h"
#include "model/TensorData.h"

namespace fs = std::filesystem;

namespace ql::test {
namespace {

std::vector<float> ramp(size_t n, float start, float step) {
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = start + step * static_cast<float>(i % 17) * ((i % 2) ? 1.0f : -1.0f);
    return v;
}

const std::vector<float>& weight2() {
    static const std::vector<float> w = ramp(6, 0.3f, 0.11f);
    return w;
}
const std::vector<float>& bias1() {
    static const std::vector<float> b = {0.1f, -0.2f, 0.05f};
    return b;
}
const std::vector<float>& bias2() {
    static const std::vector<float> b = {0.01f, -0.03f};
    return b;
}

float maxAbs(const std::vector<float>& v) {
    float m = 0;
    for (float x : v)
        m = std::max(m, std::fabs(x));
    return m;
}

std::vector<int64_t> quantizeSymmetric(const std::vector<float>& v, float scale, int64_t lo, int64_t hi) {
    std::vector<int64_t> q(v.size());
    for (size_t i = 0; i < v.size(); ++i)
        q[i] = std::clamp<int64_t>(static_cast<int64_t>(std::nearbyint(v[i] / scale)), lo, hi);
    return q;
}

}  // namespace

const std::vector<float>& convNetWeight1() {
    static const std::vector<float> w = ramp(3 * 3 * 3 * 3, 0.05f, 0.037f);
    return w;
}

onnx::ModelProto makeConvNet() {
    ModelBuilder b;
    b.input("x", {1, 3, 4, 4}).output("y", {1, 2, 4, 4});
    b.floatInitializer("W1", {3, 3, 3, 3}, convNetWeight1());
    b.floatInitializer("B1", {3}, bias1());
    b.floatInitializer("W2", {2, 3, 1, 1}, weight2());
    b.floatInitializer("B2", {2}, bias2());
    setAttribute(b.node("Conv", {"x", "W1", "B1"}, {"c1"}, "conv1"), "pads", std::vector<int64_t>{1, 1, 1, 1});
    b.node("Relu", {"c1"}, {"r1"}, "relu1");
    b.node("Conv", {"r1", "W2", "B2"}, {"y"}, "conv2");
    return b.build();
}

float convNetWeight1Scale() { return maxAbs(convNetWeight1()) / 127.0f; }

onnx::ModelProto makeTraceNet(const std::vector<std::pair<std::string, float>>& scales) {
    ModelBuilder b;
    b.input("x", {1, 3, 32, 32}).output("y", {1, 2, 8, 8});
    uint32_t state = 12345u;
    auto next = [&] {  // a fixed LCG: the same weights on every platform
        state = state * 1664525u + 1013904223u;
        return static_cast<float>(state >> 8) / static_cast<float>(1u << 24) - 0.5f;  // -0.5 .. 0.5
    };
    auto values = [&](size_t n, float gain) {
        std::vector<float> v(n);
        for (auto& x : v)
            x = gain * next();
        return v;
    };
    // Reads `t` through its Q/DQ pair when it has a scale.
    auto read = [&](const std::string& t) {
        for (const auto& [name, scale] : scales)
            if (name == t) {
                b.floatInitializer(t + "_scale", {}, {scale});
                b.initializer(makeIntTensor(t + "_zero_point", onnx::TensorProto::UINT8, {}, {0}));
                b.node("QuantizeLinear", {t, t + "_scale", t + "_zero_point"}, {t + "_QuantizeLinear_Output"}, t + "_QuantizeLinear");
                b.node("DequantizeLinear", {t + "_QuantizeLinear_Output", t + "_scale", t + "_zero_point"},
                       {t + "_DequantizeLinear_Output"}, t + "_DequantizeLinear");
                return t + "_DequantizeLinear_Output";
            }
        return t;
    };
    auto conv = [&](const std::string& name, const std::string& in, int64_t cin, int64_t cout, int64_t k, int64_t stride,
                    const std::string& out) {
        b.floatInitializer(name + ".weight", {cout, cin, k, k}, values(static_cast<size_t>(cout * cin * k * k), 1.2f));
        b.floatInitializer(name + ".bias", {cout}, values(static_cast<size_t>(cout), 0.2f));
        auto& n = b.node("Conv", {in, name + ".weight", name + ".bias"}, {out}, name);
        setAttribute(n, "kernel_shape", std::vector<int64_t>{k, k});
        setAttribute(n, "strides", std::vector<int64_t>{stride, stride});
        const int64_t p = k / 2;
        setAttribute(n, "pads", std::vector<int64_t>{p, p, p, p});
    };
    conv("conv1", read("x"), 3, 4, 3, 1, "c1");
    b.node("Relu", {"c1"}, {"relu1"}, "relu1");
    conv("conv2", read("relu1"), 4, 4, 3, 2, "c2");
    b.node("Relu", {"c2"}, {"relu2"}, "relu2");
    conv("conv3", read("relu2"), 4, 4, 3, 2, "c3");
    b.node("Relu", {"c3"}, {"relu3"}, "relu3");
    conv("conv4", read("relu3"), 4, 2, 1, 1, "y");
    return b.build();
}

onnx::ModelProto makeQdqConvNet(const QdqOptions& o) {
    ModelBuilder b;
    const bool ort = o.onnxRuntimeNames;
    b.input("x", {1, 3, 4, 4}).output("y", {1, 2, 4, 4});
    int counter = 0;
    auto nodeName = [&](const std::string& ortName, const char* op) {
        return ort ? ortName : std::string(op) + "_" + std::to_string(counter++);
    };
    // Activation pair: t -> Q -> DQ; returns the dequantized tensor name.
    auto activation = [&](const std::string& t, float scale) {
        const std::string qOut = ort ? t + "_QuantizeLinear_Output" : "q" + std::to_string(counter);
        const std::string dqOut = ort ? t + "_DequantizeLinear_Output" : "dq" + std::to_string(counter);
        b.floatInitializer(t + "_scale", {}, {scale});
        b.initializer(makeIntTensor(t + "_zero_point", onnx::TensorProto::UINT8, {}, {0}));
        b.node("QuantizeLinear", {t, t + "_scale", t + "_zero_point"}, {qOut}, nodeName(t + "_QuantizeLinear", "QuantizeLinear"));
        b.node("DequantizeLinear", {qOut, t + "_scale", t + "_zero_point"}, {dqOut}, nodeName(t + "_DequantizeLinear", "DequantizeLinear"));
        return dqOut;
    };
    // Weight: stored int8 with per-tensor or per-output-channel symmetric scales.
    auto weight = [&](const std::string& w, const std::vector<float>& values, const std::vector<int64_t>& shape) {
        const int64_t channels = shape[0];
        const size_t per = values.size() / static_cast<size_t>(channels);
        std::vector<float> scales;
        std::vector<int64_t> q(values.size());
        for (int64_t c = 0; c < (o.perChannel ? channels : 1); ++c) {
            const auto first = values.begin() + static_cast<long>(o.perChannel ? c * static_cast<int64_t>(per) : 0);
            const std::vector<float> slice(first, o.perChannel ? first + static_cast<long>(per) : values.end());
            const float s = maxAbs(slice) / 127.0f;
            scales.push_back(s);
            const auto qs = quantizeSymmetric(slice, s, -127, 127);
            std::copy(qs.begin(), qs.end(), q.begin() + (first - values.begin()));
        }
        const std::vector<int64_t> scaleShape = o.perChannel ? std::vector<int64_t>{channels} : std::vector<int64_t>{};
        const std::string qName = ort ? w + "_quantized" : w + "_int8";
        b.initializer(makeIntTensor(qName, onnx::TensorProto::INT8, shape, q));
        b.floatInitializer(w + "_scale", scaleShape, scales);
        b.initializer(makeIntTensor(w + "_zero_point", onnx::TensorProto::INT8, scaleShape, std::vector<int64_t>(scales.size(), 0)));
        auto& dq = b.node("DequantizeLinear", {qName, w + "_scale", w + "_zero_point"}, {w + "_DequantizeLinear_Output"},
                          nodeName(w + "_DequantizeLinear", "DequantizeLinear"));
        if (o.perChannel)
            setAttribute(dq, "axis", int64_t{0});
        return std::make_pair(w + "_DequantizeLinear_Output", scales);
    };
    auto bias = [&](const std::string& name, const std::vector<float>& values, float inputScale, const std::vector<float>& wScales) {
        std::vector<float> scales;
        std::vector<int64_t> q(values.size());
        for (size_t i = 0; i < values.size(); ++i) {
            const float s = inputScale * wScales[o.perChannel ? i : 0];
            q[i] = static_cast<int64_t>(std::nearbyint(values[i] / s));
            if (o.perChannel || i == 0)
                scales.push_back(s);
        }
        const std::vector<int64_t> scaleShape = o.perChannel ? std::vector<int64_t>{static_cast<int64_t>(values.size())} : std::vector<int64_t>{};
        const std::string qName = name + "_quantized";
        b.initializer(makeIntTensor(qName, onnx::TensorProto::INT32, {static_cast<int64_t>(values.size())}, q));
        b.floatInitializer(qName + "_scale", scaleShape, scales);
        b.initializer(makeIntTensor(qName + "_zero_point", onnx::TensorProto::INT32, scaleShape, std::vector<int64_t>(scales.size(), 0)));
        auto& dq = b.node("DequantizeLinear", {qName, qName + "_scale", qName + "_zero_point"}, {qName + "_DequantizeLinear_Output"},
                          nodeName(qName + "_DequantizeLinear", "DequantizeLinear"));
        if (o.perChannel)
            setAttribute(dq, "axis", int64_t{0});
        return qName + "_DequantizeLinear_Output";
    };

    const std::string x = activation("x", o.inputScale);
    const auto [w1, w1Scales] = weight("W1", convNetWeight1(), {3, 3, 3, 3});
    const std::string b1 = bias("B1", bias1(), o.inputScale, w1Scales);
    setAttribute(b.node("Conv", {x, w1, b1}, {"c1"}, ort ? "conv1" : "Conv_0"), "pads", std::vector<int64_t>{1, 1, 1, 1});
    b.node("Relu", {"c1"}, {"r1"}, ort ? "relu1" : "Relu_1");
    const std::string r1 = activation("r1", o.reluScale);
    const auto [w2, w2Scales] = weight("W2", weight2(), {2, 3, 1, 1});
    const std::string b2 = bias("B2", bias2(), o.reluScale, w2Scales);
    // ONNX Runtime renames a quantized graph output's producer to <t>_QuantizeLinear_Input.
    const std::string convOut = ort ? "y_QuantizeLinear_Input" : "conv_out";
    b.node("Conv", {r1, w2, b2}, {convOut}, ort ? "conv2" : "Conv_2");
    b.floatInitializer("y_scale", {}, {o.outputScale});
    b.initializer(makeIntTensor("y_zero_point", onnx::TensorProto::UINT8, {}, {128}));
    b.node("QuantizeLinear", {convOut, "y_scale", "y_zero_point"}, {"y_QuantizeLinear_Output"}, nodeName("y_QuantizeLinear", "QuantizeLinear"));
    b.node("DequantizeLinear", {"y_QuantizeLinear_Output", "y_scale", "y_zero_point"}, {"y"}, nodeName("y_DequantizeLinear", "DequantizeLinear"));
    return b.build();
}

std::optional<std::string> sharedDataDir() {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("QUANTLENS_TESTDATA"))
        candidates.emplace_back(env);
    candidates.emplace_back(QUANTLENS_TESTDATA_DEFAULT);
    for (const auto& c : candidates)
        if (fs::is_directory(c))
            return fs::canonical(c).string();
    return std::nullopt;
}

std::optional<std::string> sharedFile(const std::string& relativePath) {
    const auto dir = sharedDataDir();
    if (!dir)
        return std::nullopt;
    const fs::path p = fs::path(*dir) / relativePath;
    if (!fs::exists(p))
        return std::nullopt;
    return p.string();
}

namespace {

// CTest runs every test in its own process, so each would otherwise leave a folder behind in /tmp.
struct ProcessTempDir {
    fs::path path = fs::temp_directory_path() / ("quantlens-test-" + std::to_string(::getpid()));
    ProcessTempDir() { fs::create_directories(path); }
    ~ProcessTempDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

}  // namespace

std::string tempPath(const std::string& name) {
    static const ProcessTempDir dir;
    return (dir.path / name).string();
}

}  // namespace ql::test
