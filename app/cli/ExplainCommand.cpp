#include "ExplainCommand.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "CliCommon.h"
#include "DetectionFlags.h"
#include "ExplainSuggest.h"
#include "PreprocessFlags.h"
#include "SessionFlags.h"
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

nlohmann::json toJson(const ImageExplanation& e, const std::vector<std::string>& names, const std::string& image) {
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
        j["boxes"].push_back(std::move(x));
    }
    return j;
}

void printText(const ImageExplanation& e, const std::vector<std::string>& names, const std::string& image, float confidence) {
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
    }
    if (!e.note.empty() && !e.boxes.empty())
        std::cout << "\nNote: " << e.note << "\n";
}

int runExplain(const ExplainOptions& o) {
    if (o.missed == !o.box.empty()) {
        printError("give --missed (every missed and moved box) or --box x1,y1,x2,y2 (one box), not both");
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
            j = toJson(*e, *names, o.image);
        else
            printText(*e, *names, o.image, decode->confidence);
        const int rc = runExplainSuggest(o.fix, *models, explained, target.box.has_value(), *names, *decode, *pre,
                                         o.session.options(), o.json ? &j : nullptr);
        if (rc == 0 && o.json)
            printJson(j);
        return rc;
    }
    if (o.json)
        printJson(toJson(*e, *names, o.image));
    else
        printText(*e, *names, o.image, decode->confidence);
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
    o->session.addTo(*cmd);
    o->preprocess.addTo(*cmd);
    o->detection.addTo(*cmd);
    o->fix.addTo(*cmd);
    cmd->callback([o, &exitCode] { exitCode = runExplain(*o); });
}

}  // namespace ql::cli
