#include <gtest/gtest.h>

#include "model/ModelMetadata.h"

namespace ql {
namespace {

TEST(ModelMetadata, UltralyticsProps) {
    const auto md = ModelMetadata::fromProps({{"names", "{0: 'person', 1: \"bicycle\", 3: 'motor\\'bike'}"},
                                              {"imgsz", "[640, 480]"},
                                              {"stride", "32"},
                                              {"task", "detect"}});
    ASSERT_EQ(md.classNames.size(), 4u);
    EXPECT_EQ(md.classNames[0], "person");
    EXPECT_EQ(md.classNames[1], "bicycle");
    EXPECT_EQ(md.classNames[2], "class2");  // gap filled
    EXPECT_EQ(md.inputHeight, 640);
    EXPECT_EQ(md.inputWidth, 480);
    EXPECT_EQ(md.stride, 32);
    EXPECT_EQ(md.task, "detect");
}

TEST(ModelMetadata, MissingPropsLeaveDefaults) {
    const auto md = ModelMetadata::fromProps({{"imgsz", "garbage"}});
    EXPECT_TRUE(md.classNames.empty());
    EXPECT_FALSE(md.inputHeight.has_value());
    EXPECT_FALSE(md.stride.has_value());
}

}  // namespace
}  // namespace ql
