#include "project/Demo.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "quantize/CalibrationCache.h"
#include "quantize/QdqQuantizer.h"

namespace ql {
namespace fs = std::filesystem;

namespace {

// The detection head's box decoding and final Concat stay float: quantized with the class scores,
// the output's Q/DQ step (boxes reach 640 px) would round every score to 0.
const std::vector<std::string> kHeadLeftFloat = {"/model.22/Concat_3", "/model.22/Split", "/model.22/dfl/Transpose",
                                                 "/model.22/Concat_5"};

}  // namespace

std::string demoDirectory() {
    if (const char* dir = std::getenv("QUANTLENS_DEMO_DIR"); dir && *dir)
        return dir;
    // Installed (cmake --install, the .deb), wherever the prefix is; a program in the build tree has
    // no share/ beside it and uses the source folder.
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        if (std::string installed = installedDemoDirectory(exe.string()); !installed.empty())
            return installed;
#ifdef QUANTLENS_DEMO_DIR_DEFAULT
    return QUANTLENS_DEMO_DIR_DEFAULT;
#else
    return {};
#endif
}

std::string installedDemoDirectory(const std::string& executable) {
    const fs::path demo = fs::path(executable).parent_path().parent_path() / "share" / "quantlens" / "demo";
    std::error_code ec;
    return fs::is_regular_file(demo / "yolov8n_fp32.onnx", ec) ? demo.string() : std::string{};
}

Result<DemoFiles> prepareDemo(const std::string& demoDir, std::string cacheDir, const TaskControl& control) {
    DemoFiles files;
    files.excluded = kHeadLeftFloat;
    files.fp32 = (fs::path(demoDir) / "yolov8n_fp32.onnx").string();
    for (const char* name : {"bus.jpg", "zidane.jpg"})
        files.images.push_back((fs::path(demoDir) / name).string());
    for (const auto& f : std::vector<std::string>{files.fp32, files.images[0], files.images[1]})
        if (!fs::is_regular_file(f))
            return Error{"the demo file " + f + " is missing (set QUANTLENS_DEMO_DIR to the folder resources/demo)"};
    if (cacheDir.empty()) {
        const fs::path calibration = CalibrationCache::defaultDirectory();
        if (calibration.empty())
            return Error{"no cache folder for the demo's INT8 model (HOME and XDG_CACHE_HOME are unset)"};
        cacheDir = (calibration.parent_path() / "demo").string();
    }
    files.quantized = (fs::path(cacheDir) / "yolov8n_int8_quantlens.onnx").string();
    std::error_code ec;
    if (fs::is_regular_file(files.quantized, ec) &&
        fs::last_write_time(files.quantized, ec) >= fs::last_write_time(files.fp32, ec) && !ec)
        return files;

    fs::create_directories(cacheDir, ec);
    if (ec)
        return Error{"cannot create the demo's cache folder " + cacheDir + ": " + ec.message()};
    auto fp32 = OnnxModel::load(files.fp32);
    if (!fp32)
        return fp32.error();
    CalibrationOptions calibration;
    calibration.preprocess = PreprocessOptions::forModel(*fp32);
    auto stats = CalibrationCache((fs::path(cacheDir) / "calibration").string()).get(*fp32, files.images, calibration, control);
    if (!stats)
        return stats.error();
    QuantizerSettings settings;
    settings.nodesToExclude = kHeadLeftFloat;
    auto quantized = quantizeQdq(*fp32, **stats, settings);
    if (!quantized)
        return quantized.error();
    if (auto st = quantized->model.save(files.quantized, {files.fp32}); !st)
        return st.error();
    return files;
}

}  // namespace ql
