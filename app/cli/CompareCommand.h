// `quantlens-cli compare`: per-layer activation error of a quantized model against its FP32 model.
#pragma once

#include <CLI/CLI.hpp>

namespace ql::cli {

void addCompareCommand(CLI::App& app, int& exitCode);

}  // namespace ql::cli
