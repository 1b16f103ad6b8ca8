// `eval`'s ranking of images by how much quantization changed them and of classes by AP lost, on
// a report built by hand with the scores worked out here.
#include <sstream>

#include <gtest/gtest.h>

#include "report/DetectionReport.h"

namespace ql {
namespace {

EvaluationReport handMadeReport() {
    EvaluationReport r;
    r.images = 3;
    r.classNames = {"ant", "bee", "cat"};
    r.quantized = ModelEvaluation{};
    r.fidelity = DetectionFidelity{};
    DetectionMatch same;  // one pair, IoU 1: score 0
    same.pairs = {{0, 0, 1.0f, 0.0f}};
    DetectionMatch someMissed;  // 2 missed + pair IoU 0.9: 2 + 0.1
    someMissed.pairs = {{0, 0, 0.9f, 0.0f}};
    someMissed.missed = {1, 2};
    DetectionMatch moved;  // pair IoU 0.6 (moved, < 0.8): 1 + 0.4, one extra: 1
    moved.pairs = {{0, 0, 0.6f, 0.0f}};
    moved.extra = {1};
    r.fidelity->imageMatches = {{"a.jpg", same}, {"b.jpg", moved}, {"c.jpg", someMissed}};
    r.fp32.accuracy.ap50PerClass = {{0, 0.8}, {1, 0.5}, {2, 0.9}};
    r.quantized->accuracy.ap50PerClass = {{0, 0.7}, {2, 0.5}};  // class 1: nothing found any more
    r.fidelity->map.ap50PerClass = {{0, 0.95}, {2, 0.6}};
    return r;
}

TEST(EvaluationRanking, ImagesMostChangedFirstUnchangedLeftOut) {
    const EvaluationReport r = handMadeReport();
    const auto ranked = imagesByChange(r.fidelity->imageMatches);
    ASSERT_EQ(ranked.size(), 2u);
    EXPECT_EQ(ranked[0].image->path, "b.jpg");
    EXPECT_NEAR(ranked[0].change, 2.4, 1e-6);
    EXPECT_EQ(ranked[1].image->path, "c.jpg");
    EXPECT_NEAR(ranked[1].change, 2.1, 1e-6);
}

// The app's image list row: counts, mean score lost by the pairs, and the change score, by hand.
TEST(EvaluationRanking, ImageChangeRow) {
    DetectionMatch m;
    m.pairs = {{0, 0, 0.6f, -0.30f}, {1, 1, 1.0f, 0.10f}};  // one moved (0.6 < 0.8)
    m.missed = {2, 3};
    m.extra = {2};
    const ImageChange c = imageChange(m);
    EXPECT_EQ(c.matched, 2u);
    EXPECT_EQ(c.missed, 2u);
    EXPECT_EQ(c.extra, 1u);
    EXPECT_EQ(c.moved, 1u);
    EXPECT_NEAR(c.scoreDrop, (0.30 - 0.10) / 2, 1e-6);
    EXPECT_NEAR(c.change, 2 + 1 + 1 + 0.4 + 0.0, 1e-6);  // missed + extra + moved + (1 − IoU) per pair
    EXPECT_DOUBLE_EQ(imageChange(DetectionMatch{}).scoreDrop, 0.0);
}

TEST(EvaluationRanking, ClassesByApLostWithFidelity) {
    const EvaluationReport r = handMadeReport();
    const auto classes = classesByLoss(r);
    ASSERT_EQ(classes.size(), 3u);
    EXPECT_EQ(classes[0].classId, 1);  // 0.5 lost
    EXPECT_DOUBLE_EQ(classes[0].quantizedAp50, 0.0);
    EXPECT_DOUBLE_EQ(classes[0].fidelityAp50, -1.0);
    EXPECT_EQ(classes[1].classId, 2);  // 0.4
    EXPECT_DOUBLE_EQ(classes[1].fidelityAp50, 0.6);
    EXPECT_EQ(classes[2].classId, 0);  // 0.1
    EXPECT_NEAR(classes[2].loss(), 0.1, 1e-12);

    const nlohmann::json j = toJson(r);
    ASSERT_EQ(j["images_by_change"].size(), 2u);
    EXPECT_EQ(j["images_by_change"][0]["image"], "b.jpg");
    EXPECT_EQ(j["images_by_change"][0]["moved"], 1);
    EXPECT_EQ(j["images_by_change"][1]["missed"], 2);
    EXPECT_EQ(j["classes_by_loss"][0]["class"], "bee");
    EXPECT_TRUE(j["classes_by_loss"][0]["fidelity_ap50"].is_null());

    std::ostringstream text;
    printEvaluation(text, r);
    EXPECT_NE(text.str().find("Images quantization changed most (2 of 3 changed)"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("bee"), std::string::npos);
    EXPECT_LT(text.str().find("b.jpg"), text.str().find("c.jpg"));
}

}  // namespace
}  // namespace ql
