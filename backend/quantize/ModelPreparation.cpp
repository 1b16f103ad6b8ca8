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

std::vector<std::string> lastComputeNodes(const Graph& graph) {
    static const std::set<std::string> compute = {"Conv", "ConvTranspose", "Gemm", "MatMul"};
    std::set<int> found, visited;
    std::vector<std::string> pending;
    for (const auto& out : graph.outputs())
        pending.push_back(out);
    while (!pending.empty()) {
        const std::string t = pending.back();
        pending.pop_back();
        const int producer = graph.producer(t);
        if (producer < 0 || !visited.insert(producer).second)
            continue;
        const Node& n = graph.node(producer);
        if (compute.count(n.opType)) {
            if (!n.name.empty())  // an unnamed node cannot be excluded by name
                found.insert(producer);
            continue;
        }
        for (const auto& in : n.inputs)
            if (!in.empty() && !graph.isInitializer(in))
                pending.push_back(in);
    }
    std::vector<std::string> names;
    for (const int i : graph.topologicalOrder())
        if (found.count(i))
            names.push_back(graph.node(i).name);
    return names;
}

}  // namespace ql
