#!/usr/bin/env bash
# Provisions ONNX Runtime into third_party/onnxruntime when the system has none.
# Debian 12 ships no ONNX Runtime, so we take the official Linux x64 build that the npm package
# com.github.asus4.onnxruntime carries (its lifecycle scripts are never run) and check its sha256.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly PACKAGE="com.github.asus4.onnxruntime@0.4.9"
readonly TARBALL="com.github.asus4.onnxruntime-0.4.9.tgz"
readonly SHA256="e59788788818fdde1b2e522e766a21ba0f7d8391de55737abf81e32cc801785d"
readonly ORT_VERSION="1.29.0"
readonly DEST="third_party/onnxruntime"
readonly HEADERS="package/Plugins/iOS~/onnxruntime.xcframework/ios-arm64_x86_64-simulator/onnxruntime.framework/Headers"

if [ -f "$DEST/VERSION" ] && [ "$(cat "$DEST/VERSION")" = "$ORT_VERSION" ]; then
    echo "ONNX Runtime $ORT_VERSION already in $DEST"
    exit 0
fi

mkdir -p .downloads
if [ ! -f ".downloads/$TARBALL" ] || ! echo "$SHA256  .downloads/$TARBALL" | sha256sum --check --status; then
    echo "Downloading $PACKAGE from the npm registry (about 150 MB)..."
    rm -f ".downloads/$TARBALL"
    (cd .downloads && npm pack --ignore-scripts --silent "$PACKAGE" >/dev/null)
fi
if ! echo "$SHA256  .downloads/$TARBALL" | sha256sum --check --status; then
    echo "error: .downloads/$TARBALL does not have the expected sha256 $SHA256" >&2
    exit 1
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
tar xzf ".downloads/$TARBALL" -C "$staging" --wildcards \
    'package/Plugins/Linux/x64/*.so' "$HEADERS/*.h" package/LICENSE package/ThirdPartyNotices.txt

rm -rf "$DEST"
mkdir -p "$DEST/lib" "$DEST/include"
cp "$staging/$HEADERS"/*.h "$DEST/include/"
cp "$staging/package/Plugins/Linux/x64/libonnxruntime.so" "$DEST/lib/libonnxruntime.so.$ORT_VERSION"
cp "$staging/package/Plugins/Linux/x64/libonnxruntime_providers_shared.so" "$DEST/lib/"
# The library's SONAME is libonnxruntime.so.1; the linker and the loader look for these names.
ln -s "libonnxruntime.so.$ORT_VERSION" "$DEST/lib/libonnxruntime.so.1"
ln -s "libonnxruntime.so.1" "$DEST/lib/libonnxruntime.so"
cp "$staging/package/LICENSE" "$staging/package/ThirdPartyNotices.txt" "$DEST/"
echo "$ORT_VERSION" > "$DEST/VERSION"
echo "ONNX Runtime $ORT_VERSION installed in $DEST"
