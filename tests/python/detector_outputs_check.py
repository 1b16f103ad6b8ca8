#!/usr/bin/env python3
"""Checks `quantlens-cli compare` and `inspect` on detector outputs against numpy, on a model pair
built here: a YOLO-style output [1, 4+2, 84] (Ultralytics layout for a 64x64 input) that is a
constant, so the FP32 output is known exactly and the quantized one is numpy's Q/DQ of it.

- "collapsed": the whole output goes through one Q/DQ pair with step 2.5 (boxes of 0..64 px set
  it), so every class score of 0..1 rounds to 0: compare and inspect must report a failure.
- "healthy": boxes and scores are quantized apart (steps 0.25 and 1/255) and then concatenated:
  no failure, and the part SQNRs are numpy's.
Usage: detector_outputs_check.py QUANTLENS_CLI WORK_DIR
"""
import json
import os
import subprocess
import sys

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SIZE = 64
CELLS = sum((SIZE // s) ** 2 for s in (8, 16, 32))  # 84 anchors
CLASSES = 2


def constant_output():
    rng = np.random.default_rng(7)
    out = np.zeros((1, 4 + CLASSES, CELLS), np.float32)
    out[0, 0] = rng.uniform(4, 60, CELLS)   # cx
    out[0, 1] = rng.uniform(4, 60, CELLS)   # cy
    out[0, 2] = rng.uniform(3, 8, CELLS)    # w
    out[0, 3] = rng.uniform(3, 8, CELLS)    # h
    out[0, 4:] = rng.uniform(0.0, 0.1, (CLASSES, CELLS))
    # Three confident, well separated objects.
    for anchor, (cx, cy, cls, score) in zip((5, 40, 70), ((12, 12, 0, 0.9), (50, 14, 1, 0.8), (30, 50, 0, 0.7))):
        out[0, 0:4, anchor] = (cx, cy, 10, 10)
        out[0, 4 + cls, anchor] = score
    return out


def qdq(x, scale, zero_point=0):
    q = np.clip(np.rint(x / np.float32(scale)) + zero_point, 0, 255)
    return ((q - zero_point) * np.float32(scale)).astype(np.float32)


def base_nodes(const_name):
    """images -> ReduceMean -> *0 -> + constant: the output ignores the image but still depends on it."""
    return [
        helper.make_node("ReduceMean", ["images"], ["mean"], axes=[1, 2, 3], keepdims=0, name="mean"),
        helper.make_node("Mul", ["mean", "zero"], ["nothing"], name="times_zero"),
        helper.make_node("Add", [const_name, "nothing"], ["raw"], name="add_constant"),
    ]


def save_model(path, nodes, inits):
    graph = helper.make_graph(
        nodes, "detector",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 4 + CLASSES, CELLS])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def scalar(name, value, dtype):
    return numpy_helper.from_array(np.array(value, dtype=dtype), name)


def build(work, c):
    common = [numpy_helper.from_array(c, "C"), scalar("zero", 0.0, np.float32)]
    save_model(os.path.join(work, "fp32.onnx"), base_nodes("C") + [helper.make_node("Identity", ["raw"], ["output0"])],
               common)
    collapsed = base_nodes("C") + [
        helper.make_node("QuantizeLinear", ["raw", "s_out", "zp_out"], ["raw_q"], name="output_q"),
        helper.make_node("DequantizeLinear", ["raw_q", "s_out", "zp_out"], ["output0"], name="output_dq"),
    ]
    save_model(os.path.join(work, "collapsed.onnx"), collapsed,
               common + [scalar("s_out", 2.5, np.float32), scalar("zp_out", 0, np.uint8)])
    healthy = base_nodes("C") + [
        helper.make_node("Split", ["raw", "split"], ["boxes", "scores"], axis=1, name="split"),
        helper.make_node("QuantizeLinear", ["boxes", "s_box", "zp"], ["boxes_q"], name="boxes_q"),
        helper.make_node("DequantizeLinear", ["boxes_q", "s_box", "zp"], ["boxes_dq"], name="boxes_dq"),
        helper.make_node("QuantizeLinear", ["scores", "s_score", "zp"], ["scores_q"], name="scores_q"),
        helper.make_node("DequantizeLinear", ["scores_q", "s_score", "zp"], ["scores_dq"], name="scores_dq"),
        helper.make_node("Concat", ["boxes_dq", "scores_dq"], ["output0"], axis=1, name="concat"),
    ]
    save_model(os.path.join(work, "healthy.onnx"), healthy,
               common + [numpy_helper.from_array(np.array([4, CLASSES], np.int64), "split"),
                         scalar("s_box", 0.25, np.float32), scalar("s_score", 1.0 / 255.0, np.float32),
                         scalar("zp", 0, np.uint8)])
    healthy_out = np.concatenate([qdq(c[:, :4], 0.25), qdq(c[:, 4:], 1.0 / 255.0)], axis=1)
    return {"collapsed": qdq(c, 2.5), "healthy": healthy_out}


def sqnr(ref, test):
    ref = ref.astype(np.float64).ravel()
    err = ref - test.astype(np.float64).ravel()
    e = np.sum(err * err)
    return float("inf") if e == 0 else 10.0 * np.log10(np.sum(ref * ref) / e)


def run(cli, *args):
    p = subprocess.run([cli, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: quantlens-cli {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.stdout


def check(condition, message):
    if not condition:
        sys.exit("FAIL: " + message)
    print("ok:", message)


def main():
    cli, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    c = constant_output()
    expected = build(work, c)
    images = []
    rng = np.random.default_rng(1)
    for i in range(2):
        images.append(os.path.join(work, f"noise{i}.png"))
        cv2.imwrite(images[-1], rng.integers(0, 256, (48, 80, 3), dtype=np.uint8))

    for name, quantized in expected.items():
        report = json.loads(run(cli, "compare", os.path.join(work, "fp32.onnx"), os.path.join(work, name + ".onnx"),
                                "--images", *images, "--json"))
        out = report["outputs"][0]
        check(out.get("layout") == "ultralytics", f"{name}: output read as ultralytics")
        parts = {p["part"]: p for p in out["parts"]}
        for part, rows in (("boxes", slice(0, 4)), ("class scores", slice(4, None))):
            want = sqnr(c[:, rows], quantized[:, rows])
            got = parts[part]["metrics"]["sqnr_db"]
            got = float("inf") if got is None else got
            check(abs(got - want) < 1e-3 or (got == want), f"{name}: {part} SQNR {got} vs numpy {want}")
        want_whole = sqnr(c, quantized)
        check(abs(out["metrics"]["sqnr_db"] - want_whole) < 1e-3,
              f"{name}: whole-output SQNR {out['metrics']['sqnr_db']} vs numpy {want_whole}")
        fidelity = report["detection_fidelity"]
        check(fidelity["fp32_boxes"] == 3 * len(images), f"{name}: 3 FP32 boxes per image")
        collapsed = name == "collapsed"
        failures = out["failures"]
        check(bool(failures) == collapsed, f"{name}: failures {failures}")
        if collapsed:
            check(any("class scores collapse" in f for f in failures), "collapsed: says the class scores collapse")
            check(fidelity["missed"] == 3 * len(images) and fidelity["quantized_boxes"] == 0,
                  "collapsed: every FP32 box missed")
        else:
            check(fidelity["matched"] == 3 * len(images) and fidelity["missed"] == 0 and fidelity["extra"] == 0,
                  "healthy: every FP32 box matched")
        summary = json.loads(run(cli, "inspect", os.path.join(work, name + ".onnx"), "--json"))
        problems = summary["models"][0]["score_problems"]
        check(any(p["failure"] and abs(p["scale"] - 2.5) < 1e-6 for p in problems) == collapsed,
              f"{name}: inspect finds the collapsing output step from the scales alone: {problems}")
        text = run(cli, "compare", os.path.join(work, "fp32.onnx"), os.path.join(work, name + ".onnx"),
                   "--images", *images)
        check(("FAILURE: class scores collapse" in text) == collapsed, f"{name}: the text report leads with the failure")
    print("passed")


if __name__ == "__main__":
    main()
