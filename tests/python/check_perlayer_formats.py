#!/usr/bin/env python3
"""Checks `quantlens-cli compare --json` per-layer figures on QOperator, dynamic and FP16 models, and
`inspect --weights --json` on the QOperator model, against numpy, on models built here.

The FP32 network: images [1,3,32,32] -> Conv -> Sigmoid -> Conv -> Add(with the Sigmoid) ->
Concat(Add, Sigmoid) -> output. The QOperator model is that network quantized by hand with
numpy-computed scales (QuantizeLinear, QLinearConv, QLinearSigmoid, QLinearConv, QLinearAdd,
QLinearConcat, DequantizeLinear), with node and tensor names unlike the FP32 ones so that
QuantLens must pair them by structure. numpy runs the integer arithmetic of each operator itself,
dequantizes every output with its own scale and zero point, and computes the SQNR against its own
FP32 computation; QuantLens' accumulated SQNR of each paired tensor must agree. The FP16 model is
the FP32 one with FP16 weights and Casts at its borders; numpy bounds its figures (FP16 weights
alone, every tensor rounded to FP16). The dynamic model is the network as quantize_dynamic writes
it (DynamicQuantizeLinear, ConvInteger, Cast, Mul, Add); numpy runs the integer arithmetic and
checks accumulated and rounding SQNR and the scale computed at run time.
Usage: check_perlayer_formats.py QUANTLENS_CLI WORK_DIR
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


def sqnr(ref, test):
    ref = ref.astype(np.float64).ravel()
    err = ref - test.astype(np.float64).ravel()
    e = float(np.sum(err * err))
    return float("inf") if e == 0 else 10 * np.log10(float(np.sum(ref * ref)) / e)


def same_db(got, want, tolerance):
    """SQNRs agree; over 120 dB both are float rounding noise (JSON null: no error at all)."""
    if want > 120:
        return got is None or got > 120
    return got is not None and abs(got - want) < tolerance


def conv(x, w, b):
    """3x3 convolution, stride 1, pad 1, NCHW, float64."""
    n, c, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((n, w.shape[0], h, wd))
    for dy in range(3):
        for dx in range(3):
            patch = xp[:, :, dy:dy + h, dx:dx + wd]
            out += np.einsum("nchw,oc->nohw", patch, w[:, :, dy, dx])
    return out + b.reshape(1, -1, 1, 1)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def fp32_forward(x, p, round_to=None):
    r = (lambda t: t.astype(round_to).astype(np.float64)) if round_to else (lambda t: t.astype(np.float32).astype(np.float64))
    c1 = r(conv(x, p["w1"], p["b1"]))
    s1 = r(sigmoid(c1))
    c2 = r(conv(s1, p["w2"], p["b2"]))
    add = r(c2 + s1)
    cat = np.concatenate([add, s1], axis=1)
    return {"c1": c1, "s1": s1, "c2": c2, "add": add, "cat": cat}


def act_params(t):
    """uint8 asymmetric scale and zero point covering t and 0."""
    lo, hi = min(float(t.min()), 0.0), max(float(t.max()), 0.0)
    scale = np.float32((hi - lo) / 255.0)
    zp = int(np.clip(np.rint(-lo / scale), 0, 255))
    return scale, zp


def quant(x, scale, zp):
    return np.clip(np.rint(x / np.float64(scale)) + zp, 0, 255).astype(np.int64)


def deq(q, scale, zp):
    return (q - zp).astype(np.float64) * np.float64(scale)


def weights(rng):
    return {
        "w1": rng.normal(0, 0.4, (8, 3, 3, 3)).astype(np.float32),
        "b1": rng.normal(0, 0.1, 8).astype(np.float32),
        "w2": rng.normal(0, 0.2, (8, 8, 3, 3)).astype(np.float32),
        "b2": rng.normal(0, 0.1, 8).astype(np.float32),
    }


def fp32_model(p):
    nodes = [
        helper.make_node("Conv", ["images", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Sigmoid", ["c1"], ["s1"], name="sig1"),
        helper.make_node("Conv", ["s1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c2", "s1"], ["add"], name="add"),
        helper.make_node("Concat", ["add", "s1"], ["output0"], name="cat", axis=1),
    ]
    inits = [numpy_helper.from_array(v, k) for k, v in p.items()]
    g = helper.make_graph(nodes, "fp32", [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
                          [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 16, SIZE, SIZE])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def qoperator_model(p, x):
    """The network in QOperator form, with numpy's integer results of every operator."""
    f = fp32_forward(x, p)
    xs, xz = np.float32(1 / 200), 3  # not the images' own 1/255 grid, so the input's rounding shows
    s = {k: act_params(f[k]) for k in ("c1", "s1", "c2", "add")}
    cs, cz = act_params(f["cat"])
    inits, expected = {}, {}

    def scalar(name, v, t):
        inits[name] = numpy_helper.from_array(np.array(v, dtype=t), name)

    def conv_weights(tag, w, b, in_scale):
        ws = (np.abs(w).reshape(w.shape[0], -1).max(axis=1) / 127).astype(np.float32)  # symmetric, per channel
        wq = np.clip(np.rint(w / ws.reshape(-1, 1, 1, 1)), -127, 127).astype(np.int8)
        bq = np.rint(b / (np.float64(in_scale) * ws)).astype(np.int32)
        inits[tag + ".weight_quantized"] = numpy_helper.from_array(wq, tag + ".weight_quantized")
        inits[tag + ".weight_scale"] = numpy_helper.from_array(ws, tag + ".weight_scale")
        inits[tag + ".weight_zero_point"] = numpy_helper.from_array(np.zeros(w.shape[0], np.int8), tag + ".weight_zero_point")
        inits[tag + ".bias_quantized"] = numpy_helper.from_array(bq, tag + ".bias_quantized")
        return wq.astype(np.int64), ws, bq.astype(np.int64)

    def qconv(xq, xs_, xz_, wq, ws, bq, ys, yz):
        acc = conv((xq - xz_).astype(np.float64), wq.astype(np.float64), bq.astype(np.float64))
        return np.clip(np.rint(acc * (np.float64(xs_) * ws.astype(np.float64)).reshape(1, -1, 1, 1) / np.float64(ys)) + yz,
                       0, 255).astype(np.int64)

    scalar("in_s", xs, np.float32)
    scalar("in_z", xz, np.uint8)
    for k, (sc, zp) in s.items():
        scalar(k + "_s", sc, np.float32)
        scalar(k + "_z", zp, np.uint8)
    scalar("cat_s", cs, np.float32)
    scalar("cat_z", cz, np.uint8)
    w1q, w1s, b1q = conv_weights("l1", p["w1"], p["b1"], xs)
    w2q, w2s, b2q = conv_weights("l2", p["w2"], p["b2"], s["s1"][0])

    xq = quant(x, xs, xz)
    expected["images"] = (deq(xq, xs, xz), x)
    c1q = qconv(xq, xs, xz, w1q, w1s, b1q, *s["c1"])
    expected["q_c1"] = (deq(c1q, *s["c1"]), f["c1"])
    # Before each output's own rounding: the operator in float on its dequantized inputs.
    pre = {"q_c1": conv(deq(xq, xs, xz), w1q * w1s.reshape(-1, 1, 1, 1).astype(np.float64), b1q * (np.float64(xs) * w1s))}
    # QLinearSigmoid: a table of the 256 dequantized inputs through sigmoid, requantized.
    table = quant(sigmoid(deq(np.arange(256), *s["c1"])), *s["s1"])
    s1q = table[c1q]
    expected["q_s1"] = (deq(s1q, *s["s1"]), f["s1"])
    pre["q_s1"] = sigmoid(deq(c1q, *s["c1"]))
    pre["q_c2"] = conv(deq(s1q, *s["s1"]), w2q * w2s.reshape(-1, 1, 1, 1).astype(np.float64),
                       b2q * (np.float64(s["s1"][0]) * w2s))
    c2q = qconv(s1q, s["s1"][0], s["s1"][1], w2q, w2s, b2q, *s["c2"])
    expected["q_c2"] = (deq(c2q, *s["c2"]), f["c2"])
    addq = quant(deq(c2q, *s["c2"]) + deq(s1q, *s["s1"]), *s["add"])
    expected["q_add"] = (deq(addq, *s["add"]), f["add"])
    pre["q_add"] = deq(c2q, *s["c2"]) + deq(s1q, *s["s1"])
    pre["q_cat"] = np.concatenate([deq(addq, *s["add"]), deq(s1q, *s["s1"])], axis=1)
    catq = np.concatenate([quant(deq(addq, *s["add"]), cs, cz), quant(deq(s1q, *s["s1"]), cs, cz)], axis=1)
    expected["q_cat"] = (deq(catq, cs, cz), f["cat"])

    ms = "com.microsoft"
    nodes = [
        helper.make_node("QuantizeLinear", ["images", "in_s", "in_z"], ["q_in"], name="quantize_input"),
        helper.make_node("QLinearConv", ["q_in", "in_s", "in_z", "l1.weight_quantized", "l1.weight_scale",
                                         "l1.weight_zero_point", "c1_s", "c1_z", "l1.bias_quantized"], ["q_c1"],
                         name="qconv_a", pads=[1, 1, 1, 1]),
        helper.make_node("QLinearSigmoid", ["q_c1", "c1_s", "c1_z", "s1_s", "s1_z"], ["q_s1"], name="qsig_a", domain=ms),
        helper.make_node("QLinearConv", ["q_s1", "s1_s", "s1_z", "l2.weight_quantized", "l2.weight_scale",
                                         "l2.weight_zero_point", "c2_s", "c2_z", "l2.bias_quantized"], ["q_c2"],
                         name="qconv_b", pads=[1, 1, 1, 1]),
        helper.make_node("QLinearAdd", ["q_c2", "c2_s", "c2_z", "q_s1", "s1_s", "s1_z", "add_s", "add_z"], ["q_add"],
                         name="qadd_a", domain=ms),
        helper.make_node("QLinearConcat", ["cat_s", "cat_z", "q_add", "add_s", "add_z", "q_s1", "s1_s", "s1_z"], ["q_cat"],
                         name="qcat_a", domain=ms, axis=1),
        helper.make_node("DequantizeLinear", ["q_cat", "cat_s", "cat_z"], ["output0"], name="dequantize_output"),
    ]
    g = helper.make_graph(nodes, "qoperator",
                          [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
                          [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 16, SIZE, SIZE])],
                          list(inits.values()))
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(ms, 1)])
    weights_expected = {"l1.weight": (w1q.astype(np.float64) * w1s.reshape(-1, 1, 1, 1), p["w1"]),
                        "l2.weight": (w2q.astype(np.float64) * w2s.reshape(-1, 1, 1, 1), p["w2"]),
                        "l1.bias": (b1q * (np.float64(xs) * w1s), p["b1"]),
                        "l2.bias": (b2q * (np.float64(s["s1"][0]) * w2s), p["b2"])}
    return model, expected, weights_expected, pre


def dynamic_quantize(t):
    """DynamicQuantizeLinear: uint8, range of the tensor and 0, scale (max - min) / 255."""
    lo, hi = min(float(t.min()), 0.0), max(float(t.max()), 0.0)
    scale = np.float32((hi - lo) / 255.0)
    zp = int(np.clip(np.rint(-lo / np.float64(scale)), 0, 255))
    return quant(t, scale, zp), scale, zp


def dynamic_model(p, x):
    """The network as quantize_dynamic writes it (int8 symmetric weights, per tensor), with numpy's
    results: {row name: (FP32 name, FP32 value, quantized value, value before rounding or None, scale)}."""
    f = fp32_forward(x, p)
    inits, nodes, expected = [], [], {}

    def conv_chain(tag, src, w, b, out):
        ws = np.float32(np.abs(w).max() / 127)
        wq = np.clip(np.rint(w / ws), -127, 127).astype(np.int8)
        inits.extend([numpy_helper.from_array(wq, tag + ".weight_quantized"),
                      numpy_helper.from_array(np.array(ws, np.float32), tag + ".weight_scale"),
                      numpy_helper.from_array(np.array(0, np.int8), tag + ".weight_zero_point"),
                      numpy_helper.from_array(b, tag + ".bias"),
                      numpy_helper.from_array(np.array([1, -1, 1, 1], np.int64), tag + ".bias_shape")])
        nodes.extend([
            helper.make_node("DynamicQuantizeLinear", [src], [src + "_q", src + "_scale", src + "_zp"], name=src + "_dql"),
            helper.make_node("Mul", [src + "_scale", tag + ".weight_scale"], [tag + "_scales"], name=tag + "_scales_mul"),
            helper.make_node("ConvInteger", [src + "_q", tag + ".weight_quantized", src + "_zp", tag + ".weight_zero_point"],
                             [tag + "_acc"], name=tag + "_quant", pads=[1, 1, 1, 1]),
            helper.make_node("Cast", [tag + "_acc"], [tag + "_accf"], name=tag + "_cast", to=TensorProto.FLOAT),
            helper.make_node("Mul", [tag + "_accf", tag + "_scales"], [tag + "_scaled"], name=tag + "_out_mul"),
            helper.make_node("Reshape", [tag + ".bias", tag + ".bias_shape"], [tag + "_bias_r"], name=tag + "_bias_reshape"),
            helper.make_node("Add", [tag + "_scaled", tag + "_bias_r"], [out], name=tag + "_bias_add"),
        ])
        return wq.astype(np.float64) * np.float64(ws)

    # numpy: the input and the Sigmoid output are quantized per image; each ConvInteger result is
    # (x_q - x_zp) (w_q) accumulated in integers, times x_scale * w_scale, plus the bias.
    xq, xs, xz = dynamic_quantize(x)
    x_deq = deq(xq, xs, xz)
    w1 = conv_chain("l1", "images", p["w1"], p["b1"], "t_c1")
    t_c1 = conv(x_deq, w1, p["b1"].astype(np.float64))
    nodes.append(helper.make_node("Sigmoid", ["t_c1"], ["t_s1"], name="sig_x"))
    t_s1 = sigmoid(t_c1)
    sq, ss, sz = dynamic_quantize(t_s1)
    s_deq = deq(sq, ss, sz)
    w2 = conv_chain("l2", "t_s1", p["w2"], p["b2"], "t_c2")
    t_c2 = conv(s_deq, w2, p["b2"].astype(np.float64))
    nodes.append(helper.make_node("Add", ["t_c2", "t_s1"], ["t_add"], name="add_x"))
    nodes.append(helper.make_node("Concat", ["t_add", "t_s1"], ["output0"], name="cat_x", axis=1))
    expected["images"] = ("images", x, x_deq, x, float(xs))
    expected["t_c1"] = ("c1", f["c1"], t_c1, None, None)
    expected["t_s1"] = ("s1", f["s1"], s_deq, t_s1, float(ss))
    expected["t_c2"] = ("c2", f["c2"], t_c2, None, None)
    g = helper.make_graph(nodes, "dynamic", [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
                          [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 16, SIZE, SIZE])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), expected


def chain_model(p):
    """images -> Conv -> Sigmoid -> Conv -> output: conv1's channels can be pruned."""
    nodes = [
        helper.make_node("Conv", ["images", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Sigmoid", ["c1"], ["s1"], name="sig1"),
        helper.make_node("Conv", ["s1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Identity", ["c2"], ["output0"], name="out"),
    ]
    inits = [numpy_helper.from_array(v, k) for k, v in p.items()]
    g = helper.make_graph(nodes, "chain", [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
                          [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 8, SIZE, SIZE])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])


def fp16_model(fp32, keep_float=()):
    """FP16 weights and arithmetic, float input and output through Casts; nodes named in
    `keep_float` stay FP32 between Casts (a mixed-precision model)."""
    m = onnx.ModelProto()
    m.CopyFrom(fp32)
    g = m.graph
    kept = [n for n in g.node if n.name in keep_float]
    float_weights = {t for n in kept for t in n.input[1:]}
    for init in g.initializer:
        if init.name not in float_weights:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name))
    nodes = [helper.make_node("Cast", ["images"], ["images_fp16"], name="to_fp16", to=TensorProto.FLOAT16)]
    for n in g.node:
        n.input[:] = ["images_fp16" if t == "images" else t for t in n.input]
        n.output[:] = ["output_fp16" if t == "output0" else t for t in n.output]
        if n.name in keep_float:
            x, y = n.input[0], n.output[0]
            nodes.append(helper.make_node("Cast", [x], [x + "_f32"], name=n.name + "_in", to=TensorProto.FLOAT))
            n.input[0] = x + "_f32"
            n.output[0] = y + "_f32"
            nodes.append(n)
            nodes.append(helper.make_node("Cast", [y + "_f32"], [y], name=n.name + "_out", to=TensorProto.FLOAT16))
        else:
            nodes.append(n)
    nodes.append(helper.make_node("Cast", ["output_fp16"], ["output0"], name="to_fp32", to=TensorProto.FLOAT))
    del g.node[:]
    g.node.extend(nodes)
    return m


def main():
    cli, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(11)
    p = weights(rng)
    img = rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)  # BGR as OpenCV writes it
    image = os.path.join(work, "noise.png")
    cv2.imwrite(image, img)
    x = (img[:, :, ::-1].astype(np.float64) / 255.0).transpose(2, 0, 1)[None].astype(np.float32).astype(np.float64)

    fp32 = fp32_model(p)
    onnx.save(fp32, os.path.join(work, "fp32.onnx"))
    qop, expected, weights_expected, pre = qoperator_model(p, x)
    onnx.save(qop, os.path.join(work, "qoperator.onnx"))
    # The QuantizeLinear row is named by the float tensor it quantizes, as in QDQ models.
    fp32_names = {"images": "images", "q_c1": "c1", "q_s1": "s1", "q_c2": "c2", "q_add": "add", "q_cat": "output0"}

    args = ["--images", image, "--json", "--order", "topo", "--top", "0", "--resize", "resize"]
    report = json.loads(run(cli, "compare", os.path.join(work, "fp32.onnx"), os.path.join(work, "qoperator.onnx"), *args))
    rows = {r["name"]: r for r in report["layers"]}
    check(report.get("format") in (None, "QOperator"), "QOperator: format reported")
    for name, (got_q, ref) in expected.items():
        row = rows.get(name)
        check(row is not None and "accumulated" in row, f"QOperator: '{name}' has a per-layer row")
        if not row or "accumulated" not in row:
            continue
        check(row["fp32_name"] == fp32_names[name], f"QOperator: '{name}' pairs with FP32 '{fp32_names[name]}' "
              f"(got '{row['fp32_name']}')")
        want = sqnr(ref, got_q)
        got = row["accumulated"]["sqnr_db"]
        # ONNX Runtime's integer kernels may round a rare tie the other way: a few hundredths of a dB.
        check(got is not None and abs(got - want) < 0.1, f"QOperator: '{name}' accumulated SQNR {got} vs numpy {want:.3f}")
    # An operator's own rounding: its dequantized output against numpy's float operator on the
    # dequantized inputs (QLinearConv with its int32 bias, QLinearSigmoid, QLinearAdd, QLinearConcat).
    for name, before in pre.items():
        got = rows.get(name, {}).get("rounding", {}).get("sqnr_db")
        want = sqnr(before, expected[name][0])
        check(got is not None and abs(got - want) < 0.1, f"QOperator: '{name}' rounding SQNR {got} vs numpy {want:.3f}")
    q_in = rows.get("images") or {}
    if "rounding" in q_in:
        want = sqnr(x, expected["images"][0])
        check(abs(q_in["rounding"]["sqnr_db"] - want) < 0.01, f"QOperator: input rounding {q_in['rounding']['sqnr_db']} vs numpy {want:.3f}")
    else:
        check(False, "QOperator: the QuantizeLinear row has its rounding error")

    weights_json = json.loads(run(cli, "inspect", os.path.join(work, "fp32.onnx"), os.path.join(work, "qoperator.onnx"),
                                  "--weights", "--json"))
    wrows = {w["name"]: w for w in weights_json.get("weights", [])}
    for name, (deq_w, ref) in weights_expected.items():
        w = wrows.get(name)
        check(w is not None and "metrics" in w, f"QOperator weights: '{name}' compared")
        if w and "metrics" in w:
            want = sqnr(ref, deq_w)
            got = w["metrics"]["sqnr_db"]
            check(abs(got - want) < 0.01, f"QOperator weights: '{name}' SQNR {got} vs numpy {want:.3f}")

    fp16 = fp16_model(fp32)
    onnx.save(fp16, os.path.join(work, "fp16.onnx"))
    p16 = {k: v.astype(np.float16).astype(np.float64) for k, v in p.items()}
    f32 = fp32_forward(x, p)
    f16 = fp32_forward(x.astype(np.float16).astype(np.float64), p16, round_to=np.float16)
    f16_weights_only = fp32_forward(x, p16)
    report = json.loads(run(cli, "compare", os.path.join(work, "fp32.onnx"), os.path.join(work, "fp16.onnx"), *args))
    rows = {r["name"]: r for r in report["layers"]}
    for name in ("c1", "s1", "c2", "add"):
        row = rows.get(name)
        check(row is not None and "accumulated" in row, f"FP16: '{name}' has a per-layer row")
        if not row or "accumulated" not in row:
            continue
        check(row["fp32_name"] == name, f"FP16: '{name}' pairs by name")
        # ONNX Runtime's CPU provider runs an FP16 Conv in FP32 (it inserts Casts and drops the pairs
        # that cancel), so which tensors are rounded to FP16 is its choice: the figure must lie between
        # numpy's FP16 weights alone (upper bound) and every tensor rounded to FP16 (lower bound).
        hi = sqnr(f32[name], f16_weights_only[name])
        lo = sqnr(f32[name], f16[name])
        got = row["accumulated"]["sqnr_db"]
        check(got is not None and lo - 0.05 <= got <= hi + 0.05,
              f"FP16: '{name}' accumulated SQNR {got} within numpy's {lo:.2f} .. {hi:.2f}")

    # Mixed precision: conv2 left FP32 between Casts. Its rows still pair by name ('c2' is the FP16
    # Cast of conv2's FP32 result), bounded by numpy as above with conv2's weights kept FP32.
    onnx.save(fp16_model(fp32, keep_float=("conv2",)), os.path.join(work, "mixed.onnx"))
    report = json.loads(run(cli, "compare", os.path.join(work, "fp32.onnx"), os.path.join(work, "mixed.onnx"), *args))
    rows = {r["name"]: r for r in report["layers"]}
    p_mixed = dict(p16, w2=p["w2"].astype(np.float64), b2=p["b2"].astype(np.float64))
    mixed_weights_only = fp32_forward(x, p_mixed)
    for name in ("c1", "s1", "c2", "add"):
        row = rows.get(name) or rows.get(name + "_f32")
        check(row is not None and "accumulated" in row, f"mixed: '{name}' has a per-layer row")
        if not row or "accumulated" not in row:
            continue
        check(row["fp32_name"] == name, f"mixed: '{row['name']}' pairs with FP32 '{name}' (got '{row['fp32_name']}')")
        hi = sqnr(f32[name], mixed_weights_only[name])
        lo = sqnr(f32[name], f16[name])
        got = row["accumulated"]["sqnr_db"]
        check(got is not None and lo - 0.05 <= got <= hi + 0.05,
              f"mixed: '{name}' accumulated SQNR {got} within numpy's {lo:.2f} .. {hi:.2f}")

    # Dynamic quantization: numpy runs DynamicQuantizeLinear and ConvInteger's integer arithmetic.
    dyn, dyn_expected = dynamic_model(p, x)
    onnx.save(dyn, os.path.join(work, "dynamic.onnx"))
    report = json.loads(run(cli, "compare", os.path.join(work, "fp32.onnx"), os.path.join(work, "dynamic.onnx"), *args))
    rows = {r["name"]: r for r in report["layers"]}
    for name, (fp32_name, ref, got_q, pre, scale) in dyn_expected.items():
        row = rows.get(name)
        check(row is not None and "accumulated" in row, f"dynamic: '{name}' has a per-layer row")
        if not row or "accumulated" not in row:
            continue
        check(row["fp32_name"] == fp32_name, f"dynamic: '{name}' pairs with FP32 '{fp32_name}' (got '{row['fp32_name']}')")
        want = sqnr(ref, got_q)
        got = row["accumulated"]["sqnr_db"]
        check(same_db(got, want, 0.05), f"dynamic: '{name}' accumulated SQNR {got} vs numpy {want:.3f}")
        if pre is not None:
            want = sqnr(pre, got_q)
            got = row.get("rounding", {}).get("sqnr_db")
            check(same_db(got, want, 0.05), f"dynamic: '{name}' rounding SQNR {got} vs numpy {want:.3f}")
            rs = row.get("runtime_scale") or {}
            check(rs and abs(rs["mean"] - scale) < 1e-6 * scale and rs["min"] == rs["max"],
                  f"dynamic: '{name}' scale computed at run time {rs} vs numpy {scale:.6g}")
        else:
            check("rounding" not in row, f"dynamic: '{name}' (an operator's float result) has no rounding of its own")

    # Not one network quantized: conv1 pruned to 6 channels (conv2 reads 6), FP16. One verdict line;
    # the tensors of the pruned layers are listed with their size mismatch, the others compared.
    pruned = {"w1": p["w1"][:6], "b1": p["b1"][:6], "w2": p["w2"][:, :6], "b2": p["b2"]}
    chain = chain_model(p)
    onnx.save(chain, os.path.join(work, "chain_fp32.onnx"))
    onnx.save(fp16_model(chain_model(pruned)), os.path.join(work, "chain_pruned_fp16.onnx"))
    report = json.loads(run(cli, "compare", os.path.join(work, "chain_fp32.onnx"),
                            os.path.join(work, "chain_pruned_fp16.onnx"), *args))
    verdicts = [w for w in report["warnings"] if "not the same network quantized" in w]
    check(len(verdicts) == 1 and "'w1' [6,3,3,3] vs FP32 [8,3,3,3]" in verdicts[0],
          f"pruned: one verdict naming the pruned weight ({verdicts})")
    rows = {r["name"]: r for r in report["layers"]}
    for name in ("c1", "s1"):
        check("values" in rows.get(name, {}).get("problem", ""), f"pruned: '{name}' listed with its size mismatch")
    row = rows.get("c2", {})
    check("accumulated" in row, "pruned: 'c2' (same shape) still compared")

    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("all checks passed")


if __name__ == "__main__":
    main()
