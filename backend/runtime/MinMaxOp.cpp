#include "runtime/MinMaxOp.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "runtime/KernelChunks.h"

namespace ql {
namespace {

struct MinMaxKernel {
    void Compute(OrtKernelContext* context) {
        Ort::KernelContext ctx(context);
        const Ort::ConstValue input = ctx.GetInput(0);
        const auto info = input.GetTensorTypeAndShapeInfo();
        const size_t count = info.GetElementCount();
        const std::vector<int64_t> shape = info.GetShape();
        const float* values = input.GetTensorData<float>();
        Ort::UnownedValue pass = ctx.GetOutput(0, shape.data(), shape.size());
        float* passed = pass.GetTensorMutableData<float>();
        if (passed != values && count > 0)  // ONNX Runtime aliases them; copy should it ever not
            std::memcpy(passed, values, count * sizeof(float));
        const int64_t rangeShape[] = {2};
        float* range = ctx.GetOutput(1, rangeShape, 1).GetTensorMutableData<float>();
        if (kernelChunkCount(count) == 1) {
            minMaxOf(values, count, &range[0], &range[1]);
            return;
        }
        std::vector<float> lo(kernelChunkCount(count)), hi(lo.size());
        forEachKernelChunk(ctx, count, [&](size_t c, size_t begin, size_t n) { minMaxOf(values + begin, n, &lo[c], &hi[c]); });
        float unused = 0.0f;
        minMaxOf(lo.data(), lo.size(), &range[0], &unused);
        minMaxOf(hi.data(), hi.size(), &unused, &range[1]);
    }
};

struct MinMaxOpSchema : Ort::CustomOpBase<MinMaxOpSchema, MinMaxKernel> {
    MinMaxOpSchema() {
        // Output 0 is input 0: ONNX Runtime hands the kernel the same buffer for both.
        OrtCustomOp::GetAliasMap = [](int** inputs, int** outputs) -> size_t {
            *inputs = new int[1]{0};
            *outputs = new int[1]{0};
            return 1;
        };
        OrtCustomOp::ReleaseAliasMap = [](int* inputs, int* outputs) {
            delete[] inputs;
            delete[] outputs;
        };
    }
    void* CreateKernel(const OrtApi&, const OrtKernelInfo*) const { return new MinMaxKernel; }
    const char* GetName() const { return kMinMaxOp; }
    size_t GetInputTypeCount() const { return 1; }
    ONNXTensorElementDataType GetInputType(size_t) const { return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT; }
    size_t GetOutputTypeCount() const { return 2; }
    ONNXTensorElementDataType GetOutputType(size_t) const { return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT; }
};

}  // namespace

void minMaxOf(const float* x, size_t n, float* min, float* max) {
    // Sixteen independent lanes the compiler turns into vector min/max instructions; the
    // comparison form skips NaN (a comparison with NaN is false).
    constexpr size_t kLanes = 16;
    float lo[kLanes], hi[kLanes];
    for (size_t k = 0; k < kLanes; ++k) {
        lo[k] = std::numeric_limits<float>::infinity();
        hi[k] = -std::numeric_limits<float>::infinity();
    }
    size_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (size_t k = 0; k < kLanes; ++k) {
            const float v = x[i + k];
            lo[k] = v < lo[k] ? v : lo[k];
            hi[k] = v > hi[k] ? v : hi[k];
        }
    for (size_t k = 0; i < n; ++i, ++k) {
        const float v = x[i];
        lo[k] = v < lo[k] ? v : lo[k];
        hi[k] = v > hi[k] ? v : hi[k];
    }
    float a = lo[0], b = hi[0];
    for (size_t k = 1; k < kLanes; ++k) {
        a = lo[k] < a ? lo[k] : a;
        b = hi[k] > b ? hi[k] : b;
    }
    *min = a;
    *max = b;
}

const OrtCustomOp* minMaxOp() {
    static MinMaxOpSchema op;
    return &op;
}

}  // namespace ql
