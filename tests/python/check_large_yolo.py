#!/usr/bin/python3
"""scripts/make_large_yolo.py, checked: K copies of yolov8n under /copyK/ paths, sharing the input,
their outputs averaged by one Mean, answer as yolov8n itself does.

Structure by onnx alone (node count K*N+1, every copy's names, initializers equal byte for byte,
the Mean reading the K outputs), then the same detections as the original model on bus.jpg
(quantlens-cli detect runs both through ONNX Runtime).
Usage: check_large_yolo.py QUANTLENS_CLI SHARED_DIR WORK_DIR     (exit 77 without ../shared)
"""
import os
import re
import subprocess
import sys

import onnx

sys.path.insert(0, os.path.dirname(__file__))
from checks import check, exit_on_failures, run  # noqa: E402

cli, shared, work = sys.argv[1:4]
fp32 = os.path.join(shared, "models", "yolov8n_fp32.onnx")
if not os.path.exists(fp32):
    print("SKIP: no ../shared models")
    sys.exit(77)
os.makedirs(work, exist_ok=True)
out = os.path.join(work, "yolov8n_x3.onnx")
script = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "make_large_yolo.py")
subprocess.run([sys.executable, script, fp32, out, "--copies", "3"], check=True)

orig, big = onnx.load(fp32), onnx.load(out)
n = len(orig.graph.node)
check(len(big.graph.node) == 3 * n + 1, f"3 x {n} nodes + the Mean: {len(big.graph.node)}")
for k in range(3):
    names = [x.name for x in big.graph.node[k * n:(k + 1) * n]]
    check(names == [f"/copy{k}" + x.name for x in orig.graph.node], f"copy {k}: every node under /copy{k}/, in order")
    inits = {i.name: i.raw_data for i in big.graph.initializer if i.name.startswith(f"copy{k}/")}
    pre = f"copy{k}"
    same = all(inits.get(pre + (i.name if i.name.startswith("/") else "/" + i.name)) == i.raw_data for i in orig.graph.initializer)
    check(len(inits) == len(orig.graph.initializer) and same, f"copy {k}: its {len(inits)} initializers equal the original's")
image = orig.graph.input[0].name
readers = [x.name for x in big.graph.node if image in x.input]
check(readers == [f"/copy{k}/model.0/conv/Conv" for k in range(3)], f"the image input read by each copy's first Conv: {readers}")
mean = big.graph.node[-1]
check(mean.op_type == "Mean" and list(mean.input) == [f"copy{k}/output0" for k in range(3)] and list(mean.output) == ["output0"],
      "one Mean of the three outputs gives output0")
check([o.name for o in big.graph.output] == ["output0"], "one output, output0")

text = run(cli, "detect", fp32, out, os.path.join(shared, "images", "bus.jpg"))
blocks = re.split(r"^.*— .*: \d+ detections.*$", text, flags=re.M)
check(len(blocks) == 3 and blocks[1].strip() == blocks[2].split("matched")[0].strip(),
      "the same detections as yolov8n on bus.jpg")
check(re.search(r"missed by the second model 0, extra in the second model 0", text) is not None, "none missed, none extra")
exit_on_failures()
