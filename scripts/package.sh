#!/usr/bin/env bash
# Makes the Debian package build/quantlens_<version>_amd64.deb: builds QuantLens (reusing build/ when
# scripts/setup.sh or an earlier build made it), then CPack's DEB generator packs what `cmake --install`
# lays out (cmake/Packaging.cmake), with Depends computed by dpkg-shlibdeps and ONNX Runtime bundled.
# Install it with:  sudo apt install ./build/quantlens_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in cmake cpack dpkg-deb dpkg-shlibdeps; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "package.sh: $tool is missing (Debian: apt install cmake dpkg-dev)" >&2
        exit 1
    fi
done

build=build
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" \
        ${ONNXRUNTIME_ROOT:+-DONNXRUNTIME_ROOT="$ONNXRUNTIME_ROOT"}
fi
# Only the two programs go into the package; tests and benchmarks need not be up to date for it.
targets=(quantlens-cli)
grep -q '^QUANTLENS_BUILD_GUI:BOOL=ON' "$build/CMakeCache.txt" && targets+=(quantlens)
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]}"

rm -f "$build"/quantlens_*.deb
(cd "$build" && cpack -G DEB --config CPackConfig.cmake)
deb=$(ls "$build"/quantlens_*_*.deb)
echo
dpkg-deb --field "$deb" Package Version Architecture Depends Recommends
echo
echo "Built $deb. Install it with:  sudo apt install ./$deb"
