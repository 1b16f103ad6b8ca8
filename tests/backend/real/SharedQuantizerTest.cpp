// The quantizer against the ONNX Runtime-made yolov8n_qdq_static.onnx (skipped without ../shared).
#include <algorithm>
#include <cmath>

#include <set>

#include <gtest/gtest.h>

#include "model/TensorData.h"
#include "inspect/AnalyzedModel.h"
#include "inspect/QdqStructure.h"
#include "quantize/CalibrationCache.h"
#include "quantize/InferredSettings.h"
#include "quantize/QdqQuantizer.h"
#include "support/TestModels.h"

namespace ql {
namespace {

// The FP32 file names its weights "<w>_DequantizeLinear_Output" (it was made by folding the QDQ
// model), so a weight quantized from it carries that name; the reference carries "<w>".
std::string referenceName(const std::string& name) {
    const std::string suffix = "_DequantizeLinear_Output";
    return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0
               ? name.substr(0, name.size() - suffix.size())
               : name;
}

// yolov8n_qdq_static.onnx's calibration, as ../shared/README.md gives it: plain resize to
// 640x640, BGR, /255, MinMax (QUInt8 activations, QInt8 per-tensor weights come with the settings).
Result<std::shared_ptr<const CalibrationData>> calibrateAsQdqStatic(const OnnxModel& fp32,
                                                                    const std::vector<std::string>& images) {
    CalibrationOptions calibration;
    calibration.preprocess = PreprocessOptions::forModel(fp32);
    calibration.preprocess.resize = ResizeMode::Stretch;
    calibration.preprocess.rgb = false;
    return CalibrationCache("").get(fp32, images, calibration);
}

TEST(SharedQuantizer, ReproducesYoloV8nQdqStatic) {
    QL_REQUIRE_SHARED(fp32Path, "models/yolov8n_fp32.onnx");
    QL_REQUIRE_SHARED(refPath, "models/yolov8n_qdq_static.onnx");
    QL_REQUIRE_SHARED(calib, "calibration");
    auto fp32 = OnnxModel::load(fp32Path);
    auto ref = OnnxModel::load(refPath);
    ASSERT_TRUE(fp32 && ref);
    auto images = collectImages({calib});
    ASSERT_TRUE(images);
    ASSERT_EQ(images->size(), 11u);
    auto stats = calibrateAsQdqStatic(*fp32, *images);
    ASSERT_TRUE(stats) << stats.errorMessage();

    // The list minus its merged name, plus the head nodes the reference file leaves
    // float (read off it: nodes of quantized types whose tensors carry no Q/DQ there).
    QuantizerSettings settings;
    settings.nodesToExclude = {"/model.22/Concat_3", "/model.22/Split", "/model.22/dfl/Transpose",
                               "/model.22/dfl/Softmax", "/model.22/dfl/conv/Conv", "/model.22/Add_1",
                               "/model.22/Concat_4", "/model.22/Mul_2", "/model.22/Concat_5"};
    auto ours = quantizeQdq(*fp32, **stats, settings);
    ASSERT_TRUE(ours) << ours.errorMessage();
    EXPECT_TRUE(ours->model.check());

    auto refQdq = QdqStructure::analyze(ref->graph());
    auto ourQdq = QdqStructure::analyze(ours->model.graph());
    EXPECT_EQ(ourQdq->quantizeLinearCount, refQdq->quantizeLinearCount);
    EXPECT_EQ(ourQdq->dequantizeLinearCount, refQdq->dequantizeLinearCount);

    std::map<std::string, const QuantizedTensor*> mine;
    for (const auto& t : ourQdq->tensors)
        mine[referenceName(t.floatName)] = &t;
    std::vector<double> activationDiffs;
    int weightsIdentical = 0;
    for (const auto& t : refQdq->tensors) {
        auto it = mine.find(t.floatName);
        ASSERT_NE(it, mine.end()) << "not quantized by us: " << t.floatName;
        const QuantizedTensor& o = *it->second;
        if (t.kind == QuantizedKind::Weight) {
            EXPECT_EQ(o.params.scales, t.params.scales) << t.floatName;
            const auto a = tensorToInts(*ref->graph().initializer(t.quantizedName));
            const auto b = tensorToInts(*ours->model.graph().initializer(o.quantizedName));
            weightsIdentical += a == b;
        } else if (t.kind == QuantizedKind::Activation) {
            activationDiffs.push_back(std::fabs(o.params.scales[0] - t.params.scales[0]) / t.params.scales[0]);
            EXPECT_EQ(referenceName(o.params.scaleName), t.params.scaleName) << "shared parameters differ for " << t.floatName;
        }
    }
    EXPECT_EQ(mine.size(), refQdq->tensors.size());
    EXPECT_EQ(weightsIdentical, refQdq->countOf(QuantizedKind::Weight));
    // Activations come from FP32 weights that are the reference's rounded ones, so their ranges
    // differ a little from the reference's calibration: a few % (ONNX Runtime 1.30 run on this
    // FP32 file matches our scales to 1e-6 and every zero point).
    std::sort(activationDiffs.begin(), activationDiffs.end());
    ASSERT_EQ(activationDiffs.size(), 229u);
    EXPECT_LT(activationDiffs[activationDiffs.size() / 2], 0.03);
    EXPECT_LT(activationDiffs[activationDiffs.size() * 9 / 10], 0.06);
    EXPECT_LT(activationDiffs.back(), 0.25);
}

// The settings read back from a file ONNX Runtime made (types, per-channel, symmetry, op types,
// the nodes it left float) re-make the same quantization structure: every tensor it quantized.
TEST(SharedQuantizer, InferredSettingsRemakeYoloV8nQdqStatic) {
    QL_REQUIRE_SHARED(fp32Path, "models/yolov8n_fp32.onnx");
    QL_REQUIRE_SHARED(refPath, "models/yolov8n_qdq_static.onnx");
    QL_REQUIRE_SHARED(calib, "calibration");
    auto fp32 = OnnxModel::load(fp32Path);
    auto ref = AnalyzedModel::load(refPath);
    ASSERT_TRUE(fp32 && ref);
    auto inferred = inferSettings(ref->model.graph(), ref->qdq);
    ASSERT_TRUE(inferred) << inferred.errorMessage();
    EXPECT_EQ(inferred->settings.activationType, QuantType::QUInt8);  // ../shared/README.md
    EXPECT_EQ(inferred->settings.weightType, QuantType::QInt8);
    EXPECT_FALSE(inferred->settings.perChannel);
    auto images = collectImages({calib});
    ASSERT_TRUE(images);
    auto stats = calibrateAsQdqStatic(*fp32, *images);
    ASSERT_TRUE(stats) << stats.errorMessage();
    auto ours = quantizeQdq(*fp32, **stats, inferred->settings);
    ASSERT_TRUE(ours) << ours.errorMessage();
    auto ourQdq = QdqStructure::analyze(ours->model.graph());
    ASSERT_TRUE(ourQdq);
    EXPECT_EQ(ourQdq->quantizeLinearCount, ref->qdq.quantizeLinearCount);
    EXPECT_EQ(ourQdq->dequantizeLinearCount, ref->qdq.dequantizeLinearCount);
    std::set<std::string> mine, theirs;
    for (const auto& t : ourQdq->tensors)
        mine.insert(referenceName(t.floatName));
    for (const auto& t : ref->qdq.tensors)
        theirs.insert(t.floatName);
    EXPECT_EQ(mine, theirs);
}

}  // namespace
}  // namespace ql
