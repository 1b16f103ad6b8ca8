// Ultralytics data YAML forms (path, val/test/train as folder, .txt list or YAML list, names as
// list or map), label files (boxes, polygons, missing ones) and the refusals, on data sets made here.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "detect/ClassNames.h"
#include "detect/YoloDataset.h"
#include "support/TestModels.h"

namespace ql {
namespace {

namespace fs = std::filesystem;

// root/images/<split>/<name>.png (w x h) with root/labels/<split>/<name>.txt holding `objects` boxes.
void addImage(const fs::path& root, const std::string& split, const std::string& name, int objects, int w = 32, int h = 24) {
    fs::create_directories(root / "images" / split);
    cv::imwrite((root / "images" / split / (name + ".png")).string(), cv::Mat(h, w, CV_8UC3, cv::Scalar(10, 20, 30)));
    if (objects < 0)
        return;  // no label file
    fs::create_directories(root / "labels" / split);
    std::ofstream label(root / "labels" / split / (name + ".txt"));
    for (int i = 0; i < objects; ++i)
        label << i % 3 << " 0.5 0.5 0.25 0.5\n";
}

std::vector<std::string> fileNames(const YoloDataset& ds) {
    std::vector<std::string> names;
    for (const auto& i : ds.images)
        names.push_back(fs::path(i.image).filename().string());
    return names;
}

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

TEST(YoloDataset, ValFolderRelativeToARelativePath) {
    const fs::path top = test::tempPath("relpath");
    const fs::path root = top / "sets/shapes";
    addImage(root, "val", "b", 2);
    addImage(root, "val", "a", 1);
    addImage(root, "train", "t", 1);
    write(top / "configs/shapes.yaml", "path: ../sets/shapes  # a comment\nval: images/val\ntrain: images/train\n"
                                       "names: [circle, 'square', \"tri angle\"]\n");
    auto ds = YoloDataset::load((top / "configs/shapes.yaml").string());
    ASSERT_TRUE(ds) << ds.errorMessage();
    EXPECT_EQ(fileNames(*ds), (std::vector<std::string>{"a.png", "b.png"}));  // val, not train; sorted
    EXPECT_EQ(ds->images[1].labels.size(), 2u);
    EXPECT_EQ(ds->classNames, (std::vector<std::string>{"circle", "square", "tri angle"}));
    EXPECT_EQ(ds->imagesWithoutLabels, 0u);
    EXPECT_TRUE(ds->warnings.empty());
}

TEST(YoloDataset, AbsolutePathAndTestThenTrainWhenValIsMissing) {
    const fs::path root = fs::absolute(test::tempPath("abspath"));
    addImage(root, "test", "x", 1);
    addImage(root, "train", "y", 1);
    write(test::tempPath("elsewhere/a.yaml"), "path: " + root.string() + "\nval:\ntest: images/test\ntrain: images/train\nnames: {0: a}\n");
    auto ds = YoloDataset::load(test::tempPath("elsewhere/a.yaml"));
    ASSERT_TRUE(ds) << ds.errorMessage();
    EXPECT_EQ(fileNames(*ds), (std::vector<std::string>{"x.png"}));
    write(test::tempPath("elsewhere/b.yaml"), "path: " + root.string() + "\ntrain: images/train\n");
    ds = YoloDataset::load(test::tempPath("elsewhere/b.yaml"));
    ASSERT_TRUE(ds) << ds.errorMessage();
    EXPECT_EQ(fileNames(*ds), (std::vector<std::string>{"y.png"}));
    EXPECT_TRUE(ds->classNames.empty());
}

TEST(YoloDataset, TxtListOfImages) {
    const fs::path root = fs::absolute(test::tempPath("txtlist"));
    addImage(root, "all", "a", 1);
    addImage(root, "all", "b", 1);
    addImage(root, "all", "c", 1);
    addImage(root, "all", "notlisted", 1);
    // Ultralytics' form ("./" relative to the list, which sits in `path`), a plain relative line and an absolute one.
    write(root / "val.txt", "./images/all/b.png\n\nimages/all/a.png\n" + (root / "images/all/c.png").string() + "\n");
    write(root / "data.yaml", "path: .\nval: val.txt\nnames:\n  0: a\n  1: b\n  2: c\n");
    auto ds = YoloDataset::load((root / "data.yaml").string());
    ASSERT_TRUE(ds) << ds.errorMessage();
    EXPECT_EQ(fileNames(*ds), (std::vector<std::string>{"a.png", "b.png", "c.png"}));
    for (const auto& i : ds->images)
        EXPECT_EQ(i.labels.size(), 1u) << i.image;

    // A list in a subfolder whose lines are relative to `path`.
    write(root / "lists/sub.txt", "images/all/c.png\n");
    write(root / "sub.yaml", "val: lists/sub.txt\n");
    ds = YoloDataset::load((root / "sub.yaml").string());
    ASSERT_TRUE(ds) << ds.errorMessage();
    EXPECT_EQ(fileNames(*ds), (std::vector<std::string>{"c.png"}));

    write(root / "broken.txt", "./images/all/a.png\n./images/all/missing.png\n");
    write(root / "broken.yaml", "val: broken.txt\n");
    auto bad = YoloDataset::load((root / "broken.yaml").string());
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.errorMessage().find("broken.txt:2: image images/all/missing.png does not exist"), std::string::npos)
        << bad.errorMessage();
}

TEST(YoloDataset, YamlListOfFoldersAndLists) {
    const fs::path root = test::tempPath("yamllist");
    addImage(root, "one", "a", 1);
    addImage(root, "two", "b", 1);
    addImage(root, "two", "c", 1);
    write(root / "two.txt", "./images/two/c.png\n");
    write(root / "block.yaml", "val:\n  - images/one\n  - two.txt\n");
    auto ds = YoloDataset::load((root / "block.yaml").string());
    ASSERT_TRUE(ds) << ds.errorMessage();
    EXPECT_EQ(fileNames(*ds), (std::vector<std::string>{"a.png", "c.png"}));
    write(root / "flow.yaml", "val: [images/one, images/two]\n");
    ds = YoloDataset::load((root / "flow.yaml").string());
    ASSERT_TRUE(ds) << ds.errorMessage();
    EXPECT_EQ(fileNames(*ds), (std::vector<std::string>{"a.png", "b.png", "c.png"}));
}

TEST(YoloDataset, PathFromAnotherMachineFallsBackToTheYamlsFolderWithAWarning) {
    const fs::path root = test::tempPath("foreign");
    addImage(root, "val", "a", 1);
    write(root / "data.yaml", "path: C:/Users/someone/datasets/foreign\nval: images/val\n");
    auto ds = YoloDataset::load((root / "data.yaml").string());
    ASSERT_TRUE(ds) << ds.errorMessage();
    EXPECT_EQ(ds->images.size(), 1u);
    ASSERT_EQ(ds->warnings.size(), 1u);
    EXPECT_NE(ds->warnings[0].find("path 'C:/Users/someone/datasets/foreign' is not a folder here"), std::string::npos)
        << ds->warnings[0];
}

TEST(YoloDataset, ImagesWithoutLabelsAreCountedAndWarnedAbout) {
    const fs::path root = test::tempPath("partial");
    addImage(root, "val", "a", 2);
    addImage(root, "val", "b", -1);
    addImage(root, "val", "c", -1);
    addImage(root, "val", "d", 0);  // an empty label file: an image without objects, not a missing label
    auto ds = YoloDataset::load(root.string());
    ASSERT_TRUE(ds) << ds.errorMessage();
    EXPECT_EQ(ds->images.size(), 4u);
    EXPECT_EQ(ds->imagesWithoutLabels, 2u);
    EXPECT_FALSE(ds->images[1].hasLabelFile);
    EXPECT_TRUE(ds->images[3].hasLabelFile);
    ASSERT_EQ(ds->warnings.size(), 1u);
    EXPECT_NE(ds->warnings[0].find(": 2 of 4 images have no label file (e.g. " + (root / "labels/val/b.txt").string() + ")"),
              std::string::npos)
        << ds->warnings[0];
}

TEST(YoloDataset, RefusesADatasetWithoutLabels) {
    const fs::path root = test::tempPath("unlabelled");
    addImage(root, "val", "a", -1);
    addImage(root, "val", "b", -1);
    write(root / "data.yaml", "val: images/val\n");
    auto none = YoloDataset::load((root / "data.yaml").string());
    ASSERT_FALSE(none);
    EXPECT_NE(none.errorMessage().find("dataset " + (root / "data.yaml").string() + ": none of its 2 images has a label file"),
              std::string::npos)
        << none.errorMessage();

    const fs::path empty = test::tempPath("emptylabels");
    addImage(empty, "val", "a", 0);
    auto nothing = YoloDataset::load(empty.string());
    ASSERT_FALSE(nothing);
    EXPECT_NE(nothing.errorMessage().find("label files list no objects"), std::string::npos) << nothing.errorMessage();
}

TEST(YoloDataset, ClearErrorsForWhatCannotBeRead) {
    const fs::path root = test::tempPath("errors");
    addImage(root, "val", "a", 1);
    const auto errorOf = [&](const std::string& yaml) {
        write(root / "data.yaml", yaml);
        auto ds = YoloDataset::load((root / "data.yaml").string());
        return ds ? std::string("loaded") : ds.errorMessage();
    };
    EXPECT_NE(errorOf("val: images/nothere\n").find("val 'images/nothere': "), std::string::npos);
    EXPECT_NE(errorOf("val: images/nothere\n").find("does not exist"), std::string::npos);
    EXPECT_NE(errorOf("names: [a]\n").find("no 'val:', 'test:' or 'train:' entry"), std::string::npos);
    EXPECT_NE(errorOf("val: [images/val\n").find("is not valid YAML"), std::string::npos);
    EXPECT_NE(errorOf("- just\n- a list\n").find("is not a data YAML"), std::string::npos);
    EXPECT_NE(errorOf("val: {a: b}\n").find("'val:' is neither a folder"), std::string::npos);
    EXPECT_NE(errorOf("val: images/val/a.png\n").find("is neither a folder nor a .txt list of images"), std::string::npos);
    EXPECT_NE(errorOf("val: images/val\nnames: {zero: a}\n").find("'names:' key 'zero' is not a class id"), std::string::npos);
    EXPECT_NE(errorOf("val: images/val\nnames: 3\n").find("'names:' is neither a list nor an id: name map"), std::string::npos);
    EXPECT_EQ(errorOf("val: images/val\n"), "loaded");
}

TEST(YoloDataset, LabelLines) {
    const fs::path dir = test::tempPath("labels");
    write(dir / "ok.txt", "0 0.5 0.5 0.2 0.4\n\n2 0.1 0.2 0.3 0.2 0.3 0.6 0.1 0.6\r\n");
    auto labels = readLabels((dir / "ok.txt").string());
    ASSERT_TRUE(labels) << labels.errorMessage();
    ASSERT_EQ(labels->size(), 2u);
    EXPECT_EQ((*labels)[1].classId, 2);  // a polygon becomes its bounding box: x 0.1..0.3, y 0.2..0.6
    EXPECT_FLOAT_EQ((*labels)[1].cx, 0.2f);
    EXPECT_FLOAT_EQ((*labels)[1].cy, 0.4f);
    EXPECT_FLOAT_EQ((*labels)[1].w, 0.2f);
    EXPECT_FLOAT_EQ((*labels)[1].h, 0.4f);
    const Detection d = (*labels)[0].toDetection(100, 50);
    EXPECT_FLOAT_EQ(d.box.x1, 40.0f);
    EXPECT_FLOAT_EQ(d.box.y1, 15.0f);
    EXPECT_FLOAT_EQ(d.box.x2, 60.0f);
    EXPECT_FLOAT_EQ(d.box.y2, 35.0f);
    for (const char* bad : {"0 0.5 0.5 0.2\n", "0 0.5 0.5 0.2 0.4 0.1\n", "0 0.5 0.5 0.2 x\n", "-1 0.5 0.5 0.2 0.4\n",
                            "1.5 0.5 0.5 0.2 0.4\n", "0 0.5 0.5 1.2 0.4\n"}) {
        write(dir / "bad.txt", std::string("0 0.5 0.5 0.2 0.4\n") + bad);
        auto r = readLabels((dir / "bad.txt").string());
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.errorMessage().find("bad.txt:2: "), std::string::npos) << r.errorMessage();
    }
    EXPECT_EQ(labelPathFor("/d/images/train/images/x.jpg"), "/d/images/train/labels/x.txt");  // the last images/ only
}

TEST(ClassNames, YamlNamesListsAndMaps) {
    const auto namesOf = [](const std::string& yaml) {
        const std::string path = test::tempPath("names.yaml");
        std::ofstream(path) << yaml;
        auto names = loadClassNames(path);
        return names ? *names : std::vector<std::string>{"error: " + names.errorMessage()};
    };
    EXPECT_EQ(namesOf("names:\n  - person\n  - 'traffic light'\n"), (std::vector<std::string>{"person", "traffic light"}));
    EXPECT_EQ(namesOf("names: {0: person, 1: \"stop sign\"}\n"), (std::vector<std::string>{"person", "stop sign"}));
    EXPECT_EQ(namesOf("names:\n  2: c\n  0: a\n"), (std::vector<std::string>{"a", "", "c"}));  // a gap stays unnamed
    EXPECT_EQ(className(namesOf("names:\n  2: c\n  0: a\n"), 1), "class 1");
    EXPECT_EQ(namesOf("nc: 2\nnames: ['yes', 'no']  # booleans in YAML 1.1, names here\n"),
              (std::vector<std::string>{"yes", "no"}));
    EXPECT_NE(namesOf("names: []\n")[0].find("lists no classes"), std::string::npos);
    EXPECT_NE(namesOf("names:\n  0: a\n  0: b\n")[0].find("error:"), std::string::npos);
    EXPECT_NE(namesOf("path: .\n")[0].find("has no 'names:' entry"), std::string::npos);
}

}  // namespace
}  // namespace ql
