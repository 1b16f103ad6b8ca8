#include "detect/Latency.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace ql {

Result<LatencyStats> measureLatency(InferenceSession& session, const InputTensor& input, int warmupRuns, int timedRuns) {
    for (int i = 0; i < warmupRuns; ++i)
        if (auto r = session.run({input}); !r)
            return r.error();
    std::vector<double> ms;
    for (int i = 0; i < std::max(1, timedRuns); ++i) {
        const auto start = std::chrono::steady_clock::now();
        if (auto r = session.run({input}); !r)
            return r.error();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    LatencyStats s;
    s.runs = static_cast<int>(ms.size());
    s.minMs = ms.front();
    s.medianMs = ms[ms.size() / 2];
    s.p95Ms = ms[std::min(ms.size() - 1, static_cast<size_t>(std::ceil(0.95 * static_cast<double>(ms.size()))) - 1)];
    s.meanMs = std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
    return s;
}

}  // namespace ql
