// Writes files so that a user's data is never lost: the bytes go to a temporary file beside the
// target, which replaces the target only once complete. A failed write leaves the old file intact.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/Result.h"

namespace ql {

// Refuses to write over any of `protectedInputs` (compared after resolving links and "..").
Status writeFileAtomically(const std::string& path, std::string_view bytes,
                           const std::vector<std::string>& protectedInputs = {});

bool samePath(const std::string& a, const std::string& b);

}  // namespace ql
