// The generated large model the large-graph benchmarks share: residual blocks of Conv, Sigmoid,
// Mul and Add named as PyTorch exports them ("/model.N/..."), four nodes per block.
#pragma once

#include <string>
#include <vector>

#include "model/ModelBuilder.h"

namespace ql::bench {

inline onnx::ModelProto makeLargeModel(int targetNodes) {
    ModelBuilder b;
    b.input("x", {1, 8, 16, 16}).output("y", {1, 8, 16, 16});
    std::string current = "x";
    int nodes = 0;
    for (int block = 0; nodes < targetNodes; ++block) {
        const std::string p = "/model." + std::to_string(block) + "/";
        b.floatInitializer(p + "w", {8, 8, 1, 1}, std::vector<float>(64, 0.01f));
        b.node("Conv", {current, p + "w"}, {p + "conv"}, p + "conv/Conv");
        b.node("Sigmoid", {p + "conv"}, {p + "sig"}, p + "act/Sigmoid");
        b.node("Mul", {p + "conv", p + "sig"}, {p + "silu"}, p + "act/Mul");
        const bool last = nodes + 4 >= targetNodes;
        b.node("Add", {current, p + "silu"}, {last ? "y" : p + "out"}, p + "Add");
        current = p + "out";
        nodes += 4;
    }
    return b.build();
}

}  // namespace ql::bench
