// Error of every quantized weight and bias: the dequantized values against the FP32 initializer,
// per tensor and per output channel, with histograms.
#pragma once

#include <string>
#include <vector>

#include "metrics/ErrorMetrics.h"
#include "metrics/Histogram.h"
#include "model/Graph.h"
#include "quant/ModelPairing.h"
#include "quant/QdqStructure.h"

namespace ql {

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
    std::string problem;     // why it could not be compared; metrics are empty then
};

std::vector<WeightError> compareWeights(const Graph& fp32, const Graph& quant, const QdqStructure& qdq,
                                        const ModelPairing& pairing, int bins = kDefaultHistogramBins);

// The values a quantized constant stands for, after dequantization; throws ErrorException.
std::vector<float> dequantizedConstant(const Graph& quant, const QuantizedTensor& t, std::vector<int64_t>* shape);

// The axis holding output channels for a weight of `rank` read by `consumer`.
int outputChannelAxis(const Node& consumer, int rank);

}  // namespace ql
