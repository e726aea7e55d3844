"""Loading a COCO-format file with 1M annotations.

    python benchmarks/bench_coco_load.py [--annotations 1000000] [--repeat 3]

The file is generated with a fixed seed (anchorviz/synthetic.py: ~125k images, 10 categories, 1% crowd regions,
bbox rounded to 2 decimals like COCO files; no segmentation polygons) into a temporary folder. Measured:

* anchorviz: ``load_dataset(path, resize=letterbox 640)``: JSON decode, structure / type / id checks,
  the pycocotools index, NumPy columns, inside-image checks, crowd and degenerate counting, the resize;
* baseline: what the single-image reader's approach costs per dataset: ``pycocotools.coco.COCO(path)`` then,
  per image, ``getAnnIds`` / ``loadAnns`` and a Python list of boxes (no checks, no resize).

Goal: <= 15 s for anchorviz.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
from pathlib import Path

import _common  # noqa: F401
import numpy as np
from _common import Timer, machine, peak_rss_mb, print_table, summary
from anchorviz.dataset.synthetic import synthetic_coco_json

from anchorviz.dataset.load import load_dataset
from anchorviz.core.resize import ResizeSpec


def baseline(path: Path) -> int:
    from pycocotools.coco import COCO
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO(str(path))
    n = 0
    for img_id in coco.getImgIds():
        anns = coco.loadAnns(coco.getAnnIds(imgIds=[img_id], iscrowd=False))
        boxes = np.array([a["bbox"] for a in anns], np.float64).reshape(-1, 4)
        n += len(boxes)
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--annotations", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"COCO load: {args.annotations:,} annotations; {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "instances_synthetic.json"
        with Timer() as t:
            path.write_text(synthetic_coco_json(args.annotations, seed=0, crowd_every=100))
        print(f"  generated {path.stat().st_size / 1e6:.0f} MB in {t.seconds:.1f} s (not timed below)")
        ours, base, cpu_ours, cpu_base = [], [], [], []
        for r in range(args.repeat):
            with Timer() as t:
                ds = load_dataset(path, resize=ResizeSpec(mode="letterbox", letterbox_size=640))
            ours.append(t.seconds)
            cpu_ours.append(t.cpu)
            print(f"  run {r}: anchorviz {t.seconds:.2f} s, CPU {t.cpu:.2f} s ({len(ds):,} boxes kept, "
                  f"{ds.report.n_crowd_dropped:,} crowd left out)", flush=True)
            del ds
            with Timer() as t:
                n = baseline(path)
            base.append(t.seconds)
            cpu_base.append(t.cpu)
            print(f"  run {r}: baseline  {t.seconds:.2f} s, CPU {t.cpu:.2f} s ({n:,} boxes)", flush=True)
    bmed = summary(base)[0]
    rows = [["method", "runs", "median s", "min s", "max s", "median CPU s", "baseline / this"]]
    for name, v, c in (("anchorviz load_dataset (+ checks + resize)", ours, cpu_ours),
                       ("baseline pycocotools COCO() + per-image loadAnns", base, cpu_base)):
        med, lo, hi = summary(v)
        rows.append([name, str(len(v)), f"{med:.2f}", f"{lo:.2f}", f"{hi:.2f}", f"{summary(c)[0]:.2f}",
                     f"{bmed / med:.2f}x"])
    print()
    print_table(rows)
    med = summary(ours)[0]
    print(f"\npeak RSS of this process: {peak_rss_mb():.0f} MB")
    print(f"goal: <= 15 s: {'met' if med <= 15 else 'MISSED'} ({med:.2f} s)")


if __name__ == "__main__":
    main()
