// Inference latency of a session: warm-up runs, then timed runs summarised.
#pragma once

#include <vector>

#include "model/OnnxModel.h"
#include "preprocess/ImagePreprocessor.h"
#include "runtime/InferenceSession.h"

namespace ql {

struct LatencyStats {
    int runs = 0;
    double minMs = 0, medianMs = 0, p95Ms = 0, meanMs = 0;
};

Result<LatencyStats> measureLatency(InferenceSession& session, const InputTensor& input, int warmupRuns, int timedRuns);

// A model with one image input, on one prepared image, in a plain session at `session`'s
// settings (ONNX Runtime's defaults unless changed).
Result<LatencyStats> measureModelLatency(const OnnxModel& model, const PreparedImage& image, const SessionOptions& session,
                                         int warmupRuns, int timedRuns);

}  // namespace ql
