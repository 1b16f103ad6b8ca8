#include "ExplainCommand.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "CliCommon.h"
#include "DetectionFlags.h"
#include "ExplainSuggest.h"
#include "PreprocessFlags.h"
#include "SessionFlags.h"
#include "analysis/BoxTrace.h"
#include "detect/BoxExplanation.h"
#include "detect/ClassNames.h"
#include "detect/DetectorPair.h"

namespace fs = std::filesystem;

namespace ql::cli {
namespace {

struct ExplainOptions {
    std::string fp32, quantized, image;
    bool missed = false;
    std::string box;
    bool json = false;
    bool trace = false;
    int traceWindow = TraceOptions{}.headHalfCells;
    std::string dumpDir;
    SessionFlags session;
    PreprocessFlags preprocess;
    DetectionFlags detection;
    ExplainSuggestFlags fix;  // --suggest and its options (ExplainSuggest.h)
};

std::optional<Box> parseBox(const std::string& text) {
    Box b;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%f,%f,%f,%f%c", &b.x1, &b.y1, &b.x2, &b.y2, &extra) != 4 || b.x2 <= b.x1 || b.y2 <= b.y1)
        return std::nullopt;
    return b;
}

std::string f(double v, int digits = 3) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

std::string boxText(const Box& b) { return "[" + f(b.x1, 1) + ", " + f(b.y1, 1) + ", " + f(b.x2, 1) + ", " + f(b.y2, 1) + "]"; }

std::string values(const std::vector<float>& v, int digits = 2) {
    std::string s;
    for (const float x : v)
        s += (s.empty() ? "" : " ") + f(x, digits);
    return s;
}

nlohmann::json cellJson(const GridCell& c) {
    nlohmann::json j = {{"output_index", c.index}, {"level", c.level}, {"stride", c.stride},
                        {"grid", {c.gridWidth, c.gridHeight}}, {"x", c.x}, {"y", c.y}};
    if (c.anchorsPerCell > 1)
        j["anchor"] = c.anchor;
    return j;
}

nlohmann::json readingJson(const CellReading& r, const std::vector<std::string>& names) {
    nlohmann::json j = {{"class_score", r.classScore}, {"best_class", className(names, r.bestClass)},
                        {"best_class_id", r.bestClass}, {"best_score", r.bestScore}, {"regression", r.regression},
                        {"box", {r.box.x1, r.box.y1, r.box.x2, r.box.y2}}};
    if (r.objectness >= 0.0f)
        j["objectness"] = r.objectness;
    if (!r.ltrb.empty())
        j["ltrb_strides"] = r.ltrb;
    return j;
}

// Per explained box (same order as ImageExplanation::boxes): its trace and dumped files.
struct BoxTraceResult {
    std::optional<BoxTrace> trace;
    std::string problem;  // why there is no trace
    std::vector<TraceCapture::DumpedLayer> files;
};
struct TraceResults {
    bool asked = false;
    std::vector<BoxTraceResult> boxes;
    std::optional<TraceCapture::DumpedDfl> dflFiles;
    std::string dumpDir;
};

std::string windowText(const TracedLayer& l) {
    return "x " + std::to_string(l.x0) + "-" + std::to_string(l.x1 - 1) + ", y " + std::to_string(l.y0) + "-" +
           std::to_string(l.y1 - 1);
}

// JSON numbers cannot be +inf: an exact match is written as null with "exact": true beside it.
nlohmann::json dbJson(double db) { return std::isfinite(db) ? nlohmann::json(db) : nlohmann::json(nullptr); }

nlohmann::json traceJson(const BoxTraceResult& r, const std::string& dumpDir) {
    if (!r.trace)
        return {{"problem", r.problem}};
    const BoxTrace& t = *r.trace;
    nlohmann::json j = {{"window_half_cells", t.headHalfCells}, {"head_stride", t.cell.stride},
                        {"jump_layer", t.jumpLayer}, {"skipped", t.skipped}, {"layers", nlohmann::json::array()}};
    if (!dumpDir.empty())
        j["dump_dir"] = dumpDir;
    for (size_t k = 0; k < t.layers.size(); ++k) {
        const TracedLayer& l = t.layers[k];
        nlohmann::json x = {{"tensor", l.fp32Tensor}, {"quantized_tensor", l.quantizedTensor}, {"node", l.node},
                            {"op", l.op}, {"order", l.order}, {"shape", l.shape}, {"stride", l.stride},
                            {"window", {{"x0", l.x0}, {"x1", l.x1}, {"y0", l.y0}, {"y1", l.y1}}},
                            {"local_sqnr_db", dbJson(l.local.sqnrDb)}, {"local_exact", !std::isfinite(l.local.sqnrDb)},
                            {"whole_sqnr_db", dbJson(l.whole.sqnrDb)}, {"whole_exact", !std::isfinite(l.whole.sqnrDb)},
                            {"local_max_abs_error", l.local.maxAbsError}, {"whole_max_abs_error", l.whole.maxAbsError},
                            {"inputs", l.inputs}, {"jump", l.jump}};
        if (l.drop)
            x["drop_db"] = *l.drop;
        if (k < r.files.size())
            x["files"] = {{"fp32", r.files[k].fp32Whole}, {"quantized", r.files[k].quantizedWhole},
                          {"fp32_window", r.files[k].fp32Window}, {"quantized_window", r.files[k].quantizedWindow}};
        j["layers"].push_back(std::move(x));
    }
    return j;
}

nlohmann::json dflJson(const DflDistributions& d) {
    static const char* kSides[4] = {"left", "top", "right", "bottom"};
    nlohmann::json j = {{"softmax", d.softmax}, {"bins", d.bins}, {"bin_values", d.binValues}, {"fp32", nlohmann::json::object()},
                        {"quantized", nlohmann::json::object()}};
    for (size_t s = 0; s < 4 && s < d.fp32.size(); ++s) {
        j["fp32"][kSides[s]] = d.fp32[s];
        j["quantized"][kSides[s]] = d.quantized[s];
    }
    return j;
}

nlohmann::json toJson(const ImageExplanation& e, const std::vector<std::string>& names, const std::string& image,
                      const TraceResults& traces) {
    nlohmann::json j = {{"image", image}, {"layout", layoutName(e.layout)}, {"fp32_detections", e.fp32.size()},
                        {"quantized_detections", e.quantized.size()}, {"missed", e.match.missed.size()},
                        {"moved", movedPairs(e.match).size()}, {"extra", e.match.extra.size()}, {"boxes", nlohmann::json::array()}};
    if (!e.note.empty())
        j["note"] = e.note;
    for (const auto& b : e.boxes) {
        nlohmann::json x = {{"fp32_index", b.fp32Index}, {"class", className(names, b.fp32.classId)},
                            {"class_id", b.fp32.classId}, {"score", b.fp32.score},
                            {"box", {b.fp32.box.x1, b.fp32.box.y1, b.fp32.box.x2, b.fp32.box.y2}},
                            {"status", b.missed ? "missed" : b.outcome == BoxOutcome::Kept ? "kept" : "moved"},
                            {"cell", cellJson(b.cell)}, {"fp32_at_cell", readingJson(b.fp32At, names)},
                            {"quantized_at_cell", readingJson(b.quantizedAt, names)}, {"reason", outcomeName(b.outcome)},
                            {"detail", b.detail}};
        if (b.quantizedIndex) {
            const Detection& q = e.quantized[static_cast<size_t>(*b.quantizedIndex)];
            x["quantized"] = {{"index", *b.quantizedIndex}, {"class", className(names, q.classId)}, {"score", q.score},
                              {"box", {q.box.x1, q.box.y1, q.box.x2, q.box.y2}}, {"iou", b.partnerIou}};
            if (b.partnerCell)
                x["quantized"]["cell"] = cellJson(*b.partnerCell);
        }
        if (b.suppressedBy)
            x["suppressed_by"] = *b.suppressedBy;
        if (b.dfl) {
            x["dfl"] = dflJson(*b.dfl);
            if (traces.dflFiles)
                x["dfl"]["files"] = {{"fp32_logits", traces.dflFiles->fp32Logits},
                                     {"quantized_logits", traces.dflFiles->quantizedLogits}};
        }
        const size_t k = static_cast<size_t>(&b - e.boxes.data());
        if (traces.asked && k < traces.boxes.size())
            x["trace"] = traceJson(traces.boxes[k], traces.dumpDir);
        j["boxes"].push_back(std::move(x));
    }
    return j;
}

std::string dbText(double db) { return std::isfinite(db) ? f(db, 1) : "exact"; }

void printDfl(const DflDistributions& d) {
    static const char* kSides[4] = {"left", "top", "right", "bottom"};
    bool ramp = true;
    for (size_t i = 0; i < d.binValues.size(); ++i)
        ramp = ramp && d.binValues[i] == static_cast<float>(i);
    std::cout << "  DFL (" << d.bins << " bins, probabilities; expectation E = ltrb/stride"
              << (ramp ? std::string() : ", with the DFL Conv's weights " + values(d.binValues) + " as bin values") << "):\n";
    for (size_t s = 0; s < 4 && s < d.fp32.size(); ++s) {
        double ef = 0, eq = 0;
        for (size_t i = 0; i < d.fp32[s].size(); ++i) {
            const double v = i < d.binValues.size() ? d.binValues[i] : static_cast<double>(i);
            ef += d.fp32[s][i] * v;
            eq += d.quantized[s][i] * v;
        }
        std::cout << "    " << kSides[s] << (s == 1 ? "   " : s == 0 ? "  " : s == 2 ? " " : "") << " FP32 " << values(d.fp32[s])
                  << "  (E " << f(ef, 2) << ")\n";
        std::cout << "           INT8 " << values(d.quantized[s]) << "  (E " << f(eq, 2) << ")\n";
    }
}

void printTrace(const BoxTraceResult& r) {
    if (!r.trace) {
        std::cout << "  trace:       not available: " << r.problem << "\n";
        return;
    }
    const BoxTrace& t = *r.trace;
    std::cout << "  trace:       " << t.layers.size() << " feature maps the cell depends on; window: head cells x "
              << t.cell.x - t.headHalfCells << ".." << t.cell.x + t.headHalfCells << ", y " << t.cell.y - t.headHalfCells
              << ".." << t.cell.y + t.headHalfCells << " at stride " << t.cell.stride << ", scaled per map\n";
    char line[512];
    std::snprintf(line, sizeof line, "    %-4s %-44s %-10s %-14s %-22s %9s %9s %10s\n", "#", "layer", "op", "map (CxHxW)",
                  "window", "local dB", "whole dB", "local max");
    std::cout << line;
    for (size_t k = 0; k < t.layers.size(); ++k) {
        const TracedLayer& l = t.layers[k];
        std::string name = l.fp32Tensor;
        if (name.size() > 44)
            name = "..." + name.substr(name.size() - 41);
        const std::string map = std::to_string(l.shape[1]) + "x" + std::to_string(l.shape[2]) + "x" + std::to_string(l.shape[3]);
        std::snprintf(line, sizeof line, "    %-4zu %-44s %-10s %-14s %-22s %9s %9s %10s", k, name.c_str(), l.op.c_str(),
                      map.c_str(), windowText(l).c_str(), dbText(l.local.sqnrDb).c_str(), dbText(l.whole.sqnrDb).c_str(),
                      f(l.local.maxAbsError, 4).c_str());
        std::cout << line;
        if (l.jump)
            std::cout << "  <== jump: -" << f(*l.drop, 1) << " dB from its worst input";
        std::cout << "\n";
    }
    if (t.jumpLayer >= 0)
        std::cout << "    local error jumps at #" << t.jumpLayer << " " << t.layers[static_cast<size_t>(t.jumpLayer)].node << " ("
                  << t.layers[static_cast<size_t>(t.jumpLayer)].op << ")\n";
    else
        std::cout << "    no layer loses local SQNR against its inputs\n";
    for (const auto& s : t.skipped)
        std::cout << "    skipped: " << s << "\n";
}

void printText(const ImageExplanation& e, const std::vector<std::string>& names, const std::string& image, float confidence,
               const TraceResults& traces) {
    std::cout << image << " (" << layoutName(e.layout) << " head, confidence " << f(confidence, 2) << "): FP32 "
              << e.fp32.size() << " detections, quantized " << e.quantized.size() << "; missed " << e.match.missed.size()
              << ", moved " << movedPairs(e.match).size() << ", extra " << e.match.extra.size() << "\n";
    if (e.boxes.empty())
        std::cout << "Nothing to explain: every FP32 box was found by the quantized model with IoU >= " << f(kMovedBelowIou, 2) << "\n";
    for (const auto& b : e.boxes) {
        const std::string status = b.missed ? "missed" : b.outcome == BoxOutcome::Kept ? "kept" : "moved";
        std::cout << "\nFP32 #" << b.fp32Index << " " << className(names, b.fp32.classId) << " " << f(b.fp32.score) << " "
                  << boxText(b.fp32.box) << " " << status
                  << (b.outcome == BoxOutcome::Kept ? std::string() : ": " + outcomeName(b.outcome)) << "\n";
        std::cout << "  cell:        " << describeCell(b.cell) << " (output index " << b.cell.index << ")\n";
        std::cout << "  " << className(names, b.fp32.classId) << " score: FP32 " << f(b.fp32At.classScore) << ", quantized "
                  << f(b.quantizedAt.classScore) << "\n";
        std::cout << "  best class:  FP32 " << className(names, b.fp32At.bestClass) << " " << f(b.fp32At.bestScore)
                  << ", quantized " << className(names, b.quantizedAt.bestClass) << " " << f(b.quantizedAt.bestScore) << "\n";
        if (b.fp32At.objectness >= 0.0f)
            std::cout << "  objectness:  FP32 " << f(b.fp32At.objectness) << ", quantized " << f(b.quantizedAt.objectness) << "\n";
        std::cout << "  regression:  FP32 " << values(b.fp32At.regression) << ", quantized " << values(b.quantizedAt.regression) << "\n";
        if (!b.fp32At.ltrb.empty())
            std::cout << "  ltrb/stride: FP32 " << values(b.fp32At.ltrb) << ", quantized " << values(b.quantizedAt.ltrb) << "\n";
        std::cout << "  box at cell: FP32 " << boxText(b.fp32At.box) << ", quantized " << boxText(b.quantizedAt.box) << "\n";
        if (b.quantizedIndex) {
            const Detection& q = e.quantized[static_cast<size_t>(*b.quantizedIndex)];
            std::cout << "  quantized:   #" << *b.quantizedIndex << " " << className(names, q.classId) << " " << f(q.score) << " "
                      << boxText(q.box) << " IoU " << f(b.partnerIou)
                      << (b.partnerCell ? ", " + describeCell(*b.partnerCell) : std::string()) << "\n";
        }
        std::cout << "  why:         " << b.detail << "\n";
        if (b.dfl)
            printDfl(*b.dfl);
        const size_t k = static_cast<size_t>(&b - e.boxes.data());
        if (traces.asked && k < traces.boxes.size())
            printTrace(traces.boxes[k]);
    }
    if (!traces.dumpDir.empty())
        std::cout << "\nTensors written to " << traces.dumpDir << " (.npy, float32)\n";
    if (!e.note.empty() && !e.boxes.empty())
        std::cout << "\nNote: " << e.note << "\n";
}

int runExplain(const ExplainOptions& o) {
    if (o.missed == !o.box.empty()) {
        printError("give --missed (every missed and moved box) or --box x1,y1,x2,y2 (one box), not both");
        return kExitError;
    }
    if (!o.dumpDir.empty() && !o.trace) {
        printError("--dump-tensors writes the traced tensors: give --trace with it");
        return kExitError;
    }
    if (o.traceWindow < 0 || o.traceWindow > 64) {
        printError("--trace-window " + std::to_string(o.traceWindow) + ": expected 0..64 head cells");
        return kExitError;
    }
    if (!o.fix.suggest && (!o.fix.images.empty() || !o.fix.save.empty() || !o.fix.calibration.empty())) {
        printError("--images, --save and --calibration go with --suggest");
        return kExitError;
    }
    if (!o.fix.images.empty() && !o.missed) {
        printError("--images goes with --missed: a --box is in IMAGE's pixels");
        return kExitError;
    }
    ExplainTarget target;
    if (!o.box.empty()) {
        target.box = parseBox(o.box);
        if (!target.box) {
            printError("--box '" + o.box + "': expected x1,y1,x2,y2 in image pixels with x1 < x2 and y1 < y2");
            return kExitError;
        }
    }
    auto models = loadModelPair(o.fp32, o.quantized, PairCheck::Warn);
    if (!models)
        return kExitError;
    auto bgr = readImageBgr(o.image);
    if (!bgr) {
        printError(bgr.errorMessage());
        return kExitError;
    }
    auto decode = o.detection.decodeOptions(models->fp32.model);
    auto names = o.detection.classNames(models->fp32.model);
    if (!decode || !names)
        return kExitError;
    auto pre = o.preprocess.resolve(models->fp32.model, {o.image}, *decode, o.session.threads);
    if (!pre)
        return kExitError;
    auto pair = DetectorPair::create(models->fp32.model, models->quantized.model, {o.session.options(), *pre, *decode}, *names);
    if (!pair) {
        printError(pair.errorMessage());
        return kExitError;
    }
    auto e = explainImage(pair->fp32(), pair->quantized(), *bgr, target);
    if (!e) {
        printError(o.image + ": " + e.errorMessage());
        return kExitError;
    }
    // One capture of each model on the image serves every box: the DFL distributions (Ultralytics)
    // and, with --trace, the per-layer error around each box's cell.
    TraceResults traces;
    traces.asked = o.trace;
    if ((o.trace || e->layout == YoloLayout::Ultralytics) && !e->boxes.empty()) {
        auto image = pair->fp32().preprocessor().prepare(*bgr);
        if (!image) {
            printError(o.image + ": " + image.errorMessage());
            return kExitError;
        }
        auto capture = TraceCapture::run(models->fp32, models->quantized, pair->fp32().outputName(), *image,
                                         o.trace ? TraceCapture::Scope::Trace : TraceCapture::Scope::Dfl, o.session.options());
        if (!capture) {
            if (o.trace) {
                printError(o.image + ": " + capture.errorMessage());
                return kExitError;
            }
            e->note = "the DFL distributions of the four sides could not be read (" + capture.errorMessage() +
                      "); the decoded distances to the sides (ltrb, in strides) are given instead";
        } else {
            addDflDistributions(*e, *capture);
            TraceOptions traceOptions;
            traceOptions.headHalfCells = o.traceWindow;
            for (size_t k = 0; o.trace && k < e->boxes.size(); ++k) {
                BoxTraceResult r;
                if (auto t = capture->trace(e->boxes[k].cell, e->layout, traceOptions)) {
                    r.trace = std::move(t).value();
                    if (!o.dumpDir.empty()) {
                        auto files = capture->dump(*r.trace, o.dumpDir, "box" + std::to_string(k));
                        if (!files) {
                            printError(files.errorMessage());
                            return kExitError;
                        }
                        r.files = std::move(files).value();
                    }
                } else {
                    r.problem = t.errorMessage();
                }
                traces.boxes.push_back(std::move(r));
            }
            if (!o.dumpDir.empty()) {
                traces.dumpDir = o.dumpDir;
                if (e->layout == YoloLayout::Ultralytics)
                    if (auto d = capture->dumpDfl(o.dumpDir))
                        traces.dflFiles = std::move(d).value();
            }
        }
    }
    if (o.fix.suggest) {
        // --suggest: the boxes explained here (and on --images) are the ones to bring back.
        std::vector<ExplainedImage> explained{{o.image, *e}};
        auto more = o.fix.images.empty() ? Result<std::vector<std::string>>(std::vector<std::string>{})
                                         : collectImages(o.fix.images);
        if (!more) {
            printError("--images: " + more.errorMessage());
            return kExitError;
        }
        for (const auto& path : *more) {
            auto other = readImageBgr(path);
            if (!other) {
                printError(other.errorMessage());
                return kExitError;
            }
            auto x = explainImage(pair->fp32(), pair->quantized(), *other, target);
            if (!x) {
                printError(path + ": " + x.errorMessage());
                return kExitError;
            }
            explained.push_back({path, std::move(x).value()});
        }
        nlohmann::json j;
        if (o.json)
            j = toJson(*e, *names, o.image, traces);
        else
            printText(*e, *names, o.image, decode->confidence, traces);
        const int rc = runExplainSuggest(o.fix, *models, explained, target.box.has_value(), *names, *decode, *pre,
                                         o.session.options(), o.json ? &j : nullptr);
        if (rc == 0 && o.json)
            printJson(j);
        return rc;
    }
    if (o.json)
        printJson(toJson(*e, *names, o.image, traces));
    else
        printText(*e, *names, o.image, decode->confidence, traces);
    return 0;
}

}  // namespace

void addExplainCommand(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<ExplainOptions>();
    auto* cmd = app.add_subcommand("explain", "Why the quantized model missed or moved an FP32 box: both models' raw "
                                              "outputs at the grid cell that produced it, and the reason");
    cmd->add_option("fp32", o->fp32, "FP32 model")->required()->check(CLI::ExistingFile);
    cmd->add_option("quantized", o->quantized, "Quantized model")->required()->check(CLI::ExistingFile);
    cmd->add_option("image", o->image, "Image")->required();
    cmd->add_flag("--missed", o->missed, "Explain every FP32 box the quantized model missed or moved");
    cmd->add_option("--box", o->box, "Explain the FP32 box overlapping x1,y1,x2,y2 (image pixels) most");
    cmd->add_flag("--json", o->json, "Print JSON");
    cmd->add_flag("--trace", o->trace, "Trace each explained box back: per-layer error in a window around its cell, "
                                       "beside the whole-tensor error, with the layer where the local error jumps");
    cmd->add_option("--trace-window", o->traceWindow, "Window half-width in cells of the box's own head level (default 2), "
                                                      "scaled to each map's stride");
    cmd->add_option("--dump-tensors", o->dumpDir, "With --trace: write the traced tensors, whole and windowed, and the "
                                                  "DFL logits as .npy files into this folder (no file is overwritten)");
    o->session.addTo(*cmd);
    o->preprocess.addTo(*cmd);
    o->detection.addTo(*cmd);
    o->fix.addTo(*cmd);
    cmd->callback([o, &exitCode] { exitCode = runExplain(*o); });
}

}  // namespace ql::cli
