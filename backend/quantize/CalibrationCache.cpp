#include "quantize/CalibrationCache.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "util/AtomicFile.h"

namespace fs = std::filesystem;

namespace ql {
namespace {

uint64_t fnv1a(std::string_view bytes, uint64_t hash = 1469598103934665603ull) {
    for (const unsigned char c : bytes) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return hash;
}

std::mutex& memoryMutex() {
    static std::mutex m;
    return m;
}

std::map<std::string, std::shared_ptr<const CalibrationData>>& memory() {
    static std::map<std::string, std::shared_ptr<const CalibrationData>> cache;
    return cache;
}

}  // namespace

std::string calibrationKey(const OnnxModel& model, const std::vector<std::string>& images, const CalibrationOptions& options) {
    std::string bytes;
    model.proto().SerializeToString(&bytes);
    uint64_t h = fnv1a(bytes);
    for (const auto& image : images) {
        std::error_code ec;
        const auto size = fs::file_size(image, ec);
        const auto time = fs::last_write_time(image, ec).time_since_epoch().count();
        h = fnv1a(fs::absolute(image).string() + "|" + std::to_string(size) + "|" + std::to_string(time), h);
    }
    h = fnv1a(options.describe(), h);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return hex;
}

CalibrationCache::CalibrationCache(std::string directory) : directory_(std::move(directory)) {}

std::string CalibrationCache::defaultDirectory() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return (fs::path(xdg) / "quantlens" / "calibration").string();
    if (const char* home = std::getenv("HOME"); home && *home)
        return (fs::path(home) / ".cache" / "quantlens" / "calibration").string();
    return {};
}

Result<std::shared_ptr<const CalibrationData>> CalibrationCache::get(const OnnxModel& model, const std::vector<std::string>& images,
                                                                     const CalibrationOptions& options, const TaskControl& control,
                                                                     bool* fromCache) {
    const std::string key = calibrationKey(model, images, options);
    if (fromCache)
        *fromCache = true;
    {
        std::lock_guard<std::mutex> lock(memoryMutex());
        if (auto it = memory().find(key); it != memory().end())
            return it->second;
    }
    const fs::path file = directory_.empty() ? fs::path() : fs::path(directory_) / (key + ".json");
    if (!file.empty() && fs::exists(file)) {
        std::ifstream in(file);
        const auto json = nlohmann::json::parse(in, nullptr, false);
        auto loaded = json.is_discarded() ? Result<CalibrationData>(Error{"corrupt"}) : CalibrationData::fromJson(json);
        if (loaded && loaded->key == key) {  // a broken or foreign file is just recalibrated over
            loaded->options = options;
            auto shared = std::make_shared<const CalibrationData>(std::move(loaded).value());
            std::lock_guard<std::mutex> lock(memoryMutex());
            memory()[key] = shared;
            return shared;
        }
    }
    if (fromCache)
        *fromCache = false;
    auto data = calibrate(model, images, options, control);
    if (!data)
        return data.error();
    data->key = key;
    auto shared = std::make_shared<const CalibrationData>(std::move(data).value());
    if (!file.empty()) {
        std::error_code ec;
        fs::create_directories(directory_, ec);
        // A cache that cannot be written only costs time later; calibration itself succeeded.
        (void)writeFileAtomically(file.string(), shared->toJson().dump());
    }
    std::lock_guard<std::mutex> lock(memoryMutex());
    memory()[key] = shared;
    return shared;
}

}  // namespace ql
