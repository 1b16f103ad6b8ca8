#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "project/Project.h"
#include "support/TestModels.h"

namespace ql {
namespace {

namespace fs = std::filesystem;

Project sampleProject(const fs::path& folder) {
    Project p;
    p.fp32Model = (folder / "models" / "net_fp32.onnx").string();
    p.quantizedModel = (folder / "models" / "net_int8.onnx").string();
    p.images = {(folder / "images").string(), "/data/extra/one.jpg"};
    p.quantizer.perChannel = true;
    p.quantizer.activationType = QuantType::QInt8;
    p.quantizer.nodesToExclude = {"/model.22/Concat_3", "/model.22/Split"};
    p.calibration.method = CalibrationMethod::Percentile;
    p.calibration.percentile = 99.99;
    p.selectedNode = "/model.0/conv/Conv";
    Run loaded;
    loaded.name = "net_int8.onnx";
    loaded.metrics.parts = {{"output0", 21.5}};
    loaded.metrics.latency = LatencyStats{20, 9.0, 10.0, 12.0, 10.2};
    p.runs.add(loaded);
    Run requantized;
    requantized.origin = RunOrigin::Requantized;
    requantized.exclusions = {"/model.22/Split"};
    p.runs.add(requantized);
    p.dataSet = (folder / "coco128" / "coco128.yaml").string();
    return p;
}

TEST(Project, RoundTripsEverySetting) {
    const fs::path folder = test::tempPath("project-roundtrip");
    fs::create_directories(folder);
    const std::string file = (folder / "session.qlproj").string();
    const Project saved = sampleProject(folder);
    ASSERT_TRUE(saveProject(saved, file));
    auto loaded = loadProject(file);
    ASSERT_TRUE(loaded) << loaded.errorMessage();
    EXPECT_EQ(loaded->fp32Model, saved.fp32Model);
    EXPECT_EQ(loaded->quantizedModel, saved.quantizedModel);
    EXPECT_EQ(loaded->images, saved.images);
    EXPECT_TRUE(loaded->quantizer.perChannel);
    EXPECT_EQ(loaded->quantizer.activationType, QuantType::QInt8);
    EXPECT_EQ(loaded->quantizer.nodesToExclude, saved.quantizer.nodesToExclude);
    EXPECT_EQ(loaded->calibration.method, CalibrationMethod::Percentile);
    EXPECT_DOUBLE_EQ(loaded->calibration.percentile, 99.99);
    EXPECT_EQ(loaded->selectedNode, saved.selectedNode);
    ASSERT_EQ(loaded->runs.runs().size(), 2u);
    EXPECT_EQ(loaded->runs.toCsv(), saved.runs.toCsv());
    EXPECT_EQ(loaded->dataSet, saved.dataSet);
}

TEST(Project, PathsInsideTheFolderMoveWithIt) {
    const fs::path before = test::tempPath("project-before");
    const fs::path after = test::tempPath("project-after");
    const std::string json = projectToJson(sampleProject(before), (before / "p.qlproj").string());
    EXPECT_NE(json.find("\"models/net_fp32.onnx\""), std::string::npos) << json;
    auto moved = projectFromJson(json, (after / "p.qlproj").string());
    ASSERT_TRUE(moved) << moved.errorMessage();
    EXPECT_EQ(moved->fp32Model, (after / "models" / "net_fp32.onnx").string());
    EXPECT_EQ(moved->images.at(1), "/data/extra/one.jpg");  // outside the folder: unchanged

    Project own;
    own.images = {before.string()};  // the project's own folder
    auto reread = projectFromJson(projectToJson(own, (before / "p.qlproj").string()), (after / "p.qlproj").string());
    ASSERT_TRUE(reread) << reread.errorMessage();
    EXPECT_EQ(reread->images.at(0), after.string());
}

TEST(Project, BadFilesAreClearErrors) {
    auto notJson = projectFromJson("{ not json", "/tmp/a.qlproj");
    ASSERT_FALSE(notJson);
    EXPECT_NE(notJson.errorMessage().find("/tmp/a.qlproj"), std::string::npos) << notJson.errorMessage();
    auto other = projectFromJson(R"({"format": "something-else"})", "/tmp/b.qlproj");
    ASSERT_FALSE(other);
    EXPECT_NE(other.errorMessage().find("not a QuantLens project"), std::string::npos);
    auto newer = projectFromJson(R"({"format": "quantlens-project", "version": 99})", "/tmp/c.qlproj");
    ASSERT_FALSE(newer);
    EXPECT_NE(newer.errorMessage().find("newer"), std::string::npos);
    auto badMethod = projectFromJson(R"({"format": "quantlens-project", "calibration": {"method": "magic"}})", "/tmp/d.qlproj");
    ASSERT_FALSE(badMethod);
    EXPECT_NE(badMethod.errorMessage().find("magic"), std::string::npos);
    EXPECT_FALSE(loadProject("/nonexistent/x.qlproj"));
}

// The selected node is optional: a project written without it (an older QuantLens, or by hand)
// opens with its models and nothing selected.
TEST(Project, WithoutASelectedNodeStillOpens) {
    auto p = projectFromJson(R"({"format": "quantlens-project", "version": 1, "fp32_model": "net.onnx",
                                 "images": ["images"]})",
                             "/data/session.qlproj");
    ASSERT_TRUE(p) << p.errorMessage();
    EXPECT_EQ(p->fp32Model, "/data/net.onnx");
    EXPECT_EQ(p->images, std::vector<std::string>{"/data/images"});
    EXPECT_TRUE(p->selectedNode.empty());
    auto written = nlohmann::json::parse(projectToJson(*p, "/data/session.qlproj"));
    EXPECT_EQ(written.at("selected_node"), "");
}

// Issue 15: the calibration set and the preprocessing choice are part of the session.
TEST(Project, RoundTripsCalibrationSetAndPreprocessing) {
    const fs::path folder = test::tempPath("project-calibration");
    fs::create_directories(folder);
    const std::string file = (folder / "session.qlproj").string();
    Project saved = sampleProject(folder);
    saved.calibrationImages = {(folder / "calibration").string(), "/data/calib/extra.png"};
    saved.preprocessing.mode = PreprocessingMode::Custom;
    saved.preprocessing.custom.resize = ResizeMode::LetterboxTopLeft;
    saved.preprocessing.custom.rgb = false;
    saved.preprocessing.custom.scale = 1.0f;
    saved.preprocessing.custom.mean = {123.675f, 116.28f, 103.53f};
    saved.preprocessing.custom.stddev = {58.395f, 57.12f, 57.375f};
    ASSERT_TRUE(saveProject(saved, file));
    auto loaded = loadProject(file);
    ASSERT_TRUE(loaded) << loaded.errorMessage();
    EXPECT_EQ(loaded->calibrationImages, saved.calibrationImages);
    EXPECT_EQ(loaded->preprocessing.mode, PreprocessingMode::Custom);
    EXPECT_EQ(loaded->preprocessing.custom.resize, ResizeMode::LetterboxTopLeft);
    EXPECT_FALSE(loaded->preprocessing.custom.rgb);
    EXPECT_EQ(loaded->preprocessing.custom.scale, 1.0f);
    EXPECT_EQ(loaded->preprocessing.custom.mean, saved.preprocessing.custom.mean);
    EXPECT_EQ(loaded->preprocessing.custom.stddev, saved.preprocessing.custom.stddev);
    EXPECT_TRUE(loaded->preprocessing == saved.preprocessing);

    saved.preprocessing.mode = PreprocessingMode::Automatic;
    auto automatic = projectFromJson(projectToJson(saved, file), file);
    ASSERT_TRUE(automatic) << automatic.errorMessage();
    EXPECT_EQ(automatic->preprocessing.mode, PreprocessingMode::Automatic);
    EXPECT_EQ(automatic->preprocessing.custom.mean, saved.preprocessing.custom.mean);  // kept to come back to
}

// The detector head the app reads outputs with (the CLI's --layout) comes back; a file without
// one reads automatic; a head QuantLens does not know is a clear error naming the file.
TEST(Project, RoundTripsTheDetectorHead) {
    const fs::path folder = test::tempPath("project-head");
    fs::create_directories(folder);
    const std::string file = (folder / "session.qlproj").string();
    Project saved = sampleProject(folder);
    saved.detectorHead = YoloLayout::YoloXLevels;
    const std::string json = projectToJson(saved, file);
    EXPECT_NE(json.find("\"detector_head\": \"yolox-levels\""), std::string::npos);
    auto loaded = projectFromJson(json, file);
    ASSERT_TRUE(loaded) << loaded.errorMessage();
    EXPECT_EQ(loaded->detectorHead, YoloLayout::YoloXLevels);
    auto j = nlohmann::json::parse(json);
    j.erase("detector_head");
    EXPECT_EQ(projectFromJson(j.dump(), file)->detectorHead, YoloLayout::Auto);
    j["detector_head"] = "yolo99";
    auto bad = projectFromJson(j.dump(), file);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.errorMessage().find("session.qlproj: detector_head"), std::string::npos) << bad.errorMessage();
}

// A project written before the calibration set and preprocessing existed (version 1, as
// QuantLens wrote it) opens with no calibration set and the model's default preprocessing.
TEST(Project, VersionOneFilesStillOpen) {
    const std::string v1 = R"({
  "calibration": {"averaging_constant": 0.01, "method": "entropy", "moving_average": false, "percentile": 99.999,
                  "symmetric": true},
  "format": "quantlens-project",
  "fp32_model": "models/net_fp32.onnx",
  "images": ["images"],
  "quantization": {"activation_type": "QUInt8", "extra_options": {"ActivationSymmetric": false, "QuantizeBias": true,
                   "WeightSymmetric": true}, "nodes_to_exclude": ["/model.22/Split"], "per_channel": true,
                   "quant_format": "QDQ", "weight_type": "QInt8"},
  "quantized_model": "",
  "requantize_on_open": true,
  "selected_node": "",
  "version": 1
})";
    auto p = projectFromJson(v1, "/projects/old/p.qlproj");
    ASSERT_TRUE(p) << p.errorMessage();
    EXPECT_TRUE(p->calibrationImages.empty());
    EXPECT_EQ(p->preprocessing.mode, PreprocessingMode::ModelDefault);
    EXPECT_EQ(p->calibration.method, CalibrationMethod::Entropy);
    EXPECT_TRUE(p->calibration.symmetric);
    EXPECT_EQ(p->images, std::vector<std::string>{"/projects/old/images"});
    EXPECT_EQ(p->quantizer.nodesToExclude, std::vector<std::string>{"/model.22/Split"});

    auto badMode = projectFromJson(R"({"format": "quantlens-project", "version": 2, "preprocessing": {"mode": "magic"}})",
                                   "/tmp/e.qlproj");
    ASSERT_FALSE(badMode);
    EXPECT_NE(badMode.errorMessage().find("/tmp/e.qlproj"), std::string::npos) << badMode.errorMessage();
    EXPECT_NE(badMode.errorMessage().find("magic"), std::string::npos) << badMode.errorMessage();
    auto zeroStd = projectFromJson(
        R"({"format": "quantlens-project", "version": 2, "preprocessing": {"mode": "custom", "custom": {"std": [1, 0, 1]}}})",
        "/tmp/f.qlproj");
    ASSERT_FALSE(zeroStd);
    EXPECT_NE(zeroStd.errorMessage().find("std"), std::string::npos) << zeroStd.errorMessage();
}

TEST(Project, NeverSavedOverAModel) {
    const fs::path folder = test::tempPath("project-overwrite");
    fs::create_directories(folder / "models");
    Project p = sampleProject(folder);
    { std::ofstream(p.fp32Model) << "model bytes"; }
    auto st = saveProject(p, p.fp32Model);
    ASSERT_FALSE(st);
    std::ifstream in(p.fp32Model);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(content, "model bytes");
}

}  // namespace
}  // namespace ql
