#include "quant/WeightComparison.h"

#include <algorithm>

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

std::vector<float> dequantizedConstant(const Graph& quant, const QuantizedTensor& t, std::vector<int64_t>* shape) {
    if (t.quantizeNodes.empty()) {  // stored as integers
        const onnx::TensorProto* init = quant.initializer(t.quantizedName);
        if (!init)
            throw ErrorException("'" + t.quantizedName + "' is not an initializer");
        *shape = dims(*init);
        return dequantize(tensorToInts(*init), *shape, t.params);
    }
    // A float constant quantized at run time.
    const onnx::TensorProto* init = quant.initializer(t.floatName);
    if (!init)
        throw ErrorException("'" + t.floatName + "' is not an initializer");
    *shape = dims(*init);
    const std::vector<int64_t> q = quantize(tensorToFloats(*init), *shape, t.params);
    return dequantize(q, *shape, t.params);
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
            const std::vector<float> dequantized = dequantizedConstant(quant, t, &w.shape);
            const std::vector<float> ref = tensorToFloats(*reference);
            if (dims(*reference) != w.shape)
                throw ErrorException("shape " + shapeToString(w.shape) + " differs from the FP32 shape " +
                                     shapeToString(dims(*reference)));
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
