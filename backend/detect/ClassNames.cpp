#include "detect/ClassNames.h"

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "model/ModelMetadata.h"

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

Result<std::vector<std::string>> loadClassNames(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return Error{"cannot open class names file " + path};
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    const bool yaml = path.size() > 5 && (path.rfind(".yaml") == path.size() - 5 || path.rfind(".yml") == path.size() - 4);
    if (!yaml) {
        std::vector<std::string> names;
        std::string line;
        std::istringstream lines(text);
        while (std::getline(lines, line)) {
            line.erase(line.find_last_not_of(" \t\r") + 1);
            if (!line.empty())
                names.push_back(line);
        }
        if (names.empty())
            return Error{path + " has no class names"};
        return names;
    }
    // The `names:` block: "  0: person" lines, or "- person" lines, or an inline [a, b] list.
    const auto at = text.find("names:");
    if (at == std::string::npos)
        return Error{path + " has no 'names:' entry"};
    std::istringstream rest(text.substr(at + 6));
    std::string first;
    std::getline(rest, first);
    std::vector<std::string> names;
    static const std::regex inlineItem(R"(['"]?([^,'"\[\]]+?)['"]?\s*(?:,|\]))");
    if (first.find('[') != std::string::npos) {
        for (auto it = std::sregex_iterator(first.begin(), first.end(), inlineItem); it != std::sregex_iterator(); ++it)
            names.push_back((*it)[1].str());
    } else if (first.find('{') != std::string::npos) {
        names = parseClassNames(first);
    } else {
        static const std::regex mapItem(R"(^\s+(\d+)\s*:\s*['"]?(.*?)['"]?\s*$)");
        static const std::regex listItem(R"(^\s*-\s*['"]?(.*?)['"]?\s*$)");
        std::string line;
        std::map<int, std::string> byId;
        while (std::getline(rest, line)) {
            std::smatch m;
            if (std::regex_match(line, m, mapItem))
                byId[std::stoi(m[1].str())] = m[2].str();
            else if (std::regex_match(line, m, listItem))
                byId[static_cast<int>(byId.size())] = m[1].str();
            else if (!line.empty() && line.find_first_not_of(" \t\r") != std::string::npos)
                break;  // the next top-level key
        }
        for (const auto& [id, name] : byId) {
            if (id >= static_cast<int>(names.size()))
                names.resize(static_cast<size_t>(id) + 1);
            names[static_cast<size_t>(id)] = name;
        }
    }
    if (names.empty())
        return Error{path + ": 'names:' lists no classes"};
    return names;
}

std::string className(const std::vector<std::string>& names, int classId) {
    if (classId >= 0 && classId < static_cast<int>(names.size()) && !names[static_cast<size_t>(classId)].empty())
        return names[static_cast<size_t>(classId)];
    return "class " + std::to_string(classId);
}

}  // namespace ql
