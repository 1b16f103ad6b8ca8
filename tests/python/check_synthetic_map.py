#!/usr/bin/env python3
"""QuantLens' MapEvaluator against coco_map.py (pycocotools' algorithm in numpy) on generated cases.

Usage: check_synthetic_map.py MAP_FIXTURE_TOOL WORK_DIR

Writes the cases (random boxes, scores and classes; score ties within and across images; images
without ground truth or predictions; classes never predicted and predictions of classes without
ground truth; IoUs exactly on the thresholds; 100 positives, where recall k/100 meets the recall
points) to a fixture, lets tests/backend/detect/MapFixtureTool.cpp score them with QuantLens,
and compares mAP@0.5 and mAP@.5:.95 to 1e-4. Exit 0 when all agree, 1 otherwise, 77 when numpy
is missing.
"""

import json
import os
import subprocess
import sys

try:
    import numpy as np
except ImportError:
    print("numpy is not installed (Debian python3-numpy): skipped")
    sys.exit(77)

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coco_map  # noqa: E402

TOLERANCE = 1e-4


def f32(values):
    """Values as float32 would hold them, written as exact Python floats: both sides see the same boxes."""
    return [float(v) for v in np.asarray(values, dtype=np.float32)]


def random_box(rng, size=640.0):
    x1, y1 = rng.uniform(0, size * 0.8, 2)
    w, h = rng.uniform(8, size * 0.3, 2)
    return [x1, y1, min(size, x1 + w), min(size, y1 + h)]


def jitter(rng, box, amount):
    w, h = box[2] - box[0], box[3] - box[1]
    d = rng.normal(0, amount, 4) * np.array([w, h, w, h])
    return list(np.asarray(box) + d)


def random_case(rng, name, images=40, classes=6, score_levels=None, empty_fraction=0.15, unpredicted_class=None,
                ghost_class=None):
    """Ground truth at random, predictions as jittered copies (some missing, some duplicated) and
    false positives; score_levels quantises scores to force ties."""
    case = {"name": name, "images": []}
    for _ in range(images):
        gt, dt = [], []
        if rng.random() >= empty_fraction:
            for _ in range(rng.integers(0, 9)):
                c = int(rng.integers(0, classes))
                gt.append([c] + f32(random_box(rng)))
        for g in gt:
            c = g[0]
            if c == unpredicted_class:
                continue
            for _ in range(rng.choice([0, 1, 1, 1, 2])):  # missed, found, found twice
                label = c if rng.random() > 0.1 else int(rng.integers(0, classes))  # sometimes the wrong class
                dt.append([label, rng.random()] + jitter(rng, g[1:], rng.choice([0.02, 0.08, 0.25])))
        for _ in range(rng.integers(0, 6)):  # false positives
            c = int(rng.integers(0, classes))
            if c != unpredicted_class:
                dt.append([c, rng.random() * 0.6] + random_box(rng))
        if ghost_class is not None and rng.random() < 0.5:
            dt.append([ghost_class, rng.random()] + random_box(rng))
        if score_levels:
            for d in dt:
                d[1] = float(rng.choice(score_levels))
        case["images"].append({"gt": gt, "dt": [[d[0]] + f32(d[1:]) for d in dt]})
    return case


def threshold_case():
    """Boxes on an integer grid whose IoU with their ground truth is exactly 0.5, 0.55, ..., 1.0
    (pycocotools' 0.9 threshold is linspace's 0.8999999999999999, so IoU 0.9 passes it)."""
    images = []
    for k in range(10, 21):  # prediction height k of 20: IoU k/20
        gt = [[0, 0.0, 0.0, 10.0, 20.0]]
        dt = [[0, 0.5 + k / 100.0, 0.0, 0.0, 10.0, float(k)]]
        images.append({"gt": gt, "dt": dt})
    for k in range(5, 11):  # IoU k/10
        images.append({"gt": [[1, 0.0, 0.0, 10.0, 10.0]], "dt": [[1, 0.3, 0.0, 0.0, 10.0, float(k)]]})
    return {"name": "iou exactly on the thresholds", "images": images}


def hundred_positives_case():
    """One class with exactly 100 ground truths, all found, the n-th best score being n/100 recall;
    a false positive right after the n-th for recalls that linspace(0, 1, 101) puts an ulp above
    n/100 (0.35, 0.41, 0.57, 0.70, 0.82, 0.94): with it there the precision at that recall point
    depends on which side of it the recall falls."""
    images = [{"gt": [], "dt": []} for _ in range(20)]
    for n in range(1, 101):
        image, j = divmod(n - 1, 5)
        box = [20.0 * j, 0.0, 20.0 * j + 15.0, 15.0]
        images[image]["gt"].append([0] + box)
        images[image]["dt"].append([0] + f32([1.0 - n / 200.0] + box))
    for k, n in enumerate([2, 35, 41, 57, 70, 82, 94]):
        images[k]["dt"].append([0] + f32([1.0 - (n + 0.5) / 200.0, 300.0, 300.0, 330.0, 330.0]))
    return {"name": "100 positives", "images": images}


def edge_cases():
    box = [10.0, 10.0, 50.0, 50.0]
    return [
        {"name": "no predictions at all", "images": [{"gt": [[0] + box], "dt": []}, {"gt": [], "dt": []}]},
        {"name": "only images without ground truth or predictions", "images": [{"gt": [], "dt": []}]},
        {"name": "predictions only of a class without ground truth",
         "images": [{"gt": [[0] + box], "dt": [[0, 0.9] + box, [3, 0.95] + box]}]},
        {"name": "equal scores: the order decides",
         "images": [{"gt": [[0] + box, [0, 100.0, 100.0, 140.0, 140.0]],
                     "dt": [[0, 0.5, 200.0, 200.0, 240.0, 240.0], [0, 0.5] + box, [0, 0.5, 100.0, 100.0, 140.0, 140.0]]},
                    {"gt": [[0] + box], "dt": [[0, 0.5, 0.0, 0.0, 5.0, 5.0], [0, 0.5] + box]}]},
        {"name": "two ground truths with equal IoU",
         "images": [{"gt": [[0, 0.0, 0.0, 20.0, 10.0], [0, 10.0, 0.0, 30.0, 10.0]],
                     "dt": [[0, 0.9, 5.0, 0.0, 25.0, 10.0], [0, 0.8, 0.0, 0.0, 20.0, 10.0]]}]},
    ]


def reference_self_check():
    """The numpy reference on cases worked out by hand, before it judges anything."""
    box, other = [0.0, 0.0, 10.0, 10.0], [20.0, 20.0, 30.0, 30.0]
    worked = [
        # A hit, a miss, a hit on two ground truths: precision 1 up to recall 0.5, then 2/3.
        ([([[0] + box, [0] + other], [[0, 0.9] + box, [0, 0.8, 50.0, 50.0, 60.0, 60.0], [0, 0.7] + other])],
         (51 + 50 * 2 / 3) / 101, (51 + 50 * 2 / 3) / 101),
        # IoU 0.8: a hit at 0.50 ... 0.80, a miss at 0.85 ... 0.95.
        ([([[0] + box], [[0, 0.9, 0.0, 0.0, 8.0, 10.0]])], 1.0, 0.7),
        # Two classes, one perfect and one never found: half.
        ([([[0] + box, [1] + other], [[0, 0.9] + box])], 0.5, 0.5),
    ]
    ok = True
    for images, map50, map5095 in worked:
        got = coco_map.mean_average_precision(images)
        ok &= abs(got[0] - map50) < 1e-9 and abs(got[1] - map5095) < 1e-9
    print(("ok  " if ok else "FAIL") + " the numpy reference on three cases worked out by hand")
    return ok


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    tool, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(20261129)
    cases = [
        random_case(rng, "random"),
        random_case(rng, "random, many images", images=150, classes=12),
        random_case(rng, "score ties", score_levels=[0.25, 0.5, 0.5, 0.75, 0.9]),
        random_case(rng, "mostly empty images", empty_fraction=0.7),
        random_case(rng, "a class never predicted, a class never labelled", unpredicted_class=2, ghost_class=9),
        threshold_case(),
        hundred_positives_case(),
    ] + edge_cases()
    fixture = os.path.join(work, "map_fixture.json")
    with open(fixture, "w") as f:
        json.dump({"cases": cases}, f)
    run = subprocess.run([tool, fixture], capture_output=True, text=True)
    if run.returncode != 0:
        print(f"{tool} failed ({run.returncode}): {run.stderr}")
        return 1
    theirs = {c["name"]: c for c in json.loads(run.stdout)["cases"]}
    failures = 0 if reference_self_check() else 1
    for case in cases:
        images = [(im["gt"], im["dt"]) for im in case["images"]]
        map50, map5095 = coco_map.mean_average_precision(images)
        q = theirs[case["name"]]
        ok = abs(q["map50"] - map50) <= TOLERANCE and abs(q["map50_95"] - map5095) <= TOLERANCE
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {case['name']:50s} numpy {map50:.6f} / {map5095:.6f}   "
              f"QuantLens {q['map50']:.6f} / {q['map50_95']:.6f}")
    # The checks must be able to fail: cases built to score between 0 and 1.
    map50, _ = coco_map.mean_average_precision([(im["gt"], im["dt"]) for im in cases[0]["images"]])
    if not 0.05 < map50 < 0.95:
        print(f"FAIL the random case scores {map50:.4f}: too easy or too hard to tell implementations apart")
        failures += 1
    print(f"{len(cases) - failures} of {len(cases)} cases agree to {TOLERANCE}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
