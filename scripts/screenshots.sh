#!/usr/bin/env bash
# Regenerates the README's screenshots: starts the real app under Xvfb on the models in ../shared,
# with fresh settings so the default layout shows.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${QUANTLENS_TESTDATA:-../shared}"
out=docs/screenshots
mkdir -p "$out"
export XDG_CONFIG_HOME
XDG_CONFIG_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT

shoot() {  # shoot LANGUAGE OUTPUT.png MODEL...   (SCREEN=WxH to change the 1600x1000 screen)
    local lang=$1 png=$2
    shift 2
    LANG=$lang LC_ALL=$lang xvfb-run -a -s "-screen 0 ${SCREEN:-1600x1000}x24" build/app/quantlens --screenshot "$png" "$@" 2>/dev/null
    echo "wrote $png"
}
shoot en_US.UTF-8 "$out/main-window.png" "$shared/models/yolov8n_fp32.onnx" "$shared/models/yolov8n_qdq_static.onnx" --images "$shared/images"
shoot zh_CN.UTF-8 "$out/main-window-zh_CN.png" "$shared/models/yolov8n_fp32.onnx" "$shared/models/yolov8n_qdq_static.onnx" --images "$shared/images"
# The graphs side by side: a setting the View menu remembers, written here before the start.
mkdir -p "$XDG_CONFIG_HOME/QuantLens"
printf '[graph]\nsideBySide=true\n' > "$XDG_CONFIG_HOME/QuantLens/QuantLens.conf"
shoot en_US.UTF-8 "$out/graphs-side-by-side.png" "$shared/models/yolov8n_fp32.onnx" "$shared/models/yolov8n_qdq_static.onnx" --images "$shared/images"
rm "$XDG_CONFIG_HOME/QuantLens/QuantLens.conf"
shoot en_US.UTF-8 "$out/detections.png" "$shared/models/yolov8n_fp32.onnx" "$shared/models/yolov8n_qdq_static.onnx" --images "$shared/images" --tab detections
# The final outputs as deployed above the per-layer table.
shoot en_US.UTF-8 "$out/activations-outputs.png" "$shared/models/yolov8n_fp32.onnx" "$shared/models/yolov8n_qdq_static.onnx" --images "$shared/images" --tab activations
# The exclusion loop: the demo re-quantized once with its exclusions, so the Runs dock holds the
# loaded model, the baseline with no exclusions beside it, and the re-quantized model.
shoot en_US.UTF-8 "$out/runs.png" --demo --requantize
# The demo from the repository alone, on a 1366x768 screen in the dark palette.
mkdir -p "$XDG_CONFIG_HOME/QuantLens"
printf '[ui]\ntheme=2\n' > "$XDG_CONFIG_HOME/QuantLens/QuantLens.conf"
SCREEN=1366x768 shoot en_US.UTF-8 "$out/demo-1366x768-dark.png" --demo --tab detections
rm "$XDG_CONFIG_HOME/QuantLens/QuantLens.conf"
build/app/quantlens-cli detect "$shared/models/yolov8n_fp32.onnx" "$shared/models/yolov8n_qdq_static.onnx" \
    "$shared/images/street.jpg" --out "$out/detect-street.jpg" >/dev/null
echo "wrote $out/detect-street.jpg"
# The report on coco128, with the exclusion list's cost timed (--exclusion-cost): every A4 page.
report_dir=$(mktemp -d)
build/app/quantlens-cli report "$shared/models/yolov8n_fp32.onnx" "$shared/models/yolov8n_qdq_static.onnx" \
    --images "$shared/images" --data "$shared/datasets/coco128/coco128.yaml" --exclusion-cost "$shared/calibration" \
    --html "$report_dir/report.html" --pdf "$report_dir/report.pdf" >/dev/null
pdftoppm -r 50 -png "$report_dir/report.pdf" "$report_dir/page"
scripts/report-pages.py "$out/report-pages-a4.jpg" "$report_dir"/page-*.png
pdftoppm -f 1 -l 2 -r 72 -png "$report_dir/report.pdf" "$report_dir/big"
cp "$report_dir/big-01.png" "$out/report-page1.png"
cp "$report_dir/big-02.png" "$out/report-page2.png"
echo "wrote $out/report-pages-a4.jpg, report-page1.png, report-page2.png ($(du -k "$report_dir/report.html" | cut -f1) KiB of HTML)"
rm -rf "$report_dir"
# The report's first page in Chinese (--lang zh_CN; a CJK font such as fonts-wqy-microhei is needed).
report_dir=$(mktemp -d)
build/app/quantlens-cli report "$shared/models/yolov8n_fp32.onnx" "$shared/models/yolov8n_qdq_static.onnx" \
    --images "$shared/images" --data "$shared/datasets/coco128/coco128.yaml" --lang zh_CN --pdf "$report_dir/report-zh.pdf" >/dev/null
pdftoppm -f 1 -l 1 -r 72 -png -singlefile "$report_dir/report-zh.pdf" "$out/report-page1-zh"
rm -rf "$report_dir"
echo "wrote $out/report-page1-zh.png"
