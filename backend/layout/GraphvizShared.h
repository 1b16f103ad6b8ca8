// Graphviz's process-wide state, shared by every layout: one context, and one lock (Graphviz keeps
// global state, so one layout runs at a time).
#pragma once

#include <mutex>

struct GVC_s;

namespace ql::detail {

std::mutex& graphvizMutex();
// One context for the process: freeing and recreating it leaves Graphviz's text plugin with a
// dangling cached font name (a use-after-free AddressSanitizer caught).
GVC_s* graphvizContext();

}  // namespace ql::detail
