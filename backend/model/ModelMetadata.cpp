#include "model/ModelMetadata.h"

#include <regex>

namespace ql {

std::vector<std::string> parseClassNames(const std::string& text) {
    static const std::regex entry(R"((\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"))");
    std::map<int, std::string> byId;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), entry); it != std::sregex_iterator(); ++it) {
        const auto& m = *it;
        const long id = std::stol(m[1].str());
        if (id < 0 || id > 100000)
            continue;
        byId[static_cast<int>(id)] = m[2].matched ? m[2].str() : m[3].str();
    }
    std::vector<std::string> names;
    if (byId.empty())
        return names;
    names.resize(static_cast<size_t>(byId.rbegin()->first) + 1);
    for (size_t i = 0; i < names.size(); ++i)
        names[i] = "class" + std::to_string(i);
    for (const auto& [id, name] : byId)
        names[static_cast<size_t>(id)] = name;
    return names;
}

ModelMetadata ModelMetadata::fromProps(const std::map<std::string, std::string>& props) {
    ModelMetadata md;
    auto get = [&](const char* key) -> std::string {
        auto it = props.find(key);
        return it == props.end() ? std::string() : it->second;
    };
    md.classNames = parseClassNames(get("names"));
    static const std::regex number(R"(\d+)");
    const std::string imgsz = get("imgsz");
    std::vector<int> sizes;
    for (auto it = std::sregex_iterator(imgsz.begin(), imgsz.end(), number); it != std::sregex_iterator(); ++it)
        sizes.push_back(std::stoi(it->str()));
    if (sizes.size() == 1)
        sizes.push_back(sizes[0]);
    if (sizes.size() >= 2 && sizes[0] > 0 && sizes[1] > 0 && sizes[0] < 100000 && sizes[1] < 100000) {
        md.inputHeight = sizes[0];
        md.inputWidth = sizes[1];
    }
    const std::string stride = get("stride");
    std::smatch m;
    if (std::regex_search(stride, m, number) && m.str().size() < 6)
        md.stride = std::stoi(m.str());
    md.task = get("task");
    md.author = get("author");
    md.version = get("version");
    return md;
}

}  // namespace ql
