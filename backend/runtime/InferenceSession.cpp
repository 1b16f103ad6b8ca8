#include "runtime/InferenceSession.h"

#include <algorithm>
#include <cstdlib>

#include <onnxruntime_cxx_api.h>

#include "model/TensorData.h"
#include "runtime/QuantLensOps.h"
#include "util/PageBuffer.h"

namespace ql {
namespace {

Ort::Env& environment() {
    // One environment per process, as ONNX Runtime requires; created on first use.
    static Ort::Env env = [] {
        // ONNX Runtime 1.29 on Linux records usage events, keeps a device id under ~/.cache and
        // uploads them, unless this is set before its first environment. People analyse
        // unreleased models here, so it stays off unless they set the variable themselves.
        ::setenv("ORT_DISABLE_TELEMETRY", "1", /*overwrite=*/0);
        return Ort::Env(ORT_LOGGING_LEVEL_ERROR, "quantlens");
    }();
    return env;
}

Ort::SessionOptions makeOptions(const SessionOptions& o) {
    Ort::SessionOptions so;
    so.SetIntraOpNumThreads(o.intraOpThreads);
    so.SetInterOpNumThreads(1);
    switch (o.optimization) {
    case GraphOptimization::Disabled: so.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_DISABLE_ALL); break;
    case GraphOptimization::Basic: so.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_BASIC); break;
    case GraphOptimization::Extended: so.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_EXTENDED); break;
    case GraphOptimization::All: so.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL); break;
    }
    if (!o.optimizedModelPath.empty())
        so.SetOptimizedModelFilePath(o.optimizedModelPath.c_str());
    if (o.quantLensOps)
        registerQuantLensOps(so);
    if (!o.fuseQdq)
        so.AddConfigEntry("session.disable_quant_qdq", "1");
    return so;
}

std::vector<TensorSpec> specs(Ort::Session& s, bool inputs) {
    Ort::AllocatorWithDefaultOptions allocator;
    std::vector<TensorSpec> out;
    const size_t n = inputs ? s.GetInputCount() : s.GetOutputCount();
    for (size_t i = 0; i < n; ++i) {
        TensorSpec spec;
        spec.name = (inputs ? s.GetInputNameAllocated(i, allocator) : s.GetOutputNameAllocated(i, allocator)).get();
        Ort::TypeInfo type = inputs ? s.GetInputTypeInfo(i) : s.GetOutputTypeInfo(i);
        if (type.GetONNXType() == ONNX_TYPE_TENSOR) {
            auto info = type.GetTensorTypeAndShapeInfo();
            spec.elementType = static_cast<int>(info.GetElementType());
            spec.shape = info.GetShape();
        }
        out.push_back(std::move(spec));
    }
    return out;
}

TensorView viewOf(Ort::Value& v) {
    TensorView view;
    if (v.IsTensor()) {
        auto info = v.GetTensorTypeAndShapeInfo();
        view.shape = info.GetShape();
        view.size = info.GetElementCount();
        view.elementType = static_cast<int>(info.GetElementType());
        view.raw = v.GetTensorRawData();
        if (info.GetElementType() == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT)
            view.data = v.GetTensorData<float>();
    }
    return view;
}

// ONNX Runtime's messages span lines (a status code, then the node, then details); QuantLens
// prints errors as one line, so the lines are joined.
std::string oneLine(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r')
            c = ' ';
    std::string out;
    for (const char c : text)
        if (!(c == ' ' && !out.empty() && out.back() == ' '))
            out += c;
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

// The same as catchErrors, with ONNX Runtime's message on one line.
template <typename F>
auto catchOnnxErrors(const std::string& context, F&& body) -> decltype(body()) {
    auto result = catchErrors(context, std::forward<F>(body));
    if (!result)
        return Error{oneLine(result.errorMessage())};
    return result;
}

// Inputs the session does not take, or of a shape it does not accept, as one line naming the
// file, the input and both shapes ("" when they fit). ONNX Runtime would say the same over
// several lines, after the name of the first node that trips over it.
std::string inputMismatch(const std::string& file, const std::vector<TensorSpec>& specs, const std::vector<InputTensor>& inputs) {
    for (const auto& in : inputs) {
        auto it = std::find_if(specs.begin(), specs.end(), [&](const TensorSpec& s) { return s.name == in.name; });
        if (it == specs.end()) {
            std::string names;
            for (const auto& s : specs)
                names += (names.empty() ? "'" : ", '") + s.name + "'";
            return file + ": no input '" + in.name + "' (its inputs: " + names + ")";
        }
        bool fits = it->shape.empty() || it->shape.size() == in.shape.size();
        for (size_t k = 0; fits && k < it->shape.size(); ++k)
            fits = it->shape[k] < 0 || it->shape[k] == in.shape[k];
        if (!fits)
            return file + ": input '" + in.name + "' expects " + shapeToString(it->shape) + ", got " + shapeToString(in.shape);
        if (it->elementType != 0 && it->elementType != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT)
            return file + ": input '" + in.name + "' is not float (element type " + std::to_string(it->elementType) +
                   "); QuantLens feeds float images";
    }
    return {};
}

}  // namespace

std::string optimizationName(GraphOptimization level) {
    switch (level) {
    case GraphOptimization::Disabled: return "disabled";
    case GraphOptimization::Basic: return "basic";
    case GraphOptimization::Extended: return "extended";
    case GraphOptimization::All: return "all";
    }
    return "?";
}

Result<GraphOptimization> parseOptimization(const std::string& text) {
    for (auto level : {GraphOptimization::Disabled, GraphOptimization::Basic, GraphOptimization::Extended,
                       GraphOptimization::All})
        if (text == optimizationName(level))
            return level;
    return Error{"unknown ONNX Runtime optimisation level '" + text + "' (use disabled, basic, extended or all)"};
}

RunOutputs::RunOutputs() = default;
RunOutputs::RunOutputs(RunOutputs&&) noexcept = default;
RunOutputs& RunOutputs::operator=(RunOutputs&&) noexcept = default;
RunOutputs::~RunOutputs() = default;

const TensorView* RunOutputs::find(const std::string& name) const {
    for (size_t i = 0; i < names_.size(); ++i)
        if (names_[i] == name)
            return &views_[i];
    return nullptr;
}

InferenceSession::InferenceSession(InferenceSession&&) noexcept = default;
InferenceSession& InferenceSession::operator=(InferenceSession&&) noexcept = default;
InferenceSession::~InferenceSession() = default;

Result<InferenceSession> InferenceSession::fromFile(const std::string& path, const SessionOptions& options) {
    return catchOnnxErrors("ONNX Runtime cannot load " + path, [&]() -> Result<InferenceSession> {
        InferenceSession s;
        s.displayName_ = path;
        s.session_ = std::make_unique<Ort::Session>(environment(), path.c_str(), makeOptions(options));
        s.inputs_ = specs(*s.session_, true);
        s.outputs_ = specs(*s.session_, false);
        return s;
    });
}

Result<InferenceSession> InferenceSession::fromBytes(std::string_view bytes, const std::string& displayName, const SessionOptions& options) {
    return catchOnnxErrors("ONNX Runtime cannot load " + displayName, [&]() -> Result<InferenceSession> {
        InferenceSession s;
        s.displayName_ = displayName;
        s.session_ = std::make_unique<Ort::Session>(environment(), bytes.data(), bytes.size(), makeOptions(options));
        s.inputs_ = specs(*s.session_, true);
        s.outputs_ = specs(*s.session_, false);
        return s;
    });
}

Result<RunOutputs> InferenceSession::run(const std::vector<InputTensor>& inputs, const std::vector<std::string>& outputNames) {
    if (const std::string mismatch = inputMismatch(displayName_, inputs_, inputs); !mismatch.empty())
        return Error{mismatch};
    return catchOnnxErrors("running " + displayName_, [&]() -> Result<RunOutputs> {
        const Ort::MemoryInfo memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
        std::vector<Ort::Value> values;
        std::vector<const char*> inputNames;
        for (const auto& in : inputs) {
            values.push_back(Ort::Value::CreateTensor<float>(memory, const_cast<float*>(in.data), in.size,
                                                             in.shape.data(), in.shape.size()));
            inputNames.push_back(in.name.c_str());
        }
        RunOutputs out;
        if (outputNames.empty())
            for (const auto& o : outputs_)
                out.names_.push_back(o.name);
        else
            out.names_ = outputNames;
        std::vector<const char*> names;
        for (const auto& n : out.names_)
            names.push_back(n.c_str());
        out.values_ = session_->Run(Ort::RunOptions{nullptr}, inputNames.data(), values.data(), values.size(),
                                    names.data(), names.size());
        for (auto& v : out.values_)
            out.views_.push_back(viewOf(v));
        return out;
    });
}

Result<const RunOutputs*> InferenceSession::runReusingOutputs(const std::vector<InputTensor>& inputs,
                                                              const std::vector<std::string>& outputNames, size_t slot) {
    if (const std::string mismatch = inputMismatch(displayName_, inputs_, inputs); !mismatch.empty())
        return Error{mismatch};
    if (reused_.size() <= slot)
        reused_.resize(slot + 1);
    std::unique_ptr<RunOutputs>& reused = reused_[slot];
    if (!reused || reused->names_ != outputNames) {
        reused = preallocatedOutputs(outputNames);
        if (!reused) {
            auto first = run(inputs, outputNames);
            if (!first)
                return first.error();
            reused = std::make_unique<RunOutputs>(std::move(first).value());
            return reused.get();
        }
    }
    return catchOnnxErrors("running " + displayName_, [&]() -> Result<const RunOutputs*> {
        const Ort::MemoryInfo memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
        Ort::IoBinding binding(*session_);
        std::vector<Ort::Value> inputValues;
        for (const auto& in : inputs) {
            inputValues.push_back(Ort::Value::CreateTensor<float>(memory, const_cast<float*>(in.data), in.size,
                                                                  in.shape.data(), in.shape.size()));
            binding.BindInput(in.name.c_str(), inputValues.back());
        }
        for (size_t i = 0; i < reused->names_.size(); ++i)
            binding.BindOutput(reused->names_[i].c_str(), reused->values_[i]);
        session_->Run(Ort::RunOptions{nullptr}, binding);
        return reused.get();
    });
}

std::unique_ptr<RunOutputs> InferenceSession::preallocatedOutputs(const std::vector<std::string>& names) const {
    // Only where every output's shape is known before running; otherwise the first run lets
    // ONNX Runtime allocate them.
    std::vector<const TensorSpec*> specs;
    std::vector<size_t> offsets, sizes;
    size_t total = 0;
    for (const auto& name : names) {
        auto it = std::find_if(outputs_.begin(), outputs_.end(), [&](const TensorSpec& o) { return o.name == name; });
        // No dimensions at all is how ONNX Runtime reports an unknown rank as well as a scalar.
        if (it == outputs_.end() || elementSize(it->elementType) == 0 || it->shape.empty() ||
            std::any_of(it->shape.begin(), it->shape.end(), [](int64_t d) { return d < 0; }))
            return nullptr;
        size_t bytes = elementSize(it->elementType);
        for (const int64_t d : it->shape)
            bytes *= static_cast<size_t>(d);
        specs.push_back(&*it);
        offsets.push_back(total);
        sizes.push_back(bytes);
        total += (bytes + 63) / 64 * 64;  // cache-line aligned, for the vectorised loops reading them
    }
    auto out = std::make_unique<RunOutputs>();
    out->names_ = names;
    out->memory_ = std::make_unique<PageBuffer>(total);
    const Ort::MemoryInfo memory = Ort::MemoryInfo::CreateCpu(OrtDeviceAllocator, OrtMemTypeDefault);
    for (size_t i = 0; i < specs.size(); ++i) {
        const TensorSpec& spec = *specs[i];
        out->values_.push_back(Ort::Value::CreateTensor(memory, out->memory_->data() + offsets[i], sizes[i],
                                                        spec.shape.data(), spec.shape.size(),
                                                        static_cast<ONNXTensorElementDataType>(spec.elementType)));
        out->views_.push_back(viewOf(out->values_.back()));
    }
    return out;
}

std::string onnxRuntimeVersion() { return Ort::GetVersionString(); }

}  // namespace ql
