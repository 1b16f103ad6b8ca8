// Class names for detections: from the model's metadata, a YAML or text file, or COCO's 80.
#pragma once

#include <string>
#include <vector>

#include "util/Result.h"

namespace YAML {
class Node;
}

namespace ql {

const std::vector<std::string>& cocoClassNames();

// A data YAML (`names:` as a list or an id: name map) or a text file with one name per line.
Result<std::vector<std::string>> loadClassNames(const std::string& path);
// The `names:` node of a data YAML read by yaml-cpp; `source` names the file in errors.
Result<std::vector<std::string>> classNamesFromYaml(const YAML::Node& names, const std::string& source);

std::string className(const std::vector<std::string>& names, int classId);

}  // namespace ql
