#!/usr/bin/env python3
"""Builds what the `eval` and `report --data` tests run on, without ../shared.

Usage: make_eval_fixture.py OUT_DIR

OUT_DIR/tiny_detector.onnx          a "YOLOv8" whose output [1, 4+3, 84] is a constant (boxes cx, cy,
                                    w, h in the 64x64 input, 3 class scores), so the same 84 candidates
                                    come out for every image
OUT_DIR/tiny_detector_shifted.onnx  the same with boxes moved and scores changed: a second model
OUT_DIR/data/                       images/val/*.png of six sizes, labels/val/*.txt for five of them
                                    (one image has no label file), data.yaml (path: ., val: folder)
OUT_DIR/nolabels/                   images without any label file, data.yaml
Labels are placed near where the candidates land in each image (an even letterbox assumed), so
the mAP lies strictly between 0 and 1. Exit 77 when numpy, OpenCV or onnx is missing.
"""

import os
import sys

try:
    import cv2
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError as e:
    print(f"{e.name} is not installed (Debian python3-numpy, python3-opencv, python3-onnx): skipped")
    sys.exit(77)

INPUT = 64
CLASSES = ["circle", "square", "triangle"]
CANDIDATES = sum((INPUT // s) ** 2 for s in (8, 16, 32))  # 84: the anchors of a 64x64 YOLOv8
SIZES = [(64, 64), (80, 48), (60, 100), (128, 64), (57, 33), (150, 200)]  # width, height


def candidates(rng):
    boxes = np.zeros((4 + len(CLASSES), CANDIDATES), dtype=np.float32)
    boxes[0] = rng.uniform(8, 56, CANDIDATES)   # cx
    boxes[1] = rng.uniform(8, 56, CANDIDATES)   # cy
    boxes[2] = rng.uniform(6, 24, CANDIDATES)   # w
    boxes[3] = rng.uniform(6, 24, CANDIDATES)   # h
    for i in range(CANDIDATES):
        scores = rng.uniform(0, 0.05, len(CLASSES))
        scores[rng.integers(0, len(CLASSES))] = rng.choice([0.3, 0.5, 0.5, 0.7, 0.9, rng.uniform(0.01, 1)])
        boxes[4:, i] = scores
    return boxes


def constant_model(output, path):
    """images [1,3,64,64] -> output0 = output + 0 x mean(images): constant, but fed by the input."""
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["mean"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Reshape", ["mean", "shape"], ["mean3"]),
        helper.make_node("Mul", ["mean3", "zero"], ["nothing"]),
        helper.make_node("Add", ["nothing", "candidates"], ["output0"]),
    ]
    init = [
        numpy_helper.from_array(np.array([1, 1, 1], dtype=np.int64), "shape"),
        numpy_helper.from_array(np.zeros((1,), dtype=np.float32), "zero"),
        numpy_helper.from_array(output[None], "candidates"),
    ]
    graph = helper.make_graph(
        nodes, "tiny_detector",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, INPUT, INPUT])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 4 + len(CLASSES), CANDIDATES])],
        init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="quantlens-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def labels_for(rng, output, width, height):
    """Label lines near some candidates as they land in a width x height image, plus a few elsewhere."""
    r = min(INPUT / width, INPUT / height)
    pad_x, pad_y = (INPUT - width * r) / 2, (INPUT - height * r) / 2
    lines = []
    for i in rng.choice(CANDIDATES, 8, replace=False):
        cx, cy, w, h = output[:4, i]
        cx, cy, w, h = (cx - pad_x) / r, (cy - pad_y) / r, w / r, h / r
        cx, cy = cx + rng.normal(0, 0.1) * w, cy + rng.normal(0, 0.1) * h
        x1, y1 = max(0.0, cx - w / 2), max(0.0, cy - h / 2)
        x2, y2 = min(float(width), cx + w / 2), min(float(height), cy + h / 2)
        if x2 - x1 < 2 or y2 - y1 < 2:
            continue
        c = int(np.argmax(output[4:, i])) if rng.random() > 0.15 else int(rng.integers(0, len(CLASSES)))
        lines.append(f"{c} {(x1 + x2) / 2 / width:.6f} {(y1 + y2) / 2 / height:.6f} "
                     f"{(x2 - x1) / width:.6f} {(y2 - y1) / height:.6f}")
    for _ in range(2):  # objects no candidate finds
        lines.append(f"{rng.integers(0, len(CLASSES))} {rng.uniform(0.3, 0.7):.6f} {rng.uniform(0.3, 0.7):.6f} "
                     f"{rng.uniform(0.05, 0.3):.6f} {rng.uniform(0.05, 0.3):.6f}")
    return lines


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    rng = np.random.default_rng(1129)
    first = candidates(rng)
    shifted = first.copy()
    shifted[:2] += rng.normal(0, 1.5, (2, CANDIDATES)).astype(np.float32)
    shifted[4:] = np.clip(shifted[4:] * rng.uniform(0.7, 1.2, (len(CLASSES), CANDIDATES)), 0, 1).astype(np.float32)
    os.makedirs(out, exist_ok=True)
    constant_model(first, os.path.join(out, "tiny_detector.onnx"))
    constant_model(shifted, os.path.join(out, "tiny_detector_shifted.onnx"))

    data = os.path.join(out, "data")
    for sub in ("images/val", "labels/val"):
        os.makedirs(os.path.join(data, sub), exist_ok=True)
    for i, (w, h) in enumerate(SIZES):
        name = f"img{i}"
        cv2.imwrite(os.path.join(data, "images/val", name + ".png"), rng.integers(0, 256, (h, w, 3), dtype=np.uint8))
        label = os.path.join(data, "labels/val", name + ".txt")
        if i == 3:  # an image without a label file
            if os.path.exists(label):
                os.remove(label)
            continue
        with open(label, "w") as f:
            f.write("\n".join(labels_for(rng, first, w, h)) + "\n")
    with open(os.path.join(data, "data.yaml"), "w") as f:
        f.write("path: .\nval: images/val\nnames: [" + ", ".join(CLASSES) + "]\n")

    nolabels = os.path.join(out, "nolabels")
    os.makedirs(os.path.join(nolabels, "images"), exist_ok=True)
    for i in range(3):
        cv2.imwrite(os.path.join(nolabels, "images", f"n{i}.png"), np.full((40, 50, 3), 40 * i, dtype=np.uint8))
    with open(os.path.join(nolabels, "data.yaml"), "w") as f:
        f.write("path: .\nval: images\nnames:\n  0: circle\n  1: square\n  2: triangle\n")
    print(f"wrote {out}: 2 models, a dataset of {len(SIZES)} images, one without labels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
