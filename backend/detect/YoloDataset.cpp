#include "detect/YoloDataset.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "detect/ClassNames.h"
#include "preprocess/ImagePreprocessor.h"

namespace fs = std::filesystem;

namespace ql {
namespace {

std::string trimmed(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// A .txt list of images, one path a line, as Ultralytics reads it: "./x.jpg" is relative to the
// list's folder. Other relative lines are looked for there too, then under the data set's `path`
// (Ultralytics' own lists sit in `path`, so both agree there).
Result<std::vector<std::string>> readImageList(const fs::path& list, const fs::path& base) {
    std::ifstream in(list);
    if (!in)
        return Error{"cannot read image list " + list.string()};
    const fs::path listDir = list.parent_path();
    std::vector<std::string> images;
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        std::string entry = trimmed(line);
        if (entry.empty())
            continue;
        if (entry.rfind("./", 0) == 0)
            entry = entry.substr(2);
        const fs::path p(entry);
        std::error_code ec;
        fs::path found;
        if (p.is_absolute())
            found = p;
        else if (fs::is_regular_file(listDir / p, ec))
            found = listDir / p;
        else if (fs::is_regular_file(base / p, ec))
            found = base / p;
        if (found.empty() || !fs::is_regular_file(found, ec))
            return Error{list.string() + ":" + std::to_string(lineNo) + ": image " + entry + " does not exist" +
                         (p.is_absolute() ? std::string() : " (looked in " + listDir.string() + " and " + base.string() + ")")};
        images.push_back(found.lexically_normal().string());
    }
    if (images.empty())
        return Error{"image list " + list.string() + " names no images"};
    return images;
}

// The images an Ultralytics data YAML points at: `path` (absolute, or relative to the YAML's
// folder), then `val` (else `test`, else `train`) as a folder, a .txt list or a YAML list of those.
Result<std::vector<std::string>> imagesFromYaml(const std::string& yamlPath, YoloDataset& ds) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(yamlPath);
    } catch (const YAML::Exception& e) {
        return Error{yamlPath + " is not valid YAML: " + e.what()};
    }
    if (!root.IsMap())
        return Error{yamlPath + " is not a data YAML (expected keys such as path, val and names)"};
    const fs::path yamlDir = fs::path(yamlPath).parent_path().empty() ? fs::path(".") : fs::path(yamlPath).parent_path();
    fs::path base = yamlDir;
    std::error_code ec;
    if (const YAML::Node path = root["path"]; path && !path.IsNull()) {
        if (!path.IsScalar())
            return Error{yamlPath + ": 'path:' is not a folder name"};
        const fs::path given(path.as<std::string>());
        const fs::path resolved = (given.is_absolute() ? given : yamlDir / given).lexically_normal();
        if (fs::is_directory(resolved, ec))
            base = resolved;
        else  // a data YAML copied from another machine (coco128.yaml names a Windows folder)
            ds.warnings.push_back(yamlPath + ": path '" + given.string() +
                                  "' is not a folder here; image paths are taken relative to the YAML's folder");
    }
    std::string key;
    YAML::Node split;
    for (const char* k : {"val", "test", "train"}) {
        if (const YAML::Node n = root[k]; n && !n.IsNull()) {
            key = k;
            split = n;
            break;
        }
    }
    if (key.empty())
        return Error{yamlPath + " names no images: it has no 'val:', 'test:' or 'train:' entry"};
    std::vector<std::string> entries;
    try {
        if (split.IsScalar()) {
            entries.push_back(split.as<std::string>());
        } else if (split.IsSequence()) {
            for (const auto& n : split) {
                if (!n.IsScalar())
                    return Error{yamlPath + ": '" + key + ":' lists something that is not a folder or file name"};
                entries.push_back(n.as<std::string>());
            }
        } else {
            return Error{yamlPath + ": '" + key + ":' is neither a folder, a .txt list of images nor a list of those"};
        }
    } catch (const YAML::Exception& e) {
        return Error{yamlPath + ": '" + key + ":' cannot be read: " + e.what()};
    }
    std::vector<std::string> images;
    for (const auto& entry : entries) {
        const fs::path given(entry);
        const fs::path p = (given.is_absolute() ? given : base / given).lexically_normal();
        Result<std::vector<std::string>> found = Error{""};
        if (fs::is_directory(p, ec)) {
            found = collectImages({p.string()});
        } else if (fs::is_regular_file(p, ec)) {
            std::string ext = p.extension().string();
            std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (ext != ".txt")
                return Error{yamlPath + ": " + key + " '" + entry + "' is neither a folder nor a .txt list of images"};
            found = readImageList(p, base);
        } else {
            return Error{yamlPath + ": " + key + " '" + entry + "': " + p.string() + " does not exist"};
        }
        if (!found)
            return Error{yamlPath + ": " + found.errorMessage()};
        images.insert(images.end(), found->begin(), found->end());
    }
    std::sort(images.begin(), images.end());  // Ultralytics sorts its image files too
    if (const YAML::Node names = root["names"]; names && !names.IsNull()) {
        auto classNames = classNamesFromYaml(names, yamlPath);
        if (!classNames)
            return classNames.error();
        ds.classNames = std::move(classNames).value();
    }
    return images;
}

}  // namespace

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
        return Error{"cannot read label file " + labelPath};
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        const auto where = [&] { return labelPath + ":" + std::to_string(lineNo) + ": "; };
        std::istringstream s(line);
        double id = -1;
        std::vector<float> v;
        float x = 0;
        s >> id;
        while (s >> x)
            v.push_back(x);
        if (!s.eof() || id < 0 || id != static_cast<int>(id) || (v.size() != 4 && (v.size() < 6 || v.size() % 2)))
            return Error{where() + "expected 'class cx cy w h' (or 'class x1 y1 x2 y2 ...' for a polygon)"};
        for (const float c : v)
            if (!(c >= 0.0f && c <= 1.0f))  // Ultralytics drops such files as corrupt
                return Error{where() + "coordinates must be normalised to 0..1"};
        YoloLabel l;
        l.classId = static_cast<int>(id);
        if (v.size() == 4) {
            l.cx = v[0], l.cy = v[1], l.w = v[2], l.h = v[3];
        } else {  // a segment: its bounding box, as Ultralytics' segments2boxes
            float x1 = 1, y1 = 1, x2 = 0, y2 = 0;
            for (size_t i = 0; i < v.size(); i += 2) {
                x1 = std::min(x1, v[i]), x2 = std::max(x2, v[i]);
                y1 = std::min(y1, v[i + 1]), y2 = std::max(y2, v[i + 1]);
            }
            l.cx = (x1 + x2) / 2, l.cy = (y1 + y2) / 2, l.w = x2 - x1, l.h = y2 - y1;
        }
        labels.push_back(l);
    }
    return labels;
}

Result<YoloDataset> YoloDataset::load(const std::string& folderOrYaml) {
    std::error_code ec;
    if (!fs::exists(folderOrYaml, ec))
        return Error{"dataset " + folderOrYaml + " does not exist"};
    YoloDataset ds;
    ds.source = folderOrYaml;
    Result<std::vector<std::string>> images = std::vector<std::string>{};
    if (fs::is_directory(folderOrYaml, ec)) {
        const fs::path root(folderOrYaml);
        images = collectImages({(fs::is_directory(root / "images", ec) ? root / "images" : root).string()});
    } else {
        images = imagesFromYaml(folderOrYaml, ds);
    }
    if (!images)
        return images.error();
    if (images->empty())
        return Error{"dataset " + folderOrYaml + " has no images"};
    std::string missingExample;
    size_t objects = 0;
    for (const auto& image : *images) {
        LabeledImage item{image, {}, false};
        const std::string labelPath = labelPathFor(image);
        if (fs::is_regular_file(labelPath, ec)) {
            auto labels = readLabels(labelPath);
            if (!labels)
                return labels.error();
            item.labels = std::move(labels).value();
            item.hasLabelFile = true;
            objects += item.labels.size();
        } else {
            ++ds.imagesWithoutLabels;
            if (missingExample.empty())
                missingExample = labelPath;
        }
        ds.images.push_back(std::move(item));
    }
    const std::string count = std::to_string(ds.images.size());
    if (ds.imagesWithoutLabels == ds.images.size())
        return Error{"dataset " + folderOrYaml + ": none of its " + count + " images has a label file (looked for " +
                     missingExample + " and the like: labels/ beside images/, one .txt per image)"};
    if (objects == 0)
        return Error{"dataset " + folderOrYaml + ": its label files list no objects, so there is nothing to score"};
    if (ds.imagesWithoutLabels)
        ds.warnings.push_back("dataset " + folderOrYaml + ": " + std::to_string(ds.imagesWithoutLabels) + " of " + count +
                              " images have no label file (e.g. " + missingExample +
                              "); they are scored as images without objects");
    return ds;
}

}  // namespace ql
