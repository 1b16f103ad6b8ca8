// Error of every quantized weight and bias: the dequantized values against the FP32 initializer,
// per tensor and per output channel, with histograms, and that error split into rounding (what
// quantizing the FP32 file would cost) and the part beyond it (weights changed by QAT or another
// checkpoint).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "metrics/ErrorMetrics.h"
#include "metrics/Histogram.h"
#include "model/Graph.h"
#include "inspect/ModelPairing.h"
#include "inspect/QdqStructure.h"

namespace ql {

// One element's error e = dequantized − FP32 split by its quantization step s (its channel's scale):
// rounding = clamp(e, −s/2, s/2); what is left is clipping when the element sits at the end of the
// integer range and its FP32 value lies beyond that end, otherwise it is beyond rounding (the
// weight itself changed). Values in the weight's units.
struct ElementErrorSplit {
    double rounding = 0;
    double clipping = 0;
    double beyond = 0;
};
ElementErrorSplit splitElementError(double fp32, double dequantized, double step, bool atUpperEnd, bool atLowerEnd);

// A layer's error split (counts are elements). A layer quantized from this very FP32 file has no
// element beyond rounding (float noise aside); one with more than kWeightsChangedFraction of them
// was trained on (QAT) or comes from another checkpoint, and its error is not quantization alone.
// 1%: training moves most elements of a layer by more than half a step (tens of percent beyond),
// while a handful of odd elements (weights edited by hand, FP16 storage, another rounding of
// ties) stays under it and does not brand a whole layer.
constexpr double kWeightsChangedFraction = 0.01;
struct RoundingSplit {
    uint64_t elements = 0;
    uint64_t beyondRounding = 0;  // |beyond| over float32 noise (1e-3 step and a few ulps)
    uint64_t clipped = 0;         // at a range end with the FP32 value beyond it
    // SQNR of the error quantization alone explains: rounding plus clipping, the part beyond
    // rounding left out; +inf when that error is zero.
    double roundingSqnrDb = std::numeric_limits<double>::infinity();
    double beyondFraction() const { return elements ? static_cast<double>(beyondRounding) / static_cast<double>(elements) : 0.0; }
    bool weightsChanged() const { return beyondFraction() > kWeightsChangedFraction; }
};
// Splits every element of a quantized constant: `quantized` are its integers (zero point
// included), `params` its scales, zero points and channel axis.
RoundingSplit splitWeightError(const std::vector<float>& fp32, const std::vector<int64_t>& quantized,
                               const std::vector<int64_t>& shape, const QuantParams& params);

struct WeightError {
    std::string name;        // float name in the quantized model
    std::string fp32Name;    // initializer in the FP32 model ("" when unmatched)
    QuantizedKind kind = QuantizedKind::Weight;
    std::string consumer;    // first compute node that reads it
    std::string consumerOp;
    std::vector<int64_t> shape;
    int quantizedType = 0;
    bool perChannelQuantized = false;
    int channelAxis = 0;     // axis of the per-channel metrics (output channels)
    ErrorMetrics overall;
    std::vector<ErrorMetrics> perChannel;
    int worstChannel = -1;   // lowest SQNR
    HistogramSet histograms;
    RoundingSplit split;     // the error split into rounding and beyond (QAT, another checkpoint)
    // The flag: weights only. An int32 bias's step (input scale × weight scale) is finer than what
    // any re-derived FP32 file changes: yolov8n_qdq_convonly's weights equal yolov8n_fp32's, yet its
    // biases sit up to 0.65 of their step off, as that FP32 file holds yolov8n_qdq_static's bias grid
    // values, not the original biases. Bias figures are reported, not flagged.
    bool weightsChanged() const { return kind == QuantizedKind::Weight && problem.empty() && split.weightsChanged(); }
    std::string problem;     // why it could not be compared; metrics are empty then
};

std::vector<WeightError> compareWeights(const Graph& fp32, const Graph& quant, const QdqStructure& qdq,
                                        const ModelPairing& pairing, int bins = kDefaultHistogramBins);

// One line when weights differ from the FP32 file by more than rounding, e.g. "52 of 64 weights
// differ from the FP32 file by more than rounding: a QAT model or another checkpoint; their error is
// not quantization alone"; "" when none does. Counts weights, not biases.
std::string weightsChangedVerdict(const std::vector<WeightError>& weights);
int weightsChangedCount(const std::vector<WeightError>& weights);

// The integers of a quantized constant (stored, or the float constant quantized as QuantizeLinear
// would at run time); throws ErrorException.
std::vector<int64_t> quantizedConstant(const Graph& quant, const QuantizedTensor& t, std::vector<int64_t>* shape);

// The values a quantized constant stands for, after dequantization; throws ErrorException.
std::vector<float> dequantizedConstant(const Graph& quant, const QuantizedTensor& t, std::vector<int64_t>* shape);

// The axis holding output channels for a weight of `rank` read by `consumer`.
int outputChannelAxis(const Node& consumer, int rank);

}  // namespace ql
