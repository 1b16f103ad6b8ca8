// Matching, mAP, class names and datasets.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "detect/ClassNames.h"
#include "detect/DetectionMatcher.h"
#include "detect/MapEvaluator.h"
#include "detect/YoloDataset.h"
#include "support/TestModels.h"

namespace ql {
namespace {

Detection det(float x1, float y1, float x2, float y2, int c, float s = 1.0f) { return {{x1, y1, x2, y2}, c, s}; }

TEST(DetectionMatcher, PairsMissedAndExtra) {
    const std::vector<Detection> fp32 = {det(0, 0, 10, 10, 0, 0.9f), det(20, 20, 30, 30, 1, 0.8f), det(50, 50, 60, 60, 0, 0.7f)};
    const std::vector<Detection> quant = {det(1, 0, 11, 10, 0, 0.85f), det(20, 20, 30, 30, 2, 0.8f), det(80, 80, 90, 90, 0, 0.5f)};
    const auto m = matchDetections(fp32, quant);
    ASSERT_EQ(m.pairs.size(), 1u);
    EXPECT_EQ(m.pairs[0].reference, 0);
    EXPECT_EQ(m.pairs[0].test, 0);
    EXPECT_NEAR(m.pairs[0].iou, 90.0f / 110.0f, 1e-6);
    EXPECT_NEAR(m.pairs[0].scoreChange, -0.05f, 1e-6);
    EXPECT_EQ(m.missed, (std::vector<int>{1, 2}));  // a class change counts as missed + extra
    EXPECT_EQ(m.extra, (std::vector<int>{1, 2}));
}

TEST(DetectionMatcher, MovedAreMatchedBoxesThatOverlapLittle) {
    // IoU 90/110 = 0.82 stays put; a box shifted by 3 of 10 (IoU 70/130 = 0.54) has moved.
    const std::vector<Detection> fp32 = {det(0, 0, 10, 10, 0, 0.9f), det(20, 20, 30, 30, 0, 0.8f)};
    const std::vector<Detection> quant = {det(1, 0, 11, 10, 0, 0.9f), det(23, 20, 33, 30, 0, 0.8f)};
    const auto m = matchDetections(fp32, quant, 0.5f);
    ASSERT_EQ(m.pairs.size(), 2u);
    const auto moved = movedPairs(m);
    ASSERT_EQ(moved.size(), 1u);
    EXPECT_EQ(moved[0].reference, 1);
    EXPECT_EQ(moved[0].test, 1);
    EXPECT_NEAR(moved[0].iou, 70.0f / 130.0f, 1e-6);
    EXPECT_EQ(movedPairs(m, 0.5f).size(), 0u);
}

TEST(MapEvaluator, PerfectPredictionsScoreOne) {
    MapEvaluator e;
    e.addImage({det(0, 0, 10, 10, 0, 0.9f), det(20, 20, 40, 40, 1, 0.8f)}, {det(0, 0, 10, 10, 0), det(20, 20, 40, 40, 1)});
    const auto r = e.result();
    EXPECT_DOUBLE_EQ(r.map50, 1.0);
    EXPECT_DOUBLE_EQ(r.map50to95, 1.0);
}

TEST(MapEvaluator, KnownPrecisionRecallCurve) {
    // One class, two ground truths; predictions ranked: hit, miss, hit. Precision at recall 0.5
    // is 1, at recall 1 is 2/3: AP = (51 x 1 + 50 x 2/3) / 101.
    MapEvaluator e;
    e.addImage({det(0, 0, 10, 10, 0, 0.9f), det(50, 50, 60, 60, 0, 0.8f), det(20, 20, 30, 30, 0, 0.7f)},
               {det(0, 0, 10, 10, 0), det(20, 20, 30, 30, 0)});
    EXPECT_NEAR(e.result().map50, (51.0 + 50.0 * 2.0 / 3.0) / 101.0, 1e-9);
}

TEST(MapEvaluator, LooseBoxesLoseAtStrictThresholds) {
    // IoU 0.8: a hit at thresholds 0.50..0.80, a miss at 0.85..0.95: mAP@.5:.95 = 7/10.
    MapEvaluator e;
    e.addImage({det(0, 0, 8, 10, 0, 0.9f)}, {det(0, 0, 10, 10, 0), });
    const auto r = e.result();
    EXPECT_DOUBLE_EQ(r.map50, 1.0);
    EXPECT_NEAR(r.map50to95, 0.7, 1e-9);
}

TEST(ClassNames, YamlMapListAndText) {
    const std::string mapYaml = test::tempPath("map.yaml");
    std::ofstream(mapYaml) << "path: x\nnames:\n  0: person\n  1: 'traffic light'\nnc: 2\n";
    EXPECT_EQ(*loadClassNames(mapYaml), (std::vector<std::string>{"person", "traffic light"}));
    const std::string listYaml = test::tempPath("list.yaml");
    std::ofstream(listYaml) << "names: ['cat', 'dog']\n";
    EXPECT_EQ(*loadClassNames(listYaml), (std::vector<std::string>{"cat", "dog"}));
    const std::string text = test::tempPath("names.txt");
    std::ofstream(text) << "apple\nbanana\n\n";
    EXPECT_EQ(*loadClassNames(text), (std::vector<std::string>{"apple", "banana"}));
    EXPECT_EQ(cocoClassNames().size(), 80u);
    EXPECT_EQ(className(cocoClassNames(), 5), "bus");
    EXPECT_EQ(className({}, 7), "class 7");
}

TEST(YoloDataset, LoadsImagesLabelsAndNames) {
    namespace fs = std::filesystem;
    const fs::path root = test::tempPath("dataset");
    fs::create_directories(root / "images/val");
    fs::create_directories(root / "labels/val");
    cv::imwrite((root / "images/val/a.jpg").string(), cv::Mat(20, 40, CV_8UC3));
    cv::imwrite((root / "images/val/b.jpg").string(), cv::Mat(20, 40, CV_8UC3));
    std::ofstream(root / "labels/val/a.txt") << "1 0.5 0.5 0.5 0.5\n";
    std::ofstream(root / "data.yaml") << "path: /somewhere/else\nval: images/val\nnames:\n  0: a\n  1: b\n";
    auto ds = YoloDataset::load((root / "data.yaml").string());
    ASSERT_TRUE(ds) << ds.errorMessage();
    ASSERT_EQ(ds->images.size(), 2u);
    ASSERT_EQ(ds->images[0].labels.size(), 1u);
    EXPECT_TRUE(ds->images[1].labels.empty());
    const Detection d = ds->images[0].labels[0].toDetection(40, 20);
    EXPECT_FLOAT_EQ(d.box.x1, 10.0f);
    EXPECT_FLOAT_EQ(d.box.y2, 15.0f);
    EXPECT_EQ(ds->classNames, (std::vector<std::string>{"a", "b"}));

    std::ofstream(root / "labels/val/b.txt") << "not a label\n";
    auto bad = YoloDataset::load(root.string());
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.errorMessage().find("b.txt:1"), std::string::npos) << bad.errorMessage();
}

}  // namespace
}  // namespace ql
