#include "detect/ClassNames.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>

#include <yaml-cpp/yaml.h>

namespace ql {

const std::vector<std::string>& cocoClassNames() {
    static const std::vector<std::string> names = {
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
        "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
        "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
        "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
        "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
        "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
        "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear",
        "hair drier", "toothbrush"};
    return names;
}

namespace {

bool isYamlPath(const std::string& path) {
    const auto dot = path.rfind('.');
    if (dot == std::string::npos)
        return false;
    std::string ext = path.substr(dot);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".yaml" || ext == ".yml";
}

}  // namespace

Result<std::vector<std::string>> classNamesFromYaml(const YAML::Node& names, const std::string& source) {
    std::vector<std::string> result;
    try {
        if (names.IsSequence()) {  // names: [person, bicycle] or "- person" lines
            for (const auto& n : names) {
                if (!n.IsScalar())
                    return Error{source + ": 'names:' list entry " + std::to_string(result.size()) + " is not a name"};
                result.push_back(n.as<std::string>());
            }
        } else if (names.IsMap()) {  // names: {0: person, 1: bicycle} or "  0: person" lines
            std::map<int, std::string> byId;
            for (const auto& entry : names) {
                const std::string key = entry.first.as<std::string>();
                size_t used = 0;
                int id = -1;
                try {
                    id = std::stoi(key, &used);
                } catch (const std::exception&) {
                }
                if (id < 0 || used != key.size() || id > 100000)
                    return Error{source + ": 'names:' key '" + key + "' is not a class id (0, 1, ...)"};
                if (!entry.second.IsScalar())
                    return Error{source + ": 'names:' entry " + key + " is not a name"};
                if (!byId.emplace(id, entry.second.as<std::string>()).second)
                    return Error{source + ": 'names:' lists class " + key + " twice"};
            }
            for (const auto& [id, name] : byId) {
                if (id >= static_cast<int>(result.size()))
                    result.resize(static_cast<size_t>(id) + 1);  // gaps stay unnamed: "class N"
                result[static_cast<size_t>(id)] = name;
            }
        } else {
            return Error{source + ": 'names:' is neither a list nor an id: name map"};
        }
    } catch (const YAML::Exception& e) {
        return Error{source + ": 'names:' cannot be read: " + e.what()};
    }
    if (result.empty())
        return Error{source + ": 'names:' lists no classes"};
    return result;
}

Result<std::vector<std::string>> loadClassNames(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return Error{"cannot open class names file " + path};
    if (isYamlPath(path)) {
        YAML::Node root;
        try {
            root = YAML::LoadFile(path);
        } catch (const YAML::Exception& e) {
            return Error{path + " is not valid YAML: " + e.what()};
        }
        if (!root.IsMap() || !root["names"])
            return Error{path + " has no 'names:' entry"};
        return classNamesFromYaml(root["names"], path);
    }
    std::vector<std::string> names;
    std::string line;
    while (std::getline(in, line)) {
        line.erase(line.find_last_not_of(" \t\r") + 1);
        if (!line.empty())
            names.push_back(line);
    }
    if (names.empty())
        return Error{path + " has no class names"};
    return names;
}

std::string className(const std::vector<std::string>& names, int classId) {
    if (classId >= 0 && classId < static_cast<int>(names.size()) && !names[static_cast<size_t>(classId)].empty())
        return names[static_cast<size_t>(classId)];
    return "class " + std::to_string(classId);
}

}  // namespace ql
