// The generated large model the large-graph benchmarks share, nested as PyTorch exports a YOLO
// backbone: 24 stages "/model.S/", each a stem unit "/model.S/cv1/" then repeated bottleneck blocks
// "/model.S/m.K/" of two Conv-Sigmoid-Mul units ("cv1/conv/Conv", "cv1/act/Sigmoid", "cv1/act/Mul",
// "cv2/...") and a residual Add; as many blocks as bring it to about `targetNodes` nodes.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "model/ModelBuilder.h"

namespace ql::bench {

inline onnx::ModelProto makeLargeModel(int targetNodes, int stages = 24) {
    ModelBuilder b;
    b.input("x", {1, 8, 16, 16});
    std::string current = "x";
    int weights = 0;
    // A Conv-Sigmoid-Mul unit (SiLU as exported), named under `p`.
    auto unit = [&](const std::string& p, const std::string& in) {
        const std::string w = "w" + std::to_string(weights++);
        b.floatInitializer(w, {8, 8, 1, 1}, std::vector<float>(64, 0.01f));
        b.node("Conv", {in, w}, {p + "conv"}, p + "conv/Conv");
        b.node("Sigmoid", {p + "conv"}, {p + "sig"}, p + "act/Sigmoid");
        b.node("Mul", {p + "conv", p + "sig"}, {p + "out"}, p + "act/Mul");
        return p + "out";
    };
    const int perStage = std::max(1, (targetNodes / stages - 3) / 7);
    const int extra = std::max(0, (targetNodes - stages * (3 + 7 * perStage) + 6) / 7);  // blocks to add for the rest
    for (int s = 0; s < stages; ++s) {
        const std::string stage = "/model." + std::to_string(s) + "/";
        current = unit(stage + "cv1/", current);
        const int blocks = perStage + (s < extra ? 1 : 0);
        for (int k = 0; k < blocks; ++k) {
            const std::string p = stage + "m." + std::to_string(k) + "/";
            const std::string inner = unit(p + "cv2/", unit(p + "cv1/", current));
            b.node("Add", {current, inner}, {p + "add"}, p + "Add");
            current = p + "add";
        }
    }
    b.output(current, {1, 8, 16, 16});
    return b.build();
}

}  // namespace ql::bench
