// A QuantLens session saved to a file (.qlproj, JSON): the two models, the comparison images, the
// calibration set, the quantization and calibration settings, the image preprocessing, the
// exclusions, what was selected, the labelled data set and the runs. Paths are stored relative to
// the project file so a project folder can be moved or shared whole.
#pragma once

#include <string>
#include <vector>

#include "project/RunHistory.h"
#include "quantize/Calibrator.h"
#include "detect/YoloDecoder.h"
#include "quantize/QuantizerSettings.h"
#include "util/Result.h"

namespace ql {

class OnnxModel;

// How a session prepares images: the FP32 model's default convention (letterbox, RGB, 0-1), the
// one chosen automatically on the comparison images (detect/PreprocessSearch.h), or one given.
enum class PreprocessingMode { ModelDefault, Automatic, Custom };
std::string preprocessingModeName(PreprocessingMode mode);  // "default", "auto", "custom"
Result<PreprocessingMode> parsePreprocessingMode(const std::string& text);

struct PreprocessingChoice {
    PreprocessingMode mode = PreprocessingMode::ModelDefault;
    // With Custom: resize, channel order, scale, mean/std and padding; the input size always
    // comes from the model. Kept while another mode is chosen, to come back to.
    PreprocessOptions custom;

    // The options for `model`: the model's default, or with Custom its input size and the custom
    // convention. Automatic gives the default too: the search's result is the caller's.
    PreprocessOptions optionsFor(const OnnxModel& model) const;
    bool operator==(const PreprocessingChoice& o) const { return mode == o.mode && custom == o.custom; }
    bool operator!=(const PreprocessingChoice& o) const { return !(*this == o); }
};

struct Project {
    std::string fp32Model;           // absolute paths; empty when that slot was empty
    std::string quantizedModel;
    bool requantizeOnOpen = false;   // the quantized model was made in the app and never saved
    std::vector<std::string> images; // comparison images: files and folders
    std::vector<std::string> calibrationImages;  // files and folders; empty: the comparison images calibrate
    QuantizerSettings quantizer;     // nodesToExclude holds the exclusions
    CalibrationOptions calibration;  // method and its parameters; its preprocess is not stored (see below)
    PreprocessingChoice preprocessing;
    YoloLayout detectorHead = YoloLayout::Auto;  // how outputs are read as detections ("detector_head", optional)
    std::string selectedNode;        // FP32 node name
    RunHistory runs;                 // the quantized models of the session and their figures
    std::string dataSet;             // labelled images (folder or YOLO YAML) each run is scored on; may be empty
};

std::string projectToJson(const Project& project, const std::string& projectPath);
Result<Project> projectFromJson(const std::string& text, const std::string& projectPath);

Status saveProject(const Project& project, const std::string& path);
Result<Project> loadProject(const std::string& path);

}  // namespace ql
