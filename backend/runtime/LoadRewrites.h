// What ONNX Runtime changes in a quantized graph's precision when it loads it, read from the
// graph as ONNX Runtime itself optimises it, so that figures measured on the file's graph can say
// where the deployed model differs. Today's case: a float Conv, ConvTranspose or Gemm between a
// DequantizeLinear and a QuantizeLinear gets its float weights (and bias) quantized at load
// (ORT's WeightBiasQuantization, optimisation level basic and above), which undoes an exclusion.
#pragma once

#include <string>
#include <vector>

#include "model/OnnxModel.h"
#include "runtime/InferenceSession.h"
#include "util/Result.h"

namespace ql {

struct LoadRewrite {
    std::string node;    // as the file names it
    std::string opType;
    bool weights = false;  // float weights quantized (int8, per-tensor, symmetric)
    bool bias = false;     // float bias quantized (int32, scale = input scale x weight scale)

    std::string describe() const;  // "Conv_44 (Conv): weights and bias quantized by ONNX Runtime at load"
};

// The nodes whose float weights or bias ONNX Runtime quantizes when it loads `model` with `options`
// (their optimisation level and QDQ setting); empty when it changes none.
Result<std::vector<LoadRewrite>> precisionRewritesAtLoad(const OnnxModel& model, const SessionOptions& options);

// Of `excluded` (node names left float on purpose), those ONNX Runtime quantizes anyway, each
// said as one warning line.
std::vector<LoadRewrite> undoneExclusions(const std::vector<LoadRewrite>& rewrites,
                                          const std::vector<std::string>& excluded);
std::string undoneExclusionWarning(const LoadRewrite& rewrite, GraphOptimization level);

}  // namespace ql
