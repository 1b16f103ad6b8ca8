# Finds ONNX Runtime and defines the imported target onnxruntime::onnxruntime.
# Order: an installed CMake package, then ONNXRUNTIME_ROOT (default: third_party/onnxruntime,
# where scripts/fetch-onnxruntime.sh puts it).
find_package(onnxruntime CONFIG QUIET)
if(TARGET onnxruntime::onnxruntime)
    get_target_property(_ort_lib onnxruntime::onnxruntime IMPORTED_LOCATION_RELEASE)
    if(_ort_lib)
        get_filename_component(ONNXRUNTIME_LIBRARY_DIR "${_ort_lib}" DIRECTORY)
    endif()
    message(STATUS "ONNX Runtime: installed package ${onnxruntime_VERSION}")
    return()
endif()

set(ONNXRUNTIME_ROOT "${CMAKE_SOURCE_DIR}/third_party/onnxruntime" CACHE PATH "ONNX Runtime install folder")
find_path(ONNXRUNTIME_INCLUDE_DIR onnxruntime_cxx_api.h
    PATHS "${ONNXRUNTIME_ROOT}/include" "${ONNXRUNTIME_ROOT}/include/onnxruntime" NO_DEFAULT_PATH)
find_library(ONNXRUNTIME_LIBRARY NAMES onnxruntime PATHS "${ONNXRUNTIME_ROOT}/lib" NO_DEFAULT_PATH)
if(NOT ONNXRUNTIME_INCLUDE_DIR OR NOT ONNXRUNTIME_LIBRARY)
    message(FATAL_ERROR "ONNX Runtime not found in ${ONNXRUNTIME_ROOT}. Run scripts/setup.sh "
                        "(or scripts/fetch-onnxruntime.sh), or set -DONNXRUNTIME_ROOT=<folder>.")
endif()
get_filename_component(ONNXRUNTIME_LIBRARY_DIR "${ONNXRUNTIME_LIBRARY}" DIRECTORY)
add_library(onnxruntime::onnxruntime SHARED IMPORTED GLOBAL)
set_target_properties(onnxruntime::onnxruntime PROPERTIES
    IMPORTED_LOCATION "${ONNXRUNTIME_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${ONNXRUNTIME_INCLUDE_DIR}")
message(STATUS "ONNX Runtime: ${ONNXRUNTIME_LIBRARY}")
