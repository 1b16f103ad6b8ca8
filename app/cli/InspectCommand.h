// `quantlens-cli inspect`: what a model is and, given its FP32 model, how far each weight moved.
#pragma once

#include <CLI/CLI.hpp>

namespace ql::cli {

void addInspectCommand(CLI::App& app, int& exitCode);

}  // namespace ql::cli
