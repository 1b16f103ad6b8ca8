// Calibration ranges written for other runtimes: the three files ONNX Runtime's
// write_calibration_table writes for its TensorRT execution provider (calibration.json,
// calibration.flatbuffers, calibration.cache) and TensorRT's own calibration cache text, from the
// ranges the quantizer encoded (excluded tensors have none and are left out).
#pragma once

#include <map>
#include <string>
#include <utility>

#include "quantize/Calibrator.h"
#include "util/Result.h"

namespace ql {

enum class CalibrationFormat {
    OrtJson,         // calibration.json: json.dumps of ONNX Runtime's TensorsData
    OrtCache,        // calibration.cache: "<tensor> <max(highest, lowest)>" per line
    OrtFlatbuffers,  // calibration.flatbuffers: TrtTable { dict: [KeyValue { key, value }] }
    TensorRT         // TensorRT's cache: "TRT-<version>-EntropyCalibration2", "<tensor>: <hex of float32 scale>"
};

// "ort-json", "ort-cache", "ort-flatbuffers", "tensorrt".
Result<CalibrationFormat> parseCalibrationFormat(const std::string& text);
std::string calibrationFormatName(CalibrationFormat format);
// From the file name when no format is given: .json, .flatbuffers, calibration.cache (ONNX Runtime's
// name) and any other .cache/.calib/.txt (TensorRT); anything else needs the format named.
Result<CalibrationFormat> calibrationFormatFor(const std::string& path);

// Python's repr() of a double: the shortest text that reads back to it, in Python's layout
// ("0.5", "1.0", "1e-05", "1.5e+16").
std::string pythonFloatRepr(double value);

// The file's bytes. `ranges`: tensor -> (lowest, highest) in float32. `trtVersion`: the number in
// TensorRT's header (8601 for TensorRT 8.6.1).
std::string calibrationTable(const std::map<std::string, std::pair<float, float>>& ranges, CalibrationFormat format,
                             CalibrationMethod method, const std::string& trtVersion = "8601");

}  // namespace ql
