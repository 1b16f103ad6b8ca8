#include "quantize/MinMaxCalibration.h"

#include <cmath>
#include <set>
#include <unordered_map>

#include "runtime/MinMaxOp.h"
#include "runtime/QuantLensOps.h"

namespace ql {
namespace {

struct Range {
    double lo = 0.0;
    double hi = 0.0;
};

// Operators whose output range is exactly a function of their inputs' ranges: they move values
// around (shape ops, Concat) or map them through an increasing function.
bool keepsValues(const std::string& op) {
    static const std::set<std::string> ops = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Identity", "Concat"};
    return ops.count(op) > 0;
}
bool isIncreasing(const std::string& op) { return op == "Sigmoid" || op == "Relu"; }

Range derive(const RangePlan::Derived& d, const std::unordered_map<std::string, Range>& ranges) {
    Range r = ranges.at(d.sources.front());
    for (size_t i = 1; i < d.sources.size(); ++i) {  // Concat: the union
        const Range& s = ranges.at(d.sources[i]);
        r.lo = std::min(r.lo, s.lo);
        r.hi = std::max(r.hi, s.hi);
    }
    if (d.op == "Sigmoid")
        return {1.0 / (1.0 + std::exp(-r.lo)), 1.0 / (1.0 + std::exp(-r.hi))};
    if (d.op == "Relu")
        return {std::max(0.0, r.lo), std::max(0.0, r.hi)};
    return r;
}

// A copy of the model with a MinMax node on each measured tensor, right after its producer.
// MinMax passes its input through (as an alias, no copy) and the tensor's consumers read the
// pass-through: that data dependency makes ONNX Runtime measure each tensor as soon as it is
// computed, while it is in cache, and free it as early as it would without calibration.
Result<std::string> withMinMaxNodes(const OnnxModel& model, const std::vector<std::string>& measured,
                                    std::vector<std::string>* rangeOutputs) {
    onnx::ModelProto copy = model.proto();
    auto* opset = copy.add_opset_import();
    opset->set_domain(kQuantLensDomain);
    opset->set_version(1);
    auto* g = copy.mutable_graph();
    const Graph& graph = model.graph();
    std::unordered_map<int, std::vector<std::string>> byProducer;  // -1: graph inputs
    for (const auto& t : measured)
        byProducer[graph.producer(t)].push_back(t);
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    std::unordered_map<std::string, std::string> passThrough;
    auto addMinMax = [&](const std::string& t) {
        const std::string range = t + "_quantlens_range";
        auto* n = nodes.Add();
        n->set_op_type(kMinMaxOp);
        n->set_domain(kQuantLensDomain);
        n->set_name(t + "_quantlens_MinMax");
        n->add_input(t);
        n->add_output(t + "_quantlens_pass");
        n->add_output(range);
        passThrough[t] = t + "_quantlens_pass";
        auto* out = g->add_output();
        out->set_name(range);
        out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
        rangeOutputs->push_back(range);
    };
    for (const auto& t : byProducer[-1])
        addMinMax(t);
    for (const int i : graph.topologicalOrder()) {
        auto* n = nodes.Add();
        *n = g->node(i);
        for (auto& in : *n->mutable_input())
            if (auto it = passThrough.find(in); it != passThrough.end())
                in = it->second;
        for (const auto& t : byProducer[i])
            addMinMax(t);
    }
    g->mutable_node()->Swap(&nodes);
    std::string bytes;
    if (!copy.SerializeToString(&bytes))
        return Error{"cannot serialize the calibration copy of " + model.displayName()};
    return bytes;
}

}  // namespace

RangePlan planRanges(const Graph& graph, const std::vector<std::string>& tensors) {
    RangePlan plan;
    std::set<std::string> known;  // measured or derived so far
    for (const auto& t : tensors) {  // topological order
        const int p = graph.producer(t);
        const Node* producer = p >= 0 ? &graph.node(p) : nullptr;
        std::vector<std::string> sources;
        if (producer && (keepsValues(producer->opType) || isIncreasing(producer->opType)) && producer->outputs.size() == 1) {
            // Shape ops: only the data input; Concat: every input; activations: the one input.
            const bool allInputs = producer->opType == "Concat";
            for (size_t i = 0; i < (allInputs ? producer->inputs.size() : 1); ++i)
                sources.push_back(producer->inputs[i]);
        }
        const bool derivable = !sources.empty() &&
                               std::all_of(sources.begin(), sources.end(), [&](const std::string& s) { return known.count(s) > 0; });
        if (derivable)
            plan.derived.push_back({t, producer->opType, sources});
        else
            plan.measured.push_back(t);
        known.insert(t);
    }
    return plan;
}

Result<CalibrationData> calibrateMinMax(const OnnxModel& model, const std::vector<std::string>& tensors,
                                        const std::vector<std::string>& images, const CalibrationOptions& options,
                                        const TaskControl& control, const CalibrationData* start) {
    const RangePlan plan = planRanges(model.graph(), tensors);
    std::vector<std::string> rangeOutputs;  // one per measured tensor, in the same order
    auto bytes = withMinMaxNodes(model, plan.measured, &rangeOutputs);
    if (!bytes)
        return bytes.error();
    SessionOptions sessionOptions = options.session;
    sessionOptions.quantLensOps = true;
    auto session = InferenceSession::fromBytes(*bytes, model.displayName(), sessionOptions);
    if (!session)
        return session.error();
    CalibrationData data;
    data.options = options;
    data.imageCount = images.size();
    if (start) {  // continue from earlier images' ranges (Calibrator.h)
        data.imageCount += start->imageCount;
        data.tensors = start->tensors;
    }
    const ImagePreprocessor preprocessor(options.preprocess);
    const std::string& inputName = model.graph().inputs().front();
    std::unordered_map<std::string, Range> ranges;  // this image's
    auto done = forEachPreparedImage(preprocessor, images, control, [&](size_t i, const PreparedImage& image) -> Status {
        auto run = session->run({{inputName, image.shape, image.tensor.data(), image.tensor.size()}}, rangeOutputs);
        if (!run)
            return run.error();
        ranges.clear();
        for (size_t k = 0; k < plan.measured.size(); ++k) {
            const TensorView& range = run->view(k);
            if (range.data && range.size == 2 && range.data[0] <= range.data[1])  // else an empty tensor
                ranges[plan.measured[k]] = {range.data[0], range.data[1]};
        }
        for (const auto& d : plan.derived)
            if (std::all_of(d.sources.begin(), d.sources.end(), [&](const std::string& s) { return ranges.count(s) > 0; }))
                ranges[d.tensor] = derive(d, ranges);
        for (const auto& [tensor, r] : ranges) {
            const bool first = i == 0 && !(start && start->tensors.count(tensor));
            updateRange(data.tensors[tensor], r.lo, r.hi, first, options);
        }
        return Ok{};
    });
    if (!done)
        return done.error();
    return data;
}

}  // namespace ql
