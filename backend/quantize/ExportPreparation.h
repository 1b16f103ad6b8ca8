// The quantizer's options for older exports applied to an FP32 model before calibration: raising
// its opset (settings.upgradeOpset) and keeping the detector head's last layers float
// (settings.keepLastLayerFloat). One function for the app's re-quantize and the CLI's `quantize`
// (which prints what it did).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/OnnxModel.h"
#include "quantize/QuantizerSettings.h"
#include "util/Result.h"

namespace ql {

struct PreparedExport {
    std::optional<OnnxModel> converted;  // set when the opset was raised: calibrate and quantize this one
    int fromOpset = 0;                   // the model's opset before conversion
    std::vector<std::string> keptFloat;  // node names added to settings.nodesToExclude (last layers and after)
    std::vector<std::string> lastLayers;   // the last Conv/ConvTranspose/Gemm/MatMul before the outputs
    std::vector<std::string> decoding;     // the nodes after them (output decoding), also kept float
};

// Applies both options to `settings` (nodesToExclude grows by the kept-float nodes, without
// duplicates). A model already at or above upgradeOpset is not converted. Per-channel weights on
// an opset under 13 without upgradeOpset are refused with the flag that converts it. Errors name
// the model.
Result<PreparedExport> prepareExport(const OnnxModel& fp32, QuantizerSettings& settings);

}  // namespace ql
