// A study read back from the JSON `quantlens-cli study --format json` writes (studyJson), for
// `report --study FILE`: the rows and figures as written, so the report's table and Pareto plot
// are the study's own. Kept apart from Study.h so that readers of the study need nothing else.
#pragma once

#include <string>

#include "study/Study.h"

namespace ql {

// `source` names the file in errors ("FILE is not a study's JSON: ...").
Result<StudyResult> studyFromJson(const std::string& text, const std::string& source);

}  // namespace ql
