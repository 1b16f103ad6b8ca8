// The quantization and calibration flags that `quantize`, `sensitivity` and `suggest` share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "PreprocessFlags.h"
#include "SessionFlags.h"
#include "quantize/CalibrationCache.h"
#include "quantize/QuantizerSettings.h"

namespace ql::cli {

struct QuantizeFlags {
    std::vector<std::string> calib;
    std::string method = "minmax";
    bool movingAverage = false;
    double percentile = 99.999;
    int bins = 0;
    bool symmetricCalibration = false;
    bool perChannel = false;
    bool reduceRange = false;
    std::string activationType = "QUInt8";
    std::string weightType = "QInt8";
    bool activationSymmetric = false;
    bool weightAsymmetric = false;
    bool noBias = false;
    std::vector<std::string> opTypes;
    std::string nodesToQuantize;
    std::string exclude;
    std::string preset;  // "" or "tensorrt": defaults that explicit flags override
    std::string tensorOverrides;  // a JSON file in ONNX Runtime's TensorQuantOverrides form
    bool useQdqContribOps = false;
    std::string cacheDir = CalibrationCache::defaultDirectory();
    bool noCache = false;
    SessionFlags session;  // calibration threads; the optimisation level validates exclusions and scores candidates
    PreprocessFlags preprocess;

    void addTo(CLI::App& command);
    // Settings and calibration options for `model`; nothing after printing why when invalid.
    // A --preset gives the starting values; flags given on the command line override them.
    std::optional<QuantizerSettings> settings() const;
    // `images`: those --preprocess auto tries the conventions on.
    std::optional<CalibrationOptions> calibration(const OnnxModel& model, const std::vector<std::string>& images = {}) const;
    std::string cacheDirectory() const { return noCache ? std::string() : cacheDir; }

private:
    bool given(const std::string& flag) const;
    std::vector<std::pair<std::string, CLI::Option*>> options_;  // to tell flags given from defaults
};

// A node list given as a file (Python list, JSON or one per line) or inline text.
std::optional<std::vector<std::string>> readNodeList(const std::string& fileOrList, const std::string& flag);

}  // namespace ql::cli
