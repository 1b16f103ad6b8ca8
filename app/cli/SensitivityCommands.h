// `quantlens-cli sensitivity` (which nodes hurt the outputs most) and `quantlens-cli suggest`
// (the fewest nodes_to_exclude that reach a target output SQNR).
#pragma once

#include <CLI/CLI.hpp>

namespace ql::cli {

void addSensitivityCommand(CLI::App& app, int& exitCode);
void addSuggestCommand(CLI::App& app, int& exitCode);

}  // namespace ql::cli
