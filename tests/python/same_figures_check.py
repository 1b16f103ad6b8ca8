#!/usr/bin/env python3
"""The same pair, images and settings give the same figures in every command: detection fidelity
from `eval` (on a data set) and from `compare` (on the same images) must agree exactly.
Usage: same_figures_check.py QUANTLENS_CLI FP32.onnx OTHER.onnx DATA.yaml IMAGE_FOLDER"""
import json
import subprocess
import sys


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


def main():
    cli, fp32, other, data, images = sys.argv[1:6]
    evaluated = run(cli, "eval", fp32, other, "--data", data, "--json", "--runs", "1")
    compared = run(cli, "compare", fp32, other, "--images", images, "--json")["detection_fidelity"]
    pairs = [(evaluated["images"], compared["images"], "images"),
             (evaluated["fidelity"]["map50"], compared["map50"], "fidelity mAP@0.5"),
             (evaluated["fidelity"]["map50_95"], compared["map50_95"], "fidelity mAP@.5:.95")]
    for key in ("matched", "moved", "missed", "extra", "mean_iou", "mean_score_change"):
        pairs.append((evaluated["matching"][key], compared[key], key))
    for a, b, what in pairs:
        if a != b:
            sys.exit(f"FAIL: {what}: eval {a}, compare {b}")
        print(f"ok: {what} {a}")
    print("passed")


if __name__ == "__main__":
    main()
