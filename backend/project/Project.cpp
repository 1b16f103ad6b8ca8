#include "project/Project.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/AtomicFile.h"

namespace ql {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "quantlens-project";
constexpr int kVersion = 1;

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

}  // namespace

std::string projectToJson(const Project& project, const std::string& projectPath) {
    const fs::path folder = projectFolder(projectPath);
    nlohmann::json images = nlohmann::json::array();
    for (const auto& i : project.images)
        images.push_back(toStored(i, folder));
    const CalibrationOptions& c = project.calibration;
    const nlohmann::json j = {
        {"format", kFormat},
        {"version", kVersion},
        {"fp32_model", toStored(project.fp32Model, folder)},
        {"quantized_model", toStored(project.quantizedModel, folder)},
        {"requantize_on_open", project.requantizeOnOpen},
        {"images", images},
        {"quantization", project.quantizer.toJson()},
        {"calibration", {{"method", methodName(c.method)},
                         {"moving_average", c.movingAverage},
                         {"averaging_constant", c.averagingConstant},
                         {"percentile", c.percentile},
                         {"symmetric", c.symmetric}}},
        {"selected_node", project.selectedNode},
        {"runs", project.runs.toJson()},
        {"data_set", toStored(project.dataSet, folder)}};
    return j.dump(2) + "\n";
}

Result<Project> projectFromJson(const std::string& text, const std::string& projectPath) {
    return catchErrors("project " + projectPath, [&]() -> Result<Project> {
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
        if (j.contains("calibration")) {
            const auto& c = j.at("calibration");
            auto method = parseMethod(c.value("method", "minmax"));
            if (!method)
                return method.error();
            p.calibration.method = *method;
            p.calibration.movingAverage = c.value("moving_average", false);
            p.calibration.averagingConstant = c.value("averaging_constant", 0.01);
            p.calibration.percentile = c.value("percentile", 99.999);
            p.calibration.symmetric = c.value("symmetric", false);
        }
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
