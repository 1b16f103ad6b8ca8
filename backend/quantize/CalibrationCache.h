// Calibration statistics are collected once per model + images + preprocessing + method and kept,
// in memory and on disk, so changing exclusions or options re-quantizes in seconds.
#pragma once

#include <memory>
#include <string>

#include "quantize/Calibrator.h"

namespace ql {

// A fingerprint of everything calibration depends on: the model's bytes, each image's path,
// size and modification time, and the options.
std::string calibrationKey(const OnnxModel& model, const std::vector<std::string>& images, const CalibrationOptions& options);

class CalibrationCache {
public:
    // Files go in `directory`; empty keeps statistics in memory only.
    explicit CalibrationCache(std::string directory = defaultDirectory());
    static std::string defaultDirectory();  // $XDG_CACHE_HOME/quantlens/calibration, or ~/.cache/...

    // Cached statistics, or a fresh calibration that is then cached. `fromCache` tells which.
    Result<std::shared_ptr<const CalibrationData>> get(const OnnxModel& model, const std::vector<std::string>& images,
                                                       const CalibrationOptions& options, const TaskControl& control = {},
                                                       bool* fromCache = nullptr);

private:
    std::string directory_;
};

}  // namespace ql
