// The demo a fresh clone can open with no other files: YOLOv8n FP32 and two photos bundled in
// resources/demo, and its INT8 version made by QuantLens' own quantizer on first use and kept in
// the cache folder, so the app shows a real FP32 | INT8 pair before the user brings a model.
#pragma once

#include <string>
#include <vector>

#include "util/Result.h"
#include "util/TaskControl.h"

namespace ql {

struct DemoFiles {
    std::string fp32;
    std::string quantized;
    std::vector<std::string> images;
    std::vector<std::string> excluded;  // nodes_to_exclude the INT8 model was made with
};

// $QUANTLENS_DEMO_DIR, else the installed demo beside this program (installedDemoDirectory), else
// the source tree's resources/demo the build was configured with.
std::string demoDirectory();

// The demo folder of an installed QuantLens whose program is `executable`: <prefix>/bin/quantlens
// looks in <prefix>/share/quantlens/demo. Empty when that folder has no yolov8n_fp32.onnx.
std::string installedDemoDirectory(const std::string& executable);

// The demo's files, quantizing the FP32 model into `cacheDir` (written atomically) unless a
// quantized model newer than it is there already. `cacheDir` empty: the user's cache folder.
Result<DemoFiles> prepareDemo(const std::string& demoDir, std::string cacheDir = {}, const TaskControl& control = {});

}  // namespace ql
