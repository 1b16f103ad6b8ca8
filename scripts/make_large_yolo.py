#!/usr/bin/python3
"""A real large model for the grouped graph view (issue #17): K parallel copies of yolov8n's graph.

Every copy reads the same image input; its nodes get the module path "/copyK/..." (so the graph
view groups them by copy, then by the original module), its tensors and initializers the prefix
"copyK/", and the K outputs are averaged by one Mean node into the original output, so the model
still answers [1,84,8400] and decodes as yolov8n does. With K=16 that is 16 x 233 = 3,728 float
nodes (about 10,000 once quantized with Q/DQ pairs).

Usage: make_large_yolo.py FP32.onnx OUT.onnx [--copies K]
The output is not committed (about 100 MB for K=16); make it where it is needed.
Needs Debian's python3-onnx (run with /usr/bin/python3).
"""
import argparse
import sys

import onnx
from onnx import helper


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--copies", type=int, default=16)
    args = ap.parse_args()
    if args.copies < 1:
        sys.exit(f"{args.out}: --copies must be at least 1")
    try:
        model = onnx.load(args.model)
    except Exception as e:  # noqa: BLE001 - any reading error is reported with the file's name
        sys.exit(f"{args.model}: cannot read as ONNX ({e})")
    g = model.graph
    if len(g.input) != 1 or len(g.output) != 1:
        sys.exit(f"{args.model}: expected one input and one output, found {len(g.input)} and {len(g.output)}")
    image = g.input[0].name
    output = g.output[0].name

    nodes, inits = [], []
    outs = []
    for k in range(args.copies):
        prefix = f"copy{k}"

        def rename(t):  # "/model.0/conv/Conv_output_0" -> "copy3/model.0/conv/Conv_output_0"
            if t == "" or t == image:
                return t
            return prefix + (t if t.startswith("/") else "/" + t)

        for init in g.initializer:
            c = onnx.TensorProto()
            c.CopyFrom(init)
            c.name = rename(init.name)
            inits.append(c)
        for n in g.node:
            c = onnx.NodeProto()
            c.CopyFrom(n)
            path = n.name if n.name.startswith("/") else "/" + n.name
            c.name = f"/copy{k}{path}"
            del c.input[:]
            c.input.extend(rename(t) for t in n.input)
            del c.output[:]
            c.output.extend(rename(t) for t in n.output)
            nodes.append(c)
        outs.append(rename(output))
    nodes.append(helper.make_node("Mean", outs, [output], name="/mean/Mean"))

    graph = helper.make_graph(nodes, g.name + f"_x{args.copies}", list(g.input), list(g.output), inits)
    big = helper.make_model(graph, opset_imports=list(model.opset_import), producer_name="quantlens make_large_yolo")
    big.ir_version = model.ir_version
    onnx.checker.check_model(big)
    onnx.save(big, args.out)
    print(f"{args.out}: {len(nodes)} nodes, {len(inits)} initializers, {args.copies} copies of {args.model}")


if __name__ == "__main__":
    main()
