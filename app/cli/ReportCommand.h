// `quantlens-cli report`: the stakeholder report as self-contained HTML and/or PDF.
#pragma once

#include <CLI/CLI.hpp>

namespace ql::cli {

void addReportCommand(CLI::App& app, int& exitCode);

}  // namespace ql::cli
