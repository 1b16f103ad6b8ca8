#include "analysis/ActivationComparison.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "quant/ModelPairing.h"
#include "runtime/ActivationCapture.h"
#include "util/Parallel.h"

namespace ql {
namespace {

// Histograms of activations sample this many evenly spaced values per tensor and image; the
// metrics and the clipping count use every value.
constexpr size_t kHistogramSamples = 16384;

// Running statistics of one quantized activation over all images.
struct LayerAccumulator {
    size_t index = 0;          // into the report's layers
    std::string pre, post, fp32;
    size_t preOutput = 0, postOutput = 0, fp32Output = 0;  // positions in the sessions' outputs
    bool preIsInput = false;   // the graph input itself is quantized: read it from the input tensor
    bool fp32IsInput = false;
    ErrorAccumulator rounding, accumulated;
    double fp32Min = HUGE_VAL, fp32Max = -HUGE_VAL, postMin = HUGE_VAL, postMax = -HUGE_VAL;
    uint64_t clipped = 0, total = 0;
    bool histogramsReady = false;
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
    const float* f = fp32.data;
    const float* p = post.data;
    const float* q = pre.data;

    // Representable range, half a step either side: FP32 values beyond it are clipped.
    const float half = layer.scale / 2.0f;
    const float lo = static_cast<float>(layer.quantLo) - half;
    const float hi = static_cast<float>(layer.quantHi) + half;
    // One pass over the three tensors for both errors, the ranges and the clipping count: this
    // loop is the analysis' hot path. Float partial sums per block vectorise; totals are double.
    constexpr size_t kBlock = 4096;
    float fMin = HUGE_VALF, fMax = -HUGE_VALF, pMin = HUGE_VALF, pMax = -HUGE_VALF;
    for (size_t start = 0; start < n; start += kBlock) {
        const size_t end = std::min(n, start + kBlock);
        float f2 = 0, p2 = 0, q2 = 0, fp = 0, qp = 0, dfp2 = 0, dqp2 = 0, maxFp = 0, maxQp = 0;
        uint64_t clipped = 0;
#pragma omp simd reduction(+ : f2, p2, q2, fp, qp, dfp2, dqp2, clipped) reduction(max : maxFp, maxQp, fMax, pMax) \
    reduction(min : fMin, pMin)
        for (size_t i = start; i < end; ++i) {
            const float fv = f[i], pv = p[i], qv = q[i];
            const float dfp = fv - pv, dqp = qv - pv;
            f2 += fv * fv;
            p2 += pv * pv;
            q2 += qv * qv;
            fp += fv * pv;
            qp += qv * pv;
            dfp2 += dfp * dfp;
            dqp2 += dqp * dqp;
            maxFp = std::max(maxFp, std::fabs(dfp));
            maxQp = std::max(maxQp, std::fabs(dqp));
            fMin = std::min(fMin, fv);
            fMax = std::max(fMax, fv);
            pMin = std::min(pMin, pv);
            pMax = std::max(pMax, pv);
            clipped += (fv < lo) | (fv > hi);
        }
        acc.accumulated.addSums(f2, p2, fp, dfp2, maxFp, end - start);
        acc.rounding.addSums(q2, p2, qp, dqp2, maxQp, end - start);
        acc.clipped += clipped;
    }
    acc.fp32Min = std::min<double>(acc.fp32Min, fMin);
    acc.fp32Max = std::max<double>(acc.fp32Max, fMax);
    acc.postMin = std::min<double>(acc.postMin, pMin);
    acc.postMax = std::max<double>(acc.postMax, pMax);
    acc.total += n;

    if (!acc.histogramsReady) {
        // Ranges are fixed on the first image so that histograms stream.
        layer.histograms.reference = Histogram(lo, hi, bins);
        layer.histograms.quantized = Histogram(lo, hi, bins);
        const double errorRange = std::max(1.5 * acc.accumulated.result().maxAbsError, 4.0 * layer.scale);
        layer.histograms.error = Histogram(-errorRange, errorRange, bins);
        acc.histogramsReady = true;
    }
    const size_t stride = std::max<size_t>(1, n / kHistogramSamples);
    layer.histograms.reference.addStrided(f, n, stride);
    layer.histograms.quantized.addStrided(p, n, stride);
    for (size_t i = 0; i < n; i += stride) {
        const float e = p[i] - f[i];
        layer.histograms.error.add(&e, 1);
    }
}

void finish(const LayerAccumulator& acc, ActivationError& layer) {
    if (!layer.problem.empty())
        return;
    layer.rounding = acc.rounding.result();
    layer.accumulated = acc.accumulated.result();
    layer.fp32Min = acc.fp32Min;
    layer.fp32Max = acc.fp32Max;
    layer.clippedFraction = acc.total ? static_cast<double>(acc.clipped) / static_cast<double>(acc.total) : 0.0;
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
        for (const auto& t : quant.qdq.tensors) {
            if (t.kind != QuantizedKind::Activation || t.quantizeNodes.empty())
                continue;
            ActivationError layer;
            layer.name = t.floatName;
            layer.fp32Name = pairing->fp32TensorFor(t.floatName);
            const int producer = qg.producer(t.floatName);
            layer.producer = producer >= 0 ? qg.label(producer) : t.floatName + " (graph input)";
            layer.producerOp = producer >= 0 ? qg.node(producer).opType : "Input";
            layer.order = producer >= 0 ? qg.topologicalPosition(producer) : -1;
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
    auto outputIndex = [](const std::vector<std::string>& names, const std::string& name) {
        return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    };
    for (auto& acc : accs) {
        acc.preOutput = outputIndex(quantSession->outputNames, acc.pre);
        acc.postOutput = outputIndex(quantSession->outputNames, acc.post);
        acc.fp32Output = outputIndex(fp32Session->outputNames, acc.fp32);
        acc.preIsInput = qg.producer(acc.pre) < 0;
        acc.fp32IsInput = fg.producer(acc.fp32) < 0;
    }
    const std::string inputName = fg.inputs().empty() ? std::string() : fg.inputs().front();
    const std::string quantInputName = qg.inputs().empty() ? std::string() : qg.inputs().front();
    if (fg.inputs().size() != 1 || qg.inputs().size() != 1)
        return Error{"comparison on images needs models with one image input"};

    std::vector<ErrorAccumulator> outputAccs(fg.outputs().size());
    const ImagePreprocessor preprocessor(options.preprocess);
    auto done = forEachPreparedImage(preprocessor, images, control, [&](size_t, const PreparedImage& prepared) -> Status {
        const InputTensor in{inputName, prepared.shape, prepared.tensor.data(), prepared.tensor.size()};
        auto fp32Run = fp32Session->session.runReusingOutputs({in}, fp32Session->outputNames);
        if (!fp32Run)
            return fp32Run.error();
        auto quantRun = quantSession->session.runReusingOutputs({{quantInputName, in.shape, in.data, in.size}},
                                                                quantSession->outputNames);
        if (!quantRun)
            return quantRun.error();
        for (size_t k = 0; k < outputAccs.size(); ++k) {
            const TensorView& f = (*fp32Run)->view(k);
            const TensorView& q = (*quantRun)->view(k);
            if (f.data && q.data && f.size == q.size)
                outputAccs[k].add(f.data, q.data, f.size);
        }
        const TensorView input{prepared.tensor.data(), prepared.tensor.size(), prepared.shape, onnx::TensorProto::FLOAT};
        parallelFor(accs.size(), [&](size_t k) {
            LayerAccumulator& acc = accs[k];
            ActivationError& layer = report.layers[acc.index];
            if (layer.problem.empty())
                accumulate(acc, layer, acc.preIsInput ? input : (*quantRun)->view(acc.preOutput),
                           (*quantRun)->view(acc.postOutput), acc.fp32IsInput ? input : (*fp32Run)->view(acc.fp32Output),
                           options.bins);
        });
        return Ok{};
    });
    if (!done)
        return done.error();
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
