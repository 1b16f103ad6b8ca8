"""quantlens-cli quantize --preset tensorrt, held to numbers worked out here with numpy (issue 16, item 3).

Usage: check_tensorrt_preset.py QUANTLENS_CLI FIXTURE_DIR OUT_DIR
FIXTURE_DIR: what make_old_exports.py wrote (head_net.onnx, its weights, as_inputs.onnx, images/).

Checked, sharing no code with QuantLens:
  - Q/DQ only on the inputs of Conv and Add (x, r1, c2, a1), none on Conv outputs or the graph output;
  - every zero point 0 and INT8; weights per output channel (axis 0) with scale max|w_c|/127 from the
    FP32 weights, and integer weights round(w/scale) clipped to [-127, 127];
  - activation scales max|t|/127 of a numpy forward pass of the calibration images (MinMax);
  - biases stay float initializers;
  - flags override the preset (--per-channel=false, --activation-type QUInt8);
  - --keep-last-layer-float names head_box and head_cls and leaves them and the decoding after them float;
  - initializers listed as graph inputs give the same Q/DQ nodes and none of their inputs remain;
  - the recipe JSON and the Python export carry the preset.
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
check(sorted(q) == ["a1", "c2", "r1", "x"], f"Q/DQ on the inputs of Conv and Add only: {sorted(q)}")
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
      and "Conv" in recipe["extra_options"]["OpTypesToExcludeOutputQuantization"], "the recipe records the preset")
py = open(os.path.join(out, "trt.py")).read()
check("'OpTypesToExcludeOutputQuantization': ['Conv'," in py and "activation_type=QuantType.QInt8" in py
      and "per_channel=True" in py, "the Python export carries the preset")

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
check(sorted(q) == ["c2", "r1", "x"], f"no Q/DQ left on the head's input: {sorted(q)}")
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

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
print("all checks passed")
