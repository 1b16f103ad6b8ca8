"""quantlens-cli quantize --preset tensorrt, held to numbers worked out here with numpy (issue 16, item 3).

Usage: check_tensorrt_preset.py QUANTLENS_CLI FIXTURE_DIR OUT_DIR
FIXTURE_DIR: what make_old_exports.py wrote (head_net.onnx, its weights, as_inputs.onnx, images/).

Checked, sharing no code with QuantLens:
  - Q/DQ only on the inputs of Conv and on the residual input of the Conv + Add (x, r1, a1): none on c2
    (the Conv side of the Add, which TensorRT fuses), none on Conv outputs or the graph output;
  - every zero point 0 and INT8; weights per output channel (axis 0) with scale max|w_c|/127 from the
    FP32 weights, and integer weights round(w/scale) clipped to [-127, 127];
  - activation scales max|t|/127 of a numpy forward pass of the calibration images (MinMax);
  - biases stay float initializers;
  - flags override the preset (--per-channel=false, --activation-type QUInt8);
  - --keep-last-layer-float names head_box and head_cls and leaves them and the decoding after them float;
  - initializers listed as graph inputs give the same Q/DQ nodes and none of their inputs remain;
  - the recipe JSON and the Python export carry the preset (and the export says what quantize_static
    cannot reproduce);
  - a generated C2f/SPPF-like net (SiLU, Split, residual Add after Conv+SiLU, Concat of the Split outputs
    and the Add, MaxPool + Concat): Concat inputs stay float, the Add reads only its residual input through
    the Q/DQ pair its Conv shares, the Q/DQ after each Concat has scale max over its inputs of max|t|/127
    from a numpy forward pass (one scale for all inputs: the union of their ranges), and `inspect --json`
    reports no TensorRT placement finding; the default (ONNX Runtime) placement of the same net does.
"""
import glob
import json
import os
import subprocess
import sys

import cv2
import numpy as np
import onnx
from onnx import numpy_helper

cli, fixture, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def quantize(name, *flags, model="head_net.onnx"):
    path = os.path.join(out, name + ".onnx")
    args = [cli, "quantize", os.path.join(fixture, model), path, "--calib", os.path.join(fixture, "images"), "--no-cache", *flags]
    run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout, run.stderr)
        sys.exit(f"quantize {name} failed")
    return onnx.load(path), run.stdout + run.stderr


def structure(model):
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    q = {}  # float activation -> (scale, zero point array)
    w = {}  # weight -> (int values, scales, zero points, axis)
    for n in model.graph.node:
        if n.op_type == "QuantizeLinear":
            q[n.input[0]] = (inits[n.input[1]], inits[n.input[2]])
        elif n.op_type == "DequantizeLinear" and n.input[0] in inits:
            axis = next((a.i for a in n.attribute if a.name == "axis"), 1)
            w[n.input[0]] = (inits[n.input[0]], inits[n.input[1]], inits[n.input[2]], axis)
    return inits, q, w


def conv(x, weight, bias, pad):
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    k = weight.shape[2]
    h, wd = x.shape[2] - k + 1, x.shape[3] - k + 1
    y = np.zeros((1, weight.shape[0], h, wd), np.float64)
    for i in range(k):
        for j in range(k):
            y += np.einsum("oc,bchw->bohw", weight[:, :, i, j].astype(np.float64), x[:, :, i:i + h, j:j + wd])
    return y + bias[None, :, None, None]


W = dict(np.load(os.path.join(fixture, "head_net_weights.npz")))
absmax = {"x": 0.0, "r1": 0.0, "c2": 0.0, "a1": 0.0}
for path in sorted(glob.glob(os.path.join(fixture, "images", "*.png"))):
    image = cv2.imread(path)[:, :, ::-1].astype(np.float32) / 255.0  # RGB 0-1, the input size: no resize
    x = image.transpose(2, 0, 1)[None].astype(np.float64)
    r1 = np.maximum(conv(x, W["W1"], W["B1"], 1), 0)
    c2 = conv(r1, W["W2"], W["B2"], 0)
    a1 = c2 + r1
    for name, t in (("x", x), ("r1", r1), ("c2", c2), ("a1", a1)):
        absmax[name] = max(absmax[name], float(np.abs(t).max()))

model, log = quantize("trt", "--preset", "tensorrt", "--export-json", os.path.join(out, "trt.json"),
                      "--export-python", os.path.join(out, "trt.py"))
inits, q, w = structure(model)
check(sorted(q) == ["a1", "r1", "x"], f"Q/DQ on the inputs of Conv and the residual input of add1 only: {sorted(q)}")
add1 = next(n for n in model.graph.node if n.name == "add1")
check(list(add1.input) == ["c2", "r1_DequantizeLinear_Output"], f"add1 reads c2 float and r1 through conv2's pair: {list(add1.input)}")
for name, (scale, zp) in q.items():
    expected = absmax[name] / 127.0
    check(zp.dtype == np.int8 and zp.item() == 0, f"{name}: INT8, zero point 0")
    check(abs(float(scale) - expected) <= 1e-6 * expected, f"{name}: scale {float(scale):.9g} = max|{name}|/127 = {expected:.9g}")
for name in ("W1", "W2", "W3", "W4"):
    key = name + "_quantized"
    check(key in w, f"{name} quantized")
    if key not in w:
        continue
    values, scales, zps, axis = w[key]
    fp = W[name]
    expected = (np.abs(fp).reshape(fp.shape[0], -1).max(axis=1).astype(np.float64) / 127.0).astype(np.float32)
    check(axis == 0 and scales.shape == (fp.shape[0],), f"{name}: per output channel (axis 0), {scales.shape}")
    check(np.allclose(scales, expected, rtol=1e-6, atol=0), f"{name}: scales = max|w_c|/127 (max rel. diff "
          f"{np.max(np.abs(scales - expected) / expected):.2g})")
    check(zps.dtype == np.int8 and not zps.any(), f"{name}: zero points 0, INT8")
    ints = np.clip(np.round(fp / expected[:, None, None, None]), -127, 127)
    check(np.array_equal(values.astype(np.int64), ints.astype(np.int64)), f"{name}: integer weights round(w/scale)")
check(all(b in inits and inits[b].dtype == np.float32 for b in ("B1", "B2", "B3", "B4")), "biases stay float")
recipe = json.load(open(os.path.join(out, "trt.json")))
check(recipe.get("preset") == "tensorrt" and recipe["per_channel"] and recipe["activation_type"] == "QInt8"
      and recipe["extra_options"]["ActivationSymmetric"] and not recipe["extra_options"]["QuantizeBias"]
      and "Conv" in recipe["extra_options"]["OpTypesToExcludeOutputQuantization"] and recipe.get("placement") == "tensorrt",
      "the recipe records the preset and its placement")
py = open(os.path.join(out, "trt.py")).read()
check("'OpTypesToExcludeOutputQuantization': ['Conv'," in py and "activation_type=QuantType.QInt8" in py
      and "per_channel=True" in py and "quantize_static has no option for that" in py,
      "the Python export carries the preset and says what quantize_static cannot place")

# Explicit flags override the preset.
model, _ = quantize("trt_overridden", "--preset", "tensorrt", "--per-channel=false", "--activation-type", "QUInt8")
_, q, w = structure(model)
check(w["W1_quantized"][1].shape == (), "--per-channel=false: one scale per weight")
check(q["x"][1].dtype == np.uint8 and q["x"][1].item() == 128, "--activation-type QUInt8: symmetric uint8, zero point 128")

# The detector head's last Convs stay float and are named.
model, log = quantize("trt_keep", "--preset", "tensorrt", "--keep-last-layer-float", "--export-json", os.path.join(out, "keep.json"))
inits, q, w = structure(model)
check("Keeping 2 last layer(s) float: head_box head_cls" in log, "the last layers are named")
check("W3" in inits and "W4" in inits and "W3_quantized" not in w, "head_box and head_cls weights stay float")
check(sorted(q) == ["r1", "x"], f"no Q/DQ left on the head's input: {sorted(q)}")
check("and the 5 node(s) after them (output decoding)" in log, "the decoding after them is counted")
excluded = json.load(open(os.path.join(out, "keep.json")))["nodes_to_exclude"]
check(excluded == ["head_box", "head_cls", "sigmoid", "concat", "split", "concat2", "reshape"], f"recorded as exclusions: {excluded}")

# Initializers listed as graph inputs: the same nodes, and no input shadows a quantized weight.
plain, _ = quantize("plain", "--per-channel")
old, _ = quantize("as_inputs", "--per-channel", model="as_inputs.onnx")
check([n.SerializeToString() for n in plain.graph.node] == [n.SerializeToString() for n in old.graph.node],
      "initializers as inputs: the same Q/DQ nodes")
# The int64 constants (Split sizes, Reshape shape) are not quantized and keep their inputs, as ONNX Runtime leaves them.
check([i.name for i in old.graph.input] == ["x", "split_sizes", "shape"],
      f"no graph input shadows a quantized weight: {[i.name for i in old.graph.input]}")
onnx.checker.check_model(old)



# A C2f/SPPF-like block, built here: what the placement check looks at in YOLOv8.
rng = np.random.default_rng(3)
CW = {"W1": rng.normal(0, 0.5, (8, 3, 3, 3)), "B1": rng.normal(0, 0.1, 8),
      "W2": rng.normal(0, 0.3, (4, 4, 3, 3)), "B2": rng.normal(0, 0.1, 4),
      "W3": rng.normal(0, 0.3, (4, 4, 3, 3)), "B3": rng.normal(0, 0.1, 4),
      "W4": rng.normal(0, 0.3, (6, 12, 1, 1)), "B4": rng.normal(0, 0.1, 6),
      "W5": rng.normal(0, 0.3, (4, 12, 1, 1)), "B5": rng.normal(0, 0.1, 4)}
CW = {k: v.astype(np.float32) for k, v in CW.items()}
H = onnx.helper


def silu(prefix, x, out):
    return [H.make_node("Sigmoid", [x], [prefix + "_s"], name=prefix + "_sig"), H.make_node("Mul", [x, prefix + "_s"], [out], name=prefix + "_mul")]


nodes = [H.make_node("Conv", ["x", "W1", "B1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]), *silu("act1", "c1", "m1"),
         H.make_node("Split", ["m1", "halves"], ["y0", "y1"], name="split", axis=1),
         H.make_node("Conv", ["y1", "W2", "B2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]), *silu("act2", "c2", "m2"),
         H.make_node("Conv", ["m2", "W3", "B3"], ["c3"], name="conv3", pads=[1, 1, 1, 1]), *silu("act3", "c3", "m3"),
         H.make_node("Add", ["y1", "m3"], ["a"], name="add"),
         H.make_node("Concat", ["y0", "y1", "a"], ["cat"], name="concat", axis=1),
         H.make_node("Conv", ["cat", "W4", "B4"], ["c4"], name="conv4"), *silu("act4", "c4", "m4"),
         H.make_node("MaxPool", ["m4"], ["mp"], name="pool", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         H.make_node("Concat", ["m4", "mp"], ["cat2"], name="concat2", axis=1),
         H.make_node("Conv", ["cat2", "W5", "B5"], ["y"], name="conv5")]
inits = [numpy_helper.from_array(v, k) for k, v in CW.items()] + [numpy_helper.from_array(np.array([4, 4], np.int64), "halves")]
graph = H.make_graph(nodes, "c2f", [H.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 3, 16, 16])],
                     [H.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 4, 16, 16])], inits)
c2f = H.make_model(graph, opset_imports=[H.make_opsetid("", 13)], producer_name="check_tensorrt_preset")
c2f.ir_version = 7
onnx.checker.check_model(c2f)
onnx.save(c2f, os.path.join(out, "c2f.onnx"))


def np_silu(t):
    return t / (1.0 + np.exp(-t))


def maxpool3(t):
    p = np.pad(t, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=-np.inf)
    return np.max([p[:, :, i:i + t.shape[2], j:j + t.shape[3]] for i in range(3) for j in range(3)], axis=0)


cmax = {}
for path in sorted(glob.glob(os.path.join(fixture, "images", "*.png"))):
    x = (cv2.imread(path)[:, :, ::-1].astype(np.float32) / 255.0).transpose(2, 0, 1)[None].astype(np.float64)
    m1 = np_silu(conv(x, CW["W1"], CW["B1"], 1))
    y0, y1 = m1[:, :4], m1[:, 4:]
    m2 = np_silu(conv(y1, CW["W2"], CW["B2"], 1))
    a = y1 + np_silu(conv(m2, CW["W3"], CW["B3"], 1))
    m4 = np_silu(conv(np.concatenate([y0, y1, a], 1), CW["W4"], CW["B4"], 0))
    mp = maxpool3(m4)
    for name, t in (("x", x), ("y0", y0), ("y1", y1), ("m2", m2), ("a", a), ("m4", m4), ("mp", mp)):
        cmax[name] = max(cmax.get(name, 0.0), float(np.abs(t).max()))

model, _ = quantize("c2f_trt", "--preset", "tensorrt", model=os.path.join(out, "c2f.onnx"))
_, q, _ = structure(model)
byname = {n.name: list(n.input) for n in model.graph.node}
check(sorted(q) == ["cat", "cat2", "m2", "x", "y1"], f"c2f: Q/DQ on the Conv inputs only (y1 shared with the Add): {sorted(q)}")
check(byname["concat"] == ["y0", "y1", "a"] and byname["concat2"] == ["m4", "mp"], f"c2f: Concat inputs stay float: "
      f"{byname['concat']}, {byname['concat2']}")
check(byname["add"] == ["y1_DequantizeLinear_Output", "m3"] and byname["conv2"][0] == "y1_DequantizeLinear_Output",
      f"c2f: the Add reads its residual input through conv2's pair, the Conv side float: {byname['add']}")
for cat_name, inputs in (("cat", ("y0", "y1", "a")), ("cat2", ("m4", "mp"))):
    if cat_name not in q:
        continue
    union = max(cmax[t] for t in inputs)  # symmetric: the union of the inputs' ranges is max of max|t|
    scale, zp = q[cat_name]
    check(zp.item() == 0 and abs(float(scale) - union / 127.0) <= 1e-6 * union / 127.0,
          f"c2f: {cat_name}'s one scale {float(scale):.9g} = max(" + ", ".join(f"max|{t}| {cmax[t]:.6g}" for t in inputs)
          + f") / 127 = {union / 127.0:.9g}")


def placement(path):
    run = subprocess.run([cli, "inspect", path, "--json"], capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout, run.stderr)
        sys.exit(f"inspect {path} failed")
    findings = json.loads(run.stdout)["models"][0]["tensorrt_placement"]
    counts = {k: sum(f["issue"] == k for f in findings) for k in ("split-conv-add", "unequal-scales", "no-quantizable-consumer")}
    for f in findings:
        print(f"     [{f['issue']}] {f['message']}")
    return counts


for name in ("c2f_trt", "trt", "trt_keep"):
    counts = placement(os.path.join(out, name + ".onnx"))
    check(counts == {"split-conv-add": 0, "unequal-scales": 0, "no-quantizable-consumer": 0}, f"{name}: inspect finds no TensorRT placement issue: {counts}")
quantize("c2f_ort", model=os.path.join(out, "c2f.onnx"))
counts = placement(os.path.join(out, "c2f_ort.onnx"))
check(counts["unequal-scales"] > 0, f"c2f with ONNX Runtime's placement: the check does find issues: {counts}")

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
print("all checks passed")
