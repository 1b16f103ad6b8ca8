#include <cmath>

#include <gtest/gtest.h>

#include "metrics/ErrorMetrics.h"
#include "metrics/Histogram.h"

namespace ql {
namespace {

TEST(ErrorMetrics, KnownValues) {
    const std::vector<float> x{3.0f, 4.0f};
    const std::vector<float> y{3.0f, 3.0f};
    const auto m = computeError(x, y);
    EXPECT_NEAR(m.sqnrDb, 20.0 * std::log10(5.0 / 1.0), 1e-9);
    EXPECT_NEAR(m.mse, 0.5, 1e-12);
    EXPECT_NEAR(m.maxAbsError, 1.0, 1e-12);
    EXPECT_NEAR(m.cosine, 21.0 / (5.0 * std::sqrt(18.0)), 1e-9);
    EXPECT_EQ(m.count, 2u);
}

TEST(ErrorMetrics, IdenticalTensorsHaveInfiniteSqnr) {
    const auto m = computeError({1.0f, -2.0f}, {1.0f, -2.0f});
    EXPECT_TRUE(std::isinf(m.sqnrDb) && m.sqnrDb > 0);
    EXPECT_DOUBLE_EQ(m.cosine, 1.0);
}

TEST(ErrorMetrics, StreamingEqualsOneShot) {
    std::vector<float> x(1000), y(1000);
    for (size_t i = 0; i < x.size(); ++i) {
        x[i] = std::sin(0.1f * i);
        y[i] = x[i] + 0.01f * std::cos(0.37f * i);
    }
    ErrorAccumulator a, b;
    a.add(x.data(), y.data(), 300);
    b.add(x.data() + 300, y.data() + 300, 700);
    a.merge(b);
    const auto streamed = a.result();
    const auto oneShot = computeError(x, y);
    // Sums are kept in float per block, so a different split differs in the last digits only.
    EXPECT_NEAR(streamed.sqnrDb, oneShot.sqnrDb, 1e-4);
    EXPECT_NEAR(streamed.mse, oneShot.mse, 1e-9);
    EXPECT_EQ(streamed.count, 1000u);
}

TEST(ErrorMetrics, PerChannelSplitsAlongTheAxis) {
    // shape [2,3]: channel 0 exact, channel 1 off by one everywhere
    const std::vector<float> x{1, 2, 3, 4, 5, 6};
    const std::vector<float> y{1, 2, 3, 5, 6, 7};
    const auto rows = computeErrorPerChannel(x, y, {2, 3}, 0);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_TRUE(std::isinf(rows[0].sqnrDb));
    EXPECT_NEAR(rows[1].mse, 1.0, 1e-12);
    const auto cols = computeErrorPerChannel(x, y, {2, 3}, 1);
    ASSERT_EQ(cols.size(), 3u);
    EXPECT_NEAR(cols[0].mse, 0.5, 1e-12);
}

TEST(Histogram, CountsLandInTheRightBins) {
    Histogram h(0.0, 4.0, 4);
    h.add({0.0f, 0.5f, 1.5f, 3.99f, 4.0f, -1.0f, 9.0f});
    EXPECT_EQ(h.counts, (std::vector<uint64_t>{2, 1, 0, 2}));
    EXPECT_EQ(h.underflow, 1u);
    EXPECT_EQ(h.overflow, 1u);
    EXPECT_EQ(h.total(), 7u);
    EXPECT_DOUBLE_EQ(h.binCenter(0), 0.5);
}

TEST(Histogram, SetSharesRangeAndCentresError) {
    const auto set = makeHistograms({-1.0f, 0.0f, 2.0f}, {-1.5f, 0.0f, 2.0f}, 8);
    EXPECT_DOUBLE_EQ(set.reference.lo, -1.5);
    EXPECT_DOUBLE_EQ(set.reference.hi, 2.0);
    EXPECT_DOUBLE_EQ(set.quantized.lo, set.reference.lo);
    EXPECT_DOUBLE_EQ(set.error.lo, -0.5);
    EXPECT_DOUBLE_EQ(set.error.hi, 0.5);
    EXPECT_EQ(set.error.total(), 3u);
}

}  // namespace
}  // namespace ql
