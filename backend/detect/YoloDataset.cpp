#include "detect/YoloDataset.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "detect/ClassNames.h"
#include "preprocess/ImagePreprocessor.h"

namespace fs = std::filesystem;

namespace ql {

Detection YoloLabel::toDetection(int width, int height) const {
    const float W = static_cast<float>(width), H = static_cast<float>(height);
    return {{(cx - w / 2) * W, (cy - h / 2) * H, (cx + w / 2) * W, (cy + h / 2) * H}, classId, 1.0f};
}

std::string labelPathFor(const std::string& imagePath) {
    std::string p = imagePath;
    const std::string key = "/images/";
    const auto at = p.rfind(key);
    if (at != std::string::npos)
        p.replace(at, key.size(), "/labels/");
    return fs::path(p).replace_extension(".txt").string();
}

Result<std::vector<YoloLabel>> readLabels(const std::string& labelPath) {
    std::vector<YoloLabel> labels;
    std::ifstream in(labelPath);
    if (!in)
        return labels;  // no label file: no objects, as in YOLO datasets
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        std::istringstream s(line);
        YoloLabel l;
        if (!(s >> l.classId >> l.cx >> l.cy >> l.w >> l.h) || l.classId < 0)
            return Error{labelPath + ":" + std::to_string(lineNo) + ": expected 'class cx cy w h'"};
        labels.push_back(l);
    }
    return labels;
}

Result<YoloDataset> YoloDataset::load(const std::string& folderOrYaml) {
    std::error_code ec;
    if (!fs::exists(folderOrYaml, ec))
        return Error{"dataset " + folderOrYaml + " does not exist"};
    YoloDataset ds;
    fs::path imagesDir;
    if (fs::is_directory(folderOrYaml, ec)) {
        const fs::path root(folderOrYaml);
        imagesDir = fs::is_directory(root / "images") ? root / "images" : root;
    } else {
        std::ifstream in(folderOrYaml);
        std::stringstream text;
        text << in.rdbuf();
        const std::string yaml = text.str();
        auto value = [&](const char* key) {
            const std::regex re(std::string("(^|\\n)") + key + R"(:\s*['"]?([^'"\n#]*?)['"]?\s*(#[^\n]*)?(\n|$))");
            std::smatch m;
            return std::regex_search(yaml, m, re) ? m[2].str() : std::string();
        };
        const fs::path yamlDir = fs::path(folderOrYaml).parent_path();
        fs::path base = value("path");
        // A `path:` that does not exist here (another machine's) falls back to the YAML's folder.
        if (base.empty() || !fs::is_directory(base.is_absolute() ? base : yamlDir / base))
            base = yamlDir;
        else if (!base.is_absolute())
            base = yamlDir / base;
        std::string split = value("val");
        if (split.empty())
            split = value("train");
        if (split.empty())
            return Error{folderOrYaml + " names no 'val:' or 'train:' images"};
        imagesDir = base / split;
        auto names = loadClassNames(folderOrYaml);
        if (names)
            ds.classNames = std::move(names).value();
    }
    if (!fs::is_directory(imagesDir, ec))
        return Error{"image folder " + imagesDir.string() + " does not exist"};
    auto images = collectImages({imagesDir.string()});
    if (!images)
        return images.error();
    for (const auto& image : *images) {
        auto labels = readLabels(labelPathFor(image));
        if (!labels)
            return labels.error();
        ds.images.push_back({image, std::move(labels).value()});
    }
    return ds;
}

}  // namespace ql
