// `quantlens-cli study`: an FP32 baseline, other models and variants quantized from it over
// --vary axes, scored in one table (mAP, fidelity, parameters, GFLOPs, size, latency, throughput,
// peak memory) with a Pareto plot; finished rows are cached (study/Study.h).
#pragma once

#include <CLI/CLI.hpp>

namespace ql::cli {

void addStudyCommand(CLI::App& app, int& exitCode);

}  // namespace ql::cli
