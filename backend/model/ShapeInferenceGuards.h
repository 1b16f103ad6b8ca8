// ONNX 1.12's shape inference trusts some inputs it should check and reads out of bounds on
// malformed models (a Conv whose weight rank differs from its input's, found by fuzzing).
// The guards wrap those operators' inference functions with the missing checks, so a bad file
// stops shape inference with an error instead of crashing the process.
#pragma once

namespace ql {

// Idempotent and thread-safe; call before any onnx::shape_inference::InferShapes.
void installShapeInferenceGuards();

}  // namespace ql
