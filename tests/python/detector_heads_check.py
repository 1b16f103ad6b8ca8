#!/usr/bin/env python3
"""Checks `quantlens-cli detect` on the detector heads beyond Ultralytics/v5 (YOLOv6 with and without
objectness, YOLOX per-level outputs, YOLO-NAS, RT-DETR, NanoDet/GFL concatenated and per level)
against a numpy reference decoder written here from the heads' published post-processing, sharing
no code with QuantLens.

Each model is built with onnx.helper: its outputs are constants (known boxes planted at known
cells or queries, low background scores elsewhere) plus 0 x mean(image), so they depend on the
input but not on its values. The image is 128x128 and the input 64x64: the letterbox is a plain
scale of 1/2, so the reference maps input pixels back by x2.

Usage: detector_heads_check.py make DIR             (models, names and the image only)
       detector_heads_check.py check QUANTLENS_CLI DIR
"""
import json
import os
import subprocess
import sys

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SIZE = 64           # model input, pixels
IMAGE = 128         # image side: letterbox scale 1/2, no padding
CLASSES = 3
CONF = 0.3
IOU = 0.45
REG_MAX = 7         # GFL: 8 bins per side
STRIDES = (8, 16, 32)


def grid(stride):
    return SIZE // stride, SIZE // stride  # h, w


def cells(strides):
    return sum(h * w for h, w in (grid(s) for s in strides))


N3 = cells(STRIDES)               # 84
N4 = cells(STRIDES + (64,))       # 85


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ---- models -----------------------------------------------------------------------------------

def save_constant_model(path, outputs):
    """outputs: list of (name, array). Each output = array + 0 * mean(images)."""
    nodes = [helper.make_node("ReduceMean", ["images"], ["mean"], axes=[1, 2, 3], keepdims=0, name="mean"),
             helper.make_node("Mul", ["mean", "zero"], ["nothing"], name="times_zero")]
    inits = [numpy_helper.from_array(np.array(0.0, np.float32), "zero")]
    outs = []
    for name, array in outputs:
        inits.append(numpy_helper.from_array(array.astype(np.float32), name + "_value"))
        nodes.append(helper.make_node("Add", [name + "_value", "nothing"], [name], name=name + "_add"))
        outs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(array.shape)))
    graph = helper.make_graph(nodes, "heads",
                              [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])],
                              outs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="quantlens-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def background(rng, rows, cols):
    return rng.uniform(0.0, 0.1, (rows, cols)).astype(np.float32)


def v6_output(rng, objectness):
    """[1, N, 5+C] (or 4+C): decoded cx cy w h in input pixels, objectness, class scores."""
    fixed = 5 if objectness else 4
    out = background(rng, N3, fixed + CLASSES)
    out[:, 0:2] = rng.uniform(4, 60, (N3, 2))
    out[:, 2:4] = rng.uniform(3, 8, (N3, 2))
    if objectness:
        out[:, 4] = rng.uniform(0.0, 0.2, N3)
    # (row, cx, cy, w, h, objectness, class, score); rows 3 and 4 overlap with one class: NMS keeps 3
    planted = [(3, 12, 12, 10, 10, 0.9, 0, 0.9), (4, 13, 12, 10, 10, 0.95, 0, 0.8),
               (70, 40, 30, 16, 12, 0.8, 2, 0.7), (80, 50, 50, 8, 20, 1.0, 1, 0.5)]
    for row, cx, cy, w, h, obj, cls, score in planted:
        out[row, 0:4] = (cx, cy, w, h)
        if objectness:
            out[row, 4] = obj
        out[row, fixed:] = 0.05
        out[row, fixed + cls] = score
    return out[None]


def yolox_levels_outputs(rng):
    """Three [1, 5+C, H, W] logits: dx dy log-w log-h objectness classes, one per stride."""
    outs = []
    for s in STRIDES:
        h, w = grid(s)
        level = rng.uniform(-6, -3, (5 + CLASSES, h, w)).astype(np.float32)  # background: sigmoid < 0.05
        level[0:2] = rng.uniform(0, 1, (2, h, w))
        level[2:4] = rng.uniform(-1, 1, (2, h, w))
        outs.append(level)
    # (level, gy, gx, dx, dy, log-w, log-h, obj logit, class, class logit)
    planted = [(0, 2, 3, 0.5, 0.25, 0.2, -0.1, 3.0, 1, 2.0), (1, 1, 2, 0.3, 0.7, 0.5, 0.4, 2.5, 0, 3.0),
               (2, 1, 0, 0.5, 0.5, 0.1, 0.3, 4.0, 2, 4.0)]
    for lv, gy, gx, dx, dy, lw, lh, obj, cls, logit in planted:
        outs[lv][0:4, gy, gx] = (dx, dy, lw, lh)
        outs[lv][4, gy, gx] = obj
        outs[lv][5:, gy, gx] = -5.0
        outs[lv][5 + cls, gy, gx] = logit
    return [o[None] for o in outs]


def nas_outputs(rng):
    boxes = np.zeros((N3, 4), np.float32)
    x1y1 = rng.uniform(0, 50, (N3, 2))
    boxes[:, 0:2] = x1y1
    boxes[:, 2:4] = x1y1 + rng.uniform(3, 10, (N3, 2))
    scores = background(rng, N3, CLASSES)
    planted = [(5, (4, 6, 20, 26), 2, 0.85), (6, (5, 6, 21, 26), 2, 0.6), (60, (30, 30, 60, 50), 0, 0.75)]
    for row, box, cls, score in planted:
        boxes[row] = box
        scores[row, cls] = score
    return boxes[None], scores[None]


def rtdetr_output(rng):
    """[1, 300, 4+C]: cx cy w h as fractions of the input, sigmoid-ed scores."""
    out = background(rng, 300, 4 + CLASSES)
    out[:, 0:2] = rng.uniform(0.1, 0.9, (300, 2))
    out[:, 2:4] = rng.uniform(0.05, 0.2, (300, 2))
    # Queries 7 and 8 overlap with the same class: RT-DETR has no NMS, both stay.
    planted = [(7, (0.25, 0.25, 0.2, 0.2), 1, 0.9), (8, (0.26, 0.25, 0.2, 0.2), 1, 0.8),
               (150, (0.7, 0.6, 0.3, 0.1), 0, 0.5), (299, (0.5, 0.8, 0.1, 0.15), 2, 0.35)]
    for q, box, cls, score in planted:
        out[q, 0:4] = box
        out[q, 4 + cls] = score
    return out[None]


def gfl_rows(rng, strides):
    """[N, C + 4*(REG_MAX+1)]: sigmoid-ed class scores, then four distributions of bin logits."""
    n = cells(strides)
    bins = REG_MAX + 1
    out = np.concatenate([background(rng, n, CLASSES), rng.normal(0, 1, (n, 4 * bins)).astype(np.float32)], axis=1)
    offsets = np.cumsum([0] + [grid(s)[0] * grid(s)[1] for s in strides])
    # (level index, gy, gx, class, score); the distributions are peaked at known bins
    planted = [(0, 3, 4, 0, 0.9, (2, 1, 3, 2)), (1, 1, 1, 2, 0.7, (1, 1, 1, 2)), (2, 0, 1, 1, 0.6, (0, 2, 1, 1))]
    if len(strides) > 3:
        planted.append((3, 0, 0, 0, 0.8, (0, 0, 1, 1)))
    for lv, gy, gx, cls, score, peaks in planted:
        row = offsets[lv] + gy * grid(strides[lv])[1] + gx
        out[row, :CLASSES] = 0.02
        out[row, cls] = score
        for side, peak in enumerate(peaks):
            logits = np.full(bins, -2.0, np.float32)
            logits[peak] = 3.0
            logits[min(peak + 1, bins - 1)] = 1.0
            out[row, CLASSES + side * bins:CLASSES + (side + 1) * bins] = logits
    return out


# ---- numpy reference decoders -----------------------------------------------------------------

def iou(a, b):
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def nms(dets):
    """Greedy per-class NMS: highest score first, drop same-class boxes with IoU > IOU."""
    dets = sorted(dets, key=lambda d: -d[2])
    kept = []
    for d in dets:
        if all(k[1] != d[1] or iou(k[0], d[0]) <= IOU for k in kept):
            kept.append(d)
    return kept


def xyxy(cx, cy, w, h):
    return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]


def best(scores):
    c = int(np.argmax(scores))
    return c, float(scores[c])


def ref_v6(out, objectness):
    dets = []
    for r in out[0]:
        obj = r[4] if objectness else 1.0
        c, s = best(r[5:] * obj if objectness else r[4:])
        if s >= CONF and obj >= CONF:
            dets.append((xyxy(*r[:4]), c, s))
    return nms(dets)


def ref_yolox_levels(levels):
    dets = []
    for s, level in zip(STRIDES, levels):
        p = level[0]
        for gy in range(p.shape[1]):
            for gx in range(p.shape[2]):
                v = p[:, gy, gx]
                obj = sigmoid(v[4])
                c, score = best(sigmoid(v[5:]) * obj)
                if obj >= CONF and score >= CONF:
                    dets.append((xyxy((v[0] + gx) * s, (v[1] + gy) * s, np.exp(v[2]) * s, np.exp(v[3]) * s), c, score))
    return nms(dets)


def ref_nas(boxes, scores):
    dets = []
    for b, sc in zip(boxes[0], scores[0]):
        c, s = best(sc)
        if s >= CONF:
            dets.append((list(b), c, s))
    return nms(dets)


def ref_rtdetr(out):
    dets = []
    for r in out[0]:
        c, s = best(r[4:])
        if s >= CONF:
            dets.append((xyxy(r[0] * SIZE, r[1] * SIZE, r[2] * SIZE, r[3] * SIZE), c, s))
    return sorted(dets, key=lambda d: -d[2])  # no NMS


def ref_gfl(rows, strides, centre=0.0):
    """NanoDet-Plus: priors at (x, y) * stride (legacy NanoDet: centre 0.5, (x + 0.5, y + 0.5) * stride),
    distances = softmax-integral of each side x stride."""
    bins = REG_MAX + 1
    dets = []
    row = 0
    for s in strides:
        h, w = grid(s)
        for gy in range(h):
            for gx in range(w):
                r = rows[row]
                row += 1
                c, score = best(r[:CLASSES])
                if score < CONF:
                    continue
                d = []
                for side in range(4):
                    logits = r[CLASSES + side * bins:CLASSES + (side + 1) * bins].astype(np.float64)
                    p = np.exp(logits - logits.max())
                    p /= p.sum()
                    d.append(float((p * np.arange(bins)).sum()) * s)
                px, py = (gx + centre) * s, (gy + centre) * s
                dets.append(([px - d[0], py - d[1], px + d[2], py + d[3]], c, score))
    return nms(dets)


def to_image(dets):
    """Input pixels -> image pixels (x2), clamped to the image, as (box, class, score)."""
    return [([min(max(v * IMAGE / SIZE, 0.0), IMAGE) for v in b], c, s) for b, c, s in dets]


# ---- the cases --------------------------------------------------------------------------------

def cases(rng):
    """(name, outputs [(name, array)], reference detections in image pixels, extra CLI flags)."""
    v6 = v6_output(rng, True)
    v6n = v6_output(rng, False)
    yl = yolox_levels_outputs(rng)
    nb, ns = nas_outputs(rng)
    rt = rtdetr_output(rng)
    g3 = gfl_rows(rng, STRIDES)
    g4 = gfl_rows(rng, STRIDES + (64,))
    levels4 = []
    offset = 0
    for s in STRIDES + (64,):
        h, w = grid(s)
        levels4.append(g4[offset:offset + h * w][None])
        offset += h * w
    yl_flat = [np.transpose(o.reshape(o.shape[1], -1))[None] for o in yl]  # [1, H*W, 5+C]
    six = []  # legacy NanoDet: scores [1,H*W,C] and distributions [1,H*W,32] apart, per level
    offset = 0
    for s in STRIDES:
        h, w = grid(s)
        six.append((f"cls_pred_stride_{s}", g3[offset:offset + h * w, :CLASSES][None]))
        six.append((f"dis_pred_stride_{s}", g3[offset:offset + h * w, CLASSES:][None]))
        offset += h * w
    names = ["--names", "NAMES"]
    return [
        ("v6", [("output", v6)], to_image(ref_v6(v6, True)), ["--layout", "v6"]),
        ("v6_noobj", [("output", v6n)], to_image(ref_v6(v6n, False)), names),
        ("yolox_levels", [("p3", yl[0]), ("p4", yl[1]), ("p5", yl[2])], to_image(ref_yolox_levels(yl)), []),
        # the same values flattened to [1,H*W,5+C] and given in another order: strides come from shapes
        ("yolox_levels_flat", [("p5", yl_flat[2]), ("p3", yl_flat[0]), ("p4", yl_flat[1])],
         to_image(ref_yolox_levels(yl)), []),
        ("nas", [("scores", ns), ("boxes", nb)], to_image(ref_nas(nb, ns)), []),
        ("rtdetr", [("output", rt)], to_image(ref_rtdetr(rt)), []),
        ("gfl", [("output", g3[None])], to_image(ref_gfl(g3, STRIDES)), names),
        ("gfl_legacy", [("output", g3[None])], to_image(ref_gfl(g3, STRIDES, 0.5)), names + ["--gfl-centre"]),
        ("gfl_six", six, to_image(ref_gfl(g3, STRIDES, 0.5)), []),
        ("gfl_levels", [(f"level{i}", lv) for i, lv in enumerate(levels4)], to_image(ref_gfl(g4, STRIDES + (64,))),
         names),
    ]


def make(directory):
    os.makedirs(directory, exist_ok=True)
    cv2.imwrite(os.path.join(directory, "image.png"), np.full((IMAGE, IMAGE, 3), 114, np.uint8))
    with open(os.path.join(directory, "names.txt"), "w") as f:
        f.write("cat\ndog\nbird\n")
    refs = {}
    for name, outputs, ref, flags in cases(np.random.default_rng(2026)):
        save_constant_model(os.path.join(directory, name + ".onnx"), outputs)
        refs[name] = {"detections": [{"box": [float(v) for v in b], "class_id": c, "score": float(s)} for b, c, s in ref],
                      "flags": flags}
    with open(os.path.join(directory, "reference.json"), "w") as f:
        json.dump(refs, f, indent=1)
    return refs


def run(cli, args):
    p = subprocess.run([cli] + args, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def check(cli, directory):
    refs = make(directory)
    image = os.path.join(directory, "image.png")
    failures = []
    for name, ref in refs.items():
        flags = [os.path.join(directory, "names.txt") if f == "NAMES" else f for f in ref["flags"]]
        code, out, err = run(cli, ["detect", os.path.join(directory, name + ".onnx"), image, "--json",
                                   "--conf", str(CONF), "--iou", str(IOU)] + flags)
        if code != 0:
            failures.append(f"{name}: exit {code}: {err.strip()}")
            continue
        got = json.loads(out)[0]["models"][0]["detections"]
        want = ref["detections"]
        if not want:
            failures.append(f"{name}: the reference found nothing; the case is broken")
        if len(got) != len(want):
            failures.append(f"{name}: {len(got)} detections, the reference {len(want)}: {got} vs {want}")
            continue
        for g, w in zip(sorted(got, key=lambda d: -d["score"]), want):
            if g["class_id"] != w["class_id"] or abs(g["score"] - w["score"]) > 1e-4 or \
                    max(abs(a - b) for a, b in zip(g["box"], w["box"])) > 2e-3:
                failures.append(f"{name}: {g} != reference {w}")
        print(f"{name}: {len(got)} detections agree with the numpy reference")

    # Shapes no head alone can be sure of are refused, naming --layout and the choices.
    refusals = [
        ("v6", [], ["--layout yolox|v6|v6-noobj", "fits several heads"]),
        ("v6_noobj", [], ["--layout", "v6-noobj", "--names"]),
        ("gfl", [], ["--layout", "gfl"]),
        # a layout forced on outputs it cannot read says why
        ("nas", ["--layout", "rtdetr"], ["cannot be read as --layout rtdetr", "reads one output, the model has 2"]),
        ("rtdetr", ["--layout", "yolox-levels"], ["cannot be read as --layout yolox-levels", "reads 3 outputs"]),
        ("yolox_levels", ["--layout", "gfl"], ["cannot be read as --layout gfl"]),
    ]
    for name, flags, needles in refusals:
        code, out, err = run(cli, ["detect", os.path.join(directory, name + ".onnx"), image] + flags)
        text = out + err
        if code == 0:
            failures.append(f"{name} {flags}: accepted, expected a refusal")
        for needle in needles:
            if needle not in text:
                failures.append(f"{name} {flags}: the refusal does not say '{needle}': {text.strip()}")
        if text.strip().count("\n") > 0:
            failures.append(f"{name} {flags}: the refusal is more than one line: {text.strip()}")
    failures += check_parts(cli, directory, image)
    if failures:
        print("\n".join(failures))
        return 1
    print("all heads agree with the numpy reference; ambiguous and wrong layouts are refused")
    return 0


def sqnr(pairs):
    """SQNR in dB over (reference, test) array pairs taken together."""
    signal = sum(float(np.sum(r.astype(np.float64) ** 2)) for r, _ in pairs)
    noise = sum(float(np.sum((r.astype(np.float64) - t.astype(np.float64)) ** 2)) for r, t in pairs)
    return float("inf") if noise == 0 else 10.0 * np.log10(signal / noise)


def check_parts(cli, directory, image):
    """`compare` on multi-output heads: boxes, objectness and class scores measured apart over every
    output they lie in, against numpy on the two models' known outputs."""
    failures = []
    rng = np.random.default_rng(7)
    yl = yolox_levels_outputs(rng)
    nb, ns = nas_outputs(rng)
    for name, outputs, parts in [
        ("yolox_levels", [("p3", yl[0]), ("p4", yl[1]), ("p5", yl[2])],
         {"boxes": lambda o: o[0, 0:4], "objectness": lambda o: o[0, 4:5], "class scores": lambda o: o[0, 5:]}),
        ("nas", [("boxes", nb), ("scores", ns)], None),
    ]:
        # The "quantized" model: every value moved by a known amount, boxes more than scores.
        moved = []
        for out_name, a in outputs:
            noise = rng.normal(0, 0.05, a.shape).astype(np.float32)
            moved.append((out_name, (a + noise).astype(np.float32)))
        save_constant_model(os.path.join(directory, name + "_fp32.onnx"), outputs)
        save_constant_model(os.path.join(directory, name + "_moved.onnx"), moved)
        code, out, err = run(cli, ["compare", os.path.join(directory, name + "_fp32.onnx"),
                                   os.path.join(directory, name + "_moved.onnx"), "--images", image, "--json"])
        if code != 0:
            failures.append(f"compare {name}: exit {code}: {err.strip()}")
            continue
        report = json.loads(out)
        read = [o for o in report["outputs"] if o.get("layout")]
        if len(read) != 1:
            failures.append(f"compare {name}: expected one output carrying the head's parts, got {report['outputs']}")
            continue
        got = {p["part"]: p["metrics"]["sqnr_db"] for p in read[0]["parts"]}
        if name == "nas":
            want = {"boxes": sqnr([(nb, moved[0][1])]), "class scores": sqnr([(ns, moved[1][1])])}
        else:
            want = {part: sqnr([(take(a), take(m)) for (_, a), (_, m) in zip(outputs, moved)])
                    for part, take in parts.items()}
        if set(got) != set(want):
            failures.append(f"compare {name}: parts {sorted(got)}, expected {sorted(want)}")
            continue
        for part, value in want.items():
            if abs(got[part] - value) > 1e-3:
                failures.append(f"compare {name}: {part} SQNR {got[part]} vs numpy {value}")
        print(f"compare {name}: part SQNRs agree with numpy: {got}")
    return failures


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        return check(sys.argv[2], sys.argv[3])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
