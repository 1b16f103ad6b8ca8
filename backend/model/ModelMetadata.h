// What a model's metadata_props tell about it: Ultralytics exports store class names, input size,
// stride and task there. Used for preprocessing and decoding defaults.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ql {

struct ModelMetadata {
    std::vector<std::string> classNames;  // index = class id; empty when the model names none
    std::optional<int> inputHeight;
    std::optional<int> inputWidth;
    std::optional<int> stride;
    std::string task;                     // "detect", "segment", ... when stated
    std::string author;
    std::string version;

    static ModelMetadata fromProps(const std::map<std::string, std::string>& props);
};

// Parses a Python dict literal of class names: "{0: 'person', 1: 'bicycle'}".
std::vector<std::string> parseClassNames(const std::string& text);

}  // namespace ql
