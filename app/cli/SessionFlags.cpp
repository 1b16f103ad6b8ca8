#include "SessionFlags.h"

namespace ql::cli {

void SessionFlags::addTo(CLI::App& command, const std::string& threadsHelp) {
    command.add_option("--threads", threads, threadsHelp);
    command
        .add_option("--ort-optimization", optimization,
                    "ONNX Runtime graph optimisation the quantized model is deployed with: disabled, basic, extended "
                    "or all (ONNX Runtime's default). Some rewrites change results, so figures are measured at this level")
        ->check(CLI::IsMember({"disabled", "basic", "extended", "all"}));
}

SessionOptions SessionFlags::options() const {
    SessionOptions o;
    o.intraOpThreads = threads;
    if (auto level = parseOptimization(optimization))
        o.optimization = *level;  // CLI11 has checked the name
    return o;
}

}  // namespace ql::cli
