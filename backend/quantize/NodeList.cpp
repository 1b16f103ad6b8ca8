#include "quantize/NodeList.h"

#include <algorithm>
#include <sstream>

namespace ql {
namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

Result<std::vector<std::string>> parseListLiteral(const std::string& text) {
    std::vector<std::string> names;
    size_t i = text.find('[') + 1;
    bool expectValue = true;  // after '[' or ','
    while (i < text.size()) {
        const char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == ']') {
            if (trim(text.substr(i + 1)).empty())
                return names;
            return Error{"unexpected text after ']': " + trim(text.substr(i + 1)).substr(0, 40)};
        } else if (c == ',') {
            if (expectValue)
                return Error{"empty entry before ',' at position " + std::to_string(i)};
            expectValue = true;
            ++i;
        } else if (c == '\'' || c == '"') {
            std::string value;
            size_t j = i + 1;
            for (; j < text.size() && text[j] != c; ++j) {
                if (text[j] == '\\' && j + 1 < text.size())
                    ++j;
                value += text[j];
            }
            if (j >= text.size())
                return Error{"unterminated string starting " + text.substr(i, 40)};
            if (!expectValue)
                return Error{"missing comma between '" + names.back() + "' and '" + value + "': Python would join them into '" +
                             names.back() + value + "'"};
            names.push_back(value);
            expectValue = false;
            i = j + 1;
        } else if (c == '#') {  // a Python comment runs to the end of the line
            while (i < text.size() && text[i] != '\n')
                ++i;
        } else {
            return Error{std::string("unexpected '") + c + "' in the list; names must be quoted"};
        }
    }
    return Error{"the list has no closing ']'"};
}

}  // namespace

Result<std::vector<std::string>> parseNodeList(const std::string& text) {
    std::string t = trim(text);
    // "nodes_to_exclude = [...]" pasted from a script.
    const auto eq = t.find('=');
    const auto bracket = t.find('[');
    if (eq != std::string::npos && bracket != std::string::npos && eq < bracket)
        t = trim(t.substr(eq + 1));
    if (!t.empty() && t.front() == '[')
        return parseListLiteral(t);
    std::vector<std::string> names;
    std::istringstream lines(t);
    std::string line;
    while (std::getline(lines, line)) {
        line = trim(line);
        if (line.empty() || line[0] == '#')
            continue;
        names.push_back(line);
    }
    return names;
}

std::vector<std::string> nearestNames(const std::vector<std::string>& candidates, const std::string& name, size_t count) {
    std::vector<std::pair<size_t, std::string>> scored;
    for (const auto& c : candidates)
        scored.emplace_back(editDistance(c, name), c);
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> best;
    for (size_t i = 0; i < scored.size() && i < count; ++i)
        best.push_back(scored[i].second);
    return best;
}

Status validateNodeNames(const Graph& graph, const std::vector<std::string>& names, const std::string& listName) {
    std::string problems;
    const std::vector<std::string> all = graph.nodeNames();
    for (const auto& n : names) {
        if (graph.findNode(n) >= 0)
            continue;
        problems += "\n  '" + n + "' is not a node of the model; nearest: ";
        const auto near = nearestNames(all, n, 3);
        for (size_t i = 0; i < near.size(); ++i)
            problems += (i ? ", '" : "'") + near[i] + "'";
    }
    if (problems.empty())
        return Ok{};
    return Error{listName + " names unknown nodes:" + problems};
}

std::string toPythonList(const std::vector<std::string>& names) {
    std::string out = "[";
    for (size_t i = 0; i < names.size(); ++i) {
        std::string escaped;
        for (const char c : names[i]) {
            if (c == '\'' || c == '\\')
                escaped += '\\';
            escaped += c;
        }
        out += (i ? ", '" : "'") + escaped + "'";
    }
    return out + "]";
}

}  // namespace ql
