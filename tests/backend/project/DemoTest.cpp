// The bundled demo: its INT8 model is made once, kept, and is a working detector pair with its
// class scores intact; a missing demo folder is one clear error.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "analysis/DeploymentChecks.h"
#include "project/Demo.h"
#include "support/TestModels.h"

namespace ql {
namespace {

TEST(Demo, MakesTheInt8ModelOnceAndKeepsIt) {
    const std::string cache = test::tempPath("demo-cache");
    auto first = prepareDemo(demoDirectory(), cache);
    ASSERT_TRUE(first) << first.errorMessage();
    ASSERT_TRUE(std::filesystem::is_regular_file(first->quantized));
    EXPECT_EQ(first->images.size(), 2u);
    const auto made = std::filesystem::last_write_time(first->quantized);
    auto second = prepareDemo(demoDirectory(), cache);
    ASSERT_TRUE(second);
    EXPECT_EQ(std::filesystem::last_write_time(second->quantized), made);  // kept, not made again

    // What the demo shows must not be a broken model: no collapsed class scores, no undone exclusion.
    auto quantized = AnalyzedModel::load(first->quantized);
    ASSERT_TRUE(quantized);
    auto checks = checkDeployment(*quantized, first->excluded, {});
    ASSERT_TRUE(checks) << checks.errorMessage();
    for (const auto& c : *checks)
        ADD_FAILURE() << c.message;
}

TEST(Demo, AMissingFolderIsOneClearError) {
    auto demo = prepareDemo("/nonexistent/demo", test::tempPath("demo-missing"));
    ASSERT_FALSE(demo);
    EXPECT_NE(demo.errorMessage().find("/nonexistent/demo/yolov8n_fp32.onnx is missing"), std::string::npos)
        << demo.errorMessage();
}

// An installed program (cmake --install, the .deb) finds the demo under its own prefix, not in the
// source tree it was built from; a prefix without the demo's model is no demo folder.
TEST(Demo, AnInstalledProgramFindsTheDemoBesideIt) {
    namespace fs = std::filesystem;
    const fs::path prefix = test::tempPath("demo-prefix");
    fs::remove_all(prefix);
    fs::create_directories(prefix / "bin");
    fs::create_directories(prefix / "share" / "quantlens" / "demo");
    const std::string program = (prefix / "bin" / "quantlens").string();
    EXPECT_EQ(installedDemoDirectory(program), "");  // the folder alone is not enough
    std::ofstream(prefix / "share" / "quantlens" / "demo" / "yolov8n_fp32.onnx") << "x";
    EXPECT_EQ(installedDemoDirectory(program), (prefix / "share" / "quantlens" / "demo").string());
    EXPECT_EQ(installedDemoDirectory((prefix / "other" / "bin" / "quantlens").string()), "");  // another prefix
}

}  // namespace
}  // namespace ql
