#include <cmath>

#include <gtest/gtest.h>

#include "model/OnnxModel.h"
#include "inspect/WeightComparison.h"
#include "support/TestModels.h"

namespace ql {
namespace {

std::vector<WeightError> compare(const test::QdqOptions& options) {
    auto fp32 = OnnxModel::fromProto(test::makeConvNet(), "fp32");
    auto quant = OnnxModel::fromProto(test::makeQdqConvNet(options), "quant");
    auto qdq = QdqStructure::analyze(quant->graph());
    auto pairing = ModelPairing::match(fp32->graph(), quant->graph(), *qdq);
    return compareWeights(fp32->graph(), quant->graph(), *qdq, *pairing);
}

// SQNR computed independently of the library: quantize W1 by hand.
double expectedW1Sqnr() {
    const auto& w = test::convNetWeight1();
    const double s = test::convNetWeight1Scale();
    double signal = 0, noise = 0;
    for (float x : w) {
        const double q = std::max(-127.0, std::min(127.0, std::nearbyint(x / s))) * s;
        signal += double(x) * x;
        noise += (x - q) * (x - q);
    }
    return 10.0 * std::log10(signal / noise);
}

TEST(WeightComparison, MatchesAnIndependentComputation) {
    const auto weights = compare({});
    ASSERT_EQ(weights.size(), 4u);
    // Graph order: conv1's weight and bias, then conv2's.
    EXPECT_EQ(weights[0].name, "W1");
    EXPECT_EQ(weights[1].name, "B1");
    EXPECT_EQ(weights[2].name, "W2");
    const WeightError& w1 = weights[0];
    EXPECT_TRUE(w1.problem.empty()) << w1.problem;
    EXPECT_EQ(w1.fp32Name, "W1");
    EXPECT_EQ(w1.consumer, "conv1");
    EXPECT_EQ(w1.shape, (std::vector<int64_t>{3, 3, 3, 3}));
    EXPECT_NEAR(w1.overall.sqnrDb, expectedW1Sqnr(), 1e-3);  // float vs double rounding
    EXPECT_GT(w1.overall.cosine, 0.999);
    EXPECT_LE(w1.overall.maxAbsError, test::convNetWeight1Scale() / 2 + 1e-7);
    EXPECT_EQ(w1.channelAxis, 0);
    ASSERT_EQ(w1.perChannel.size(), 3u);
    EXPECT_GE(w1.worstChannel, 0);
    for (const auto& c : w1.perChannel)
        EXPECT_GE(c.sqnrDb, w1.perChannel[static_cast<size_t>(w1.worstChannel)].sqnrDb);
    EXPECT_EQ(w1.histograms.reference.total(), 81u);
    EXPECT_EQ(w1.histograms.quantized.total(), 81u);
    EXPECT_EQ(w1.histograms.reference.lo, w1.histograms.quantized.lo);
}

TEST(WeightComparison, PerChannelQuantizationIsMoreAccurate) {
    test::QdqOptions perChannel;
    perChannel.perChannel = true;
    const auto perTensor = compare({});
    const auto channels = compare(perChannel);
    EXPECT_TRUE(channels[0].perChannelQuantized);
    EXPECT_GE(channels[0].overall.sqnrDb, perTensor[0].overall.sqnrDb);
}

}  // namespace
}  // namespace ql


namespace ql {
namespace {

// The split of one element's error on hand-worked numbers (step s = 0.1).
TEST(WeightErrorSplit, ElementsByHand) {
    // e = 0.03 is within half a step: all rounding.
    ElementErrorSplit a = splitElementError(1.00, 1.03, 0.1, false, false);
    EXPECT_NEAR(a.rounding, 0.03, 1e-12);
    EXPECT_NEAR(a.beyond, 0.0, 1e-12);
    EXPECT_EQ(a.clipping, 0.0);
    // e = 0.27: rounding 0.05, beyond 0.22.
    ElementErrorSplit b = splitElementError(1.00, 1.27, 0.1, false, false);
    EXPECT_NEAR(b.rounding, 0.05, 1e-12);
    EXPECT_NEAR(b.beyond, 0.22, 1e-12);
    // e = −0.27 the other way.
    ElementErrorSplit c = splitElementError(1.27, 1.00, 0.1, false, false);
    EXPECT_NEAR(c.rounding, -0.05, 1e-12);
    EXPECT_NEAR(c.beyond, -0.22, 1e-12);
    // Clipped at the top (q = 127 → 12.7) with the FP32 value 13.5 above the range: e = −0.8 is
    // rounding −0.05 and clipping −0.75, nothing beyond.
    ElementErrorSplit d = splitElementError(13.5, 12.7, 0.1, true, false);
    EXPECT_NEAR(d.rounding, -0.05, 1e-12);
    EXPECT_NEAR(d.clipping, -0.75, 1e-12);
    EXPECT_EQ(d.beyond, 0.0);
    // At the top but the FP32 value 12.0 is inside the range: that weight moved (e = +0.7).
    ElementErrorSplit e = splitElementError(12.0, 12.7, 0.1, true, false);
    EXPECT_NEAR(e.rounding, 0.05, 1e-12);
    EXPECT_NEAR(e.beyond, 0.65, 1e-12);
    EXPECT_EQ(e.clipping, 0.0);
    // Clipped at the bottom.
    ElementErrorSplit f = splitElementError(-13.0, -12.7, 0.1, false, true);
    EXPECT_NEAR(f.clipping, 0.25, 1e-12);
    EXPECT_EQ(f.beyond, 0.0);
}

// A per-channel int8 tensor [2, 4] with scales 0.1 and 0.5, worked by hand.
TEST(WeightErrorSplit, TensorByHand) {
    QuantParams p;
    p.scales = {0.1f, 0.5f};
    p.zeroPoints = {0, 0};
    p.elementType = 3;  // INT8
    p.axis = 0;
    // Channel 0 (s = 0.1): q = 10, 20, 127, -127; FP32 1.02 (rounding), 2.3 (beyond: e = −0.3),
    // 13.0 (clipped at 127), −12.0 (q = −127 narrow end but inside: e = −0.7, beyond).
    // Channel 1 (s = 0.5): q = 2, 4, 6, 8; FP32 1.0, 2.1, 2.9, 4.0 (all within a quarter step).
    const std::vector<float> fp32 = {1.02f, 2.3f, 13.0f, -12.0f, 1.0f, 2.1f, 2.9f, 4.0f};
    const std::vector<int64_t> q = {10, 20, 127, -127, 2, 4, 6, 8};
    const RoundingSplit s = splitWeightError(fp32, q, {2, 4}, p);
    EXPECT_EQ(s.elements, 8u);
    EXPECT_EQ(s.beyondRounding, 2u);
    EXPECT_EQ(s.clipped, 1u);
    EXPECT_DOUBLE_EQ(s.beyondFraction(), 0.25);
    EXPECT_TRUE(s.weightsChanged());
    // Rounding-only error per element: −0.02, 0.05 (of −0.3... sign: e = 2.0 − 2.3 = −0.3 → −0.05),
    // 12.7 − 13.0 = −0.3 whole (rounding −0.05 + clipping −0.25), −0.05, then 0, −0.1, 0.1, 0.
    const double err2 = 0.02 * 0.02 + 0.05 * 0.05 + 0.3 * 0.3 + 0.05 * 0.05 + 0.1 * 0.1 + 0.1 * 0.1;
    double ref2 = 0;
    for (float x : fp32)
        ref2 += double(x) * x;
    EXPECT_NEAR(s.roundingSqnrDb, 10.0 * std::log10(ref2 / err2), 1e-3);
    // Nothing beyond rounding: no flag; e about half a step (float noise) is still rounding.
    const RoundingSplit exact = splitWeightError({1.05f, 0.0f}, {10, 0}, {2}, QuantParams{"", "", {0.1f}, {0}, 3, 1});
    EXPECT_EQ(exact.beyondRounding, 0u);
    EXPECT_FALSE(exact.weightsChanged());
}

// A model quantized from its own FP32 weights has nothing beyond rounding and no verdict.
TEST(WeightErrorSplit, OwnWeightsAreRoundingOnly) {
    const auto weights = compare({});
    for (const auto& w : weights) {
        ASSERT_TRUE(w.problem.empty()) << w.name;
        EXPECT_EQ(w.split.beyondRounding, 0u) << w.name;
        EXPECT_FALSE(w.split.weightsChanged()) << w.name;
    }
    EXPECT_EQ(weightsChangedVerdict(weights), "");
}

}  // namespace
}  // namespace ql
