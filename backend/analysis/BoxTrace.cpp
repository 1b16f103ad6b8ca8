#include "analysis/BoxTrace.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "inspect/ModelPairing.h"
#include "model/TensorData.h"
#include "util/AtomicFile.h"

namespace fs = std::filesystem;

namespace ql {
namespace {

int64_t intAttribute(const Node& n, const std::string& name, int64_t fallback) {
    if (!n.proto)
        return fallback;
    for (const auto& a : n.proto->attribute())
        if (a.name() == name && a.type() == onnx::AttributeProto::INT)
            return a.i();
    return fallback;
}

bool isFloatTensor(const Graph& g, const std::string& t) {
    const TensorInfo* info = g.tensorInfo(t);
    return !info || info->elementType == 0 || info->elementType == onnx::TensorProto::FLOAT;
}

// The constant float values of `tensor`: an initializer, or one read through DequantizeLinear.
std::vector<float> constantValues(const Graph& g, const std::string& tensor) {
    if (const onnx::TensorProto* init = g.initializer(tensor))
        return tensorToFloats(*init);
    const int p = g.producer(tensor);
    if (p < 0)
        return {};
    const Node& n = g.node(p);
    if (n.opType == "DequantizeLinear" && n.inputs.size() >= 2) {
        const onnx::TensorProto* q = g.initializer(n.inputs[0]);
        const onnx::TensorProto* s = g.initializer(n.inputs[1]);
        if (!q || !s)
            return {};
        const std::vector<float> scale = tensorToFloats(*s);
        std::vector<int64_t> zp;
        if (n.inputs.size() >= 3 && !n.inputs[2].empty())
            if (const onnx::TensorProto* z = g.initializer(n.inputs[2]))
                zp = tensorToInts(*z);
        const std::vector<int64_t> ints = tensorToInts(*q);
        if (scale.size() != 1 || ints.empty())
            return {};
        std::vector<float> v;
        for (const int64_t i : ints)
            v.push_back(static_cast<float>(i - (zp.empty() ? 0 : zp.front())) * scale.front());
        return v;
    }
    if (n.opType == "Identity" && !n.inputs.empty())
        return constantValues(g, n.inputs[0]);
    return {};
}

// The consumers of `t`, looking through Q/DQ pairs and Identity.
std::vector<int> consumersThrough(const Graph& g, const std::string& t, int depth = 0) {
    std::vector<int> out;
    for (const int c : g.consumers(t)) {
        const Node& n = g.node(c);
        if (depth < 4 && (n.opType == "QuantizeLinear" || n.opType == "DequantizeLinear" || n.opType == "Identity") &&
            !n.outputs.empty()) {
            for (const int d : consumersThrough(g, n.outputs[0], depth + 1))
                out.push_back(d);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// Tensors computed from initializers alone (weights read through DequantizeLinear, shapes of
// constants): the same in every run, not activations.
std::unordered_set<std::string> constantTensors(const Graph& g) {
    std::unordered_set<std::string> constant;
    for (const int i : g.topologicalOrder()) {
        const Node& n = g.node(i);
        const bool allConstant = std::all_of(n.inputs.begin(), n.inputs.end(), [&](const std::string& in) {
            return in.empty() || g.isInitializer(in) || constant.count(in) > 0;
        });
        if (allConstant)
            for (const auto& o : n.outputs)
                constant.insert(o);
    }
    return constant;
}

ErrorMetrics wholeError(const TensorView& f, const TensorView& q) {
    ErrorAccumulator acc;
    acc.add(f.data, q.data, f.size);
    return acc.result();
}

// Window columns [x0, x1) of a map of stride `s` and width `w` (see the header's rule).
std::pair<int, int> windowOf(int cellX, int headStride, int halfCells, int s, int64_t w) {
    const double px0 = static_cast<double>(cellX - halfCells) * headStride;
    const double px1 = static_cast<double>(cellX + halfCells + 1) * headStride;
    const int a = static_cast<int>(std::floor(px0 / s));
    const int b = static_cast<int>(std::ceil(px1 / s));
    return {std::clamp(a, 0, static_cast<int>(w)), std::clamp(b, 0, static_cast<int>(w))};
}

std::vector<float> windowValues(const TensorView& v, const TracedLayer& l) {
    const int64_t c = v.shape[1], h = v.shape[2], w = v.shape[3];
    std::vector<float> out;
    out.reserve(static_cast<size_t>(c) * static_cast<size_t>(l.y1 - l.y0) * static_cast<size_t>(l.x1 - l.x0));
    for (int64_t k = 0; k < c; ++k)
        for (int y = l.y0; y < l.y1; ++y) {
            const float* row = v.data + (k * h + y) * w;
            out.insert(out.end(), row + l.x0, row + l.x1);
        }
    return out;
}

// NumPy's .npy, version 1.0, little-endian float32, C order.
std::string npyBytes(const float* data, size_t n, const std::vector<int64_t>& shape) {
    std::string dims;
    for (const int64_t d : shape)
        dims += (dims.empty() ? "" : ", ") + std::to_string(d);
    if (shape.size() == 1)
        dims += ",";
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    const size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
    bytes += static_cast<char>(header.size() & 0xff);
    bytes += static_cast<char>((header.size() >> 8) & 0xff);
    bytes += header;
    bytes.append(reinterpret_cast<const char*>(data), n * sizeof(float));
    return bytes;
}

Status writeNpy(const fs::path& path, const float* data, size_t n, const std::vector<int64_t>& shape) {
    std::error_code ec;
    if (fs::exists(path, ec))
        return Error{path.string() + " already exists; give --dump-tensors an empty or new folder"};
    return writeFileAtomically(path.string(), npyBytes(data, n, shape));
}

Status makeFolder(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        return Error{"cannot create the folder " + dir + (ec ? ": " + ec.message() : std::string())};
    return Ok{};
}

std::string fileSafe(std::string s) {
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_')
            c = '_';
    while (!s.empty() && (s.front() == '_' || s.front() == '.'))
        s.erase(s.begin());
    return s.substr(0, 80);
}

}  // namespace

Result<DflPattern> findDflSoftmax(const Graph& g) {
    for (const int i : g.topologicalOrder()) {
        const Node& n = g.node(i);
        if (n.opType != "Softmax" || n.inputs.empty() || n.outputs.empty())
            continue;
        bool feedsDflConv = false;
        std::vector<float> bins;
        for (const int c : consumersThrough(g, n.outputs[0])) {
            const Node& conv = g.node(c);
            if (conv.opType != "Conv" || conv.inputs.size() < 2)
                continue;
            const std::vector<float> w = constantValues(g, conv.inputs[1]);
            if (w.size() != 16)
                continue;
            bool ramp = true;
            for (size_t k = 0; k < w.size(); ++k)
                ramp = ramp && std::abs(w[k] - static_cast<float>(k)) < 0.1f;  // int8 storage of 0..15 stays within 0.06
            if (ramp && !feedsDflConv)
                bins = w;
            feedsDflConv = feedsDflConv || ramp;
        }
        if (!feedsDflConv)
            continue;
        DflPattern p;
        p.softmax = g.label(i);
        p.probabilities = n.outputs[0];
        p.binValues = bins;
        std::string t = n.inputs[0];
        for (int guard = 0; guard < 8; ++guard) {
            const int prod = g.producer(t);
            if (prod < 0)
                break;
            const Node& pn = g.node(prod);
            static const std::set<std::string> kReshapes = {"Reshape", "Transpose", "Identity", "Flatten",
                                                            "QuantizeLinear", "DequantizeLinear", "Squeeze", "Unsqueeze"};
            if (!kReshapes.count(pn.opType) || pn.inputs.empty())
                break;
            t = pn.inputs[0];
        }
        p.logits = t;
        return p;
    }
    return Error{"no DFL head found (a Softmax feeding a Conv with the fixed weights 0..15)"};
}

Result<std::vector<int64_t>> levelAnchorCounts(YoloLayout layout, const std::vector<int64_t>& shape, int w, int h) {
    auto strides = headStrides(layout, shape, w, h);
    if (!strides)
        return strides.error();
    if (shape.size() != 3)
        return Error{"output of shape " + shapeToString(shape) + " is not [1,A,B]"};
    const int64_t total = layout == YoloLayout::Ultralytics ? shape[2] : shape[1];
    int64_t cells = 0;
    for (const int s : *strides)
        cells += static_cast<int64_t>(w / s) * (h / s);
    if (cells <= 0 || total % cells != 0)
        return Error{"the output's " + std::to_string(total) + " anchors are no whole number per grid cell"};
    std::vector<int64_t> counts;
    for (const int s : *strides)
        counts.push_back(static_cast<int64_t>(w / s) * (h / s) * (total / cells));
    return counts;
}

Result<TraceCapture> TraceCapture::run(const AnalyzedModel& fp32, const AnalyzedModel& quantized, const Detector& detector,
                                       const cv::Mat& bgr, Scope scope, const SessionOptions& session) {
    auto image = detector.preprocessor().prepare(bgr);
    if (!image)
        return image.error();
    return run(fp32, quantized, detector.outputName(), *image, scope, session);
}

Result<TraceCapture> TraceCapture::run(const AnalyzedModel& fp32, const AnalyzedModel& quant, const std::string& outputName,
                                       const PreparedImage& image, Scope scope, const SessionOptions& session) {
    if (quant.qdq.format != QuantFormat::QDQ && quant.qdq.format != QuantFormat::Float)
        return Error{"the trace reads QDQ models (and float ones); " + quant.model.displayName() + " is " +
                     formatName(quant.qdq.format) + ": use compare --per-layer for its whole-tensor figures"};
    const Graph& fg = fp32.model.graph();
    const Graph& qg = quant.model.graph();
    if (fg.inputs().size() != 1 || qg.inputs().size() != 1)
        return Error{"the trace needs models with one image input"};
    if (!fg.hasTensor(outputName))
        return Error{fp32.model.displayName() + " has no tensor '" + outputName + "'"};

    TraceCapture t;
    t.fp32_ = &fp32;
    t.quantized_ = &quant;
    t.outputName_ = outputName;
    t.input_ = image.tensor;
    t.inputShape_ = image.shape;
    if (auto p = findDflSoftmax(fg))
        t.dflPattern_ = *p;
    else
        t.dflProblem_ = p.errorMessage();

    // FP32 tensors to capture: the DFL pair, and with Scope::Trace every float tensor the output
    // depends on (not through Shape/Size, which read only a tensor's shape).
    std::vector<std::string> wanted;
    if (t.dflPattern_) {
        wanted.push_back(t.dflPattern_->probabilities);
        wanted.push_back(t.dflPattern_->logits);
    }
    if (scope == Scope::Trace) {
        wanted.push_back(fg.inputs().front());  // the image as the quantized model reads it (after its Q/DQ)
        std::unordered_set<std::string> needed = {outputName};
        const auto& order = fg.topologicalOrder();
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            const Node& n = fg.node(*it);
            if (std::none_of(n.outputs.begin(), n.outputs.end(), [&](const std::string& o) { return needed.count(o) > 0; }))
                continue;
            if (n.opType == "Shape" || n.opType == "Size")
                continue;
            for (const auto& in : n.inputs)
                if (!in.empty() && !fg.isInitializer(in))
                    needed.insert(in);
        }
        const auto constant = constantTensors(fg);
        for (const int i : order)
            for (const auto& o : fg.node(i).outputs)
                if (needed.count(o) && isFloatTensor(fg, o) && !constant.count(o))
                    wanted.push_back(o);
    }

    auto pairing = ModelPairing::match(fg, qg, quant.qdq);
    if (!pairing)
        return pairing.error();
    // FP32 tensor -> the quantized float tensor standing for it (its Q/DQ'd form when quantized).
    std::unordered_map<std::string, std::string> counterpart;
    auto consider = [&](const std::string& q) {
        const std::string f = pairing->fp32TensorFor(q);
        if (f.empty())
            return;
        std::string read = q;
        if (const QuantizedTensor* qt = quant.qdq.findByFloatName(q);
            qt && qt->kind == QuantizedKind::Activation && !qt->dequantizedOutputs.empty())
            read = qt->dequantizedOutputs.front();
        auto [it, added] = counterpart.emplace(f, read);
        if (!added && quant.qdq.findByFloatName(q))  // the quantized tensor itself wins over an alias
            it->second = read;
    };
    for (const auto& in : qg.inputs())
        consider(in);
    for (const int i : qg.topologicalOrder())
        for (const auto& o : qg.node(i).outputs)
            if (!o.empty() && isFloatTensor(qg, o))
                consider(o);
    // The graph input pairs by name.
    if (!counterpart.count(fg.inputs().front())) {
        const std::string& qin = qg.inputs().front();
        const QuantizedTensor* qt = quant.qdq.findByFloatName(qin);
        counterpart[fg.inputs().front()] =
            qt && !qt->dequantizedOutputs.empty() ? qt->dequantizedOutputs.front() : qin;
    }
    std::vector<std::string> fp32Tensors, quantTensors;
    std::set<std::string> seen;
    for (const auto& f : wanted) {
        if (!seen.insert(f).second)
            continue;
        auto c = counterpart.find(f);
        if (c == counterpart.end()) {
            t.unpaired_.push_back(f);
            continue;
        }
        t.pairs_.emplace_back(f, c->second);
        fp32Tensors.push_back(f);
        quantTensors.push_back(c->second);
    }
    if (fp32Tensors.empty())
        return t;  // nothing to capture (no DFL head, Scope::Dfl)

    auto fs = CaptureSession::create(fp32.model, fp32Tensors, session);
    if (!fs)
        return fs.error();
    auto qs = CaptureSession::create(quant.model, quantTensors, session);
    if (!qs)
        return qs.error();
    auto fr = fs->session.run({{fg.inputs().front(), image.shape, image.tensor.data(), image.tensor.size()}}, fs->outputNames);
    if (!fr)
        return fr.error();
    auto qr = qs->session.run({{qg.inputs().front(), image.shape, image.tensor.data(), image.tensor.size()}}, qs->outputNames);
    if (!qr)
        return qr.error();
    t.fp32Run_ = std::make_shared<RunOutputs>(std::move(fr).value());
    t.quantizedRun_ = std::make_shared<RunOutputs>(std::move(qr).value());
    return t;
}

const TensorView* TraceCapture::fp32View(const std::string& f) const {
    if (!fp32Run_)
        return nullptr;
    return fp32Run_->find(f);
}

const TensorView* TraceCapture::quantizedView(const std::string& f) const {
    if (!quantizedRun_)
        return nullptr;
    for (const auto& [fp, q] : pairs_)
        if (fp == f)
            return quantizedRun_->find(q);
    return nullptr;
}

Result<BoxTrace> TraceCapture::trace(const GridCell& cell, YoloLayout layout, const TraceOptions& options) const {
    const Graph& fg = fp32_->model.graph();
    if (inputShape_.size() != 4)
        return Error{"the input " + shapeToString(inputShape_) + " is not NCHW"};
    const int64_t inH = inputShape_[2], inW = inputShape_[3];
    const std::string& inputName = fg.inputs().front();
    const TensorView inputView{input_.data(), input_.size(), inputShape_, onnx::TensorProto::FLOAT};
    auto f32 = [&](const std::string& name) -> const TensorView* {
        return name == inputName ? &inputView : fp32View(name);
    };
    std::vector<int64_t> levelAnchors;
    if (const TensorView* out = fp32View(outputName_); out && layout != YoloLayout::Auto)
        if (auto counts = levelAnchorCounts(layout, out->shape, static_cast<int>(inW), static_cast<int>(inH)))
            levelAnchors = std::move(counts).value();

    // The tensors the cell depends on: back from the output, following only the cell's level at
    // the Concat that joins the levels (inputs as long along its axis as the levels' anchor counts).
    std::unordered_set<std::string> needed = {outputName_};
    const auto& order = fg.topologicalOrder();
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const Node& n = fg.node(*it);
        if (std::none_of(n.outputs.begin(), n.outputs.end(), [&](const std::string& o) { return needed.count(o) > 0; }))
            continue;
        if (n.opType == "Shape" || n.opType == "Size")
            continue;
        if (n.opType == "Concat" && levelAnchors.size() >= 2 && n.inputs.size() == levelAnchors.size() &&
            cell.level < static_cast<int>(levelAnchors.size())) {
            bool levels = true;
            for (size_t k = 0; k < n.inputs.size() && levels; ++k) {
                const TensorView* v = f32(n.inputs[k]);
                if (!v || v->shape.empty()) {
                    levels = false;
                    break;
                }
                int64_t axis = intAttribute(n, "axis", 0);
                if (axis < 0)
                    axis += static_cast<int64_t>(v->shape.size());
                levels = axis >= 0 && axis < static_cast<int64_t>(v->shape.size()) &&
                         v->shape[static_cast<size_t>(axis)] == levelAnchors[k];
            }
            if (levels) {
                needed.insert(n.inputs[static_cast<size_t>(cell.level)]);
                continue;
            }
        }
        for (const auto& in : n.inputs)
            if (!in.empty() && !fg.isInitializer(in))
                needed.insert(in);
    }

    BoxTrace trace;
    trace.cell = cell;
    trace.headHalfCells = options.headHalfCells;
    std::map<std::string, int> indexOf;  // FP32 tensor -> traced layer
    size_t notMap = 0, notAligned = 0, unpaired = 0;
    std::string firstNotAligned, firstUnpaired;
    std::vector<std::pair<int, std::string>> candidates = {{-1, inputName}};
    const auto constant = constantTensors(fg);
    for (const int i : order)
        for (const auto& o : fg.node(i).outputs)
            if (needed.count(o) && isFloatTensor(fg, o) && !constant.count(o))
                candidates.emplace_back(i, o);
    for (const auto& [node, name] : candidates) {
        const TensorView* fv = f32(name);
        const TensorView* qv = name == inputName ? nullptr : quantizedView(name);
        if (name == inputName) {
            for (const auto& [fp, q] : pairs_)
                if (fp == name)
                    qv = quantizedRun_ ? quantizedRun_->find(q) : nullptr;
            if (!qv && fg.inputs().front() == name)
                qv = &inputView;  // the quantized model reads the image as it is (no Q/DQ on it)
        }
        if (!fv || !fv->data || fv->shape.size() != 4) {
            ++notMap;
            continue;
        }
        const int64_t h = fv->shape[2], w = fv->shape[3];
        if (h <= 0 || w <= 0 || inW % w != 0 || inH % h != 0 || inW / w != inH / h) {
            if (notAligned++ == 0)
                firstNotAligned = name + " " + shapeToString(fv->shape);
            continue;
        }
        if (!qv || !qv->data || qv->size != fv->size) {
            if (unpaired++ == 0)
                firstUnpaired = name;
            continue;
        }
        TracedLayer l;
        l.fp32Tensor = name;
        for (const auto& [fp, q] : pairs_)
            if (fp == name)
                l.quantizedTensor = q;
        if (l.quantizedTensor.empty())
            l.quantizedTensor = fg.inputs().front();
        l.node = node >= 0 ? fg.label(node) : "(graph input)";
        l.op = node >= 0 ? fg.node(node).opType : "Input";
        l.order = node >= 0 ? fg.topologicalPosition(node) : -1;
        l.shape = fv->shape;
        l.stride = static_cast<int>(inW / w);
        std::tie(l.x0, l.x1) = windowOf(cell.x, cell.stride, options.headHalfCells, l.stride, w);
        std::tie(l.y0, l.y1) = windowOf(cell.y, cell.stride, options.headHalfCells, l.stride, h);
        const std::vector<float> fw = windowValues(*fv, l), qw = windowValues(*qv, l);
        l.local = computeError(fw, qw);
        l.whole = wholeError(*fv, *qv);
        indexOf[name] = static_cast<int>(trace.layers.size());
        trace.layers.push_back(std::move(l));
    }
    // Nearest traced inputs: back through tensors that are not traced.
    for (auto& l : trace.layers) {
        if (l.order < 0)
            continue;
        std::set<int> inputs;
        std::vector<std::string> stack;
        std::set<std::string> visited;
        const int prod = fg.producer(l.fp32Tensor);
        if (prod < 0)
            continue;
        for (const auto& in : fg.node(prod).inputs)
            stack.push_back(in);
        while (!stack.empty()) {
            const std::string t = stack.back();
            stack.pop_back();
            if (t.empty() || fg.isInitializer(t) || !visited.insert(t).second)
                continue;
            if (auto it = indexOf.find(t); it != indexOf.end()) {
                inputs.insert(it->second);
                continue;
            }
            const int p = fg.producer(t);
            if (p < 0 || fg.node(p).opType == "Shape" || fg.node(p).opType == "Size")
                continue;
            for (const auto& in : fg.node(p).inputs)
                stack.push_back(in);
        }
        l.inputs.assign(inputs.begin(), inputs.end());
    }
    auto capped = [&](double db) { return std::min(db, options.ceilingDb); };
    double best = 0.0;
    for (size_t k = 0; k < trace.layers.size(); ++k) {
        TracedLayer& l = trace.layers[k];
        if (l.inputs.empty())
            continue;
        double worst = HUGE_VAL;
        for (const int in : l.inputs)
            worst = std::min(worst, capped(trace.layers[static_cast<size_t>(in)].local.sqnrDb));
        l.drop = worst - capped(l.local.sqnrDb);
        if (*l.drop > best) {
            best = *l.drop;
            trace.jumpLayer = static_cast<int>(k);
        }
    }
    if (trace.jumpLayer >= 0)
        trace.layers[static_cast<size_t>(trace.jumpLayer)].jump = true;
    if (notMap)
        trace.skipped.push_back(std::to_string(notMap) + " tensor(s) the cell depends on are not 4-D feature maps (vectors, "
                                "the head's flattened outputs, shapes)");
    if (notAligned)
        trace.skipped.push_back(std::to_string(notAligned) + " 4-D tensor(s) are not maps on the input grid (input size "
                                "not a whole multiple of their width and height, the same both ways), e.g. " + firstNotAligned);
    if (unpaired || !unpaired_.empty())
        trace.skipped.push_back(std::to_string(unpaired + unpaired_.size()) + " tensor(s) have no counterpart in the "
                                "quantized model" + (firstUnpaired.empty() ? std::string() : ", e.g. " + firstUnpaired));
    return trace;
}

Result<DflDistributions> TraceCapture::dfl(const GridCell& cell) const {
    if (!dflPattern_)
        return Error{dflProblem_};
    const TensorView* f = fp32View(dflPattern_->probabilities);
    const TensorView* q = quantizedView(dflPattern_->probabilities);
    if (!f || !q || !f->data || !q->data || f->shape != q->shape)
        return Error{"the DFL Softmax '" + dflPattern_->softmax + "' could not be captured in both models"};
    const Graph& fg = fp32_->model.graph();
    const int softmax = fg.findNode(dflPattern_->softmax);
    const auto& s = f->shape;
    if (s.size() != 4 || s[0] != 1)
        return Error{"the DFL Softmax output " + shapeToString(s) + " is not [1, bins, 4, anchors] or [1, 4, bins, anchors]"};
    int64_t axis = softmax >= 0 ? intAttribute(fg.node(softmax), "axis", -1) : -1;
    if (axis < 0)
        axis += 4;
    int binAxis = static_cast<int>(axis), sideAxis = -1, anchorAxis = -1;
    for (int a = 1; a < 4; ++a) {
        if (a == binAxis)
            continue;
        if (s[static_cast<size_t>(a)] == 4 && sideAxis < 0)
            sideAxis = a;
        else
            anchorAxis = a;
    }
    if (binAxis < 1 || sideAxis < 0 || anchorAxis < 0 || s[static_cast<size_t>(binAxis)] < 2)
        return Error{"the DFL Softmax output " + shapeToString(s) + " (axis " + std::to_string(axis) +
                     ") has no side axis of 4 beside its bins and anchors"};
    if (cell.index < 0 || cell.index >= s[static_cast<size_t>(anchorAxis)])
        return Error{"output index " + std::to_string(cell.index) + " is outside the DFL Softmax output " + shapeToString(s)};
    const int64_t strides[4] = {s[1] * s[2] * s[3], s[2] * s[3], s[3], 1};
    DflDistributions d;
    d.softmax = dflPattern_->softmax;
    d.bins = static_cast<int>(s[static_cast<size_t>(binAxis)]);
    if (dflPattern_->binValues.size() != static_cast<size_t>(d.bins))
        return Error{"the DFL Softmax has " + std::to_string(d.bins) + " bins, its Conv " +
                     std::to_string(dflPattern_->binValues.size()) + " weights"};
    d.binValues = dflPattern_->binValues;
    for (int side = 0; side < 4; ++side) {
        std::vector<float> fp, qp;
        for (int b = 0; b < d.bins; ++b) {
            const int64_t at = side * strides[sideAxis] + b * strides[binAxis] + cell.index * strides[anchorAxis];
            fp.push_back(f->data[at]);
            qp.push_back(q->data[at]);
        }
        d.fp32.push_back(std::move(fp));
        d.quantized.push_back(std::move(qp));
    }
    return d;
}

Result<std::vector<TraceCapture::DumpedLayer>> TraceCapture::dump(const BoxTrace& trace, const std::string& dir,
                                                                  const std::string& prefix) const {
    if (auto made = makeFolder(dir); !made)
        return made.error();
    const std::string& inputName = fp32_->model.graph().inputs().front();
    const TensorView inputView{input_.data(), input_.size(), inputShape_, onnx::TensorProto::FLOAT};
    std::vector<DumpedLayer> out;
    for (size_t k = 0; k < trace.layers.size(); ++k) {
        const TracedLayer& l = trace.layers[k];
        const TensorView* fv = l.fp32Tensor == inputName ? &inputView : fp32View(l.fp32Tensor);
        const TensorView* qv = quantizedRun_ ? quantizedRun_->find(l.quantizedTensor) : nullptr;
        if (!qv && l.fp32Tensor == inputName)
            qv = &inputView;
        if (!fv || !qv)
            return Error{"tensor '" + l.fp32Tensor + "' is no longer captured"};
        const std::string base = fileSafe(l.fp32Tensor);
        DumpedLayer d{base + ".fp32.npy", base + ".quantized.npy", prefix + "_" + base + ".fp32.window.npy",
                      prefix + "_" + base + ".quantized.window.npy"};
        // Whole tensors once per folder: several boxes share them.
        for (const auto& [file, view] : {std::pair{d.fp32Whole, fv}, std::pair{d.quantizedWhole, qv}}) {
            if (dumped_.count(file))
                continue;
            if (auto w = writeNpy(fs::path(dir) / file, view->data, view->size, view->shape); !w)
                return w.error();
            dumped_.insert(file);
        }
        const std::vector<int64_t> windowShape = {1, l.shape[1], l.y1 - l.y0, l.x1 - l.x0};
        for (const auto& [file, view] : {std::pair{d.fp32Window, fv}, std::pair{d.quantizedWindow, qv}}) {
            const std::vector<float> values = windowValues(*view, l);
            if (auto w = writeNpy(fs::path(dir) / file, values.data(), values.size(), windowShape); !w)
                return w.error();
        }
        out.push_back(std::move(d));
    }
    return out;
}

Result<TraceCapture::DumpedDfl> TraceCapture::dumpDfl(const std::string& dir) const {
    if (!dflPattern_)
        return Error{dflProblem_};
    if (auto made = makeFolder(dir); !made)
        return made.error();
    const TensorView* f = fp32View(dflPattern_->logits);
    const TensorView* q = quantizedView(dflPattern_->logits);
    if (!f || !q || !f->data || !q->data)
        return Error{"the DFL logits '" + dflPattern_->logits + "' were not captured"};
    DumpedDfl d{"dfl_logits.fp32.npy", "dfl_logits.quantized.npy"};
    if (!dumped_.count(d.fp32Logits)) {
        if (auto w = writeNpy(fs::path(dir) / d.fp32Logits, f->data, f->size, f->shape); !w)
            return w.error();
        if (auto w = writeNpy(fs::path(dir) / d.quantizedLogits, q->data, q->size, q->shape); !w)
            return w.error();
        dumped_.insert(d.fp32Logits);
    }
    return d;
}

void addDflDistributions(ImageExplanation& e, const TraceCapture& capture) {
    if (e.layout != YoloLayout::Ultralytics || e.boxes.empty())
        return;
    size_t found = 0;
    std::string problem;
    for (auto& b : e.boxes) {
        if (auto d = capture.dfl(b.cell)) {
            b.dfl = std::move(d).value();
            ++found;
        } else if (problem.empty()) {
            problem = d.errorMessage();
        }
    }
    if (found == e.boxes.size())
        e.note.clear();
    else
        e.note = "the DFL distributions of the four sides could not be read (" + problem +
                 "); the decoded distances to the sides (ltrb, in strides) are given instead";
}

}  // namespace ql
