#include "runtime/ActivationCapture.h"

#include <algorithm>
#include <unordered_set>

namespace ql {

namespace {

// The type `edited` declares for a tensor its edit added, or null.
const onnx::TypeProto* declaredType(const onnx::ModelProto& edited, const std::string& name) {
    for (const auto& info : edited.graph().value_info())
        if (info.name() == name)
            return &info.type();
    return nullptr;
}

// Element type and, where inference found it, shape: with the shape known before the first run,
// the session's output buffers can be made up front (InferenceSession::runReusingOutputs).
onnx::TypeProto inferredType(const OnnxModel& model, const std::string& name) {
    onnx::TypeProto type;
    auto* tensor = type.mutable_tensor_type();
    const TensorInfo* info = model.graph().tensorInfo(name);
    tensor->set_elem_type(info && info->elementType ? info->elementType : onnx::TensorProto::FLOAT);
    if (info && info->hasShape)
        for (const int64_t d : info->shape) {
            auto* dim = tensor->mutable_shape()->add_dim();
            if (d >= 0)
                dim->set_dim_value(d);
        }
    return type;
}

}  // namespace

Result<std::string> instrumentModel(const OnnxModel& model, const std::vector<std::string>& tensors) {
    return instrumentModel(model, model.proto(), tensors);
}

Result<std::string> instrumentModel(const OnnxModel& model, const onnx::ModelProto& edited,
                                    const std::vector<std::string>& tensors) {
    onnx::ModelProto copy = edited;
    auto* graph = copy.mutable_graph();
    std::unordered_set<std::string> present;
    for (const auto& out : graph->output())
        present.insert(out.name());
    for (const auto& name : tensors) {
        if (!present.insert(name).second)
            continue;
        const onnx::TypeProto* declared = declaredType(edited, name);
        if (!declared && !model.graph().hasTensor(name))
            return Error{model.displayName() + " has no tensor named '" + name + "'"};
        auto* out = graph->add_output();
        out->set_name(name);
        *out->mutable_type() = declared ? *declared : inferredType(model, name);
    }
    std::string bytes;
    if (!copy.SerializeToString(&bytes))
        return Error{"cannot serialize the instrumented copy of " + model.displayName()};
    return bytes;
}

Result<CaptureSession> CaptureSession::create(const OnnxModel& model, const std::vector<std::string>& tensors,
                                              const SessionOptions& options) {
    return create(model, model.proto(), tensors, options);
}

Result<CaptureSession> CaptureSession::create(const OnnxModel& model, const onnx::ModelProto& edited,
                                              const std::vector<std::string>& tensors, const SessionOptions& options) {
    auto bytes = instrumentModel(model, edited, tensors);
    if (!bytes)
        return bytes.error();
    // Every captured tensor is a graph output in NCHW: with blocked layouts ONNX Runtime would
    // reorder each one back (a third of the FP32 run's time on yolov8n), so they stay off. A
    // captured Q/DQ pair cannot be fused, so weights are dequantized once rather than per run.
    SessionOptions captureOptions = options;
    captureOptions.optimization = std::min(options.optimization, GraphOptimization::Extended);
    captureOptions.fuseQdq = false;
    captureOptions.quantLensOps = true;
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
