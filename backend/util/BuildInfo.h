// What `--version` prints for both programs: QuantLens' version, the ONNX Runtime it runs on, and
// how this build was made (commit at configure time, build type, compiler), so a bug report
// says which binary it came from.
#pragma once

#include <string>

namespace ql {

std::string quantLensVersion();  // "0.1.0"
// Three lines: "<program> 0.1.0", "ONNX Runtime 1.29.0", "build: commit 1a2b3c4, Release, GCC 12.2.0".
std::string versionText(const std::string& program);

}  // namespace ql
