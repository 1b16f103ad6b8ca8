"""COCO-style mAP written from pycocotools' algorithm (COCOeval.evaluateImg + accumulate), in numpy.

Independent of QuantLens' C++ (backend/detect/MapEvaluator): Debian ships no pycocotools, so this
is the reference the tests compare QuantLens' figures with. What it does, as pycocotools does:
  * classes: those with ground truth (a class with predictions only is left out of the mean);
  * per image and class, predictions sorted by score (numpy mergesort, stable), each matched
    greedily to the not yet matched ground truth with the highest IoU >= threshold (on equal
    IoU the later ground truth wins, as pycocotools' `<` test makes it);
  * per class, the predictions of all images concatenated in image order and sorted by score
    (mergesort), cumulative tp and fp, precision tp / (tp + fp + eps), recall tp / positives;
  * the precision envelope, sampled at 101 recall points (linspace(0, 1, 101)) with
    searchsorted(side='left'), points past the last recall counting 0;
  * IoU thresholds linspace(0.5, 0.95, 10); mAP@0.5 is the first, mAP@.5:.95 the mean of all.
Unlike pycocotools' defaults there is no per-image cap of 100 predictions (QuantLens keeps
--max-det, 300, as Ultralytics does), no crowd/ignore flags and no area ranges.

Boxes are x1, y1, x2, y2 in pixels.
"""

import numpy as np

IOU_THRESHOLDS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
RECALL_THRESHOLDS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True)


def iou_matrix(dt, gt):
    """IoU of every prediction box (D x 4) with every ground-truth box (G x 4), D x G, float64."""
    dt = np.asarray(dt, dtype=np.float64).reshape(-1, 4)
    gt = np.asarray(gt, dtype=np.float64).reshape(-1, 4)
    ix1 = np.maximum(dt[:, None, 0], gt[None, :, 0])
    iy1 = np.maximum(dt[:, None, 1], gt[None, :, 1])
    ix2 = np.minimum(dt[:, None, 2], gt[None, :, 2])
    iy2 = np.minimum(dt[:, None, 3], gt[None, :, 3])
    iw = ix2 - ix1
    ih = iy2 - iy1
    inter = np.where((iw > 0) & (ih > 0), iw * ih, 0.0)
    area_d = np.clip(dt[:, 2] - dt[:, 0], 0, None) * np.clip(dt[:, 3] - dt[:, 1], 0, None)
    area_g = np.clip(gt[:, 2] - gt[:, 0], 0, None) * np.clip(gt[:, 3] - gt[:, 1], 0, None)
    union = area_d[:, None] + area_g[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, 0.0)


def _match_image(dt_boxes, dt_scores, gt_boxes):
    """pycocotools' evaluateImg for one image and class: (scores sorted, T x D matched flags)."""
    order = np.argsort(-dt_scores, kind="mergesort")
    dt_boxes = dt_boxes[order]
    dt_scores = dt_scores[order]
    ious = iou_matrix(dt_boxes, gt_boxes)
    matched = np.zeros((len(IOU_THRESHOLDS), len(dt_boxes)), dtype=bool)
    for t_index, t in enumerate(IOU_THRESHOLDS):
        gt_taken = np.zeros(len(gt_boxes), dtype=bool)
        for d in range(len(dt_boxes)):
            best_iou = min(t, 1 - 1e-10)
            best = -1
            for g in range(len(gt_boxes)):
                if gt_taken[g]:
                    continue
                if ious[d, g] < best_iou:
                    continue
                best_iou = ious[d, g]
                best = g
            if best == -1:
                continue
            gt_taken[best] = True
            matched[t_index, d] = True
    return dt_scores, matched


def average_precisions(images):
    """images: list of (gt, dt), gt an N x 5 array [class, x1, y1, x2, y2], dt an M x 6 array
    [class, score, x1, y1, x2, y2]. Returns {class: array of 10 APs, one per IoU threshold}."""
    gts = [np.asarray(g, dtype=np.float64).reshape(-1, 5) for g, _ in images]
    dts = [np.asarray(d, dtype=np.float64).reshape(-1, 6) for _, d in images]
    classes = sorted({int(c) for g in gts for c in g[:, 0]})
    result = {}
    for c in classes:
        scores, flags, positives = [], [], 0
        for g, d in zip(gts, dts):
            g_boxes = g[g[:, 0] == c, 1:5]
            d_sel = d[d[:, 0] == c]
            positives += len(g_boxes)
            s, m = _match_image(d_sel[:, 2:6], d_sel[:, 1], g_boxes)
            scores.append(s)
            flags.append(m)
        scores = np.concatenate(scores)
        flags = np.concatenate(flags, axis=1)
        order = np.argsort(-scores, kind="mergesort")
        tps = flags[:, order]
        fps = np.logical_not(tps)
        tp_sum = np.cumsum(tps, axis=1).astype(dtype=np.float64)
        fp_sum = np.cumsum(fps, axis=1).astype(dtype=np.float64)
        aps = np.zeros(len(IOU_THRESHOLDS))
        for t_index, (tp, fp) in enumerate(zip(tp_sum, fp_sum)):
            recall = tp / positives
            precision = (tp / (fp + tp + np.spacing(1))).tolist()
            for i in range(len(precision) - 1, 0, -1):
                if precision[i] > precision[i - 1]:
                    precision[i - 1] = precision[i]
            q = np.zeros(len(RECALL_THRESHOLDS))
            indices = np.searchsorted(recall, RECALL_THRESHOLDS, side="left")
            for r_index, p_index in enumerate(indices):
                if p_index >= len(precision):
                    break
                q[r_index] = precision[p_index]
            aps[t_index] = q.mean()
        result[c] = aps
    return result


def mean_average_precision(images):
    """(mAP@0.5, mAP@.5:.95) over the classes with ground truth; (0, 0) when there is none."""
    aps = average_precisions(images)
    if not aps:
        return 0.0, 0.0
    table = np.array(list(aps.values()))
    return float(table[:, 0].mean()), float(table.mean())
