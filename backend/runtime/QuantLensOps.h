// QuantLens' own ONNX Runtime operators (domain com.quantlens), for the models QuantLens builds to
// measure others: MinMax (runtime/MinMaxOp.h) and FakeQuant (runtime/FakeQuantOp.h).
#pragma once

namespace Ort {
struct SessionOptions;
}

namespace ql {

inline constexpr const char* kQuantLensDomain = "com.quantlens";

// Makes the operators known to sessions created with these options.
void registerQuantLensOps(Ort::SessionOptions& options);

}  // namespace ql
