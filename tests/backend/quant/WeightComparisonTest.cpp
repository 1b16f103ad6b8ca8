#include <cmath>

#include <gtest/gtest.h>

#include "model/OnnxModel.h"
#include "quant/WeightComparison.h"
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
