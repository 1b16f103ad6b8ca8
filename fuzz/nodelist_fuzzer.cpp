// libFuzzer target: the nodes_to_exclude parser on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "quantize/NodeList.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto names = ql::parseNodeList(std::string(reinterpret_cast<const char*>(data), size));
    if (names)
        (void)ql::parseNodeList(ql::toPythonList(*names));  // what we print must parse back
    return 0;
}
