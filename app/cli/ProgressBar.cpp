#include "ProgressBar.h"

#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace ql::cli {

TaskControl textProgress(const std::string& label) {
    TaskControl control;
    if (!isatty(STDERR_FILENO))
        return control;
    control.onProgress = [label](size_t done, size_t total, const std::string& what) {
        constexpr int width = 30;
        const int filled = total ? static_cast<int>(width * done / total) : width;
        std::fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu %-30.30s", label.c_str(), filled,
                     "==============================", width - filled, "", done, total,
                     std::filesystem::path(what).filename().string().c_str());
        if (done == total)
            std::fprintf(stderr, "\r%*s\r", 100, "");
        std::fflush(stderr);
    };
    return control;
}

}  // namespace ql::cli
