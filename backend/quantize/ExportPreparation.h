// The quantizer's options for older exports applied to an FP32 model before calibration: raising
// its opset (settings.upgradeOpset) and keeping the detector head's last layers float
// (settings.keepLastLayerFloat). One function for the app's re-quantize; the CLI's `quantize` does
// the same steps and prints each one.
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
};

// Applies both options to `settings` (nodesToExclude grows by the kept-float nodes, without
// duplicates). A model already at or above upgradeOpset is not converted. Errors name the model.
Result<PreparedExport> prepareExport(const OnnxModel& fp32, QuantizerSettings& settings);

}  // namespace ql
