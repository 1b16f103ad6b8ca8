#!/usr/bin/env python3
"""Builds the models and images of the refusal tests (tests/cli/Refusals.cmake) with onnx.helper,
each with its right answer known by construction, and checks that answer with numpy where there
is one to compute (which preprocessing convention makes auto_preprocess.onnx confident).

Usage: make_refusal_models.py OUTPUT_FOLDER
"""
import os
import sys

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
SIZE = 320  # input side; the stride 8/16/32 grids have 1600 + 400 + 100 = 2100 cells
CELLS = (SIZE // 8) ** 2 + (SIZE // 16) ** 2 + (SIZE // 32) ** 2


def save(model, folder, name, names=None):
    if names is not None:  # Ultralytics' metadata form
        entry = model.metadata_props.add()
        entry.key = "names"
        entry.value = "{" + ", ".join(f"{i}: '{n}'" for i, n in enumerate(names)) + "}"
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(folder, name))


def constant_outputs(shapes, value=0.0):
    """A model whose outputs (name -> shape) are `value` everywhere, still computed from the
    input (ReduceMean(x) * 0 + value, expanded), so that ONNX Runtime runs the image through."""
    x = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])
    inits = [numpy_helper.from_array(np.array(0.0, np.float32), "zero"),
             numpy_helper.from_array(np.array(value, np.float32), "value")]
    nodes = [helper.make_node("ReduceMean", ["images"], ["m"], keepdims=0, name="mean"),
             helper.make_node("Mul", ["m", "zero"], ["m0"], name="times_zero"),
             helper.make_node("Add", ["m0", "value"], ["v"], name="plus_value")]
    outputs = []
    for name, shape in shapes.items():
        inits.append(numpy_helper.from_array(np.array(shape, np.int64), name + "_shape"))
        nodes.append(helper.make_node("Expand", ["v", name + "_shape"], [name], name=name + "_expand"))
        outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
    graph = helper.make_graph(nodes, "constant", [x], outputs, inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])


def fixed_output(values):
    """A model whose one output 'output0' is `values` (any image), computed from the input."""
    x = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, SIZE, SIZE])
    inits = [numpy_helper.from_array(np.array(0.0, np.float32), "zero"),
             numpy_helper.from_array(values.astype(np.float32), "table")]
    nodes = [helper.make_node("ReduceMean", ["images"], ["m"], keepdims=0, name="mean"),
             helper.make_node("Mul", ["m", "zero"], ["m0"], name="times_zero"),
             helper.make_node("Add", ["table", "m0"], ["output0"], name="plus_table")]
    y = helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(values.shape))
    graph = helper.make_graph(nodes, "fixed", [x], [y], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])


# auto_preprocess.onnx: one class, score = sigmoid(K * (mean(channel 0) - mean(channel 2)) + B) on
# anchor 0, zero elsewhere. Fed the blue 64x32 test image, only BGR (blue first), 0-255, stretched
# (no grey padding) and without mean/std gives a channel-0 minus channel-2 mean near 255.
K, B = 0.05, -6.0
AUTO_SIZE = 32
AUTO_CELLS = 16 + 4 + 1


def auto_model():
    x = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, AUTO_SIZE, AUTO_SIZE])
    boxes = np.zeros((1, 4, AUTO_CELLS), np.float32)
    boxes[0, :, 0] = [16, 16, 8, 8]
    mask = np.zeros((1, 1, AUTO_CELLS), np.float32)
    mask[0, 0, 0] = 1.0
    inits = [numpy_helper.from_array(boxes, "boxes"), numpy_helper.from_array(mask, "mask"),
             numpy_helper.from_array(np.array([0], np.int64), "c0"), numpy_helper.from_array(np.array([1], np.int64), "c1"),
             numpy_helper.from_array(np.array([2], np.int64), "c2"), numpy_helper.from_array(np.array([3], np.int64), "c3"),
             numpy_helper.from_array(np.array([1], np.int64), "axis1"),
             numpy_helper.from_array(np.array(K, np.float32), "k"), numpy_helper.from_array(np.array(B, np.float32), "b"),
             numpy_helper.from_array(np.array([1, 1, 1], np.int64), "shape111")]
    nodes = [helper.make_node("ReduceMean", ["images"], ["means"], axes=[2, 3], keepdims=1, name="channel_means"),
             helper.make_node("Slice", ["means", "c0", "c1", "axis1"], ["first"], name="first_channel"),
             helper.make_node("Slice", ["means", "c2", "c3", "axis1"], ["third"], name="third_channel"),
             helper.make_node("Sub", ["first", "third"], ["diff"], name="difference"),
             helper.make_node("Mul", ["diff", "k"], ["scaled"], name="gain"),
             helper.make_node("Add", ["scaled", "b"], ["logit"], name="offset"),
             helper.make_node("Sigmoid", ["logit"], ["score"], name="sigmoid"),
             helper.make_node("Reshape", ["score", "shape111"], ["score3"], name="to_rank3"),
             helper.make_node("Mul", ["score3", "mask"], ["scores"], name="anchor0_only"),
             helper.make_node("Concat", ["boxes", "scores"], ["output0"], axis=1, name="concat")]
    y = helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 5, AUTO_CELLS])
    graph = helper.make_graph(nodes, "auto", [x], [y], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])


def expected_auto_choice(bgr):
    """The convention QuantLens should choose, worked out here with numpy: the anchor-0 score of
    every convention QuantLens tries, best first (ties keep QuantLens' candidate order)."""
    h, w = bgr.shape[:2]
    results = []
    for normalize in (False, True):
        for scale in (1 / 255, 1.0):
            for rgb in (True, False):
                for resize in ("letterbox", "topleft", "resize"):
                    if resize == "resize":
                        canvas = cv2.resize(bgr, (AUTO_SIZE, AUTO_SIZE), interpolation=cv2.INTER_LINEAR)
                    else:
                        r = min(AUTO_SIZE / w, AUTO_SIZE / h)
                        nw, nh = round(w * r), round(h * r)
                        resized = cv2.resize(bgr, (nw, nh), interpolation=cv2.INTER_LINEAR)
                        top = round((AUTO_SIZE - nh) / 2 - 0.1) if resize == "letterbox" else 0
                        left = round((AUTO_SIZE - nw) / 2 - 0.1) if resize == "letterbox" else 0
                        canvas = np.full((AUTO_SIZE, AUTO_SIZE, 3), 114, np.uint8)
                        canvas[top:top + nh, left:left + nw] = resized
                    x = canvas[:, :, ::-1] if rgb else canvas
                    x = x.astype(np.float64) * scale
                    if normalize:
                        mean = np.array([0.485, 0.456, 0.406]) * (255 if scale == 1.0 else 1)
                        std = np.array([0.229, 0.224, 0.225]) * (255 if scale == 1.0 else 1)
                        if not rgb:
                            mean, std = mean[::-1], std[::-1]
                        x = (x - mean) / std
                    m = x.mean(axis=(0, 1))
                    score = 1 / (1 + np.exp(-(K * (m[0] - m[2]) + B)))
                    name = f"{'RGB' if rgb else 'BGR'} {'0-255' if scale == 1.0 else '0-1'} {resize}" + (
                        " mean/std" if normalize else "")
                    results.append((score, name))
    results.sort(key=lambda t: -t[0])  # stable: ties keep the order above
    return results


def pruned_pair(folder):
    """conv_fp32.onnx: Conv(W1 [4,3,3,3]) -> Relu -> Conv(W2 [2,4,1,1]). conv_pruned_qdq.onnx: the
    same graph with conv1 pruned to 3 channels (W1 [3,3,3,3], W2 [2,3,1,1]), weights int8 behind
    DequantizeLinear as a QDQ quantizer writes them: 2 weights differ in shape, by construction."""
    rng = np.random.default_rng(7)

    def graph(channels, quantized):
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 8, 8])
        w1 = rng.standard_normal((channels, 3, 3, 3)).astype(np.float32)
        w2 = rng.standard_normal((2, channels, 1, 1)).astype(np.float32)
        b1 = np.zeros(channels, np.float32)
        inits, nodes = [numpy_helper.from_array(b1, "B1")], []
        names = {}
        for name, w in (("W1", w1), ("W2", w2)):
            if quantized:
                s = float(np.abs(w).max() / 127)
                q = np.clip(np.round(w / s), -127, 127).astype(np.int8)
                inits += [numpy_helper.from_array(q, name + "_quantized"),
                          numpy_helper.from_array(np.array(s, np.float32), name + "_scale"),
                          numpy_helper.from_array(np.array(0, np.int8), name + "_zero_point")]
                nodes.append(helper.make_node("DequantizeLinear", [name + "_quantized", name + "_scale", name + "_zero_point"],
                                              [name], name=name + "_DequantizeLinear"))
            else:
                inits.append(numpy_helper.from_array(w, name))
            names[name] = name
        nodes += [helper.make_node("Conv", ["x", "W1", "B1"], ["c1"], pads=[1, 1, 1, 1], name="conv1"),
                  helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
                  helper.make_node("Conv", ["r1", "W2"], ["y"], name="conv2")]
        g = helper.make_graph(nodes, "conv", [x], [y], inits)
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)])

    save(graph(4, False), folder, "conv_fp32.onnx")
    save(graph(3, True), folder, "conv_pruned_qdq.onnx")


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    # An image any model can be fed.
    rng = np.random.default_rng(1)
    cv2.imwrite(os.path.join(folder, "noise.png"), rng.integers(0, 256, (48, 64, 3), np.uint8))
    # NanoDet's six outputs (scores and box distributions per stride) for a 320x320 input.
    six = {}
    for stride in (8, 16, 32):
        n = (SIZE // stride) ** 2
        six[f"cls_pred_stride_{stride}"] = [1, n, 80]
        six[f"dis_pred_stride_{stride}"] = [1, n, 32]
    save(constant_outputs(six), folder, "nanodet_six_outputs.onnx")
    # One of them alone: fits no layout (1600 rows are the stride-8 grid only).
    save(constant_outputs({"cls_pred_stride_8": [1, 1600, 80]}), folder, "unknown_shape.onnx")
    # An Ultralytics output with 80 classes whose metadata names 3.
    save(constant_outputs({"output0": [1, 84, CELLS]}), folder, "wrong_class_count.onnx", names=["cat", "dog", "fox"])
    # A YOLOX head (one row per cell, 5 + 80 columns), all zero: read as yolox, finds nothing.
    save(constant_outputs({"output": [1, CELLS, 85]}), folder, "yolox_zero.onnx")
    # An Ultralytics output all zero: no detections on any image.
    save(constant_outputs({"output0": [1, 84, CELLS]}), folder, "ultralytics_zero.onnx")
    # An end-to-end output, for the input size mismatch.
    save(constant_outputs({"output0": [1, 300, 6]}), folder, "e2e_zero.onnx")
    # Every anchor a confident, separate 4x4 box: NMS keeps them all, so --max-det is reached.
    table = np.zeros((1, 5, CELLS), np.float32)
    j = np.arange(CELLS)
    table[0, 0] = (j % 40) * 8 + 4
    table[0, 1] = (j // 40) * 8 + 4
    table[0, 2] = 4
    table[0, 3] = 4
    table[0, 4] = 0.9
    save(fixed_output(table), folder, "every_anchor.onnx")
    # --preprocess auto.
    blue = np.zeros((32, 64, 3), np.uint8)
    blue[:, :, 0] = 255  # OpenCV's BGR: blue first
    cv2.imwrite(os.path.join(folder, "blue.png"), blue)
    save(auto_model(), folder, "auto_preprocess.onnx")
    ranking = expected_auto_choice(cv2.imread(os.path.join(folder, "blue.png")))
    best, second = ranking[0], ranking[1]
    assert best[1] == "BGR 0-255 resize", ranking[:3]
    assert best[0] > 0.99 and second[0] < 0.7, ranking[:3]  # the only confident one, by far
    pruned_pair(folder)
    with open(os.path.join(folder, "two_names.txt"), "w") as f:
        f.write("cat\ndog\n")
    # A labelled data set of two images (YOLO format), for eval.
    for sub in ("images", "labels"):
        os.makedirs(os.path.join(folder, "data", sub), exist_ok=True)
    for k in range(2):
        cv2.imwrite(os.path.join(folder, "data", "images", f"im{k}.png"), rng.integers(0, 256, (40, 56, 3), np.uint8))
        with open(os.path.join(folder, "data", "labels", f"im{k}.txt"), "w") as f:
            f.write("0 0.5 0.5 0.25 0.25\n")
    print(f"wrote the refusal test models to {folder}; auto preprocessing should choose {best[1]} "
          f"(score {best[0]:.4f}, next {second[1]} {second[0]:.4f})")


if __name__ == "__main__":
    main()
