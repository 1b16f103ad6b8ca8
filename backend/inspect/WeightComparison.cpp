#include "inspect/WeightComparison.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "model/TensorData.h"

namespace ql {

int outputChannelAxis(const Node& consumer, int rank) {
    if (rank <= 1)
        return 0;
    if (consumer.opType == "ConvTranspose")
        return 1;
    if (consumer.opType == "MatMul")
        return rank - 1;
    if (consumer.opType == "Gemm") {
        for (const auto& a : consumer.proto->attribute())
            if (a.name() == "transB" && a.i() != 0)
                return 0;
        return 1;
    }
    return 0;
}

std::vector<int64_t> quantizedConstant(const Graph& quant, const QuantizedTensor& t, std::vector<int64_t>* shape) {
    if (t.quantizeNodes.empty()) {  // stored as integers
        const onnx::TensorProto* init = quant.initializer(t.quantizedName);
        if (!init)
            throw ErrorException("'" + t.quantizedName + "' is not an initializer");
        *shape = dims(*init);
        return tensorToInts(*init);
    }
    // A float constant quantized at run time (QAT exports: FP32 weight -> QuantizeLinear -> DequantizeLinear).
    const onnx::TensorProto* init = quant.initializer(t.floatName);
    if (!init)
        throw ErrorException("'" + t.floatName + "' is not an initializer");
    *shape = dims(*init);
    return quantize(tensorToFloats(*init), *shape, t.params);
}

std::vector<float> dequantizedConstant(const Graph& quant, const QuantizedTensor& t, std::vector<int64_t>* shape) {
    return dequantize(quantizedConstant(quant, t, shape), *shape, t.params);
}

ElementErrorSplit splitElementError(double fp32, double dequantized, double step, bool atUpperEnd, bool atLowerEnd) {
    ElementErrorSplit split;
    const double e = dequantized - fp32;
    const double half = 0.5 * std::abs(step);
    split.rounding = std::clamp(e, -half, half);
    const double rest = e - split.rounding;
    // Clipping: the FP32 value lies beyond the range end the integer sits at (above the top, e < 0;
    // below the bottom, e > 0). An integer at the end whose FP32 value is inside the range moved.
    if ((atUpperEnd && rest < 0) || (atLowerEnd && rest > 0))
        split.clipping = rest;
    else
        split.beyond = rest;
    return split;
}

RoundingSplit splitWeightError(const std::vector<float>& fp32, const std::vector<int64_t>& quantized,
                               const std::vector<int64_t>& shape, const QuantParams& params) {
    RoundingSplit split;
    if (params.scales.empty() || fp32.size() != quantized.size())
        return split;
    // Channel of element i along params.axis (per-channel), or 0 (per-tensor).
    const int rank = static_cast<int>(shape.size());
    const int axis = params.axis < 0 ? params.axis + rank : params.axis;
    size_t inner = 1;
    for (int d = axis + 1; d < rank; ++d)
        inner *= static_cast<size_t>(shape[static_cast<size_t>(d)]);
    const size_t channels = params.scales.size();
    const int64_t qmin = params.qmin();
    const int64_t qmax = params.qmax();
    double sumRef2 = 0, sumQuantErr2 = 0;
    for (size_t i = 0; i < fp32.size(); ++i) {
        const size_t c = channels > 1 ? (i / inner) % channels : 0;
        const double s = params.scales[c];
        const int64_t zp = params.zeroPoints.size() > c ? params.zeroPoints[c] : 0;
        const int64_t q = quantized[i];
        // Symmetric signed ranges are often narrow ([-127, 127], TensorRT/pytorch-quantization):
        // -qmax is a range end there too.
        const bool atUpper = q >= qmax;
        const bool atLower = q <= qmin || (zp == 0 && qmin < 0 && q <= -qmax);
        const double w = fp32[i];
        const double deq = static_cast<double>(static_cast<float>(q - zp) * static_cast<float>(s));  // as DequantizeLinear
        const ElementErrorSplit e = splitElementError(w, deq, s, atUpper, atLower);
        // Float32 noise: QuantizeLinear and DequantizeLinear compute in float, so an element on a
        // half step can land a few ulps past it; 1e-3 of a step is no change a checkpoint makes.
        const double noise = 1e-3 * std::abs(s) + 4.0 * FLT_EPSILON * (std::abs(w) + std::abs(deq));
        split.beyondRounding += std::abs(e.beyond) > noise ? 1 : 0;
        split.clipped += e.clipping != 0.0 ? 1 : 0;
        sumRef2 += w * w;
        const double quantErr = e.rounding + e.clipping;
        sumQuantErr2 += quantErr * quantErr;
    }
    split.elements = fp32.size();
    split.roundingSqnrDb = sumQuantErr2 == 0 ? std::numeric_limits<double>::infinity()
                         : sumRef2 == 0      ? -std::numeric_limits<double>::infinity()
                                             : 10.0 * std::log10(sumRef2 / sumQuantErr2);
    return split;
}

int weightsChangedCount(const std::vector<WeightError>& weights) {
    int changed = 0;
    for (const auto& w : weights)
        changed += w.weightsChanged() ? 1 : 0;
    return changed;
}

std::string weightsChangedVerdict(const std::vector<WeightError>& weights) {
    const int changed = weightsChangedCount(weights);
    if (changed == 0)
        return {};
    int compared = 0;
    for (const auto& w : weights)
        compared += w.kind == QuantizedKind::Weight && w.problem.empty() ? 1 : 0;
    return std::to_string(changed) + " of " + std::to_string(compared) + (compared == 1 ? " weight" : " weights") +
           (changed == 1 ? " differs" : " differ") +
           " from the FP32 file by more than rounding: a QAT model or another checkpoint; their error is not "
           "quantization alone";
}

std::vector<WeightError> compareWeights(const Graph& fp32, const Graph& quant, const QdqStructure& qdq,
                                        const ModelPairing& pairing, int bins) {
    std::vector<WeightError> result;
    std::vector<int> order;  // topological position of the first consumer, to sort by
    for (const auto& t : qdq.tensors) {
        if (t.kind == QuantizedKind::Activation)
            continue;
        WeightError w;
        w.name = t.floatName;
        w.kind = t.kind;
        w.quantizedType = t.params.elementType;
        w.perChannelQuantized = t.params.perChannel();
        if (!t.consumers.empty()) {
            const Node& c = quant.node(t.consumers.front());
            w.consumer = quant.label(c.index);
            w.consumerOp = c.opType;
        }
        order.push_back(t.consumers.empty() ? quant.nodeCount() : quant.topologicalPosition(t.consumers.front()));
        w.fp32Name = pairing.fp32TensorFor(t.floatName);
        const onnx::TensorProto* reference = w.fp32Name.empty() ? nullptr : fp32.initializer(w.fp32Name);
        if (!reference) {
            w.problem = w.fp32Name.empty() ? "no matching tensor in the FP32 model"
                                           : "'" + w.fp32Name + "' is not a constant in the FP32 model";
            result.push_back(std::move(w));
            continue;
        }
        try {
            const std::vector<int64_t> integers = quantizedConstant(quant, t, &w.shape);
            const std::vector<float> dequantized = dequantize(integers, w.shape, t.params);
            const std::vector<float> ref = tensorToFloats(*reference);
            if (dims(*reference) != w.shape)
                throw ErrorException("shape " + shapeToString(w.shape) + " differs from the FP32 shape " +
                                     shapeToString(dims(*reference)));
            w.split = splitWeightError(ref, integers, w.shape, t.params);
            w.overall = computeError(ref, dequantized);
            const int rank = static_cast<int>(w.shape.size());
            w.channelAxis = w.perChannelQuantized ? (t.params.axis < 0 ? t.params.axis + rank : t.params.axis)
                          : t.consumers.empty() ? 0 : outputChannelAxis(quant.node(t.consumers.front()), rank);
            w.perChannel = computeErrorPerChannel(ref, dequantized, w.shape, w.channelAxis);
            for (size_t c = 0; c < w.perChannel.size(); ++c)
                if (w.worstChannel < 0 || w.perChannel[c].sqnrDb < w.perChannel[static_cast<size_t>(w.worstChannel)].sqnrDb)
                    w.worstChannel = static_cast<int>(c);
            w.histograms = makeHistograms(ref, dequantized, bins);
        } catch (const std::exception& e) {
            w.problem = e.what();
        }
        result.push_back(std::move(w));
    }
    // Graph order reads best: a layer's weight, then its bias, from input to output.
    std::vector<size_t> index(result.size());
    for (size_t i = 0; i < index.size(); ++i)
        index[i] = i;
    std::stable_sort(index.begin(), index.end(), [&](size_t a, size_t b) {
        return std::make_pair(order[a], result[a].kind) < std::make_pair(order[b], result[b].kind);
    });
    std::vector<WeightError> sorted;
    sorted.reserve(result.size());
    for (const size_t i : index)
        sorted.push_back(std::move(result[i]));
    return sorted;
}

}  // namespace ql
