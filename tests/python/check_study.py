#!/usr/bin/env python3
"""`quantlens-cli study` against an independent loop over the same rows.

Usage: check_study.py CLI WORK_DIR FIXTURE_DIR

FIXTURE_DIR is make_eval_fixture.py's output (data/data.yaml and tiny_detector.onnx). This script
builds its own FP32 detector with onnx.helper: tiny_detector's constant candidates, plus a trunk of
Conv -> Relu -> Conv (stride 2) -> GlobalAveragePool -> Flatten -> Gemm -> MatMul whose mean is
multiplied by zero and added, so the output stays the candidates while the graph has every operator
GFLOPs count. Then:
  1. `study FP32 tiny_detector.onnx --vary method=minmax,percentile --vary per-channel=off,on
     --vary exclude=none,float_add.txt --format json`: 1 baseline + 1 model + 8 variants, all computed
     (none cached); the variants with the output Add float differ from the others.
  2. For every row, its model file is run by `eval FP32 ROW --save-predictions` and scored here with
     coco_map.py (numpy): mAP@0.5 and mAP@.5:.95 of the row's predictions against the labels, and
     fidelity (the row's predictions against FP32's boxes at confidence 0.25 as ground truth) must
     equal the study's figures (1e-4); matched/missed/extra equal eval's.
  3. Parameters and GFLOPs of every row, counted here from the ONNX file with numpy and onnx shape
     inference (weights followed through DequantizeLinear), equal the study's.
  4. The study again with method=minmax,percentile,entropy: only the 4 entropy rows are computed,
     the other 10 come from the cache with the same figures.
  5. --format csv has a line per row; --plot writes a 900x560 PNG.
  6. --batch 4: throughput for a model with a dynamic batch dimension, a reason for one without.
Exit 0 when all agree, 1 otherwise, 77 when the fixture is missing.
"""

import csv
import io
import json
import os
import shutil
import sys

try:
    import cv2
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper, shape_inference
except ImportError as e:
    sys.exit(f"{e.name} is not installed (Debian python3-numpy, python3-opencv, python3-onnx)")

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coco_map  # noqa: E402
from checks import check, exit_on_failures, run  # noqa: E402

TOLERANCE = 1e-4
SHOWN = 0.25  # the default --conf: FP32 boxes above it are fidelity's ground truth


def make_fp32(tiny, path):
    candidates = numpy_helper.to_array(next(i for i in onnx.load(tiny).graph.initializer if i.name == "candidates"))
    rng = np.random.default_rng(18)
    f = lambda *shape: rng.normal(0, 0.3, shape).astype(np.float32)  # noqa: E731
    init = [numpy_helper.from_array(a, n) for a, n in (
        (f(8, 3, 3, 3), "W1"), (f(8), "B1"), (f(4, 8, 3, 3), "W2"), (f(4, 6), "W3"), (f(6), "B3"), (f(6, 3), "W4"),
        (np.zeros((1,), np.float32), "zero"), (candidates, "candidates"), (np.array([1, 1, 1], np.int64), "shape"))]
    nodes = [
        helper.make_node("Conv", ["images", "W1", "B1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "W2"], ["c2"], name="conv2", pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("GlobalAveragePool", ["c2"], ["g"], name="pool"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "W3", "B3"], ["gm"], name="gemm"),
        helper.make_node("MatMul", ["gm", "W4"], ["mm"], name="matmul"),
        helper.make_node("ReduceMean", ["mm"], ["mean"], name="mean", axes=[0, 1], keepdims=1),
        helper.make_node("Reshape", ["mean", "shape"], ["mean3"], name="reshape"),
        helper.make_node("Mul", ["mean3", "zero"], ["nothing"], name="mul"),
        helper.make_node("Add", ["nothing", "candidates"], ["output0"], name="add"),
    ]
    graph = helper.make_graph(nodes, "study_detector",
                              [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 64, 64])],
                              [helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(candidates.shape))], init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="quantlens-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def make_dynamic_batch(tiny, path):
    """tiny_detector's candidates behind a dynamic batch dimension: images [N,3,64,64] -> [N,7,84]."""
    candidates = numpy_helper.to_array(next(i for i in onnx.load(tiny).graph.initializer if i.name == "candidates"))
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["mean"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Reshape", ["mean", "shape"], ["mean3"]),
        helper.make_node("Mul", ["mean3", "zero"], ["nothing"]),
        helper.make_node("Add", ["nothing", "candidates"], ["output0"]),
    ]
    init = [numpy_helper.from_array(np.array([-1, 1, 1], np.int64), "shape"),
            numpy_helper.from_array(np.zeros((1,), np.float32), "zero"), numpy_helper.from_array(candidates, "candidates")]
    graph = helper.make_graph(nodes, "dynamic_batch",
                              [helper.make_tensor_value_info("images", TensorProto.FLOAT, ["N", 3, 64, 64])],
                              [helper.make_tensor_value_info("output0", TensorProto.FLOAT, ["N"] + list(candidates.shape[1:]))],
                              init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="quantlens-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


NUMERIC = {TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.BFLOAT16, TensorProto.DOUBLE, TensorProto.INT8,
           TensorProto.UINT8, TensorProto.INT16, TensorProto.UINT16, TensorProto.INT32, TensorProto.UINT32}


def numpy_cost(path):
    """(parameters, GFLOPs) by the definition in study/Study.h, computed here."""
    model = onnx.load(path)
    g = model.graph
    qdq = {i for n in g.node if n.op_type in ("QuantizeLinear", "DequantizeLinear") for i in n.input[1:]}
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    params = sum(a.size for i, a in zip(g.initializer, inits.values()) if i.data_type in NUMERIC and i.name not in qdq)
    inferred = shape_inference.infer_shapes(model).graph
    shapes = {}
    for v in list(inferred.value_info) + list(inferred.input) + list(inferred.output):
        shapes[v.name] = [d.dim_value for d in v.type.tensor_type.shape.dim]
    dq = {n.output[0]: n.input[0] for n in g.node if n.op_type == "DequantizeLinear"}

    def shape(t):
        if t in inits:
            return list(inits[t].shape)
        if t in dq and dq[t] in inits:  # a quantized weight
            return list(inits[dq[t]].shape)
        return shapes[t]

    macs = 0
    for n in g.node:
        if n.op_type == "Conv":
            macs += np.prod(shape(n.output[0])) * np.prod(shape(n.input[1])[1:])
        elif n.op_type == "Gemm":
            a = shape(n.input[0])
            trans_a = any(x.name == "transA" and x.i for x in n.attribute)
            macs += np.prod(shape(n.output[0])) * (a[0] if trans_a else a[1])
        elif n.op_type == "MatMul":
            macs += np.prod(shape(n.output[0])) * shape(n.input[0])[-1]
    return int(params), 2.0 * macs / 1e9


def label_path(image):
    head, sep, tail = image.rpartition("/images/")
    return os.path.splitext(head + "/labels/" + tail if sep else image)[0] + ".txt"


def ground_truth(image):
    h, w = cv2.imread(image, cv2.IMREAD_COLOR).shape[:2]
    rows = []
    if os.path.exists(label_path(image)):
        for line in open(label_path(image)):
            p = line.split()
            if p:
                c, cx, cy, bw, bh = int(p[0]), *map(float, p[1:5])
                rows.append([c, (cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h])
    return np.array(rows, dtype=np.float64).reshape(-1, 5)


def study(cli, fp32, tiny, data, cache, methods, exclude, *extra):
    return run(cli, "study", fp32, tiny, "--data", data, "--vary", "method=" + methods, "--vary", "per-channel=off,on",
               "--vary", "exclude=none," + exclude, "--runs", "3", "--warmup", "1", "--cache-dir", cache, *extra)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    cli, work, fixture = sys.argv[1:4]
    data, tiny = os.path.join(fixture, "data", "data.yaml"), os.path.join(fixture, "tiny_detector.onnx")
    if not os.path.exists(data) or not os.path.exists(tiny):
        print(f"{fixture} has no eval fixture: skipped")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    fp32 = os.path.join(work, "study_fp32.onnx")
    make_fp32(tiny, fp32)
    cache = os.path.join(work, "cache")
    # The output Add left float: those rows' outputs are FP32's, the others' are quantized.
    exclude = os.path.join(work, "float_add.txt")
    with open(exclude, "w") as f:
        f.write("add\n")

    first = json.loads(study(cli, fp32, tiny, data, cache, "minmax,percentile", exclude, "--format", "json"))
    rows = first["rows"]
    check(len(rows) == 10 and first["computed_rows"] == 10 and first["cached_rows"] == 0,
          f"first study: 10 rows computed, none cached (got {len(rows)}, {first['computed_rows']}, {first['cached_rows']})")
    check([r["kind"] for r in rows] == ["baseline", "model"] + ["variant"] * 8, "rows: baseline, model, 8 variants")
    check(len({round(r["fidelity"]["map50_95"], 6) for r in rows[2:]}) > 1, "the variants' figures differ")

    for k, row in enumerate(rows):
        name = f"row {k + 1} ({row['label']})"
        saved = os.path.join(work, f"predictions{k}.json")
        printed = json.loads(run(cli, "eval", fp32, row["model"], "--data", data, "--runs", "1", "--json",
                                 "--save-predictions", saved))
        with open(saved) as f:
            predictions = json.load(f)
        images = [i["path"] for i in predictions["images"]]
        fp32_predictions, row_predictions = [[np.array(p, dtype=np.float64).reshape(-1, 6) for p in m["predictions"]]
                                             for m in predictions["models"]]
        truth = [ground_truth(i) for i in images]
        m50, m5095 = coco_map.mean_average_precision(list(zip(truth, row_predictions)))
        check(abs(m50 - row["map50"]) < TOLERANCE and abs(m5095 - row["map50_95"]) < TOLERANCE,
              f"{name}: mAP {row['map50']:.4f}/{row['map50_95']:.4f} = numpy {m50:.4f}/{m5095:.4f}")
        if row["kind"] != "baseline":
            fp32_truth = [p[p[:, 1] >= SHOWN][:, [0, 2, 3, 4, 5]] for p in fp32_predictions]
            f50, f5095 = coco_map.mean_average_precision(list(zip(fp32_truth, row_predictions)))
            fid = row["fidelity"]
            check(abs(f50 - fid["map50"]) < TOLERANCE and abs(f5095 - fid["map50_95"]) < TOLERANCE,
                  f"{name}: fidelity mAP {fid['map50']:.4f}/{fid['map50_95']:.4f} = numpy {f50:.4f}/{f5095:.4f}")
            m = printed["matching"]
            check((fid["matched"], fid["missed"], fid["extra"]) == (m["matched"], m["missed"], m["extra"]),
                  f"{name}: matched/missed/extra {fid['matched']}/{fid['missed']}/{fid['extra']} as eval's")
        params, gflops = numpy_cost(row["model"])
        check(row["parameters"] == params, f"{name}: parameters {row['parameters']} = numpy {params}")
        check(row["gflops"] is not None and abs(row["gflops"] - gflops) < 1e-12,
              f"{name}: GFLOPs {row['gflops']} = numpy {gflops}")
        lat = row["latency_ms"]
        check(lat["runs"] == 3 and lat["p50"] <= lat["p95"] <= lat["p99"] and lat["mean"] > 0,
              f"{name}: 3 timed runs, p50 <= p95 <= p99")
    check(len({r["model"] for r in rows}) == 10, "every row evaluates its own file")
    check(rows[0]["gflops"] > 0.001, "the trunk's convolutions are counted")

    second = json.loads(study(cli, fp32, tiny, data, cache, "minmax,percentile,entropy", exclude, "--format", "json"))
    check(second["computed_rows"] == 4 and second["cached_rows"] == 10,
          f"one more method: only its 4 rows computed (got {second['computed_rows']} computed, {second['cached_rows']} cached)")
    by_label = {r["label"]: r for r in second["rows"]}
    same = all(by_label[r["label"]]["map50_95"] == r["map50_95"] and by_label[r["label"]]["latency_ms"] == r["latency_ms"]
               for r in rows)
    check(same, "cached rows keep their figures")

    plot = os.path.join(work, "pareto.png")
    table = study(cli, fp32, tiny, data, cache, "minmax,percentile,entropy", exclude, "--format", "csv", "--plot", plot)
    lines = list(csv.reader(io.StringIO(table)))
    check(len(lines) == 1 + 14 and lines[0][:3] == ["#", "model", "mAP50"], f"csv: a header and 14 rows (got {len(lines)})")
    picture = cv2.imread(plot, cv2.IMREAD_COLOR)
    check(picture is not None and picture.shape[:2] == (560, 900), "the Pareto plot is a 900x560 PNG")

    # Throughput at --batch 4: measured for a model whose batch is dynamic, refused with the reason otherwise.
    dynamic = os.path.join(work, "dynamic_batch.onnx")
    make_dynamic_batch(tiny, dynamic)
    batch = json.loads(run(cli, "study", dynamic, fp32, "--data", data, "--batch", "4", "--runs", "4", "--no-cache",
                           "--format", "json"))
    dyn, fixed = batch["rows"]
    check(dyn["batch"] == 4 and dyn["throughput"] is not None and dyn["throughput"] > 0 and dyn["throughput_note"] == "",
          f"dynamic batch: throughput measured at batch 4 ({dyn['throughput']} img/s)")
    check(fixed["throughput"] is None and fixed["throughput_note"] == "the model's batch is fixed at 1",
          f"fixed batch: no throughput, and why ({fixed['throughput_note']!r})")
    exit_on_failures()
    return 0


if __name__ == "__main__":
    sys.exit(main())
