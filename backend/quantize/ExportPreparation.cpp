#include "quantize/ExportPreparation.h"

#include <algorithm>
#include <string>

#include "quantize/ModelPreparation.h"

namespace ql {

Result<PreparedExport> prepareExport(const OnnxModel& fp32, QuantizerSettings& settings) {
    PreparedExport out;
    out.fromOpset = static_cast<int>(fp32.opsetVersion());
    if (settings.upgradeOpset > 0 && out.fromOpset < settings.upgradeOpset) {
        auto up = upgradeOpset(fp32, settings.upgradeOpset);
        if (!up)
            return up.error();
        out.converted = std::move(up).value();
    } else if (settings.upgradeOpset <= 0 && settings.perChannel && out.fromOpset < 13) {
        return Error{fp32.displayName() + " uses opset " + std::to_string(out.fromOpset) +
                     "; per-channel Q/DQ needs opset 13 (the axis attribute): add --upgrade-opset 13 to convert it "
                     "with ONNX's version converter"};
    }
    if (settings.keepLastLayerFloat) {
        const NetworkEnd end = networkEnd((out.converted ? *out.converted : fp32).graph());
        if (end.lastComputeNodes.empty())
            return Error{fp32.displayName() + ": keeping the last layers float found no named Conv, ConvTranspose, "
                                              "Gemm or MatMul node before the outputs"};
        out.lastLayers = end.lastComputeNodes;
        out.decoding = end.nodesAfter;
        for (const auto* list : {&end.lastComputeNodes, &end.nodesAfter})
            for (const auto& name : *list)
                if (std::find(settings.nodesToExclude.begin(), settings.nodesToExclude.end(), name) ==
                    settings.nodesToExclude.end()) {
                    settings.nodesToExclude.push_back(name);
                    out.keptFloat.push_back(name);
                }
    }
    return out;
}

}  // namespace ql
