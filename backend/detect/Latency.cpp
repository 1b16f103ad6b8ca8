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

Result<LatencyStats> measureModelLatency(const OnnxModel& model, const PreparedImage& image, const SessionOptions& options,
                                         int warmupRuns, int timedRuns) {
    if (model.graph().inputs().size() != 1)
        return Error{model.displayName() + " has " + std::to_string(model.graph().inputs().size()) +
                     " inputs; its latency is measured on one image input"};
    auto session = [&]() -> Result<InferenceSession> {
        if (!model.path().empty())
            return InferenceSession::fromFile(model.path(), options);
        auto bytes = model.serialize();
        if (!bytes)
            return bytes.error();
        return InferenceSession::fromBytes(*bytes, model.displayName(), options);
    }();
    if (!session)
        return session.error();
    const InputTensor input{model.graph().inputs().front(), image.shape, image.tensor.data(), image.tensor.size()};
    return measureLatency(*session, input, warmupRuns, timedRuns);
}

}  // namespace ql
