#!/usr/bin/env python3
"""`quantlens-cli explain --suggest` on a model made to lose one box because one layer quantizes
badly, known by construction (not by QuantLens):

The FP32 model is a small Ultralytics-shaped head [1,4+3,2100] (320x320 input) built from four
Convs on planted constants: /head/box/conv carries the box coordinates (at most 255, so they
move by well under a pixel), /head/cls/conv1 the class scores (0.9 for two planted
boxes, 0.4 for the third), and /head/cls/conv2 passes the scores on but also makes a fourth
channel of 255 (sliced off afterwards). Quantized (Conv only, uint8 activations, MinMax), that
channel gives conv2's output a scale of 255/255 = 1: 0.9 rounds to 1, 0.4 rounds to 0, so the
quantized model loses exactly the third box, and leaving /head/cls/conv2 float brings it back.

Checks: the suggestion adds exactly "/head/cls/conv2" to the model's own list; the box's
before/after scores are the ones numpy works out from the uint8 rounding; the list saved with
--save is what the JSON says and a Python list; `quantize --exclude` with it gives a model on which
`detect` (a plain ONNX Runtime session) finds the box again at numpy's score, and the IoU and
recovery the suggestion printed are numpy's on that box; clear refusals when the quantized model
is not QDQ or --calibration is missing.

Usage: check_explain_suggest.py QUANTLENS_CLI WORK_FOLDER
"""
import ast
import json
import os
import subprocess
import sys

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, exit_on_failures, run  # noqa: E402

SIZE = 320
STRIDES = (8, 16, 32)
CELLS = sum((SIZE // s) ** 2 for s in STRIDES)
NAMES = ["ant", "bee", "cat"]
# (stride, x, y, class, w, h, score)
PLANTS = [(8, 5, 30, 0, 24, 40, 0.9), (16, 12, 4, 1, 60, 50, 0.4), (32, 8, 7, 2, 80, 70, 0.9)]
LOST = 1
BAD = "/head/cls/conv2"


def column(stride, x, y):
    offset = 0
    for s in STRIDES:
        if s == stride:
            return offset + y * (SIZE // s) + x
        offset += (SIZE // s) ** 2
    raise ValueError(stride)


def constants(lost_score=None):
    boxes = np.zeros((1, 4, 1, CELLS), np.float32)
    scores = np.zeros((1, 3, 1, CELLS), np.float32)
    for stride, x, y, cls, w, h, score in PLANTS:
        j = column(stride, x, y)
        boxes[0, :, 0, j] = [int((x + 0.5) * stride) + 2, int((y + 0.5) * stride) - 1, w, h]
        scores[0, cls, 0, j] = score
    boxes[0, 0, 0, CELLS - 1] = 255  # the box range: 0..255 exactly (a column with no class score)
    if lost_score is not None:
        stride, x, y, cls = PLANTS[LOST][:4]
        scores[0, cls, 0, column(stride, x, y)] = lost_score
    return boxes, scores


def model(path, lost_score=None):
    boxes, scores = constants(lost_score)
    eye4 = np.eye(4, dtype=np.float32).reshape(4, 4, 1, 1)
    eye3 = np.eye(3, dtype=np.float32).reshape(3, 3, 1, 1)
    w2 = np.zeros((4, 3, 1, 1), np.float32)
    w2[:3] = eye3
    inits = [numpy_helper.from_array(a, n) for a, n in [
        (np.array(0.0, np.float32), "zero"), (boxes, "box_const"), (scores, "cls_const"),
        (eye4, "w_box"), (np.zeros(4, np.float32), "b_box"), (eye3, "w_cls1"), (np.zeros(3, np.float32), "b_cls1"),
        (w2, "w_cls2"), (np.array([0, 0, 0, 255], np.float32), "b_cls2"),
        (np.array([0], np.int64), "s0"), (np.array([3], np.int64), "s3"), (np.array([1], np.int64), "ax1"),
        (np.array([1, 7, CELLS], np.int64), "out_shape")]]
    nodes = [helper.make_node("ReduceMean", ["images"], ["m"], keepdims=1, name="/stem/mean"),
             helper.make_node("Mul", ["m", "zero"], ["m0"], name="/stem/times_zero"),
             helper.make_node("Add", ["m0", "box_const"], ["box_in"], name="/stem/box_add"),
             helper.make_node("Add", ["m0", "cls_const"], ["cls_in"], name="/stem/cls_add"),
             helper.make_node("Conv", ["box_in", "w_box", "b_box"], ["box"], name="/head/box/conv"),
             helper.make_node("Conv", ["cls_in", "w_cls1", "b_cls1"], ["c1"], name="/head/cls/conv1"),
             helper.make_node("Conv", ["c1", "w_cls2", "b_cls2"], ["c2"], name=BAD),
             helper.make_node("Slice", ["c2", "s0", "s3", "ax1"], ["cls"], name="/head/cls/slice"),
             helper.make_node("Concat", ["box", "cls"], ["cat"], axis=1, name="/head/concat"),
             helper.make_node("Reshape", ["cat", "out_shape"], ["output0"], name="/head/reshape")]
    x = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])
    y = helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 7, CELLS])
    m = helper.make_model(helper.make_graph(nodes, "bad_layer_head", [x], [y], inits),
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    entry = m.metadata_props.add()
    entry.key = "names"
    entry.value = "{" + ", ".join(f"{i}: '{n}'" for i, n in enumerate(NAMES)) + "}"
    onnx.checker.check_model(m)
    onnx.save(m, path)


def uint8_round(v, lo, hi):
    """MinMax uint8 quantize/dequantize of v in a tensor ranging over [lo, hi] (0 always in range)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0
    zero = round(-lo / scale)
    return (np.clip(np.round(v / scale) + zero, 0, 255) - zero) * scale


def main():
    cli, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    calib = os.path.join(work, "calib")
    os.makedirs(calib, exist_ok=True)
    rng = np.random.default_rng(7)
    for k in range(3):
        cv2.imwrite(os.path.join(calib, f"c{k}.png"), rng.integers(0, 255, (SIZE, SIZE, 3), dtype=np.uint8))
    image = os.path.join(work, "grey320.png")
    cv2.imwrite(image, np.full((SIZE, SIZE, 3), 114, np.uint8))
    fp32 = os.path.join(work, "bad_layer_fp32.onnx")
    lossy_float = os.path.join(work, "bad_layer_lossy_float.onnx")
    qdq = os.path.join(work, "bad_layer_qdq.onnx")
    saved = os.path.join(work, "fix_list.txt")
    fixed = os.path.join(work, "bad_layer_fixed.onnx")
    cache = os.path.join(work, "cache")
    model(fp32)
    model(lossy_float, lost_score=0.1)
    for f in (saved, fixed, qdq):
        if os.path.exists(f):
            os.remove(f)
    run(cli, "quantize", fp32, qdq, "--calib", calib, "--op-types", "Conv", "--cache-dir", cache)

    stride, x, y, cls, w, h, lost_score = PLANTS[LOST]
    boxes, scores = constants()
    j = column(stride, x, y)
    cx, cy = boxes[0, 0, 0, j], boxes[0, 1, 0, j]
    lost_box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
    # numpy: conv2's output ranges over [0, 255] -> the lost score rounds to 0; with conv2 float,
    # the score is conv1's output rounded over conv1's range [0, max score].
    quantized_lost = float(uint8_round(np.float32(lost_score), 0.0, 255.0))
    recovered = float(uint8_round(np.float32(lost_score), 0.0, float(scores.max())))
    check(quantized_lost == 0.0 and recovered > 0.25, f"by construction: lost score {quantized_lost}, recovered {recovered:.4f}")

    out = run(cli, "explain", fp32, qdq, image, "--missed", "--suggest", "--calibration", calib, "--cache-dir", cache,
              "--save", saved, "--json")
    r = json.loads(out)
    check(r["missed"] == 1 and len(r["boxes"]) == 1 and r["boxes"][0]["class"] == NAMES[cls],
          f"explain finds the one lost box ({r['missed']} missed, {len(r['boxes'])} explained)")
    s = r.get("suggestion", {})
    own = s.get("model_left_float", [])
    # The model's own list (what QuantLens reads back as left float) stays; the one Conv is added.
    check(s.get("added") == [BAD], f"the suggestion adds exactly [{BAD}]: {s.get('added')}")
    check(s.get("nodes_to_exclude") == own + [BAD], f"the list is the model's own plus {BAD}: {s.get('nodes_to_exclude')}")
    check(not any("conv" in n for n in own), f"the QDQ model leaves no Conv float: {own}")
    check("Conv" in s.get("settings", {}).get("op_types_to_quantize", []),
          f"settings read back: op types {s.get('settings', {}).get('op_types_to_quantize')}")
    b = s["boxes"][0] if s.get("boxes") else {}
    check(len(s.get("boxes", [])) == 1 and np.allclose(b.get("box"), lost_box, atol=1e-3), f"suggestion box {b.get('box')} vs {lost_box}")
    check(abs(b.get("fp32_score", 0) - lost_score) < 1e-6, f"FP32 score {b.get('fp32_score')} vs {lost_score}")
    bf, af = b.get("before", {}), b.get("after", {})
    check(bf.get("score", 1) == 0.0 and not bf.get("found", True), f"before: {bf} (numpy: score {quantized_lost})")
    check(abs(af.get("score", 0) - recovered) < 1e-5 and af.get("iou", 0) > 0.9 and af.get("found"),
          f"after: {af} (numpy: score {recovered:.6f})")
    check(b.get("brought_back_by") == BAD, f"brought back by {b.get('brought_back_by')}")
    check(s["before"]["recovery"] == 0.0 and abs(s["after"]["recovery"] - af.get("recovery", -1)) < 1e-9,
          f"mean recovery {s['before']['recovery']} -> {s['after']['recovery']} (one box)")
    check(isinstance(s.get("latency_cost_ms"), (int, float)) and s["after"]["model_bytes"] > 0, "latency and size cost given")
    check(s.get("saved") == saved and os.path.exists(saved), "--save wrote the list")
    if os.path.exists(saved):
        listed = ast.literal_eval(open(saved).read().strip())
        check(listed == s["nodes_to_exclude"], f"saved list {listed} is the JSON's")

    # The saved list applied by `quantize`, the model run by `detect` (a plain ONNX Runtime session).
    run(cli, "quantize", fp32, fixed, "--calib", calib, "--op-types", "Conv", "--exclude", saved, "--cache-dir", cache)
    for path, expect in ((qdq, None), (fixed, recovered)):
        dets = json.loads(run(cli, "detect", path, image, "--json"))[0]["models"][0]["detections"]
        lost = [d for d in dets if d["class_id"] == cls and np.allclose(d["box"], lost_box, atol=0.5)]
        if expect is None:
            check(not lost and len(dets) == 2, f"{os.path.basename(path)} loses the box: {len(dets)} detections")
        else:
            check(len(lost) == 1 and abs(lost[0]["score"] - expect) < 1e-5,
                  f"{os.path.basename(path)} finds it again at numpy's score {expect:.6f}: {lost}")
            if lost:
                # The suggestion's "after" figures are those of this model: IoU and recovery by numpy
                # from the box `detect` prints.
                q = np.array(lost[0]["box"], np.float64)
                t = np.array(lost_box, np.float64)
                inter = max(0.0, min(q[2], t[2]) - max(q[0], t[0])) * max(0.0, min(q[3], t[3]) - max(q[1], t[1]))
                iou = inter / ((q[2] - q[0]) * (q[3] - q[1]) + (t[2] - t[0]) * (t[3] - t[1]) - inter)
                check(abs(af.get("iou", 0) - iou) < 1e-4, f"after IoU {af.get('iou')} vs numpy's {iou:.6f} on detect's box")
                expected_recovery = min(1.0, lost[0]["score"] * iou / lost_score)
                check(abs(af.get("recovery", 0) - expected_recovery) < 1e-4,
                      f"recovery {af.get('recovery')} vs numpy's {expected_recovery:.6f}")

    # Refusals: no calibration; a quantized model whose settings cannot be read back.
    p = subprocess.run([cli, "explain", fp32, qdq, image, "--missed", "--suggest"], capture_output=True, text=True)
    check(p.returncode != 0 and "--calibration" in p.stderr, f"--suggest without --calibration: {p.returncode} {p.stderr}")
    p = subprocess.run([cli, "explain", fp32, lossy_float, image, "--missed", "--suggest", "--calibration", calib,
                        "--cache-dir", cache], capture_output=True, text=True)
    check(p.returncode != 0 and "cannot be read back" in p.stderr and "QDQ" in p.stderr,
          f"a float 'quantized' model refused: {p.returncode} {p.stderr.strip()}")
    check(p.returncode != 0 and p.stderr.count("\n") <= 2, "the refusal is one line")
    exit_on_failures()
    print("explain --suggest on a model with one badly quantized layer: OK")


if __name__ == "__main__":
    main()
