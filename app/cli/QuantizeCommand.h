// `quantlens-cli quantize`: static QDQ quantization as onnxruntime's quantize_static, with cached
// calibration.
#pragma once

#include <CLI/CLI.hpp>

namespace ql::cli {

void addQuantizeCommand(CLI::App& app, int& exitCode);

}  // namespace ql::cli
