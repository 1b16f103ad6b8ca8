// The ONNX Runtime flags of every command that runs a model: threads, and the optimisation level
// the quantized model is deployed with (ONNX Runtime's default, all, unless told), so that its
// figures are those of the model as it will run.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "runtime/InferenceSession.h"

namespace ql::cli {

struct SessionFlags {
    int threads = 0;
    std::string optimization = "all";

    void addTo(CLI::App& command, const std::string& threadsHelp = "ONNX Runtime threads (0: one per core)");
    SessionOptions options() const;
};

}  // namespace ql::cli
