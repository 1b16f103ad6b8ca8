#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "support/TestModels.h"
#include "util/AtomicFile.h"

namespace ql {
namespace {

std::string readAll(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(AtomicFile, WritesAndReplaces) {
    const std::string path = test::tempPath("atomic.txt");
    ASSERT_TRUE(writeFileAtomically(path, "first"));
    ASSERT_TRUE(writeFileAtomically(path, "second"));
    EXPECT_EQ(readAll(path), "second");
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))
        EXPECT_EQ(e.path().filename().string().find(".atomic.txt.tmp"), std::string::npos) << "temporary file left behind";
}

TEST(AtomicFile, RefusesToOverwriteAnInput) {
    const std::string path = test::tempPath("precious.onnx");
    ASSERT_TRUE(writeFileAtomically(path, "user data"));
    const std::string sneaky = std::filesystem::path(path).parent_path().string() + "/./precious.onnx";
    auto st = writeFileAtomically(sneaky, "overwritten", {path});
    ASSERT_FALSE(st);
    EXPECT_EQ(readAll(path), "user data");
}

TEST(AtomicFile, MissingFolderIsAClearError) {
    auto st = writeFileAtomically("/nonexistent-folder/out.onnx", "x");
    ASSERT_FALSE(st);
    EXPECT_NE(st.errorMessage().find("does not exist"), std::string::npos);
}

TEST(AtomicFile, FailedWriteLeavesNoTrace) {
    const std::string path = test::tempPath("keep.txt");
    ASSERT_TRUE(writeFileAtomically(path, "old"));
    auto st = writeFileAtomically(path + "/child", "new");  // the "folder" is a file: must fail
    EXPECT_FALSE(st);
    EXPECT_EQ(readAll(path), "old");
}

}  // namespace
}  // namespace ql
