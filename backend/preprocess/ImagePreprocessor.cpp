#include "preprocess/ImagePreprocessor.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

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
    s << width << "x" << height << " "
      << (resize == ResizeMode::Letterbox ? "letterbox" : resize == ResizeMode::LetterboxTopLeft ? "topleft" : "resize")
      << " " << (rgb ? "RGB" : "BGR") << " scale=" << scale << " mean=" << mean[0] << "," << mean[1] << "," << mean[2]
      << " std=" << stddev[0] << "," << stddev[1] << "," << stddev[2] << " pad=" << padValue;
    return s.str();
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
