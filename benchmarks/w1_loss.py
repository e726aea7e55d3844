"""W1 + loss: what the Loss page adds to a slider move, against the labels alone (what w1_core times).

Image 800x1333, RetinaNet preset (torchvision, ~200,700 anchors), 50 COCO-like GTs with 80 classes, focal loss +
L1 (torchvision RetinaNet's defaults) on the simulated head. Rows, all run round robin in one process so a change
of the machine's speed touches them alike:

* labels alone: assignment (IoU + max-IoU rule), as w1_core's torchvision row;
* labels + loss: assignment, then ``compute_loss`` on a head simulated for the previous labels (a gamma / alpha /
  beta / lambda change re-runs only the loss; the row adds the labels to compare with the goal);
* labels + head + loss: assignment, the simulated head at progress 0.3 (its random draws cached per seed, as the
  page keeps them), then ``compute_loss`` -- a threshold move;
* loss on dense (N, 81) logits: the same loss from an uploaded-style dense array (reported, no goal).

    python benchmarks/w1_loss.py [--runs 30]

Prints median / min / max wall time (ms) and the median CPU time of this process per call (which waiting for a
core on a shared machine does not inflate), each with its ratio to "labels alone" (medians, same run), and the
machine's CPU steal and load. Goal: labels + loss <= 2x labels alone.
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

from _common import MachineShare  # noqa: E402
from w1_core import IMAGE_HW, coco_like_gts  # noqa: E402

from anchorviz.core.coding import presets as coding_presets
from anchorviz.core.anchors.grid import cached_anchors  # noqa: E402
from anchorviz.core.assign.max_iou import assign_anchors, max_iou_rule  # noqa: E402
from anchorviz.core.loss import LOSS_SPECS, LossHead, compute_loss, draw_head_noise, simulate_loss_head  # noqa: E402
from anchorviz.core.presets import preset_config  # noqa: E402

NUM_CLASSES = 80


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--gts", type=int, default=50)
    args = ap.parse_args()
    gts = coco_like_gts(args.gts)
    classes = np.random.default_rng(1).integers(0, NUM_CLASSES, len(gts))
    spec = LOSS_SPECS["torchvision/retinanet"]  # focal (0.25, 2) + L1
    coder = coding_presets.TORCHVISION_RPN
    aset = cached_anchors(preset_config("RetinaNet", "torchvision"), IMAGE_HW)
    rule = max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4)
    noise = draw_head_noise(len(aset), seed=0)

    def labels():
        return assign_anchors(aset, gts, rule)

    def head_for(res):
        return simulate_loss_head(anchors=aset.boxes, assignment=res, gt_boxes=gts, gt_classes=classes,
                                  num_classes=NUM_CLASSES, spec=spec, coder=coder, progress=0.3, noise=noise)

    def loss(res, head):
        return compute_loss(anchors=aset, assignment=res, gt_boxes=gts, gt_classes=classes, head=head, spec=spec,
                            coder=coder, num_classes=NUM_CLASSES)

    res0 = labels()
    head0 = head_for(res0)
    dense = LossHead(scores=head0.scores.dense(), deltas=head0.deltas)
    variants = {
        "labels alone": labels,
        "labels + loss": lambda: loss(labels(), head0),
        "labels + head + loss": lambda: (lambda r: loss(r, head_for(r)))(labels()),
        "loss on dense (N, 81) logits": lambda: loss(res0, dense),
    }
    for fn in variants.values():
        fn()  # warm
    times: dict[str, list[float]] = {k: [] for k in variants}
    cpu: dict[str, list[float]] = {k: [] for k in variants}
    with MachineShare() as share:
        for _ in range(args.runs):
            for name, fn in variants.items():
                t0, c0 = time.perf_counter(), time.process_time()
                fn()
                times[name].append((time.perf_counter() - t0) * 1e3)
                cpu[name].append((time.process_time() - c0) * 1e3)
    base = statistics.median(times["labels alone"])
    base_cpu = statistics.median(cpu["labels alone"])
    r = loss(res0, head0)
    print(f"W1 + loss: image {IMAGE_HW[0]}x{IMAGE_HW[1]}, {len(aset):,} anchors, {len(gts)} GTs, {NUM_CLASSES} classes, "
          f"{spec.title} (focal alpha {spec.alpha:g} gamma {spec.gamma:g} + {spec.box_loss}), {args.runs} rounds")
    print(f"{'variant':32s} {'median ms':>10s} {'min':>8s} {'max':>8s} {'x labels':>9s} {'CPU ms':>8s} {'x labels':>9s}")
    for name, ts in times.items():
        med, cmed = statistics.median(ts), statistics.median(cpu[name])
        print(f"{name:32s} {med:10.2f} {min(ts):8.2f} {max(ts):8.2f} {med / base:9.2f} {cmed:8.2f} {cmed / base_cpu:9.2f}")
    print(f"loss at progress 0.3: classification {r.cls.value:.4f} ({r.cls.normaliser.formula}), box {r.box.value:.4f}; "
          f"{r.counts}")
    print(f"machine during the timed runs: {share}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
