# Installs QuantLens like a desktop application (`cmake --install build --prefix P`) and describes the
# Debian package CPack makes of that tree (scripts/package.sh):
#   bin/quantlens, bin/quantlens-cli
#   lib/quantlens/          ONNX Runtime, bundled; the binaries find it through RUNPATH $ORIGIN/../lib/quantlens
#   share/applications/     quantlens.desktop (menu entry, "Open with" for .qlproj and .onnx)
#   share/icons/hicolor/    the icon from 16x16 to 256x256, and scalable
#   share/metainfo/         AppStream description
#   share/mime/packages/    MIME types for .qlproj and .onnx (shared-mime-info has none for ONNX)
#   share/quantlens/demo/   what `quantlens --demo` opens (found from the binary's folder, project/Demo.cpp)
#   share/doc/quantlens/    copyright (every bundled licence), ONNX Runtime's licence and notices
# Translations are embedded as Qt resources (:/i18n), so none are installed.
include(GNUInstallDirs)
set(QUANTLENS_DOCDIR ${CMAKE_INSTALL_DATADIR}/doc/quantlens)  # Debian's place, named like the package

# ONNX Runtime sits in a folder of its own (QUANTLENS_PRIVATE_LIBDIR, set with the RPATH in the top
# CMakeLists.txt), not in lib/: a package's /usr/lib/libonnxruntime.so.1 would be seen by every program
# on the system (ldconfig) and collide with any other copy of ONNX Runtime.

set(_ql_resources "${PROJECT_SOURCE_DIR}/resources")

install(TARGETS quantlens-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(QUANTLENS_BUILD_GUI)
    install(TARGETS quantlens RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

if(QUANTLENS_BUNDLE_ONNXRUNTIME)
    # The library under its SONAME (libonnxruntime.so.1, a symlink kept as one) and the real file; not the
    # unversioned development link. providers_shared is what ONNX Runtime loads for a GPU provider.
    file(GLOB _ort_files "${ONNXRUNTIME_LIBRARY_DIR}/libonnxruntime.so.*"
                         "${ONNXRUNTIME_LIBRARY_DIR}/libonnxruntime_providers_shared.so")
    if(NOT _ort_files)
        message(FATAL_ERROR "No libonnxruntime.so.* in ${ONNXRUNTIME_LIBRARY_DIR} to bundle "
                            "(or configure with -DQUANTLENS_BUNDLE_ONNXRUNTIME=OFF)")
    endif()
    install(FILES ${_ort_files} DESTINATION ${QUANTLENS_PRIVATE_LIBDIR})
    get_filename_component(_ort_root "${ONNXRUNTIME_LIBRARY_DIR}" DIRECTORY)
    foreach(_notice LICENSE ThirdPartyNotices.txt)
        if(EXISTS "${_ort_root}/${_notice}")
            install(FILES "${_ort_root}/${_notice}" DESTINATION ${QUANTLENS_DOCDIR}/onnxruntime)
        endif()
    endforeach()
endif()

install(FILES "${_ql_resources}/copyright" DESTINATION ${QUANTLENS_DOCDIR})
# Debian wants the changelog gzipped, reproducibly (-n: no name or time stamp inside).
execute_process(COMMAND gzip -9nc INPUT_FILE "${_ql_resources}/changelog"
                OUTPUT_FILE "${PROJECT_BINARY_DIR}/changelog.gz" RESULT_VARIABLE _gzip_result)
if(_gzip_result EQUAL 0)
    install(FILES "${PROJECT_BINARY_DIR}/changelog.gz" DESTINATION ${QUANTLENS_DOCDIR})
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_ql_resources}/changelog")
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION ${QUANTLENS_DOCDIR})

if(QUANTLENS_BUILD_GUI)
    install(FILES "${_ql_resources}/desktop/quantlens.desktop" DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
    install(FILES "${_ql_resources}/desktop/io.github.quantlens.QuantLens.metainfo.xml"
            DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
    install(FILES "${_ql_resources}/desktop/quantlens-mime.xml"
            DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages RENAME quantlens.xml)
    foreach(_size 16 22 24 32 48 64 128)
        install(FILES "${_ql_resources}/icons/hicolor/${_size}x${_size}/quantlens.png"
                DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${_size}x${_size}/apps)
    endforeach()
    install(FILES "${_ql_resources}/icons/quantlens.png" DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/256x256/apps)
    install(FILES "${_ql_resources}/icons/quantlens.svg" DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
    install(FILES "${_ql_resources}/demo/yolov8n_fp32.onnx" "${_ql_resources}/demo/bus.jpg"
                  "${_ql_resources}/demo/zidane.jpg" "${_ql_resources}/demo/README.md"
            DESTINATION ${CMAKE_INSTALL_DATADIR}/quantlens/demo)
endif()

# scripts/package.sh builds the two programs only; cpack then installs without building tests and benchmarks.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# --- The Debian package (cpack -G DEB, run by scripts/package.sh) ---
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "quantlens")
set(CPACK_PACKAGE_VENDOR "The QuantLens developers")
# No project address exists yet: whoever publishes the package sets a real one with -DQUANTLENS_MAINTAINER=...
set(QUANTLENS_MAINTAINER "The QuantLens developers <quantlens@localhost>" CACHE STRING "Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${QUANTLENS_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Compare an FP32 ONNX model with its INT8 version")
# Lines under 80 characters, as Debian's control files want them.
set(CPACK_PACKAGE_DESCRIPTION
    "QuantLens is for engineers who quantize YOLO detectors to INT8 with ONNX\n"
    "Runtime. It shows where quantization costs accuracy: weight and per-layer\n"
    "activation error, the detections of both models side by side, mAP. It\n"
    "quantizes models itself and finds the nodes to leave float. The desktop\n"
    "application is quantlens, the command-line program quantlens-cli.\n"
    "ONNX Runtime is bundled.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_OUTPUT_FILE_PREFIX "${PROJECT_BINARY_DIR}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")  # quantlens_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# Depends: the runtime packages of the libraries the binaries link, as dpkg-shlibdeps finds them
# (libqt6widgets6, libopencv-*, libonnx1, libprotobuf32, ...), never -dev packages. The bundled
# ONNX Runtime is in the package itself; dpkg-shlibdeps resolves it through $ORIGIN.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
# Qt's own strings (file dialogs, buttons) in zh_CN; the desktop's database updates run through the
# triggers of these packages when they are installed.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-translations-l10n, fonts-wqy-microhei | fonts-noto-cjk")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "desktop-file-utils, shared-mime-info, hicolor-icon-theme")
include(CPack)
