"""W1: what the app recomputes on every slider move.

Image 800x1333, RetinaNet preset (P3-P7, 9 anchors per cell, ~200k anchors), 50 GT boxes with COCO-like
sizes: generate (cached per config and image size) + IoU + assignment + per-anchor max IoU for the heatmap.

Baseline, measured in the same run: the dense way, pycocotools.mask.iou over all anchor x GT pairs, then
NumPy argmax, thresholds and the low-quality ties.

    python benchmarks/w1_core.py [--runs 30]

Prints one row per variant: median, min and max over the runs (ms), peak traced memory, and the ratio of
the baseline's median to ours, and the CPU steal and load while it ran. The variants run round robin (one call
each per round, the baseline every third round), so a change of the machine's speed touches them alike.
Goal: median <= 10 ms and >= 3x faster than the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pycocotools import mask as mask_utils  # noqa: E402

from _common import MachineShare  # noqa: E402

from anchorviz.core.anchors.grid import cached_anchors  # noqa: E402
from anchorviz.core.assign.labels import Label  # noqa: E402
from anchorviz.core.assign.max_iou import assign_anchors, max_iou_rule
from anchorviz.core.presets import preset_config  # noqa: E402

IMAGE_HW = (800, 1333)


def coco_like_gts(m: int, seed: int = 0) -> np.ndarray:
    """m boxes whose sqrt(area) follows COCO's spread on an 800x1333 image (about 40% small, 35% medium,
    25% large after the resize) and whose aspect ratio h/w is log-normal around 1."""
    rng = np.random.default_rng(seed)
    h_img, w_img = IMAGE_HW
    side = np.exp(rng.normal(np.log(70), 1.0, m))
    aspect = np.exp(rng.normal(0.0, 0.55, m))
    w = np.clip(side / np.sqrt(aspect), 4, w_img - 1)
    h = np.clip(side * np.sqrt(aspect), 4, h_img - 1)
    x = rng.uniform(0, w_img - w)
    y = rng.uniform(0, h_img - h)
    return np.stack([x, y, x + w, y + h], axis=1)


def anchorviz_pipeline(cfg, gts, rule):
    aset = cached_anchors(cfg, IMAGE_HW)
    res = assign_anchors(aset, gts, rule)
    return res.labels, res.max_iou


def dense_pipeline(cfg, gts, pos=0.5, neg=0.4):
    anchors = cached_anchors(cfg, IMAGE_HW).boxes
    a = anchors.copy()
    a[:, 2:] -= a[:, :2]
    g = gts.copy()
    g[:, 2:] -= g[:, :2]
    iou = np.asarray(mask_utils.iou(a, g, np.zeros(len(g), np.uint8)))  # [N, M] float64
    max_iou = iou.max(axis=1)
    argmax = iou.argmax(axis=1)
    labels = np.full(len(anchors), Label.IGNORED, np.int8)
    labels[max_iou < neg] = Label.NEGATIVE
    labels[max_iou >= pos] = Label.POSITIVE
    gt_max = iou.max(axis=0)
    ties = np.nonzero(iou == gt_max[None, :])[0]  # low-quality matches (torchvision rule)
    labels[ties] = Label.POSITIVE
    matched = np.where(labels == Label.POSITIVE, argmax, -1)
    return labels, max_iou, matched


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1e3)
    return out


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--gts", type=int, default=50)
    args = ap.parse_args()
    gts = coco_like_gts(args.gts)
    rows = []
    with MachineShare() as share:
        base_cfg = preset_config("RetinaNet", "torchvision")
        t0 = time.perf_counter()
        cached_anchors(base_cfg, IMAGE_HW)
        cold_gen = (time.perf_counter() - t0) * 1e3
        variants = {}
        for conv in ("torchvision", "mmdet", "detectron2", "keras_retinanet"):
            cfg = preset_config("RetinaNet", conv)
            rule = max_iou_rule(conv, pos_iou=0.5, neg_iou=0.4)
            variants[f"anchorviz RetinaNet/{conv}"] = (lambda c=cfg, r=rule: anchorviz_pipeline(c, gts, r))
            variants[f"anchorviz RetinaNet/{conv}"]()  # warm: anchors cached, numpy paths loaded
        # round robin, so that a change in the machine's speed during the run touches every variant alike; the
        # baseline (30x slower) runs every third round
        times = {name: [] for name in variants}
        baseline = []
        for i in range(args.runs):
            for name, fn in variants.items():
                times[name].append(timed(fn, 1)[0])
            if i % 3 == 0:
                baseline.extend(timed(lambda: dense_pipeline(base_cfg, gts), 1))
        base_med = statistics.median(baseline)
        for name, fn in variants.items():
            rows.append((name, times[name], peak_mb(fn)))
        rows.append(("dense pycocotools (baseline)", baseline, peak_mb(lambda: dense_pipeline(base_cfg, gts))))

    n = len(cached_anchors(base_cfg, IMAGE_HW))
    ours_labels, ours_max = anchorviz_pipeline(base_cfg, gts, max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4))
    base_labels, base_max, _ = dense_pipeline(base_cfg, gts)
    agree = float((ours_labels == base_labels).mean())
    print(f"W1: image {IMAGE_HW[0]}x{IMAGE_HW[1]}, {n:,} anchors, {len(gts)} GTs, {args.runs} runs; "
          f"cold anchor generation {cold_gen:.1f} ms (cached afterwards)")
    print(f"{'variant':34s} {'median ms':>10s} {'min':>8s} {'max':>8s} {'peak MB':>8s} {'baseline/ours':>14s}")
    for name, ts, mb in rows:
        med = statistics.median(ts)
        print(f"{name:34s} {med:10.2f} {min(ts):8.2f} {max(ts):8.2f} {mb:8.1f} {base_med / med:14.1f}")
    print(f"labels agree with the dense float64 baseline on {agree:.4%} of anchors; "
          f"max |max IoU difference| {np.abs(ours_max - base_max).max():.2e} (torchvision computes in float32)")
    print(f"machine during the timed runs: {share}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
