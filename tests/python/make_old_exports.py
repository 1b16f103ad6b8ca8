"""Writes the models and images the quantizer's old-export and TensorRT-preset tests use (issue 16, item 3).

Usage: make_old_exports.py OUT_DIR

  head_net.onnx        opset 13 detector-like net: Conv-Relu-Conv, a residual Add, two head Convs,
                       Sigmoid, Concat, Reshape (the TensorRT preset and --keep-last-layer-float)
  head_net_weights.npz its weights, for the checks
  opset11.onnx         the same net at opset 11 with an opset-11 Split (sizes as an attribute)
  as_inputs.onnx       head_net with every initializer also listed as a graph input (old PyTorch exports)
  qdq.onnx, qoperator.onnx, dynamic.onnx   already quantized models, one per format
  images/              calibration images 16x16 that hold pixel values 0 and 255
"""
import os
import sys

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(os.path.join(out, "images"), exist_ok=True)
rng = np.random.default_rng(16)

W = {
    "W1": rng.normal(0, 0.5, (8, 3, 3, 3)).astype(np.float32),
    "B1": rng.normal(0, 0.1, (8,)).astype(np.float32),
    "W2": rng.normal(0, 0.3, (8, 8, 1, 1)).astype(np.float32),
    "B2": rng.normal(0, 0.1, (8,)).astype(np.float32),
    "W3": rng.normal(0, 0.3, (4, 8, 1, 1)).astype(np.float32),
    "B3": rng.normal(0, 0.1, (4,)).astype(np.float32),
    "W4": rng.normal(0, 0.3, (2, 8, 1, 1)).astype(np.float32),
    "B4": rng.normal(0, 0.1, (2,)).astype(np.float32),
}
# Channel scales far apart, so that per-channel and per-tensor scales differ.
W["W1"] *= np.array([1, 2, 4, 8, 0.5, 0.25, 3, 5], np.float32)[:, None, None, None]
np.savez(os.path.join(out, "head_net_weights.npz"), **W)


def head_net(opset, split_as_attribute=False, ir=None):
    inits = [numpy_helper.from_array(v, k) for k, v in W.items()]
    nodes = [
        helper.make_node("Conv", ["x", "W1", "B1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "W2", "B2"], ["c2"], name="conv2"),
        helper.make_node("Add", ["c2", "r1"], ["a1"], name="add1"),
        helper.make_node("Conv", ["a1", "W3", "B3"], ["hb"], name="head_box"),
        helper.make_node("Conv", ["a1", "W4", "B4"], ["hc"], name="head_cls"),
        helper.make_node("Sigmoid", ["hc"], ["hs"], name="sigmoid"),
        helper.make_node("Concat", ["hb", "hs"], ["cat"], name="concat", axis=1),
    ]
    if split_as_attribute:  # opset < 13: Split's sizes are an attribute
        nodes.append(helper.make_node("Split", ["cat"], ["s0", "s1"], name="split", axis=1, split=[4, 2]))
    else:
        inits.append(numpy_helper.from_array(np.array([4, 2], np.int64), "split_sizes"))
        nodes.append(helper.make_node("Split", ["cat", "split_sizes"], ["s0", "s1"], name="split", axis=1))
    nodes.append(helper.make_node("Concat", ["s0", "s1"], ["cat2"], name="concat2", axis=1))
    inits.append(numpy_helper.from_array(np.array([1, 6, 256], np.int64), "shape"))
    nodes.append(helper.make_node("Reshape", ["cat2", "shape"], ["y"], name="reshape"))
    graph = helper.make_graph(nodes, "head_net", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 6, 256])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_old_exports")
    model.ir_version = ir or (7 if opset >= 13 else 6)
    onnx.checker.check_model(model)
    return model


onnx.save(head_net(13), os.path.join(out, "head_net.onnx"))
onnx.save(head_net(11, split_as_attribute=True), os.path.join(out, "opset11.onnx"))

as_inputs = head_net(13)
for init in as_inputs.graph.initializer:
    as_inputs.graph.input.append(helper.make_tensor_value_info(init.name, init.data_type, list(init.dims)))
onnx.checker.check_model(as_inputs)
onnx.save(as_inputs, os.path.join(out, "as_inputs.onnx"))


def small(nodes, inits, opset=13, out_type=TensorProto.FLOAT):
    graph = helper.make_graph(nodes, "quantized", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
                              [helper.make_tensor_value_info("y", out_type, [1, 8, 16, 16])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


w1q = np.clip(np.round(W["W1"] / (np.abs(W["W1"]).max() / 127)), -127, 127).astype(np.int8)
s = lambda name, v: numpy_helper.from_array(np.array(v, np.float32), name)
u8 = lambda name, v: numpy_helper.from_array(np.array(v, np.uint8), name)
i8 = lambda name, v: numpy_helper.from_array(np.array(v, np.int8), name)
qdq = small([
    helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"], name="x_QuantizeLinear"),
    helper.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"], name="x_DequantizeLinear"),
    helper.make_node("DequantizeLinear", ["W1_quantized", "ws", "wz"], ["wd"], name="W1_DequantizeLinear"),
    helper.make_node("Conv", ["xd", "wd"], ["c"], name="conv", pads=[1, 1, 1, 1]),
    helper.make_node("QuantizeLinear", ["c", "cs", "cz"], ["cq"], name="c_QuantizeLinear"),
    helper.make_node("DequantizeLinear", ["cq", "cs", "cz"], ["y"], name="c_DequantizeLinear"),
], [s("xs", 1 / 255), u8("xz", 0), numpy_helper.from_array(w1q, "W1_quantized"), s("ws", np.abs(W["W1"]).max() / 127),
    i8("wz", 0), s("cs", 0.05), u8("cz", 128)])
onnx.save(qdq, os.path.join(out, "qdq.onnx"))

qop = small([
    helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"], name="x_QuantizeLinear"),
    helper.make_node("QLinearConv", ["xq", "xs", "xz", "W1_quantized", "ws", "wz", "cs", "cz"], ["cq"], name="conv_quant",
                     pads=[1, 1, 1, 1]),
    helper.make_node("DequantizeLinear", ["cq", "cs", "cz"], ["y"], name="c_DequantizeLinear"),
], [s("xs", 1 / 255), u8("xz", 0), numpy_helper.from_array(w1q, "W1_quantized"), s("ws", np.abs(W["W1"]).max() / 127),
    i8("wz", 0), s("cs", 0.05), u8("cz", 128)])
onnx.save(qop, os.path.join(out, "qoperator.onnx"))

w1u = np.clip(np.round(W["W1"] / (np.abs(W["W1"]).max() / 127)) + 128, 0, 255).astype(np.uint8)
dyn = small([
    helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="x_QuantizeLinear"),
    helper.make_node("ConvInteger", ["xq", "W1_quantized", "xz", "wz"], ["ci"], name="conv_quant", pads=[1, 1, 1, 1]),
    helper.make_node("Cast", ["ci"], ["cf"], name="cast", to=TensorProto.FLOAT),
    helper.make_node("Mul", ["xs", "ws"], ["sc"], name="scale_mul"),
    helper.make_node("Mul", ["cf", "sc"], ["y"], name="out_mul"),
], [numpy_helper.from_array(w1u, "W1_quantized"), s("ws", np.abs(W["W1"]).max() / 127), u8("wz", 128)])
onnx.save(dyn, os.path.join(out, "dynamic.onnx"))

# Calibration images at the input size (no resize, no padding), each holding 0 and 255, so the
# input range after 1/255 scaling is exactly [0, 1].
for i in range(4):
    img = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    img[0, 0] = 0
    img[15, 15] = 255
    cv2.imwrite(os.path.join(out, "images", f"img{i}.png"), img)
print("wrote", out)
