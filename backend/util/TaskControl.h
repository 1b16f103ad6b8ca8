// Long work (inference over many images, calibration) reports progress and can be cancelled:
// the GUI passes a callback that updates its progress bar and a flag its Cancel button sets, the
// CLI a text progress bar.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>

namespace ql {

struct TaskControl {
    std::function<void(size_t done, size_t total, const std::string& what)> onProgress;
    const std::atomic<bool>* cancel = nullptr;

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
    void report(size_t done, size_t total, const std::string& what = {}) const {
        if (onProgress)
            onProgress(done, total, what);
    }
};

}  // namespace ql
