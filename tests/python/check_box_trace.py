#!/usr/bin/env python3
"""`quantlens-cli explain --trace --dump-tensors` held against numpy (issue 20, items 2 and 3).

On ../shared yolov8n FP32 vs its static QDQ model and bus.jpg (the person box), explain writes the
traced feature maps (whole and windowed) and the DFL logits as .npy. From those files alone, with
its own window computation from the documented rule (analysis/BoxTrace.h), this script recomputes:
  - each layer's window (cells of the map the box's cell depends on) and checks the dumped window
    is that slice of the dumped whole tensor;
  - local SQNR, whole SQNR and local max abs error (float64) against the JSON figures;
  - the marked jump: the largest drop of local SQNR from a layer's worst input (ceiling 40 dB);
  - the trace follows only the cell's head level (no other level's head branch is listed);
  - the DFL distributions: softmax over 16 bins of the 64-channel box branch at the cell's column,
    against the JSON, and their expectations sum(p_i * i) against the ltrb printed at the cell.
Exits 77 when ../shared is absent.

Usage: check_box_trace.py QUANTLENS_CLI WORK_FOLDER SHARED_FOLDER
"""
import json
import math
import os
import shutil
import sys

import numpy as np
import onnx
import onnx.numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, exit_on_failures, run  # noqa: E402

CEILING_DB = 40.0


def sqnr_db(f, q):
    f = f.astype(np.float64).ravel()
    q = q.astype(np.float64).ravel()
    noise = np.sum((f - q) ** 2)
    if noise == 0:
        return math.inf
    return 10.0 * math.log10(np.sum(f * f) / noise)


def window(cell_c, head_stride, half, map_stride, size):
    """Cells [a, b) of a map of stride map_stride covering input pixels [(c-H)S, (c+H+1)S)."""
    a = math.floor((cell_c - half) * head_stride / map_stride)
    b = math.ceil((cell_c + half + 1) * head_stride / map_stride)
    return max(0, min(size, a)), max(0, min(size, b))


def decode_step(path):
    """The largest Q/DQ step (grid units) between the DFL Conv and the output in the quantized model."""
    m = onnx.load(path, load_external_data=False)
    inits = {i.name: onnx.numpy_helper.to_array(i) for i in m.graph.initializer}
    consumers = {}
    for n in m.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    start = [n for n in m.graph.node if n.op_type == "Conv" and n.input[1] in inits and inits[n.input[1]].size == 16]
    todo = [o for n in start for o in n.output]
    seen, step = set(), 0.0
    while todo:
        t = todo.pop()
        for n in consumers.get(t, []):
            if n.name in seen:
                continue
            seen.add(n.name)
            if n.op_type == "QuantizeLinear" and n.input[1] in inits:
                step = max(step, float(np.max(inits[n.input[1]])))
            todo.extend(n.output)
    return step if step > 0 else 2e-3


def close_db(a, b, tol=0.02):
    if a is None or b is None or math.isinf(a) or math.isinf(b):
        return (a is None or math.isinf(a)) and (b is None or math.isinf(b))
    return abs(a - b) <= tol


def main():
    cli, work, shared = sys.argv[1:4]
    fp32 = os.path.join(shared, "models", "yolov8n_fp32.onnx")
    qdq = os.path.join(shared, "models", "yolov8n_qdq_static.onnx")
    image = os.path.join(shared, "images", "bus.jpg")
    if not all(os.path.exists(p) for p in (fp32, qdq, image)):
        print("SKIP: ../shared models or images absent")
        sys.exit(77)
    dump = os.path.join(work, "box_trace_dump")
    shutil.rmtree(dump, ignore_errors=True)
    os.makedirs(work, exist_ok=True)

    out = run(cli, "explain", fp32, qdq, image, "--box", "50,400,250,900", "--trace", "--json", "--dump-tensors", dump)
    j = json.loads(out)
    check(len(j["boxes"]) == 1, "one box explained")
    box = j["boxes"][0]
    cell = box["cell"]
    trace = box["trace"]
    layers = trace["layers"]
    half = trace["window_half_cells"]
    S = cell["stride"]
    model = onnx.load(fp32, load_external_data=False)
    dims = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    in_h, in_w = dims[2], dims[3]
    check(in_w == 640 and in_h == 640, f"input size read from the model: {in_w}x{in_h}")
    check(len(layers) > 20, f"{len(layers)} traced maps")
    check([l["order"] for l in layers] == sorted(l["order"] for l in layers), "layers in topological order")

    local = []
    worst_dev = 0.0
    for k, l in enumerate(layers):
        f = np.load(os.path.join(dump, l["files"]["fp32"]))
        q = np.load(os.path.join(dump, l["files"]["quantized"]))
        fw = np.load(os.path.join(dump, l["files"]["fp32_window"]))
        qw = np.load(os.path.join(dump, l["files"]["quantized_window"]))
        ok = f.ndim == 4 and f.shape == q.shape and list(f.shape) == l["shape"]
        if not ok:
            check(False, f"layer {k} {l['tensor']}: dumped shapes {f.shape} {q.shape} vs {l['shape']}")
            continue
        h, w = f.shape[2], f.shape[3]
        s = in_w // w
        x0, x1 = window(cell["x"], S, half, s, w)
        y0, y1 = window(cell["y"], S, half, s, h)
        win = l["window"]
        if (x0, x1, y0, y1) != (win["x0"], win["x1"], win["y0"], win["y1"]) or s != l["stride"] or in_h // h != s:
            check(False, f"layer {k} {l['tensor']}: window {(x0, x1, y0, y1)} stride {s}, JSON {win} stride {l['stride']}")
        ref_fw = f[:, :, y0:y1, x0:x1]
        ref_qw = q[:, :, y0:y1, x0:x1]
        if not (np.array_equal(ref_fw, fw) and np.array_equal(ref_qw, qw)):
            check(False, f"layer {k} {l['tensor']}: dumped window is not the slice of the whole tensor")
        loc = sqnr_db(ref_fw, ref_qw)
        whole = sqnr_db(f, q)
        mx = float(np.max(np.abs(ref_fw.astype(np.float64) - ref_qw.astype(np.float64))))
        local.append(loc)
        for name, mine, theirs in (("local", loc, l["local_sqnr_db"]), ("whole", whole, l["whole_sqnr_db"])):
            if not close_db(mine, theirs):
                check(False, f"layer {k} {l['tensor']}: {name} SQNR numpy {mine} vs QuantLens {theirs}")
            elif mine is not None and not math.isinf(mine) and theirs is not None:
                worst_dev = max(worst_dev, abs(mine - theirs))
        if abs(mx - l["local_max_abs_error"]) > 1e-5 * max(1.0, mx):
            check(False, f"layer {k} {l['tensor']}: local max abs error numpy {mx} vs {l['local_max_abs_error']}")
    check(len(local) == len(layers), f"windows, slices, local/whole SQNR and max error of {len(layers)} layers agree "
          f"with numpy (largest SQNR difference {worst_dev:.4f} dB)")

    # The jump, recomputed with the documented rule from numpy's local SQNRs.
    best, best_k = 0.0, -1
    for k, l in enumerate(layers):
        if not l["inputs"]:
            continue
        worst = min(min(local[i], CEILING_DB) for i in l["inputs"])
        drop = worst - min(local[k], CEILING_DB)
        if drop > best:
            best, best_k = drop, k
    check(best_k == trace["jump_layer"], f"jump layer numpy #{best_k} ({layers[best_k]['tensor'] if best_k >= 0 else '-'}, "
          f"-{best:.2f} dB) = QuantLens #{trace['jump_layer']}")
    check(sum(1 for l in layers if l["jump"]) == (1 if best_k >= 0 else 0), "one layer marked")

    # Only the cell's own level: the head branches of the other levels (cv2.i / cv3.i) are left out.
    level = cell["level"]
    others = [l["tensor"] for l in layers for i in range(3) if i != level and (f"cv2.{i}/" in l["tensor"] or f"cv3.{i}/" in l["tensor"])]
    mine = [l["tensor"] for l in layers if f"cv2.{level}/" in l["tensor"] or f"cv3.{level}/" in l["tensor"]]
    check(not others and len(mine) >= 6, f"level {level} head branch traced ({len(mine)} maps), other levels' not ({others[:2]})")

    # DFL distributions from the dumped 64-channel box branch.
    dfl = box.get("dfl")
    check(dfl is not None and "note" not in j, "DFL distributions given, the 'not available' note gone")
    if dfl:
        col = cell["output_index"]
        for side_key, reading in (("fp32", "fp32_at_cell"), ("quantized", "quantized_at_cell")):
            logits = np.load(os.path.join(dump, dfl["files"][side_key + "_logits"])).astype(np.float64)
            check(logits.shape[1] == 64, f"{side_key} DFL logits have 64 channels {logits.shape}")
            z = logits[0, :, col].reshape(4, 16)
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            got = np.array([dfl[side_key][s] for s in ("left", "top", "right", "bottom")])
            check(np.allclose(p, got, atol=2e-5), f"{side_key} softmax at column {col} matches "
                  f"(max diff {np.max(np.abs(p - got)):.2e})")
            expect = (p * np.arange(16)).sum(axis=1)
            ltrb = np.array(box[reading]["ltrb_strides"])
            # FP32: float rounding only. Quantized: the decode after the DFL Conv runs through Q/DQ
            # pairs (Sub/Add_1/Add_2 in the static QDQ model), which move the printed ltrb by up
            # to about one step of the coarsest of them.
            tol = 2e-3 if side_key == "fp32" else decode_step(qdq)
            check(np.all(np.abs(expect - ltrb) <= tol), f"{side_key} expectation {np.round(expect, 3)} = ltrb "
                  f"{np.round(ltrb, 3)} (max diff {np.max(np.abs(expect - ltrb)):.4f}, tolerance {tol})")
    shutil.rmtree(dump, ignore_errors=True)
    exit_on_failures()


if __name__ == "__main__":
    main()
