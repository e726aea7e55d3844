"""Command line: dataset statistics and anchor tuning.

    python -m anchorviz stats DATASET [options]
    python -m anchorviz tune DATASET [options]

(also installed as the ``anchorviz`` console script; ``python -m anchorviz.parity`` is the golden-case checker.)
Run ``python -m anchorviz stats --help`` / ``tune --help`` for every option. Errors print one line on stderr
and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from anchorviz.anchors import AnchorConfig
from anchorviz.conventions import CONVENTIONS
from anchorviz.dataset import BoxDataset, load_dataset
from anchorviz.dataset_fit import AssignerSpec, compare_setups, default_assigner, evaluate
from anchorviz.dataset_stats import dataset_statistics
from anchorviz.errors import AnchorVizInputError
from anchorviz.export import EXPORT_FORMATS, FILE_NAMES, config_from_json, export_config
from anchorviz.io.datasets import DATASET_FORMATS
from anchorviz.presets import PRESETS, preset_config
from anchorviz.resize import RESIZE_MODES, ResizeSpec
from anchorviz.tune import GENERATOR_CONVENTIONS, OBJECTIVES, YOLO_METHODS, tune

__all__ = ["main", "build_parser"]

_DEFAULT_PRESET = {"yolov5": "YOLOv5 P3-P5", "torchvision": "RetinaNet", "mmdet": "RetinaNet",
                   "mmdet_v1": "RetinaNet", "detectron2": "RetinaNet", "keras_retinanet": "RetinaNet",
                   "mmdet_ssd": "SSD300", "d2l": "d2l book (multiscale)"}


class _Progress:
    """A plain-text progress bar on stderr (``on_progress(fraction, message)``)."""

    def __init__(self, enabled: bool, stream=None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last = -1.0
        self.last_head = ""
        self.active = False

    def __call__(self, fraction: float, message: str) -> None:
        if not self.enabled:
            return
        fraction = min(max(float(fraction), 0.0), 1.0)
        head = message.split(":")[0]
        now = time.monotonic()
        if self.tty:
            if now - self.last < 0.1 and fraction < 1.0:
                return
            bar = "#" * int(fraction * 30)
            self.stream.write(f"\r[{bar:<30}] {fraction * 100:5.1f}%  {message[:70]:<70}")
            self.active = True
        elif head != self.last_head or fraction >= 1.0 and self.last < 1.0:
            self.stream.write(f"[{fraction * 100:5.1f}%] {message}\n")
        self.stream.flush()
        self.last, self.last_head = (now if self.tty else fraction), head

    def done(self) -> None:
        if self.enabled and self.tty and self.active:
            self.stream.write("\n")
            self.stream.flush()
        self.active = False


# --------------------------------------------------------------------------------------------------------
# Arguments


def _hw(text: str) -> tuple[int, int]:
    try:
        h, w = (int(v) for v in text.lower().replace(",", "x").split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HxW such as 512x512, got {text!r}") from None
    return h, w


def _levels(text: str) -> tuple[int, ...]:
    try:
        out = tuple(int(v.strip().lstrip("Pp")) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected pyramid levels such as 3,4,5 or P3,P4,P5, got {text!r}") from None
    if not out:
        raise argparse.ArgumentTypeError("expected at least one pyramid level")
    return out


def _formats(text: str) -> tuple[str, ...]:
    out = tuple(v.strip() for v in text.split(",") if v.strip())
    bad = [v for v in out if v not in EXPORT_FORMATS]
    if bad or not out:
        raise argparse.ArgumentTypeError(f"expected a comma-separated list of {', '.join(EXPORT_FORMATS)}, got {text!r}")
    return out


def _max_images(text: str) -> int | None:
    if text.lower() == "all":
        return None
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number or 'all', got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {v}")
    return v


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", metavar="DATASET",
                   help="a COCO .json, a dataset .csv, a folder (YOLO labels + images, VOC .xml files, ...) or a "
                        ".zip of such a folder")
    d = p.add_argument_group("dataset")
    d.add_argument("--format", choices=DATASET_FORMATS, default=None,
                   help="annotation format (default: detected from the files: .json -> coco, .xml -> voc, "
                        ".csv -> csv, .txt labels -> yolo)")
    d.add_argument("--annotation-file", default=None, metavar="NAME",
                   help="which annotation file to read when the folder / zip holds several (e.g. one per split)")
    d.add_argument("--sizes", default=None, metavar="FILE",
                   help="image sizes file, one 'name width height' row per image, for YOLO / VOC / CSV data "
                        "shipped without images (default: sizes.txt / sizes.csv in the dataset, else image headers)")
    d.add_argument("--class-names", default=None, metavar="FILE",
                   help="one class name per line (YOLO: names of the class indices; VOC / CSV: the allowed labels)")
    r = p.add_argument_group("train-time resize (anchor fit depends on it)")
    r.add_argument("--img-size", type=int, default=None, metavar="N",
                   help="YOLOv5 letterbox to an N x N input (same as --resize letterbox --letterbox-size N)")
    r.add_argument("--resize", choices=RESIZE_MODES, default=None,
                   help="none: as is; shorter_side: shorter side --min-size, longer <= --max-size (torchvision / "
                        "mmdet); letterbox: YOLOv5; custom: fit in --custom-hw. Default: letterbox 640 for yolov5, "
                        "shorter_side 800/1333 otherwise")
    r.add_argument("--min-size", metavar="N", type=int, default=800, help="shorter_side: target of the shorter side (default 800)")
    r.add_argument("--max-size", metavar="N", type=int, default=1333, help="shorter_side: cap of the longer side (default 1333)")
    r.add_argument("--letterbox-size", metavar="N", type=int, default=640, help="letterbox: side of the square input (default 640)")
    r.add_argument("--custom-hw", type=_hw, default=(640, 640), metavar="HxW",
                   help="custom: target size as HxW (default 640x640)")
    r.add_argument("--no-keep-ratio", action="store_true", help="custom: stretch to --custom-hw instead of fitting")
    r.add_argument("--size-divisor", metavar="N", type=int, default=32,
                   help="none / shorter_side / custom: pad the input to a multiple of this (default 32)")
    s = p.add_argument_group("anchor setup")
    s.add_argument("--convention", choices=sorted(CONVENTIONS), default="yolov5",
                   help="which library's anchor arithmetic (default yolov5)")
    s.add_argument("--preset", choices=sorted(PRESETS), default=None,
                   help="the starting setup (default: YOLOv5 P3-P5 for yolov5, RetinaNet for the others)")
    s.add_argument("--levels", type=_levels, default=None, metavar="3,4,5",
                   help="pyramid levels Pk of the preset (default: the preset's own)")
    s.add_argument("--config", default=None, metavar="FILE",
                   help="a setup JSON (the JSON export, or saved from the app) instead of --preset")
    a = p.add_argument_group("assignment on the grid")
    a.add_argument("--assigner", choices=("max_iou", "yolov5", "atss"), default=None,
                   help="default: yolov5 for YOLO setups, max_iou (the library's own rule) otherwise")
    a.add_argument("--pos-iou", metavar="X", type=float, default=0.5, help="max_iou: positive at IoU >= this (default 0.5)")
    a.add_argument("--neg-iou", metavar="X", type=float, default=0.4, help="max_iou: negative below this (default 0.4)")
    a.add_argument("--no-low-quality", action="store_true", help="max_iou: turn the low-quality matching off")
    a.add_argument("--anchor-t", metavar="T", type=float, default=4.0,
                   help="YOLOv5 anchor_t: a GT fits an anchor when w and h are within this factor (default 4.0)")
    a.add_argument("--topk", metavar="N", type=int, default=9, help="atss: candidates per level (default 9)")
    a.add_argument("--max-images", type=_max_images, default=200, metavar="N|all",
                   help="images assessed by the real assignment (seeded sample; 0 skips it; default 200)")
    a.add_argument("--iou-thr", metavar="X", type=float, default=0.5,
                   help="IoU threshold of the shape-only BPR-like metric and of --objective bpr for "
                        "size-based generators (default 0.5)")
    o = p.add_argument_group("output")
    o.add_argument("--seed", metavar="N", type=int, default=0, help="seed of every random choice (default 0)")
    o.add_argument("--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (``--help`` documents every option)."""
    parser = argparse.ArgumentParser(
        prog="anchorviz", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Dataset statistics and anchor tuning for torchvision, mmdetection, detectron2, "
                    "keras-retinanet and YOLOv5 anchors, computed as each library computes them.",
        epilog="examples:\n  anchorviz stats instances_train2017.json --img-size 640\n"
               "  anchorviz tune data/ --format yolo --k 9 --img-size 640 --objective bpr --export yolov5,json "
               "--out tuned/\n  anchorviz tune coco.json --convention mmdet --resize shorter_side --objective mean_iou\n"
               "\nexit status: 0 ok, 2 bad input (one line on stderr)")
    sub = parser.add_subparsers(dest="command", metavar="{stats,tune}")
    sub.required = True
    st = sub.add_parser("stats", help="dataset statistics and the fit of one anchor setup",
                        description="Print the dataset's box statistics (sizes with the COCO cut-offs, aspect "
                                    "ratios h/w, boxes per image) and how well an anchor setup fits it: shape-only "
                                    "best IoU, YOLOv5 BPR / anchors above threshold / fitness, GTs per level, and "
                                    "the real assignment on the grid on a sample of images.")
    _add_common(st)
    st.add_argument("--worst", metavar="N", type=int, default=10, help="rows of the worst-fitting GT table (default 10)")
    st.add_argument("--json", default=None, metavar="FILE", help="also write every statistic and metric as JSON")
    tu = sub.add_parser("tune", help="optimise the anchors and print metrics before and after",
                        description="Optimise the anchor setup for the dataset. YOLO (--convention yolov5): k pixel "
                                    "anchors by 1 - IoU k-means + YOLOv5's evolution. torchvision / mmdet / "
                                    "detectron2 / keras_retinanet: the scales and ratios shared by all levels. "
                                    "Prints the metrics before and after and writes the chosen exports.")
    _add_common(tu)
    t = tu.add_argument_group("tuning")
    t.add_argument("--objective", choices=OBJECTIVES, default=None,
                   help="what to maximise: fitness (YOLOv5's; generators: mean IoU), bpr (YOLO: YOLOv5 BPR; "
                        "generators: share of GTs with best IoU >= --iou-thr), mean_iou (mean best shape IoU), "
                        "positives (share of GTs with >= 1 positive under the real assigner; slow: runs on "
                        "--tune-images images). Default: fitness for YOLO, mean_iou otherwise")
    t.add_argument("--k", metavar="N", type=int, default=None,
                   help="YOLO: number of anchors (a multiple of the levels; default 9). Generators: anchors per "
                        "location = scales x ratios")
    t.add_argument("--scales", metavar="N", type=int, default=None, help="generators: number of scales (default: the preset's)")
    t.add_argument("--ratios", metavar="N", type=int, default=None, help="generators: number of ratios (default: the preset's)")
    t.add_argument("--gen", metavar="N", type=int, default=1000, help="YOLO: generations of evolution (default 1000)")
    t.add_argument("--method", choices=YOLO_METHODS, default="fast",
                   help="YOLO: 'fast' (1 - IoU k-means on binned shapes + evolution, default) or 'yolov5' (YOLOv5's "
                        "autoanchor procedure on every box; fitness only, slow on big datasets)")
    t.add_argument("--max-evals", metavar="N", type=int, default=None,
                   help="generators: objective evaluations (default 400; 40 for --objective positives)")
    t.add_argument("--tune-images", metavar="N", type=int, default=64,
                   help="--objective positives: images the objective is measured on (default 64)")
    t.add_argument("--export", type=_formats, default=(), metavar="FMT[,FMT]",
                   help=f"write the tuned setup as any of {','.join(EXPORT_FORMATS)} (each applies to its own "
                        "library's setups; json to any)")
    t.add_argument("--out", default=".", metavar="DIR", help="folder for the exports (default: current folder)")
    return parser


def _resize(args, convention: str) -> ResizeSpec:
    if args.img_size is not None:
        if args.resize not in (None, "letterbox"):
            raise AnchorVizInputError(f"--img-size means a letterbox resize; it cannot be combined with --resize {args.resize}")
        return ResizeSpec(mode="letterbox", letterbox_size=args.img_size)
    mode = args.resize or ("letterbox" if convention == "yolov5" else "shorter_side")
    return ResizeSpec(mode=mode, min_size=args.min_size, max_size=args.max_size, letterbox_size=args.letterbox_size,
                      custom_hw=args.custom_hw, keep_ratio=not args.no_keep_ratio, size_divisor=args.size_divisor)


def _setup(args) -> AnchorConfig:
    if args.config is not None:
        try:
            text = Path(args.config).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise AnchorVizInputError(f"{args.config}: cannot read the setup file ({e})") from None
        cfg = config_from_json(text)
        if args.preset is not None:
            raise AnchorVizInputError("give either --config or --preset, not both")
        return cfg
    preset = args.preset or _DEFAULT_PRESET[args.convention]
    return preset_config(preset, args.convention, levels=args.levels)


def _assigner(args, cfg: AnchorConfig) -> AssignerSpec:
    if args.assigner is None:
        base = default_assigner(cfg)
        return AssignerSpec(kind=base.kind, pos_iou=args.pos_iou, neg_iou=args.neg_iou,
                            low_quality=not args.no_low_quality, anchor_t=args.anchor_t, topk=args.topk)
    return AssignerSpec(kind=args.assigner, pos_iou=args.pos_iou, neg_iou=args.neg_iou,
                        low_quality=not args.no_low_quality, anchor_t=args.anchor_t, topk=args.topk)


def _load(args, convention: str) -> BoxDataset:
    names = None
    if args.class_names is not None:
        try:
            names = [line.strip() for line in Path(args.class_names).read_text(encoding="utf-8-sig").splitlines()
                     if line.strip()]
        except (OSError, UnicodeDecodeError) as e:
            raise AnchorVizInputError(f"{args.class_names}: cannot read the class names ({e})") from None
    return load_dataset(args.dataset, format=args.format, resize=_resize(args, convention), sizes=args.sizes,
                        class_names=names, annotation_file=args.annotation_file)


def _fmt(v) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    return f"{float(v):.4f}"


def _is_num(c: str) -> bool:
    return bool(c) and c.lstrip("+-").replace(",", "").replace(".", "", 1).replace("%", "").isdigit()


def _table(rows: list[list[str]], out) -> None:
    """Columns of numbers right-aligned, text left-aligned, a rule under the header."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    numeric = [all(_is_num(r[i]) or not r[i] for r in rows[1:]) for i in range(len(widths))]
    for j, r in enumerate(rows):
        cells = [c.rjust(widths[i]) if numeric[i] else c.ljust(widths[i]) for i, c in enumerate(r)]
        out.write("  " + "  ".join(cells).rstrip() + "\n")
        if j == 0:
            out.write("  " + "  ".join("-" * w for w in widths) + "\n")


def _describe_setup(cfg: AnchorConfig) -> list[str]:
    out = []
    for lv in cfg.levels:
        if lv.wh:
            body = " ".join(f"{w:g}x{h:g}" for w, h in lv.wh)
        elif lv.sizes:
            body = f"sizes {', '.join(f'{s:g}' for s in lv.sizes)}; ratios {', '.join(f'{r:g}' for r in lv.ratios)}"
        else:
            base = lv.base_size if lv.base_size is not None else min(lv.stride_wh)
            body = (f"base {base:g} x scales {', '.join(f'{s:.4g}' for s in lv.scales)}; "
                    f"ratios {', '.join(f'{r:.4g}' for r in lv.ratios)}")
        out.append(f"{lv.name or '?'} (stride {lv.stride_wh[0]:g}): {body}")
    return out


def _print_report(ds: BoxDataset, out) -> None:
    out.write("dataset\n")
    for line in ds.report.lines():
        out.write(f"  {line}\n")
    for note in ds.report.notes[:10]:
        out.write(f"  note: {note}\n")
    if len(ds.report.notes) > 10:
        out.write(f"  ({len(ds.report.notes) - 10} more notes)\n")


def _cmd_stats(args, out) -> int:
    cfg = _setup(args)
    ds = _load(args, cfg.convention)
    if len(ds) == 0:
        raise AnchorVizInputError(f"{ds.report.source}: no boxes left to measure (all were left out or the images have none)")
    progress = _Progress(not args.quiet)
    _print_report(ds, out)
    st = dataset_statistics(ds)
    b = st.buckets
    sh = b.shares()
    out.write("\nbox statistics (network-input pixels, after the resize)\n")
    out.write(f"  COCO sizes: small (< 32^2) {b.small:,} ({sh[0]:.1%}), medium {b.medium:,} ({sh[1]:.1%}), "
              f"large (>= 96^2) {b.large:,} ({sh[2]:.1%})\n")
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
                "size_buckets": {"small": b.small, "medium": b.medium, "large": b.large},
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
            _write(path, export_config(res.config, fmt))
            out.write(f"wrote {path}\n")
    return 0


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


if __name__ == "__main__":
    sys.exit(main())
