#!/usr/bin/python3
"""compare on ../shared's yolov8n FP32 against its quantize_dynamic version, checked by numpy on the
first layer: the FP32 Conv and SiLU, and the dynamic model's own arithmetic (DynamicQuantizeLinear
of the image, ConvInteger with the uint8 weight and its zero point, the scale Mul and the bias Add,
then DynamicQuantizeLinear of the SiLU output for the next Conv), all from the ONNX files' own
initializers, none of it from QuantLens. The SQNR and run-time scales `compare --json` prints for
those rows must agree.

usage: check_dynamic_yolov8n.py QUANTLENS_CLI SHARED_DIR WORK_DIR    (exit 77 without SHARED_DIR)
"""
import json
import os
import subprocess
import sys

import cv2
import numpy as np
import onnx
from onnx import numpy_helper

cli, shared, work = sys.argv[1:4]
models = os.path.join(shared, "models")
if not os.path.isfile(os.path.join(models, "yolov8n_dynamic.onnx")):
    print("SKIP: ../shared models not found")
    sys.exit(77)
os.makedirs(work, exist_ok=True)

# A 640x640 photo: the model's own input size, so letterboxing leaves it as it is.
photo = cv2.resize(cv2.imread(os.path.join(shared, "images", "bus.jpg")), (640, 640), interpolation=cv2.INTER_AREA)
image = os.path.join(work, "bus640.png")
cv2.imwrite(image, photo)
x = cv2.cvtColor(photo, cv2.COLOR_BGR2RGB).astype(np.float64).transpose(2, 0, 1) / 255.0  # [3,640,640], RGB 0-1

def initializers(path):
    return {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}

def conv(x, w, stride=2, pad=1):
    """x [C,H,W], w [K,C,3,3] -> [K,H/stride,W/stride], as ONNX Conv with pads 1 and strides 2."""
    c, h, width = x.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - 3) // stride + 1, (width + 2 * pad - 3) // stride + 1
    cols = np.stack([xp[ci, ky:ky + stride * oh:stride, kx:kx + stride * ow:stride].reshape(-1)
                     for ci in range(c) for ky in range(3) for kx in range(3)])
    return (w.reshape(w.shape[0], -1) @ cols).reshape(w.shape[0], oh, ow)

def dynamic_quantize(t):
    """DynamicQuantizeLinear: uint8, range always holding 0, round half to even."""
    lo, hi = min(0.0, float(t.min())), max(0.0, float(t.max()))
    scale = np.float32((hi - lo) / 255.0)
    zp = np.clip(np.rint(-lo / scale), 0, 255)
    q = np.clip(np.rint(t / scale) + zp, 0, 255)
    return q, float(scale), zp

def sqnr(reference, other):
    return 10 * np.log10(np.sum(reference ** 2) / np.sum((other - reference) ** 2))

silu = lambda t: t / (1 + np.exp(-t))

fp32 = initializers(os.path.join(models, "yolov8n_fp32.onnx"))
weight_name = next(n for n in fp32 if n.startswith("model.0.conv.weight"))
w32, b32 = fp32[weight_name].astype(np.float64), fp32["model.0.conv.bias"].astype(np.float64)
y32 = conv(x, w32) + b32[:, None, None]

dyn = initializers(os.path.join(models, "yolov8n_dynamic.onnx"))
q, scale, zp = dynamic_quantize(x)
wq = dyn["model.0.conv.weight_quantized"].astype(np.int64)
wzp = int(dyn["model.0.conv.weight_zero_point"])
wscale = float(dyn["model.0.conv.weight_scale"])
acc = conv(q - zp, (wq - wzp).astype(np.float64))  # integer sums, exact in float64
ydyn = acc * float(np.float32(scale) * np.float32(wscale)) + dyn["model.0.conv.bias"].astype(np.float64)[:, None, None]

a32, adyn = silu(y32), silu(ydyn)
q1, scale1, zp1 = dynamic_quantize(adyn)  # what the next Conv sees
# As for QDQ models, a quantized tensor's accumulated error is that of the value the next layer
# reads: here the SiLU output after DynamicQuantizeLinear, dequantized.
expected = {
    "/model.0/conv/Conv_output_0": sqnr(y32, ydyn),
    "/model.0/act/Mul_output_0": sqnr(a32, (q1 - zp1) * scale1),
}
expected_rounding = sqnr(adyn, (q1 - zp1) * scale1)

out = subprocess.run([cli, "compare", os.path.join(models, "yolov8n_fp32.onnx"), os.path.join(models, "yolov8n_dynamic.onnx"),
                      "--images", image, "--json"], capture_output=True, text=True)
if out.returncode != 0:
    print(out.stderr)
    sys.exit(1)
rows = {r["name"]: r for r in json.loads(out.stdout)["layers"]}
failures = []
for name, db in expected.items():
    got = rows[name]["accumulated"]["sqnr_db"]
    print(f"{name}: QuantLens {got:.3f} dB, numpy {db:.3f} dB")
    if abs(got - db) > 0.05:
        failures.append(f"{name}: {got} dB, numpy {db} dB")
mul = rows["/model.0/act/Mul_output_0"]
print(f"run-time scale of the SiLU output: QuantLens {mul['runtime_scale']['mean']:.6f}, numpy {scale1:.6f}; "
      f"rounding QuantLens {mul['rounding']['sqnr_db']:.3f} dB, numpy {expected_rounding:.3f} dB")
if abs(mul["runtime_scale"]["mean"] - scale1) > 1e-4 * scale1:
    failures.append(f"run-time scale {mul['runtime_scale']['mean']} vs numpy {scale1}")
if abs(mul["rounding"]["sqnr_db"] - expected_rounding) > 0.05:
    failures.append(f"rounding {mul['rounding']['sqnr_db']} dB vs numpy {expected_rounding} dB")
convs = [r for r in rows.values() if r.get("producer_op") == "ConvInteger"]
if len(convs) != 64:  # yolov8n has 64 Conv nodes: every one is a row
    failures.append(f"{len(convs)} ConvInteger rows, expected 64")
print("\n".join(failures) if failures else "OK: the first layer agrees with numpy; 64 Conv rows")
sys.exit(1 if failures else 0)
