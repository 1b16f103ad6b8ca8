// An ONNX Runtime inference session (CPU) with errors as values: every model, FP32 and quantized,
// runs through this class.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/Result.h"

namespace Ort {
struct Session;
struct Value;
}  // namespace Ort

namespace ql {

class PageBuffer;

// ONNX Runtime's graph optimisation levels. All is its default, and so what a deployed model
// runs with unless its user chose otherwise; some rewrites change results (a float Conv between
// a DequantizeLinear and a QuantizeLinear gets its weights quantized at Basic and above).
enum class GraphOptimization { Disabled, Basic, Extended, All };

std::string optimizationName(GraphOptimization level);           // disabled, basic, extended, all
Result<GraphOptimization> parseOptimization(const std::string& text);

struct SessionOptions {
    int intraOpThreads = 0;  // 0: ONNX Runtime's default (one per physical core)
    GraphOptimization optimization = GraphOptimization::All;
    // QDQ rewrites (DQ -> Conv -> Q into QLinearConv, weight quantization, ...). Off, DequantizeLinear
    // of constant weights is folded once at load instead, for graphs whose Q/DQ tensors are all
    // captured and so could not be fused anyway.
    bool fuseQdq = true;
    bool quantLensOps = false;  // the model uses QuantLens' own operators (runtime/QuantLensOps.h)
    std::string optimizedModelPath;  // where ONNX Runtime saves the graph as it optimised it; empty: nowhere
};

// A float input tensor in NCHW (or any) layout.
struct InputTensor {
    std::string name;
    std::vector<int64_t> shape;
    const float* data = nullptr;
    size_t size = 0;
};

// A view of one output; valid as long as the RunOutputs it came from.
struct TensorView {
    const float* data = nullptr;  // null when the output is not float
    size_t size = 0;
    std::vector<int64_t> shape;
    int elementType = 0;
    const void* raw = nullptr;  // the elements whatever their type
};

class RunOutputs {
public:
    RunOutputs();
    RunOutputs(RunOutputs&&) noexcept;
    RunOutputs& operator=(RunOutputs&&) noexcept;
    ~RunOutputs();

    const std::vector<std::string>& names() const { return names_; }
    const TensorView& view(size_t index) const { return views_.at(index); }
    const TensorView* find(const std::string& name) const;

private:
    friend class InferenceSession;
    std::vector<std::string> names_;
    std::vector<TensorView> views_;
    std::unique_ptr<PageBuffer> memory_;  // where values_ live when the session did not allocate them
    std::vector<Ort::Value> values_;
};

struct TensorSpec {
    std::string name;
    std::vector<int64_t> shape;  // -1 for dynamic dimensions
    int elementType = 0;
};

class InferenceSession {
public:
    static Result<InferenceSession> fromFile(const std::string& path, const SessionOptions& options = {});
    static Result<InferenceSession> fromBytes(std::string_view modelBytes, const std::string& displayName,
                                        const SessionOptions& options = {});
    InferenceSession(InferenceSession&&) noexcept;
    InferenceSession& operator=(InferenceSession&&) noexcept;
    ~InferenceSession();

    const std::vector<TensorSpec>& inputs() const { return inputs_; }
    const std::vector<TensorSpec>& outputs() const { return outputs_; }

    // Runs with the given inputs; `outputNames` empty means all outputs.
    Result<RunOutputs> run(const std::vector<InputTensor>& inputs, const std::vector<std::string>& outputNames = {});

    // The same, for many runs with same-shaped inputs: outputs are written into buffers the
    // session keeps from its first run, so hundreds of captured tensors cost no allocation (and
    // no page faults) per run. Each `slot` has buffers of its own, so one run's outputs can be
    // read while the next run writes another slot's. The views stay valid until the next call
    // with the same slot.
    Result<const RunOutputs*> runReusingOutputs(const std::vector<InputTensor>& inputs,
                                                const std::vector<std::string>& outputNames, size_t slot = 0);

private:
    InferenceSession() = default;
    std::unique_ptr<RunOutputs> preallocatedOutputs(const std::vector<std::string>& names) const;

    std::unique_ptr<Ort::Session> session_;
    std::string displayName_;
    std::vector<TensorSpec> inputs_;
    std::vector<TensorSpec> outputs_;
    std::vector<std::unique_ptr<RunOutputs>> reused_;  // runReusingOutputs' buffers, by slot
};

std::string onnxRuntimeVersion();

}  // namespace ql
