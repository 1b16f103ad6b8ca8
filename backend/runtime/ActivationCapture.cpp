#include "runtime/ActivationCapture.h"

#include <unordered_set>

namespace ql {

Result<std::string> instrumentModel(const OnnxModel& model, const std::vector<std::string>& tensors) {
    onnx::ModelProto copy = model.proto();
    auto* graph = copy.mutable_graph();
    std::unordered_set<std::string> present;
    for (const auto& out : graph->output())
        present.insert(out.name());
    for (const auto& name : tensors) {
        if (!present.insert(name).second)
            continue;
        if (!model.graph().hasTensor(name))
            return Error{model.displayName() + " has no tensor named '" + name + "'"};
        auto* out = graph->add_output();
        out->set_name(name);
        const TensorInfo* info = model.graph().tensorInfo(name);
        out->mutable_type()->mutable_tensor_type()->set_elem_type(info && info->elementType ? info->elementType
                                                                                            : onnx::TensorProto::FLOAT);
    }
    std::string bytes;
    if (!copy.SerializeToString(&bytes))
        return Error{"cannot serialize the instrumented copy of " + model.displayName()};
    return bytes;
}

Result<CaptureSession> CaptureSession::create(const OnnxModel& model, const std::vector<std::string>& tensors,
                                              const SessionOptions& options) {
    auto bytes = instrumentModel(model, tensors);
    if (!bytes)
        return bytes.error();
    // Every captured tensor is a graph output in NCHW: with blocked layouts ONNX Runtime would
    // reorder each one back (a third of the FP32 run's time on yolov8n), so they stay off. A
    // captured Q/DQ pair cannot be fused, so weights are dequantized once rather than per run.
    SessionOptions captureOptions = options;
    captureOptions.layoutOptimizations = false;
    captureOptions.fuseQdq = false;
    auto session = InferenceSession::fromBytes(*bytes, model.displayName(), captureOptions);
    if (!session)
        return session.error();
    std::vector<std::string> names;
    std::unordered_set<std::string> seen;
    for (const auto& out : model.graph().outputs())
        if (seen.insert(out).second)
            names.push_back(out);
    // Graph inputs are the caller's own data; ONNX Runtime does not write them into bound outputs.
    for (const auto& in : model.graph().inputs())
        seen.insert(in);
    for (const auto& t : tensors)
        if (seen.insert(t).second)
            names.push_back(t);
    return CaptureSession{std::move(session).value(), std::move(names)};
}

}  // namespace ql
