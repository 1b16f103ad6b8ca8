// `explain ... --suggest`: which nodes to leave float so that the quantized model finds the explained
// boxes again (analysis/BoxFix.h), printed per box before and after, with the latency and size cost,
// and the list saved as `suggest --export` writes it (for `quantize --exclude`).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "CliCommon.h"
#include "detect/BoxExplanation.h"
#include "quantize/CalibrationCache.h"
#include "preprocess/ImagePreprocessor.h"
#include "runtime/InferenceSession.h"

namespace ql::cli {

struct ExplainSuggestFlags {
    bool suggest = false;
    std::vector<std::string> calibration;  // images or folders
    std::vector<std::string> images;       // --missed: more images whose missed boxes count too
    std::string save;                      // the list, as a Python list
    double target = 0.95;                  // recovery (0..1) the search stops at
    size_t maxSteps = 10;
    double maxLatencyMs = 0.0;
    int depth = 0;
    std::string cacheDir = CalibrationCache::defaultDirectory();
    bool noCache = false;

    void addTo(CLI::App& command);
};

// One image explained, as the suggestion needs it.
struct ExplainedImage {
    std::string path;
    ImageExplanation explanation;
};

// Runs the search for the explained boxes (all but those found unchanged, unless `includeKept`)
// of `images` (the first is the command's IMAGE); prints the result as text, or adds it to `json`
// under "suggestion". Returns the exit code.
int runExplainSuggest(const ExplainSuggestFlags& flags, const ModelPair& models, const std::vector<ExplainedImage>& images,
                      bool includeKept, const std::vector<std::string>& classNames, const DecodeOptions& decode,
                      const PreprocessOptions& preprocess, const SessionOptions& session, nlohmann::json* json);

}  // namespace ql::cli
