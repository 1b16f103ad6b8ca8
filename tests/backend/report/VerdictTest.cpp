#include <gtest/gtest.h>

#include "report/HtmlReport.h"
#include "report/Verdict.h"

namespace ql {
namespace {

LatencyStats latency(double median) { return LatencyStats{20, median - 1, median, median + 3, median}; }

// yolov8n-like figures worked out by hand: 40 ms -> 20 ms is 2x, 12.8 MB -> 3.2 MB is 4x,
// mAP@0.5 0.605 -> 0.600 is -0.5 points, mAP@.5:.95 0.450 -> 0.442 is -0.8 points.
VerdictFigures good() {
    VerdictFigures f;
    f.fp32Latency = latency(40.0);
    f.quantizedLatency = latency(20.0);
    f.fp32Bytes = 12'800'000;
    f.quantizedBytes = 3'200'000;
    f.fp32Map50 = 0.605;
    f.quantizedMap50 = 0.600;
    f.fp32Map50to95 = 0.450;
    f.quantizedMap50to95 = 0.442;
    return f;
}

TEST(Verdict, ShipsWhenAccuracyIsKeptAndItIsFaster) {
    const VerdictFigures f = good();
    EXPECT_DOUBLE_EQ(*f.speedup(), 2.0);
    EXPECT_DOUBLE_EQ(*f.sizeRatio(), 4.0);
    EXPECT_NEAR(*f.map50Change(), -0.5, 1e-9);
    EXPECT_NEAR(*f.map50to95Change(), -0.8, 1e-9);
    const Verdict v = deriveVerdict(f);
    EXPECT_EQ(v.level, VerdictLevel::Ship);
    EXPECT_EQ(v.headline, "Ship INT8: 2.0\u00d7 faster, 4.0\u00d7 smaller, mAP@0.5 -0.5 points.");
}

TEST(Verdict, TheLargerMapDropDecides) {
    VerdictFigures f = good();
    f.quantizedMap50to95 = 0.430;  // -2.0 points at .5:.95 while @0.5 loses 0.5: review
    EXPECT_EQ(deriveVerdict(f).level, VerdictLevel::Review);
    f.quantizedMap50 = 0.560;  // -4.5 points: do not ship
    const Verdict v = deriveVerdict(f);
    EXPECT_EQ(v.level, VerdictLevel::DoNotShip);
    EXPECT_NE(v.reasons.front().find("mAP@0.5 -4.5 points, mAP@.5:.95 -2.0 points"), std::string::npos) << v.reasons.front();
}

TEST(Verdict, ThresholdsAreInclusive) {
    VerdictFigures f = good();
    f.quantizedMap50 = 0.595;  // exactly -1.0 point
    f.quantizedMap50to95 = 0.450;
    EXPECT_EQ(deriveVerdict(f).level, VerdictLevel::Ship);
    VerdictThresholds strict;
    strict.acceptableMapDrop = 0.5;
    EXPECT_EQ(deriveVerdict(f, strict).level, VerdictLevel::Review);
}

TEST(Verdict, WithoutLabelsFidelityDecides) {
    VerdictFigures f = good();
    f.fp32Map50.reset();
    f.quantizedMap50.reset();
    f.fidelity50 = 0.93;
    EXPECT_EQ(deriveVerdict(f).level, VerdictLevel::Ship);
    EXPECT_NE(deriveVerdict(f).headline.find("fidelity 0.93"), std::string::npos);
    f.fidelity50 = 0.80;
    EXPECT_EQ(deriveVerdict(f).level, VerdictLevel::Review);
    f.fidelity50 = 0.60;
    EXPECT_EQ(deriveVerdict(f).level, VerdictLevel::DoNotShip);
    f.fidelity50.reset();
    EXPECT_EQ(deriveVerdict(f).level, VerdictLevel::Undecided);
}

TEST(Verdict, SlowerInt8AndFailuresAreFlagged) {
    VerdictFigures f = good();
    f.quantizedLatency = latency(50.0);  // 40 / 50 = 0.8: slower
    const Verdict slow = deriveVerdict(f);
    EXPECT_EQ(slow.level, VerdictLevel::Review);
    EXPECT_NE(slow.headline.find("1.2\u00d7 slower"), std::string::npos) << slow.headline;
    f.failures = {"output0 class scores collapse"};
    EXPECT_EQ(deriveVerdict(f).level, VerdictLevel::DoNotShip);
}

TEST(Verdict, FiguresFromReportContent) {
    ReportContent c;
    c.fp32.fileSize = 1000;
    c.quantized.fileSize = 250;
    c.nodesLeftFloat = {"a", "b"};
    EvaluationReport e;
    e.images = 5;
    e.fp32.accuracy.map50 = 0.5;
    e.fp32.accuracy.groundTruth = 10;
    e.fp32.latency = latency(30.0);
    ModelEvaluation q;
    q.accuracy.map50 = 0.45;
    q.latency = latency(10.0);
    e.quantized = q;
    DetectionFidelity fid;
    fid.map.map50 = 0.9;
    fid.missed = 3;
    e.fidelity = fid;
    c.evaluation = e;
    ql::Run baseline;
    baseline.metrics.latency = latency(9.0);
    ql::Run excluded;
    excluded.exclusions = {"a", "b"};
    excluded.metrics.latency = latency(11.5);
    c.runs = {baseline, excluded};
    const VerdictFigures f = verdictFigures(c);
    EXPECT_DOUBLE_EQ(*f.speedup(), 3.0);
    EXPECT_DOUBLE_EQ(*f.sizeRatio(), 4.0);
    EXPECT_NEAR(*f.map50Change(), -5.0, 1e-9);
    EXPECT_EQ(f.missed, 3u);
    EXPECT_EQ(f.nodesLeftFloat, 2u);
    EXPECT_DOUBLE_EQ(*f.exclusionCostMs, 2.5);  // 11.5 - 9.0
    EXPECT_EQ(deriveVerdict(f).level, VerdictLevel::DoNotShip);
}

}  // namespace
}  // namespace ql
