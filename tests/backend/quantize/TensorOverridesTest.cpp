// Mixed precision (issue 18, item 3): ONNX Runtime's TensorQuantOverrides and 16-bit Q/DQ. Every
// expected scale and zero point is worked out here from the formulas of ONNX Runtime's
// quant_utils.py (get_qmin_qmax_for_qType, compute_scale_zp), not with QuantLens' functions.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "inspect/QdqStructure.h"
#include "model/TensorData.h"
#include "quantize/CalibrationCache.h"
#include "quantize/CalibrationExport.h"
#include "quantize/QdqQuantizer.h"
#include "runtime/InferenceSession.h"
#include "support/TestModels.h"

namespace ql {
namespace {

OnnxModel convNet(int64_t opset = 0) {
    onnx::ModelProto proto = test::makeConvNet();
    if (opset > 0)
        for (auto& op : *proto.mutable_opset_import())
            if (op.domain().empty() || op.domain() == "ai.onnx")
                op.set_version(opset);
    return std::move(OnnxModel::fromProto(std::move(proto), "convnet")).value();
}

CalibrationData handRanges() {
    CalibrationData d;
    d.tensors["x"] = {0.0, 1.0, 0, 0, {}};
    d.tensors["c1"] = {-2.0, 3.0, 0, 0, {}};
    d.tensors["r1"] = {0.0, 3.0, 0, 0, {}};
    d.tensors["y"] = {-1.5, 2.5, 0, 0, {}};
    return d;
}

// ONNX Runtime's compute_scale_zp in double, written again: the range widened to 0, made
// symmetric when asked, scale = (rmax - rmin) / (qmax - qmin), zero point round(qmin - rmin/scale)
// or round((qmin + qmax) / 2) when symmetric.
struct Expected {
    float scale;
    int64_t zeroPoint;
};
Expected ort(double rmin, double rmax, int64_t qmin, int64_t qmax, bool symmetric) {
    rmin = std::min(rmin, 0.0);
    rmax = std::max(rmax, 0.0);
    if (symmetric) {
        const double m = std::max(-rmin, rmax);
        rmin = -m;
        rmax = m;
    }
    const double scale = (rmax - rmin) / static_cast<double>(qmax - qmin);
    const double zp = symmetric ? std::nearbyint((qmin + qmax) / 2.0) : std::nearbyint(qmin - rmin / scale);
    return {static_cast<float>(scale), static_cast<int64_t>(zp)};
}

nlohmann::json overrides(const std::string& text) { return *parseTensorOverrides(nlohmann::json::parse(text)); }

TEST(TensorOverrides, IntegerRangesAreOnnxRuntimes) {
    // ONNX_INT_TYPE_RANGE, ONNX_INT_TYPE_SYMMETRIC_RANGE, ONNX_INT_TYPE_REDUCED_RANGE.
    struct Row {
        QuantType type;
        bool reduce, symmetric;
        int64_t qmin, qmax;
    };
    const Row rows[] = {{QuantType::QUInt16, false, false, 0, 65535},     {QuantType::QInt16, false, false, -32768, 32767},
                        {QuantType::QInt16, false, true, -32767, 32767},  {QuantType::QUInt16, false, true, 0, 65535},
                        {QuantType::QUInt16, true, false, 0, 32767},      {QuantType::QInt16, true, false, -16384, 16384},
                        {QuantType::QInt8, false, true, -127, 127},       {QuantType::QUInt8, true, false, 0, 127},
                        {QuantType::QInt8, true, true, -64, 64}};
    for (const auto& r : rows) {
        int64_t lo, hi;
        quantRange(r.type, r.reduce, r.symmetric, &lo, &hi);
        EXPECT_EQ(lo, r.qmin) << quantTypeName(r.type) << " reduce " << r.reduce << " symmetric " << r.symmetric;
        EXPECT_EQ(hi, r.qmax) << quantTypeName(r.type) << " reduce " << r.reduce << " symmetric " << r.symmetric;
    }
}

TEST(TensorOverrides, SixteenBitScalesAndZeroPointsByHand) {
    // [-2, 3] on uint16: scale 5/65535, zero point 2 / (5/65535) = 26214.
    auto u16 = computeScaleZeroPoint(-2.0f, 3.0f, 0, 65535, false);
    EXPECT_FLOAT_EQ(u16.scale, 5.0f / 65535.0f);
    EXPECT_EQ(u16.zeroPoint, 26214);
    // int16 asymmetric: the same scale, zero point -32768 + 26214 = -6554.
    auto i16 = computeScaleZeroPoint(-2.0f, 3.0f, -32768, 32767, false);
    EXPECT_FLOAT_EQ(i16.scale, 5.0f / 65535.0f);
    EXPECT_EQ(i16.zeroPoint, -6554);
    // int16 symmetric: [-3, 3] over [-32767, 32767]: 6/65534, zero point 0.
    auto s16 = computeScaleZeroPoint(-2.0f, 3.0f, -32767, 32767, true);
    EXPECT_FLOAT_EQ(s16.scale, 6.0f / 65534.0f);
    EXPECT_EQ(s16.zeroPoint, 0);
    // uint16 symmetric: [-3, 3] over [0, 65535]: zero point round(32767.5) = 32768 (half to even).
    auto su16 = computeScaleZeroPoint(-2.0f, 3.0f, 0, 65535, true);
    EXPECT_FLOAT_EQ(su16.scale, 6.0f / 65535.0f);
    EXPECT_EQ(su16.zeroPoint, 32768);
    // An all-zero range: scale 1 and zero point 0 whatever the type (compute_scale_zp's tiny-scale branch).
    EXPECT_EQ(computeScaleZeroPoint(0.0f, 0.0f, 0, 255, true).zeroPoint, 0);
    EXPECT_FLOAT_EQ(computeScaleZeroPoint(0.0f, 0.0f, -32768, 32767, false).scale, 1.0f);
}

TEST(TensorOverrides, PerTensorOverridesGiveTheDocumentedTypesAndScales) {
    QuantizerSettings s;  // QUInt8 activations, QInt8 weights
    s.tensorQuantOverrides = overrides(R"({
        "c1": [{"quant_type": "QUInt16"}],
        "r1": [{"quant_type": "QInt16", "symmetric": true}],
        "y":  [{"scale": 0.01, "zero_point": 100}],
        "x":  [{"rmin": -1.0, "rmax": 2.0}],
        "W2": [{"quant_type": "QInt16"}],
        "W1": [{"axis": 0, "quant_type": "QInt16"}]})");
    auto q = quantizeQdq(convNet(), handRanges(), s);
    ASSERT_TRUE(q) << q.errorMessage();
    ASSERT_TRUE(q->model.check()) << q->model.check().errorMessage();
    auto qdq = QdqStructure::analyze(q->model.graph());
    ASSERT_TRUE(qdq) << qdq.errorMessage();

    const auto* c1 = qdq->findByFloatName("c1");
    ASSERT_NE(c1, nullptr);
    const Expected c1e = ort(-2, 3, 0, 65535, false);
    EXPECT_EQ(c1->params.elementType, onnx::TensorProto::UINT16);
    EXPECT_FLOAT_EQ(c1->params.scales[0], c1e.scale);
    EXPECT_EQ(c1->params.zeroPoints[0], c1e.zeroPoint);

    const auto* r1 = qdq->findByFloatName("r1");
    const Expected r1e = ort(0, 3, -32767, 32767, true);
    EXPECT_EQ(r1->params.elementType, onnx::TensorProto::INT16);
    EXPECT_FLOAT_EQ(r1->params.scales[0], r1e.scale);
    EXPECT_EQ(r1->params.zeroPoints[0], 0);

    const auto* y = qdq->findByFloatName("y_QuantizeLinear_Input");
    ASSERT_NE(y, nullptr);
    EXPECT_EQ(y->params.elementType, onnx::TensorProto::UINT8);
    EXPECT_FLOAT_EQ(y->params.scales[0], 0.01f);
    EXPECT_EQ(y->params.zeroPoints[0], 100);

    const auto* x = qdq->findByFloatName("x");
    const Expected xe = ort(-1, 2, 0, 255, false);  // rmin/rmax replace the calibrated [0, 1]
    EXPECT_FLOAT_EQ(x->params.scales[0], xe.scale);
    EXPECT_EQ(x->params.zeroPoints[0], xe.zeroPoint);
    EXPECT_EQ(xe.zeroPoint, 85);

    // W2: per-tensor QInt16 while weight_type is QInt8. ONNX Runtime's quantize_initializer_impl takes
    // is_weight_symmetric(type) only when the type is weight_type, else ActivationSymmetric (off):
    // asymmetric int16 over [min(w, 0), max(w, 0)].
    const auto* w2 = qdq->findByFloatName("W2");
    ASSERT_NE(w2, nullptr);
    EXPECT_EQ(w2->params.elementType, onnx::TensorProto::INT16);
    const auto w2v = tensorToFloats(*convNet().graph().initializer("W2"));
    const Expected w2e = ort(*std::min_element(w2v.begin(), w2v.end()), *std::max_element(w2v.begin(), w2v.end()), -32768, 32767, false);
    EXPECT_FLOAT_EQ(w2->params.scales[0], w2e.scale);
    EXPECT_EQ(w2->params.zeroPoints[0], w2e.zeroPoint);

    // W1: per-channel along axis 0 though per_channel is off, QInt16, each channel max|w_c| / 32767.
    const auto* w1 = qdq->findByFloatName("W1");
    ASSERT_NE(w1, nullptr);
    ASSERT_EQ(w1->params.scales.size(), 3u);
    EXPECT_EQ(w1->params.axis, 0);
    const auto w1v = test::convNetWeight1();
    for (size_t c = 0; c < 3; ++c) {
        double mc = 0;
        for (size_t i = 0; i < 27; ++i)
            mc = std::max(mc, std::fabs(static_cast<double>(w1v[c * 27 + i])));
        EXPECT_FLOAT_EQ(w1->params.scales[c], static_cast<float>(2 * mc / 65534.0)) << "channel " << c;
    }
    // Opset 17 has no 16-bit QuantizeLinear: every Q/DQ moves to com.microsoft, as ONNX Runtime does.
    EXPECT_EQ(q->summary.qdqDomain, "com.microsoft");
    int msNodes = 0;
    for (const auto& n : q->model.proto().graph().node())
        if (n.op_type() == "QuantizeLinear" || n.op_type() == "DequantizeLinear") {
            EXPECT_EQ(n.domain(), "com.microsoft") << n.name();
            ++msNodes;
        }
    EXPECT_GT(msNodes, 0);
    bool imported = false;
    for (const auto& op : q->model.proto().opset_import())
        imported = imported || (op.domain() == "com.microsoft" && op.version() == 1);
    EXPECT_TRUE(imported);
    // The range each Q/DQ encodes, for the calibration export.
    EXPECT_FLOAT_EQ(q->summary.activationRanges.at("x").first, -1.0f);
    EXPECT_FLOAT_EQ(q->summary.activationRanges.at("c1").second, 3.0f);
}

TEST(TensorOverrides, Opset21KeepsTheOnnxDomainAndContribOpsMovesIt) {
    QuantizerSettings s;
    s.activationType = QuantType::QUInt16;
    auto q = quantizeQdq(convNet(21), handRanges(), s);
    ASSERT_TRUE(q) << q.errorMessage();
    EXPECT_EQ(q->summary.qdqDomain, "");
    for (const auto& n : q->model.proto().graph().node())
        EXPECT_TRUE(n.domain().empty()) << n.name();
    s.activationType = QuantType::QUInt8;
    s.useQdqContribOps = true;
    auto ms = quantizeQdq(convNet(21), handRanges(), s);
    ASSERT_TRUE(ms);
    EXPECT_EQ(ms->summary.qdqDomain, "com.microsoft");
    // Plain 8-bit below opset 21: the ONNX domain, as before.
    auto plain = quantizeQdq(convNet(), handRanges(), {});
    EXPECT_EQ(plain->summary.qdqDomain, "");
}

TEST(TensorOverrides, RefusalsNameTheFileAndTheEntry) {
    auto bad = [](const std::string& text) {
        auto r = parseTensorOverrides(nlohmann::json::parse(text));
        return r ? std::string() : r.errorMessage();
    };
    EXPECT_NE(bad(R"({"c1": [{"scale": 0.1}]})").find("entry 'c1': Must provide both 'scale' and 'zero_point'"), std::string::npos);
    EXPECT_NE(bad(R"({"c1": [{"scale": 0.1, "zero_point": 0, "symmetric": true}]})").find("'symmetric' is invalid with 'scale'"),
              std::string::npos);
    EXPECT_NE(bad(R"({"c1": [{"quant_type": "QInt4"}]})").find("4-bit"), std::string::npos);
    EXPECT_NE(bad(R"({"c1": [{"quant_typ": "QInt16"}]})").find("unknown key 'quant_typ'"), std::string::npos);
    EXPECT_NE(bad(R"({"c1": [{"quant_type": "QInt12"}]})").find("unknown quantization type 'QInt12'"), std::string::npos);
    EXPECT_NE(bad(R"({"c1": [{"convert": {"quant_type": "QUInt16"}}]})").find("'convert'"), std::string::npos);
    EXPECT_NE(bad(R"({"W1": [{"axis": 0, "quant_type": "QInt16"}, {"axis": 1}, {}]})").find("(dict 1): 'axis' differs"),
              std::string::npos);

    QuantizerSettings s;
    s.tensorOverridesSource = "mixed.json";
    s.tensorQuantOverrides = overrides(R"({"c_1": [{"quant_type": "QUInt16"}]})");
    auto q = quantizeQdq(convNet(), handRanges(), s);
    ASSERT_FALSE(q);
    EXPECT_NE(q.errorMessage().find("mixed.json: entry 'c_1': no tensor of this name in the model; nearest: 'c1'"), std::string::npos)
        << q.errorMessage();
    s.tensorQuantOverrides = overrides(R"({"c1": [{"reduce_range": true}]})");
    q = quantizeQdq(convNet(), handRanges(), s);
    ASSERT_FALSE(q);
    EXPECT_NE(q.errorMessage().find("mixed.json: entry 'c1': 'reduce_range' is only supported for initializers"), std::string::npos)
        << q.errorMessage();
    s.tensorQuantOverrides = overrides(R"({"c1": [{"axis": 0}]})");
    EXPECT_NE(quantizeQdq(convNet(), handRanges(), s).errorMessage().find("for initializers (weights) only"), std::string::npos);
    s.tensorQuantOverrides = overrides(R"({"W1": [{"axis": 0}, {}]})");
    EXPECT_NE(quantizeQdq(convNet(), handRanges(), s).errorMessage().find("2 channel dicts, but the weight has 3 channels"),
              std::string::npos);
    s.tensorQuantOverrides = overrides(R"({"c1": [{"scale": 0.1, "zero_point": 300}]})");
    EXPECT_NE(quantizeQdq(convNet(), handRanges(), s).errorMessage().find("zero_point 300 is outside QUInt8's range [0, 255]"),
              std::string::npos);
}

TEST(TensorOverrides, SixteenBitRunsInOnnxRuntimeWithLessErrorThanEightBit) {
    // Calibrate the conv net on generated images, quantize it to INT8 and to 16 bits (activations
    // QUInt16 and weights QInt16 through overrides), run all three in ONNX Runtime at its default
    // settings on an image the calibration saw, and compare with FP32.
    namespace fs = std::filesystem;
    const std::string dir = test::tempPath("mixed_calib");
    fs::create_directories(dir);
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> pixel(0, 255);
    std::vector<std::string> images;
    for (int k = 0; k < 4; ++k) {
        cv::Mat m(4, 4, CV_8UC3);
        for (int i = 0; i < 48; ++i)
            m.data[i] = static_cast<uint8_t>(pixel(rng));
        images.push_back(dir + "/" + std::to_string(k) + ".png");
        cv::imwrite(images.back(), m);
    }
    const OnnxModel model = convNet();
    CalibrationOptions o;
    o.preprocess.width = o.preprocess.height = 4;
    auto stats = calibrate(model, images, o);
    ASSERT_TRUE(stats) << stats.errorMessage();

    QuantizerSettings wide;
    wide.tensorQuantOverrides = overrides(R"({"x": [{"quant_type": "QUInt16"}], "c1": [{"quant_type": "QUInt16"}],
        "r1": [{"quant_type": "QUInt16"}], "y": [{"quant_type": "QUInt16"}],
        "W1": [{"quant_type": "QInt16"}], "W2": [{"quant_type": "QInt16"}]})");
    auto q8 = quantizeQdq(model, *stats, {});
    auto q16 = quantizeQdq(model, *stats, wide);
    ASSERT_TRUE(q8 && q16);

    // The first image as the model reads it: RGB, 0-1, NCHW.
    const cv::Mat bgr = cv::imread(images.front());
    std::vector<float> x(48);
    for (int c = 0; c < 3; ++c)
        for (int i = 0; i < 16; ++i)
            x[static_cast<size_t>(c * 16 + i)] = bgr.data[i * 3 + (2 - c)] / 255.0f;
    auto run = [&](const OnnxModel& m) {
        auto session = InferenceSession::fromBytes(*m.serialize(), m.displayName());
        EXPECT_TRUE(session) << session.errorMessage();
        auto out = session->run({{"x", {1, 3, 4, 4}, x.data(), x.size()}});
        EXPECT_TRUE(out) << out.errorMessage();
        const TensorView& v = out->view(0);
        return std::vector<float>(v.data, v.data + v.size);
    };
    const auto fp = run(model), y8 = run(q8->model), y16 = run(q16->model);
    double e8 = 0, e16 = 0;
    for (size_t i = 0; i < fp.size(); ++i) {
        e8 = std::max(e8, std::fabs(static_cast<double>(y8[i] - fp[i])));
        e16 = std::max(e16, std::fabs(static_cast<double>(y16[i] - fp[i])));
    }
    EXPECT_GT(e8, 0.0);
    EXPECT_LT(e16, e8 / 20) << "INT8 max error " << e8 << ", 16-bit " << e16;
}

TEST(TensorOverrides, RecipeAndPythonKeepThem) {
    QuantizerSettings s;
    s.useQdqContribOps = true;
    s.tensorQuantOverrides = overrides(R"({"c1": [{"quant_type": "QuantType.QUInt16", "rmin": -1.5, "rmax": 2}],
                                           "W1": [{"axis": 0, "scale": 0.5, "zero_point": 0}, {"scale": 0.25, "zero_point": 0},
                                                  {"scale": 0.125, "zero_point": 0}]})");
    EXPECT_EQ(s.tensorQuantOverrides["c1"][0]["quant_type"], "QUInt16");  // normalised
    auto back = QuantizerSettings::fromJson(s.toJson());
    ASSERT_TRUE(back) << back.errorMessage();
    EXPECT_EQ(back->tensorQuantOverrides, s.tensorQuantOverrides);
    EXPECT_TRUE(back->useQdqContribOps);
    const std::string py = s.toPython("a.onnx", "b.onnx", "imgs", "x", {});
    EXPECT_NE(py.find("'TensorQuantOverrides': {'W1': [{'axis': 0, 'scale': np.array(0.5, dtype=np.float32), "
                      "'zero_point': np.array(0, dtype=np.int8)}"),
              std::string::npos)
        << py;
    EXPECT_NE(py.find("'c1': [{'quant_type': QuantType.QUInt16, 'rmax': np.array(2, dtype=np.float32), "
                      "'rmin': np.array(-1.5, dtype=np.float32)}]"),
              std::string::npos)
        << py;
    EXPECT_NE(py.find("'UseQDQContribOps': True"), std::string::npos);
    // The per-channel scales are the weight's: three channels, given.
    auto q = quantizeQdq(convNet(), handRanges(), s);
    ASSERT_TRUE(q) << q.errorMessage();
    auto qdq = QdqStructure::analyze(q->model.graph());
    ASSERT_TRUE(qdq);
    const auto* w1 = qdq->findByFloatName("W1");
    ASSERT_NE(w1, nullptr);
    EXPECT_EQ(w1->params.scales, (std::vector<float>{0.5f, 0.25f, 0.125f}));
}

TEST(CalibrationExport, PythonFloatRepr) {
    EXPECT_EQ(pythonFloatRepr(1.0), "1.0");
    EXPECT_EQ(pythonFloatRepr(0.5), "0.5");
    EXPECT_EQ(pythonFloatRepr(-2.0), "-2.0");
    EXPECT_EQ(pythonFloatRepr(0.0001), "0.0001");
    EXPECT_EQ(pythonFloatRepr(0.00001), "1e-05");
    EXPECT_EQ(pythonFloatRepr(static_cast<double>(0.1f)), "0.10000000149011612");
    EXPECT_EQ(pythonFloatRepr(1e16), "1e+16");
    EXPECT_EQ(pythonFloatRepr(123456789012345.0), "123456789012345.0");
    EXPECT_EQ(pythonFloatRepr(1.5e-7), "1.5e-07");
}

TEST(CalibrationExport, FormatsByNameAndTensorRtHex) {
    EXPECT_EQ(*calibrationFormatFor("out/calibration.json"), CalibrationFormat::OrtJson);
    EXPECT_EQ(*calibrationFormatFor("calibration.flatbuffers"), CalibrationFormat::OrtFlatbuffers);
    EXPECT_EQ(*calibrationFormatFor("dir/calibration.cache"), CalibrationFormat::OrtCache);
    EXPECT_EQ(*calibrationFormatFor("yolo.cache"), CalibrationFormat::TensorRT);
    EXPECT_FALSE(calibrationFormatFor("yolo.bin"));
    // amax 1.27 -> scale 0.01f = 0x3c23d70a.
    const std::map<std::string, std::pair<float, float>> r = {{"a", {-1.27f, 0.5f}}};
    EXPECT_EQ(calibrationTable(r, CalibrationFormat::TensorRT, CalibrationMethod::MinMax, "8601"),
              "TRT-8601-EntropyCalibration2\na: 3c23d70a\n");
    EXPECT_EQ(calibrationTable(r, CalibrationFormat::OrtCache, CalibrationMethod::MinMax), "a 0.5\n");
}

}  // namespace
}  // namespace ql
