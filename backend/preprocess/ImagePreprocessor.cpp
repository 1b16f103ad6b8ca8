#include "preprocess/ImagePreprocessor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "model/ModelMetadata.h"
#include "model/OnnxModel.h"

namespace fs = std::filesystem;

namespace ql {

PreprocessOptions PreprocessOptions::forModel(const OnnxModel& model) {
    PreprocessOptions o;
    const Graph& g = model.graph();
    if (!g.inputs().empty())
        if (const TensorInfo* info = g.tensorInfo(g.inputs().front()); info && info->shape.size() == 4) {
            if (info->shape[2] > 0)
                o.height = static_cast<int>(info->shape[2]);
            if (info->shape[3] > 0)
                o.width = static_cast<int>(info->shape[3]);
            if (info->shape[2] > 0 && info->shape[3] > 0)
                return o;
        }
    const ModelMetadata md = ModelMetadata::fromProps(model.metadataProps());
    if (md.inputHeight && md.inputWidth) {
        o.height = *md.inputHeight;
        o.width = *md.inputWidth;
    }
    return o;
}

std::string PreprocessOptions::describe() const {
    std::ostringstream s;
    s << width << "x" << height << " " << resizeModeName(resize) << " " << (rgb ? "RGB" : "BGR") << " scale=" << scale << " mean=" << mean[0] << "," << mean[1] << "," << mean[2]
      << " std=" << stddev[0] << "," << stddev[1] << "," << stddev[2] << " pad=" << padValue;
    return s.str();
}

namespace {

// 1/255 written with six digits (describe()) or as a float in JSON comes back as exactly 1/255.
float snapScale(double scale) {
    return std::abs(scale - 1.0 / 255.0) < 1e-6 ? 1.0f / 255.0f : static_cast<float>(scale);
}

Status checkValues(const PreprocessOptions& o) {
    if (o.width <= 0 || o.height <= 0)
        return Error{"input size " + std::to_string(o.width) + "x" + std::to_string(o.height) + " is not positive"};
    if (!(o.scale > 0.0f))
        return Error{"scale must be positive"};
    for (float s : o.stddev)
        if (s == 0.0f)
            return Error{"std values must not be 0"};
    if (o.padValue < 0 || o.padValue > 255)
        return Error{"pad value " + std::to_string(o.padValue) + " is not in 0..255"};
    return Ok{};
}

}  // namespace

Result<PreprocessOptions> PreprocessOptions::fromDescription(const std::string& text) {
    // "640x640 letterbox RGB scale=0.00392157 mean=0,0,0 std=1,1,1 pad=114"
    PreprocessOptions o;
    char resize[32] = {0}, order[8] = {0};
    double scale = 0.0, m[3] = {0, 0, 0}, sd[3] = {1, 1, 1};
    int consumed = 0;
    const int n = std::sscanf(text.c_str(), "%dx%d %31s %7s scale=%lf mean=%lf,%lf,%lf std=%lf,%lf,%lf pad=%d%n", &o.width,
                              &o.height, resize, order, &scale, &m[0], &m[1], &m[2], &sd[0], &sd[1], &sd[2], &o.padValue,
                              &consumed);
    const std::string orderText = order;
    if (n != 12 || (orderText != "RGB" && orderText != "BGR"))
        return Error{"cannot read the preprocessing '" + text + "' (expected e.g. '640x640 letterbox RGB scale=0.00392157 "
                     "mean=0,0,0 std=1,1,1 pad=114')"};
    auto mode = parseResizeMode(resize);
    if (!mode)
        return mode.error();
    o.resize = *mode;
    o.rgb = orderText == "RGB";
    o.scale = snapScale(scale);
    for (int c = 0; c < 3; ++c) {
        o.mean[c] = static_cast<float>(m[c]);
        o.stddev[c] = static_cast<float>(sd[c]);
    }
    if (auto st = checkValues(o); !st)
        return Error{"preprocessing '" + text + "': " + st.errorMessage()};
    return o;
}

nlohmann::json PreprocessOptions::toJson() const {
    return {{"width", width},   {"height", height},           {"resize", resizeModeName(resize)},
            {"rgb", rgb},       {"scale", scale},             {"mean", {mean[0], mean[1], mean[2]}},
            {"std", {stddev[0], stddev[1], stddev[2]}},       {"pad", padValue}};
}

Result<PreprocessOptions> PreprocessOptions::fromJson(const nlohmann::json& j) {
    return catchErrors("preprocessing", [&]() -> Result<PreprocessOptions> {
        if (!j.is_object())
            return Error{"an object expected, found " + std::string(j.type_name())};
        PreprocessOptions o;
        o.width = j.value("width", o.width);
        o.height = j.value("height", o.height);
        auto mode = parseResizeMode(j.value("resize", resizeModeName(o.resize)));
        if (!mode)
            return mode.error();
        o.resize = *mode;
        o.rgb = j.value("rgb", o.rgb);
        o.scale = snapScale(j.value("scale", static_cast<double>(o.scale)));
        const auto triple = [&](const char* key, std::array<float, 3>& out) -> Status {
            if (!j.contains(key))
                return Ok{};
            const auto v = j.at(key).get<std::vector<float>>();
            if (v.size() != 3)
                return Error{std::string(key) + " needs 3 values, one per channel; found " + std::to_string(v.size())};
            out = {v[0], v[1], v[2]};
            return Ok{};
        };
        if (auto st = triple("mean", o.mean); !st)
            return st.error();
        if (auto st = triple("std", o.stddev); !st)
            return st.error();
        o.padValue = j.value("pad", o.padValue);
        if (auto st = checkValues(o); !st)
            return st.error();
        return o;
    });
}

bool PreprocessOptions::operator==(const PreprocessOptions& o) const {
    return width == o.width && height == o.height && resize == o.resize && rgb == o.rgb && scale == o.scale &&
           mean == o.mean && stddev == o.stddev && padValue == o.padValue;
}

std::string resizeModeName(ResizeMode mode) {
    switch (mode) {
    case ResizeMode::Letterbox:
        return "letterbox";
    case ResizeMode::LetterboxTopLeft:
        return "topleft";
    case ResizeMode::Stretch:
        return "resize";
    }
    return "letterbox";
}

Result<ResizeMode> parseResizeMode(const std::string& text) {
    if (text == "letterbox")
        return ResizeMode::Letterbox;
    if (text == "topleft" || text == "letterbox-topleft")
        return ResizeMode::LetterboxTopLeft;
    if (text == "resize" || text == "stretch")
        return ResizeMode::Stretch;
    return Error{"unknown resize mode '" + text + "' (use letterbox, topleft or resize)"};
}

namespace {

// Whether a JPEG's data runs to its end-of-image marker (FF D9): walks the segments by their
// lengths (so an EXIF thumbnail's own FF D9 does not count) and the entropy-coded data after each
// start-of-scan. A file cut short ends before it; libjpeg then only warns and fills the rest grey.
// Bytes after the marker (a camera's appended video, padding) do not matter.
bool jpegReachesEnd(const std::vector<uchar>& b) {
    size_t i = 2;  // after SOI
    while (i < b.size()) {
        if (b[i] != 0xFF)
            return false;  // not at a marker: the segment lengths do not add up
        while (i < b.size() && b[i] == 0xFF)
            ++i;  // fill bytes
        if (i >= b.size())
            return false;
        const uchar marker = b[i++];
        if (marker == 0xD9)
            return true;
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            continue;  // markers without a length
        if (i + 2 > b.size())
            return false;
        const size_t length = (static_cast<size_t>(b[i]) << 8) | b[i + 1];
        if (length < 2)
            return false;
        i += length;
        if (marker == 0xDA) {  // scan data: runs to the next marker that is no stuffed 00 or restart
            while (i + 1 < b.size() &&
                   !(b[i] == 0xFF && b[i + 1] != 0x00 && b[i + 1] != 0xFF && !(b[i + 1] >= 0xD0 && b[i + 1] <= 0xD7)))
                ++i;
            if (i + 1 >= b.size())
                return false;
        }
    }
    return false;
}

}  // namespace

Result<cv::Mat> readImageBgr(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        return Error{"image " + path + " does not exist"};
    std::vector<uchar> bytes;
    {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            return Error{"cannot open image " + path};
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (in.bad())
            return Error{"cannot read image " + path};
    }
    // Told by the content, not the name: JPEG data starts with SOI (FF D8) and a marker.
    if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF && !jpegReachesEnd(bytes))
        return Error{"image " + path + " is a truncated or corrupt JPEG (its data ends before the end-of-image "
                     "marker; decoded, part of it would be grey)"};
    cv::Mat image;
    try {
        image = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        return Error{"cannot read image " + path + ": " + e.what()};
    }
    if (image.empty())
        return Error{"cannot read image " + path + ": not an image, or corrupt"};
    if (image.depth() == CV_16U)
        image.convertTo(image, CV_8U, 1.0 / 257.0);
    else if (image.depth() == CV_32F || image.depth() == CV_64F)
        image.convertTo(image, CV_8U, 255.0);
    else if (image.depth() != CV_8U)
        image.convertTo(image, CV_8U);
    switch (image.channels()) {
    case 1: cv::cvtColor(image, image, cv::COLOR_GRAY2BGR); break;
    case 4: cv::cvtColor(image, image, cv::COLOR_BGRA2BGR); break;
    case 3: break;
    default: return Error{"image " + path + " has " + std::to_string(image.channels()) + " channels"};
    }
    return image;
}

Result<PreparedImage> ImagePreprocessor::prepare(const std::string& path) const {
    auto image = readImageBgr(path);
    if (!image)
        return image.error();
    return prepare(*image);
}

Result<PreparedImage> ImagePreprocessor::prepare(const cv::Mat& bgr) const {
    const PreprocessOptions& o = options_;
    if (bgr.empty() || bgr.type() != CV_8UC3)
        return Error{"image must be 8-bit with 3 channels"};
    if (o.width <= 0 || o.height <= 0)
        return Error{"input size must be positive"};
    PreparedImage out;
    LetterboxTransform& t = out.transform;
    t.originalWidth = bgr.cols;
    t.originalHeight = bgr.rows;
    cv::Mat canvas;
    if (o.resize == ResizeMode::Stretch) {
        cv::resize(bgr, canvas, cv::Size(o.width, o.height), 0, 0, cv::INTER_LINEAR);
        t.scaleX = static_cast<float>(o.width) / bgr.cols;
        t.scaleY = static_cast<float>(o.height) / bgr.rows;
    } else {
        const float r = std::min(static_cast<float>(o.width) / bgr.cols, static_cast<float>(o.height) / bgr.rows);
        const int w = std::max(1, static_cast<int>(std::round(bgr.cols * r)));
        const int h = std::max(1, static_cast<int>(std::round(bgr.rows * r)));
        cv::Mat resized;
        if (w != bgr.cols || h != bgr.rows)
            cv::resize(bgr, resized, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
        else
            resized = bgr;
        const float dw = static_cast<float>(o.width - w);
        const float dh = static_cast<float>(o.height - h);
        // Ultralytics rounds the split of the padding this way.
        const int left = o.resize == ResizeMode::Letterbox ? static_cast<int>(std::round(dw / 2 - 0.1f)) : 0;
        const int top = o.resize == ResizeMode::Letterbox ? static_cast<int>(std::round(dh / 2 - 0.1f)) : 0;
        cv::copyMakeBorder(resized, canvas, top, o.height - h - top, left, o.width - w - left, cv::BORDER_CONSTANT,
                           cv::Scalar(o.padValue, o.padValue, o.padValue));
        t.scaleX = t.scaleY = r;
        t.padX = static_cast<float>(left);
        t.padY = static_cast<float>(top);
    }
    const size_t plane = static_cast<size_t>(o.width) * static_cast<size_t>(o.height);
    out.tensor.resize(3 * plane);
    out.shape = {1, 3, o.height, o.width};
    for (int c = 0; c < 3; ++c) {
        const int src = o.rgb ? 2 - c : c;  // OpenCV holds BGR
        const float mul = o.scale / o.stddev[static_cast<size_t>(c)];
        const float add = -o.mean[static_cast<size_t>(c)] / o.stddev[static_cast<size_t>(c)];
        float* dst = out.tensor.data() + static_cast<size_t>(c) * plane;
        for (int y = 0; y < o.height; ++y) {
            const uint8_t* row = canvas.ptr<uint8_t>(y);
            for (int x = 0; x < o.width; ++x)
                *dst++ = row[x * 3 + src] * mul + add;
        }
    }
    return out;
}

Result<std::vector<std::string>> collectImages(const std::vector<std::string>& pathsOrFolders) {
    static const std::vector<std::string> extensions = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"};
    std::vector<std::string> images;
    for (const auto& p : pathsOrFolders) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<std::string> found;
            for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
                std::string ext = e.path().extension().string();
                std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return std::tolower(ch); });
                if (e.is_regular_file() && std::find(extensions.begin(), extensions.end(), ext) != extensions.end())
                    found.push_back(e.path().string());
            }
            std::sort(found.begin(), found.end());
            if (found.empty())
                return Error{"folder " + p + " has no images (.jpg, .png, .bmp, .tif, .webp)"};
            images.insert(images.end(), found.begin(), found.end());
        } else if (fs::exists(p, ec)) {
            images.push_back(p);
        } else {
            return Error{"image or folder " + p + " does not exist"};
        }
    }
    if (images.empty())
        return Error{"no images given"};
    return images;
}

}  // namespace ql
