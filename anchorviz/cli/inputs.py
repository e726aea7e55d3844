"""What the CLI's arguments mean: the train-time resize, the anchor setup, the assigner and the dataset."""

from __future__ import annotations

from pathlib import Path

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import preset_config
from anchorviz.core.resize import ResizeSpec
from anchorviz.dataset.export.importers import config_from_json
from anchorviz.dataset.grid_fit import AssignerSpec, default_assigner
from anchorviz.dataset.load import BoxDataset, load_dataset

__all__ = []


_DEFAULT_PRESET = {"yolov5": "YOLOv5 P3-P5", "torchvision": "RetinaNet", "mmdet": "RetinaNet",
                   "mmdet_v1": "RetinaNet", "detectron2": "RetinaNet", "keras_retinanet": "RetinaNet",
                   "mmdet_ssd": "SSD300", "d2l": "d2l book (multiscale)"}


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
