// libFuzzer target: bytes as an .onnx file through the loader, the graph checks, the quantization
// structure and the summary. Any input must give a model or a clear error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inspect/AnalyzedModel.h"
#include "inspect/ModelSummary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto model = ql::OnnxModel::fromBytes(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    if (!model)
        return 0;
    auto analyzed = ql::AnalyzedModel::analyze(std::move(model).value());
    if (analyzed)
        (void)ql::summarize(analyzed->model, analyzed->qdq);
    return 0;
}
