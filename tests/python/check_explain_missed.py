#!/usr/bin/env python3
"""`quantlens-cli explain` on a model made to lose one box: the FP32 model is a constant
Ultralytics-shaped head [1,4+3,2100] (320x320 input) with boxes planted at known cells; the
"quantized" model is the same graph with a Mul inserted that scales one planted cell's class score
by 0.1. explain --missed must name that box, at the cell it was planted at, with the reason "score
under threshold" and the scores numpy computes; --box finds it too, a kept box is "kept", and an
end-to-end head is refused.

Usage: check_explain_missed.py QUANTLENS_CLI WORK_FOLDER
"""
import json
import os
import subprocess
import sys

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SIZE = 320
STRIDES = (8, 16, 32)
CELLS = sum((SIZE // s) ** 2 for s in STRIDES)
CLASSES = 3
NAMES = ["ant", "bee", "cat"]
# (stride, x, y, class, w, h): cells planted by hand, far apart
PLANTS = [(8, 5, 30, 0, 24, 40), (16, 12, 4, 1, 60, 50), (32, 8, 7, 2, 80, 70)]
LOST = 1  # the plant whose class score the "quantized" model scales down


def column(stride, x, y):
    offset = 0
    for s in STRIDES:
        if s == stride:
            return offset + y * (SIZE // s) + x
        offset += (SIZE // s) ** 2
    raise ValueError(stride)


def head():
    out = np.zeros((1, 4 + CLASSES, CELLS), np.float32)
    for stride, x, y, cls, w, h in PLANTS:
        j = column(stride, x, y)
        out[0, :4, j] = [(x + 0.5) * stride + 2, (y + 0.5) * stride - 1, w, h]
        out[0, 4 + cls, j] = 0.9
    return out


def model(path, tensor, mask=None, shape=None):
    x = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])
    y = helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(tensor.shape))
    inits = [numpy_helper.from_array(np.array(0.0, np.float32), "zero"), numpy_helper.from_array(tensor, "head")]
    nodes = [helper.make_node("ReduceMean", ["images"], ["m"], keepdims=0, name="mean"),
             helper.make_node("Mul", ["m", "zero"], ["m0"], name="times_zero"),
             helper.make_node("Add", ["m0", "head"], ["raw" if mask is not None else "output0"], name="head_add")]
    if mask is not None:
        inits.append(numpy_helper.from_array(mask, "mask"))
        nodes.append(helper.make_node("Mul", ["raw", "mask"], ["output0"], name="lose_one_box"))
    m = helper.make_model(helper.make_graph(nodes, "head", [x], [y], inits),
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    entry = m.metadata_props.add()
    entry.key = "names"
    entry.value = "{" + ", ".join(f"{i}: '{n}'" for i, n in enumerate(NAMES)) + "}"
    onnx.checker.check_model(m)
    onnx.save(m, path)


def run(cli, *args):
    p = subprocess.run([cli, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def main():
    cli, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    fp32 = os.path.join(work, "planted_fp32.onnx")
    lossy = os.path.join(work, "planted_lose_one.onnx")
    e2e = os.path.join(work, "planted_e2e.onnx")
    image = os.path.join(work, "grey320.png")
    cv2.imwrite(image, np.full((SIZE, SIZE, 3), 114, np.uint8))  # 320x320: the letterbox is the identity

    h = head()
    stride, x, y, cls, w, hh = PLANTS[LOST]
    j = column(stride, x, y)
    mask = np.ones_like(h)
    mask[0, 4 + cls, j] = 0.1
    model(fp32, h)
    model(lossy, h, mask)
    model(e2e, np.zeros((1, 300, 6), np.float32))
    quantized = h * mask  # what the lossy model outputs, by numpy

    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    rc, out, err = run(cli, "explain", fp32, lossy, image, "--missed", "--json")
    if rc != 0:
        print(out, err)
        return 1
    r = json.loads(out)
    check(r["missed"] == 1 and r["moved"] == 0, f"missed/moved {r['missed']}/{r['moved']}, expected 1/0")
    check(len(r["boxes"]) == 1, f"{len(r['boxes'])} boxes explained, expected 1")
    b = r["boxes"][0]
    cx, cy = h[0, 0, j], h[0, 1, j]
    expected_box = [cx - w / 2, cy - hh / 2, cx + w / 2, cy + hh / 2]
    check(b["reason"] == "score under threshold", f"reason {b['reason']!r}")
    check(b["status"] == "missed", f"status {b['status']}")
    check(b["class"] == NAMES[cls], f"class {b['class']}")
    check(np.allclose(b["box"], expected_box, atol=1e-3), f"box {b['box']} vs {expected_box}")
    c = b["cell"]
    check((c["stride"], c["x"], c["y"], c["output_index"], c["level"]) == (stride, x, y, j, 1),
          f"cell {c} vs stride {stride} x {x} y {y} index {j}")
    check(abs(b["fp32_at_cell"]["class_score"] - h[0, 4 + cls, j]) < 1e-6, f"FP32 score {b['fp32_at_cell']}")
    check(abs(b["quantized_at_cell"]["class_score"] - quantized[0, 4 + cls, j]) < 1e-6, f"quantized score {b['quantized_at_cell']}")
    # ltrb in strides from the anchor point (x+0.5, y+0.5)*stride
    ax, ay = (x + 0.5) * stride, (y + 0.5) * stride
    ltrb = np.array([ax - expected_box[0], ay - expected_box[1], expected_box[2] - ax, expected_box[3] - ay]) / stride
    check(np.allclose(b["fp32_at_cell"]["ltrb_strides"], ltrb, atol=1e-4), f"ltrb {b['fp32_at_cell']['ltrb_strides']} vs {ltrb}")
    check("DFL" in r.get("note", ""), "no note that the DFL distributions are not in the output")

    box_arg = ",".join(f"{v + 3:.0f}" for v in expected_box)  # a box near the lost one
    rc, out, err = run(cli, "explain", fp32, lossy, image, "--box", box_arg)
    check(rc == 0 and "missed: score under threshold" in out and f"cell x {x}, y {y}" in out,
          f"--box {box_arg}: rc {rc}\n{out}\n{err}")

    s0, x0, y0, _, w0, h0 = PLANTS[0]
    j0 = column(s0, x0, y0)
    kept = [h[0, 0, j0] - w0 / 2, h[0, 1, j0] - h0 / 2, h[0, 0, j0] + w0 / 2, h[0, 1, j0] + h0 / 2]
    rc, out, err = run(cli, "explain", fp32, lossy, image, "--box", ",".join(f"{v:.1f}" for v in kept), "--json")
    check(rc == 0 and json.loads(out)["boxes"][0]["reason"] == "kept", f"kept box: rc {rc}\n{out}\n{err}")

    # detect --json names each box's output index: the planted columns, each decoding to its box
    rc, out, err = run(cli, "detect", fp32, image, "--json")
    dets = json.loads(out)[0]["models"][0]["detections"] if rc == 0 else []
    planted = {column(s, px, py): (s, px, py, c, pw, ph) for s, px, py, c, pw, ph in PLANTS}
    check(sorted(d.get("output_index", -1) for d in dets) == sorted(planted), f"detect output indexes {dets}")
    for d in dets:
        k = d.get("output_index", -1)
        if k in planted:
            bx = [h[0, 0, k] - planted[k][4] / 2, h[0, 1, k] - planted[k][5] / 2,
                  h[0, 0, k] + planted[k][4] / 2, h[0, 1, k] + planted[k][5] / 2]
            check(np.allclose(d["box"], np.clip(bx, 0, SIZE), atol=1e-3), f"detection {d} vs planted {bx}")

    rc, out, err = run(cli, "explain", fp32, e2e, image, "--missed")
    check(rc != 0, "an FP32/e2e pair of different shapes was explained")
    rc, out, err = run(cli, "explain", e2e, e2e, image, "--missed")
    check(rc != 0 and "end-to-end" in err, f"e2e head not refused clearly: rc {rc}\n{err}")
    rc, out, err = run(cli, "explain", fp32, lossy, image)
    check(rc != 0 and "--missed" in err, f"neither --missed nor --box: rc {rc}\n{err}")

    for f in failures:
        print("FAIL:", f)
    print("explain on a model made to lose one box:", "OK" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
