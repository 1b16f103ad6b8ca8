#include "runtime/InferenceSession.h"

#include <onnxruntime_cxx_api.h>

#include "runtime/MinMaxOp.h"

namespace ql {
namespace {

Ort::Env& environment() {
    // One environment per process, as ONNX Runtime requires; created on first use.
    static Ort::Env env(ORT_LOGGING_LEVEL_ERROR, "quantlens");
    return env;
}

Ort::SessionOptions makeOptions(const SessionOptions& o) {
    Ort::SessionOptions so;
    so.SetIntraOpNumThreads(o.intraOpThreads);
    so.SetInterOpNumThreads(1);
    so.SetGraphOptimizationLevel(!o.optimize                ? GraphOptimizationLevel::ORT_DISABLE_ALL
                                 : o.layoutOptimizations ? GraphOptimizationLevel::ORT_ENABLE_ALL
                                                         : GraphOptimizationLevel::ORT_ENABLE_EXTENDED);
    if (o.quantLensOps)
        registerMinMaxOp(so);
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

}  // namespace

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
    return catchErrors("ONNX Runtime cannot load " + path, [&]() -> Result<InferenceSession> {
        InferenceSession s;
        s.displayName_ = path;
        s.session_ = std::make_unique<Ort::Session>(environment(), path.c_str(), makeOptions(options));
        s.inputs_ = specs(*s.session_, true);
        s.outputs_ = specs(*s.session_, false);
        return s;
    });
}

Result<InferenceSession> InferenceSession::fromBytes(std::string_view bytes, const std::string& displayName, const SessionOptions& options) {
    return catchErrors("ONNX Runtime cannot load " + displayName, [&]() -> Result<InferenceSession> {
        InferenceSession s;
        s.displayName_ = displayName;
        s.session_ = std::make_unique<Ort::Session>(environment(), bytes.data(), bytes.size(), makeOptions(options));
        s.inputs_ = specs(*s.session_, true);
        s.outputs_ = specs(*s.session_, false);
        return s;
    });
}

Result<RunOutputs> InferenceSession::run(const std::vector<InputTensor>& inputs, const std::vector<std::string>& outputNames) {
    return catchErrors("running " + displayName_, [&]() -> Result<RunOutputs> {
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
        for (auto& v : out.values_) {
            TensorView view;
            if (v.IsTensor()) {
                auto info = v.GetTensorTypeAndShapeInfo();
                view.shape = info.GetShape();
                view.size = info.GetElementCount();
                view.elementType = static_cast<int>(info.GetElementType());
                if (info.GetElementType() == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT)
                    view.data = v.GetTensorData<float>();
            }
            out.views_.push_back(std::move(view));
        }
        return out;
    });
}

Result<const RunOutputs*> InferenceSession::runReusingOutputs(const std::vector<InputTensor>& inputs,
                                                              const std::vector<std::string>& outputNames) {
    if (!reused_ || reused_->names_ != outputNames) {
        auto first = run(inputs, outputNames);
        if (!first)
            return first.error();
        reused_ = std::make_unique<RunOutputs>(std::move(first).value());
        return reused_.get();
    }
    return catchErrors("running " + displayName_, [&]() -> Result<const RunOutputs*> {
        const Ort::MemoryInfo memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
        Ort::IoBinding binding(*session_);
        std::vector<Ort::Value> inputValues;
        for (const auto& in : inputs) {
            inputValues.push_back(Ort::Value::CreateTensor<float>(memory, const_cast<float*>(in.data), in.size,
                                                                  in.shape.data(), in.shape.size()));
            binding.BindInput(in.name.c_str(), inputValues.back());
        }
        for (size_t i = 0; i < reused_->names_.size(); ++i)
            binding.BindOutput(reused_->names_[i].c_str(), reused_->values_[i]);
        session_->Run(Ort::RunOptions{nullptr}, binding);
        return reused_.get();
    });
}

std::string onnxRuntimeVersion() { return Ort::GetVersionString(); }

}  // namespace ql
