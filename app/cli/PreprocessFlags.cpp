#include "PreprocessFlags.h"

#include "CliCommon.h"

namespace ql::cli {

void PreprocessFlags::addTo(CLI::App& cmd) {
    cmd.add_option("--resize", resize, "How images are fitted to the input: letterbox (centred, pad 114), "
                                       "topleft (letterbox padded right/bottom) or resize (stretch)")
        ->check(CLI::IsMember({"letterbox", "topleft", "resize"}));
    cmd.add_flag("--bgr", bgr, "Feed BGR instead of RGB");
    cmd.add_flag("--no-scale", noScale, "Feed 0-255 values instead of 0-1");
    cmd.add_option("--input-width", width, "Input width (default: the model's)");
    cmd.add_option("--input-height", height, "Input height (default: the model's)");
    cmd.add_option("--mean", mean, "Per-channel mean subtracted after scaling, e.g. --mean 0.485 0.456 0.406")->expected(3);
    cmd.add_option("--std", stddev, "Per-channel standard deviation, e.g. --std 0.229 0.224 0.225")->expected(3);
}

std::optional<PreprocessOptions> PreprocessFlags::resolve(const OnnxModel& model) const {
    PreprocessOptions o = PreprocessOptions::forModel(model);
    auto mode = parseResizeMode(resize);
    if (!mode) {
        printError(mode.errorMessage());
        return std::nullopt;
    }
    o.resize = *mode;
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
    return o;
}

}  // namespace ql::cli
