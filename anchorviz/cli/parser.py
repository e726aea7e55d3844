"""The CLI's arguments: ``stats`` and ``tune`` sub-commands and the option types they parse."""

from __future__ import annotations

import argparse

from anchorviz.core.conventions import CONVENTIONS
from anchorviz.core.presets import PRESETS
from anchorviz.core.resize import RESIZE_MODES
from anchorviz.dataset.export.exporters import EXPORT_FORMATS
from anchorviz.dataset.tune.results import OBJECTIVES, YOLO_METHODS
from anchorviz.io.dataset_readers.raw import DATASET_FORMATS

__all__ = ["build_parser"]


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
