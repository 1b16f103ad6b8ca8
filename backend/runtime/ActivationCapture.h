// Exposes intermediate tensors as extra graph outputs, on a copy of the model in memory (the
// user's file is never touched), so one inference run returns every tensor we compare.
#pragma once

#include <string>
#include <vector>

#include "model/OnnxModel.h"
#include "runtime/InferenceSession.h"

namespace ql {

// Serialized copy of `model` whose outputs are its own outputs plus `tensors` (duplicates dropped).
Result<std::string> instrumentModel(const OnnxModel& model, const std::vector<std::string>& tensors);
// The same for an edited copy of `model` (which may use QuantLens' operators): tensors the edit
// adds are found through the copy's value_info.
Result<std::string> instrumentModel(const OnnxModel& model, const onnx::ModelProto& edited,
                                    const std::vector<std::string>& tensors);

// A session over the instrumented copy, with the list of names to ask for when running it.
struct CaptureSession {
    InferenceSession session;
    std::vector<std::string> outputNames;  // graph outputs first, then the captured tensors, graph inputs left out

    static Result<CaptureSession> create(const OnnxModel& model, const std::vector<std::string>& tensors,
                                         const SessionOptions& options);
    static Result<CaptureSession> create(const OnnxModel& model, const onnx::ModelProto& edited,
                                         const std::vector<std::string>& tensors, const SessionOptions& options);
};

}  // namespace ql
