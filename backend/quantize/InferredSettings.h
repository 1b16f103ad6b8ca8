// Reads back, from a QDQ model quantized elsewhere, the quantize_static settings that made it:
// activation and weight types, per-channel weights, symmetry, whether biases are quantized,
// which op types are quantized and which nodes of those types were left float (the starting
// exclusion list). Re-quantizing then starts where that model stands, not from QuantLens' defaults.
#pragma once

#include <string>
#include <vector>

#include "model/Graph.h"
#include "inspect/QdqStructure.h"
#include "quantize/QuantizerSettings.h"
#include "util/Result.h"

namespace ql {

struct InferredSettings {
    QuantizerSettings settings;      // nodesToExclude: the nodes of quantized op types left float
    std::vector<std::string> notes;  // what the model cannot tell (reduce_range, calibration, ...)
};

// `quantized` must be a QDQ model (QuantizeLinear/DequantizeLinear pairs).
Result<InferredSettings> inferSettings(const Graph& quantized, const QdqStructure& qdq);

}  // namespace ql
