#include "analysis/ActivationComparison.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <set>
#include <thread>

#include "analysis/FakeQuantModel.h"
#include "analysis/QOperatorRecompute.h"
#include "model/TensorData.h"
#include "inspect/FloatView.h"
#include "inspect/ModelPairing.h"
#include "runtime/ActivationCapture.h"
#include "runtime/FakeQuantOp.h"
#include "runtime/MinMaxOp.h"
#include "util/Parallel.h"

namespace ql {
namespace {

// Histograms of activations sample evenly spaced values: this many per tensor over all images,
// within the bounds per image. The metrics and the clipping count use every value. Binning costs
// more than the metrics' pass per value, so many images take fewer samples each.
constexpr size_t kHistogramSampleBudget = 409600;
constexpr size_t kMinSamplesPerImage = 4096;
constexpr size_t kMaxSamplesPerImage = 16384;

// Final-output SQNR of the instrumented run and of the deployed session may differ by this much
// before the report says so (float rounding of fused kernels stays well inside it).
constexpr double kDeployedToleranceDb = 0.05;

// Running statistics of one quantized activation over all images.
struct LayerAccumulator {
    size_t index = 0;          // into the report's layers
    std::string pre, post, fp32;
    std::string sums;          // the FakeQuant node's rounding sums; empty where the Q/DQ pair stayed
    std::string scale;         // the per-image scale tensor (dynamic); empty otherwise
    bool hasPre = true;        // false: no tensor before rounding (an operator's own output)
    size_t preOutput = 0, postOutput = 0, fp32Output = 0, sumsOutput = 0, scaleOutput = 0;  // positions in the sessions' outputs
    double scaleSum = 0.0;
    size_t scaleCount = 0;
    bool preIsInput = false;   // the graph input itself is quantized: read it from the input tensor
    bool fp32IsInput = false;
    ErrorAccumulator rounding, accumulated;
    double fp32Min = HUGE_VAL, fp32Max = -HUGE_VAL, postMin = HUGE_VAL, postMax = -HUGE_VAL;
    uint64_t clipped = 0, total = 0;
    bool histogramsReady = false;
};

// This tensor's own rounding, as its FakeQuant node summed it up.
void addRounding(LayerAccumulator& acc, const double* sums) {
    acc.rounding.addSums(sums[kSumInput2], sums[kSumOutput2], sums[kSumInputOutput], sums[kSumDiff2], sums[kMaxAbsDiff],
                         static_cast<uint64_t>(sums[kCount]));
    acc.postMin = std::min(acc.postMin, sums[kOutputMin]);
    acc.postMax = std::max(acc.postMax, sums[kOutputMax]);
}

// The same from the tensors before and after a Q/DQ pair left in the graph.
void addRounding(LayerAccumulator& acc, const TensorView& pre, const TensorView& post) {
    acc.rounding.add(pre.data, post.data, post.size);
    float lo = 0.0f, hi = 0.0f;
    minMaxOf(post.data, post.size, &lo, &hi);
    acc.postMin = std::min<double>(acc.postMin, lo);
    acc.postMax = std::max<double>(acc.postMax, hi);
}

struct AccumulatedSums {
    ErrorAccumulator error;
    uint64_t clipped = 0;
    float fp32Min = HUGE_VALF, fp32Max = -HUGE_VALF;
};

// One pass over both tensors: the analysis' hot path. Float partial sums per block vectorise;
// totals are double. Compiled for AVX-512 and AVX2 as well, picked at run time: in SSE2 the loop
// is bound by arithmetic, not by memory.
__attribute__((target_clones("avx512f", "avx2", "default"))) AccumulatedSums accumulatedSums(
    const float* f, const float* p, size_t n, float lo, float hi) {
    constexpr size_t kBlock = 4096;
    AccumulatedSums sums;
    float fMin = HUGE_VALF, fMax = -HUGE_VALF;
    for (size_t start = 0; start < n; start += kBlock) {
        const size_t end = std::min(n, start + kBlock);
        float f2 = 0, p2 = 0, fp = 0, dfp2 = 0, maxFp = 0;
        uint64_t clipped = 0;
#pragma omp simd reduction(+ : f2, p2, fp, dfp2, clipped) reduction(max : maxFp, fMax) reduction(min : fMin)
        for (size_t i = start; i < end; ++i) {
            const float fv = f[i], pv = p[i];
            const float dfp = fv - pv;
            f2 += fv * fv;
            p2 += pv * pv;
            fp += fv * pv;
            dfp2 += dfp * dfp;
            maxFp = std::max(maxFp, std::fabs(dfp));
            fMin = std::min(fMin, fv);
            fMax = std::max(fMax, fv);
            clipped += (fv < lo) | (fv > hi);
        }
        sums.error.addSums(f2, p2, fp, dfp2, maxFp, end - start);
        sums.clipped += clipped;
    }
    sums.fp32Min = fMin;
    sums.fp32Max = fMax;
    return sums;
}

// FP32 against after Q/DQ: the error accumulated through the graph, the FP32 range, clipping and
// histograms (of `samples` evenly spaced values).
void addAccumulated(LayerAccumulator& acc, ActivationError& layer, const TensorView& post, const TensorView& fp32,
                    size_t samples, int bins) {
    const size_t n = post.size;
    const float* f = fp32.data;
    const float* p = post.data;
    // Representable range, half a step either side: FP32 values beyond it are clipped. Without a
    // fixed range (float tensors, scales computed per image) nothing counts as clipped.
    const float half = layer.scale / 2.0f;
    const float lo = layer.fixedRange ? static_cast<float>(layer.quantLo) - half : -HUGE_VALF;
    const float hi = layer.fixedRange ? static_cast<float>(layer.quantHi) + half : HUGE_VALF;
    const AccumulatedSums sums = accumulatedSums(f, p, n, lo, hi);
    acc.accumulated.merge(sums.error);
    acc.clipped += sums.clipped;
    acc.fp32Min = std::min<double>(acc.fp32Min, sums.fp32Min);
    acc.fp32Max = std::max<double>(acc.fp32Max, sums.fp32Max);
    acc.total += n;

    if (!acc.histogramsReady) {
        // Ranges are fixed on the first image so that histograms stream; without a fixed range,
        // the first image's FP32 range and a quarter more.
        double hlo = lo, hhi = hi;
        if (!layer.fixedRange) {
            const double margin = 0.125 * std::max(1e-6, static_cast<double>(sums.fp32Max) - sums.fp32Min);
            hlo = sums.fp32Min - margin;
            hhi = sums.fp32Max + margin;
        }
        layer.histograms.reference = Histogram(hlo, hhi, bins);
        layer.histograms.quantized = Histogram(hlo, hhi, bins);
        const double errorRange =
            std::max({1.5 * acc.accumulated.result().maxAbsError, 4.0 * layer.scale, 1e-6});
        layer.histograms.error = Histogram(-errorRange, errorRange, bins);
        acc.histogramsReady = true;
    }
    const size_t stride = std::max<size_t>(1, n / samples);
    layer.histograms.reference.addStrided(f, n, stride);
    layer.histograms.quantized.addStrided(p, n, stride);
    for (size_t i = 0; i < n; i += stride) {
        const float e = p[i] - f[i];
        layer.histograms.error.add(&e, 1);
    }
}

// Why the tensors of a layer cannot be compared, or empty.
std::string mismatch(const TensorView* pre, const TensorView& post, const TensorView& fp32) {
    if ((pre && !pre->data) || !post.data || !fp32.data)
        return "tensor is not float";
    if ((pre && pre->size != post.size) || post.size != fp32.size)
        return "FP32 tensor has " + std::to_string(fp32.size) + " values, quantized " + std::to_string(post.size);
    return {};
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
    layer.rangeUsed = layer.fixedRange && span > 0 ? std::clamp((acc.postMax - acc.postMin) / span, 0.0, 1.0) : 0.0;
    if (layer.runtimeScale && acc.scaleCount)
        layer.scale = static_cast<float>(acc.scaleSum / static_cast<double>(acc.scaleCount));
}

std::string formatNote(QuantFormat format) {
    switch (format) {
    case QuantFormat::Dynamic:
        return "dynamic quantization: each DynamicQuantizeLinear computes its scale per image (shown as the mean, "
               "with its range over the images); ConvInteger/MatMulInteger results are float tensors with no rounding "
               "of their own";
    case QuantFormat::QOperator:
        return "QOperator model: QLinear* outputs are dequantized with their own scale and zero point; an operator's "
               "own rounding is its dequantized output against the operator recomputed in float from its dequantized "
               "inputs (QLinearConv, QLinearMatMul, QGemm, QLinearAdd/Mul/Concat/Sigmoid/LeakyRelu/AveragePool)";
    case QuantFormat::Float:
        return "the second model has no quantization: every node output that pairs with the FP32 model is compared "
               "(FP16 tensors read as float)";
    default:
        return {};
    }
}

bool isReducedFloat(int type) { return type == onnx::TensorProto::FLOAT16 || type == onnx::TensorProto::BFLOAT16; }

// Adds `node` and the type of its output to the copy of the model that is run.
void addReadingNode(onnx::ModelProto& edited, const Graph& g, onnx::NodeProto node, const std::string& shapeOf) {
    auto* info = edited.mutable_graph()->add_value_info();
    info->set_name(node.output(0));
    auto* tensor = info->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    if (const TensorInfo* source = g.tensorInfo(shapeOf); source && source->hasShape)
        for (const int64_t d : source->shape) {
            auto* dim = tensor->mutable_shape()->add_dim();
            if (d >= 0)
                dim->set_dim_value(d);
        }
    *edited.mutable_graph()->add_node() = std::move(node);
}

// A float tensor of the quantized model that stands for an FP32 tensor: how to read it.
struct FloatReading {
    std::string name;      // the tensor as the model names it (integer, FP16 or float)
    std::string post;      // float tensor to capture: the tensor itself or an added DequantizeLinear/Cast
    std::string pre;       // float before rounding (QuantizeLinear, DynamicQuantizeLinear); "" for none
    std::string scale;     // per-image scale tensor (DynamicQuantizeLinear); "" for none
    std::string integer;   // the integer tensor dequantized into `post`; "" for none
    int producer = -1;     // node computing `name` (or `pre`)
    const IntegerEncoding* encoding = nullptr;
};

// The tensors a dynamic, QOperator or float (FP16) model is compared on, with the nodes that read
// them as float added to `edited`.
std::vector<FloatReading> floatReadings(const AnalyzedModel& quant, const FloatView& view, onnx::ModelProto& edited) {
    const Graph& g = quant.model.graph();
    std::vector<FloatReading> readings;
    std::set<std::string> seen;
    auto dequantized = [&](const std::string& t, const IntegerEncoding& e) {
        onnx::NodeProto dq;
        dq.set_op_type("DequantizeLinear");
        dq.set_name(t + "_quantlens_dequantize");
        dq.add_input(t);
        dq.add_input(e.scale);
        if (!e.zeroPoint.empty())
            dq.add_input(e.zeroPoint);
        dq.add_output(t + "_quantlens_float");
        addReadingNode(edited, g, dq, t);
        return t + "_quantlens_float";
    };
    auto asFloat = [&](const std::string& t) {
        const TensorInfo* info = g.tensorInfo(t);
        if (!info || !isReducedFloat(info->elementType))
            return t;
        onnx::NodeProto cast;
        cast.set_op_type("Cast");
        cast.set_name(t + "_quantlens_cast");
        cast.add_input(t);
        cast.add_output(t + "_quantlens_float");
        auto* to = cast.add_attribute();
        to->set_name("to");
        to->set_type(onnx::AttributeProto::INT);
        to->set_i(onnx::TensorProto::FLOAT);
        addReadingNode(edited, g, cast, t);
        return t + "_quantlens_float";
    };
    auto isFloatTensor = [&](const std::string& t) {
        const TensorInfo* info = g.tensorInfo(t);
        return info && (info->elementType == onnx::TensorProto::FLOAT || isReducedFloat(info->elementType));
    };
    // Conversions to integers: their own rounding is defined (before vs after).
    for (const int i : g.topologicalOrder()) {
        const Node& n = g.node(i);
        if ((n.opType != "QuantizeLinear" && n.opType != "DynamicQuantizeLinear") || n.inputs.empty() ||
            n.outputs.empty() || !isFloatTensor(n.inputs[0]) || g.isInitializer(n.inputs[0]))
            continue;
        auto e = view.encoding.find(n.outputs[0]);
        if (e == view.encoding.end() || !seen.insert(n.inputs[0]).second)
            continue;
        FloatReading r;
        r.name = n.inputs[0];
        r.pre = asFloat(n.inputs[0]);
        r.post = dequantized(n.outputs[0], e->second);
        r.integer = n.outputs[0];
        r.producer = g.producer(n.inputs[0]);
        r.encoding = &e->second;
        if (n.opType == "DynamicQuantizeLinear")
            r.scale = e->second.scale;
        readings.push_back(std::move(r));
    }
    // Operators' results: integers with their own encoding, FP16 or float.
    for (const ViewNode& vn : view.nodes) {
        const bool chain = g.node(vn.index).opType == "ConvInteger" || g.node(vn.index).opType == "MatMulInteger";
        for (const auto& out : vn.outputs) {
            if (out.empty() || seen.count(out))
                continue;
            FloatReading r;
            r.name = out;
            r.producer = vn.index;
            if (auto e = view.encoding.find(out); e != view.encoding.end()) {
                if (quant.qdq.format != QuantFormat::QOperator || !g.initializer(e->second.scale))
                    continue;  // only constant encodings: QOperator outputs
                r.encoding = &e->second;
                r.post = dequantized(out, e->second);
                r.integer = out;
                // The operator recomputed in float from its dequantized inputs: what its output's
                // own rounding starts from.
                if (auto pre = recomputeInFloat(g, g.node(vn.index), quant.model.opsetVersion())) {
                    for (size_t k = 0; k + 1 < pre->nodes.size(); ++k)
                        *edited.mutable_graph()->add_node() = pre->nodes[k];
                    addReadingNode(edited, g, pre->nodes.back(), out);
                    r.pre = pre->output;
                }
            } else if (isFloatTensor(out) && (chain || quant.qdq.format == QuantFormat::Float)) {
                r.post = asFloat(out);
            } else {
                continue;
            }
            seen.insert(out);
            readings.push_back(std::move(r));
        }
    }
    return readings;
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
    FakeQuantModel fakeQuant;
    std::optional<onnx::ModelProto> edited;  // non-QDQ models: a copy with nodes that read tensors as float
    if (quant.qdq.format == QuantFormat::QDQ) {
        fakeQuant = withFakeQuantNodes(quant.model, quant.qdq);
        auto pairing = ModelPairing::match(fg, qg, quant.qdq);
        if (!pairing)
            return pairing.error();
        // Another network (pruned, fine-tuned): one line first; the layers that still pair are compared.
        if (const std::string verdict = pairingVerdict(fg, qg, quant.qdq, *pairing); !verdict.empty())
            report.warnings.push_back(verdict + "; the layers that still pair are compared");
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
            if (const auto sums = fakeQuant.sumsOf.find(t.floatName); sums != fakeQuant.sumsOf.end())
                acc.sums = sums->second;
            quantTensors.push_back(acc.sums.empty() ? acc.pre : acc.sums);
            quantTensors.push_back(acc.post);
            fp32Tensors.push_back(acc.fp32);
            accs.push_back(std::move(acc));
            report.layers.push_back(std::move(layer));
        }
    } else {
        // Dynamic, QOperator and float (FP16) models: the tensors that stand for FP32 ones, read as
        // float by nodes added to a copy of the model.
        edited = quant.model.proto();
        const FloatView view = FloatView::build(qg, quant.qdq);
        auto pairing = ModelPairing::match(fg, qg, quant.qdq);
        if (!pairing)
            return pairing.error();
        if (const std::string verdict = pairingVerdict(fg, qg, quant.qdq, *pairing); !verdict.empty())
            report.warnings.push_back(verdict + "; the layers that still pair are compared");
        size_t unpaired = 0;
        std::string firstUnpaired;
        for (auto& r : floatReadings(quant, view, *edited)) {
            ActivationError layer;
            layer.name = r.name;
            layer.fp32Name = pairing->fp32TensorFor(r.name);
            layer.producer = r.producer >= 0 ? qg.label(r.producer) : r.name + " (graph input)";
            layer.producerOp = r.producer >= 0 ? qg.node(r.producer).opType : "Input";
            layer.order = r.producer >= 0 ? qg.topologicalPosition(r.producer) : -1;
            layer.fixedRange = false;
            if (r.encoding) {
                const onnx::TensorProto* scale = qg.initializer(r.encoding->scale);
                const onnx::TensorProto* zp = r.encoding->zeroPoint.empty() ? nullptr : qg.initializer(r.encoding->zeroPoint);
                const TensorInfo* info = qg.tensorInfo(r.integer);
                layer.quantizedType = zp ? zp->data_type() : info ? info->elementType : onnx::TensorProto::UINT8;
                if (scale && !tensorToFloats(*scale).empty()) {
                    QuantParams params;
                    params.elementType = layer.quantizedType;
                    layer.scale = tensorToFloats(*scale).front();
                    layer.zeroPoint = zp && !tensorToInts(*zp).empty() ? tensorToInts(*zp).front() : 0;
                    layer.quantLo = layer.scale * static_cast<double>(params.qmin() - layer.zeroPoint);
                    layer.quantHi = layer.scale * static_cast<double>(params.qmax() - layer.zeroPoint);
                    layer.fixedRange = true;
                }
                layer.runtimeScale = !scale;
            }
            if (layer.fp32Name.empty() || !fg.hasTensor(layer.fp32Name)) {
                if (unpaired++ == 0)
                    firstUnpaired = r.name;
                layer.problem = "no counterpart in the FP32 model";
                report.layers.push_back(std::move(layer));
                continue;
            }
            LayerAccumulator acc;
            acc.index = report.layers.size();
            acc.hasPre = !r.pre.empty();
            acc.pre = r.pre;
            acc.post = r.post;
            acc.scale = r.scale;
            acc.fp32 = layer.fp32Name;
            if (acc.hasPre)
                quantTensors.push_back(acc.pre);
            quantTensors.push_back(acc.post);
            if (!acc.scale.empty())
                quantTensors.push_back(acc.scale);
            fp32Tensors.push_back(acc.fp32);
            accs.push_back(std::move(acc));
            report.layers.push_back(std::move(layer));
        }
        if (unpaired)
            report.notes.push_back(std::to_string(unpaired) + " of " + std::to_string(report.layers.size()) +
                                   " tensors have no FP32 counterpart (e.g. '" + firstUnpaired + "'); they are listed without figures");
    }
    std::stable_sort(accs.begin(), accs.end(), [&](const LayerAccumulator& a, const LayerAccumulator& b) {
        return report.layers[a.index].order < report.layers[b.index].order;
    });

    // Both models run at once (below); unless told otherwise each gets half the cores.
    SessionOptions sessionOptions = options.session;
    if (sessionOptions.intraOpThreads <= 0)
        sessionOptions.intraOpThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2));
    auto fp32Session = CaptureSession::create(fp32.model, fp32Tensors, sessionOptions);
    if (!fp32Session)
        return fp32Session.error();
    auto quantSession = edited ? CaptureSession::create(quant.model, *edited, quantTensors, sessionOptions)
                        : fakeQuant.sumsOf.empty()
                            ? CaptureSession::create(quant.model, quantTensors, sessionOptions)
                            : CaptureSession::create(quant.model, fakeQuant.proto, quantTensors, sessionOptions);
    if (!quantSession) {
        Error e = quantSession.error();
        if (e.message.find("Could not find an implementation") != std::string::npos)
            if (const std::string note = bfloat16ComputeNote(qg); !note.empty())
                e.message += "; " + note;
        return e;
    }
    // The quantized model as it is deployed: a plain session at the user's optimisation level.
    // Its final outputs are the ones reported; the instrumented run's are only checked against them.
    auto deployedBytes = quant.model.serialize();
    if (!deployedBytes)
        return deployedBytes.error();
    auto deployed = InferenceSession::fromBytes(*deployedBytes, quant.model.displayName(), sessionOptions);
    if (!deployed)
        return deployed.error();
    auto outputIndex = [](const std::vector<std::string>& names, const std::string& name) {
        return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    };
    for (auto& acc : accs) {
        acc.preOutput = outputIndex(quantSession->outputNames, acc.pre);
        acc.sumsOutput = outputIndex(quantSession->outputNames, acc.sums);
        acc.postOutput = outputIndex(quantSession->outputNames, acc.post);
        acc.scaleOutput = outputIndex(quantSession->outputNames, acc.scale);
        acc.fp32Output = outputIndex(fp32Session->outputNames, acc.fp32);
        acc.preIsInput = std::find(qg.inputs().begin(), qg.inputs().end(), acc.pre) != qg.inputs().end();
        acc.fp32IsInput = fg.producer(acc.fp32) < 0;
    }
    const std::string inputName = fg.inputs().empty() ? std::string() : fg.inputs().front();
    const std::string quantInputName = qg.inputs().empty() ? std::string() : qg.inputs().front();
    if (fg.inputs().size() != 1 || qg.inputs().size() != 1)
        return Error{"comparison on images needs models with one image input"};

    std::vector<ErrorAccumulator> instrumentedAccs(fg.outputs().size());
    OutputComparer outputs(qg.outputs(), options.decode, options.preprocess.width, options.preprocess.height);
    const size_t samplesPerImage =
        std::clamp(kHistogramSampleBudget / images.size(), kMinSamplesPerImage, kMaxSamplesPerImage);
    const ImagePreprocessor preprocessor(options.preprocess);
    // An image that cannot be read (a truncated JPEG among them) is left out and named, so one bad
    // file does not abort the comparison of the others, nor skews it unseen.
    std::vector<std::string> skipped;
    auto done = forEachPreparedImage(preprocessor, images, control, [&](size_t imageIndex, const PreparedImage& prepared) -> Status {
        const InputTensor in{inputName, prepared.shape, prepared.tensor.data(), prepared.tensor.size()};
        // The two models run at the same time, each on its own thread: ONNX Runtime spreads one
        // model over cores far less well than two independent runs use them.
        // The plain quantized run shares the FP32 model's thread: together they take about as long
        // as the instrumented quantized run on the other.
        const InputTensor quantIn{quantInputName, in.shape, in.data, in.size};
        Result<const RunOutputs*> deployedRun = Error{""};
        auto fp32Pending = std::async(std::launch::async, [&] {
            auto run = fp32Session->session.runReusingOutputs({in}, fp32Session->outputNames);
            deployedRun = deployed->runReusingOutputs({quantIn}, qg.outputs());
            return run;
        });
        auto quantRun = quantSession->session.runReusingOutputs({quantIn}, quantSession->outputNames);
        auto fp32Run = fp32Pending.get();
        if (!fp32Run)
            return fp32Run.error();
        if (!quantRun)
            return quantRun.error();
        if (!deployedRun)
            return deployedRun.error();
        std::vector<const TensorView*> fp32Outputs, deployedOutputs;
        for (size_t k = 0; k < instrumentedAccs.size(); ++k) {
            const TensorView& f = (*fp32Run)->view(k);
            const TensorView& q = (*quantRun)->view(k);
            if (f.data && q.data && f.size == q.size)
                instrumentedAccs[k].add(f.data, q.data, f.size);
            fp32Outputs.push_back(&f);
            deployedOutputs.push_back(&(*deployedRun)->view(k));
        }
        outputs.add(fp32Outputs, deployedOutputs, prepared.transform, images[imageIndex]);
        const TensorView input{prepared.tensor.data(), prepared.tensor.size(), prepared.shape, onnx::TensorProto::FLOAT};
        parallelFor(accs.size(), [&](size_t k) {
            LayerAccumulator& acc = accs[k];
            ActivationError& layer = report.layers[acc.index];
            if (!layer.problem.empty())
                return;
            const TensorView& post = (*quantRun)->view(acc.postOutput);
            const TensorView& fp32Tensor = acc.fp32IsInput ? input : (*fp32Run)->view(acc.fp32Output);
            const TensorView* pre = !acc.sums.empty() || !acc.hasPre ? nullptr
                                    : acc.preIsInput                 ? &input
                                                                     : &(*quantRun)->view(acc.preOutput);
            layer.problem = mismatch(pre, post, fp32Tensor);
            if (!layer.problem.empty())
                return;
            if (!acc.scale.empty()) {  // the scale DynamicQuantizeLinear computed for this image
                const TensorView& scale = (*quantRun)->view(acc.scaleOutput);
                if (scale.data && scale.size == 1) {
                    const double value = scale.data[0];
                    layer.scaleMin = acc.scaleCount ? std::min(layer.scaleMin, value) : value;
                    layer.scaleMax = acc.scaleCount ? std::max(layer.scaleMax, value) : value;
                    if (!acc.scaleCount)
                        layer.scale = static_cast<float>(value);
                    acc.scaleSum += value;
                    ++acc.scaleCount;
                }
            }
            if (pre)
                addRounding(acc, *pre, post);
            else if (!acc.sums.empty())
                addRounding(acc, static_cast<const double*>((*quantRun)->view(acc.sumsOutput).raw));
            else {
                float lo = 0.0f, hi = 0.0f;
                minMaxOf(post.data, post.size, &lo, &hi);
                acc.postMin = std::min<double>(acc.postMin, lo);
                acc.postMax = std::max<double>(acc.postMax, hi);
            }
            addAccumulated(acc, layer, post, fp32Tensor, samplesPerImage, options.bins);
        });
        return Ok{};
    }, &skipped);
    if (!done)
        return done.error();
    report.warnings.insert(report.warnings.end(), skipped.begin(), skipped.end());
    for (const auto& acc : accs)
        finish(acc, report.layers[acc.index]);
    std::stable_sort(report.layers.begin(), report.layers.end(),
                     [](const ActivationError& a, const ActivationError& b) { return a.order < b.order; });
    report.optimization = options.session.optimization;
    report.preprocessing = options.preprocess.describe();
    report.outputs = outputs.outputs();
    report.fidelity = outputs.fidelity();
    for (const auto& note : outputs.notes())
        report.notes.push_back(note);
    if (auto rewrites = precisionRewritesAtLoad(quant.model, options.session))
        report.loadRewrites = std::move(rewrites).value();
    else
        report.notes.push_back("what ONNX Runtime changes at load could not be read: " + rewrites.errorMessage());
    for (const auto& problem : scoreStepProblems(qg, quant.qdq, options.preprocess.width, options.preprocess.height,
                                                 options.decode.layout)) {
        for (auto& o : report.outputs)
            if (o.name == problem.output && problem.failure)
                o.failures.push_back(problem.message);
        if (!problem.failure)
            report.warnings.push_back(problem.message);
    }
    for (size_t k = 0; k < report.outputs.size(); ++k) {
        OutputError& o = report.outputs[k];
        if (o.metrics.count == 0)
            report.notes.push_back("output '" + o.name + "' differs in shape or type between the models");
        for (const auto& failure : o.failures)
            report.failures.push_back(failure);
        // The per-layer figures come from a graph ONNX Runtime runs differently when deployed
        // (QDQ fusions, weights it quantizes at load): say so where that shows in the outputs.
        const ErrorMetrics instrumented = instrumentedAccs[k].result();
        if (instrumented.count && o.metrics.count &&
            !(std::abs(instrumented.sqnrDb - o.metrics.sqnrDb) <= kDeployedToleranceDb)) {
            o.instrumented = instrumented;
            std::string why = report.loadRewrites.empty()
                                  ? "no precision change QuantLens can name; ONNX Runtime's fused kernels round differently"
                                  : std::to_string(report.loadRewrites.size()) +
                                        " node(s) ONNX Runtime quantizes at load: " + report.loadRewrites.front().describe();
            report.warnings.push_back("output '" + o.name + "': the per-layer run gives " + formatDb(instrumented.sqnrDb) +
                                      " dB, ONNX Runtime as deployed (optimisation " +
                                      optimizationName(options.session.optimization) + ") gives " +
                                      formatDb(o.metrics.sqnrDb) + " dB (" + why + ")");
        }
    }
    report.imageCount = images.size() - skipped.size();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace ql
