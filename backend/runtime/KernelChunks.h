// How QuantLens' operators use ONNX Runtime's intra-op threads, which sit idle while a custom
// kernel runs: a big tensor is cut into chunks handed to them; a small one is not worth it.
#pragma once

#include <algorithm>
#include <cstddef>

#include <onnxruntime_cxx_api.h>

namespace ql {

constexpr size_t kKernelChunk = 1 << 16;

// 1 for a tensor handled in one piece on the kernel's own thread.
inline size_t kernelChunkCount(size_t count) {
    return count < 4 * kKernelChunk ? 1 : (count + kKernelChunk - 1) / kKernelChunk;
}

// Calls chunk(index, begin, size) for each of kernelChunkCount(count) chunks, spread over ONNX
// Runtime's threads. Kernels handle a one-chunk tensor directly, without the hand-off.
template <class Chunk>
void forEachKernelChunk(Ort::KernelContext& ctx, size_t count, Chunk&& chunk) {
    const size_t chunks = kernelChunkCount(count);
    auto run = [&](size_t c) { chunk(c, c * kKernelChunk, std::min(kKernelChunk, count - c * kKernelChunk)); };
    ctx.ParallelFor([](void* self, size_t c) { (*static_cast<decltype(run)*>(self))(c); }, chunks, 0, &run);
}

}  // namespace ql
