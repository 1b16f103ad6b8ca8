// A one-line text progress bar on stderr (only when stderr is a terminal), for long commands.
#pragma once

#include "util/TaskControl.h"

namespace ql::cli {

TaskControl textProgress(const std::string& label);

}  // namespace ql::cli
