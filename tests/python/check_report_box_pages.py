#!/usr/bin/env python3
"""`report --explain IMAGE`: a page per box INT8 missed or moved, on the model of
check_explain_suggest.py (one Conv quantized badly on purpose, so INT8 loses one box).

Checks, against `explain --json` and numpy/OpenCV on the image itself: one page per explained box;
the FP32 and INT8 scores printed are explain's (3 decimals); both crops are embedded as JPEG data
URLs, each the region around the FP32 box (the box plus half its size each side, at least 16 px,
clipped) scaled to 240 px high, its corner the image's pixels there, the FP32 box drawn in green
on the FP32 crop; the cell (stride, x, y) and the reason are printed; the Chinese report has the
same page with the same figures; the PDF (when this build has PDF export) grows by the page.
On a second model whose lost box comes from feature maps the trace can follow (spatial_model), the
page names the layer where the box was lost: explain --trace's jump, the badly quantized Conv by
construction.

Usage: check_report_box_pages.py QUANTLENS_CLI WORK_FOLDER
"""
import base64
import json
import os
import re
import subprocess
import sys

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_explain_suggest import BAD, PLANTS, LOST, SIZE, model  # noqa: E402
from checks import check, exit_on_failures, run  # noqa: E402


def spatial_model(path):
    """PLANTS as an Ultralytics head [1,7,2100] whose stride-16 level (the lost box's) is made of
    20x20 maps: a box branch (identity 1x1 Conv, one cell of 255 so its uint8 scale is 1) and a
    class branch: conv1 (identity) then BAD, which also reads a channel that is 1 at the far cell
    (0, 19) and subtracts 255 there: BAD's uint8 range becomes [-255, 0.4], its scale about 1, and
    the planted 0.4 rounds to 0. Strides 8 and 32 are constants. The same model as the app's test
    (tests/widgets/BoxWireTest.cpp)."""
    inits, nodes, flat = [], [], []

    def const(name, a):
        inits.append(numpy_helper.from_array(np.asarray(a), name))
    const("zero", np.array(0.0, np.float32))
    nodes += [helper.make_node("ReduceMean", ["images"], ["m"], keepdims=1, name="/stem/mean"),
              helper.make_node("Mul", ["m", "zero"], ["m0"], name="/stem/times_zero")]
    for stride in (8, 16, 32):
        n = SIZE // stride
        maps = np.zeros((1, 7, n, n), np.float32)
        for s, x, y, cls, w, h, score in PLANTS:
            if s == stride:
                maps[0, :4, y, x] = [int((x + 0.5) * s) + 2, int((y + 0.5) * s) - 1, w, h]
                maps[0, 4 + cls, y, x] = score
        const(f"flat{stride}", np.array([1, 7, n * n], np.int64))
        if stride != 16:
            const(f"level{stride}", maps)
            nodes += [helper.make_node("Add", ["m0", f"level{stride}"], [f"p{stride}"], name=f"/head/level{stride}/add"),
                      helper.make_node("Reshape", [f"p{stride}", f"flat{stride}"], [f"f{stride}"],
                                       name=f"/head/level{stride}/flatten")]
            flat.append(f"f{stride}")
            continue
        boxes, scores = maps[:, :4].copy(), maps[:, 4:].copy()
        boxes[0, 0, n - 1, n - 1] = 255
        far = np.zeros((1, 1, n, n), np.float32)
        far[0, 0, n - 1, 0] = 1
        w2 = np.zeros((3, 4, 1, 1), np.float32)
        w2[:, :3, 0, 0] = np.eye(3)
        w2[:, 3, 0, 0] = -255
        for name, a in [("box16", boxes), ("cls16", scores), ("far16", far),
                        ("w_box", np.eye(4, dtype=np.float32).reshape(4, 4, 1, 1)), ("b_box", np.zeros(4, np.float32)),
                        ("w_cls1", np.eye(3, dtype=np.float32).reshape(3, 3, 1, 1)), ("b_cls1", np.zeros(3, np.float32)),
                        ("w_cls2", w2), ("b_cls2", np.zeros(3, np.float32))]:
            const(name, a)
        nodes += [helper.make_node("Add", ["m0", "box16"], ["box_in"], name="/head/box/add"),
                  helper.make_node("Add", ["m0", "cls16"], ["cls_in"], name="/head/cls/add"),
                  helper.make_node("Add", ["m0", "far16"], ["far_in"], name="/head/far/add"),
                  helper.make_node("Conv", ["box_in", "w_box", "b_box"], ["box"], name="/head/box/conv"),
                  helper.make_node("Conv", ["cls_in", "w_cls1", "b_cls1"], ["c1"], name="/head/cls/conv1"),
                  helper.make_node("Concat", ["c1", "far_in"], ["c1far"], axis=1, name="/head/cls/with_far"),
                  helper.make_node("Conv", ["c1far", "w_cls2", "b_cls2"], ["cls"], name=BAD),
                  helper.make_node("Concat", ["box", "cls"], ["p16"], axis=1, name="/head/level16/concat"),
                  helper.make_node("Reshape", ["p16", "flat16"], ["f16"], name="/head/level16/flatten")]
        flat.append("f16")
    nodes.append(helper.make_node("Concat", flat, ["output0"], axis=2, name="/head/concat"))
    x = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])
    y = helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 7, 2100])
    m = helper.make_model(helper.make_graph(nodes, "bad_layer_maps", [x], [y], inits),
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    entry = m.metadata_props.add()
    entry.key = "names"
    entry.value = "{0: 'ant', 1: 'bee', 2: 'cat'}"
    onnx.checker.check_model(m)
    onnx.save(m, path)


def region(box, w, h):
    bw, bh = box[2] - box[0], box[3] - box[1]
    mx, my = max(16.0, bw / 2), max(16.0, bh / 2)
    x1 = int(np.clip(np.floor(box[0] - mx), 0, w - 1))
    y1 = int(np.clip(np.floor(box[1] - my), 0, h - 1))
    x2 = int(np.clip(np.ceil(box[2] + mx), x1 + 1, w))
    y2 = int(np.clip(np.ceil(box[3] + my), y1 + 1, h))
    return x1, y1, x2, y2


def pages(html):
    """The box pages: from each page heading to the next heading."""
    parts = re.split(r"<h2[^>]*>", html)
    return [p for p in parts[1:] if "boxcase" in p]


def main():
    cli, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    calib = os.path.join(work, "calib")
    os.makedirs(calib, exist_ok=True)
    rng = np.random.default_rng(3)
    for k in range(2):
        cv2.imwrite(os.path.join(calib, f"c{k}.png"), rng.integers(0, 255, (SIZE, SIZE, 3), dtype=np.uint8))
    # A grey gradient: every crop's corner tells where it was cut from.
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    grey = (40 + 0.35 * xx + 0.25 * yy).astype(np.uint8)
    image = os.path.join(work, "gradient320.png")
    cv2.imwrite(image, cv2.merge([grey, grey, grey]))
    fp32 = os.path.join(work, "bad_layer_fp32.onnx")
    qdq = os.path.join(work, "bad_layer_qdq.onnx")
    model(fp32)
    if os.path.exists(qdq):
        os.remove(qdq)
    run(cli, "quantize", fp32, qdq, "--calib", calib, "--op-types", "Conv", "--cache-dir", os.path.join(work, "cache"))

    explained = json.loads(run(cli, "explain", fp32, qdq, image, "--missed", "--json"))
    boxes = explained["boxes"]
    check(len(boxes) == 1, f"explain finds {len(boxes)} box(es) to explain")

    html_en = os.path.join(work, "report_en.html")
    html_zh = os.path.join(work, "report_zh.html")
    run(cli, "report", fp32, qdq, "--images", image, "--explain", image, "--html", html_en)
    run(cli, "report", fp32, qdq, "--images", image, "--explain", image, "--html", html_zh, "--lang", "zh_CN")
    en, zh = open(html_en, encoding="utf-8").read(), open(html_zh, encoding="utf-8").read()
    for lang, html in (("en", en), ("zh_CN", zh)):
        ps = pages(html)
        check(len(ps) == len(boxes), f"{lang}: {len(ps)} box pages for {len(boxes)} explained boxes")
        for page, b in zip(ps, boxes):
            fp32_score = re.search(r'class="num score-fp32">([0-9.]+)<', page)
            int8_score = re.search(r'class="num score-int8">([0-9.]+)<', page)
            expected_int8 = b["quantized"]["score"] if "quantized" in b else b["quantized_at_cell"]["class_score"]
            check(fp32_score and fp32_score.group(1) == f"{b['score']:.3f}",
                  f"{lang}: FP32 score {fp32_score and fp32_score.group(1)} vs explain's {b['score']:.3f}")
            check(int8_score and int8_score.group(1) == f"{expected_int8:.3f}",
                  f"{lang}: INT8 score {int8_score and int8_score.group(1)} vs explain's {expected_int8:.3f}")
            c = b["cell"]
            origin = f"{c['stride']}), " if lang == "en" else f"{c['stride']}）"
            cell = f"x {c['x']}, y {c['y']}" if lang == "en" else f"x {c['x']}，y {c['y']}"
            check(origin in page and cell in page and f"{c['output_index']}" in page,
                  f"{lang}: the cell (stride {c['stride']}, x {c['x']}, y {c['y']}) printed")
            reason = b["reason"] if lang == "en" else "分数低于阈值"
            check(reason in page, f"{lang}: reason '{reason}' printed")
            crops = re.findall(r'<img src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', page)
            check(len(crops) == 2, f"{lang}: {len(crops)} crops embedded, expected 2")
            if lang != "en" or len(crops) != 2:
                continue
            x1, y1, x2, y2 = region(b["box"], SIZE, SIZE)
            want = grey[y1:y2, x1:x2].astype(np.float64)
            want_w = round((x2 - x1) * 240 / (y2 - y1))
            for k, data in enumerate(crops):
                crop = cv2.imdecode(np.frombuffer(base64.b64decode(data), np.uint8), cv2.IMREAD_COLOR)
                check(crop is not None and crop.shape[0] == 240 and abs(crop.shape[1] - want_w) <= 1,
                      f"crop {k}: {None if crop is None else crop.shape[:2]} vs 240 x {want_w}")
                if crop is None:
                    continue
                scale = 240 / (y2 - y1)
                # the corner (outside any box): the image's own pixels there
                got = crop[:8, :8].astype(np.float64).mean()
                ref = want[: int(8 / scale) + 1, : int(8 / scale) + 1].mean()
                check(abs(got - ref) < 6, f"crop {k}: corner {got:.1f} vs the image's {ref:.1f} at ({x1}, {y1})")
            fp32_crop = cv2.imdecode(np.frombuffer(base64.b64decode(crops[0]), np.uint8), cv2.IMREAD_COLOR)
            if fp32_crop is not None:
                scale = 240 / (y2 - y1)
                ex = int(round((b["box"][0] - x1) * scale))
                ey = int(round(((b["box"][1] + b["box"][3]) / 2 - y1) * scale))
                px = fp32_crop[ey - 2:ey + 3, max(0, ex - 1):ex + 2].reshape(-1, 3).astype(int)
                green = [(p[1] - max(p[0], p[2])) for p in px]
                check(max(green) > 60, f"the FP32 box's left edge is drawn green at ({ex}, {ey}): {px.tolist()}")
    check("INT8 为何丢失了这个框" in zh, "the Chinese page has its Chinese title")
    check("Lost at layer" not in en, "no lost-at layer where the trace finds no map to follow")

    # Where the box was lost: on maps the trace follows, the page names explain --trace's jump,
    # the badly quantized Conv by construction.
    maps_fp32 = os.path.join(work, "bad_layer_maps_fp32.onnx")
    maps_qdq = os.path.join(work, "bad_layer_maps_qdq.onnx")
    spatial_model(maps_fp32)
    if os.path.exists(maps_qdq):
        os.remove(maps_qdq)
    run(cli, "quantize", maps_fp32, maps_qdq, "--calib", calib, "--op-types", "Conv", "--cache-dir", os.path.join(work, "cache"))
    traced = json.loads(run(cli, "explain", maps_fp32, maps_qdq, image, "--missed", "--trace", "--json"))["boxes"]
    lost_at = []
    for t in traced:
        tr = t.get("trace", {})
        jump, layers = tr.get("jump_layer", -1), tr.get("layers", [])
        lost_at.append(f"{layers[jump]['node']} ({layers[jump]['op']})" if 0 <= jump < len(layers) else None)
    check(lost_at == [f"{BAD} (Conv)"], f"explain --trace marks {lost_at}, by construction {BAD}")
    stride, x, y = PLANTS[LOST][:3]
    check(len(traced) == 1 and traced[0]["cell"]["stride"] == stride and (traced[0]["cell"]["x"], traced[0]["cell"]["y"]) == (x, y),
          f"the box explained is the planted one at stride {stride}, cell ({x}, {y})")
    maps_html = os.path.join(work, "report_maps.html")
    maps_zh = os.path.join(work, "report_maps_zh.html")
    run(cli, "report", maps_fp32, maps_qdq, "--images", image, "--explain", image, "--html", maps_html)
    run(cli, "report", maps_fp32, maps_qdq, "--images", image, "--explain", image, "--html", maps_zh, "--lang", "zh_CN")
    for lang, path in (("en", maps_html), ("zh_CN", maps_zh)):
        ps = pages(open(path, encoding="utf-8").read())
        check(len(ps) == 1, f"{lang}: {len(ps)} box pages on the maps model, expected 1")
        want = f"Lost at layer: {lost_at[0]}" if lang == "en" else str(lost_at[0])
        check(bool(ps) and want in ps[0], f"{lang}: the page names the layer where the box was lost ({want})")

    # The PDF, when this build prints them: the page makes it larger.
    plain_pdf, box_pdf = os.path.join(work, "plain.pdf"), os.path.join(work, "box.pdf")
    p = subprocess.run([cli, "report", fp32, qdq, "--images", image, "--pdf", plain_pdf], capture_output=True, text=True)
    if p.returncode == 0:
        run(cli, "report", fp32, qdq, "--images", image, "--explain", image, "--pdf", box_pdf)
        check(open(box_pdf, "rb").read(4) == b"%PDF" and os.path.getsize(box_pdf) > os.path.getsize(plain_pdf) + 5000,
              f"the PDF with the box page: {os.path.getsize(box_pdf)} bytes vs {os.path.getsize(plain_pdf)} without")
    else:
        print("no PDF export in this build:", p.stderr.strip())
    exit_on_failures()
    print("report --explain: box pages OK")


if __name__ == "__main__":
    main()
