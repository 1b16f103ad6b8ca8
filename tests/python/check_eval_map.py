#!/usr/bin/env python3
"""`quantlens-cli eval` against coco_map.py (pycocotools' algorithm in numpy) on the predictions it saves.

Usage: check_eval_map.py CLI WORK_DIR DATA_YAML MODEL [MODEL2] [--expect NAME=MAP50,MAP5095 ...] [-- EVAL_FLAGS...]

Runs `CLI eval MODEL [MODEL2] --data DATA_YAML --json --save-predictions FILE`, then, on its own:
  * finds the dataset's images from the YAML (when it names a folder) and checks eval scored all of them,
  * reads each image's size with OpenCV and its YOLO label file (the last /images/ of the path
    becomes /labels/, extension .txt; "class cx cy w h" normalised) to get the ground truth in pixels,
  * computes mAP@0.5 and mAP@.5:.95 of every model's saved predictions with coco_map.py,
and compares them with what `eval --json` printed, to 1e-4. --expect also holds a model's printed
figures to given values (to 5e-5); NAME is the model's file name. Exit 0 when all agree, 1 otherwise, 77 when a model or the
dataset is missing (../shared absent) or numpy/OpenCV is.
"""

import json
import os
import subprocess
import sys

try:
    import cv2
    import numpy as np
except ImportError as e:
    print(f"{e.name} is not installed (Debian python3-numpy, python3-opencv): skipped")
    sys.exit(77)

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coco_map  # noqa: E402

TOLERANCE = 1e-4
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}


def label_path(image):
    head, sep, tail = image.rpartition("/images/")
    path = head + "/labels/" + tail if sep else image
    return os.path.splitext(path)[0] + ".txt"


def ground_truth(image, width, height):
    """N x 5 [class, x1, y1, x2, y2] in pixels from the image's YOLO label file (none: no objects)."""
    rows = []
    path = label_path(image)
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if not parts:
                    continue
                c, cx, cy, w, h = int(parts[0]), *map(float, parts[1:5])
                rows.append([c, (cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height])
    return np.array(rows, dtype=np.float64).reshape(-1, 5)


def images_named_by(yaml_path):
    """The images of the YAML's val (else test, else train) folder, found here; None when the YAML
    names something else (a list) or PyYAML is missing."""
    try:
        import yaml
    except ImportError:
        return None
    with open(yaml_path) as f:
        data = yaml.safe_load(f)
    here = os.path.dirname(os.path.abspath(yaml_path))
    base = data.get("path") or here
    base = base if os.path.isabs(base) else os.path.join(here, base)
    if not os.path.isdir(base):
        base = here  # a path from another machine
    split = data.get("val") or data.get("test") or data.get("train")
    if not isinstance(split, str) or not os.path.isdir(os.path.join(base, split)):
        return None
    found = []
    for root, _, files in os.walk(os.path.join(base, split)):
        found += [os.path.realpath(os.path.join(root, n)) for n in files if os.path.splitext(n)[1].lower() in IMAGE_EXTENSIONS]
    return sorted(found)


def printed_models(printed):
    """{name: (map50, map50_95)} from `eval --json`: one model, or fp32 and quantized."""
    models = [printed["model"]] if "model" in printed else [printed["fp32"], printed["quantized"]]
    return {m["name"]: (m["accuracy"]["map50"], m["accuracy"]["map50_95"]) for m in models}


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    expect = {}
    while "--expect" in args:
        i = args.index("--expect")
        name, values = args[i + 1].split("=")
        expect[name] = tuple(map(float, values.split(",")))
        del args[i:i + 2]
    if len(args) not in (4, 5):
        print(__doc__)
        return 2
    cli, work, data, models = args[0], args[1], args[2], args[3:]
    for path in [data] + models:
        if not os.path.exists(path):
            print(f"{path} does not exist: skipped")
            return 77
    os.makedirs(work, exist_ok=True)
    saved = os.path.join(work, "predictions_" + "_".join(os.path.basename(m).split(".")[0] for m in models) + ".json")
    if os.path.exists(saved):
        os.remove(saved)
    command = [cli, "eval", *models, "--data", data, "--json", "--runs", "1", "--save-predictions", saved, *extra]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        print(f"{' '.join(command)} failed ({run.returncode}):\n{run.stderr}")
        return 1
    printed = printed_models(json.loads(run.stdout))
    with open(saved) as f:
        predictions = json.load(f)

    failures = 0

    def check(ok, message):
        nonlocal failures
        failures += not ok
        print(("ok   " if ok else "FAIL ") + message)

    images = predictions["images"]
    expected_images = images_named_by(data)
    if expected_images is not None:
        check([os.path.realpath(i["path"]) for i in images] == expected_images,
              f"eval scored the {len(expected_images)} images of the YAML's folder ({len(images)} saved)")
    truth = []
    sizes_agree = True
    for image in images:
        picture = cv2.imread(image["path"], cv2.IMREAD_COLOR)
        height, width = picture.shape[:2]
        sizes_agree &= (width, height) == (image["width"], image["height"])
        truth.append(ground_truth(image["path"], width, height))
    check(sizes_agree, f"image sizes saved agree with OpenCV's for all {len(images)} images")
    settings = predictions["settings"]
    for model in predictions["models"]:
        per_image = [np.array(p, dtype=np.float64).reshape(-1, 6) for p in model["predictions"]]
        check(len(per_image) == len(images), f"{model['name']}: predictions for every image")
        counts = [len(p) for p in per_image]
        low = min((p[:, 1].min() for p in per_image if len(p)), default=1.0)
        check(max(counts) <= settings["max_detections"] and low >= np.float32(settings["map_confidence"]),
              f"{model['name']}: at most {settings['max_detections']} predictions per image (most {max(counts)}), "
              f"scores >= {settings['map_confidence']:.4g} (lowest {low:.4g}), {sum(counts)} in all")
        map50, map5095 = coco_map.mean_average_precision(list(zip(truth, per_image)))
        q50, q5095 = printed[model["name"]]
        check(abs(q50 - map50) <= TOLERANCE and abs(q5095 - map5095) <= TOLERANCE,
              f"{model['name']}: numpy mAP@0.5 {map50:.6f}, mAP@.5:.95 {map5095:.6f}; "
              f"eval printed {q50:.6f}, {q5095:.6f}")
        short = os.path.basename(model["name"])
        if short in expect:
            e50, e5095 = expect.pop(short)
            check(abs(q50 - e50) <= 5e-5 and abs(q5095 - e5095) <= 5e-5,
                  f"{model['name']}: eval printed {q50:.4f} / {q5095:.4f}, expected {e50:.4f} / {e5095:.4f}")
    check(not expect, f"expected figures for models eval did not score: {sorted(expect)}" if expect
          else "every expected figure checked")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
