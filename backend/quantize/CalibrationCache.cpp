#include "quantize/CalibrationCache.h"

#include <algorithm>
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

std::shared_ptr<const CalibrationData> CalibrationCache::lookup(const std::string& key, const CalibrationOptions& options) const {
    {
        std::lock_guard<std::mutex> lock(memoryMutex());
        if (auto it = memory().find(key); it != memory().end())
            return it->second;
    }
    const fs::path file = directory_.empty() ? fs::path() : fs::path(directory_) / (key + ".json");
    if (file.empty() || !fs::exists(file))
        return nullptr;
    std::ifstream in(file);
    const auto json = nlohmann::json::parse(in, nullptr, false);
    auto loaded = json.is_discarded() ? Result<CalibrationData>(Error{"corrupt"}) : CalibrationData::fromJson(json);
    if (!loaded || loaded->key != key)
        return nullptr;
    loaded->options = options;
    auto shared = std::make_shared<const CalibrationData>(std::move(loaded).value());
    std::lock_guard<std::mutex> lock(memoryMutex());
    memory()[key] = shared;
    return shared;
}

std::shared_ptr<const CalibrationData> CalibrationCache::store(const std::string& key, CalibrationData data) const {
    data.key = key;
    auto shared = std::make_shared<const CalibrationData>(std::move(data));
    if (!directory_.empty()) {
        std::error_code ec;
        fs::create_directories(directory_, ec);
        (void)writeFileAtomically((fs::path(directory_) / (key + ".json")).string(), shared->toJson().dump());
    }
    std::lock_guard<std::mutex> lock(memoryMutex());
    memory()[key] = shared;
    return shared;
}

Result<std::vector<std::shared_ptr<const CalibrationData>>> CalibrationCache::getPrefixes(
    const OnnxModel& model, const std::vector<std::string>& images, const std::vector<size_t>& sizes,
    const CalibrationOptions& options, const TaskControl& control, size_t* calibratedImages) {
    if (calibratedImages)
        *calibratedImages = 0;
    std::vector<size_t> ascending = sizes;
    std::sort(ascending.begin(), ascending.end());
    ascending.erase(std::unique(ascending.begin(), ascending.end()), ascending.end());
    if (ascending.empty())
        return std::vector<std::shared_ptr<const CalibrationData>>{};
    if (ascending.front() == 0)
        return Error{"a calibration needs at least one image"};
    if (ascending.back() > images.size())
        return Error{"a calibration of " + std::to_string(ascending.back()) + " images was asked for; only " +
                     std::to_string(images.size()) + " calibration images were given"};
    auto prefix = [&](size_t k) { return std::vector<std::string>(images.begin(), images.begin() + static_cast<long>(k)); };
    std::map<size_t, std::shared_ptr<const CalibrationData>> done;
    size_t toRun = 0;  // images the missing prefixes still need, for progress
    {
        size_t last = 0;
        for (const size_t k : ascending) {
            if (auto hit = lookup(calibrationKey(model, prefix(k), options), options))
                done[k] = hit;
            else
                toRun += k - last;
            last = k;
        }
    }
    size_t ran = 0;
    for (const size_t k : ascending) {
        if (done.count(k))
            continue;
        // The largest smaller prefix known, cached or computed: continue from it.
        std::shared_ptr<const CalibrationData> start;
        size_t from = 0;
        for (auto it = done.begin(); it != done.end() && it->first < k; ++it) {
            start = it->second;
            from = it->first;
        }
        const std::vector<std::string> rest(images.begin() + static_cast<long>(from), images.begin() + static_cast<long>(k));
        TaskControl part;
        part.cancel = control.cancel;
        part.onProgress = [&](size_t d, size_t, const std::string& what) { control.report(ran + d, toRun, what); };
        auto data = calibrate(model, rest, options, part, start.get());
        if (!data)
            return data.error();
        ran += rest.size();
        if (calibratedImages)
            *calibratedImages += rest.size();
        done[k] = store(calibrationKey(model, prefix(k), options), std::move(data).value());
    }
    std::vector<std::shared_ptr<const CalibrationData>> out;
    for (const size_t k : sizes)
        out.push_back(done.at(k));
    return out;
}

}  // namespace ql
