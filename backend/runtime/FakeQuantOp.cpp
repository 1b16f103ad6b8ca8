#include "runtime/FakeQuantOp.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <onnxruntime_cxx_api.h>

#include "runtime/KernelChunks.h"

namespace ql {
namespace {

// Float partial sums over blocks this long vectorise and stay accurate; totals are double.
constexpr size_t kBlock = 4096;
// Adding and subtracting 1.5·2^23 rounds a float of magnitude below 2^22 to the nearest integer,
// ties to even, as QuantizeLinear does; unlike nearbyint it vectorises on any x86-64.
constexpr float kRoundingMagic = 12582912.0f;

void mergeSums(double into[kFakeQuantSums], const double from[kFakeQuantSums]) {
    for (int k : {kSumInput2, kSumOutput2, kSumInputOutput, kSumDiff2, kCount})
        into[k] += from[k];
    into[kMaxAbsDiff] = std::max(into[kMaxAbsDiff], from[kMaxAbsDiff]);
    into[kOutputMin] = std::min(into[kOutputMin], from[kOutputMin]);
    into[kOutputMax] = std::max(into[kOutputMax], from[kOutputMax]);
}

void emptySums(double sums[kFakeQuantSums]) {
    std::fill(sums, sums + kFakeQuantSums, 0.0);
    sums[kOutputMin] = HUGE_VAL;
    sums[kOutputMax] = -HUGE_VAL;
}

struct FakeQuantKernel {
    FakeQuantParams params;

    void Compute(OrtKernelContext* context) {
        Ort::KernelContext ctx(context);
        const Ort::ConstValue input = ctx.GetInput(0);
        const auto info = input.GetTensorTypeAndShapeInfo();
        const size_t count = info.GetElementCount();
        const std::vector<int64_t> shape = info.GetShape();
        const float* x = input.GetTensorData<float>();
        float* y = ctx.GetOutput(0, shape.data(), shape.size()).GetTensorMutableData<float>();
        const int64_t sumsShape[] = {kFakeQuantSums};
        double* sums = ctx.GetOutput(1, sumsShape, 1).GetTensorMutableData<double>();
        if (kernelChunkCount(count) == 1) {
            fakeQuantize(x, count, params, y, sums);
            return;
        }
        std::vector<double> chunkSums(kernelChunkCount(count) * kFakeQuantSums);
        forEachKernelChunk(ctx, count, [&](size_t c, size_t begin, size_t n) {
            fakeQuantize(x + begin, n, params, y + begin, &chunkSums[c * kFakeQuantSums]);
        });
        emptySums(sums);
        for (size_t c = 0; c < chunkSums.size(); c += kFakeQuantSums)
            mergeSums(sums, &chunkSums[c]);
    }
};

struct FakeQuantOpSchema : Ort::CustomOpBase<FakeQuantOpSchema, FakeQuantKernel> {
    void* CreateKernel(const OrtApi&, const OrtKernelInfo* info) const {
        const Ort::ConstKernelInfo attributes(info);
        auto* kernel = new FakeQuantKernel;
        kernel->params.scale = attributes.GetAttribute<float>("scale");
        kernel->params.zeroPoint = attributes.GetAttribute<int64_t>("zero_point");
        kernel->params.qmin = attributes.GetAttribute<int64_t>("qmin");
        kernel->params.qmax = attributes.GetAttribute<int64_t>("qmax");
        return kernel;
    }
    const char* GetName() const { return kFakeQuantOp; }
    size_t GetInputTypeCount() const { return 1; }
    ONNXTensorElementDataType GetInputType(size_t) const { return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT; }
    size_t GetOutputTypeCount() const { return 2; }
    ONNXTensorElementDataType GetOutputType(size_t index) const {
        return index == 0 ? ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT : ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE;
    }
};

}  // namespace

__attribute__((target_clones("avx512f", "avx2", "default"))) void fakeQuantize(const float* x, size_t n, const FakeQuantParams& params, float* y, double sums[kFakeQuantSums]) {
    emptySums(sums);
    const float scale = params.scale;
    const float lo = static_cast<float>(params.qmin - params.zeroPoint);
    const float hi = static_cast<float>(params.qmax - params.zeroPoint);
    for (size_t start = 0; start < n; start += kBlock) {
        const size_t end = std::min(n, start + kBlock);
        float x2 = 0, y2 = 0, xy = 0, d2 = 0, maxD = 0, yMin = HUGE_VALF, yMax = -HUGE_VALF;
#pragma omp simd reduction(+ : x2, y2, xy, d2) reduction(max : maxD, yMax) reduction(min : yMin)
        for (size_t i = start; i < end; ++i) {
            const float xv = x[i];
            float q = xv / scale;
            q = q < lo ? lo : q;
            q = q > hi ? hi : q;
            q = (q + kRoundingMagic) - kRoundingMagic;
            const float yv = q * scale;
            y[i] = yv;
            const float d = xv - yv;
            x2 += xv * xv;
            y2 += yv * yv;
            xy += xv * yv;
            d2 += d * d;
            maxD = std::max(maxD, std::fabs(d));
            yMin = std::min(yMin, yv);
            yMax = std::max(yMax, yv);
        }
        const double block[kFakeQuantSums] = {x2, y2, xy, d2, maxD, static_cast<double>(end - start), yMin, yMax};
        mergeSums(sums, block);
    }
}

const OrtCustomOp* fakeQuantOp() {
    static FakeQuantOpSchema op;
    return &op;
}

}  // namespace ql
