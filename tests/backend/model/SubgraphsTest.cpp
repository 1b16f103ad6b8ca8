#include <gtest/gtest.h>

#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"
#include "model/Subgraphs.h"

namespace ql {
namespace {

TEST(Subgraphs, ModulePrefixesOfAnExportedName) {
    EXPECT_EQ(modulePrefix("/model.22/cv3.0/conv/Conv", 1), "/model.22/");
    EXPECT_EQ(modulePrefix("/model.22/cv3.0/conv/Conv", 2), "/model.22/cv3.0/");
    EXPECT_EQ(modulePrefix("/model.22/Concat", 5), "/model.22/Concat");
    EXPECT_EQ(modulePrefix("conv1", 1), "conv1");
    EXPECT_EQ(modulePrefixes("/model.22/cv3.0/conv/Conv"),
              (std::vector<std::string>{"/model.22/", "/model.22/cv3.0/", "/model.22/cv3.0/conv/"}));
    EXPECT_TRUE(modulePrefixes("conv1").empty());
}

// x -> /a/first -> /a/second -> /b/third -> y, and /a/first -> /c/side -> z
OnnxModel branchy() {
    ModelBuilder b;
    b.input("x", {1, 4}).output("y", {1, 4}).output("z", {1, 4});
    b.node("Relu", {"x"}, {"t1"}, "/a/first");
    b.node("Neg", {"t1"}, {"t2"}, "/a/second");
    b.node("Relu", {"t2"}, {"y"}, "/b/third");
    b.node("Abs", {"t1"}, {"z"}, "/c/side");
    return std::move(OnnxModel::fromProto(b.build(), "branchy")).value();
}

TEST(Subgraphs, NodesUnderAPrefix) {
    const OnnxModel model = branchy();
    const Graph& g = model.graph();
    EXPECT_EQ(nodesUnderPrefix(g, "/a/"), (std::vector<int>{g.findNode("/a/first"), g.findNode("/a/second")}));
    EXPECT_TRUE(nodesUnderPrefix(g, "/zzz/").empty());
}

TEST(Subgraphs, DownstreamFollowsEveryBranch) {
    const OnnxModel model = branchy();
    const Graph& g = model.graph();
    const auto down = downstreamNodes(g, g.findNode("/a/second"));
    EXPECT_EQ(down, (std::vector<int>{g.findNode("/a/second"), g.findNode("/b/third")}));
    EXPECT_EQ(downstreamNodes(g, g.findNode("/a/first")).size(), 4u);
    EXPECT_EQ(downstreamNodes(g, g.findNode("/c/side")), std::vector<int>{g.findNode("/c/side")});
}

}  // namespace
}  // namespace ql
