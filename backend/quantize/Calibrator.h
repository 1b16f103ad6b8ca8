// Calibration: runs the FP32 model over images and collects, for every float activation, the
// statistics that fix its quantization range, as ONNX Runtime's calibrators do: MinMax (optionally
// a moving average), Entropy (KL divergence over a histogram) and Percentile (of |x|).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/OnnxModel.h"
#include "preprocess/ImagePreprocessor.h"
#include "runtime/InferenceSession.h"
#include "util/Result.h"
#include "util/TaskControl.h"

namespace ql {

enum class CalibrationMethod { MinMax, Entropy, Percentile };
std::string methodName(CalibrationMethod method);
Result<CalibrationMethod> parseMethod(const std::string& text);  // minmax, entropy, percentile

struct CalibrationOptions {
    CalibrationMethod method = CalibrationMethod::MinMax;
    bool movingAverage = false;       // MinMax: average the per-image ranges instead of the extremes
    double averagingConstant = 0.01;
    int histogramBins = 0;            // 0: ONNX Runtime's default (Entropy 128, Percentile 2048)
    int quantizedBins = 128;          // Entropy: target bins of the KL search
    double percentile = 99.999;
    bool symmetric = false;           // Percentile/Entropy: symmetric thresholds
    PreprocessOptions preprocess;
    SessionOptions session;

    std::string describe() const;     // for cache keys and reports
};

// Statistics of one tensor over all images. A histogram has fixed-width bins starting at
// histogramLo; it grows when a later image goes past its range.
struct TensorStatistics {
    double min = 0.0;
    double max = 0.0;
    double histogramLo = 0.0;
    double binWidth = 0.0;
    std::vector<double> histogram;
};

struct TensorRange {
    double lo = 0.0;
    double hi = 0.0;
};

struct CalibrationData {
    std::string key;                  // what was calibrated: model, images, preprocessing, method
    CalibrationOptions options;
    size_t imageCount = 0;
    std::map<std::string, TensorStatistics> tensors;

    // The range each tensor gets under the calibration method.
    std::map<std::string, TensorRange> ranges() const;

    nlohmann::json toJson() const;
    static Result<CalibrationData> fromJson(const nlohmann::json& j);
};

// Float activations worth calibrating: graph inputs and node outputs of float type.
std::vector<std::string> calibrationTensors(const OnnxModel& model);

// With `start` (statistics of earlier images, same model and options), the images continue that
// calibration: the result equals one calibration over the earlier images followed by these, bit
// for bit, since every method folds images into its statistics one at a time, in order.
Result<CalibrationData> calibrate(const OnnxModel& model, const std::vector<std::string>& images,
                                  const CalibrationOptions& options, const TaskControl& control = {},
                                  const CalibrationData* start = nullptr);

// One image's range of a tensor folded into its statistics: the extremes so far, or their
// moving average; `first` for the first image.
void updateRange(TensorStatistics& s, double lo, double hi, bool first, const CalibrationOptions& options);

// The thresholds ONNX Runtime's calibrators derive from statistics.
TensorRange percentileRange(const TensorStatistics& s, double percentile, bool symmetric);
TensorRange entropyRange(const TensorStatistics& s, int quantizedBins);

}  // namespace ql
