#include "inspect/ModelSummary.h"

#include "model/TensorData.h"

namespace ql {
namespace {

TensorSummary tensorSummary(const Graph& g, const std::string& name) {
    TensorSummary t{name, "?", {}};
    if (const TensorInfo* info = g.tensorInfo(name)) {
        t.type = elementTypeName(info->elementType);
        t.shape = info->shape;
    }
    return t;
}

}  // namespace

ModelSummary summarize(const OnnxModel& model, const QdqStructure& qdq) {
    const Graph& g = model.graph();
    const auto& proto = model.proto();
    ModelSummary s;
    s.name = model.displayName();
    s.path = model.path();
    s.fileSize = model.fileSize();
    s.irVersion = proto.ir_version();
    for (const auto& op : proto.opset_import())
        s.opsets[op.domain().empty() ? "ai.onnx" : op.domain()] = op.version();
    s.producer = proto.producer_name() + (proto.producer_version().empty() ? "" : " " + proto.producer_version());
    s.metadata = model.metadataProps();
    for (const auto& in : g.inputs())
        s.inputs.push_back(tensorSummary(g, in));
    for (const auto& out : g.outputs())
        s.outputs.push_back(tensorSummary(g, out));
    s.nodeCount = g.nodeCount();
    s.initializerCount = proto.graph().initializer_size();
    for (const auto& init : proto.graph().initializer())
        s.parameterCount += static_cast<uint64_t>(elementCount(init));
    s.opCounts = g.opCounts();
    s.format = qdq.format;
    s.quantizeLinearCount = qdq.quantizeLinearCount;
    s.dequantizeLinearCount = qdq.dequantizeLinearCount;
    s.quantizedActivations = qdq.countOf(QuantizedKind::Activation);
    s.quantizedWeights = qdq.countOf(QuantizedKind::Weight);
    s.quantizedBiases = qdq.countOf(QuantizedKind::Bias);
    for (const int i : g.topologicalOrder())
        if (qdq.quantizedNodes.count(i))
            s.quantizedNodes.push_back(g.label(i));
    s.warnings = g.warnings();
    const PreprocessOptions input = PreprocessOptions::forModel(model);
    s.scoreProblems = scoreStepProblems(g, qdq, input.width, input.height);
    if (qdq.format == QuantFormat::QDQ) {
        if (auto inferred = inferSettings(g, qdq))
            s.inferredSettings = std::move(inferred).value();
        s.tensorRtPlacement = checkTensorRtPlacement(g, qdq);
    }
    return s;
}

}  // namespace ql
