// A model with one layer made to quantize badly on purpose: sensitivity must rank it first and
// the suggestion must exclude it.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "analysis/ActivationComparison.h"
#include "analysis/Sensitivity.h"
#include "model/ModelBuilder.h"
#include "quantize/CalibrationCache.h"
#include "quantize/QdqQuantizer.h"
#include "runtime/InferenceSession.h"
#include "support/TestModels.h"

namespace ql {
namespace {

std::vector<float> pattern(size_t n, float amplitude, float phase) {
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = amplitude * std::sin(1.7f * static_cast<float>(i) + phase);
    return v;
}

// x -> conv1 -> relu1 -> conv2 -> relu2 -> conv3 -> y. conv1's channel 0 is always negative, so
// relu1 zeroes it; conv2 reads that dead channel with a weight of 40, harmless in float, but it
// sets conv2's per-tensor weight scale to 40/127 and rounds every real weight to 0 or ±1 step.
OnnxModel badLayerModel() {
    ModelBuilder b;
    b.input("x", {1, 3, 8, 8}).output("y", {1, 2, 8, 8});
    std::vector<float> w1 = pattern(4 * 3 * 9, 0.4f, 0.3f);
    std::fill(w1.begin(), w1.begin() + 27, -0.5f);
    b.floatInitializer("W1", {4, 3, 3, 3}, w1);
    b.floatInitializer("B1", {4}, {-1.0f, 0.1f, 0.05f, 0.2f});
    std::vector<float> w2 = pattern(4 * 4, 0.3f, 1.1f);
    w2[3 * 4 + 0] = 40.0f;
    b.floatInitializer("W2", {4, 4, 1, 1}, w2);
    b.floatInitializer("W3", {2, 4, 1, 1}, pattern(8, 0.5f, 2.0f));
    setAttribute(b.node("Conv", {"x", "W1", "B1"}, {"c1"}, "conv1"), "pads", std::vector<int64_t>{1, 1, 1, 1});
    b.node("Relu", {"c1"}, {"r1"}, "relu1");
    b.node("Conv", {"r1", "W2"}, {"c2"}, "conv2");
    b.node("Relu", {"c2"}, {"r2"}, "relu2");
    b.node("Conv", {"r2", "W3"}, {"y"}, "conv3");
    return std::move(OnnxModel::fromProto(b.build(), "bad-layer")).value();
}

std::vector<std::string> noiseImages() {
    const std::string dir = test::tempPath("noise");
    std::filesystem::create_directories(dir);
    cv::RNG rng(42);
    std::vector<std::string> paths;
    for (int i = 0; i < 3; ++i) {
        cv::Mat image(8, 8, CV_8UC3);
        rng.fill(image, cv::RNG::UNIFORM, 0, 256);
        paths.push_back(dir + "/" + std::to_string(i) + ".png");
        cv::imwrite(paths.back(), image);
    }
    return paths;
}

struct Fixture {
    OnnxModel model = badLayerModel();
    std::vector<std::string> images = noiseImages();
    SensitivityOptions options;
    std::shared_ptr<const CalibrationData> calibration;

    Fixture() {
        options.preprocess.width = options.preprocess.height = 8;
        CalibrationOptions c;
        c.preprocess = options.preprocess;
        calibration = *CalibrationCache("").get(model, images, c);
    }
};

TEST(Sensitivity, RanksTheBadLayerFirst) {
    Fixture f;
    auto report = analyzeSensitivity(f.model, *f.calibration, {}, f.images, f.options);
    ASSERT_TRUE(report) << report.errorMessage();
    EXPECT_EQ(report->imageCount, 3u);
    ASSERT_EQ(report->entries.size(), 5u);  // conv1, relu1, conv2, relu2, conv3
    EXPECT_EQ(report->entries.front().group, "conv2");
    EXPECT_GT(report->entries.front().gain, 3.0);  // every other node gains well under 1 dB
    EXPECT_GT(report->entries.front().leftFloat.output.sqnrDb, report->baseline.output.sqnrDb);
    // Quantizing only conv2 is the worst single choice as well.
    const auto worstOnly = std::min_element(report->entries.begin(), report->entries.end(), [](const auto& a, const auto& b) {
        return a.onlyQuantized.output.sqnrDb < b.onlyQuantized.output.sqnrDb;
    });
    EXPECT_EQ(worstOnly->group, "conv2");
}

TEST(Sensitivity, SuggestionExcludesTheBadLayer) {
    Fixture f;
    auto ranking = analyzeSensitivity(f.model, *f.calibration, {}, f.images, f.options);
    ASSERT_TRUE(ranking);
    const double target = ranking->entries.front().leftFloat.output.sqnrDb - 0.5;
    auto s = suggestExclusions(f.model, *f.calibration, {}, f.images, f.options, *ranking, target, 3);
    ASSERT_TRUE(s) << s.errorMessage();
    EXPECT_TRUE(s->reachedTarget);
    ASSERT_EQ(s->nodesToExclude.size(), 1u);
    EXPECT_EQ(s->nodesToExclude.front(), "conv2");
    ASSERT_EQ(s->curve.size(), 2u);
    EXPECT_GT(s->curve[1].score.output.sqnrDb, s->curve[0].score.output.sqnrDb);
    EXPECT_GT(s->curve[0].latencyMs, 0.0);
    EXPECT_GT(s->curve[1].latencyMs, 0.0);
}

// The same pair, images and settings give the same output figure in suggest/sensitivity and in
// compare (and so in the app and reports, which run compare): both are plain ONNX Runtime sessions
// at the deployed optimisation level.
TEST(Sensitivity, OutputFiguresMatchCompare) {
    Fixture f;
    auto ranking = analyzeSensitivity(f.model, *f.calibration, {}, f.images, f.options);
    ASSERT_TRUE(ranking) << ranking.errorMessage();
    auto fp32 = AnalyzedModel::analyze(std::move(OnnxModel::fromProto(badLayerModel().proto(), "bad-layer")).value());
    ASSERT_TRUE(fp32);
    ActivationOptions compareOptions;
    compareOptions.preprocess = f.options.preprocess;
    compareOptions.session = f.options.session;
    for (const bool excludeConv2 : {false, true}) {
        QuantizerSettings settings;
        if (excludeConv2)
            settings.nodesToExclude = {"conv2"};
        auto quantized = quantizeQdq(f.model, *f.calibration, settings);
        ASSERT_TRUE(quantized) << quantized.errorMessage();
        auto analyzed = AnalyzedModel::analyze(std::move(quantized->model));
        ASSERT_TRUE(analyzed);
        auto compared = compareActivations(*fp32, *analyzed, f.images, compareOptions);
        ASSERT_TRUE(compared) << compared.errorMessage();
        const auto conv2 = std::find_if(ranking->entries.begin(), ranking->entries.end(),
                                        [](const auto& e) { return e.group == "conv2"; });
        ASSERT_NE(conv2, ranking->entries.end());
        const double suggestFigure = excludeConv2 ? conv2->leftFloat.output.sqnrDb : ranking->baseline.output.sqnrDb;
        EXPECT_NEAR(compared->outputs.at(0).metrics.sqnrDb, suggestFigure, 1e-4) << "conv2 excluded: " << excludeConv2;
    }
}

TEST(Sensitivity, FidelityRefusesAModelWithSeveralOutputs) {
    ModelBuilder b;
    b.input("x", {1, 3, 8, 8}).output("a", {1, 3, 8, 8}).output("b", {1, 3, 8, 8});
    b.node("Relu", {"x"}, {"a"}, "relu");
    b.node("Sigmoid", {"x"}, {"b"}, "sigmoid");
    auto model = OnnxModel::fromProto(b.build(), "two-outputs");
    ASSERT_TRUE(model);
    const auto images = noiseImages();
    SensitivityOptions options;
    options.preprocess.width = options.preprocess.height = 8;
    options.objective = Objective::DetectionFidelity;
    CalibrationOptions c;
    c.preprocess = options.preprocess;
    auto calibration = CalibrationCache("").get(*model, images, c);
    ASSERT_TRUE(calibration) << calibration.errorMessage();
    auto report = analyzeSensitivity(*model, **calibration, {}, images, options);
    ASSERT_FALSE(report);
    EXPECT_NE(report.errorMessage().find("2 outputs (a, b)"), std::string::npos) << report.errorMessage();
}

TEST(Sensitivity, GroupsByModulePrefix) {
    ModelBuilder b;
    b.input("x", {1, 4}).output("z", {1, 4});
    b.node("Relu", {"x"}, {"a"}, "/model.1/act/Relu");
    b.node("Sigmoid", {"a"}, {"s"}, "/model.1/act/Sigmoid");
    b.node("Mul", {"a", "s"}, {"z"}, "/model.2/Mul");
    auto model = OnnxModel::fromProto(b.build(), "groups");
    const auto groups = candidateGroups(*model, {}, 1);
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0].first, "/model.1/");
    EXPECT_EQ(groups[0].second.size(), 2u);
    EXPECT_EQ(groups[1].first, "/model.2/");
}


// The search on hand-made figures: a table from the set of excluded nodes to the objective on the
// scoring and on the validation images, so every step can be worked out on paper.
class TableEvaluator : public ExclusionEvaluator {
public:
    std::map<std::string, double> scoring, validation;  // key: sorted node names joined by ','
    bool withValidation = true;
    int scored = 0;

    static std::string key(std::vector<std::string> nodes) {
        std::sort(nodes.begin(), nodes.end());
        std::string k;
        for (const auto& n : nodes)
            k += (k.empty() ? "" : ",") + n;
        return k;
    }
    Result<Score> score(const std::vector<std::string>& excluded) override {
        ++scored;
        const auto it = scoring.find(key(excluded));
        if (it == scoring.end())
            return Error{"no figure for {" + key(excluded) + "}"};
        Score s;
        s.map50to95 = it->second;
        return s;
    }
    Status measure(const std::vector<std::string>& excluded, SuggestionStep& step) override {
        step.latency.medianMs = step.latencyMs = 10.0 + static_cast<double>(excluded.size());  // 1 ms a float node
        if (withValidation) {
            const auto it = validation.find(key(excluded));
            if (it == validation.end())
                return Error{"no validation figure for {" + key(excluded) + "}"};
            Score v;
            v.map50to95 = it->second;
            step.validation = v;
        }
        return Ok{};
    }
};

SensitivityEntry entry(const std::string& name, std::vector<std::string> nodes = {}) {
    SensitivityEntry e;
    e.group = name;
    e.nodes = nodes.empty() ? std::vector<std::string>{name} : std::move(nodes);
    return e;
}

// A helps most alone, then B, then C; but once B and C are float, A adds nothing: the forward
// pass takes A, B, C and the backward pass must drop A.
TEST(SuggestSearch, BackwardPassDropsAnExclusionThatNoLongerHelps) {
    TableEvaluator t;
    t.scoring = {{"", 0.0},      {"A", 0.50},     {"B", 0.40},     {"C", 0.10},    {"A,B", 0.80},
                 {"A,C", 0.55},  {"B,C", 0.90},   {"A,B,C", 0.90}};
    t.validation = t.scoring;
    const std::vector<SensitivityEntry> ranked = {entry("A"), entry("B"), entry("C")};
    SearchOptions o;
    o.minGain = 0.01;
    auto s = searchExclusions(t, Objective::Map50to95, {}, ranked, o);
    ASSERT_TRUE(s) << s.errorMessage();
    std::vector<std::string> list = s->nodesToExclude;
    std::sort(list.begin(), list.end());
    EXPECT_EQ(list, (std::vector<std::string>{"B", "C"}));
    // start, +A (0.50), +B (0.80), +C (0.90), -A (0.90)
    ASSERT_EQ(s->curve.size(), 5u);
    EXPECT_EQ(s->curve[1].group, "A");
    EXPECT_EQ(s->curve[2].group, "B");
    EXPECT_EQ(s->curve[3].group, "C");
    EXPECT_EQ(s->curve[4].kind, SuggestionStep::Kind::Dropped);
    EXPECT_EQ(s->curve[4].group, "A");
    EXPECT_DOUBLE_EQ(s->curve[4].score.map50to95, 0.90);
    EXPECT_DOUBLE_EQ(s->curve[4].latencyMs, 12.0);  // two float nodes
    EXPECT_EQ(s->stopReason, "no candidate is left");

    // Without the backward pass, A stays.
    o.backward = false;
    auto kept = searchExclusions(t, Objective::Map50to95, {}, ranked, o);
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->nodesToExclude.size(), 3u);
}

// Scoring keeps rising, validation peaks after the first step: with patience 2 the search stops
// two steps later and returns the list of the best validation step.
TEST(SuggestSearch, StopsWhenValidationStopsImproving) {
    TableEvaluator t;
    t.scoring = {{"", 0.0}, {"A", 0.5}, {"A,B", 0.6}, {"A,B,C", 0.7}, {"A,B,C,D", 0.8}, {"B", 0.1}, {"A,C", 0.45},
                 {"A,B,D", 0.55}};
    t.validation = {{"", 0.0}, {"A", 0.5}, {"A,B", 0.49}, {"A,B,C", 0.48}, {"A,B,C,D", 0.9}};
    const std::vector<SensitivityEntry> ranked = {entry("A"), entry("B"), entry("C"), entry("D")};
    SearchOptions o;
    o.minGain = 0.01;
    o.patience = 2;
    o.candidatesPerStep = 1;  // the ranking's order: A, B, C, D
    auto s = searchExclusions(t, Objective::Map50to95, {}, ranked, o);
    ASSERT_TRUE(s) << s.errorMessage();
    EXPECT_EQ(s->nodesToExclude, (std::vector<std::string>{"A"}));
    ASSERT_EQ(s->curve.size(), 4u);  // start, +A, +B, +C: D is never tried
    EXPECT_TRUE(s->curve[1].kept);
    EXPECT_FALSE(s->curve[2].kept);
    EXPECT_FALSE(s->curve[3].kept);
    EXPECT_NE(s->stopReason.find("validation stopped improving"), std::string::npos) << s->stopReason;
    EXPECT_NE(s->stopReason.find("back to step 1"), std::string::npos) << s->stopReason;
    ASSERT_TRUE(s->curve[3].validation);
    EXPECT_DOUBLE_EQ(s->curve[3].validation->map50to95, 0.48);
    EXPECT_FALSE(s->reachedTarget);  // no target: "as high as it goes" is never "reached"
}

// A latency budget: the candidate that gains most is too slow, the next one is taken.
TEST(SuggestSearch, KeepsWithinTheLatencyBudget) {
    TableEvaluator t;
    t.withValidation = false;
    t.scoring = {{"", 0.0}, {"M1,M2,M3", 0.9}, {"N", 0.6}, {"M1,M2,M3,N", 0.95}};
    const std::vector<SensitivityEntry> ranked = {entry("/m/", {"M1", "M2", "M3"}), entry("N")};
    SearchOptions o;
    o.sizeExponent = 0.0;   // the biggest gain first, whatever its size
    o.maxLatencyMs = 12.5;  // 10 ms + 1 ms a float node: 2 float nodes at most
    auto s = searchExclusions(t, Objective::Map50to95, {}, ranked, o);
    ASSERT_TRUE(s) << s.errorMessage();
    EXPECT_EQ(s->nodesToExclude, (std::vector<std::string>{"N"}));
    EXPECT_EQ(s->stopReason, "no candidate is left");
}

// A module gains most, but one of its nodes gains nearly as much for a third of the nodes: with
// the default size exponent (0.5) the node is taken; with 0, the module.
TEST(SuggestSearch, PrefersASmallGroupThatGainsNearlyAsMuch) {
    TableEvaluator t;
    t.withValidation = false;
    t.scoring = {{"", 0.0}, {"M1,M2,M3", 0.9}, {"M1", 0.7}, {"M1,M2,M3", 0.9}};
    const std::vector<SensitivityEntry> ranked = {entry("/m/", {"M1", "M2", "M3"}), entry("M1")};
    SearchOptions o;
    o.maxSteps = 1;
    o.backward = false;
    auto small = searchExclusions(t, Objective::Map50to95, {}, ranked, o);  // 0.9 / sqrt(3) = 0.52 < 0.7 / 1
    ASSERT_TRUE(small) << small.errorMessage();
    EXPECT_EQ(small->nodesToExclude, (std::vector<std::string>{"M1"}));
    o.sizeExponent = 0.0;
    auto big = searchExclusions(t, Objective::Map50to95, {}, ranked, o);
    ASSERT_TRUE(big) << big.errorMessage();
    EXPECT_EQ(big->nodesToExclude.size(), 3u);
}

// A group all of whose nodes a later group holds is dropped without being measured again.
TEST(SuggestSearch, DropsAGroupALaterOneCovers) {
    TableEvaluator t;
    t.withValidation = false;
    t.scoring = {{"", 0.0}, {"M1", 0.5}, {"M1,M2", 0.7}, {"M2", 0.1}};  // /m/: 0.7 / sqrt(2) < 0.5: M1 first
    const std::vector<SensitivityEntry> ranked = {entry("M1"), entry("/m/", {"M1", "M2"})};
    SearchOptions o;
    o.minGain = 0.01;
    auto s = searchExclusions(t, Objective::Map50to95, {}, ranked, o);
    ASSERT_TRUE(s) << s.errorMessage();
    ASSERT_EQ(s->curve.size(), 4u);  // start, +M1, +/m/, -M1
    EXPECT_EQ(s->curve[3].kind, SuggestionStep::Kind::Dropped);
    EXPECT_EQ(s->curve[3].group, "M1");
    EXPECT_DOUBLE_EQ(s->curve[3].score.map50to95, 0.7);
    EXPECT_EQ(s->nodesToExclude.size(), 2u);
}

TEST(SuggestSearch, ObjectivesByName) {
    for (const auto* name : {"sqnr", "fidelity50", "fidelity50-95", "map50", "map50-95"}) {
        auto o = parseObjective(name);
        ASSERT_TRUE(o) << name;
        EXPECT_EQ(objectiveName(*o), name);
    }
    EXPECT_FALSE(parseObjective("map"));
    EXPECT_TRUE(objectiveNeedsLabels(Objective::Map50to95));
    EXPECT_FALSE(objectiveNeedsLabels(Objective::Fidelity50to95));
}

// The whole search on the bad-layer model, with validation images: conv2 is excluded, and the
// validation figure of each step is the output SQNR on those images, as compare measures it.
TEST(Sensitivity, SuggestionWithValidationAndComparison) {
    Fixture f;
    ImageSet all{f.images, {}};
    auto ranking = screenCandidates(f.model, *f.calibration, {}, all.slice(0, 2), f.options, 0, 3);
    ASSERT_TRUE(ranking) << ranking.errorMessage();
    EXPECT_EQ(ranking->entries.front().group, "conv2");
    SearchOptions search;
    search.maxSteps = 3;
    const std::vector<std::string> theirs = {"conv1", "relu1"};
    auto s = suggestExclusions(f.model, *f.calibration, {}, all.slice(0, 2), all.slice(2, 1), f.options, *ranking, search,
                               &theirs);
    ASSERT_TRUE(s) << s.errorMessage();
    ASSERT_FALSE(s->nodesToExclude.empty());
    EXPECT_NE(std::find(s->nodesToExclude.begin(), s->nodesToExclude.end(), "conv2"), s->nodesToExclude.end());
    ASSERT_TRUE(s->curve.front().validation);
    EXPECT_EQ(s->curve.front().validation->images, 1u);
    EXPECT_EQ(s->curve.front().score.images, 2u);
    EXPECT_GT(s->curve[1].validation->output.sqnrDb, s->curve[0].validation->output.sqnrDb + 3.0);
    EXPECT_GT(s->curve[1].latency.runs, 0);
    EXPECT_GE(s->curve[1].latency.p95Ms, s->curve[1].latency.minMs);
    EXPECT_GT(s->curve[1].modelBytes, 0u);
    ASSERT_TRUE(s->compared);
    EXPECT_EQ(s->compared->nodes, theirs);
    EXPECT_LT(s->compared->score.output.sqnrDb, s->curve[1].score.output.sqnrDb);  // conv2 matters, theirs does not
    EXPECT_FALSE(s->warnings.empty());  // 2 scoring images are too few to tell
}

// INT16 as a step before float: conv2's dead-channel weight of 40 ruins its 8-bit grid, but at
// 16 bits (scale 40/32767) its real weights survive, so Suggest keeps it quantized at INT16 rather
// than float. The mix's output SQNR is measured again here: quantize with the overrides Suggest
// gives, run ONNX Runtime, and sum the error against FP32 by hand.
TEST(Sensitivity, SuggestionTriesInt16BeforeFloat) {
    Fixture f;
    auto ranking = analyzeSensitivity(f.model, *f.calibration, {}, f.images, f.options);
    ASSERT_TRUE(ranking);
    SearchOptions search;
    search.maxSteps = 3;
    search.target = ranking->entries.front().leftFloat.output.sqnrDb - 0.5;
    auto plain = suggestExclusions(f.model, *f.calibration, {}, ImageSet{f.images, {}}, ImageSet{}, f.options, *ranking, search);
    ASSERT_TRUE(plain) << plain.errorMessage();
    EXPECT_EQ(plain->nodesToExclude, std::vector<std::string>{"conv2"});
    EXPECT_TRUE(plain->nodesInt16.empty());  // off unless asked

    search.tryInt16 = true;
    auto s = suggestExclusions(f.model, *f.calibration, {}, ImageSet{f.images, {}}, ImageSet{}, f.options, *ranking, search);
    ASSERT_TRUE(s) << s.errorMessage();
    EXPECT_EQ(s->nodesInt16, std::vector<std::string>{"conv2"});
    EXPECT_TRUE(s->nodesToExclude.empty());
    const auto& o = s->tensorQuantOverrides;
    ASSERT_TRUE(o.contains("W2") && o.contains("r1") && o.contains("c2")) << o.dump();
    EXPECT_EQ(o["W2"][0]["quant_type"], "QInt16");
    EXPECT_EQ(o["r1"][0]["quant_type"], "QUInt16");
    ASSERT_TRUE(s->int16Score && s->floatScore);
    EXPECT_GE(s->int16Score->output.sqnrDb, s->floatScore->output.sqnrDb - 0.05);

    QuantizerSettings mixed;
    mixed.tensorQuantOverrides = o;
    auto q = quantizeQdq(f.model, *f.calibration, mixed);
    ASSERT_TRUE(q) << q.errorMessage();
    auto fpSession = InferenceSession::fromBytes(*f.model.serialize(), "fp32");
    auto qSession = InferenceSession::fromBytes(*q->model.serialize(), "mixed");
    ASSERT_TRUE(fpSession && qSession);
    double signal = 0, noise = 0;
    for (const auto& path : f.images) {
        const cv::Mat bgr = cv::imread(path);
        std::vector<float> x(3 * 64);
        for (int c = 0; c < 3; ++c)
            for (int i = 0; i < 64; ++i)
                x[static_cast<size_t>(c * 64 + i)] = bgr.data[i * 3 + (2 - c)] / 255.0f;
        auto a = fpSession->run({{"x", {1, 3, 8, 8}, x.data(), x.size()}});
        auto b = qSession->run({{"x", {1, 3, 8, 8}, x.data(), x.size()}});
        ASSERT_TRUE(a && b);
        for (size_t i = 0; i < a->view(0).size; ++i) {
            const double r = a->view(0).data[i], d = b->view(0).data[i] - r;
            signal += r * r;
            noise += d * d;
        }
    }
    EXPECT_NEAR(10 * std::log10(signal / noise), s->int16Score->output.sqnrDb, 0.05);
}

TEST(Sensitivity, MapObjectiveRefusesImagesWithoutLabels) {
    Fixture f;
    f.options.objective = Objective::Map50to95;
    SensitivityReport ranking;
    auto s = suggestExclusions(f.model, *f.calibration, {}, ImageSet{f.images, {}, {}}, ImageSet{}, f.options, ranking, {});
    ASSERT_FALSE(s);
    EXPECT_NE(s.errorMessage().find("mAP against labels"), std::string::npos) << s.errorMessage();
}

}  // namespace
}  // namespace ql
