"""Command line: dataset statistics and anchor tuning.

    python -m anchorviz stats DATASET [options]
    python -m anchorviz tune DATASET [options]

(also installed as the ``anchorviz`` console script; ``python -m anchorviz.parity`` is the golden-case checker.)
Run ``python -m anchorviz stats --help`` / ``tune --help`` for every option. Errors print one line on stderr
and exit with status 2.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from anchorviz.cli.inputs import _DEFAULT_PRESET, _assigner, _load, _setup
from anchorviz.cli.output import _describe_setup, _fmt, _print_report, _table
from anchorviz.cli.parser import build_parser
from anchorviz.cli.progress import _Progress
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import PRESETS
from anchorviz.dataset.export.exporters import FILE_NAMES, export_config
from anchorviz.dataset.fit_report import compare_setups, evaluate
from anchorviz.dataset.stats import dataset_statistics
from anchorviz.dataset.tune.results import GENERATOR_CONVENTIONS
from anchorviz.dataset.tune.run import tune

__all__ = ["main"]


def _cmd_stats(args, out) -> int:
    cfg = _setup(args)
    ds = _load(args, cfg.convention)
    if len(ds) == 0:
        raise AnchorVizInputError(f"{ds.report.source}: no boxes left to measure (all were left out or the images have none)")
    progress = _Progress(not args.quiet)
    _print_report(ds, out)
    st = dataset_statistics(ds)
    out.write("\nbox statistics\n")
    for what, bk, unit in (("COCO sizes", st.buckets, "box area in the original images"),
                           ("after the resize", st.buckets_input, "network-input px")):
        sh = bk.shares()
        out.write(f"  {what}: small (< 32^2) {bk.small:,} ({sh[0]:.1%}), medium {bk.medium:,} ({sh[1]:.1%}), "
                  f"large (>= 96^2) {bk.large:,} ({sh[2]:.1%}) ({unit})\n")
    out.write("  (the rest in network-input pixels, after the resize)\n")
    sp = st.side_percentiles
    out.write(f"  sqrt(area) px: p1 {sp[1]:.1f}, p25 {sp[25]:.1f}, median {sp[50]:.1f}, p75 {sp[75]:.1f}, p99 {sp[99]:.1f}\n")
    ap = st.aspect_percentiles
    out.write(f"  aspect h/w: p1 {ap[1]:.3g}, p25 {ap[25]:.3g}, median {ap[50]:.3g}, p75 {ap[75]:.3g}, p99 {ap[99]:.3g}\n")
    per = ds.boxes_per_image()
    out.write(f"  boxes per image: mean {per.mean():.2f}, median {np.median(per):g}, max {per.max():,}, "
              f"images without boxes {int((per == 0).sum()):,}\n")
    max_images = args.max_images
    report = evaluate(ds, cfg, anchor_t=args.anchor_t, iou_thr=args.iou_thr, assigner=_assigner(args, cfg),
                      positional=max_images != 0, max_images=max_images, seed=args.seed, worst_k=args.worst,
                      on_progress=progress)
    progress.done()
    out.write(f"\nfit of {cfg.conv.title} setup\n")
    for line in _describe_setup(cfg):
        out.write(f"  {line}\n")
    rows = report.rows()
    for m, v in rows:
        if isinstance(v, str):
            out.write(f"  {m}: {v}\n")
    _table([["metric", "value"]] + [[m, _fmt(v)] for m, v in rows if not isinstance(v, str)], out)
    names = [lv.name or f"L{i}" for i, lv in enumerate(cfg.levels)]
    out.write("\nGTs per level\n")
    rows = [["by", *names] + (["none"] if report.level_counts_assigned is not None else [])]
    rows.append(["best shape IoU", *[_fmt(int(v)) for v in report.level_counts_shape]]
                + ([""] if report.level_counts_assigned is not None else []))
    if report.level_counts_assigned is not None:
        rows.append(["assignment", *[_fmt(int(v)) for v in report.level_counts_assigned]])
    _table(rows, out)
    if report.worst:
        out.write("\nworst-fitting GTs\n")
        rows = [["image", "box (x1,y1,x2,y2)", "w x h", "best IoU", "why"]]
        for w in report.worst:
            rows.append([w["image"], ",".join(f"{v:g}" for v in w["box"]), f"{w['w']:g}x{w['h']:g}",
                         f"{w['best_iou']:.3f}", w["why"]])
        _table(rows, out)
    if args.json:
        doc = {
            "dataset": ds.report.__dict__ | {"notes": list(ds.report.notes)},
            "setup": json.loads(export_config(cfg, "json")),
            "statistics": {
                "size_buckets": {"small": st.buckets.small, "medium": st.buckets.medium, "large": st.buckets.large,
                                 "measured_on": "box area in the original images (COCO)"},
                "size_buckets_input": {"small": st.buckets_input.small, "medium": st.buckets_input.medium,
                                       "large": st.buckets_input.large,
                                       "measured_on": "box area after the resize (network-input px)"},
                "sqrt_area": {"edges": st.sqrt_area.edges.tolist(), "counts": st.sqrt_area.counts.tolist()},
                "aspect_h_over_w": {"edges": st.aspect.edges.tolist(), "counts": st.aspect.counts.tolist()},
                "wh_density": {"w_edges": st.density.w_edges.tolist(), "h_edges": st.density.h_edges.tolist(),
                               "counts": st.density.counts.tolist()},
                "boxes_per_image": st.boxes_per_image.counts.tolist(),
            },
            "metrics": {m: (v if isinstance(v, str) else float(v)) for m, v in report.rows()},
            "recall_vs_iou": {"thresholds": report.shape.thresholds.tolist(), "recall": report.shape.recall.tolist()},
            "gts_per_level": {"levels": names, "by_best_shape_iou": report.level_counts_shape.tolist(),
                              "by_assignment": None if report.level_counts_assigned is None
                              else report.level_counts_assigned.tolist()},
            "worst": report.worst,
        }
        _write(Path(args.json), json.dumps(doc, indent=1) + "\n")
        out.write(f"\nwrote {args.json}\n")
    return 0


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise AnchorVizInputError(f"{path}: cannot write ({e.strerror or e})") from None


def _cmd_tune(args, out) -> int:
    start = _setup(args)
    if start.convention != "yolov5" and start.convention not in GENERATOR_CONVENTIONS:
        raise AnchorVizInputError(f"tune: {start.convention} setups cannot be tuned (expected yolov5 or one of "
                                  f"{', '.join(GENERATOR_CONVENTIONS)})")
    bad_exports = []
    for fmt in args.export:  # refuse impossible exports before the work, not after
        try:
            export_config(start, fmt)
        except AnchorVizInputError as e:
            bad_exports.append(str(e))
    if bad_exports:
        raise AnchorVizInputError(bad_exports[0])
    ds = _load(args, start.convention)
    if len(ds) == 0:
        raise AnchorVizInputError(f"{ds.report.source}: no boxes left to tune on")
    objective = args.objective or ("fitness" if start.convention == "yolov5" else "mean_iou")
    assigner = _assigner(args, start)
    _print_report(ds, out)
    progress = _Progress(not args.quiet)
    out.flush()
    t0 = time.perf_counter()
    res = tune(ds, start, objective=objective, k=args.k, n_scales=args.scales, n_ratios=args.ratios,
               anchor_t=args.anchor_t, iou_thr=args.iou_thr, gen=args.gen, method=args.method, assigner=assigner,
               max_images=args.tune_images, max_evals=args.max_evals, seed=args.seed, on_progress=progress)
    progress.done()
    elapsed = time.perf_counter() - t0
    out.write(f"\ntuned {start.conv.title} anchors for '{res.objective}' in {elapsed:.1f} s (seed {res.seed}): "
              f"{res.before:.4f} -> {res.after:.4f}\n")
    for note in res.notes:
        out.write(f"  note: {note}\n")
    out.write("\nbefore\n")
    for line in _describe_setup(start):
        out.write(f"  {line}\n")
    out.write("after\n")
    for line in _describe_setup(res.config):
        out.write(f"  {line}\n")
    cmp = compare_setups(ds, start, res.config, names=("before", "after"), anchor_t=args.anchor_t,
                         iou_thr=args.iou_thr, assigner=assigner, positional=args.max_images != 0,
                         max_images=args.max_images, seed=args.seed, worst_k=0, on_progress=progress)
    progress.done()
    out.write("\nmetrics\n")
    rows = [["metric", "before", "after", "change"]]
    for r in cmp.rows:
        d = r["delta"]
        if isinstance(r["before"], str):
            out.write(f"  {r['metric']}: {r['before']}\n")
            continue
        rows.append([r["metric"], _fmt(r["before"]), _fmt(r["after"]),
                     "" if d == "" else (f"{d:+.4f}" if isinstance(d, float) else f"{d:+,}")])
    _table(rows, out)
    if args.export:
        outdir = Path(args.out)
        for fmt in args.export:
            path = outdir / FILE_NAMES[fmt]
            head = _mmdet_head(args) if fmt == "mmdet" else None
            _write(path, export_config(res.config, fmt, head=head))
            out.write(f"wrote {path}\n")
    return 0


def _mmdet_head(args) -> str:
    """The mmdet head the setup's preset belongs to (the key path of the mmdet export); bbox_head otherwise."""
    name = None if args.config is not None else (args.preset or _DEFAULT_PRESET.get(args.convention))
    preset = PRESETS.get(name or "")
    return preset.mmdet_head if preset is not None else "bbox_head"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI. Returns the exit status: 0 on success, 2 on bad input (one line on stderr)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    out = sys.stdout
    try:
        if args.command == "stats":
            return _cmd_stats(args, out)
        return _cmd_tune(args, out)
    except AnchorVizInputError as e:
        sys.stderr.write(f"\nanchorviz: error: {e}\n" if getattr(sys.stderr, "isatty", lambda: False)() else
                         f"anchorviz: error: {e}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("\nanchorviz: interrupted\n")
        return 130
