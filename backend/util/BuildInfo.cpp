#include "util/BuildInfo.h"

#include "runtime/InferenceSession.h"

#ifndef QUANTLENS_VERSION
#error "QUANTLENS_VERSION is set by backend/CMakeLists.txt"
#endif

namespace ql {
namespace {

std::string compiler() {
#if defined(__clang__)
    return "Clang " __clang_version__;
#elif defined(__GNUC__)
    return "GCC " __VERSION__;
#else
    return "an unknown compiler";
#endif
}

}  // namespace

std::string quantLensVersion() { return QUANTLENS_VERSION; }

std::string versionText(const std::string& program) {
    return program + " " + quantLensVersion() + "\nONNX Runtime " + onnxRuntimeVersion() + "\nbuild: commit " +
           QUANTLENS_COMMIT + ", " + QUANTLENS_BUILD_TYPE + ", " + compiler();
}

}  // namespace ql
