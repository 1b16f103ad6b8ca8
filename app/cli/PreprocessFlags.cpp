#include "PreprocessFlags.h"

#include <algorithm>
#include <cstdio>

#include "CliCommon.h"
#include "detect/PreprocessSearch.h"

namespace ql::cli {

void PreprocessFlags::addTo(CLI::App& cmd) {
    cmd.add_option("--preprocess", mode, "flags: preprocess as the flags below say; auto: try RGB/BGR, 0-1/0-255, "
                                         "letterbox/topleft/resize and ImageNet mean/std on the first 3 images and keep "
                                         "the one whose FP32 detections are most confident (flags given still win)")
        ->check(CLI::IsMember({"flags", "auto"}));
    resizeOption_ = cmd.add_option("--resize", resize, "How images are fitted to the input: letterbox (centred, pad 114), "
                                                       "topleft (letterbox padded right/bottom) or resize (stretch)")
                        ->check(CLI::IsMember({"letterbox", "topleft", "resize"}));
    bgrOption_ = cmd.add_flag("--bgr", bgr, "Feed BGR instead of RGB");
    noScaleOption_ = cmd.add_flag("--no-scale", noScale, "Feed 0-255 values instead of 0-1");
    cmd.add_option("--input-width", width, "Input width (default: the model's)");
    cmd.add_option("--input-height", height, "Input height (default: the model's)");
    cmd.add_option("--mean", mean, "Per-channel mean subtracted after scaling, e.g. --mean 0.485 0.456 0.406")->expected(3);
    cmd.add_option("--std", stddev, "Per-channel standard deviation, e.g. --std 0.229 0.224 0.225")->expected(3);
}

std::optional<PreprocessOptions> PreprocessFlags::resolve(const OnnxModel& model, const std::vector<std::string>& images,
                                                          const DecodeOptions& decode, int threads) const {
    PreprocessOptions o = PreprocessOptions::forModel(model);
    auto parsedMode = parseResizeMode(resize);
    if (!parsedMode) {
        printError(parsedMode.errorMessage());
        return std::nullopt;
    }
    o.resize = *parsedMode;
    o.rgb = !bgr;
    o.scale = noScale ? 1.0f : 1.0f / 255.0f;
    if (width > 0)
        o.width = width;
    if (height > 0)
        o.height = height;
    if (mean.size() == 3)
        o.mean = {mean[0], mean[1], mean[2]};
    if (stddev.size() == 3) {
        if (stddev[0] == 0 || stddev[1] == 0 || stddev[2] == 0) {
            printError("--std values must not be 0");
            return std::nullopt;
        }
        o.stddev = {stddev[0], stddev[1], stddev[2]};
    }
    if (!automatic())
        return o;
    if (images.empty()) {
        printError("--preprocess auto needs images to try the conventions on");
        return std::nullopt;
    }
    PreprocessSearch search;
    if (resizeOption_ && resizeOption_->count())
        search.resize = o.resize;
    if (bgrOption_ && bgrOption_->count())
        search.rgb = o.rgb;
    if (noScaleOption_ && noScaleOption_->count())
        search.scale = o.scale;
    search.normalizationGiven = mean.size() == 3 || stddev.size() == 3;
    DetectorOptions detector;
    detector.session.intraOpThreads = threads;
    detector.preprocess = o;
    detector.decode = decode;
    auto choice = choosePreprocessing(model, images, detector, search);
    if (!choice) {
        printError(choice.errorMessage());
        return std::nullopt;
    }
    const size_t n = choice->images;
    if (choice->trials.front().saturated) {
        printWarning("--preprocess auto: every convention gave " + model.displayName() + " --max-det detections on most of the first " +
                     std::to_string(n) + (n == 1 ? " image" : " images") + "; keeping " + conventionName(choice->chosen));
        return choice->chosen;
    }
    if (choice->score <= 0.0) {
        printWarning("--preprocess auto: no convention gave " + model.displayName() + " a detection on the first " +
                     std::to_string(n) + (n == 1 ? " image" : " images") + "; keeping " + conventionName(choice->chosen));
        return choice->chosen;
    }
    char line[512];
    std::snprintf(line, sizeof line,
                  "--preprocess auto chose %s: FP32 top-%d score sum %.2f per image on %zu image%s (%zu conventions tried, "
                  "%zu set aside for reaching --max-det; next best: %s %.2f)",
                  conventionName(choice->chosen).c_str(), search.topK, choice->score, n, n == 1 ? "" : "s",
                  choice->trials.size(),
                  static_cast<size_t>(std::count_if(choice->trials.begin(), choice->trials.end(),
                                                    [](const PreprocessTrial& t) { return t.saturated; })),
                  choice->trials.size() > 1 ? conventionName(choice->trials[1].options).c_str() : "none",
                  choice->trials.size() > 1 ? choice->trials[1].score : 0.0);
    std::cerr << line << "\n";
    return choice->chosen;
}

}  // namespace ql::cli
