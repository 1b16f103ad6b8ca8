// Turns an image file into a model input tensor, the same way for every analysis (activation
// error, calibration, detection): letterbox or resize, channel order, scale, mean/std, NCHW.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "util/Result.h"
#include "util/TaskControl.h"

namespace cv {
class Mat;
}

namespace ql {

class OnnxModel;

enum class ResizeMode {
    Letterbox,         // keep aspect ratio, pad evenly on both sides (Ultralytics)
    LetterboxTopLeft,  // keep aspect ratio, pad right and bottom only
    Stretch,           // plain resize to the input size
};

struct PreprocessOptions {
    int width = 640;
    int height = 640;
    ResizeMode resize = ResizeMode::Letterbox;
    bool rgb = true;            // false keeps OpenCV's BGR order
    float scale = 1.0f / 255.0f;
    std::array<float, 3> mean{0.0f, 0.0f, 0.0f};  // subtracted after scaling, per channel
    std::array<float, 3> stddev{1.0f, 1.0f, 1.0f};
    int padValue = 114;

    // Input size from the model's input shape or Ultralytics metadata; the rest as above.
    static PreprocessOptions forModel(const OnnxModel& model);
    std::string describe() const;  // one line, for reports and cache keys
    // The same, read back (recipes written before the structured form); a scale within 1e-6 of
    // 1/255 is taken as 1/255, since describe() keeps six digits.
    static Result<PreprocessOptions> fromDescription(const std::string& text);

    // {"width", "height", "resize", "rgb", "scale", "mean", "std", "pad"}, for recipes and projects.
    nlohmann::json toJson() const;
    static Result<PreprocessOptions> fromJson(const nlohmann::json& j);  // missing keys keep the defaults above
    bool operator==(const PreprocessOptions& o) const;
    bool operator!=(const PreprocessOptions& o) const { return !(*this == o); }
};

Result<ResizeMode> parseResizeMode(const std::string& text);  // "letterbox", "topleft", "resize"
std::string resizeModeName(ResizeMode mode);                  // as parseResizeMode reads it

// Maps boxes from the model input back to the original image.
struct LetterboxTransform {
    float scaleX = 1.0f;
    float scaleY = 1.0f;
    float padX = 0.0f;
    float padY = 0.0f;
    int originalWidth = 0;
    int originalHeight = 0;

    float toOriginalX(float x) const { return (x - padX) / scaleX; }
    float toOriginalY(float y) const { return (y - padY) / scaleY; }
};

struct PreparedImage {
    std::vector<float> tensor;              // 1x3xHxW
    std::vector<int64_t> shape;
    LetterboxTransform transform;
};

class ImagePreprocessor {
public:
    explicit ImagePreprocessor(PreprocessOptions options) : options_(std::move(options)) {}
    const PreprocessOptions& options() const { return options_; }

    // Reads any image OpenCV reads; grayscale, alpha and 16-bit images are converted.
    Result<PreparedImage> prepare(const std::string& imagePath) const;
    Result<PreparedImage> prepare(const cv::Mat& bgrImage) const;

private:
    PreprocessOptions options_;
};

// Image files in folders (recursively, sorted) and the files given; errors for missing paths or no images.
Result<std::vector<std::string>> collectImages(const std::vector<std::string>& pathsOrFolders);

// Reads an image as 8-bit BGR, converting grayscale, alpha and 16-bit images.
Result<cv::Mat> readImageBgr(const std::string& path);

// Hands each image, prepared in turn, to body(index, image), which returns a Status; reports
// progress to `control` and stops with cancelledError() when asked, or at the first error (an
// unreadable image, or the body's). Given `skipped`, an image that cannot be read (not an image,
// a truncated JPEG) is passed over instead, with a line naming it and why added there; it is an
// error then only when no image at all could be read.
template <typename Body>
Status forEachPreparedImage(const ImagePreprocessor& preprocessor, const std::vector<std::string>& images,
                            const TaskControl& control, Body&& body, std::vector<std::string>* skipped = nullptr) {
    size_t read = 0;
    std::string firstProblem;
    for (size_t i = 0; i < images.size(); ++i) {
        if (control.cancelled())
            return cancelledError();
        control.report(i, images.size(), images[i]);
        auto image = preprocessor.prepare(images[i]);
        if (!image && skipped) {
            skipped->push_back("skipped: " + image.errorMessage());
            if (firstProblem.empty())
                firstProblem = image.errorMessage();
            continue;
        }
        if (!image)
            return image.error();
        ++read;
        if (auto st = body(i, *image); !st)
            return st.error();
    }
    if (read == 0 && !images.empty())
        return Error{"none of the " + std::to_string(images.size()) + " images could be read; the first: " + firstProblem};
    control.report(images.size(), images.size());
    return Ok{};
}

}  // namespace ql
