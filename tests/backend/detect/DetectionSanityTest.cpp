// What the detector refuses and what a run warns about: several outputs, class names against
// the output, per-run warnings from detection counts, and the detector pair that gathers them.
#include <gtest/gtest.h>

#include <filesystem>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "detect/DetectionSanity.h"
#include "detect/DetectorPair.h"
#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"
#include "model/TensorData.h"

namespace ql {
namespace {

// A 32x32-input model whose outputs (name -> shape) are all zero: ReduceMean(x) * 0 (a scalar),
// expanded.
OnnxModel zeroModel(const std::vector<std::pair<std::string, std::vector<int64_t>>>& outputs) {
    ModelBuilder b;
    b.input("images", {1, 3, 32, 32});
    b.floatInitializer("zero", {}, {0.0f});
    setAttribute(b.node("ReduceMean", {"images"}, {"m"}, "mean"), "keepdims", int64_t{0});
    b.node("Mul", {"m", "zero"}, {"z"}, "times_zero");
    for (const auto& [name, shape] : outputs) {
        b.initializer(makeIntTensor(name + "_shape", onnx::TensorProto::INT64, {static_cast<int64_t>(shape.size())}, shape));
        b.node("Expand", {"z", name + "_shape"}, {name}, name + "_expand");
        b.output(name, shape);
    }
    auto model = OnnxModel::fromProto(b.build(), "zeros.onnx");
    EXPECT_TRUE(model) << model.errorMessage();
    return std::move(model).value();
}

DetectorOptions options32() {
    DetectorOptions o;
    o.preprocess.width = o.preprocess.height = 32;  // grids 4x4 + 2x2 + 1x1 = 21 cells
    return o;
}

TEST(Detector, RefusesSeveralOutputsNamingThem) {
    const OnnxModel model = zeroModel({{"cls", {1, 16, 80}}, {"reg", {1, 16, 32}}});
    auto d = Detector::create(model, options32());
    ASSERT_FALSE(d);
    EXPECT_NE(d.errorMessage().find("zeros.onnx has 2 outputs (cls [1,16,80], reg [1,16,32])"), std::string::npos)
        << d.errorMessage();
    EXPECT_NE(d.errorMessage().find("--output-name"), std::string::npos);

    DetectorOptions named = options32();
    named.decode.outputName = "nope";
    d = Detector::create(model, named);
    ASSERT_FALSE(d);
    EXPECT_NE(d.errorMessage().find("has no output 'nope'"), std::string::npos) << d.errorMessage();
}

TEST(Detector, DecodesTheNamedOutputOfSeveral) {
    const OnnxModel model = zeroModel({{"aux", {1, 7}}, {"output0", {1, 84, 21}}});
    DetectorOptions o = options32();
    o.decode.outputName = "output0";
    auto d = Detector::create(model, o);
    ASSERT_TRUE(d) << d.errorMessage();
    EXPECT_EQ(d->layout(), YoloLayout::Ultralytics);
    auto found = d->detect(PreparedImage{std::vector<float>(3 * 32 * 32, 0.5f), {1, 3, 32, 32}, {}});
    ASSERT_TRUE(found) << found.errorMessage();
    EXPECT_TRUE(found->empty());
}

TEST(Detector, ReadsAHeadOfSeveralOutputs) {
    // YOLO-NAS, scores first: the detector reads both, boxes first.
    const OnnxModel nas = zeroModel({{"scores", {1, 21, 80}}, {"boxes", {1, 21, 4}}});
    auto d = Detector::create(nas, options32());
    ASSERT_TRUE(d) << d.errorMessage();
    EXPECT_EQ(d->layout(), YoloLayout::YoloNas);
    EXPECT_EQ(d->outputNames(), (std::vector<std::string>{"boxes", "scores"}));
    auto found = d->detect(PreparedImage{std::vector<float>(3 * 32 * 32, 0.5f), {1, 3, 32, 32}, {}});
    ASSERT_TRUE(found) << found.errorMessage();
    EXPECT_TRUE(found->empty());

    // YOLOX per level (80 classes by the names; 85 channels could as well be a 53-class GFL head).
    const OnnxModel levels = zeroModel({{"p5", {1, 85, 1, 1}}, {"p3", {1, 85, 4, 4}}, {"p4", {1, 85, 2, 2}}});
    DetectorOptions coco = options32();
    coco.decode.expectedClasses = 80;
    d = Detector::create(levels, coco);
    ASSERT_TRUE(d) << d.errorMessage();
    EXPECT_EQ(d->layout(), YoloLayout::YoloXLevels);
    EXPECT_EQ(d->outputNames(), (std::vector<std::string>{"p3", "p4", "p5"}));

    // A single-output head named among several still works; a multi-output one is refused then.
    DetectorOptions named = options32();
    named.decode.outputName = "boxes";
    d = Detector::create(nas, named);
    ASSERT_FALSE(d);
    EXPECT_NE(d.errorMessage().find("output 'boxes'"), std::string::npos) << d.errorMessage();

    // Two outputs of one level: not a head QuantLens reads, and the refusal says what was expected.
    named = options32();
    named.decode.layout = YoloLayout::YoloXLevels;
    d = Detector::create(zeroModel({{"a", {1, 85, 4, 4}}, {"b", {1, 85, 4, 4}}, {"c", {1, 85, 1, 1}}}), named);
    ASSERT_FALSE(d);
    EXPECT_NE(d.errorMessage().find("has 3 outputs"), std::string::npos) << d.errorMessage();
    EXPECT_NE(d.errorMessage().find("cannot be read as --layout yolox-levels"), std::string::npos) << d.errorMessage();
}

TEST(Detector, RefusesAClassCountOtherThanTheNames) {
    const OnnxModel model = zeroModel({{"output0", {1, 84, 21}}});  // 4 + 80
    DetectorOptions o = options32();
    o.decode.expectedClasses = 3;
    o.decode.classSource = "--names three.txt";
    auto d = Detector::create(model, o);
    ASSERT_FALSE(d);
    EXPECT_NE(d.errorMessage().find("carries 80 classes, but --names three.txt names 3"), std::string::npos)
        << d.errorMessage();
    o.decode.expectedClasses = 80;
    EXPECT_TRUE(Detector::create(model, o));
}

TEST(Detector, RefusesAShapeNoLayoutFits) {
    const OnnxModel model = zeroModel({{"output0", {1, 16, 80}}});  // stride 8 only
    auto d = Detector::create(model, options32());
    ASSERT_FALSE(d);
    EXPECT_NE(d.errorMessage().find("[1,16,80] fits none of the layouts QuantLens reads for a 32x32 input"),
              std::string::npos)
        << d.errorMessage();
}

TEST(DetectionSanity, NothingOnEveryImage) {
    auto w = detectionWarnings({{0, 0, 0}, 0.25f, 300, YoloLayout::YoloX});
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("found nothing on any of the 3 images at --conf 0.25"), std::string::npos) << w[0];
    EXPECT_NE(w[0].find("--preprocess auto"), std::string::npos) << w[0];
    EXPECT_NE(w[0].find("read as yolox; try --layout"), std::string::npos) << w[0];
    EXPECT_NE(w[0].find("--conf 0.05"), std::string::npos) << w[0];
    EXPECT_TRUE(detectionWarnings({{0, 1, 0}, 0.25f, 300}).empty());  // one image with a box: sound
    EXPECT_TRUE(detectionWarnings({{}, 0.25f, 300}).empty());
    // After --preprocess auto chose, it is not offered again.
    auto chosen = detectionWarnings({{0}, 0.25f, 300, YoloLayout::Auto, true});
    ASSERT_EQ(chosen.size(), 1u);
    EXPECT_EQ(chosen[0].find("--preprocess auto"), std::string::npos) << chosen[0];
}

TEST(DetectionSanity, MaxDetectionsOnMostImages) {
    auto w = detectionWarnings({{300, 300, 12}, 0.25f, 300, YoloLayout::YoloV5});
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("reached --max-det 300 on 2 of 3 images"), std::string::npos) << w[0];
    EXPECT_TRUE(detectionWarnings({{300, 12, 12}, 0.25f, 300}).empty());  // one of three is not most
    EXPECT_TRUE(detectionWarnings({{300, 12}, 0.25f, 300}).empty());      // half is not most
    EXPECT_EQ(detectionWarnings({{5}, 0.25f, 5}).size(), 1u);
}

TEST(DetectionSanity, CountsAtTheShownConfidence) {
    const std::vector<Detection> d = {{{}, 0, 0.9f}, {{}, 0, 0.25f}, {{}, 0, 0.1f}};
    EXPECT_EQ(countAbove(d, 0.25f), 2u);
    EXPECT_EQ(countAbove(d, 0.95f), 0u);
}


// The pair the app, `detect` and `report` compare through: images read by path (errors name
// them), and the run's warnings from every image it compared.
TEST(DetectorPair, ComparesImagesAndWarnsAboutTheRun) {
    const OnnxModel model = zeroModel({{"output0", {1, 84, 21}}});
    auto pair = DetectorPair::create(model, model, options32(), {"person"});
    ASSERT_TRUE(pair) << pair.errorMessage();
    const std::string image = (std::filesystem::temp_directory_path() / "detector_pair_grey.png").string();
    ASSERT_TRUE(cv::imwrite(image, cv::Mat(40, 50, CV_8UC3, cv::Scalar(90, 90, 90))));
    for (int i = 0; i < 2; ++i) {
        auto c = pair->compare(image, 3);
        ASSERT_TRUE(c) << c.errorMessage();
        EXPECT_EQ(c->bgr.cols, 50);
        EXPECT_TRUE(c->comparison.fp32.empty());
        EXPECT_EQ(c->comparison.fp32Latency.runs, 3);
    }
    auto w = pair->warnings();
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("found nothing on any of the 2 images"), std::string::npos) << w[0];

    auto missing = pair->compare("/nonexistent/bus.jpg");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.errorMessage().find("/nonexistent/bus.jpg"), std::string::npos) << missing.errorMessage();
    std::filesystem::remove(image);
}

}  // namespace
}  // namespace ql
