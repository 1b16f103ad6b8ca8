// Per-layer activation error: runs the FP32 and the quantized model on the same images and, for
// every quantized activation, measures the rounding error of that tensor alone (before vs after
// its Q/DQ pair in the quantized model) and the error accumulated through the graph (FP32 vs
// after Q/DQ), like ONNX Runtime's qdq_loss_debug. Dynamic models get the same for every
// DynamicQuantizeLinear (with the scale it computed per image) and the accumulated error of every
// ConvInteger/MatMulInteger result; QOperator models the accumulated error of every QLinear*
// output dequantized with its own scale; FP16 models that of every node's output. Tensors pair
// with the FP32 model's through ModelPairing. Statistics stream over the images; no image's
// tensors are kept.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/OutputComparison.h"
#include "detect/YoloDecoder.h"
#include "metrics/ErrorMetrics.h"
#include "metrics/Histogram.h"
#include "preprocess/ImagePreprocessor.h"
#include "inspect/AnalyzedModel.h"
#include "runtime/InferenceSession.h"
#include "runtime/LoadRewrites.h"
#include "util/Result.h"
#include "util/TaskControl.h"

namespace ql {

struct ActivationOptions {
    // intraOpThreads per model, as both run at once (0: half the cores each); the optimisation
    // level is the one the quantized model is deployed with, for the final outputs' figures.
    SessionOptions session;
    PreprocessOptions preprocess;
    DecodeOptions decode;  // how final outputs are read as detections (layout, thresholds)
    int bins = kDefaultHistogramBins;
};

struct ActivationError {
    std::string name;        // the quantized float tensor, as the quantized model names it
    std::string fp32Name;    // its counterpart in the FP32 model
    std::string producer;    // node computing it (quantized model)
    std::string producerOp;
    int order = 0;           // topological position of the producer
    float scale = 0.0f;
    int64_t zeroPoint = 0;
    int quantizedType = 0;
    double quantLo = 0.0;    // representable range: scale·(qmin − zp) .. scale·(qmax − zp)
    double quantHi = 0.0;
    // False for a float tensor (FP16, a ConvInteger chain's float result) and for a scale computed
    // per image: no fixed step or range, so no clipping and range use.
    bool fixedRange = true;
    // Dynamic quantization: the scale DynamicQuantizeLinear computed, over the images (scale above: the mean).
    bool runtimeScale = false;
    double scaleMin = 0.0;
    double scaleMax = 0.0;

    ErrorMetrics rounding;     // this tensor's own Q/DQ error: before vs after rounding (count 0: not defined)
    ErrorMetrics accumulated;  // FP32 vs after Q/DQ: everything upstream included
    double fp32Min = 0.0;
    double fp32Max = 0.0;
    double clippedFraction = 0.0;  // FP32 values outside the representable range
    double rangeUsed = 0.0;        // part of the integer range the quantized values span
    HistogramSet histograms;       // reference = FP32, quantized = after Q/DQ, error = quantized − FP32
    std::string problem;           // why it could not be compared; metrics are empty then
};

struct ActivationReport {
    QuantFormat format = QuantFormat::QDQ;
    size_t imageCount = 0;
    std::string preprocessing;  // how the images were fed (PreprocessOptions::describe)
    std::vector<ActivationError> layers;   // topological order
    // The models' final outputs: the quantized one from a plain ONNX Runtime session at the
    // deployed optimisation level, not from the instrumented per-layer run.
    std::vector<OutputError> outputs;
    std::optional<DetectionFidelity> fidelity;  // when the output reads as detections
    GraphOptimization optimization = GraphOptimization::All;
    std::vector<LoadRewrite> loadRewrites;  // precision ONNX Runtime changes at load, not in the per-layer figures
    std::vector<std::string> failures;      // what makes the quantized model unusable (collapsed class scores)
    std::vector<std::string> warnings;      // disagreements and coarse steps a user must see next
    std::vector<std::string> notes;         // what could not be compared, and why
    double seconds = 0.0;
};

Result<ActivationReport> compareActivations(const AnalyzedModel& fp32, const AnalyzedModel& quantized,
                                            const std::vector<std::string>& images, const ActivationOptions& options,
                                            const TaskControl& control = {});

}  // namespace ql
