#include "quantize/Calibrator.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <future>
#include <limits>
#include <numeric>
#include <sstream>

#include "runtime/ActivationCapture.h"
#include "quantize/MinMaxCalibration.h"
#include "runtime/MinMaxOp.h"

namespace ql {
namespace {

int defaultBins(CalibrationMethod m) { return m == CalibrationMethod::Percentile ? 2048 : 128; }

// Bins of values, clamped to [0, last]. A loop of its own, compiled for AVX-512 and AVX2 as well,
// so that it vectorises; the counting that follows cannot.
__attribute__((target_clones("avx512f", "avx2", "default"))) void binIndices(const float* v, size_t n, bool absolute,
                                                                            double lo, double inv, double last,
                                                                            uint32_t* index) {
    if (absolute) {
        for (size_t i = 0; i < n; ++i) {
            const double b = (std::fabs(static_cast<double>(v[i])) - lo) * inv;
            index[i] = static_cast<uint32_t>(b <= 0.0 ? 0.0 : b < last ? b : last);
        }
    } else {
        for (size_t i = 0; i < n; ++i) {
            const double b = (static_cast<double>(v[i]) - lo) * inv;
            index[i] = static_cast<uint32_t>(b <= 0.0 ? 0.0 : b < last ? b : last);
        }
    }
}

// Adds values to a histogram of fixed bin width, growing it to cover them. Percentile
// histograms hold |x| from 0; Entropy histograms are symmetric around 0, as in ONNX Runtime.
void addToHistogram(TensorStatistics& s, const float* v, size_t n, bool absolute, int bins, double batchAbsMax) {
    if (batchAbsMax <= 0.0 && s.histogram.empty())
        batchAbsMax = 1e-12;
    if (s.histogram.empty()) {
        s.histogramLo = absolute ? 0.0 : -batchAbsMax;
        s.binWidth = (absolute ? batchAbsMax : 2.0 * batchAbsMax) / bins;
        s.histogram.assign(static_cast<size_t>(bins), 0.0);
    }
    const double hi = s.histogramLo + s.binWidth * static_cast<double>(s.histogram.size());
    if (batchAbsMax > hi) {
        const size_t extra = static_cast<size_t>(std::ceil((batchAbsMax - hi) / s.binWidth));
        if (absolute) {
            s.histogram.resize(s.histogram.size() + extra, 0.0);
        } else {
            std::vector<double> grown(s.histogram.size() + 2 * extra, 0.0);
            std::copy(s.histogram.begin(), s.histogram.end(), grown.begin() + static_cast<long>(extra));
            s.histogram.swap(grown);
            s.histogramLo -= static_cast<double>(extra) * s.binWidth;
        }
    }
    const double inv = 1.0 / s.binWidth;
    const size_t binCount = s.histogram.size();
    // Four interleaved count arrays: neighbouring values often share a bin, and with one array
    // each increment would wait for the one before.
    std::vector<uint32_t> counts(4 * binCount, 0);
    constexpr size_t kBlock = 4096;
    uint32_t index[kBlock];
    for (size_t start = 0; start < n; start += kBlock) {
        const size_t m = std::min(kBlock, n - start);
        binIndices(v + start, m, absolute, s.histogramLo, inv, static_cast<double>(binCount - 1), index);
        for (size_t i = 0; i < m; ++i)
            ++counts[(i & 3) * binCount + index[i]];
    }
    for (size_t b = 0; b < binCount; ++b)
        s.histogram[b] += counts[b] + counts[binCount + b] + counts[2 * binCount + b] + counts[3 * binCount + b];
}


}  // namespace

void updateRange(TensorStatistics& s, double lo, double hi, bool first, const CalibrationOptions& options) {
    if (first) {
        s.min = lo;
        s.max = hi;
    } else if (options.movingAverage) {
        s.min += options.averagingConstant * (lo - s.min);
        s.max += options.averagingConstant * (hi - s.max);
    } else {
        s.min = std::min(s.min, lo);
        s.max = std::max(s.max, hi);
    }
}

std::string methodName(CalibrationMethod m) {
    switch (m) {
    case CalibrationMethod::MinMax: return "minmax";
    case CalibrationMethod::Entropy: return "entropy";
    case CalibrationMethod::Percentile: return "percentile";
    }
    return "?";
}

Result<CalibrationMethod> parseMethod(const std::string& text) {
    for (auto m : {CalibrationMethod::MinMax, CalibrationMethod::Entropy, CalibrationMethod::Percentile})
        if (text == methodName(m))
            return m;
    return Error{"unknown calibration method '" + text + "' (use minmax, entropy or percentile)"};
}

std::string CalibrationOptions::describe() const {
    std::ostringstream s;
    s << methodName(method);
    if (method == CalibrationMethod::MinMax && movingAverage)
        s << " moving-average " << averagingConstant;
    if (method != CalibrationMethod::MinMax)
        s << " bins " << (histogramBins ? histogramBins : defaultBins(method));
    if (method == CalibrationMethod::Entropy)
        s << " quantized-bins " << quantizedBins;
    if (method == CalibrationMethod::Percentile)
        s << " percentile " << percentile;
    if (method != CalibrationMethod::MinMax && symmetric)
        s << " symmetric";
    s << " | " << preprocess.describe();
    return s.str();
}

std::vector<std::string> calibrationTensors(const OnnxModel& model) {
    const Graph& g = model.graph();
    std::vector<std::string> names;
    auto isFloat = [&](const std::string& t) {
        const TensorInfo* info = g.tensorInfo(t);
        return info && info->elementType == onnx::TensorProto::FLOAT;
    };
    for (const auto& in : g.inputs())
        if (isFloat(in))
            names.push_back(in);
    for (const int i : g.topologicalOrder())
        for (const auto& out : g.node(i).outputs)
            if (!out.empty() && isFloat(out))
                names.push_back(out);
    return names;
}

Result<CalibrationData> calibrate(const OnnxModel& model, const std::vector<std::string>& images,
                                  const CalibrationOptions& options, const TaskControl& control, const CalibrationData* start) {
    if (images.empty())
        return Error{"calibration needs at least one image"};
    const Graph& g = model.graph();
    if (g.inputs().size() != 1)
        return Error{model.displayName() + " has " + std::to_string(g.inputs().size()) +
                     " inputs; calibration on images needs one image input"};
    const std::vector<std::string> tensors = calibrationTensors(model);
    if (options.method == CalibrationMethod::MinMax)
        return calibrateMinMax(model, tensors, images, options, control, start);
    // Histograms need every value: the tensors themselves are captured.
    auto capture = CaptureSession::create(model, tensors, options.session);
    if (!capture)
        return capture.error();
    CalibrationData data;
    data.options = options;
    data.imageCount = images.size() + (start ? start->imageCount : 0);
    std::vector<TensorStatistics> stats(tensors.size());
    std::vector<bool> started(tensors.size(), false);  // statistics carried over from `start`
    if (start)
        for (size_t k = 0; k < tensors.size(); ++k)
            if (auto it = start->tensors.find(tensors[k]); it != start->tensors.end()) {
                stats[k] = it->second;
                started[k] = true;
            }
    std::vector<size_t> outputIndex(tensors.size());
    for (size_t k = 0; k < tensors.size(); ++k)
        outputIndex[k] = static_cast<size_t>(std::find(capture->outputNames.begin(), capture->outputNames.end(), tensors[k]) -
                                             capture->outputNames.begin());
    const bool histograms = options.method != CalibrationMethod::MinMax;
    const bool absolute = options.method == CalibrationMethod::Percentile;
    const int bins = options.histogramBins ? options.histogramBins : defaultBins(options.method);
    const ImagePreprocessor preprocessor(options.preprocess);
    const std::string& inputName = g.inputs().front();
    // Each image's values are binned while the next image runs, into the other of two sets of
    // output buffers: a second thread starts on them, and the running thread joins in once its
    // run is done (binning costs about as much as the run).
    struct Binning {
        size_t image = 0;
        const RunOutputs* outputs = nullptr;
        const std::vector<float>* input = nullptr;
        std::atomic<size_t> next{0};  // the next tensor to take
    };
    auto binTensors = [&](Binning& job) {
        for (size_t k = job.next++; k < tensors.size(); k = job.next++) {
            const bool isInput = g.producer(tensors[k]) < 0;
            const float* v = isInput ? job.input->data() : job.outputs->view(outputIndex[k]).data;
            const size_t n = isInput ? job.input->size() : job.outputs->view(outputIndex[k]).size;
            if (!v || n == 0)
                continue;
            float lo = 0.0f, hi = 0.0f;
            minMaxOf(v, n, &lo, &hi);
            TensorStatistics& s = stats[k];
            updateRange(s, lo, hi, job.image == 0 && !started[k], options);
            if (histograms)
                addToHistogram(s, v, n, absolute, bins, std::max(std::fabs(lo), std::fabs(hi)));
        }
    };
    std::vector<float> inputs[2];  // each slot's input image, for a graph input that is calibrated
    Binning job;
    std::future<void> helper;
    auto finishBinning = [&] {
        if (!helper.valid())
            return;
        binTensors(job);
        helper.get();
    };
    auto done = forEachPreparedImage(preprocessor, images, control, [&](size_t i, const PreparedImage& image) -> Status {
        const size_t slot = i % 2;
        auto run = capture->session.runReusingOutputs({{inputName, image.shape, image.tensor.data(), image.tensor.size()}},
                                                      capture->outputNames, slot);
        finishBinning();
        if (!run)
            return run.error();
        inputs[slot] = image.tensor;
        job.image = i;
        job.outputs = *run;
        job.input = &inputs[slot];
        job.next = 0;
        helper = std::async(std::launch::async, binTensors, std::ref(job));
        return Ok{};
    });
    finishBinning();
    if (!done)
        return done.error();
    for (size_t k = 0; k < tensors.size(); ++k)
        data.tensors[tensors[k]] = std::move(stats[k]);
    return data;
}

TensorRange percentileRange(const TensorStatistics& s, double percentile, bool symmetric) {
    const double total = std::accumulate(s.histogram.begin(), s.histogram.end(), 0.0);
    if (total <= 0.0)
        return {s.min, s.max};
    const double target = percentile / 100.0;
    double cdf = 0.0;
    size_t idx = s.histogram.size();
    for (size_t b = 0; b < s.histogram.size(); ++b) {
        cdf += s.histogram[b] / total;
        if (cdf >= target - 1e-12) {  // sums of fractions land a hair below exact percentiles
            idx = b + 1;  // the bin's upper edge
            break;
        }
    }
    const double threshold = s.histogramLo + s.binWidth * static_cast<double>(std::min(idx, s.histogram.size()));
    // Ranges of |x|: a tensor that is never negative keeps a lower bound of 0.
    if (!symmetric && s.min >= 0.0)
        return {0.0, threshold};
    return {-threshold, threshold};
}

namespace {

// ONNX Runtime's smooth_distribution: a little mass moved onto empty bins so the KL is finite.
bool smooth(std::vector<double>& p, double eps = 0.0001) {
    size_t zeros = 0;
    for (const double v : p)
        zeros += v == 0.0;
    const size_t nonzeros = p.size() - zeros;
    if (nonzeros == 0)
        return false;
    const double eps1 = eps * static_cast<double>(zeros) / static_cast<double>(nonzeros);
    for (double& v : p)
        v += v == 0.0 ? eps : -eps1;
    return true;
}

double klDivergence(const std::vector<double>& p, const std::vector<double>& q) {
    const double ps = std::accumulate(p.begin(), p.end(), 0.0);
    const double qs = std::accumulate(q.begin(), q.end(), 0.0);
    double kl = 0.0;
    for (size_t b = 0; b < p.size(); ++b) {
        const double pb = p[b] / ps, qb = q[b] / qs;
        if (pb > 0.0)
            kl += pb * std::log(pb / qb);
    }
    return kl;
}

}  // namespace

TensorRange entropyRange(const TensorStatistics& s, int quantizedBins) {
    // ONNX Runtime's get_entropy_threshold: widen a window around zero, squeeze it into
    // quantizedBins bins and keep the window whose squeezed histogram loses least (KL).
    const size_t bins = s.histogram.size();
    if (bins == 0 || quantizedBins <= 0)
        return {s.min, s.max};
    const size_t qbins = static_cast<size_t>(quantizedBins);
    const size_t zeroBin = bins / 2;
    auto edge = [&](size_t i) { return s.histogramLo + s.binWidth * static_cast<double>(i); };
    double bestKl = std::numeric_limits<double>::infinity();
    TensorRange best{edge(0), edge(bins)};
    for (size_t i = qbins / 2; i <= zeroBin; ++i) {
        const size_t start = zeroBin - i;
        const size_t end = std::min(bins, zeroBin + i + 1);
        const std::vector<double> sliced(s.histogram.begin() + static_cast<long>(start), s.histogram.begin() + static_cast<long>(end));
        std::vector<double> p = sliced;
        p.front() += std::accumulate(s.histogram.begin(), s.histogram.begin() + static_cast<long>(start), 0.0);
        p.back() += std::accumulate(s.histogram.begin() + static_cast<long>(end), s.histogram.end(), 0.0);
        const size_t merged = sliced.size() / qbins;
        if (merged == 0)
            continue;
        std::vector<double> quantized(qbins, 0.0);
        for (size_t k = 0; k < qbins; ++k)
            quantized[k] = std::accumulate(sliced.begin() + static_cast<long>(k * merged),
                                           sliced.begin() + static_cast<long>(k * merged + merged), 0.0);
        quantized.back() += std::accumulate(sliced.begin() + static_cast<long>(qbins * merged), sliced.end(), 0.0);
        std::vector<double> q(p.size(), 0.0);
        for (size_t k = 0; k < qbins; ++k) {
            size_t norm = 0;
            for (size_t b = k * merged; b < k * merged + merged; ++b)
                norm += p[b] != 0.0;
            if (norm)
                for (size_t b = k * merged; b < k * merged + merged; ++b)
                    q[b] = std::floor(quantized[k] / static_cast<double>(norm));  // ONNX Runtime stores int64
        }
        if (!smooth(p) || !smooth(q))
            continue;
        const double kl = klDivergence(p, q);
        if (kl < bestKl) {
            bestKl = kl;
            best = {edge(start), edge(end)};
        }
    }
    return best;
}

std::map<std::string, TensorRange> CalibrationData::ranges() const {
    std::map<std::string, TensorRange> out;
    for (const auto& [name, s] : tensors) {
        switch (options.method) {
        case CalibrationMethod::MinMax: out[name] = {s.min, s.max}; break;
        case CalibrationMethod::Percentile: out[name] = percentileRange(s, options.percentile, options.symmetric); break;
        case CalibrationMethod::Entropy: out[name] = entropyRange(s, options.quantizedBins); break;
        }
    }
    return out;
}

nlohmann::json CalibrationData::toJson() const {
    nlohmann::json t = nlohmann::json::object();
    for (const auto& [name, s] : tensors)
        t[name] = {{"min", s.min}, {"max", s.max}, {"histogram_lo", s.histogramLo}, {"bin_width", s.binWidth},
                   {"histogram", s.histogram}};
    return {{"format", "quantlens-calibration-1"}, {"key", key}, {"method", methodName(options.method)},
            {"images", imageCount}, {"tensors", t}};
}

Result<CalibrationData> CalibrationData::fromJson(const nlohmann::json& j) {
    return catchErrors("calibration cache", [&]() -> Result<CalibrationData> {
        if (j.value("format", "") != "quantlens-calibration-1")
            return Error{"not a QuantLens calibration file"};
        CalibrationData d;
        d.key = j.at("key").get<std::string>();
        auto method = parseMethod(j.at("method").get<std::string>());
        if (!method)
            return method.error();
        d.options.method = *method;
        d.imageCount = j.at("images").get<size_t>();
        for (const auto& [name, t] : j.at("tensors").items()) {
            TensorStatistics s;
            s.min = t.at("min").get<double>();
            s.max = t.at("max").get<double>();
            s.histogramLo = t.at("histogram_lo").get<double>();
            s.binWidth = t.at("bin_width").get<double>();
            s.histogram = t.at("histogram").get<std::vector<double>>();
            d.tensors[name] = std::move(s);
        }
        return d;
    });
}

}  // namespace ql
