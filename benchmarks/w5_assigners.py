"""W5: the point assigners on a YOLO-sized scene, beside max-IoU anchor matching of the same scene.

640x640 input, strides 8 / 16 / 32 (8,400 points), 50 GT boxes with COCO-like sizes for a 640 input, 80 classes,
predictions from the simulated head (``--progress``, default 0.5, seed 0). Each rule runs on its own library's grid
with its own form of the predictions (computed once, outside the timing: the page caches them per seed and
progress); the simulated head, with deriving the forms the rules take (σ(cls) for TAL, sqrt(σ(cls)·σ(obj)) for
SimOTA, logits for DSL; kept with the predictions), is timed as a row of its own.

Baseline, measured in the same run: the max-IoU assignment of the same 50 GTs to RetinaNet anchors (torchvision
convention, P3-P5 on the same 640x640 input, ~76k anchors, 0.5 / 0.4 with low-quality matches): what the
app's anchor panel recomputes.

    python benchmarks/w5_assigners.py [--runs 25] [--progress 0.5]

Prints one row per variant: median, min and max wall time (ms) over the runs, median CPU time, positives found,
and the ratio of the variant's median to the baseline's. The variants run round robin (one call each per round),
so a change of the machine's speed touches them alike. Goal: each assigner <= 20 ms median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MachineShare, machine  # noqa: E402

from anchorviz.core.anchors.grid import cached_anchors  # noqa: E402
from anchorviz.core.assign.labels import Label  # noqa: E402
from anchorviz.core.assign.max_iou import assign_anchors, max_iou_rule
from anchorviz.core.assigners.head import simulate_point_head  # noqa: E402
from anchorviz.core.assigners.registry import POINT_RULES, rule_grid  # noqa: E402
from anchorviz.core.presets import preset_config  # noqa: E402

IMAGE_HW = (640, 640)
STRIDES = (8, 16, 32)
NUM_CLASSES = 80
GOAL_MS = 20.0


def coco_like_gts_640(m: int, seed: int = 0) -> np.ndarray:
    """m boxes whose sqrt(area) follows COCO's spread after a 640 letterbox (median side ~45 px, lognormal),
    aspect ratio h/w lognormal around 1."""
    rng = np.random.default_rng(seed)
    side = np.exp(rng.normal(np.log(45), 0.9, m))
    aspect = np.exp(rng.normal(0.0, 0.5, m))
    w = np.clip(side / np.sqrt(aspect), 4, IMAGE_HW[1] - 1)
    h = np.clip(side * np.sqrt(aspect), 4, IMAGE_HW[0] - 1)
    x = rng.uniform(0, IMAGE_HW[1] - w)
    y = rng.uniform(0, IMAGE_HW[0] - h)
    return np.stack([x, y, x + w, y + h], axis=1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=25)
    ap.add_argument("--gts", type=int, default=50)
    ap.add_argument("--progress", type=float, default=0.5)
    args = ap.parse_args()
    gts = coco_like_gts_640(args.gts)
    labels = np.random.default_rng(1).integers(0, NUM_CLASSES, len(gts))
    variants: dict = {}
    positives: dict = {}
    for key, rule in POINT_RULES.items():
        grid = rule_grid(key, IMAGE_HW, STRIDES)
        pred = simulate_point_head(grid, gts, labels, num_classes=NUM_CLASSES, progress=args.progress, seed=0)
        variants[key] = (lambda r=rule, gr=grid, p=pred: r.run(gr, gts, labels, p, {}))
    head_grid = rule_grid("tal_8.4", IMAGE_HW, STRIDES)
    def head():  # predictions and the forms the rules take (kept with the predictions, as the page keeps them)
        pred = simulate_point_head(head_grid, gts, labels, num_classes=NUM_CLASSES, progress=args.progress, seed=0)
        pred.tal_scores(), pred.simota_scores(), pred.dsl_logits()
        return pred

    variants["simulated head + score forms"] = head
    cfg = preset_config("RetinaNet", "torchvision", levels=(3, 4, 5))
    rule = max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4)
    aset = cached_anchors(cfg, IMAGE_HW)
    baseline_name = f"max-IoU RetinaNet P3-P5 ({len(aset):,} anchors)"
    variants[baseline_name] = lambda: assign_anchors(aset, gts, rule)
    for name, fn in variants.items():  # warm: caches, NumPy paths
        res = fn()
        labels_ = getattr(res, "labels", None)
        positives[name] = int((labels_ == Label.POSITIVE).sum()) if labels_ is not None else None
    wall = {name: [] for name in variants}
    cpu = {name: [] for name in variants}
    with MachineShare() as share:
        for _ in range(args.runs):
            for name, fn in variants.items():
                t0, c0 = time.perf_counter(), time.process_time()
                fn()
                wall[name].append((time.perf_counter() - t0) * 1e3)
                cpu[name].append((time.process_time() - c0) * 1e3)
    base = statistics.median(wall[baseline_name])
    n = len(head_grid)
    print(f"W5: {IMAGE_HW[0]}x{IMAGE_HW[1]}, strides {'/'.join(map(str, STRIDES))} ({n:,} points), {len(gts)} GTs, "
          f"{NUM_CLASSES} classes, training progress {args.progress:g}, {args.runs} runs round robin")
    print(f"{'variant':40s} {'median ms':>10s} {'min':>7s} {'max':>7s} {'cpu ms':>7s} {'positives':>9s} "
          f"{'/baseline':>9s} {'goal':>5s}")
    for name in variants:
        med = statistics.median(wall[name])
        goal = "" if name == baseline_name or name.startswith("simulated") else ("ok" if med <= GOAL_MS else "MISS")
        pos = "" if positives[name] is None else str(positives[name])
        print(f"{name:40s} {med:10.2f} {min(wall[name]):7.2f} {max(wall[name]):7.2f} "
              f"{statistics.median(cpu[name]):7.2f} {pos:>9s} {med / base:9.2f} {goal:>5s}")
    print(f"baseline: {baseline_name}, median {base:.2f} ms")
    print(f"machine: {machine()}")
    print(f"machine during the timed runs: {share}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
