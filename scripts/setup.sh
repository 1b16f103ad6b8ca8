#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a built QuantLens: installs the Debian packages,
# provisions ONNX Runtime and builds everything (GUI, CLI, tests, benchmarks) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    build-essential cmake ninja-build pkg-config git
    qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-translations-l10n  # Qt's own strings (file dialogs, OK/Cancel) in zh_CN: qtbase_zh_CN.qm
    libqcustomplot-dev libopencv-dev libonnx-dev libprotobuf-dev protobuf-compiler
    libgraphviz-dev googletest libgtest-dev libcli11-dev nlohmann-json3-dev
    libyaml-cpp-dev
    xvfb xauth fonts-wqy-microhei
    desktop-file-utils appstream  # the package test validates the menu entry and the AppStream file
    # Tests check QuantLens' figures against computations written apart from it, in Python.
    python3 python3-numpy python3-opencv python3-onnx
)
# Node.js may already come from elsewhere; Debian's npm (used to fetch ONNX Runtime) only when there is none.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing Debian packages: ${missing[*]}"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ -z "${ONNXRUNTIME_ROOT:-}" ]; then
    scripts/fetch-onnxruntime.sh
fi

build_type="${CMAKE_BUILD_TYPE:-Release}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$build_type" ${ONNXRUNTIME_ROOT:+-DONNXRUNTIME_ROOT="$ONNXRUNTIME_ROOT"}
cmake --build build --parallel "$(nproc)"
echo
echo "Built. Run the tests with:  ctest --test-dir build --output-on-failure"
echo "Start the app with:         build/app/quantlens ../shared/models/yolov8n_fp32.onnx ../shared/models/yolov8n_qdq_static.onnx"
