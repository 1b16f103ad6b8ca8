#include "study/Study.h"
#include "study/StudyJson.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "detect/Detector.h"
#include "quantize/CalibrationCache.h"
#include "quantize/QdqQuantizer.h"
#include "util/AtomicFile.h"
#include "util/BuildInfo.h"

namespace fs = std::filesystem;

namespace ql {
namespace {

uint64_t fnv1a(std::string_view bytes, uint64_t hash = 1469598103934665603ull) {
    for (const unsigned char c : bytes) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return hash;
}

std::string hex(uint64_t h) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

uint64_t modelHash(const OnnxModel& model) {
    std::string bytes;
    model.proto().SerializeToString(&bytes);
    return fnv1a(bytes);
}

// A file's identity for cache keys: absolute path, size and modification time.
std::string fileIdentity(const std::string& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    const auto time = fs::last_write_time(path, ec).time_since_epoch().count();
    return fs::absolute(path).string() + "|" + std::to_string(ec ? 0 : size) + "|" + std::to_string(time) + "\n";
}

// /proc/self/status field in kB, as MiB.
std::optional<double> statusMiB(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0) {
            std::istringstream s(line.substr(field.size() + 1));
            double kb = 0;
            if (s >> kb)
                return kb / 1024.0;
        }
    return std::nullopt;
}

nlohmann::json fidelityJson(const DetectionFidelity& f) {
    return {{"images", f.images},     {"fp32_boxes", f.fp32Boxes}, {"quantized_boxes", f.quantizedBoxes},
            {"matched", f.matched},   {"missed", f.missed},        {"extra", f.extra},
            {"moved", f.moved},       {"mean_iou", f.meanIou},     {"mean_score_change", f.meanScoreChange},
            {"map50", f.map.map50},   {"map50_95", f.map.map50to95}};
}

DetectionFidelity fidelityFromJson(const nlohmann::json& j) {
    DetectionFidelity f;
    f.images = j.at("images");
    f.fp32Boxes = j.at("fp32_boxes");
    f.quantizedBoxes = j.at("quantized_boxes");
    f.matched = j.at("matched");
    f.missed = j.at("missed");
    f.extra = j.at("extra");
    f.moved = j.at("moved");
    f.meanIou = j.at("mean_iou");
    f.meanScoreChange = j.at("mean_score_change");
    f.map.map50 = j.at("map50");
    f.map.map50to95 = j.at("map50_95");
    return f;
}

template <typename T>
nlohmann::json optionalJson(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

template <typename T>
std::optional<T> optionalFrom(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || j.at(key).is_null())
        return std::nullopt;
    return j.at(key).get<T>();
}

nlohmann::json rowJson(const StudyRow& r) {
    nlohmann::json j = {{"label", r.label},
                        {"kind", r.kind},
                        {"model", r.model},
                        {"settings", r.settings},
                        {"calibration_images", r.calibrationImages},
                        {"map50", r.map50},
                        {"map50_95", r.map50to95},
                        {"delta_map50", r.deltaMap50},
                        {"delta_map50_95", r.deltaMap50to95},
                        {"fidelity", r.fidelity ? fidelityJson(*r.fidelity) : nlohmann::json(nullptr)},
                        {"parameters", r.cost.parameters},
                        {"macs", r.cost.macs},
                        {"gflops", optionalJson(r.cost.gflops)},
                        {"counted_nodes", r.cost.countedNodes},
                        {"uncounted_nodes", r.cost.uncountedNodes},
                        {"file_size", r.fileSize},
                        {"latency_ms", {{"runs", r.latency.runs}, {"mean", r.latency.meanMs}, {"std", r.latency.stdMs},
                                        {"p50", r.latency.p50Ms}, {"p95", r.latency.p95Ms}, {"p99", r.latency.p99Ms}}},
                        {"batch", r.batch},
                        {"throughput", optionalJson(r.throughput)},
                        {"throughput_note", r.throughputNote},
                        {"peak_memory_mib", optionalJson(r.peakMemoryMiB)},
                        {"cached", r.cached},
                        {"key", r.key}};
    return j;
}

StudyRow rowFromJson(const nlohmann::json& j) {
    StudyRow r;
    r.label = j.at("label");
    r.kind = j.at("kind");
    r.model = j.at("model");
    r.settings = j.at("settings");
    r.calibrationImages = j.at("calibration_images");
    r.map50 = j.at("map50");
    r.map50to95 = j.at("map50_95");
    r.deltaMap50 = j.at("delta_map50");
    r.deltaMap50to95 = j.at("delta_map50_95");
    if (!j.at("fidelity").is_null())
        r.fidelity = fidelityFromJson(j.at("fidelity"));
    r.cost.parameters = j.at("parameters");
    r.cost.macs = j.at("macs");
    r.cost.gflops = optionalFrom<double>(j, "gflops");
    r.cost.countedNodes = j.at("counted_nodes");
    r.cost.uncountedNodes = j.at("uncounted_nodes");
    r.fileSize = j.at("file_size");
    const auto& l = j.at("latency_ms");
    r.latency = {l.at("runs"), l.at("mean"), l.at("std"), l.at("p50"), l.at("p95"), l.at("p99")};
    r.batch = j.at("batch");
    r.throughput = optionalFrom<double>(j, "throughput");
    r.throughputNote = j.at("throughput_note");
    r.peakMemoryMiB = optionalFrom<double>(j, "peak_memory_mib");
    r.key = j.at("key");
    return r;
}

nlohmann::json detectionsJson(const std::vector<std::vector<Detection>>& perImage) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& image : perImage) {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& d : image)
            rows.push_back({d.box.x1, d.box.y1, d.box.x2, d.box.y2, d.score, d.classId, d.source});
        out.push_back(std::move(rows));
    }
    return out;
}

std::vector<std::vector<Detection>> detectionsFromJson(const nlohmann::json& j) {
    std::vector<std::vector<Detection>> out;
    for (const auto& image : j) {
        std::vector<Detection> ds;
        for (const auto& d : image) {
            Detection x;
            x.box = {d.at(0).get<float>(), d.at(1).get<float>(), d.at(2).get<float>(), d.at(3).get<float>()};
            x.score = d.at(4).get<float>();
            x.classId = d.at(5).get<int>();
            x.source = d.at(6).get<int>();
            ds.push_back(x);
        }
        out.push_back(std::move(ds));
    }
    return out;
}

// A study's on-disk cache: <dir>/<key>.json (a finished row; the baseline's also keeps its
// detections) and <dir>/<key>.onnx (a variant's model).
struct RowCache {
    std::string directory;

    std::optional<nlohmann::json> read(const std::string& key) const {
        if (directory.empty())
            return std::nullopt;
        std::ifstream in(fs::path(directory) / (key + ".json"));
        if (!in)
            return std::nullopt;
        auto j = nlohmann::json::parse(in, nullptr, false);
        if (j.is_discarded() || j.value("format", "") != "quantlens-study-row-1" || j.value("key", "") != key)
            return std::nullopt;  // a broken or foreign file is computed over
        return j;
    }
    void write(const std::string& key, nlohmann::json j) const {
        if (directory.empty())
            return;
        std::error_code ec;
        fs::create_directories(directory, ec);
        j["format"] = "quantlens-study-row-1";
        (void)writeFileAtomically((fs::path(directory) / (key + ".json")).string(), j.dump());
    }
};

struct Evaluated {
    MapResult accuracy;
    std::optional<DetectionFidelity> fidelity;
    LatencySummary latency;
    std::optional<double> peakMiB;
    std::optional<double> throughput;
    std::string throughputNote;
    std::vector<std::vector<Detection>> detections;  // with keepDetections
};

// One model over the images: mAP, fidelity against `fp32` (per image, at the mAP confidence),
// latency, throughput and peak memory.
Result<Evaluated> evaluateRow(const OnnxModel& model, const std::vector<std::vector<Detection>>* fp32, bool keepDetections,
                              const YoloDataset& data, size_t count, const StudyOptions& options,
                              const std::function<void(size_t)>& advance, const TaskControl& control) {
    const EvaluationOptions& eval = options.evaluation;
    DetectorOptions detectorOptions = eval.detector;
    detectorOptions.decode.confidence = eval.mapConfidence;
    const PeakMemory memory = resetPeakMemory();
    auto detector = Detector::create(model, detectorOptions);
    if (!detector)
        return Error{model.displayName() + ": " + detector.errorMessage()};
    Evaluated out;
    MapEvaluator accuracy;
    FidelityAccumulator fidelity(eval.detector.decode.confidence, eval.matchIou);
    PreparedImage first;
    for (size_t i = 0; i < count; ++i) {
        if (control.cancelled())
            return cancelledError();
        const LabeledImage& item = data.images[i];
        auto image = detector->preprocessor().prepare(item.image);
        if (!image)
            return image.error();
        auto found = detector->detect(*image);
        if (!found)
            return Error{item.image + ": " + found.errorMessage()};
        std::vector<Detection> labels;
        for (const auto& l : item.labels)
            labels.push_back(l.toDetection(image->transform.originalWidth, image->transform.originalHeight));
        accuracy.addImage(*found, labels);
        if (fp32)
            fidelity.add(fp32->at(i), *found);
        if (keepDetections)
            out.detections.push_back(*found);
        if (i == 0)
            first = std::move(image).value();
        advance(1);
    }
    out.accuracy = accuracy.result();
    if (fp32) {
        out.fidelity = fidelity.result();
        out.fidelity->imageMatches.clear();
    }
    // Latency: one image, batch 1, after warm-up, each run timed on its own.
    const InputTensor input{detector->inputName(), first.shape, first.tensor.data(), first.tensor.size()};
    for (int i = 0; i < eval.warmupRuns; ++i)
        if (auto r = detector->session().run({input}); !r)
            return r.error();
    std::vector<double> ms;
    for (int i = 0; i < std::max(1, eval.timedRuns); ++i) {
        if (control.cancelled())
            return cancelledError();
        const auto start = std::chrono::steady_clock::now();
        if (auto r = detector->session().run({input}); !r)
            return r.error();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    out.latency = summarizeLatency(ms);
    out.peakMiB = peakMemoryGrowthMiB(memory);
    // Throughput: batch 1 from the latency; a larger batch only where the model's batch is dynamic.
    if (options.batch <= 1) {
        out.throughput = out.latency.meanMs > 0 ? 1000.0 / out.latency.meanMs : 0.0;
        return out;
    }
    const TensorInfo* info = model.graph().tensorInfo(detector->inputName());
    const int64_t dim0 = info && info->hasShape && !info->shape.empty() ? info->shape.front() : 0;
    if (dim0 > 0) {
        out.throughputNote = "the model's batch is fixed at " + std::to_string(dim0);
        return out;
    }
    auto session = [&]() -> Result<InferenceSession> {
        if (!model.path().empty())
            return InferenceSession::fromFile(model.path(), eval.detector.session);
        auto bytes = model.serialize();
        if (!bytes)
            return bytes.error();
        return InferenceSession::fromBytes(*bytes, model.displayName(), eval.detector.session);
    }();
    if (!session)
        return session.error();
    std::vector<float> batch;
    batch.reserve(first.tensor.size() * static_cast<size_t>(options.batch));
    for (int b = 0; b < options.batch; ++b)
        batch.insert(batch.end(), first.tensor.begin(), first.tensor.end());
    std::vector<int64_t> shape = first.shape;
    shape.front() = options.batch;
    const InputTensor batchInput{detector->inputName(), shape, batch.data(), batch.size()};
    if (auto r = session->run({batchInput}); !r) {
        out.throughputNote = "batch " + std::to_string(options.batch) + " did not run: " + r.errorMessage();
        return out;
    }
    const int runs = std::max(3, eval.timedRuns / 4);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < runs; ++i)
        if (auto r = session->run({batchInput}); !r)
            return r.error();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.throughput = seconds > 0 ? options.batch * runs / seconds : 0.0;
    return out;
}

}  // namespace

std::string StudyVariant::label() const {
    std::string s = methodName(method) + (perChannel ? " per-channel" : " per-tensor");
    if (calibrationSize)
        s += " n=" + std::to_string(calibrationSize);
    if (!excludeName.empty())
        s += " exclude=" + excludeName;
    return s;
}

Result<StudyAxis> parseStudyAxis(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        return Error{"--vary '" + text + "': write NAME=VALUE,VALUE (method, per-channel, calib-size or exclude)"};
    StudyAxis axis{text.substr(0, eq), {}};
    static const std::set<std::string> names = {"method", "per-channel", "calib-size", "exclude"};
    if (!names.count(axis.name))
        return Error{"--vary: unknown axis '" + axis.name + "' (use method, per-channel, calib-size or exclude)"};
    std::stringstream s(text.substr(eq + 1));
    std::string value;
    while (std::getline(s, value, ','))
        if (!value.empty())
            axis.values.push_back(value);
    if (axis.values.empty())
        return Error{"--vary " + axis.name + ": no values"};
    return axis;
}

Result<std::vector<StudyVariant>> expandVariants(const std::vector<StudyAxis>& axes,
                                                 const std::map<std::string, std::vector<std::string>>& excludeLists) {
    std::vector<StudyVariant> variants{StudyVariant{}};
    std::set<std::string> seen;
    for (const auto& axis : axes) {
        if (!seen.insert(axis.name).second)
            return Error{"--vary " + axis.name + " is given twice; list every value in one --vary"};
        std::vector<StudyVariant> next;
        for (const auto& base : variants)
            for (const auto& value : axis.values) {
                StudyVariant v = base;
                if (axis.name == "method") {
                    auto m = parseMethod(value);
                    if (!m)
                        return Error{"--vary method: " + m.errorMessage()};
                    v.method = *m;
                } else if (axis.name == "per-channel") {
                    if (value != "on" && value != "off")
                        return Error{"--vary per-channel: '" + value + "' is not on or off"};
                    v.perChannel = value == "on";
                } else if (axis.name == "calib-size") {
                    char* end = nullptr;
                    const long n = std::strtol(value.c_str(), &end, 10);
                    if (!end || *end || n <= 0)
                        return Error{"--vary calib-size: '" + value + "' is not a positive number of images"};
                    v.calibrationSize = static_cast<size_t>(n);
                } else {  // exclude
                    if (value != "none") {
                        auto it = excludeLists.find(value);
                        if (it == excludeLists.end())
                            return Error{"--vary exclude: no node list '" + value + "'"};
                        v.excludeName = fs::path(value).stem().string();
                        v.exclude = it->second;
                    }
                }
                next.push_back(std::move(v));
            }
        variants = std::move(next);
    }
    if (axes.empty())
        return std::vector<StudyVariant>{};
    return variants;
}

LatencySummary summarizeLatency(std::vector<double> ms) {
    LatencySummary s;
    if (ms.empty())
        return s;
    std::sort(ms.begin(), ms.end());
    const double n = static_cast<double>(ms.size());
    s.runs = static_cast<int>(ms.size());
    s.meanMs = std::accumulate(ms.begin(), ms.end(), 0.0) / n;
    double squares = 0;
    for (const double v : ms)
        squares += (v - s.meanMs) * (v - s.meanMs);
    s.stdMs = ms.size() > 1 ? std::sqrt(squares / (n - 1)) : 0.0;
    auto percentile = [&](double p) {
        const double rank = p / 100.0 * (n - 1);
        const size_t lo = static_cast<size_t>(std::floor(rank));
        const size_t hi = std::min(lo + 1, ms.size() - 1);
        return ms[lo] + (rank - static_cast<double>(lo)) * (ms[hi] - ms[lo]);
    };
    s.p50Ms = percentile(50);
    s.p95Ms = percentile(95);
    s.p99Ms = percentile(99);
    return s;
}

ModelCost modelCost(const OnnxModel& model) {
    ModelCost cost;
    const Graph& g = model.graph();
    std::set<std::string> qdqParameters;  // scales and zero points
    for (const auto& n : g.nodes()) {
        // Inputs that are scales and zero points, by operator (QDQ, QOperator, dynamic quantization).
        std::vector<size_t> quantization;
        if (n.opType == "QuantizeLinear" || n.opType == "DequantizeLinear")
            quantization = {1, 2};
        else if (n.opType == "QLinearConv" || n.opType == "QLinearMatMul")
            quantization = {1, 2, 4, 5, 6, 7};
        else if (n.opType == "ConvInteger" || n.opType == "MatMulInteger")
            quantization = {2, 3};
        for (const size_t i : quantization)
            if (i < n.inputs.size())
                qdqParameters.insert(n.inputs[i]);
    }
    static const std::set<int> numeric = {onnx::TensorProto::FLOAT, onnx::TensorProto::FLOAT16, onnx::TensorProto::BFLOAT16,
                                          onnx::TensorProto::DOUBLE, onnx::TensorProto::INT8,    onnx::TensorProto::UINT8,
                                          onnx::TensorProto::INT16,  onnx::TensorProto::UINT16,  onnx::TensorProto::INT32,
                                          onnx::TensorProto::UINT32, 21 /* UINT4 */,         22 /* INT4 */};
    for (const auto& t : model.proto().graph().initializer()) {
        if (!numeric.count(t.data_type()) || qdqParameters.count(t.name()))
            continue;
        int64_t elements = 1;
        for (const auto d : t.dims())
            elements *= d;
        cost.parameters += elements;
    }
    // Known dimensions; a dynamic batch (first dimension) counts as 1.
    auto shapeOf = [&](const std::string& tensor) -> std::optional<std::vector<int64_t>> {
        std::vector<int64_t> dims;
        if (const onnx::TensorProto* init = g.initializer(tensor)) {
            dims.assign(init->dims().begin(), init->dims().end());
            return dims;
        }
        const TensorInfo* info = g.tensorInfo(tensor);
        if (!info || !info->hasShape)
            return std::nullopt;
        dims = info->shape;
        for (size_t i = 0; i < dims.size(); ++i)
            if (dims[i] < 0) {
                if (i != 0)
                    return std::nullopt;
                dims[i] = 1;
            }
        return dims;
    };
    auto product = [](const std::vector<int64_t>& d, size_t from = 0) {
        double p = 1;
        for (size_t i = from; i < d.size(); ++i)
            p *= static_cast<double>(d[i]);
        return p;
    };
    for (const auto& n : g.nodes()) {
        // The integer forms count as their float operators: ConvInteger and QLinearConv as Conv
        // (QLinearConv's weight is input 3), MatMulInteger and QLinearMatMul as MatMul.
        const bool conv = n.opType == "Conv" || n.opType == "ConvInteger" || n.opType == "QLinearConv",
                   convT = n.opType == "ConvTranspose", gemm = n.opType == "Gemm",
                   matmul = n.opType == "MatMul" || n.opType == "MatMulInteger" || n.opType == "QLinearMatMul";
        if (!conv && !convT && !gemm && !matmul)
            continue;
        const size_t weightInput = n.opType == "QLinearConv" || n.opType == "QLinearMatMul" ? 3 : 1;
        if (n.inputs.size() <= weightInput || n.outputs.empty()) {
            ++cost.uncountedNodes;
            continue;
        }
        const auto a = shapeOf(n.inputs[0]), w = shapeOf(n.inputs[weightInput]), y = shapeOf(n.outputs[0]);
        double macs = -1;
        if (conv && y && w && w->size() >= 2)
            macs = product(*y) * product(*w, 1);
        else if (convT && a && w && w->size() >= 2)
            macs = product(*a) * product(*w, 1);
        else if (gemm && a && y && a->size() == 2) {
            bool transA = false;
            if (n.proto)
                for (const auto& attr : n.proto->attribute())
                    if (attr.name() == "transA")
                        transA = attr.i() != 0;
            macs = product(*y) * static_cast<double>(transA ? (*a)[0] : (*a)[1]);
        } else if (matmul && a && y && !a->empty())
            macs = product(*y) * static_cast<double>(a->back());
        if (macs < 0) {
            ++cost.uncountedNodes;
            continue;
        }
        ++cost.countedNodes;
        cost.macs += macs;
    }
    if (cost.uncountedNodes == 0)
        cost.gflops = 2.0 * cost.macs / 1e9;
    return cost;
}

PeakMemory resetPeakMemory() {
    PeakMemory p;
    // Memory freed by earlier sessions goes back to the system first, or a new session would
    // reuse it without growing the resident set.
    malloc_trim(0);
    std::ofstream clear("/proc/self/clear_refs");
    if (clear) {
        clear << "5";  // resets VmHWM to the current RSS (Linux 4.0+)
        clear.flush();
        p.reset = clear.good();
    }
    p.baselineMiB = statusMiB("VmRSS");
    return p;
}

std::optional<double> peakMemoryGrowthMiB(const PeakMemory& start) {
    if (!start.reset || !start.baselineMiB)
        return std::nullopt;
    const auto hwm = statusMiB("VmHWM");
    if (!hwm)
        return std::nullopt;
    return std::max(0.0, *hwm - *start.baselineMiB);
}

Result<StudyResult> runStudy(const OnnxModel& fp32, const std::vector<std::string>& modelPaths,
                             const std::vector<StudyVariant>& variants, const YoloDataset& data, const StudyOptions& options,
                             const TaskControl& control) {
    const EvaluationOptions& eval = options.evaluation;
    const size_t count = eval.limit ? std::min(eval.limit, data.images.size()) : data.images.size();
    if (count == 0)
        return Error{"the dataset has no images"};
    // Everything the figures of every row depend on, besides the model.
    // The build too (QuantLens and ONNX Runtime versions, commit): a fixed quantizer recomputes.
    std::string context = versionText("study") + "\nimages:" + std::to_string(count) + "\n";
    for (size_t i = 0; i < count; ++i)
        context += fileIdentity(data.images[i].image) + fileIdentity(labelPathFor(data.images[i].image));
    const DecodeOptions& d = eval.detector.decode;
    std::ostringstream settings;
    settings << "confidence " << d.confidence << " iou " << d.iou << " max " << d.maxDetections << " agnostic "
             << d.classAgnostic << " layout " << static_cast<int>(d.layout) << " output " << d.outputName << " map-confidence "
             << eval.mapConfidence << " match-iou " << eval.matchIou << " | " << eval.detector.preprocess.describe()
             << " | threads " << eval.detector.session.intraOpThreads << " optimization "
             << optimizationName(eval.detector.session.optimization) << " | warmup " << eval.warmupRuns << " runs "
             << eval.timedRuns << " batch " << options.batch;
    context += settings.str();
    const uint64_t fp32Hash = modelHash(fp32);
    const std::string baselineKey = hex(fnv1a("baseline\n" + context, fp32Hash));
    RowCache cache{options.cacheDirectory};

    StudyResult result;
    result.images = count;
    result.labelled = std::any_of(data.images.begin(), data.images.begin() + static_cast<long>(count),
                                  [](const LabeledImage& i) { return i.hasLabelFile; });

    // Keys of every row first, so that progress counts only what is computed.
    struct Planned {
        StudyRow row;
        std::optional<nlohmann::json> cached;
        const StudyVariant* variant = nullptr;
        std::string path;  // a model row's file
    };
    std::vector<Planned> plan;
    plan.push_back({});
    plan.back().row.label = "FP32 " + fs::path(fp32.displayName()).filename().string();
    plan.back().row.kind = "baseline";
    plan.back().row.key = baselineKey;
    for (const auto& path : modelPaths) {
        auto loaded = OnnxModel::load(path);
        if (!loaded)
            return loaded.error();
        Planned p;
        p.row.label = fs::path(path).filename().string();
        p.row.kind = "model";
        p.row.key = hex(fnv1a("model\n" + baselineKey, modelHash(*loaded)));
        p.path = path;
        plan.push_back(std::move(p));
    }
    auto calibrationFor = [&](const StudyVariant& v) {
        const size_t n = v.calibrationSize ? v.calibrationSize : options.calibrationImages.size();
        return std::vector<std::string>(options.calibrationImages.begin(),
                                        options.calibrationImages.begin() + static_cast<long>(std::min(n, options.calibrationImages.size())));
    };
    for (const auto& v : variants) {
        if (v.calibrationSize > options.calibrationImages.size())
            return Error{"variant '" + v.label() + "' calibrates on " + std::to_string(v.calibrationSize) + " images; only " +
                         std::to_string(options.calibrationImages.size()) + " calibration images were given"};
        Planned p;
        p.variant = &v;
        p.row.label = v.label();
        p.row.kind = "variant";
        QuantizerSettings s = options.quantizer;
        s.perChannel = v.perChannel;
        s.nodesToExclude.insert(s.nodesToExclude.end(), v.exclude.begin(), v.exclude.end());
        CalibrationOptions c = options.calibration;
        c.method = v.method;
        p.row.settings = {{"quantizer", s.toJson()}, {"calibration", c.describe()}};
        std::string identity = "variant\n" + baselineKey + "\n" + p.row.settings.dump() + "\n";
        for (const auto& image : calibrationFor(v))
            identity += fileIdentity(image);
        p.row.key = hex(fnv1a(identity, fp32Hash));
        p.row.calibrationImages = calibrationFor(v).size();
        plan.push_back(std::move(p));
    }
    if (variants.size() && options.calibrationImages.empty())
        return Error{"variants need calibration images"};
    for (auto& p : plan)
        p.cached = cache.read(p.row.key);

    size_t total = 0, done = 0;
    for (const auto& p : plan)
        if (!p.cached)
            total += count;
    // Calibration: per method, every size the variants still to compute need, as prefixes of one run.
    std::map<CalibrationMethod, std::map<size_t, std::shared_ptr<const CalibrationData>>> calibrations;
    {
        std::map<CalibrationMethod, std::set<size_t>> sizes;
        for (const auto& p : plan)
            if (p.variant && !p.cached)
                sizes[p.variant->method].insert(p.row.calibrationImages);
        for (const auto& [method, set] : sizes)
            total += *set.rbegin();
        CalibrationCache calibrationCache(options.calibrationCacheDirectory);
        for (const auto& [method, set] : sizes) {
            CalibrationOptions c = options.calibration;
            c.method = method;
            const std::vector<size_t> list(set.begin(), set.end());
            TaskControl part;
            part.cancel = control.cancel;
            const size_t base = done;
            part.onProgress = [&, base, what = "calibrating (" + methodName(method) + ")"](size_t k, size_t, const std::string&) {
                control.report(base + k, total, what);
            };
            size_t ran = 0;
            auto got = calibrationCache.getPrefixes(fp32, options.calibrationImages, list, c, part, &ran);
            if (!got)
                return got.error();
            result.calibratedImages += ran;
            done += *set.rbegin();
            for (size_t k = 0; k < list.size(); ++k)
                calibrations[method][list[k]] = (*got)[k];
        }
    }
    const std::string variantFolder =
        options.cacheDirectory.empty()
            ? (fs::temp_directory_path() / ("quantlens-study-" + std::to_string(::getpid()))).string()
            : options.cacheDirectory;

    std::vector<std::vector<Detection>> fp32Detections;
    for (auto& p : plan) {
        StudyRow& row = p.row;
        if (p.cached) {
            auto r = catchErrors("study cache", [&]() -> Result<StudyRow> { return rowFromJson(*p.cached); });
            if (r && (row.kind != "baseline" || p.cached->contains("detections"))) {
                const std::string label = row.label;
                row = std::move(r).value();
                row.label = label;  // the label as asked now (an exclusion list may have another name)
                row.cached = true;
                if (row.kind == "baseline")
                    fp32Detections = detectionsFromJson(p.cached->at("detections"));
                ++result.cachedRows;
                continue;
            }
            total += count;  // unreadable: computed after all
        }
        if (control.cancelled())
            return cancelledError();
        std::optional<OnnxModel> model;
        if (row.kind == "baseline") {
            model = fp32.clone();
            row.model = fp32.path();
        } else if (row.kind == "model") {
            auto m = OnnxModel::load(p.path);
            if (!m)
                return m.error();
            model = std::move(m).value();
            row.model = p.path;
        } else {
            const StudyVariant& v = *p.variant;
            QuantizerSettings s = options.quantizer;
            s.perChannel = v.perChannel;
            s.nodesToExclude.insert(s.nodesToExclude.end(), v.exclude.begin(), v.exclude.end());
            if (auto st = checkQuantizable(fp32, s); !st)
                return Error{"variant '" + v.label() + "': " + st.errorMessage()};
            control.report(done, total, "quantizing " + v.label());
            auto q = quantizeQdq(fp32, *calibrations.at(v.method).at(row.calibrationImages), s);
            if (!q)
                return Error{"variant '" + v.label() + "': " + q.errorMessage()};
            std::error_code ec;
            fs::create_directories(variantFolder, ec);
            const std::string path = (fs::path(variantFolder) / (row.key + ".onnx")).string();
            if (auto st = q->model.save(path, {fp32.path()}); !st)
                return st.error();
            auto m = OnnxModel::load(path);
            if (!m)
                return m.error();
            model = std::move(m).value();
            row.model = path;
        }
        const bool baseline = row.kind == "baseline";
        const std::string what = "evaluating " + row.label;
        auto evaluated = evaluateRow(*model, baseline ? nullptr : &fp32Detections, baseline, data, count, options,
                                     [&](size_t k) { done += k; control.report(done, total, what); }, control);
        if (!evaluated)
            return evaluated.error();
        row.map50 = evaluated->accuracy.map50;
        row.map50to95 = evaluated->accuracy.map50to95;
        row.fidelity = evaluated->fidelity;
        row.cost = modelCost(*model);
        row.fileSize = model->fileSize();
        row.latency = evaluated->latency;
        row.batch = options.batch;
        row.throughput = evaluated->throughput;
        row.throughputNote = evaluated->throughputNote;
        row.peakMemoryMiB = evaluated->peakMiB;
        nlohmann::json j = rowJson(row);
        if (baseline) {
            fp32Detections = std::move(evaluated->detections);
            j["detections"] = detectionsJson(fp32Detections);
        }
        cache.write(row.key, std::move(j));
        ++result.computedRows;
    }
    control.report(total, total);
    for (auto& p : plan) {
        p.row.deltaMap50 = p.row.map50 - plan.front().row.map50;
        p.row.deltaMap50to95 = p.row.map50to95 - plan.front().row.map50to95;
        result.rows.push_back(std::move(p.row));
    }
    for (const auto& row : result.rows)
        if (row.cost.uncountedNodes)
            result.warnings.push_back(row.label + ": GFLOPs unknown, " + std::to_string(row.cost.uncountedNodes) +
                                      " Conv/Gemm/MatMul node(s) have shapes ONNX shape inference could not fix");
    return result;
}

namespace {

std::string fixed(double v, int decimals) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string signedFixed(double v, int decimals) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%+.*f", decimals, v);
    return buf;
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (const char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

Result<std::string> studyTable(const StudyResult& result, const std::string& format) {
    if (format != "text" && format != "md" && format != "csv")
        return Error{"unknown table format '" + format + "' (text, md, csv or json)"};
    const std::vector<std::string> header = {"#",         "model",     "mAP50",    "dmAP50",  "mAP50-95", "dmAP50-95",
                                             "fid.mAP50", "fid.mAP50-95", "params(M)", "GFLOPs", "size(MB)", "mean(ms)",
                                             "std(ms)",   "p50(ms)",   "p95(ms)",  "p99(ms)", "img/s",    "peak(MiB)"};
    std::vector<std::vector<std::string>> rows;
    const bool csv = format == "csv";
    for (size_t i = 0; i < result.rows.size(); ++i) {
        const StudyRow& r = result.rows[i];
        const bool base = r.kind == "baseline";
        const bool map = result.labelled;
        rows.push_back({std::to_string(i + 1), r.label, map ? fixed(r.map50, 4) : "-",
                        base || !map ? "" : signedFixed(r.deltaMap50, 4), map ? fixed(r.map50to95, 4) : "-",
                        base || !map ? "" : signedFixed(r.deltaMap50to95, 4),
                        r.fidelity ? fixed(r.fidelity->map.map50, 4) : "", r.fidelity ? fixed(r.fidelity->map.map50to95, 4) : "",
                        fixed(static_cast<double>(r.cost.parameters) / 1e6, csv ? 6 : 3),
                        r.cost.gflops ? fixed(*r.cost.gflops, csv ? 4 : 2) : "?",
                        fixed(static_cast<double>(r.fileSize) / 1e6, csv ? 4 : 2), fixed(r.latency.meanMs, 2),
                        fixed(r.latency.stdMs, 2), fixed(r.latency.p50Ms, 2), fixed(r.latency.p95Ms, 2),
                        fixed(r.latency.p99Ms, 2), r.throughput ? fixed(*r.throughput, 1) : "-",
                        r.peakMemoryMiB ? fixed(*r.peakMemoryMiB, 1) : "?"});
    }
    std::ostringstream out;
    if (csv) {
        for (size_t c = 0; c < header.size(); ++c)
            out << (c ? "," : "") << header[c];
        out << "\n";
        for (const auto& row : rows) {
            for (size_t c = 0; c < row.size(); ++c)
                out << (c ? "," : "") << csvField(row[c]);
            out << "\n";
        }
        return out.str();
    }
    if (format == "md") {
        out << "|";
        for (const auto& h : header)
            out << " " << h << " |";
        out << "\n|";
        for (size_t c = 0; c < header.size(); ++c)
            out << (c == 1 ? " --- |" : " ---: |");
        out << "\n";
        for (const auto& row : rows) {
            out << "|";
            for (const auto& f : row)
                out << " " << f << " |";
            out << "\n";
        }
    } else {
        std::vector<size_t> width(header.size());
        for (size_t c = 0; c < header.size(); ++c) {
            width[c] = header[c].size();
            for (const auto& row : rows)
                width[c] = std::max(width[c], row[c].size());
        }
        auto line = [&](const std::vector<std::string>& fields) {
            for (size_t c = 0; c < fields.size(); ++c) {
                const std::string pad(width[c] - fields[c].size(), ' ');
                out << (c ? "  " : "") << (c == 1 ? fields[c] + pad : pad + fields[c]);
            }
            out << "\n";
        };
        line(header);
        for (const auto& row : rows)
            line(row);
    }
    out << (format == "md" ? "\n" : "") << result.images << " images; latency: batch 1, one image, after warm-up";
    if (!result.rows.empty())
        out << ", " << result.rows.front().latency.runs << " timed runs";
    out << "; img/s at batch " << (result.rows.empty() ? 1 : result.rows.front().batch)
        << "; peak: resident memory grown while the session loads, evaluates and is timed\n";
    for (size_t i = 0; i < result.rows.size(); ++i)
        if (!result.rows[i].throughputNote.empty())
            out << (format == "md" ? "\n" : "") << "#" << i + 1 << ": no throughput: " << result.rows[i].throughputNote << "\n";
    // The calibration-size study: per method (and the other settings), where more images stop helping.
    std::map<std::string, std::vector<const StudyRow*>> bySettings;
    for (const auto& r : result.rows)
        if (r.kind == "variant") {
            std::string group = r.label;
            const auto n = group.find(" n=");
            if (n != std::string::npos) {
                const auto end = group.find(' ', n + 1);
                group.erase(n, end == std::string::npos ? std::string::npos : end - n);
                bySettings[group].push_back(&r);
            }
        }
    for (auto& [group, rs] : bySettings) {
        if (rs.size() < 2)
            continue;
        std::sort(rs.begin(), rs.end(), [](const StudyRow* a, const StudyRow* b) { return a->calibrationImages < b->calibrationImages; });
        double best = 0;
        for (const auto* r : rs)
            best = std::max(best, r->map50to95);
        out << (format == "md" ? "\n" : "") << "Calibration size, " << group << ":";
        for (const auto* r : rs)
            out << "  n=" << r->calibrationImages << " " << fixed(r->map50to95, 4);
        for (const auto* r : rs)
            if (best - r->map50to95 <= 0.005) {
                out << "; within 0.005 mAP50-95 of the best from n=" << r->calibrationImages;
                break;
            }
        out << "\n";
    }
    return out.str();
}

Result<StudyResult> studyFromJson(const std::string& text, const std::string& source) {
    try {
        const nlohmann::json j = nlohmann::json::parse(text);
        if (!j.is_object() || !j.contains("rows") || !j.at("rows").is_array())
            return Error{source + " is not a study's JSON (quantlens-cli study --format json): no \"rows\" list"};
        StudyResult result;
        result.images = j.value("images", size_t(0));
        result.labelled = j.value("labelled", true);
        for (const auto& row : j.at("rows"))
            result.rows.push_back(rowFromJson(row));
        result.computedRows = j.value("computed_rows", size_t(0));
        result.cachedRows = j.value("cached_rows", size_t(0));
        result.calibratedImages = j.value("calibrated_images", size_t(0));
        if (j.contains("warnings"))
            result.warnings = j.at("warnings").get<std::vector<std::string>>();
        if (result.rows.empty())
            return Error{source + " is a study with no rows"};
        return result;
    } catch (const std::exception& e) {
        return Error{source + " is not a study's JSON (quantlens-cli study --format json): " + e.what()};
    }
}

nlohmann::json studyJson(const StudyResult& result) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : result.rows)
        rows.push_back(rowJson(r));
    return {{"images", result.images},           {"labelled", result.labelled}, {"rows", rows},
            {"computed_rows", result.computedRows}, {"cached_rows", result.cachedRows},
            {"calibrated_images", result.calibratedImages}, {"warnings", result.warnings}};
}

std::vector<unsigned char> studyParetoPng(const StudyResult& result, int width, int height) {
    if (result.rows.size() < 2)
        return {};
    const cv::Scalar axis(90, 90, 90), grid(225, 225, 225), text(40, 40, 40), marker(180, 90, 20), front(235, 200, 160);
    cv::Mat canvas(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
    const cv::Rect area(80, 36, width - 130, height - 96);
    double maxLatency = 0, lo = 1, hi = 0, maxSize = 1;
    for (const auto& r : result.rows) {
        maxLatency = std::max(maxLatency, r.latency.meanMs);
        lo = std::min(lo, r.map50to95);
        hi = std::max(hi, r.map50to95);
        maxSize = std::max(maxSize, static_cast<double>(r.fileSize));
    }
    const double xTop = maxLatency * 1.1 + 1e-9;
    const double pad = std::max(0.01, (hi - lo) * 0.15);
    const double yLo = std::max(0.0, lo - pad), yHi = std::min(1.0, hi + pad);
    auto px = [&](double ms) { return area.x + static_cast<int>(std::lround(ms / xTop * area.width)); };
    auto py = [&](double m) {
        return area.y + area.height - static_cast<int>(std::lround((m - yLo) / std::max(1e-9, yHi - yLo) * area.height));
    };
    auto put = [&](const std::string& s, cv::Point at, int align = 0) {  // 0 left, 1 centred, 2 right
        int base = 0;
        const cv::Size size = cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, 0.45, 1, &base);
        at.x -= align * size.width / 2;
        cv::putText(canvas, s, at, cv::FONT_HERSHEY_SIMPLEX, 0.45, text, 1, cv::LINE_AA);
    };
    // Enough decimals that the latency ticks differ (sub-millisecond models included).
    const double xStep = xTop / 4;
    const int xDecimals = xStep >= 10 ? 0 : std::clamp(static_cast<int>(std::ceil(-std::log10(xStep))) + 1, 0, 4);
    for (int k = 0; k <= 4; ++k) {
        const double m = yLo + (yHi - yLo) * k / 4, ms = xTop * k / 4;
        cv::line(canvas, {area.x, py(m)}, {area.x + area.width, py(m)}, k == 0 ? axis : grid, 1);
        cv::line(canvas, {px(ms), area.y}, {px(ms), area.y + area.height}, k == 0 ? axis : grid, 1);
        put(fixed(m, 3), {area.x - 60, py(m) + 4});
        put(fixed(ms, xDecimals), {px(ms), area.y + area.height + 18}, 1);
    }
    put("mAP50-95", {8, 20});
    put("circle area: file size; line: Pareto front", {area.x + area.width, 20}, 2);
    put("mean latency (ms)", {area.x + area.width / 2, height - 12}, 1);
    // The Pareto front: rows no other row beats on both latency (lower) and mAP (higher).
    std::vector<size_t> order(result.rows.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return result.rows[a].latency.meanMs < result.rows[b].latency.meanMs; });
    std::vector<cv::Point> frontier;
    double bestMap = -1;
    for (const size_t i : order)
        if (result.rows[i].map50to95 > bestMap) {
            bestMap = result.rows[i].map50to95;
            frontier.push_back({px(result.rows[i].latency.meanMs), py(result.rows[i].map50to95)});
        }
    for (size_t k = 1; k < frontier.size(); ++k)
        cv::line(canvas, frontier[k - 1], frontier[k], front, 2, cv::LINE_AA);
    for (size_t i = 0; i < result.rows.size(); ++i) {
        const auto& r = result.rows[i];
        // Circle area proportional to the file size: radius 4 to 18 px.
        const int radius = 4 + static_cast<int>(std::lround(14 * std::sqrt(static_cast<double>(r.fileSize) / maxSize)));
        const cv::Point at{px(r.latency.meanMs), py(r.map50to95)};
        cv::circle(canvas, at, radius, marker, cv::FILLED, cv::LINE_AA);
        put(std::to_string(i + 1), {at.x + radius + 2, at.y - radius / 2});
    }
    std::vector<unsigned char> png;
    cv::imencode(".png", canvas, png);
    return png;
}

}  // namespace ql
