// A large zero-filled buffer backed by transparent huge pages where the kernel offers them.
// Capture sessions write hundreds of megabytes of tensors per run; in 4 KiB pages the first
// touch of each page costs a fault (seconds per session on a virtual machine) and every later
// pass over them TLB misses, with 2 MiB pages both nearly vanish.
#pragma once

#include <cstddef>

namespace ql {

class PageBuffer {
public:
    explicit PageBuffer(size_t bytes);  // throws std::bad_alloc when the memory cannot be had
    PageBuffer(const PageBuffer&) = delete;
    PageBuffer& operator=(const PageBuffer&) = delete;
    ~PageBuffer();

    char* data() const { return data_; }
    size_t size() const { return size_; }

private:
    char* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace ql
