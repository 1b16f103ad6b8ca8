#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "preprocess/ImagePreprocessor.h"
#include "support/TestModels.h"

namespace ql {
namespace {

std::string writeImage(const std::string& name, const cv::Mat& image) {
    const std::string path = test::tempPath(name);
    EXPECT_TRUE(cv::imwrite(path, image));
    return path;
}

TEST(ImagePreprocessor, LetterboxCentresAndMapsBack) {
    // 200x100 BGR image of colour (10, 20, 30) into 64x64: scaled by 0.32 to 64x32, padded 16 top and bottom.
    const std::string path = writeImage("wide.png", cv::Mat(100, 200, CV_8UC3, cv::Scalar(10, 20, 30)));
    PreprocessOptions o;
    o.width = o.height = 64;
    auto prepared = ImagePreprocessor(o).prepare(path);
    ASSERT_TRUE(prepared) << prepared.errorMessage();
    EXPECT_EQ(prepared->shape, (std::vector<int64_t>{1, 3, 64, 64}));
    const auto& t = prepared->transform;
    EXPECT_FLOAT_EQ(t.scaleX, 0.32f);
    EXPECT_FLOAT_EQ(t.padX, 0.0f);
    EXPECT_FLOAT_EQ(t.padY, 16.0f);
    EXPECT_FLOAT_EQ(t.toOriginalY(16.0f), 0.0f);
    EXPECT_FLOAT_EQ(t.toOriginalX(64.0f), 200.0f);
    const auto& v = prepared->tensor;
    const size_t plane = 64 * 64;
    EXPECT_FLOAT_EQ(v[0], 114.0f / 255.0f);                       // padding, top-left
    EXPECT_FLOAT_EQ(v[32 * 64 + 32], 30.0f / 255.0f);             // R plane first: BGR's third channel
    EXPECT_FLOAT_EQ(v[plane + 32 * 64 + 32], 20.0f / 255.0f);     // G
    EXPECT_FLOAT_EQ(v[2 * plane + 32 * 64 + 32], 10.0f / 255.0f); // B
}

TEST(ImagePreprocessor, StretchBgrMeanStdAndTopLeft) {
    const std::string path = writeImage("square.png", cv::Mat(10, 20, CV_8UC3, cv::Scalar(0, 0, 255)));
    PreprocessOptions o;
    o.width = 8;
    o.height = 8;
    o.resize = ResizeMode::Stretch;
    o.rgb = false;
    o.mean = {0.5f, 0.5f, 0.5f};
    o.stddev = {0.5f, 0.5f, 0.5f};
    auto p = ImagePreprocessor(o).prepare(path);
    ASSERT_TRUE(p);
    EXPECT_FLOAT_EQ(p->tensor[0], -1.0f);        // B = 0 -> (0 - 0.5)/0.5
    EXPECT_FLOAT_EQ(p->tensor[2 * 64], 1.0f);    // R = 255 -> (1 - 0.5)/0.5
    o.resize = ResizeMode::LetterboxTopLeft;
    auto tl = ImagePreprocessor(o).prepare(path);
    ASSERT_TRUE(tl);
    EXPECT_FLOAT_EQ(tl->transform.padX, 0.0f);
    EXPECT_FLOAT_EQ(tl->transform.padY, 0.0f);
}

TEST(ImagePreprocessor, GrayscaleAndSixteenBitImagesAreConverted) {
    const std::string gray = writeImage("gray.png", cv::Mat(4, 4, CV_8UC1, cv::Scalar(51)));
    const std::string deep = writeImage("deep.png", cv::Mat(4, 4, CV_16UC3, cv::Scalar(65535, 0, 0)));
    PreprocessOptions o;
    o.width = o.height = 4;
    auto g = ImagePreprocessor(o).prepare(gray);
    ASSERT_TRUE(g) << g.errorMessage();
    EXPECT_FLOAT_EQ(g->tensor[0], 51.0f / 255.0f);
    EXPECT_FLOAT_EQ(g->tensor[16], 51.0f / 255.0f);
    auto d = ImagePreprocessor(o).prepare(deep);
    ASSERT_TRUE(d) << d.errorMessage();
    EXPECT_FLOAT_EQ(d->tensor[2 * 16], 1.0f);  // blue, full scale
}

TEST(ImagePreprocessor, MissingAndCorruptImagesAreClearErrors) {
    PreprocessOptions o;
    auto missing = ImagePreprocessor(o).prepare("/nonexistent/image.jpg");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.errorMessage().find("does not exist"), std::string::npos);
    const std::string corrupt = test::tempPath("corrupt.jpg");
    std::ofstream(corrupt) << "this is not a jpeg";
    auto bad = ImagePreprocessor(o).prepare(corrupt);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.errorMessage().find("corrupt.jpg"), std::string::npos) << bad.errorMessage();
}

// A photo-like image (noise, so the JPEG data is long enough to cut in its middle).
cv::Mat noise(int rows, int cols) {
    cv::Mat image(rows, cols, CV_8UC3);
    cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
    return image;
}

std::vector<uchar> encodeJpeg(const cv::Mat& image, std::vector<int> params = {}) {
    std::vector<uchar> bytes;
    EXPECT_TRUE(cv::imencode(".jpg", image, bytes, params));
    return bytes;
}

std::string writeBytes(const std::string& name, const std::vector<uchar>& bytes) {
    const std::string path = test::tempPath(name);
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
    return path;
}

// libjpeg decodes a JPEG cut short with only a warning on stderr and the rest grey: QuantLens
// tells it from the bytes instead, whatever the file is called.
TEST(ImagePreprocessor, TruncatedJpegIsRefusedByName) {
    for (const auto& params : {std::vector<int>{}, std::vector<int>{cv::IMWRITE_JPEG_PROGRESSIVE, 1},
                               std::vector<int>{cv::IMWRITE_JPEG_RST_INTERVAL, 4}}) {
        const std::vector<uchar> full = encodeJpeg(noise(96, 128), params);
        ASSERT_EQ(full[full.size() - 2], 0xFF);
        ASSERT_EQ(full.back(), 0xD9);
        EXPECT_TRUE(readImageBgr(writeBytes("whole.jpg", full)));
        std::vector<uchar> withTail = full;  // bytes after the end marker (a camera's extras) are fine
        withTail.insert(withTail.end(), 300, 0x00);
        EXPECT_TRUE(readImageBgr(writeBytes("tail.jpeg", withTail)));
        const std::vector<uchar> cut(full.begin(), full.begin() + static_cast<long>(full.size() / 2));
        if (params.empty()) {  // baseline JPEG: OpenCV still decodes it, partly grey
            ASSERT_FALSE(cv::imdecode(cut, cv::IMREAD_COLOR).empty());
        }
        for (const char* name : {"cut.jpg", "cut.png"}) {
            auto read = readImageBgr(writeBytes(name, cut));
            ASSERT_FALSE(read) << name;
            EXPECT_NE(read.errorMessage().find(name), std::string::npos) << read.errorMessage();
            EXPECT_NE(read.errorMessage().find("truncated"), std::string::npos) << read.errorMessage();
        }
    }
}

// An EXIF thumbnail holds its own end marker (FF D9) early in the file: the check walks the
// segments, so a main image cut short is still found.
TEST(ImagePreprocessor, TruncatedJpegWithThumbnailIsRefused) {
    const std::vector<uchar> full = encodeJpeg(noise(96, 128));
    const std::vector<uchar> thumbnail = encodeJpeg(noise(8, 8));
    std::vector<uchar> app1 = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
    app1.insert(app1.end(), thumbnail.begin(), thumbnail.end());
    const size_t length = app1.size() - 2;
    app1[2] = static_cast<uchar>(length >> 8);
    app1[3] = static_cast<uchar>(length & 0xFF);
    std::vector<uchar> withExif(full.begin(), full.begin() + 2);
    withExif.insert(withExif.end(), app1.begin(), app1.end());
    withExif.insert(withExif.end(), full.begin() + 2, full.end());
    EXPECT_TRUE(readImageBgr(writeBytes("exif.jpg", withExif)));
    const std::vector<uchar> cut(withExif.begin(), withExif.begin() + static_cast<long>(withExif.size() * 2 / 3));
    EXPECT_FALSE(readImageBgr(writeBytes("exif_cut.jpg", cut)));
}

TEST(ImagePreprocessor, CollectImagesFromFolders) {
    const std::string dir = test::tempPath("images");
    std::filesystem::create_directories(dir);
    cv::imwrite(dir + "/b.png", cv::Mat(2, 2, CV_8UC3));
    cv::imwrite(dir + "/a.JPG", cv::Mat(2, 2, CV_8UC3));
    std::ofstream(dir + "/notes.txt") << "x";
    auto images = collectImages({dir});
    ASSERT_TRUE(images) << images.errorMessage();
    EXPECT_EQ(*images, (std::vector<std::string>{dir + "/a.JPG", dir + "/b.png"}));
    EXPECT_FALSE(collectImages({dir + "/missing"}));
    const std::string empty = test::tempPath("empty-dir");
    std::filesystem::create_directories(empty);
    auto none = collectImages({empty});
    ASSERT_FALSE(none);
    EXPECT_NE(none.errorMessage().find("no images"), std::string::npos);
}

}  // namespace
}  // namespace ql
