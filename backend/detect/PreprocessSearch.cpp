#include "detect/PreprocessSearch.h"

#include <algorithm>
#include <sstream>

#include "detect/DetectionSanity.h"

#include <opencv2/core.hpp>

namespace ql {
namespace {

// ImageNet statistics in RGB order, for 0-1 inputs.
constexpr std::array<float, 3> kImageNetMean{0.485f, 0.456f, 0.406f};
constexpr std::array<float, 3> kImageNetStd{0.229f, 0.224f, 0.225f};

bool isImageNet(const PreprocessOptions& o) {
    return o.mean != std::array<float, 3>{0.0f, 0.0f, 0.0f} || o.stddev != std::array<float, 3>{1.0f, 1.0f, 1.0f};
}

std::vector<PreprocessOptions> candidates(const PreprocessOptions& base, const PreprocessSearch& s) {
    std::vector<bool> orders = s.rgb ? std::vector<bool>{*s.rgb} : std::vector<bool>{base.rgb, !base.rgb};
    std::vector<float> scales = s.scale ? std::vector<float>{*s.scale} : std::vector<float>{1.0f / 255.0f, 1.0f};
    std::vector<ResizeMode> resizes = s.resize ? std::vector<ResizeMode>{*s.resize}
                                               : std::vector<ResizeMode>{ResizeMode::Letterbox, ResizeMode::LetterboxTopLeft,
                                                                         ResizeMode::Stretch};
    std::vector<bool> imageNet = s.normalizationGiven ? std::vector<bool>{false} : std::vector<bool>{false, true};
    std::vector<PreprocessOptions> out;
    for (const bool normalize : imageNet)
        for (const float scale : scales)
            for (const bool rgb : orders)
                for (const ResizeMode resize : resizes) {
                    PreprocessOptions o = base;
                    o.rgb = rgb;
                    o.scale = scale;
                    o.resize = resize;
                    if (!s.normalizationGiven) {
                        o.mean = {0.0f, 0.0f, 0.0f};
                        o.stddev = {1.0f, 1.0f, 1.0f};
                    }
                    if (normalize) {
                        const float unit = scale == 1.0f ? 255.0f : 1.0f;  // statistics in the input's units
                        for (size_t c = 0; c < 3; ++c) {
                            const size_t rgbIndex = rgb ? c : 2 - c;  // channel c holds B first when BGR
                            o.mean[c] = kImageNetMean[rgbIndex] * unit;
                            o.stddev[c] = kImageNetStd[rgbIndex] * unit;
                        }
                    }
                    out.push_back(o);
                }
    return out;
}

}  // namespace

std::string conventionName(const PreprocessOptions& o) {
    std::ostringstream s;
    s << (o.rgb ? "RGB" : "BGR") << (o.scale == 1.0f ? " 0-255 " : " 0-1 ")
      << (o.resize == ResizeMode::Letterbox ? "letterbox" : o.resize == ResizeMode::LetterboxTopLeft ? "topleft" : "resize");
    if (isImageNet(o))
        s << " mean/std";
    return s.str();
}

Result<PreprocessChoice> choosePreprocessing(const OnnxModel& model, const std::vector<std::string>& images,
                                             const DetectorOptions& detector, const PreprocessSearch& search,
                                             const TaskControl& control) {
    if (images.empty())
        return Error{"--preprocess auto needs images to try the conventions on"};
    DetectorOptions options = detector;
    options.decode.confidence = 0.001f;
    auto fp32 = Detector::create(model, options);
    if (!fp32)
        return Error{"--preprocess auto: " + fp32.errorMessage()};
    // The first images that can be read: an unreadable one is the comparison's to name, not a reason
    // to stop here.
    const size_t wanted = std::max<size_t>(1, search.images);
    std::vector<cv::Mat> bgr;
    std::vector<std::string> used;
    std::string firstProblem;
    for (size_t i = 0; i < images.size() && bgr.size() < wanted; ++i) {
        auto image = readImageBgr(images[i]);
        if (!image) {
            if (firstProblem.empty())
                firstProblem = image.errorMessage();
            continue;
        }
        bgr.push_back(std::move(image).value());
        used.push_back(images[i]);
    }
    if (bgr.empty())
        return Error{"--preprocess auto: none of the images could be read; the first: " + firstProblem};
    const size_t count = bgr.size();
    PreprocessChoice choice;
    choice.images = count;
    const auto tried = candidates(detector.preprocess, search);
    for (size_t k = 0; k < tried.size(); ++k) {
        if (control.cancelled())
            return cancelledError();
        control.report(k, tried.size(), conventionName(tried[k]));
        const ImagePreprocessor preprocessor(tried[k]);
        double total = 0.0;
        size_t full = 0;  // images whose detections at the shown confidence reach --max-det
        for (size_t i = 0; i < count; ++i) {
            auto prepared = preprocessor.prepare(bgr[i]);
            if (!prepared)
                return Error{used[i] + ": " + prepared.errorMessage()};
            auto found = fp32->detect(*prepared);
            if (!found)
                return Error{used[i] + ": " + found.errorMessage()};
            std::vector<float> scores;
            for (const auto& d : *found)
                scores.push_back(d.score);
            if (countAbove(*found, detector.decode.confidence) >= static_cast<size_t>(std::max(1, detector.decode.maxDetections)))
                ++full;
            std::sort(scores.begin(), scores.end(), std::greater<float>());
            for (size_t j = 0; j < scores.size() && j < static_cast<size_t>(std::max(1, search.topK)); ++j)
                total += scores[j];
        }
        choice.trials.push_back({tried[k], total / static_cast<double>(count), 2 * full > count});
    }
    control.report(tried.size(), tried.size());
    // Best first, saturated ones last; stable, so of equal scores the earlier candidate (the
    // default first) wins.
    std::stable_sort(choice.trials.begin(), choice.trials.end(), [](const PreprocessTrial& a, const PreprocessTrial& b) {
        return a.saturated != b.saturated ? !a.saturated : a.score > b.score;
    });
    // Confidence differs by a percent or so between conventions that both work (letterbox and
    // stretch on yolov8n): the default stays unless another is clearly better.
    constexpr double kClearlyBetter = 1.02;
    const std::string defaultName = tried.front().describe();
    const auto fallback = std::find_if(choice.trials.begin(), choice.trials.end(),
                                       [&](const PreprocessTrial& t) { return t.options.describe() == defaultName; });
    if (fallback != choice.trials.end() && fallback != choice.trials.begin() && !fallback->saturated &&
        choice.trials.front().score <= fallback->score * kClearlyBetter)
        std::rotate(choice.trials.begin(), fallback, fallback + 1);
    choice.chosen = choice.trials.front().options;
    choice.score = choice.trials.front().score;
    return choice;
}

}  // namespace ql
