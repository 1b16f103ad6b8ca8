#include "report/ReportAssembly.h"

#include <algorithm>
#include <filesystem>

#include "detect/BoxExplanation.h"
#include "preprocess/ImagePreprocessor.h"

namespace ql {

ReportContent startReport(const AnalyzedModel& fp32, const AnalyzedModel& quantized) {
    ReportContent content;
    content.fp32 = summarize(fp32.model, fp32.qdq);
    content.quantized = summarize(quantized.model, quantized.qdq);
    content.nodesLeftFloat = nodesLeftFloat(quantized.model.graph(), quantized.qdq, defaultOpTypesToQuantize());
    return content;
}

Status addDetectionPictures(ReportContent& content, DetectorPair& detectors, const std::vector<std::string>& images) {
    for (const auto& path : images) {
        auto compared = detectors.compare(path);
        if (!compared)
            return compared.error();
        content.detections.push_back(detectionPicture(std::filesystem::path(path).filename().string(), compared->bgr,
                                                      compared->comparison, detectors.classNames()));
    }
    return Ok{};
}

void keepMostChanged(std::vector<DetectionPicture>& kept, DetectionPicture picture, size_t count) {
    const double change = picture.change;
    const auto at = std::find_if(kept.begin(), kept.end(), [&](const DetectionPicture& d) { return change > d.change; });
    kept.insert(at, std::move(picture));
    if (kept.size() > count)
        kept.pop_back();
}

Status addMostChangedPictures(ReportContent& content, DetectorPair& detectors, const std::vector<std::string>& candidates,
                              size_t count, std::vector<std::string>* skipped, const TaskControl& control) {
    std::vector<DetectionPicture> kept;  // at most `count`, most changed first
    size_t compared = 0;
    std::string firstError;
    for (size_t i = 0; i < candidates.size() && count > 0; ++i) {
        if (control.cancelled())
            return cancelledError();
        control.report(i, candidates.size(), candidates[i]);
        auto result = detectors.compare(candidates[i]);
        if (!result) {
            if (firstError.empty())
                firstError = result.errorMessage();
            if (skipped)
                skipped->push_back(result.errorMessage());
            continue;
        }
        ++compared;
        const double change = changeScore(result->comparison.match);
        if (kept.size() == count && change <= kept.back().change)
            continue;  // not drawn at all: the common case once the list is full
        auto picture = detectionPicture(std::filesystem::path(candidates[i]).filename().string(), result->bgr,
                                        result->comparison, detectors.classNames());
        keepMostChanged(kept, std::move(picture), count);
    }
    if (compared == 0 && !candidates.empty())
        return Error{firstError};
    content.picturesConsidered = compared;
    for (auto& d : kept)
        content.detections.push_back(std::move(d));
    return Ok{};
}

Status addMostChangedFrames(ReportContent& content, DetectorPair& detectors, VideoFrames& frames, size_t count,
                            const TaskControl& control) {
    std::vector<DetectionPicture> kept;
    size_t compared = 0;
    const size_t expected = frames.framesInFile();
    while (auto frame = frames.next()) {
        if (control.cancelled())
            return cancelledError();
        control.report(static_cast<size_t>(frame->index), expected, frame->name);
        auto comparison = detectors.compare(frame->bgr);
        if (!comparison)
            return Error{frame->name + ": " + comparison.errorMessage()};
        ++compared;
        const double change = changeScore(comparison->match);
        if (count == 0 || (kept.size() == count && change <= kept.back().change))
            continue;
        keepMostChanged(kept, detectionPicture(frame->name, frame->bgr, *comparison, detectors.classNames()), count);
    }
    if (compared == 0)
        return Error{"the video has no frame to compare"};
    content.picturesConsidered = compared;
    for (auto& d : kept)
        content.detections.push_back(std::move(d));
    return Ok{};
}

std::optional<std::string> lostAtLayer(const BoxTrace& trace) {
    if (trace.jumpLayer < 0 || static_cast<size_t>(trace.jumpLayer) >= trace.layers.size())
        return std::nullopt;
    const TracedLayer& l = trace.layers[static_cast<size_t>(trace.jumpLayer)];
    return l.node + " (" + l.op + ")";
}

Status addBoxPages(ReportContent& content, DetectorPair& detectors, const std::vector<std::string>& images,
                   const TaskControl& control, const BoxPageTracing* tracing, std::vector<std::string>* traceProblems) {
    for (size_t i = 0; i < images.size(); ++i) {
        if (control.cancelled())
            return cancelledError();
        control.report(i, images.size(), images[i]);
        auto bgr = readImageBgr(images[i]);
        if (!bgr)
            return bgr.error();
        auto e = explainImage(detectors.fp32(), detectors.quantized(), *bgr, ExplainTarget{});
        if (!e)
            return Error{images[i] + ": " + e.errorMessage()};
        const std::string name = std::filesystem::path(images[i]).filename().string();
        auto pages = boxCasePages(name, *bgr, *e, detectors.classNames());
        // The pages follow e->boxes without the kept ones (boxCasePages).
        std::vector<const BoxExplanation*> paged;
        for (const auto& b : e->boxes)
            if (b.outcome != BoxOutcome::Kept)
                paged.push_back(&b);
        if (tracing && tracing->fp32 && tracing->quantized && !pages.empty() && paged.size() == pages.size()) {
            auto capture = TraceCapture::run(*tracing->fp32, *tracing->quantized, detectors.fp32(), *bgr,
                                             TraceCapture::Scope::Trace, tracing->session);
            if (!capture) {
                if (traceProblems)
                    traceProblems->push_back(name + ": " + capture.errorMessage());
            } else {
                for (size_t k = 0; k < pages.size(); ++k) {
                    auto t = capture->trace(paged[k]->cell, e->layout);
                    if (t)
                        pages[k].lostAtLayer = lostAtLayer(*t);
                    else if (traceProblems)
                        traceProblems->push_back(name + ": " + t.errorMessage());
                }
            }
        }
        for (auto& page : pages)
            content.boxCases.push_back(std::move(page));
    }
    control.report(images.size(), images.size());
    return Ok{};
}

}  // namespace ql
