#!/usr/bin/env python3
"""Checks `quantlens-cli compare --json` per-layer figures on MatMul-based models in the formats
check_perlayer_formats.py does not cover: MatMulInteger (quantize_dynamic), QLinearMatMul and QGemm
(QOperator), and BF16 (Casts to bfloat16 and back, as a BF16 export stores its tensors), against
numpy on models built here.

The FP32 network: images [1,3,8,8] -> MatMul(W1 [8,8]) m1 -> Sigmoid s1 -> MatMul(W2 [8,8]) m2 ->
Flatten f -> Gemm(W3 [192,10], b3) g = output0. numpy runs the integer arithmetic of every operator
(DynamicQuantizeLinear's per-image scale, MatMulInteger's int32 accumulation, QLinearMatMul's and
QGemm's requantization, QLinearSigmoid's table), dequantizes each result with its own scale and zero
point, and computes the SQNR against its own FP32 computation; QuantLens' accumulated SQNR of each
paired tensor must agree. numpy has no bfloat16: the BF16 model's rounding is emulated on the
float32 bits (round to nearest even, keep the top 16 bits). A model whose MatMul itself runs in
bfloat16, which ONNX Runtime's CPU provider has no kernel for, must be refused with a clear message.
Usage: check_perlayer_matmul.py QUANTLENS_CLI WORK_DIR
"""
import json
import os
import subprocess
import sys

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from checks import check, exit_on_failures, run

SIZE = 8


def sqnr(ref, test):
    ref = np.asarray(ref, np.float64).ravel()
    err = ref - np.asarray(test, np.float64).ravel()
    e = float(np.sum(err * err))
    return float("inf") if e == 0 else 10 * np.log10(float(np.sum(ref * ref)) / e)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def f32(t):
    return np.asarray(t, np.float32).astype(np.float64)


def bf16(t):
    """float32 -> bfloat16 -> float32 in numpy: round to nearest even on the top 16 bits."""
    u = np.ascontiguousarray(np.asarray(t, np.float32)).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000
    return u.astype(np.uint32).view(np.float32).astype(np.float64)


def forward(x, p, r=f32):
    """The network in float64, every tensor passed through `r` (float32, or bfloat16 rounding)."""
    m1 = r(x @ p["W1"])
    s1 = r(sigmoid(m1))
    m2 = r(s1 @ p["W2"])
    f = m2.reshape(1, -1)
    g = r(f @ p["W3"] + p["b3"])
    return {"m1": m1, "s1": s1, "m2": m2, "g": g}


def params(rng):
    return {"W1": rng.normal(0, 0.5, (SIZE, SIZE)).astype(np.float32),
            "W2": rng.normal(0, 0.5, (SIZE, SIZE)).astype(np.float32),
            "W3": rng.normal(0, 0.1, (3 * SIZE * SIZE, 10)).astype(np.float32),
            "b3": rng.normal(0, 0.1, 10).astype(np.float32)}


def graph_io(nodes, name, inits, opsets=(("", 13),)):
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
                          [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 10])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])


def fp32_model(p):
    nodes = [helper.make_node("MatMul", ["images", "W1"], ["m1"], name="mm1"),
             helper.make_node("Sigmoid", ["m1"], ["s1"], name="sig1"),
             helper.make_node("MatMul", ["s1", "W2"], ["m2"], name="mm2"),
             helper.make_node("Flatten", ["m2"], ["f"], name="flat", axis=1),
             helper.make_node("Gemm", ["f", "W3", "b3"], ["output0"], name="gemm")]
    return graph_io(nodes, "fp32", [numpy_helper.from_array(v, k) for k, v in p.items()])


def act_params(t):
    lo, hi = min(float(t.min()), 0.0), max(float(t.max()), 0.0)
    scale = np.float32((hi - lo) / 255.0)
    return scale, int(np.clip(np.rint(-lo / np.float64(scale)), 0, 255))


def quant(x, scale, zp):
    return np.clip(np.rint(x / np.float64(scale)) + zp, 0, 255).astype(np.int64)


def deq(q, scale, zp):
    return (q - zp).astype(np.float64) * np.float64(scale)


def sym_weights(w):
    s = np.float32(np.abs(w).max() / 127)
    return np.clip(np.rint(w / s), -127, 127).astype(np.int8), s


def dynamic_model(p, x):
    """quantize_dynamic's MatMul chain (DynamicQuantizeLinear, MatMulInteger, Cast, Mul); the Gemm
    stays float as quantize_dynamic leaves it. Returns the model and {row: (FP32 name, numpy value)}."""
    f = forward(x, p)
    inits, nodes, expected = [], [], {}

    def chain(tag, src, w, out):
        wq, ws = sym_weights(w)
        inits.extend([numpy_helper.from_array(wq, tag + "_quantized"),
                      numpy_helper.from_array(np.array(ws, np.float32), tag + "_scale"),
                      numpy_helper.from_array(np.array(0, np.int8), tag + "_zero_point")])
        nodes.extend([
            helper.make_node("DynamicQuantizeLinear", [src], [src + "_q", src + "_scale", src + "_zp"], name=src + "_dql"),
            helper.make_node("Mul", [src + "_scale", tag + "_scale"], [tag + "_scales"], name=tag + "_scales_mul"),
            helper.make_node("MatMulInteger", [src + "_q", tag + "_quantized", src + "_zp", tag + "_zero_point"],
                             [tag + "_acc"], name=tag + "_quant"),
            helper.make_node("Cast", [tag + "_acc"], [tag + "_accf"], name=tag + "_cast", to=TensorProto.FLOAT),
            helper.make_node("Mul", [tag + "_accf", tag + "_scales"], [out], name=tag + "_out_mul")])
        return wq.astype(np.int64), ws

    def dyn_q(t):
        lo, hi = min(float(t.min()), 0.0), max(float(t.max()), 0.0)
        s = np.float32((hi - lo) / 255.0)
        zp = int(np.clip(np.rint(-lo / np.float64(s)), 0, 255))
        return quant(t, s, zp), s, zp

    # numpy: (x_q - x_zp) @ w_q accumulated in integers, times x_scale * w_scale.
    w1q, w1s = chain("W1", "images", p["W1"], "t_m1")
    xq, xs, xz = dyn_q(x)
    t_m1 = f32(((xq - xz) @ w1q).astype(np.float64) * np.float64(np.float32(xs * w1s)))
    nodes.append(helper.make_node("Sigmoid", ["t_m1"], ["t_s1"], name="sig_x"))
    t_s1 = f32(sigmoid(t_m1))
    w2q, w2s = chain("W2", "t_s1", p["W2"], "t_m2")
    sq, ss, sz = dyn_q(t_s1)
    t_m2 = f32(((sq - sz) @ w2q).astype(np.float64) * np.float64(np.float32(ss * w2s)))
    nodes.append(helper.make_node("Flatten", ["t_m2"], ["t_f"], name="flat_x", axis=1))
    nodes.append(helper.make_node("Gemm", ["t_f", "W3", "b3"], ["output0"], name="gemm_x"))
    inits.extend([numpy_helper.from_array(p["W3"], "W3"), numpy_helper.from_array(p["b3"], "b3")])
    out = t_m2.reshape(1, -1) @ p["W3"] + p["b3"]
    # t_s1's row is the value the next layer reads: after its DynamicQuantizeLinear, dequantized.
    expected.update({"t_m1": ("m1", f["m1"], t_m1), "t_s1": ("s1", f["s1"], deq(sq, ss, sz)),
                     "t_m2": ("m2", f["m2"], t_m2), "output0": ("output0", f["g"], out)})
    return graph_io(nodes, "dynamic", inits), expected


def qoperator_model(p, x):
    """QuantizeLinear, QLinearMatMul, QLinearSigmoid, QLinearMatMul, Flatten (uint8), QGemm,
    DequantizeLinear, with numpy's integer results of each: {row: (FP32 name, FP32 value, numpy value)}."""
    f = forward(x, p)
    s = {k: act_params(f[k]) for k in ("m1", "s1", "m2", "g")}
    xs, xz = np.float32(1 / 200), 3
    inits = {}

    def add(name, v):
        inits[name] = numpy_helper.from_array(v, name)

    add("in_s", np.array(xs, np.float32))
    add("in_z", np.array(xz, np.uint8))
    for k, (sc, zp) in s.items():
        add(k + "_s", np.array(sc, np.float32))
        add(k + "_z", np.array(zp, np.uint8))
    wq = {}
    for k in ("W1", "W2", "W3"):
        q, ws = sym_weights(p[k])
        wq[k] = (q.astype(np.int64), ws)
        add(k + "_quantized", q)
        add(k + "_scale", np.array(ws, np.float32))
        add(k + "_zero_point", np.array(0, np.int8))
    b3q = np.rint(p["b3"] / (np.float64(s["m2"][0]) * np.float64(wq["W3"][1]))).astype(np.int32)
    add("b3_quantized", b3q)

    def requant(acc, a_s, b_s, ys, yz):
        return np.clip(np.rint(acc.astype(np.float64) * (np.float64(a_s) * np.float64(b_s) / np.float64(ys))) + yz,
                       0, 255).astype(np.int64)

    expected, pre = {}, {}
    xq = quant(x, xs, xz)
    expected["images"] = ("images", x, deq(xq, xs, xz))
    # Before rounding: each operator in float on its dequantized inputs (the bias as int32 x scales).
    pre["q_m1"] = deq(xq, xs, xz) @ (wq["W1"][0] * np.float64(wq["W1"][1]))
    m1q = requant((xq - xz) @ wq["W1"][0], xs, wq["W1"][1], *s["m1"])
    expected["q_m1"] = ("m1", f["m1"], deq(m1q, *s["m1"]))
    table = quant(sigmoid(deq(np.arange(256), *s["m1"])), *s["s1"])
    s1q = table[m1q]
    pre["q_s1"] = sigmoid(deq(m1q, *s["m1"]))
    pre["q_m2"] = deq(s1q, *s["s1"]) @ (wq["W2"][0] * np.float64(wq["W2"][1]))
    expected["q_s1"] = ("s1", f["s1"], deq(s1q, *s["s1"]))
    m2q = requant((s1q - s["s1"][1]) @ wq["W2"][0], s["s1"][0], wq["W2"][1], *s["m2"])
    expected["q_m2"] = ("m2", f["m2"], deq(m2q, *s["m2"]))
    acc = (m2q.reshape(1, -1) - s["m2"][1]) @ wq["W3"][0] + b3q.astype(np.int64)
    gq = requant(acc, s["m2"][0], wq["W3"][1], *s["g"])
    pre["q_g"] = (deq(m2q, *s["m2"]).reshape(1, -1) @ (wq["W3"][0] * np.float64(wq["W3"][1])) +
                  b3q * (np.float64(s["m2"][0]) * np.float64(wq["W3"][1])))
    expected["q_g"] = ("output0", f["g"], deq(gq, *s["g"]))

    ms = "com.microsoft"
    nodes = [
        helper.make_node("QuantizeLinear", ["images", "in_s", "in_z"], ["q_in"], name="quantize_input"),
        helper.make_node("QLinearMatMul", ["q_in", "in_s", "in_z", "W1_quantized", "W1_scale", "W1_zero_point",
                                           "m1_s", "m1_z"], ["q_m1"], name="qmm_a"),
        helper.make_node("QLinearSigmoid", ["q_m1", "m1_s", "m1_z", "s1_s", "s1_z"], ["q_s1"], name="qsig_a", domain=ms),
        helper.make_node("QLinearMatMul", ["q_s1", "s1_s", "s1_z", "W2_quantized", "W2_scale", "W2_zero_point",
                                           "m2_s", "m2_z"], ["q_m2"], name="qmm_b"),
        helper.make_node("Flatten", ["q_m2"], ["q_f"], name="qflat", axis=1),
        helper.make_node("QGemm", ["q_f", "m2_s", "m2_z", "W3_quantized", "W3_scale", "W3_zero_point", "b3_quantized",
                                   "g_s", "g_z"], ["q_g"], name="qgemm_a", domain=ms),
        helper.make_node("DequantizeLinear", ["q_g", "g_s", "g_z"], ["output0"], name="dequantize_output"),
    ]
    weights = {"W1": (wq["W1"][0] * np.float64(wq["W1"][1]), p["W1"]),
               "W2": (wq["W2"][0] * np.float64(wq["W2"][1]), p["W2"]),
               "W3": (wq["W3"][0] * np.float64(wq["W3"][1]), p["W3"]),
               "b3": (b3q * (np.float64(s["m2"][0]) * np.float64(wq["W3"][1])), p["b3"])}
    return graph_io(nodes, "qoperator", list(inits.values()), (("", 13), (ms, 1))), expected, weights, pre


def bf16_model(p):
    """BF16 storage as an export writes it: weights stored as bfloat16 and Cast to float before use,
    every activation (the input too) Cast to bfloat16 and back."""
    nodes, inits = [], []

    def rounded(t):
        nodes.append(helper.make_node("Cast", [t], [t + "_bf16"], name=t + "_to_bf16", to=TensorProto.BFLOAT16))
        nodes.append(helper.make_node("Cast", [t + "_bf16"], [t + "_r"], name=t + "_to_f32", to=TensorProto.FLOAT))
        return t + "_r"

    for k, v in p.items():
        u = np.ascontiguousarray(v).view(np.uint32).astype(np.uint64)
        bits = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype("<u2")
        t = helper.make_tensor(k + "_bf16", TensorProto.BFLOAT16, v.shape, bits.tobytes(), raw=True)
        inits.append(t)
        nodes.append(helper.make_node("Cast", [k + "_bf16"], [k], name=k + "_cast", to=TensorProto.FLOAT))
    x = rounded("images")
    nodes.append(helper.make_node("MatMul", [x, "W1"], ["m1"], name="mm1"))
    nodes.append(helper.make_node("Sigmoid", [rounded("m1")], ["s1"], name="sig1"))
    nodes.append(helper.make_node("MatMul", [rounded("s1"), "W2"], ["m2"], name="mm2"))
    nodes.append(helper.make_node("Flatten", [rounded("m2")], ["f"], name="flat", axis=1))
    nodes.append(helper.make_node("Gemm", ["f", "W3", "b3"], ["g"], name="gemm"))
    nodes.append(helper.make_node("Identity", [rounded("g")], ["output0"], name="out"))
    return graph_io(nodes, "bf16", inits)


def bf16_compute_model(p):
    """The MatMuls themselves in bfloat16 (no Cast back before them)."""
    inits = [numpy_helper.from_array(p["W1"], "W1")]
    nodes = [helper.make_node("Cast", ["images"], ["x_bf16"], name="to_bf16", to=TensorProto.BFLOAT16),
             helper.make_node("Cast", ["W1"], ["W1_bf16"], name="w_to_bf16", to=TensorProto.BFLOAT16),
             helper.make_node("MatMul", ["x_bf16", "W1_bf16"], ["m1_bf16"], name="mm1_bf16"),
             helper.make_node("Cast", ["m1_bf16"], ["m1"], name="to_f32", to=TensorProto.FLOAT),
             helper.make_node("Sigmoid", ["m1"], ["s1"], name="sig1"),
             helper.make_node("Flatten", ["s1"], ["f"], name="flat", axis=1),
             helper.make_node("Gemm", ["f", "W3", "b3"], ["output0"], name="gemm")]
    inits += [numpy_helper.from_array(p["W3"], "W3"), numpy_helper.from_array(p["b3"], "b3")]
    return graph_io(nodes, "bf16_compute", inits)


def rows_of(cli, work, a, b, args):
    report = json.loads(run(cli, "compare", os.path.join(work, a), os.path.join(work, b), *args))
    return {r["name"]: r for r in report["layers"]}


def check_rows(label, rows, expected, tolerance):
    for name, (fp32_name, ref, got_q) in expected.items():
        row = rows.get(name)
        check(row is not None and "accumulated" in row, f"{label}: '{name}' has a per-layer row")
        if not row or "accumulated" not in row:
            continue
        check(row["fp32_name"] == fp32_name, f"{label}: '{name}' pairs with FP32 '{fp32_name}' (got '{row['fp32_name']}')")
        want = sqnr(ref, got_q)
        got = row["accumulated"]["sqnr_db"]
        check(got is not None and abs(got - want) < tolerance,
              f"{label}: '{name}' accumulated SQNR {got} vs numpy {want:.3f}")


def main():
    cli, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(7)
    p = params(rng)
    img = rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)
    image = os.path.join(work, "noise.png")
    cv2.imwrite(image, img)
    x = f32((img[:, :, ::-1].astype(np.float64) / 255.0).transpose(2, 0, 1)[None])
    args = ["--images", image, "--json", "--order", "topo", "--top", "0", "--resize", "resize"]
    onnx.save(fp32_model(p), os.path.join(work, "fp32.onnx"))

    # MatMulInteger: the integer accumulation is exact, so only float rounding separates the figures.
    dyn, expected = dynamic_model(p, x)
    onnx.save(dyn, os.path.join(work, "dynamic.onnx"))
    rows = rows_of(cli, work, "fp32.onnx", "dynamic.onnx", args)
    check_rows("MatMulInteger", rows, {k: v for k, v in expected.items() if k != "output0"}, 0.05)

    # QLinearMatMul and QGemm: ONNX Runtime may round a rare tie the other way (a few hundredths of a dB).
    qop, expected, weights, pre = qoperator_model(p, x)
    onnx.save(qop, os.path.join(work, "qoperator.onnx"))
    rows = rows_of(cli, work, "fp32.onnx", "qoperator.onnx", args)
    check_rows("QLinearMatMul/QGemm", rows, expected, 0.1)
    # Own rounding: the dequantized output against the operator recomputed in float.
    for name, before in pre.items():
        got = rows.get(name, {}).get("rounding", {}).get("sqnr_db")
        want = sqnr(before, expected[name][2])
        check(got is not None and abs(got - want) < 0.1, f"QLinearMatMul/QGemm: '{name}' rounding SQNR {got} vs numpy {want:.3f}")
    check(rows.get("q_g", {}).get("op") in (None, "Gemm", "QGemm"), "QGemm row present")
    wj = json.loads(run(cli, "inspect", os.path.join(work, "fp32.onnx"), os.path.join(work, "qoperator.onnx"),
                        "--weights", "--json"))
    wrows = {w["name"]: w for w in wj.get("weights", [])}
    for name, (deq_w, ref) in weights.items():
        w = wrows.get(name)
        check(w is not None and "metrics" in w, f"QLinearMatMul/QGemm weights: '{name}' compared")
        if w and "metrics" in w:
            want = sqnr(ref, deq_w)
            check(abs(w["metrics"]["sqnr_db"] - want) < 0.01,
                  f"QLinearMatMul/QGemm weights: '{name}' SQNR {w['metrics']['sqnr_db']} vs numpy {want:.3f}")

    # BF16 storage: numpy rounds every tensor the model Casts to bfloat16.
    onnx.save(bf16_model(p), os.path.join(work, "bf16.onnx"))
    rows = rows_of(cli, work, "fp32.onnx", "bf16.onnx", args)
    fp = forward(x, p)
    pb = {k: bf16(v) for k, v in p.items()}
    xb = bf16(x)
    m1 = f32(xb @ pb["W1"])
    s1 = f32(sigmoid(bf16(m1)))
    m2 = f32(bf16(s1) @ pb["W2"])
    g = f32(bf16(m2).reshape(1, -1) @ pb["W3"] + pb["b3"])
    check_rows("BF16", rows, {"m1": ("m1", fp["m1"], m1), "s1": ("s1", fp["s1"], s1), "m2": ("m2", fp["m2"], m2),
                              "g": ("output0", fp["g"], g)}, 0.05)

    # A MatMul computed in bfloat16: ONNX Runtime's CPU provider has no kernel; a clear refusal.
    path = os.path.join(work, "bf16_compute.onnx")
    onnx.save(bf16_compute_model(p), path)
    r = subprocess.run([cli, "compare", os.path.join(work, "fp32.onnx"), path, *args], capture_output=True, text=True)
    msg = r.stdout + r.stderr
    check(r.returncode != 0, f"BF16 compute: refused (exit {r.returncode})")
    check("bf16_compute.onnx" in msg and "bfloat16" in msg.lower() and "mm1_bf16" in msg,
          f"BF16 compute: the message names the file, the node and bfloat16 ({msg.strip()[:300]!r})")
    exit_on_failures()
    print("all checks passed")


if __name__ == "__main__":
    main()
