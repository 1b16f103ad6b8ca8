// `quantlens-cli detect` (boxes on images, side by side for two models) and `quantlens-cli eval`
// (accuracy, fidelity and latency over a dataset).
#pragma once

#include <CLI/CLI.hpp>

namespace ql::cli {

void addDetectCommand(CLI::App& app, int& exitCode);
void addEvalCommand(CLI::App& app, int& exitCode);

}  // namespace ql::cli
