// Shared by the benchmarks: where the real data is, timing, and peak memory.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace ql::bench {

inline std::optional<std::string> sharedDir() {
    for (const char* candidate : {static_cast<const char*>(std::getenv("QUANTLENS_TESTDATA")), QUANTLENS_TESTDATA_DEFAULT})
        if (candidate && std::filesystem::is_directory(candidate))
            return std::string(candidate);
    return std::nullopt;
}

inline double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

inline double peakRssMiB() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// The first `count` images of coco128, cycling when it has fewer.
inline std::vector<std::string> cocoImages(const std::string& shared, size_t count) {
    std::vector<std::string> all;
    for (const auto& e : std::filesystem::directory_iterator(shared + "/datasets/coco128/images/train2017"))
        all.push_back(e.path().string());
    std::sort(all.begin(), all.end());
    std::vector<std::string> picked;
    for (size_t i = 0; i < count && !all.empty(); ++i)
        picked.push_back(all[i % all.size()]);
    return picked;
}

}  // namespace ql::bench
