#include "project/Project.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/OnnxModel.h"
#include "quantize/QuantizationRecipe.h"
#include "util/AtomicFile.h"

namespace ql {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "quantlens-project";
// 2: calibration_images and preprocessing. Version 1 files open as they were: no calibration set,
// the model's default preprocessing.
constexpr int kVersion = 2;

fs::path projectFolder(const std::string& projectPath) {
    return fs::absolute(fs::path(projectPath)).parent_path();
}

std::string toStored(const std::string& path, const fs::path& folder) {
    if (path.empty())
        return {};
    return fs::proximate(fs::absolute(path), folder).generic_string();
}

std::string fromStored(const std::string& stored, const fs::path& folder) {
    if (stored.empty())
        return {};
    const fs::path p(stored);
    fs::path resolved = (p.is_absolute() ? p : (folder / p)).lexically_normal();
    if (!resolved.has_filename())  // "." for the project's own folder: no trailing slash
        resolved = resolved.parent_path();
    return resolved.string();
}

std::vector<std::string> storedList(const std::vector<std::string>& paths, const fs::path& folder) {
    std::vector<std::string> stored;
    for (const auto& p : paths)
        stored.push_back(toStored(p, folder));
    return stored;
}

}  // namespace

std::string preprocessingModeName(PreprocessingMode mode) {
    switch (mode) {
    case PreprocessingMode::ModelDefault:
        return "default";
    case PreprocessingMode::Automatic:
        return "auto";
    case PreprocessingMode::Custom:
        return "custom";
    }
    return "default";
}

Result<PreprocessingMode> parsePreprocessingMode(const std::string& text) {
    for (auto mode : {PreprocessingMode::ModelDefault, PreprocessingMode::Automatic, PreprocessingMode::Custom})
        if (text == preprocessingModeName(mode))
            return mode;
    return Error{"unknown preprocessing mode '" + text + "' (use default, auto or custom)"};
}

PreprocessOptions PreprocessingChoice::optionsFor(const OnnxModel& model) const {
    PreprocessOptions o = PreprocessOptions::forModel(model);
    if (mode != PreprocessingMode::Custom)
        return o;
    PreprocessOptions c = custom;
    c.width = o.width;
    c.height = o.height;
    return c;
}

std::string projectToJson(const Project& project, const std::string& projectPath) {
    const fs::path folder = projectFolder(projectPath);
    const nlohmann::json j = {
        {"format", kFormat},
        {"version", kVersion},
        {"fp32_model", toStored(project.fp32Model, folder)},
        {"quantized_model", toStored(project.quantizedModel, folder)},
        {"requantize_on_open", project.requantizeOnOpen},
        {"images", storedList(project.images, folder)},
        {"calibration_images", storedList(project.calibrationImages, folder)},
        {"quantization", project.quantizer.toJson()},
        {"calibration", calibrationToJson(project.calibration)},
        {"preprocessing", {{"mode", preprocessingModeName(project.preprocessing.mode)},
                           {"custom", project.preprocessing.custom.toJson()}}},
        {"detector_head", layoutName(project.detectorHead)},
        {"selected_node", project.selectedNode},
        {"runs", project.runs.toJson()},
        {"data_set", toStored(project.dataSet, folder)}};
    return j.dump(2) + "\n";
}

Result<Project> projectFromJson(const std::string& text, const std::string& projectPath) {
    auto project = catchErrors("project " + projectPath, [&]() -> Result<Project> {
        const auto j = nlohmann::json::parse(text);
        if (!j.is_object() || j.value("format", "") != kFormat)
            return Error{projectPath + " is not a QuantLens project"};
        if (j.value("version", 0) > kVersion)
            return Error{projectPath + " was written by a newer QuantLens (project version " +
                         std::to_string(j.value("version", 0)) + ")"};
        const fs::path folder = projectFolder(projectPath);
        Project p;
        p.fp32Model = fromStored(j.value("fp32_model", ""), folder);
        p.quantizedModel = fromStored(j.value("quantized_model", ""), folder);
        p.requantizeOnOpen = j.value("requantize_on_open", false);
        for (const auto& i : j.value("images", std::vector<std::string>{}))
            p.images.push_back(fromStored(i, folder));
        if (j.contains("quantization")) {
            auto settings = QuantizerSettings::fromJson(j.at("quantization"));
            if (!settings)
                return settings.error();
            p.quantizer = std::move(settings).value();
        }
        for (const auto& i : j.value("calibration_images", std::vector<std::string>{}))
            p.calibrationImages.push_back(fromStored(i, folder));
        if (j.contains("calibration")) {
            auto c = calibrationFromJson(j.at("calibration"));
            if (!c)
                return c.error();
            p.calibration = std::move(c).value();
        }
        if (j.contains("preprocessing")) {
            const auto& pre = j.at("preprocessing");
            auto mode = parsePreprocessingMode(pre.value("mode", "default"));
            if (!mode)
                return mode.error();
            p.preprocessing.mode = *mode;
            if (pre.contains("custom")) {
                auto custom = PreprocessOptions::fromJson(pre.at("custom"));
                if (!custom)
                    return custom.error();
                p.preprocessing.custom = *custom;
            }
        }
        auto head = parseLayout(j.value("detector_head", "auto"));
        if (!head)
            return Error{projectPath + ": detector_head: " + head.errorMessage()};
        p.detectorHead = *head;
        p.selectedNode = j.value("selected_node", "");
        p.dataSet = fromStored(j.value("data_set", ""), folder);
        if (j.contains("runs")) {  // projects before runs have none
            auto runs = RunHistory::fromJson(j.at("runs"));
            if (!runs)
                return Error{projectPath + ": " + runs.errorMessage()};
            p.runs = std::move(runs).value();
        }
        return p;
    });
    if (!project && project.errorMessage().find(projectPath) == std::string::npos)
        return Error{"project " + projectPath + ": " + project.errorMessage()};  // every message names the file
    return project;
}

Status saveProject(const Project& project, const std::string& path) {
    const std::vector<std::string> inputs = {project.fp32Model, project.quantizedModel};
    return writeFileAtomically(path, projectToJson(project, path), inputs);
}

Result<Project> loadProject(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error{"cannot open project " + path};
    std::ostringstream text;
    text << in.rdbuf();
    return projectFromJson(text.str(), path);
}

}  // namespace ql
