"""W3: 1M GT boxes, 9 anchors, k-means + evolution, against the YOLOv5 autoanchor procedure.

    python benchmarks/bench_w3.py [--boxes 1000000] [--repeat 3] [--baseline-repeat 3] [--gen 1000]

Synthetic boxes (fixed seed, anchorviz/synthetic.py) go through a YOLOv5 letterbox to 640. Each run measures,
from the (N, 2) widths and heights to the final metrics on ALL boxes:

* anchorviz: ``kmeans_evolve_anchors`` (log-binned shapes, 1 - IoU k-means++, 1000 generations of YOLOv5's
  evolution, coordinate polish), seed = run index;
* baseline: ``yolov5_kmean_anchors`` (YOLOv5's kmean_anchors step by step on all boxes: whitened
  scipy-style k-means with 30 restarts, 1000 generations), seed = run index.

Final fitness and BPR are YOLOv5's (anchor_t 4), measured on all boxes with ``yolo_metrics`` (= yolo_fit).
Goal: anchorviz <= 10 s, >= 5x faster than the baseline, fitness and BPR >= the baseline's (run by run).
"""

from __future__ import annotations

import argparse

import _common  # noqa: F401  (puts the repository on sys.path)
import numpy as np
from _common import Timer, machine, print_table, summary
from anchorviz.dataset.synthetic import synthetic_boxes

from anchorviz.dataset.load import dataset_from_arrays
from anchorviz.dataset.shape_fit import yolo_metrics
from anchorviz.core.resize import ResizeSpec
from anchorviz.dataset.tune.yolo import kmeans_evolve_anchors, yolov5_kmean_anchors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--boxes", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline-repeat", type=int, default=3)
    ap.add_argument("--gen", type=int, default=1000)
    args = ap.parse_args()
    print(f"W3: {args.boxes:,} boxes, 9 anchors, gen {args.gen}; {machine()}")
    image_wh, boxes, idx = synthetic_boxes(args.boxes, seed=0)
    ds = dataset_from_arrays(boxes=boxes, image_index=idx, image_wh=image_wh,
                             resize=ResizeSpec(mode="letterbox", letterbox_size=640))
    wh = ds.wh
    runs = {"anchorviz k-means + evolution": [], "baseline YOLOv5 kmean_anchors": []}
    for r in range(max(args.repeat, args.baseline_repeat)):
        if r < args.repeat:
            with Timer() as t:
                res = kmeans_evolve_anchors(wh, n=9, thr=4.0, gen=args.gen, seed=r)
                m = yolo_metrics(wh, res.anchors, thr=4.0)
            runs["anchorviz k-means + evolution"].append((t.seconds, m.fitness, m.bpr, t.cpu))
            print(f"  run {r}: anchorviz {t.seconds:.2f} s (CPU {t.cpu:.2f} s), fitness {m.fitness:.5f}, "
                  f"BPR {m.bpr:.5f}", flush=True)
        if r < args.baseline_repeat:
            with Timer() as t:
                res = yolov5_kmean_anchors(wh, n=9, img_size=640, thr=4.0, gen=args.gen, seed=r)
                m = yolo_metrics(wh, res.anchors, thr=4.0)
            runs["baseline YOLOv5 kmean_anchors"].append((t.seconds, m.fitness, m.bpr, t.cpu))
            print(f"  run {r}: baseline  {t.seconds:.2f} s (CPU {t.cpu:.2f} s), fitness {m.fitness:.5f}, "
                  f"BPR {m.bpr:.5f}", flush=True)
    base_runs = runs["baseline YOLOv5 kmean_anchors"]
    base_t = summary([x[0] for x in base_runs])[0] if base_runs else None
    rows = [["method", "runs", "median s", "min s", "max s", "median CPU s", "baseline / this",
             "fitness (median, all boxes)", "BPR (median, all boxes)"]]
    for name, rs in runs.items():
        if not rs:
            continue
        med, lo, hi = summary([x[0] for x in rs])
        rows.append([name, str(len(rs)), f"{med:.2f}", f"{lo:.2f}", f"{hi:.2f}",
                     f"{np.median([x[3] for x in rs]):.2f}", f"{base_t / med:.1f}x" if base_t else "n/a",
                     f"{np.median([x[1] for x in rs]):.5f}", f"{np.median([x[2] for x in rs]):.5f}"])
    print()
    print_table(rows)
    med = summary([x[0] for x in runs["anchorviz k-means + evolution"]])[0]
    pairs = list(zip(runs["anchorviz k-means + evolution"], base_runs))
    ok_q = all(a[1] >= b[1] and a[2] >= b[2] for a, b in pairs)
    speed = (f"{'met' if base_t / med >= 5 else 'MISSED'} ({base_t / med:.1f}x)" if base_t else "not measured")
    print(f"\ngoals: <= 10 s: {'met' if med <= 10 else 'MISSED'} ({med:.2f} s); >= 5x faster: {speed}; fitness and "
          f"BPR >= baseline in every paired run: {('met' if ok_q else 'MISSED') if pairs else 'not measured'}")


if __name__ == "__main__":
    main()
