#include "util/PageBuffer.h"

#include <new>

#include <sys/mman.h>

namespace ql {

PageBuffer::PageBuffer(size_t bytes) : size_(bytes) {
    if (bytes == 0)
        return;
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        throw std::bad_alloc();
    // Advice only: where transparent huge pages are off this fails and 4 KiB pages serve.
    (void)madvise(p, bytes, MADV_HUGEPAGE);
    data_ = static_cast<char*>(p);
}

PageBuffer::~PageBuffer() {
    if (data_)
        munmap(data_, size_);
}

}  // namespace ql
