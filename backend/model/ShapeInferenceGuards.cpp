#include "model/ShapeInferenceGuards.h"

#include <mutex>
#include <set>
#include <string>

#include <onnx/defs/schema.h>
#include <onnx/defs/shape_inference.h>

namespace ql {
namespace {

// The highest opset any schema in ONNX 1.12 is defined for, with room to spare.
constexpr int kMaxOpsetVersion = 30;

int rankOf(onnx::InferenceContext& ctx, size_t input) {
    if (!onnx::hasInputShape(ctx, input))
        return -1;
    return ctx.getInputType(input)->tensor_type().shape().dim_size();
}

// Conv-like operators derive the kernel from the weight's dimensions 2.. and index them by
// the input's spatial rank, so both ranks must agree before ONNX's function runs.
void checkConvRanks(onnx::InferenceContext& ctx, size_t dataInput, size_t weightInput) {
    const int dataRank = rankOf(ctx, dataInput);
    const int weightRank = rankOf(ctx, weightInput);
    if (weightRank >= 0 && weightRank < 3)
        fail_shape_inference("the weight has rank ", weightRank, "; a convolution needs at least 3");
    if (dataRank >= 0 && weightRank >= 0 && dataRank != weightRank)
        fail_shape_inference("the input has rank ", dataRank, " but the weight has rank ", weightRank);
}

void guard(const std::string& opType, size_t dataInput, size_t weightInput, const std::string& domain) {
    std::set<const onnx::OpSchema*> seen;
    for (int version = 1; version <= kMaxOpsetVersion; ++version) {
        const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Schema(opType, version, domain);
        if (!schema || !seen.insert(schema).second)
            continue;
        const onnx::InferenceFunction original = schema->GetTypeAndShapeInferenceFunction();
        if (!original)
            continue;
        // The registry only hands out const schemas; replacing the function in place is the
        // one way to fix inference for every caller without forking ONNX.
        const_cast<onnx::OpSchema*>(schema)->TypeAndShapeInferenceFunction(
            [original, dataInput, weightInput](onnx::InferenceContext& ctx) {
                checkConvRanks(ctx, dataInput, weightInput);
                original(ctx);
            });
    }
}

}  // namespace

void installShapeInferenceGuards() {
    static std::once_flag once;
    std::call_once(once, [] {
        guard("Conv", 0, 1, onnx::ONNX_DOMAIN);
        guard("ConvTranspose", 0, 1, onnx::ONNX_DOMAIN);
        guard("ConvInteger", 0, 1, onnx::ONNX_DOMAIN);
        guard("QLinearConv", 0, 3, onnx::ONNX_DOMAIN);
    });
}

}  // namespace ql
