// `quantlens-cli explain FP32 QUANT IMAGE --missed | --box x1,y1,x2,y2`: why the quantized model
// missed or moved an FP32 box, read at the grid cell that produced it.
#pragma once

#include <CLI/CLI.hpp>

namespace ql::cli {

void addExplainCommand(CLI::App& app, int& exitCode);

}  // namespace ql::cli
