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

    // Statistics of the first k images for each k in `sizes` (ascending or not; each at most
    // images.size()), for a calibration-size study. Each prefix is cached under the key a plain
    // get() on those k images uses. Missing prefixes are not calibrated from scratch: the run
    // continues from the largest cached (or just computed) smaller prefix over only the images
    // after it (calibrate(..., start)), so the images run once in all, and a full calibration of
    // k images and the prefix of k give the same statistics bit for bit. `calibratedImages`
    // counts the images actually run.
    Result<std::vector<std::shared_ptr<const CalibrationData>>> getPrefixes(
        const OnnxModel& model, const std::vector<std::string>& images, const std::vector<size_t>& sizes,
        const CalibrationOptions& options, const TaskControl& control = {}, size_t* calibratedImages = nullptr);

private:
    std::shared_ptr<const CalibrationData> lookup(const std::string& key, const CalibrationOptions& options) const;
    std::shared_ptr<const CalibrationData> store(const std::string& key, CalibrationData data) const;

    std::string directory_;
};

}  // namespace ql
