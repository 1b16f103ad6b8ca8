#!/usr/bin/env bash
# Checks build/quantlens_<version>_amd64.deb (scripts/package.sh) without installing it: `dpkg -x` into a
# temporary root, then the installed programs run from there with no LD_LIBRARY_PATH and must load the
# ONNX Runtime bundled in the package (not the build's, not a system one); Depends names runtime
# packages only; the desktop entry, AppStream file, icons, MIME types, demo and licences are in place.
# Usage: check_deb.sh BUILD_DIR VERSION. Exit 77 (skipped): no .deb yet, or no dpkg-deb.
set -uo pipefail
build=$1 version=$2
deb="$build/quantlens_${version}_amd64.deb"
command -v dpkg-deb >/dev/null || { echo "SKIP: dpkg-deb is missing"; exit 77; }
[ -f "$deb" ] || { echo "SKIP: no $deb (make it with scripts/package.sh)"; exit 77; }

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

root=$(mktemp -d "${TMPDIR:-/tmp}/quantlens-deb.XXXXXX")
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root/fs" || { echo "FAIL: dpkg-deb -x $deb"; exit 1; }
fs="$root/fs"

# Depends: computed by dpkg-shlibdeps from what the programs link; runtime packages, never -dev ones,
# and not ONNX Runtime (it is inside the package).
depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
[[ "$depends" == *libqt6widgets6* && "$depends" == *libc6* ]] || fail "Depends lacks libqt6widgets6 or libc6"
[[ "$depends" == *libopencv* ]] || fail "Depends lacks OpenCV's runtime packages"
if grep -Eq -- '-dev([ ,(]|$)' <<<"$depends"; then fail "Depends names a -dev package"; fi
if grep -qi onnxruntime <<<"$depends"; then fail "Depends names ONNX Runtime, which is bundled"; fi

for f in usr/bin/quantlens usr/bin/quantlens-cli usr/lib/quantlens/libonnxruntime.so.1 \
         usr/share/applications/quantlens.desktop usr/share/metainfo/io.github.quantlens.QuantLens.metainfo.xml \
         usr/share/mime/packages/quantlens.xml usr/share/icons/hicolor/scalable/apps/quantlens.svg \
         usr/share/quantlens/demo/yolov8n_fp32.onnx usr/share/quantlens/demo/bus.jpg usr/share/quantlens/demo/zidane.jpg \
         usr/share/doc/quantlens/copyright usr/share/doc/quantlens/onnxruntime/LICENSE; do
    [ -e "$fs/$f" ] || fail "missing /$f"
done
for size in 16 22 24 32 48 64 128 256; do
    png="$fs/usr/share/icons/hicolor/${size}x${size}/apps/quantlens.png"
    # The PNG header's width and height (bytes 16..23, big-endian) must be the folder's size.
    if [ -f "$png" ]; then
        dims=$(od -An -tu1 -j16 -N8 "$png" | awk '{print $3*256+$4 "x" $7*256+$8}')
        [ "$dims" = "${size}x${size}" ] || fail "icon ${size}x${size} is $dims"
    else
        fail "missing icon ${size}x${size}"
    fi
done
grep -q "ONNX Runtime" "$fs/usr/share/doc/quantlens/copyright" && grep -q "AGPL-3.0" "$fs/usr/share/doc/quantlens/copyright" \
    || fail "copyright does not list the bundled ONNX Runtime and demo files"

# RUNPATH: relative to the program, nothing of the build machine.
if command -v readelf >/dev/null; then
    for p in quantlens quantlens-cli; do
        runpath=$(readelf -d "$fs/usr/bin/$p" | sed -n 's/.*(R\(UN\)\?PATH).*\[\(.*\)\]/\2/p')
        [ "$runpath" = '$ORIGIN/../lib/quantlens' ] && ok "$p RUNPATH $runpath" || fail "$p RUNPATH is '$runpath'"
    done
fi

# The programs from the temporary root, with a bare environment: no LD_LIBRARY_PATH, no display.
run() { env -i PATH=/usr/bin:/bin HOME="$root" "$@"; }
ort=$(run ldd "$fs/usr/bin/quantlens-cli" | awk '/libonnxruntime/ {print $3}')
[ -n "$ort" ] && [ "$(realpath "$ort")" = "$(realpath "$fs/usr/lib/quantlens/libonnxruntime.so.1")" ] && ok "ONNX Runtime from the package: $ort" \
    || fail "quantlens-cli loads ONNX Runtime from '$ort', not from the package"
if out=$(run "$fs/usr/bin/quantlens-cli" --version 2>&1); then
    echo "$out"
    grep -Eq "^quantlens-cli ${version//./\\.}$" <<<"$out" && grep -Eq '^ONNX Runtime 1\.29\.[0-9]+$' <<<"$out" \
        || fail "quantlens-cli --version says something else"
else
    fail "quantlens-cli --version exits $?: $out"
fi
if out=$(run "$fs/usr/bin/quantlens" --version 2>&1); then
    echo "$out"
    grep -Eq "^quantlens ${version//./\\.}$" <<<"$out" || fail "quantlens --version says something else"
else
    fail "quantlens --version without a display exits $?: $out"
fi
# A real command through the bundled runtime: inspect the demo's model.
if out=$(run "$fs/usr/bin/quantlens-cli" inspect "$fs/usr/share/quantlens/demo/yolov8n_fp32.onnx" 2>&1); then
    grep -q "images" <<<"$out" && ok "quantlens-cli inspect reads the installed demo model" \
        || fail "quantlens-cli inspect output lacks the input 'images'"
else
    fail "quantlens-cli inspect of the installed demo model exits $?: ${out:0:400}"
fi

if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$fs/usr/share/applications/quantlens.desktop" && ok "desktop-file-validate" \
        || fail "desktop-file-validate"
else
    echo "note: desktop-file-validate not installed (Debian: desktop-file-utils), the .desktop file is unchecked"
fi
grep -q '^Exec=quantlens %F$' "$fs/usr/share/applications/quantlens.desktop" || fail ".desktop Exec is not 'quantlens %F'"
grep -q '^MimeType=.*application/x-quantlens-project;' "$fs/usr/share/applications/quantlens.desktop" \
    || fail ".desktop does not open .qlproj files"
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$fs/usr/share/metainfo/io.github.quantlens.QuantLens.metainfo.xml" \
        && ok "appstreamcli validate" || fail "appstreamcli validate"
fi
if command -v xmllint >/dev/null; then
    xmllint --noout "$fs/usr/share/mime/packages/quantlens.xml" || fail "MIME file is not well-formed XML"
fi

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "PASS: $deb"
