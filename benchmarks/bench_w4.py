"""W4: 10M boxes, statistics + tuning, with peak memory.

    python benchmarks/bench_w4.py [--boxes 10000000] [--repeat 3]

Each run is a fresh subprocess (so its peak RSS is its own) that generates the synthetic dataset (fixed seed;
not timed), then times, on all 10M boxes:

1. the dataset: ``dataset_from_arrays`` (validation, clipping, the letterbox-640 mapping of every box);
2. statistics: ``dataset_statistics`` with the YOLOv5 P3-P5 preset (w x h density, sqrt-area histogram and COCO
   buckets, aspect histogram, boxes per image, percentiles, GTs per level by best shape IoU);
3. tuning: ``tune`` (YOLO: log-binned 1 - IoU k-means + 1000 generations + polish, then YOLOv5 fitness / BPR of
   the start and the result on all boxes) and ``shape_fit`` of the result (best IoU of every box, recall curve).

Peak memory is ``ru_maxrss`` of the child process (it includes the synthetic data: boxes alone are 320 MB).
Goal: <= 60 s and <= 2 GB. There is no baseline run: YOLOv5's procedure on 10M boxes takes well over half an
hour here (W3 measures the ratio on 1M); the table's ratio column is against the 60 s budget.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import _common  # noqa: F401
from _common import machine, peak_rss_mb, print_table, summary


def child(n: int) -> None:
    from anchorviz.dataset.synthetic import synthetic_boxes

    from anchorviz.dataset.load import dataset_from_arrays
    from anchorviz.dataset.shape_fit import shape_fit
    from anchorviz.dataset.stats import dataset_statistics
    from anchorviz.core.presets import preset_config
    from anchorviz.core.resize import ResizeSpec
    from anchorviz.dataset.tune.run import tune

    image_wh, boxes, idx = synthetic_boxes(n, seed=0)
    rss_data = peak_rss_mb()
    cfg = preset_config("YOLOv5 P3-P5", "yolov5")
    t = {}
    c0 = time.process_time()
    t0 = time.perf_counter()
    ds = dataset_from_arrays(boxes=boxes, image_index=idx, image_wh=image_wh,
                             resize=ResizeSpec(mode="letterbox", letterbox_size=640))
    del boxes, idx
    t["dataset"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    st = dataset_statistics(ds, cfg)
    t["statistics"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    res = tune(ds, cfg, objective="fitness", seed=0)
    fit = shape_fit(ds, res.config)
    t["tuning"] = time.perf_counter() - t2
    t["total"] = time.perf_counter() - t0
    t["cpu"] = time.process_time() - c0
    print(json.dumps({"times": t, "peak_rss_mb": peak_rss_mb(), "rss_after_data_mb": rss_data,
                      "before": res.before, "after": res.after, "bpr_after": fit.yolo.bpr,
                      "mean_iou_after": fit.mean_best_iou, "buckets": [st.buckets.small, st.buckets.medium,
                                                                       st.buckets.large]}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--boxes", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.boxes)
        return
    print(f"W4: {args.boxes:,} boxes, statistics + tuning; {machine()}")
    results = []
    for r in range(args.repeat):
        out = subprocess.run([sys.executable, __file__, "--child", "--boxes", str(args.boxes)], check=True,
                             capture_output=True, text=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(res)
        t = res["times"]
        print(f"  run {r}: total {t['total']:.2f} s, CPU {t['cpu']:.2f} s (dataset {t['dataset']:.2f}, statistics {t['statistics']:.2f}, "
              f"tuning {t['tuning']:.2f}); peak RSS {res['peak_rss_mb']:.0f} MB; fitness {res['before']:.4f} -> "
              f"{res['after']:.4f}, BPR {res['bpr_after']:.4f}", flush=True)
    rows = [["step", "median s", "min s", "max s"]]
    for key in ("dataset", "statistics", "tuning", "total", "cpu"):
        med, lo, hi = summary([x["times"][key] for x in results])
        rows.append(["total CPU time" if key == "cpu" else key, f"{med:.2f}", f"{lo:.2f}", f"{hi:.2f}"])
    peak = max(x["peak_rss_mb"] for x in results)
    print()
    print_table(rows)
    med = summary([x["times"]["total"] for x in results])[0]
    print(f"\npeak RSS (max over runs): {peak:.0f} MB (of which the generated data: "
          f"{max(x['rss_after_data_mb'] for x in results):.0f} MB)")
    print(f"goals: <= 60 s: {'met' if med <= 60 else 'MISSED'} ({med:.1f} s = {med / 60:.2f} of the budget); "
          f"<= 2 GB: {'met' if peak <= 2048 else 'MISSED'} ({peak:.0f} MB)")


if __name__ == "__main__":
    main()
