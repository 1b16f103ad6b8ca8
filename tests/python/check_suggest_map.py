#!/usr/bin/env python3
"""`quantlens-cli suggest --objective map50-95` against coco_map.py on the same quantized model.

Usage: check_suggest_map.py CLI WORK_DIR DATA_YAML FP32_MODEL SCORE_IMAGES

  1. `CLI quantize FP32 q.onnx --calib IMAGES` makes the fully quantized model Suggest starts from
     (the calibration images are the dataset's, as they are for suggest below);
  2. `CLI eval q.onnx --data DATA_YAML --save-predictions` saves its predictions; coco_map.py (numpy,
     no QuantLens code) scores the first SCORE_IMAGES images and the rest against the label files;
  3. `CLI suggest FP32 --data DATA_YAML --objective map50-95 --score-images SCORE_IMAGES --json`
     must print, for its start step, those figures (to 1e-4) as its scoring and validation mAP.
Exit 0 when they agree, 1 otherwise, 77 when a file is missing (../shared absent).
"""

import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coco_map  # noqa: E402
from check_eval_map import ground_truth  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

TOLERANCE = 1e-4


def run(command):
    r = subprocess.run(command, capture_output=True, text=True)
    if r.returncode != 0:
        print(f"{' '.join(command)} failed ({r.returncode}):\n{r.stderr}")
        sys.exit(1)
    return r.stdout


def main():
    if len(sys.argv) != 6:
        print(__doc__)
        return 2
    cli, work, data, fp32, score_images = sys.argv[1:5] + [int(sys.argv[5])]
    for path in (data, fp32):
        if not os.path.exists(path):
            print(f"{path} does not exist: skipped")
            return 77
    os.makedirs(work, exist_ok=True)
    quantized = os.path.join(work, "suggest_start_int8.onnx")
    saved = os.path.join(work, "suggest_start_predictions.json")
    for f in (quantized, saved):
        if os.path.exists(f):
            os.remove(f)
    # The dataset's images calibrate both runs.
    predictions_probe = os.path.join(work, "fp32_predictions.json")
    if os.path.exists(predictions_probe):
        os.remove(predictions_probe)
    run([cli, "eval", fp32, "--data", data, "--runs", "1", "--save-predictions", predictions_probe])
    with open(predictions_probe) as f:
        images = [i["path"] for i in json.load(f)["images"]]
    calib = os.path.dirname(images[0])
    run([cli, "quantize", fp32, quantized, "--calib", calib, "--no-cache"])
    run([cli, "eval", quantized, "--data", data, "--runs", "1", "--save-predictions", saved])
    with open(saved) as f:
        predictions = json.load(f)
    truth, per_image = [], []
    for image, predicted in zip(predictions["images"], predictions["models"][0]["predictions"]):
        picture = cv2.imread(image["path"], cv2.IMREAD_COLOR)
        height, width = picture.shape[:2]
        truth.append(ground_truth(image["path"], width, height))
        per_image.append(np.array(predicted, dtype=np.float64).reshape(-1, 6))
    pairs = list(zip(truth, per_image))
    scoring = coco_map.mean_average_precision(pairs[:score_images])
    validation = coco_map.mean_average_precision(pairs[score_images:])

    printed = json.loads(run([cli, "suggest", fp32, "--calib", calib, "--no-cache", "--data", data, "--objective",
                              "map50-95", "--score-images", str(score_images), "--max-steps", "1", "--json"]))
    start = printed["curve"][0]
    failures = 0
    for name, numpy_figures, step in (("scoring", scoring, start["scoring"]), ("validation", validation, start["validation"])):
        got = (step["map50"], step["map50_95"])
        ok = all(abs(a - b) <= TOLERANCE for a, b in zip(got, numpy_figures))
        failures += not ok
        print(("ok   " if ok else "FAIL ") + f"{name} ({step['images']} images): numpy mAP@0.5 {numpy_figures[0]:.6f}, "
              f"mAP@.5:.95 {numpy_figures[1]:.6f}; suggest printed {got[0]:.6f}, {got[1]:.6f}")
        failures += step["objective"] != step["map50_95"]
    ok = printed["scoring_images"] == score_images and printed["validation_images"] == len(pairs) - score_images
    failures += not ok
    print(("ok   " if ok else "FAIL ") + f"split {printed['scoring_images']} scoring + {printed['validation_images']} "
          f"validation of {len(pairs)} images")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
