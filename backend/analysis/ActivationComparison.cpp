#include "analysis/ActivationComparison.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "quant/ModelPairing.h"
#include "runtime/ActivationCapture.h"

namespace ql {
namespace {

// Running statistics of one quantized activation over all images.
struct LayerAccumulator {
    size_t index = 0;          // into the report's layers
    std::string pre, post, fp32;
    ErrorAccumulator rounding, accumulated;
    double fp32Min = HUGE_VAL, fp32Max = -HUGE_VAL, postMin = HUGE_VAL, postMax = -HUGE_VAL;
    bool histogramsReady = false;
    std::vector<float> error;  // scratch, reused between images
};

void accumulate(LayerAccumulator& acc, ActivationError& layer, const TensorView& pre, const TensorView& post,
                const TensorView& fp32, int bins) {
    if (!pre.data || !post.data || !fp32.data) {
        layer.problem = "tensor is not float";
        return;
    }
    if (pre.size != post.size || post.size != fp32.size) {
        layer.problem = "FP32 tensor has " + std::to_string(fp32.size) + " values, quantized " + std::to_string(post.size);
        return;
    }
    const size_t n = post.size;
    acc.rounding.add(pre.data, post.data, n);
    acc.accumulated.add(fp32.data, post.data, n);
    acc.error.resize(n);
    float maxAbs = 0.0f;
    for (size_t i = 0; i < n; ++i) {
        const float f = fp32.data[i];
        const float p = post.data[i];
        acc.fp32Min = std::min<double>(acc.fp32Min, f);
        acc.fp32Max = std::max<double>(acc.fp32Max, f);
        acc.postMin = std::min<double>(acc.postMin, p);
        acc.postMax = std::max<double>(acc.postMax, p);
        acc.error[i] = p - f;
        maxAbs = std::max(maxAbs, std::fabs(acc.error[i]));
    }
    if (!acc.histogramsReady) {
        // Ranges are fixed from the first image so that histograms stream; the value range is
        // what the quantized tensor can represent (half a step either side), so FP32 values
        // outside it are exactly the clipped ones.
        const double half = layer.scale / 2.0;
        layer.histograms.reference = Histogram(layer.quantLo - half, layer.quantHi + half, bins);
        layer.histograms.quantized = Histogram(layer.quantLo - half, layer.quantHi + half, bins);
        const double errorRange = std::max<double>(1.5 * maxAbs, 4.0 * layer.scale);
        layer.histograms.error = Histogram(-errorRange, errorRange, bins);
        acc.histogramsReady = true;
    }
    layer.histograms.reference.add(fp32.data, n);
    layer.histograms.quantized.add(post.data, n);
    layer.histograms.error.add(acc.error.data(), n);
}

void finish(const LayerAccumulator& acc, ActivationError& layer) {
    if (!layer.problem.empty())
        return;
    layer.rounding = acc.rounding.result();
    layer.accumulated = acc.accumulated.result();
    layer.fp32Min = acc.fp32Min;
    layer.fp32Max = acc.fp32Max;
    const Histogram& h = layer.histograms.reference;
    const uint64_t total = h.total();
    layer.clippedFraction = total ? static_cast<double>(h.underflow + h.overflow) / static_cast<double>(total) : 0.0;
    const double span = layer.quantHi - layer.quantLo;
    layer.rangeUsed = span > 0 ? std::clamp((acc.postMax - acc.postMin) / span, 0.0, 1.0) : 0.0;
}

std::string formatNote(QuantFormat format) {
    switch (format) {
    case QuantFormat::Dynamic:
        return "dynamic quantization computes activation scales at run time inside DynamicQuantizeLinear/ConvInteger, "
               "so there are no fixed quantized activations to compare per layer; only the final outputs are compared";
    case QuantFormat::QOperator:
        return "QOperator models (QLinearConv, ...) keep activations as integers inside fused operators, so per-layer "
               "activation error needs the QDQ format; only the final outputs are compared";
    case QuantFormat::Float:
        return "the second model has no quantization; only the final outputs are compared";
    default:
        return {};
    }
}

}  // namespace

Result<ActivationReport> compareActivations(const AnalyzedModel& fp32, const AnalyzedModel& quant,
                                            const std::vector<std::string>& images, const ActivationOptions& options,
                                            const TaskControl& control) {
    const auto started = std::chrono::steady_clock::now();
    if (images.empty())
        return Error{"no images to compare on"};
    const Graph& fg = fp32.model.graph();
    const Graph& qg = quant.model.graph();
    if (fg.outputs().size() != qg.outputs().size())
        return Error{"the models do not match: " + std::to_string(fg.outputs().size()) + " outputs vs " +
                     std::to_string(qg.outputs().size())};

    ActivationReport report;
    report.format = quant.qdq.format;
    if (const std::string note = formatNote(quant.qdq.format); !note.empty())
        report.notes.push_back(note);

    std::vector<LayerAccumulator> accs;
    std::vector<std::string> fp32Tensors, quantTensors;
    if (quant.qdq.format == QuantFormat::QDQ) {
        auto pairing = ModelPairing::match(fg, qg, quant.qdq);
        if (!pairing)
            return pairing.error();
        std::vector<int> position(static_cast<size_t>(qg.nodeCount()), 0);
        for (size_t k = 0; k < qg.topologicalOrder().size(); ++k)
            position[static_cast<size_t>(qg.topologicalOrder()[k])] = static_cast<int>(k);
        for (const auto& t : quant.qdq.tensors) {
            if (t.kind != QuantizedKind::Activation || t.quantizeNodes.empty())
                continue;
            ActivationError layer;
            layer.name = t.floatName;
            layer.fp32Name = pairing->fp32TensorFor(t.floatName);
            const int producer = qg.producer(t.floatName);
            layer.producer = producer >= 0 ? qg.label(producer) : t.floatName + " (graph input)";
            layer.producerOp = producer >= 0 ? qg.node(producer).opType : "Input";
            layer.order = producer >= 0 ? position[static_cast<size_t>(producer)] : -1;
            layer.scale = t.params.scales.front();
            layer.zeroPoint = t.params.zeroPoints.front();
            layer.quantizedType = t.params.elementType;
            layer.quantLo = layer.scale * static_cast<double>(t.params.qmin() - layer.zeroPoint);
            layer.quantHi = layer.scale * static_cast<double>(t.params.qmax() - layer.zeroPoint);
            if (layer.fp32Name.empty() || !fg.hasTensor(layer.fp32Name)) {
                layer.problem = "no counterpart in the FP32 model";
                report.layers.push_back(std::move(layer));
                continue;
            }
            LayerAccumulator acc;
            acc.index = report.layers.size();
            acc.pre = t.floatName;
            acc.post = t.dequantizedOutputs.front();
            acc.fp32 = layer.fp32Name;
            quantTensors.push_back(acc.pre);
            quantTensors.push_back(acc.post);
            fp32Tensors.push_back(acc.fp32);
            accs.push_back(std::move(acc));
            report.layers.push_back(std::move(layer));
        }
        std::stable_sort(accs.begin(), accs.end(), [&](const LayerAccumulator& a, const LayerAccumulator& b) {
            return report.layers[a.index].order < report.layers[b.index].order;
        });
    }

    auto fp32Session = CaptureSession::create(fp32.model, fp32Tensors, options.session);
    if (!fp32Session)
        return fp32Session.error();
    auto quantSession = CaptureSession::create(quant.model, quantTensors, options.session);
    if (!quantSession)
        return quantSession.error();
    const std::string inputName = fg.inputs().empty() ? std::string() : fg.inputs().front();
    const std::string quantInputName = qg.inputs().empty() ? std::string() : qg.inputs().front();
    if (fg.inputs().size() != 1 || qg.inputs().size() != 1)
        return Error{"comparison on images needs models with one image input"};

    std::vector<ErrorAccumulator> outputAccs(fg.outputs().size());
    const ImagePreprocessor preprocessor(options.preprocess);
    for (size_t i = 0; i < images.size(); ++i) {
        if (control.cancelled())
            return Error{"cancelled"};
        control.report(i, images.size(), images[i]);
        auto prepared = preprocessor.prepare(images[i]);
        if (!prepared)
            return prepared.error();
        auto fp32Run = fp32Session->session.run({{inputName, prepared->shape, prepared->tensor.data(), prepared->tensor.size()}},
                                                fp32Session->outputNames);
        if (!fp32Run)
            return fp32Run.error();
        auto quantRun = quantSession->session.run({{quantInputName, prepared->shape, prepared->tensor.data(), prepared->tensor.size()}},
                                                  quantSession->outputNames);
        if (!quantRun)
            return quantRun.error();
        for (size_t k = 0; k < outputAccs.size(); ++k) {
            const TensorView& f = fp32Run->view(k);
            const TensorView& q = quantRun->view(k);
            if (f.data && q.data && f.size == q.size)
                outputAccs[k].add(f.data, q.data, f.size);
        }
        for (auto& acc : accs) {
            ActivationError& layer = report.layers[acc.index];
            if (!layer.problem.empty())
                continue;
            accumulate(acc, layer, *quantRun->find(acc.pre), *quantRun->find(acc.post), *fp32Run->find(acc.fp32), options.bins);
        }
    }
    control.report(images.size(), images.size());
    for (const auto& acc : accs)
        finish(acc, report.layers[acc.index]);
    std::stable_sort(report.layers.begin(), report.layers.end(),
                     [](const ActivationError& a, const ActivationError& b) { return a.order < b.order; });
    for (size_t k = 0; k < outputAccs.size(); ++k) {
        if (outputAccs[k].count() == 0)
            report.notes.push_back("output '" + qg.outputs()[k] + "' differs in shape or type between the models");
        report.outputs.push_back({qg.outputs()[k], outputAccs[k].result()});
    }
    report.imageCount = images.size();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace ql
