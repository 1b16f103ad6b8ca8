// A QuantLens session saved to a file (.qlproj, JSON): the two models, the images, the
// quantization and calibration settings, the exclusions, what was selected and the runs. Paths are stored
// relative to the project file so a project folder can be moved or shared whole.
#pragma once

#include <string>
#include <vector>

#include "project/RunHistory.h"
#include "quantize/Calibrator.h"
#include "quantize/QuantizerSettings.h"
#include "util/Result.h"

namespace ql {

struct Project {
    std::string fp32Model;           // absolute paths; empty when that slot was empty
    std::string quantizedModel;
    bool requantizeOnOpen = false;   // the quantized model was made in the app and never saved
    std::vector<std::string> images; // files and folders
    QuantizerSettings quantizer;     // nodesToExclude holds the exclusions
    CalibrationOptions calibration;  // method and its parameters; preprocessing follows the model
    std::string selectedNode;        // FP32 node name
    RunHistory runs;                 // the quantized models of the session and their figures
    std::string dataSet;             // labelled images (folder or YOLO YAML) each run is scored on; may be empty
};

std::string projectToJson(const Project& project, const std::string& projectPath);
Result<Project> projectFromJson(const std::string& text, const std::string& projectPath);

Status saveProject(const Project& project, const std::string& path);
Result<Project> loadProject(const std::string& path);

}  // namespace ql
