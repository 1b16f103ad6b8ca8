// A study: one FP32 baseline and rows to decide between (models given by path, and variants
// QuantLens quantizes from the FP32 model over a cartesian product of settings), each scored on the
// same labelled images: mAP against the labels and its change from the baseline, fidelity against
// the FP32 detections, parameters, GFLOPs, file size, latency, throughput and peak memory. Every
// finished row is cached on disk, so adding a row computes that row only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "detect/DetectionEvaluation.h"
#include "model/OnnxModel.h"
#include "quantize/Calibrator.h"
#include "quantize/QuantizerSettings.h"
#include "util/TaskControl.h"

namespace ql {

// One model QuantLens makes from the FP32 model: calibration method, per-channel weights, the
// first `calibrationSize` calibration images (0: all), nodes kept float.
struct StudyVariant {
    CalibrationMethod method = CalibrationMethod::MinMax;
    bool perChannel = false;
    size_t calibrationSize = 0;
    std::string excludeName;             // how the exclusion list is named in the table ("" for none)
    std::vector<std::string> exclude;    // nodes_to_exclude

    std::string label() const;  // "minmax per-tensor n=100 exclude=head"
};

// `--vary NAME=V1,V2,...` axes: method (minmax, entropy, percentile), per-channel (off, on),
// calib-size (positive integers), exclude (names of lists found in `excludeLists`, "none" for
// no exclusion). The variants are the cartesian product, the first axis varying slowest; an
// axis not given keeps the default (minmax, off, all images, none).
struct StudyAxis {
    std::string name;
    std::vector<std::string> values;
};
Result<StudyAxis> parseStudyAxis(const std::string& text);  // "method=minmax,entropy"
Result<std::vector<StudyVariant>> expandVariants(const std::vector<StudyAxis>& axes,
                                                 const std::map<std::string, std::vector<std::string>>& excludeLists = {});

// Latency of timed runs: mean, sample standard deviation (n − 1), and percentiles by linear
// interpolation between order statistics (numpy's default: rank p/100 × (n − 1)).
struct LatencySummary {
    int runs = 0;
    double meanMs = 0, stdMs = 0, p50Ms = 0, p95Ms = 0, p99Ms = 0;
};
LatencySummary summarizeLatency(std::vector<double> ms);

// Parameters: elements of the initializers holding numbers of a network (float, float16, bfloat16,
// double, int4/8/16/32 and their unsigned forms), except the scales and zero points of
// QuantizeLinear/DequantizeLinear, QLinearConv/QLinearMatMul and ConvInteger/MatMulInteger nodes;
// so a quantized model counts the same parameters as its FP32 model.
// MACs (ConvInteger and QLinearConv count as Conv, MatMulInteger and QLinearMatMul as MatMul):
// Conv = output elements × (input channels / group × kernel elements); ConvTranspose = input
// elements × (output channels / group × kernel elements); Gemm = M × N × K; MatMul = output elements
// × K. Biases, activations and other operators are not counted. GFLOPs = 2 × MACs / 1e9, at batch 1
// (a dynamic batch dimension counts as 1). Shapes come from the file and ONNX shape inference; a
// counted node with a shape still unknown makes the GFLOPs unknown (uncountedNodes names how many).
struct ModelCost {
    int64_t parameters = 0;
    double macs = 0;
    std::optional<double> gflops;
    int countedNodes = 0;
    int uncountedNodes = 0;
};
ModelCost modelCost(const OnnxModel& model);

// Peak resident memory grown since `resetPeakMemory` (Linux /proc/self: freed heap is returned to
// the system with malloc_trim, the peak is reset with clear_refs 5, and the growth is VmHWM − VmRSS
// at the reset), in MiB; nullopt where not available. Memory the process kept from earlier work
// and reuses does not count, so it is a lower bound of what the session needs on its own.
struct PeakMemory {
    std::optional<double> baselineMiB;
    bool reset = false;
};
PeakMemory resetPeakMemory();
std::optional<double> peakMemoryGrowthMiB(const PeakMemory& start);

struct StudyRow {
    std::string label;
    std::string kind;          // "baseline", "model" or "variant"
    std::string model;         // the file evaluated (a variant's cached .onnx)
    nlohmann::json settings;   // a variant's quantizer and calibration settings
    size_t calibrationImages = 0;
    double map50 = 0, map50to95 = 0;
    double deltaMap50 = 0, deltaMap50to95 = 0;  // − the baseline's
    std::optional<DetectionFidelity> fidelity;  // against the FP32 detections (not for the baseline)
    ModelCost cost;
    uint64_t fileSize = 0;
    LatencySummary latency;    // one image, batch 1, after warm-up
    int batch = 1;
    std::optional<double> throughput;  // images/s at `batch`
    std::string throughputNote;        // why there is none
    std::optional<double> peakMemoryMiB;
    bool cached = false;               // read from the study cache, not computed in this run
    std::string key;                   // its cache key
};

struct StudyOptions {
    EvaluationOptions evaluation;        // detector options, mAP confidence, warm-up and timed runs
    int batch = 1;                       // throughput batch
    std::vector<std::string> calibrationImages;
    CalibrationOptions calibration;      // preprocessing, session; the method comes from each variant
    QuantizerSettings quantizer;         // the base; per-channel and exclusions come from each variant
    std::string cacheDirectory;          // rows and variant models; "" keeps nothing on disk (variants are then
                                         // written to a temporary folder)
    std::string calibrationCacheDirectory;
};

struct StudyResult {
    size_t images = 0;                   // evaluated
    bool labelled = true;                // false: images without labels (no mAP; fidelity only)
    std::vector<StudyRow> rows;          // the baseline first, then models, then variants
    size_t computedRows = 0, cachedRows = 0;
    size_t calibratedImages = 0;         // images run through calibration in this study
    std::vector<std::string> warnings;
};

// Evaluates every row on `data`. A row's cache key covers the bytes of the model (for a variant:
// the FP32 model, the variant's settings and its calibration images), the evaluation images and
// every option the figures depend on. Progress counts calibration images and evaluated images.
Result<StudyResult> runStudy(const OnnxModel& fp32, const std::vector<std::string>& modelPaths,
                             const std::vector<StudyVariant>& variants, const YoloDataset& data, const StudyOptions& options,
                             const TaskControl& control = {});

// The table as text (aligned), Markdown or CSV; and the whole study as JSON.
Result<std::string> studyTable(const StudyResult& result, const std::string& format);
nlohmann::json studyJson(const StudyResult& result);

// PNG: mAP@.5:.95 (up) against mean latency (across), one circle per row whose area grows with the
// file size, numbered as the table's rows, the Pareto front (no other row both faster and more
// accurate) joined by a line. Empty when fewer than two rows.
std::vector<unsigned char> studyParetoPng(const StudyResult& result, int width = 900, int height = 560);

}  // namespace ql
