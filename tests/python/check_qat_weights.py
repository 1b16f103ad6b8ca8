#!/usr/bin/env python3
"""Checks the weight error split of `quantlens-cli inspect --weights --json` and `compare --json` on a
TensorRT-style QAT model (issue 16) against numpy.

The FP32 network: images [1,3,32,32] -> Conv -> Relu -> Conv -> Relu -> Conv -> Relu -> Add (with
the second Relu) -> Conv -> output. The QAT model is what pytorch-quantization exports after training: every node and tensor
named differently (another exporter), symmetric INT8 Q/DQ (zero point 0) on each Conv's input and,
per output channel, on its weight, and on both inputs of the Add; no Q/DQ on outputs; float biases. Its weights are the
FP32 ones *changed by training*: conv2 and conv4 moved by several quantization steps, conv3 by a
few elements only (under the 1% flag), conv1 not at all but clipped (amax under max |w|). conv1
and conv2 keep the FP32 weight with QuantizeLinear -> DequantizeLinear, conv3 and conv4 store
int8 integers with DequantizeLinear only. numpy splits each element's error e = deq - w_fp32 by its
channel's step s: rounding clamp(e, -s/2, s/2), the rest clipping where the integer sits at the
range end and the FP32 value lies beyond it, otherwise beyond rounding. QuantLens' fraction beyond
rounding, rounding-only SQNR (rounding + clipping), whole SQNR and flags must agree, and exactly
conv2 and conv4 must be flagged. A variant leaves the last Conv float (YOLOv9-QAT's option): it still
pairs, and only the three quantized weights are compared.
Usage: check_qat_weights.py QUANTLENS_CLI WORK_DIR
"""
import json
import os
import sys

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from checks import check, failures, run

SIZE = 32


def db(signal2, noise2):
    return float("inf") if noise2 == 0 else 10 * np.log10(signal2 / noise2)


def same_db(got, want, tolerance=0.01):
    if want > 150:  # JSON null: no error at all
        return got is None or got > 150
    return got is not None and abs(got - want) < tolerance


LAYERS = [  # name, (out, in), how training changed the weights
    ("conv1", (8, 3), "clipped"),
    ("conv2", (8, 8), "moved"),
    ("conv3", (8, 8), "few"),
    ("conv4", (4, 8), "moved"),
]


def make_weights(rng):
    fp32, qat, scales = {}, {}, {}
    for name, (o, i), how in LAYERS:
        w = rng.normal(0, 0.3, (o, i, 3, 3)).astype(np.float32)
        amax = np.abs(w).reshape(o, -1).max(axis=1)
        if how == "clipped":
            amax = amax * 0.8  # a fifth of the range cut: the largest weights clip
        s = (amax / 127.0).astype(np.float32)
        t = w.copy()
        if how == "moved":  # every element moved by several steps
            t = (w + rng.normal(0, 3.0, w.shape) * s[:, None, None, None]).astype(np.float32)
        elif how == "few":  # 3 of 576 elements (0.5%) moved by 4 steps
            flat = t.reshape(-1)
            for k in (5, 100, 400):
                flat[k] += 4.0 * s[k // (i * 9)]
        fp32[name], qat[name], scales[name] = w, t, s
    return fp32, qat, scales


def quantize(t, s):
    """QuantizeLinear: round half to even, saturate to int8."""
    return np.clip(np.rint(t.astype(np.float32) / s[:, None, None, None]), -128, 127).astype(np.int8)


def expected_split(w, q, s):
    s4 = s[:, None, None, None].astype(np.float64)
    deq = (q.astype(np.float32) * s[:, None, None, None]).astype(np.float64)
    w = w.astype(np.float64)
    e = deq - w
    r = np.clip(e, -s4 / 2, s4 / 2)
    rest = e - r
    upper = q >= 127
    lower = q <= -127  # symmetric: -127 (narrow) and -128 are both the bottom end
    clipped = (upper & (rest < 0)) | (lower & (rest > 0))
    beyond = ~clipped & (np.abs(rest) > 1e-3 * s4 + 4 * np.finfo(np.float32).eps * (np.abs(w) + np.abs(deq)))
    quant_err = e - np.where(clipped, 0.0, rest)
    return {
        "beyond_fraction": float(beyond.mean()),
        "beyond": int(beyond.sum()),
        "clipped": int(clipped.sum()),
        "rounding_sqnr": db(np.sum(w * w), np.sum(quant_err ** 2)),
        "sqnr": db(np.sum(w * w), np.sum(e * e)),
    }


def fp32_model(fp32, biases):
    nodes, inits, x = [], [], "images"
    for k, (name, _, _) in enumerate(LAYERS):
        out = "output0" if k == len(LAYERS) - 1 else f"c{k + 1}"
        nodes.append(helper.make_node("Conv", [x, f"{name}.weight", f"{name}.bias"], [out], name=name, pads=[1, 1, 1, 1]))
        inits += [numpy_helper.from_array(fp32[name], f"{name}.weight"), numpy_helper.from_array(biases[name], f"{name}.bias")]
        if k < len(LAYERS) - 1:
            nodes.append(helper.make_node("Relu", [out], [f"r{k + 1}"], name=f"relu{k + 1}"))
            x = f"r{k + 1}"
        if k == 2:  # a residual Add
            nodes.append(helper.make_node("Add", ["r3", "r2"], ["a3"], name="add3"))
            x = "a3"
    g = helper.make_graph(nodes, "fp32", [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
                          [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 4, SIZE, SIZE])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def qat_model(qat, scales, biases, last_float=False):
    """pytorch-quantization's export, names as another exporter writes them; `last_float`: the last
    Conv left float with its trained weight (YOLOv9-QAT's option)."""
    nodes, inits = [], []
    x = "input.1"
    act_scales = [1.0 / 127, 0.05, 0.05, 0.05]
    for k, (name, _, _) in enumerate(LAYERS):
        p = f"/backbone/block{k}/Conv"
        if last_float and k == len(LAYERS) - 1:
            inits += [numpy_helper.from_array(qat[name], f"backbone.block{k}.conv.weight"),
                      numpy_helper.from_array(biases[name], f"backbone.block{k}.conv.bias")]
            nodes.append(helper.make_node("Conv", [x, f"backbone.block{k}.conv.weight", f"backbone.block{k}.conv.bias"],
                                          ["logits"], name=p, pads=[1, 1, 1, 1]))
            break
        a_s, a_z = f"onnx::QuantizeLinear_{100 + 10 * k}", f"onnx::QuantizeLinear_{101 + 10 * k}"
        inits += [numpy_helper.from_array(np.array(act_scales[k], np.float32), a_s),
                  numpy_helper.from_array(np.array(0, np.int8), a_z)]
        nodes += [helper.make_node("QuantizeLinear", [x, a_s, a_z], [f"{p}_input_q"], name=f"{p}_input_quantizer/QuantizeLinear"),
                  helper.make_node("DequantizeLinear", [f"{p}_input_q", a_s, a_z], [f"{p}_input_dq"],
                                   name=f"{p}_input_quantizer/DequantizeLinear")]
        w_s, w_z = f"onnx::DequantizeLinear_{102 + 10 * k}", f"onnx::DequantizeLinear_{103 + 10 * k}"
        inits += [numpy_helper.from_array(scales[name], w_s),
                  numpy_helper.from_array(np.zeros(scales[name].shape, np.int8), w_z)]
        if k < 2:  # the trained float weight, quantized at run time
            inits.append(numpy_helper.from_array(qat[name], f"backbone.block{k}.conv.weight"))
            nodes += [helper.make_node("QuantizeLinear", [f"backbone.block{k}.conv.weight", w_s, w_z], [f"{p}_weight_q"],
                                       name=f"{p}_weight_quantizer/QuantizeLinear", axis=0),
                      helper.make_node("DequantizeLinear", [f"{p}_weight_q", w_s, w_z], [f"{p}_weight_dq"],
                                       name=f"{p}_weight_quantizer/DequantizeLinear", axis=0)]
        else:  # stored as int8
            inits.append(numpy_helper.from_array(quantize(qat[name], scales[name]), f"backbone.block{k}.conv.weight_int8"))
            nodes.append(helper.make_node("DequantizeLinear", [f"backbone.block{k}.conv.weight_int8", w_s, w_z],
                                          [f"{p}_weight_dq"], name=f"{p}_weight_quantizer/DequantizeLinear", axis=0))
        inits.append(numpy_helper.from_array(biases[name], f"backbone.block{k}.conv.bias"))
        out = "logits" if k == len(LAYERS) - 1 else f"{p}_output_0"
        nodes.append(helper.make_node("Conv", [f"{p}_input_dq", f"{p}_weight_dq", f"backbone.block{k}.conv.bias"], [out],
                                      name=p, pads=[1, 1, 1, 1]))
        if k < len(LAYERS) - 1:
            nodes.append(helper.make_node("Relu", [out], [f"/backbone/block{k}/act/Relu_output_0"], name=f"/backbone/block{k}/act/Relu"))
            x = f"/backbone/block{k}/act/Relu_output_0"
        if k == 2:  # the residual Add, Q/DQ on both its inputs (none on its output)
            ins = []
            for j, src in enumerate([x, "/backbone/block1/act/Relu_output_0"]):
                q_s, q_z = f"/backbone/add/input{j}_scale", f"/backbone/add/input{j}_zero_point"
                inits += [numpy_helper.from_array(np.array(0.04 + 0.01 * j, np.float32), q_s),
                          numpy_helper.from_array(np.array(0, np.int8), q_z)]
                nodes += [helper.make_node("QuantizeLinear", [src, q_s, q_z], [f"/backbone/add/in{j}_q"],
                                           name=f"/backbone/add/input{j}_quantizer/QuantizeLinear"),
                          helper.make_node("DequantizeLinear", [f"/backbone/add/in{j}_q", q_s, q_z], [f"/backbone/add/in{j}_dq"],
                                           name=f"/backbone/add/input{j}_quantizer/DequantizeLinear")]
                ins.append(f"/backbone/add/in{j}_dq")
            nodes.append(helper.make_node("Add", ins, ["/backbone/add/Add_output_0"], name="/backbone/add/Add"))
            x = "/backbone/add/Add_output_0"
    g = helper.make_graph(nodes, "qat", [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 4, SIZE, SIZE])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def main():
    cli, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(16)
    fp32, qat, scales = make_weights(rng)
    biases = {name: rng.normal(0, 0.1, o).astype(np.float32) for name, (o, _), _ in LAYERS}
    fp32_path, qat_path = os.path.join(work, "fp32.onnx"), os.path.join(work, "qat.onnx")
    onnx.save(fp32_model(fp32, biases), fp32_path)
    onnx.save(qat_model(qat, scales, biases), qat_path)

    expected = {}
    for name, _, how in LAYERS:
        expected[name] = expected_split(fp32[name], quantize(qat[name], scales[name]), scales[name])
        print(name, how, expected[name])
    check(expected["conv1"]["clipped"] > 0 and expected["conv1"]["beyond"] == 0, "numpy: conv1 clips and moved nothing")
    check(0 < expected["conv3"]["beyond_fraction"] < 0.01, "numpy: conv3 moved under 1% of its elements")
    check(expected["conv2"]["beyond_fraction"] > 0.5 and expected["conv4"]["beyond_fraction"] > 0.5,
          "numpy: conv2 and conv4 moved most elements")

    report = json.loads(run(cli, "inspect", fp32_path, qat_path, "--weights", "--json"))
    pairing = report["pairing"]
    check(pairing["unmatched"] == 0 and pairing["matched_by_name"] == 0 and pairing["matched_by_structure"] == 8,
          f"pairing by structure alone, every node: {pairing}")
    rows = {r["fp32_name"]: r for r in report["weights"]}
    for name, _, how in LAYERS:
        row = rows.get(f"{name}.weight")
        check(row is not None and "metrics" in row, f"{name}: weight paired with '{name}.weight' and compared")
        if not row or "metrics" not in row:
            continue
        want = expected[name]
        check(abs(row["beyond_rounding_fraction"] - want["beyond_fraction"]) < 1e-9 and
              row["beyond_rounding_elements"] == want["beyond"],
              f"{name}: beyond rounding {row['beyond_rounding_elements']} ({row['beyond_rounding_fraction']:.4f}), "
              f"numpy {want['beyond']} ({want['beyond_fraction']:.4f})")
        check(row["clipped_elements"] == want["clipped"], f"{name}: clipped {row['clipped_elements']}, numpy {want['clipped']}")
        check(same_db(row["rounding_sqnr_db"], want["rounding_sqnr"]),
              f"{name}: rounding-only SQNR {row['rounding_sqnr_db']}, numpy {want['rounding_sqnr']:.3f}")
        check(same_db(row["metrics"]["sqnr_db"], want["sqnr"]),
              f"{name}: whole SQNR {row['metrics']['sqnr_db']}, numpy {want['sqnr']:.3f}")
        check(row["weights_changed"] == (how == "moved"), f"{name}: flagged {row['weights_changed']} ({how})")
    check(report["weights_changed"] == 2, f"inspect JSON: 2 layers changed ({report['weights_changed']})")
    check(report["weights_verdict"].startswith("2 of 4 weights differ from the FP32 file by more than rounding"),
          f"inspect JSON verdict: {report['weights_verdict']!r}")

    text = run(cli, "inspect", fp32_path, qat_path, "--weights")
    check("Weights: 2 of 4 weights differ from the FP32 file by more than rounding: a QAT model or another checkpoint"
          in text, "inspect text: the verdict line")
    check(text.count("weights changed (training or another checkpoint)") == 2, "inspect text: two layers flagged")

    # The last layer left float (no Q/DQ): three quantized weights compared, one of them changed.
    last_path = os.path.join(work, "qat_last_float.onnx")
    onnx.save(qat_model(qat, scales, biases, last_float=True), last_path)
    report = json.loads(run(cli, "inspect", fp32_path, last_path, "--weights", "--json"))
    check(report["pairing"]["unmatched"] == 0 and report["pairing"]["matched_by_structure"] == 8,
          f"last layer float: every node paired by structure ({report['pairing']})")
    check(len(report["weights"]) == 3 and report["weights_changed"] == 1 and
          report["weights_verdict"].startswith("1 of 3 weights differs from the FP32 file"),
          f"last layer float: 1 of 3 weights changed ({report['weights_verdict']!r})")

    # A model quantized from the FP32 file itself: nothing beyond rounding, no verdict.
    own = qat_model(fp32, scales, biases)
    own_path = os.path.join(work, "own.onnx")
    onnx.save(own, own_path)
    report = json.loads(run(cli, "inspect", fp32_path, own_path, "--weights", "--json"))
    check(report["weights_changed"] == 0 and report["weights_verdict"] == "" and
          all(r["beyond_rounding_elements"] == 0 for r in report["weights"]),
          "own weights: nothing beyond rounding, no verdict")

    img = rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)
    image = os.path.join(work, "noise.png")
    cv2.imwrite(image, img)
    args = ["--images", image, "--resize", "resize"]
    report = json.loads(run(cli, "compare", fp32_path, qat_path, *args, "--json"))
    check(report.get("weights_verdict", "").startswith("2 of 4 weights differ from the FP32 file by more than rounding"),
          f"compare JSON verdict: {report.get('weights_verdict')!r}")
    check(len(report.get("layers", [])) >= 4, f"compare: activation rows paired ({len(report.get('layers', []))})")
    text = run(cli, "compare", fp32_path, qat_path, *args)
    check("Weights: 2 of 4 weights differ" in text, "compare text: the verdict line")

    if failures:
        print(f"{len(failures)} failures")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
