// The session's runs: numbering, the exclusion diff, the figures an activation comparison gives
// a run, and the CSV and JSON forms (values written out by hand below).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "project/RunHistory.h"

namespace ql {
namespace {

Run run(RunOrigin origin, std::string name, std::vector<std::string> exclusions) {
    Run r;
    r.origin = origin;
    r.name = std::move(name);
    r.exclusions = std::move(exclusions);
    return r;
}

TEST(RunHistory, NumbersRunsAndDiffsTheirExclusions) {
    RunHistory h;
    h.add(run(RunOrigin::Loaded, "model_int8.onnx", {"b", "a"}));
    h.add(run(RunOrigin::Requantized, "re-quantized", {"a", "c", "d"}));
    ASSERT_EQ(h.runs().size(), 2u);
    EXPECT_EQ(h.runs()[0].number, 1);
    EXPECT_EQ(h.runs()[1].number, 2);
    EXPECT_EQ(h.runs()[0].exclusions, (std::vector<std::string>{"a", "b"}));  // sorted
    ASSERT_EQ(h.previous(2), h.find(1));
    EXPECT_EQ(h.previous(1), nullptr);

    const ExclusionDiff d = diffExclusions(h.find(1)->exclusions, h.find(2)->exclusions);
    EXPECT_EQ(d.added, (std::vector<std::string>{"c", "d"}));
    EXPECT_EQ(d.removed, (std::vector<std::string>{"b"}));
    EXPECT_EQ(d.describe(), "+2 \u22121");
    EXPECT_EQ(diffExclusions({"x"}, {"x"}).describe(), "same");
}

TEST(RunHistory, TakesTheDeployedOutputsAndFidelityFromAComparison) {
    ActivationReport report;
    report.imageCount = 3;
    OutputError out;
    out.name = "output0";
    out.metrics.sqnrDb = 19.25;
    OutputPartError boxes;
    boxes.kind = OutputPartKind::Boxes;
    boxes.metrics.sqnrDb = 31.5;
    OutputPartError scores;
    scores.kind = OutputPartKind::ClassScores;
    scores.metrics.sqnrDb = 4.0;
    out.parts = {boxes, scores};
    report.outputs.push_back(out);
    report.fidelity = DetectionFidelity{};
    report.fidelity->map.map50 = 0.9;
    report.fidelity->map.map50to95 = 0.7;
    report.failures = {"class scores collapse"};

    RunMetrics m;
    fillFromComparison(m, report);
    EXPECT_EQ(m.images, 3u);
    ASSERT_EQ(m.parts.size(), 3u);
    EXPECT_EQ(m.parts[0].name, "output0");
    EXPECT_DOUBLE_EQ(m.parts[0].sqnrDb, 19.25);
    EXPECT_EQ(m.parts[1].name, "output0 boxes");
    EXPECT_EQ(m.parts[2].name, "output0 class scores");
    EXPECT_DOUBLE_EQ(m.parts[2].sqnrDb, 4.0);
    EXPECT_DOUBLE_EQ(*m.fidelity50, 0.9);
    EXPECT_DOUBLE_EQ(*m.fidelity50to95, 0.7);
    EXPECT_EQ(m.failures.size(), 1u);
}

RunHistory twoMeasuredRuns() {
    RunHistory h;
    Run a = run(RunOrigin::Loaded, "yolo, int8.onnx", {"n1"});
    a.metrics.images = 3;
    a.metrics.parts = {{"output0", 19.254}, {"output0 boxes", 30.0}};
    a.metrics.fidelity50 = 0.95;
    a.metrics.latency = LatencyStats{10, 28.0, 30.0, 34.0, 30.5};
    a.metrics.sizeBytes = 3500000;
    h.add(a);
    Run b = run(RunOrigin::Baseline, "baseline", {});
    b.calibration = "11 images of calib";
    b.metrics.parts = {{"output0", 18.0}};
    h.add(b);
    return h;
}

TEST(RunHistory, CsvHasOneRowPerRunAndEmptyCellsForWhatWasNotMeasured) {
    const std::string csv = twoMeasuredRuns().toCsv();
    const std::string expected =
        "run,origin,name,excluded,added,removed,calibration,images,output0 SQNR dB,output0 boxes SQNR dB,"
        "fidelity mAP50,fidelity mAP50-95,mAP50,mAP50-95,latency median ms,latency spread ms,latency runs,size bytes,failures\n"
        "1,loaded,\"yolo, int8.onnx\",1,0,0,,3,19.25,30.00,0.9500,,,,30.00,3.00,10,3500000,\n"
        "2,baseline,baseline,0,0,1,11 images of calib,0,18.00,,,,,,,,,0,\n";
    EXPECT_EQ(csv, expected);
}

TEST(RunHistory, JsonRoundTripAndRefusals) {
    const RunHistory h = twoMeasuredRuns();
    auto back = RunHistory::fromJson(nlohmann::json::parse(h.toJson().dump()));
    ASSERT_TRUE(back) << back.errorMessage();
    EXPECT_EQ(back->toCsv(), h.toCsv());
    EXPECT_EQ(back->runs()[1].origin, RunOrigin::Baseline);
    EXPECT_FALSE(back->runs()[1].metrics.latency);

    nlohmann::json bad = h.toJson();
    bad[1]["origin"] = "guessed";
    auto refused = RunHistory::fromJson(bad);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.errorMessage().find("runs[1].origin: unknown origin 'guessed'"), std::string::npos);
    bad = h.toJson();
    bad[1]["number"] = 1;
    EXPECT_FALSE(RunHistory::fromJson(bad));
    EXPECT_FALSE(RunHistory::fromJson(nlohmann::json::object()));
}

}  // namespace
}  // namespace ql
