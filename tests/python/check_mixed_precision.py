"""Mixed precision and calibration export (issue 18, items 3 and 4), held to numpy.

Usage: check_mixed_precision.py QUANTLENS_CLI OUT_DIR

Builds a small conv net with onnx.helper (opset 17) and calibration images with OpenCV, then runs
`quantlens-cli quantize --tensor-overrides` and checks, sharing no code with QuantLens:
  - the Q/DQ element types and the com.microsoft domain (ONNX's QuantizeLinear has no 16-bit types
    before opset 21, so ONNX Runtime's quantizer moves every Q/DQ there and imports the domain);
  - every scale and zero point against ONNX Runtime's compute_scale_zp / get_qmin_qmax_for_qType
    written again here in numpy, on the ranges of a numpy forward pass (MinMax);
  - --export-python carries extra_options['TensorQuantOverrides'] (evaluated back) and --export-json keeps them;
  - --export-calibration in ONNX Runtime's three write_calibration_table formats and TensorRT's cache,
    parsed back here (json, text, a FlatBuffer read with struct, struct.unpack of the hex scales), with
    excluded tensors left out;
  - a bad overrides file is refused naming the file and the entry, and nothing is written.
"""
import ast
import json
import os
import struct
import subprocess
import sys
import types

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, exit_on_failures, run  # noqa: E402

cli, out = sys.argv[1:3]
os.makedirs(out, exist_ok=True)
images = os.path.join(out, "images")
os.makedirs(images, exist_ok=True)
rng = np.random.default_rng(18)

# ---- The model: Conv -> Relu -> Conv -> Sigmoid, opset 17 ----
W1 = rng.normal(0, 0.5, (4, 3, 3, 3)).astype(np.float32)
B1 = rng.normal(0, 0.1, (4,)).astype(np.float32)
W2 = rng.normal(0, 0.5, (2, 4, 1, 1)).astype(np.float32)
B2 = rng.normal(0, 0.1, (2,)).astype(np.float32)
graph = helper.make_graph(
    [helper.make_node("Conv", ["x", "W1", "B1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
     helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
     helper.make_node("Conv", ["r1", "W2", "B2"], ["c2"], name="conv2"),
     helper.make_node("Sigmoid", ["c2"], ["y"], name="sig")],
    "mixed", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 8, 8])],
    [numpy_helper.from_array(a, n) for a, n in ((W1, "W1"), (B1, "B1"), (W2, "W2"), (B2, "B2"))])
fp32 = os.path.join(out, "mixed_fp32.onnx")
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), fp32)
for k in range(5):
    cv2.imwrite(os.path.join(images, f"{k}.png"), rng.integers(0, 256, (8, 8, 3), dtype=np.uint8))


def conv(x, weight, bias, pad):
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    k = weight.shape[2]
    h, wd = x.shape[2] - k + 1, x.shape[3] - k + 1
    y = np.zeros((1, weight.shape[0], h, wd), np.float64)
    for i in range(k):
        for j in range(k):
            y += np.einsum("oc,bchw->bohw", weight[:, :, i, j].astype(np.float64), x[:, :, i:i + h, j:j + wd])
    return y + bias[None, :, None, None]


lo, hi = {}, {}
for k in range(5):
    image = cv2.imread(os.path.join(images, f"{k}.png"))[:, :, ::-1].astype(np.float32) / 255.0
    x = image.transpose(2, 0, 1)[None].astype(np.float64)
    c1 = conv(x, W1, B1, 1)
    r1 = np.maximum(c1, 0)
    c2 = conv(r1, W2, B2, 0)
    y = 1 / (1 + np.exp(-c2))
    for name, t in (("x", x), ("c1", c1), ("r1", r1), ("c2", c2), ("y", y)):
        lo[name] = min(lo.get(name, np.inf), float(t.min()))
        hi[name] = max(hi.get(name, -np.inf), float(t.max()))

# ONNX Runtime's tables and compute_scale_zp, written again from quant_utils.py.
FULL = {"QUInt8": (0, 255), "QInt8": (-128, 127), "QUInt16": (0, 65535), "QInt16": (-32768, 32767)}
SYMMETRIC = {"QInt8": (-127, 127), "QInt16": (-32767, 32767)}
NP = {"QUInt8": np.uint8, "QInt8": np.int8, "QUInt16": np.uint16, "QInt16": np.int16}


def ort_scale_zp(rmin, rmax, qtype, symmetric):
    qmin, qmax = SYMMETRIC[qtype] if symmetric and qtype in SYMMETRIC else FULL[qtype]
    rmin, rmax = np.float32(min(rmin, 0.0)), np.float32(max(rmax, 0.0))
    if symmetric:
        m = max(abs(rmin), abs(rmax))
        rmin, rmax = -m, m
    scale = np.float64(rmax - rmin) / (np.float64(qmax) - np.float64(qmin))
    zp = np.round((qmin + qmax) / 2.0) if symmetric else np.round(qmin - rmin / scale)
    return np.float32(scale), int(zp)


overrides = {
    "c1": [{"quant_type": "QUInt16"}],
    "r1": [{"quant_type": "QInt16", "symmetric": True}],
    "c2": [{"scale": 0.02, "zero_point": 10}],
    "x": [{"rmin": -0.5, "rmax": 1.5}],
    "W2": [{"axis": 0, "quant_type": "QInt16"}],
}
ofile = os.path.join(out, "overrides.json")
json.dump(overrides, open(ofile, "w"))
q16 = os.path.join(out, "mixed_q16.onnx")
files = {f: os.path.join(out, f) for f in ("calibration.json", "calibration.cache", "calibration.flatbuffers", "trt.cache")}
log = run(cli, "quantize", fp32, q16, "--calib", images, "--no-cache", "--tensor-overrides", ofile,
          "--export-python", os.path.join(out, "q16.py"), "--export-json", os.path.join(out, "q16.json"),
          "--export-calibration", files["calibration.json"])
for f in ("calibration.cache", "calibration.flatbuffers", "trt.cache"):
    run(cli, "quantize", fp32, q16, "--calib", images, "--no-cache", "--tensor-overrides", ofile, "--export-calibration", files[f])
check("com.microsoft domain" in log, "the output says the Q/DQ moved to com.microsoft")

model = onnx.load(q16)
inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
qdq = [n for n in model.graph.node if n.op_type in ("QuantizeLinear", "DequantizeLinear")]
check(qdq and all(n.domain == "com.microsoft" for n in qdq), f"all {len(qdq)} Q/DQ nodes in com.microsoft (opset 17 < 21)")
check(any(o.domain == "com.microsoft" and o.version == 1 for o in model.opset_import), "com.microsoft version 1 imported")
acts = {n.input[0]: (inits[n.input[1]], inits[n.input[2]]) for n in model.graph.node if n.op_type == "QuantizeLinear"}
acts["y"] = acts.pop("y_QuantizeLinear_Input")  # the graph output keeps its name; the Conv... Sigmoid writes this

expected = {"x": ("QUInt8", -0.5, 1.5, False), "c1": ("QUInt16", lo["c1"], hi["c1"], False),
            "r1": ("QInt16", lo["r1"], hi["r1"], True), "y": ("QUInt8", lo["y"], hi["y"], False)}
for name, (qtype, rmin, rmax, sym) in expected.items():
    scale, zp = acts[name]
    es, ez = ort_scale_zp(rmin, rmax, qtype, sym)
    check(zp.dtype == NP[qtype], f"{name}: zero point {zp.dtype} for {qtype}")
    # QuantLens' ranges come from ONNX Runtime's float32 forward pass, numpy's from float64: 1e-5.
    check(abs(float(scale) - float(es)) <= 1e-5 * float(es), f"{name}: scale {float(scale):.9g} = {float(es):.9g}")
    check(abs(int(zp) - ez) <= (0 if name == "x" or sym else 1), f"{name}: zero point {int(zp)} = {ez}")
scale, zp = acts["c2"]
check(float(scale) == np.float32(0.02) and int(zp) == 10 and zp.dtype == np.uint8, "c2: the given scale 0.02 and zero point 10 (uint8)")
w2 = next(n for n in model.graph.node if n.op_type == "DequantizeLinear" and n.input[0] == "W2_quantized")
axis = next((a.i for a in w2.attribute if a.name == "axis"), None)
s2, z2 = inits[w2.input[1]], inits[w2.input[2]]
es2 = (np.abs(W2).reshape(2, -1).max(axis=1).astype(np.float32) * 2).astype(np.float64) / 65534
check(axis == 0 and z2.dtype == np.int16 and not z2.any(), "W2: per-channel axis 0 (per_channel off), int16, zero points 0")
check(np.allclose(s2, es2.astype(np.float32), rtol=1e-7, atol=0), f"W2: scales 2max|w_c|/65534 {s2} = {es2}")
ints = np.clip(np.round(W2 / es2.astype(np.float32)[:, None, None, None]), -32768, 32767)
check(np.array_equal(inits["W2_quantized"].astype(np.int64), ints.astype(np.int64)), "W2: integers round(w/scale)")
check(inits["W1_quantized"].dtype == np.int8, "W1 keeps the default QInt8")

# ---- --export-python and --export-json keep the overrides ----
py = open(os.path.join(out, "q16.py")).read()
tree = ast.parse(py)
call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "quantize_static")
extra = next(k.value for k in call.keywords if k.arg == "extra_options")
qt = types.SimpleNamespace(**{t: t for t in FULL})
extra = eval(compile(ast.Expression(extra), "q16.py", "eval"), {"QuantType": qt, "np": np})
tqo = extra.get("TensorQuantOverrides", {})
check(sorted(tqo) == sorted(overrides), f"--export-python: TensorQuantOverrides for {sorted(tqo)}")
check(tqo["c2"][0]["scale"].dtype == np.float32 and tqo["c2"][0]["zero_point"].dtype == np.uint8
      and float(tqo["c2"][0]["scale"]) == np.float32(0.02), "--export-python: scale float32, zero point uint8 arrays")
check(tqo["r1"][0] == {"quant_type": "QInt16", "symmetric": True}, "--export-python: QuantType.QInt16, symmetric")
check(tqo["W2"][0]["axis"] == 0 and float(tqo["x"][0]["rmin"]) == -0.5, "--export-python: axis and rmin")
recipe = json.load(open(os.path.join(out, "q16.json")))
check(recipe["extra_options"].get("TensorQuantOverrides") == overrides, "--export-json keeps TensorQuantOverrides as given")

# ---- --export-calibration ----
# The ranges the Q/DQ encode: numpy's min/max, the override's rmin/rmax, or what scale/zero point span.
ranges = {"x": (-0.5, 1.5), "c1": (lo["c1"], hi["c1"]), "r1": (lo["r1"], hi["r1"]), "y": (lo["y"], hi["y"]),
          "c2": ((0 - 10) * 0.02, (255 - 10) * 0.02)}


def close(a, b):
    return abs(a - b) <= 1e-5 * max(1.0, abs(b))


cal = json.load(open(files["calibration.json"]))
check(cal["CLS"] == "TensorsData" and cal["calibration_method"] == {"CLS": "CalibrationMethod", "value": "CalibrationMethod.MinMax"},
      "calibration.json: json.dumps of TensorsData")
check(sorted(cal["data"]) == sorted(ranges), f"calibration.json: the quantized activations {sorted(cal['data'])}")
for name, (a, b) in ranges.items():
    d = cal["data"].get(name, {})
    ok = d.get("CLS") == "TensorData" and d["lowest"]["dtype"] == "float32" and d["lowest"]["CLS"] == "numpy.array"
    check(ok and close(d["lowest"]["data"], a) and close(d["highest"]["data"], b),
          f"calibration.json {name}: [{d.get('lowest', {}).get('data')}, {d.get('highest', {}).get('data')}] = [{a:.7g}, {b:.7g}]")
lines = open(files["calibration.cache"]).read().splitlines()
cache = dict(line.rsplit(" ", 1) for line in lines)
check([line.rsplit(" ", 1)[0] for line in lines] == sorted(ranges), "calibration.cache: one sorted line per tensor")
for name, (a, b) in ranges.items():
    value = cache.get(name, "nan")
    # ONNX Runtime writes str(max(float(highest), float(lowest))): Python's repr of the float32.
    check(value == repr(float(np.float32(float(value)))) and close(float(value), max(a, b)), f"calibration.cache {name}: {value}")

buf = open(files["calibration.flatbuffers"], "rb").read()


def u32(at):
    return struct.unpack_from("<I", buf, at)[0]


def table_field(table, index):  # the absolute position of field `index`, or None
    vtable = table - struct.unpack_from("<i", buf, table)[0]
    vsize = struct.unpack_from("<H", buf, vtable)[0]
    if 4 + 2 * index >= vsize:
        return None
    off = struct.unpack_from("<H", buf, vtable + 4 + 2 * index)[0]
    return table + off if off else None


def string(at):
    at += u32(at)
    return buf[at + 4:at + 4 + u32(at)].decode()


root = u32(0)
vec = table_field(root, 0)
vec += u32(vec)
entries = []
for i in range(u32(vec)):
    slot = vec + 4 + 4 * i
    kv = slot + u32(slot)
    entries.append((string(table_field(kv, 0)), string(table_field(kv, 1))))
check([k for k, _ in entries] == sorted(ranges, reverse=True), f"calibration.flatbuffers: TrtTable.dict keys {[k for k, _ in entries]}")
check(all(cache.get(k) == v for k, v in entries), "calibration.flatbuffers: the same values as calibration.cache")

trt = open(files["trt.cache"]).read().splitlines()
check(trt[0] == "TRT-8601-EntropyCalibration2", f"TensorRT cache header {trt[0]}")
scales = {}
for line in trt[1:]:
    name, h = line.split(": ")
    scales[name] = struct.unpack(">f", bytes.fromhex(h.rjust(8, "0")))[0]
check(sorted(scales) == sorted(ranges), "TensorRT cache: one line per quantized activation")
for name, (a, b) in ranges.items():
    e = max(abs(a), abs(b)) / 127
    check(close(scales.get(name, 0), e) and abs(scales.get(name, 0) - e) <= 1e-5 * e, f"TensorRT {name}: scale {scales.get(name)} = max|range|/127 {e:.7g}")

# Exclusions: conv2 and the Sigmoid left float, so c2 and y have no range to give.
excluded = os.path.join(out, "excluded.cache")
run(cli, "quantize", fp32, os.path.join(out, "mixed_excl.onnx"), "--calib", images, "--no-cache", "--exclude", "conv2,sig",
    "--export-calibration", excluded)
names = [line.split(": ")[0] for line in open(excluded).read().splitlines()[1:]]
check(names == ["c1", "r1", "x"], f"excluded tensors are left out of the TensorRT cache: {names}")

# ---- Refusals name the file and the entry; nothing is written ----
bad = os.path.join(out, "bad_overrides.json")
json.dump({"c_1": [{"quant_type": "QUInt16"}]}, open(bad, "w"))
never = os.path.join(out, "never.onnx")
p = subprocess.run([cli, "quantize", fp32, never, "--calib", images, "--no-cache", "--tensor-overrides", bad], capture_output=True, text=True)
check(p.returncode != 0 and f"{bad}: entry 'c_1': no tensor of this name in the model; nearest: 'c1'" in p.stderr and not os.path.exists(never),
      "an unknown tensor is refused naming the file, the entry and the nearest name")
json.dump({"c1": [{"scale": 0.1}]}, open(bad, "w"))
p = subprocess.run([cli, "quantize", fp32, never, "--calib", images, "--no-cache", "--tensor-overrides", bad], capture_output=True, text=True)
check(p.returncode != 0 and f"{bad}: entry 'c1': Must provide both 'scale' and 'zero_point'" in p.stderr, "scale without zero_point is refused")

# ---- Opset 21: ONNX's own 16-bit QuantizeLinear/DequantizeLinear, no com.microsoft ----
m21 = onnx.load(fp32)
m21.opset_import[0].version = 21
m21.ir_version = 10
fp32_21 = os.path.join(out, "mixed_fp32_opset21.onnx")
onnx.save(m21, fp32_21)
q21 = os.path.join(out, "mixed_q16_opset21.onnx")
run(cli, "quantize", fp32_21, q21, "--calib", images, "--no-cache", "--activation-type", "QUInt16")
m21 = onnx.load(q21)
qdq21 = [n for n in m21.graph.node if n.op_type in ("QuantizeLinear", "DequantizeLinear")]
z21 = {t.name: numpy_helper.to_array(t) for t in m21.graph.initializer}
check(qdq21 and all(n.domain == "" for n in qdq21) and all(o.domain != "com.microsoft" for o in m21.opset_import),
      "opset 21: Q/DQ in the ONNX domain, com.microsoft not imported")
check(z21["c1_zero_point"].dtype == np.uint16, "opset 21: uint16 zero points")
fid = run(cli, "compare", fp32_21, q21, "--images", images)
check("SQNR" in fid, "opset 21: compare runs the model in ONNX Runtime")

# ---- QuantLens reads what it writes ----
info = run(cli, "inspect", q16)
check("QDQ" in info, "inspect reads the 16-bit model")
# compare on a model with every activation QUInt16: c1's own rounding error (clipping included),
# its integer range and type, against numpy running the quantized model's arithmetic up to c1 (x
# through its Q/DQ, the dequantized int8 weight and int32 bias) and rounding c1 with the written
# scale and zero point.
a16 = os.path.join(out, "mixed_a16.onnx")
run(cli, "quantize", fp32, a16, "--calib", images, "--no-cache", "--activation-type", "QUInt16")
m16 = onnx.load(a16)
i16 = {t.name: numpy_helper.to_array(t) for t in m16.graph.initializer}


def dequantized(name, qmax):
    s, z = i16[name + "_scale"].astype(np.float64), i16[name + "_zero_point"].astype(np.float64)
    return lambda v: (np.clip(np.round(v / s) + z, 0, qmax) - z) * s


w1 = i16["W1_quantized"].astype(np.float64) * float(i16["W1_scale"])
b1 = i16["B1_quantized"].astype(np.float64) * i16["B1_quantized_scale"].astype(np.float64)
qx, qc1 = dequantized("x", 65535), dequantized("c1", 65535)
s1, z1 = float(i16["c1_scale"]), int(i16["c1_zero_point"])
signal = noise = 0.0
for k in range(5):
    image = cv2.imread(os.path.join(images, f"{k}.png"))[:, :, ::-1].astype(np.float32) / 255.0
    c1 = conv(qx(image.transpose(2, 0, 1)[None].astype(np.float64)), w1, b1, 1)
    signal += float((c1 ** 2).sum())
    noise += float(((qc1(c1) - c1) ** 2).sum())
expected_db = 10 * np.log10(signal / noise)
report = json.loads(run(cli, "compare", fp32, a16, "--images", images, "--json"))
row = next(r for r in report["layers"] if r["name"] == "c1")
check(row["quantized_type"] == "uint16", f"compare: c1 read as {row['quantized_type']}")
check(abs(row["rounding"]["sqnr_db"] - expected_db) < 0.1,
      f"compare: c1 rounding SQNR {row['rounding']['sqnr_db']:.2f} dB = numpy {expected_db:.2f} dB (clipping included)")
check(abs(row["quant_range"][0] - (0 - z1) * s1) < 1e-6 and abs(row["quant_range"][1] - (65535 - z1) * s1) < 1e-6,
      f"compare: c1 integer range {row['quant_range']} spans 0..65535")

exit_on_failures()
print("all checks passed")
