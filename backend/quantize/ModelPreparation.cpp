#include "quantize/ModelPreparation.h"

#include <set>

#include <onnx/version_converter/convert.h>

namespace ql {

Result<OnnxModel> upgradeOpset(const OnnxModel& model, int targetOpset) {
    const int64_t from = model.opsetVersion();
    if (from >= targetOpset)
        return Error{model.displayName() + " already uses opset " + std::to_string(from)};
    auto converted = catchErrors("converting " + model.displayName() + " to opset " + std::to_string(targetOpset),
                                 [&]() -> Result<onnx::ModelProto> {
                                     return onnx::version_conversion::ConvertVersion(model.proto(), targetOpset);
                                 });
    if (!converted)
        return converted.error();
    onnx::ModelProto proto = std::move(converted).value();
    // ONNX's versioning table: opsets 12-14 came with IR 7, 15-18 with IR 8 (11: IR 6, 10: IR 5).
    const int64_t neededIr = targetOpset >= 15 ? 8 : targetOpset >= 12 ? 7 : targetOpset == 11 ? 6 : 5;
    if (proto.ir_version() < neededIr)
        proto.set_ir_version(neededIr);
    auto result = OnnxModel::fromProto(std::move(proto), model.displayName());
    if (!result)
        return Error{"converting " + model.displayName() + " to opset " + std::to_string(targetOpset) +
                     " gave an invalid model: " + result.errorMessage()};
    return result;
}

NetworkEnd networkEnd(const Graph& graph) {
    static const std::set<std::string> compute = {"Conv", "ConvTranspose", "Gemm", "MatMul"};
    std::set<int> last, after, visited;
    std::vector<std::string> pending(graph.outputs().begin(), graph.outputs().end());
    while (!pending.empty()) {
        const std::string t = pending.back();
        pending.pop_back();
        const int producer = graph.producer(t);
        if (producer < 0 || !visited.insert(producer).second)
            continue;
        const Node& n = graph.node(producer);
        if (compute.count(n.opType)) {
            last.insert(producer);
            continue;
        }
        after.insert(producer);
        for (const auto& in : n.inputs)
            if (!in.empty() && !graph.isInitializer(in))
                pending.push_back(in);
    }
    NetworkEnd end;
    for (const int i : graph.topologicalOrder()) {
        const std::string& name = graph.node(i).name;
        if (name.empty())
            continue;
        if (last.count(i))
            end.lastComputeNodes.push_back(name);
        else if (after.count(i))
            end.nodesAfter.push_back(name);
    }
    return end;
}

}  // namespace ql
