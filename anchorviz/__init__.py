"""anchorviz: see and tune the anchor boxes of an object detector, exactly as its library computes them.

The package behind the app, usable from Python. The names below are the ones a notebook needs; each lives in
its layer (``anchorviz.core``: NumPy only; ``anchorviz.io``: images and annotation files; ``anchorviz.dataset``:
whole datasets, tuning and export; ``anchorviz.parity``: the golden checker) and is imported on first use, so
``import anchorviz`` itself stays light (no Pillow, pycocotools or plotly until a name that needs them is used).

>>> import anchorviz as av
>>> image, boxes, labels, names = av.load_sample("astronaut")
>>> plan = av.plan_resize(image.shape[:2], av.ResizeSpec(mode="shorter_side"))
>>> cfg = av.preset_config("RetinaNet", "torchvision")
>>> anchors = av.generate_anchors(cfg, plan.input_hw)
>>> result = av.assign_anchors(anchors, av.resize_boxes(boxes, plan), av.max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4))
>>> result.counts()["positive"] > 0
True
"""

from __future__ import annotations

import importlib

# name -> the module that defines it
_EXPORTS: dict[str, str] = {
    # errors
    "AnchorVizInputError": "anchorviz.core.errors",
    # samples, images, annotations (anchorviz.io)
    "load_sample": "anchorviz.io.samples", "SAMPLES": "anchorviz.io.samples",
    "load_image": "anchorviz.io.images", "load_image_file": "anchorviz.io.images",
    "parse_annotations": "anchorviz.io.annotations", "load_annotations_file": "anchorviz.io.annotations",
    "GroundTruth": "anchorviz.io.groundtruth", "yolo_class_names": "anchorviz.io.yolo",
    "resize_image": "anchorviz.io.network_image",
    "parse_predictions": "anchorviz.io.predictions",
    # conventions, presets, configs
    "CONVENTIONS": "anchorviz.core.conventions",
    "PRESETS": "anchorviz.core.presets", "preset_config": "anchorviz.core.presets", "presets_for": "anchorviz.core.presets",
    "AnchorConfig": "anchorviz.core.anchors.config", "LevelSpec": "anchorviz.core.anchors.config",
    # anchors and the train-time resize
    "generate_anchors": "anchorviz.core.anchors.grid", "AnchorSet": "anchorviz.core.anchors.grid",
    "cell_anchors": "anchorviz.core.anchors.cells",
    "ResizeSpec": "anchorviz.core.resize", "plan_resize": "anchorviz.core.resize",
    "resize_boxes": "anchorviz.core.resize", "unresize_boxes": "anchorviz.core.resize",
    # IoU
    "pairwise_iou": "anchorviz.core.iou.pairwise", "shape_iou": "anchorviz.core.iou.pairwise",
    "MatchRequest": "anchorviz.core.iou.quality", "dense_match_quality": "anchorviz.core.iou.quality",
    "grid_match_quality": "anchorviz.core.iou.grid", "iou_with_box": "anchorviz.core.iou.grid",
    # assignment
    "Label": "anchorviz.core.assign.labels", "Assignment": "anchorviz.core.assign.labels",
    "MaxIoURule": "anchorviz.core.assign.max_iou", "max_iou_rule": "anchorviz.core.assign.max_iou",
    "assign_anchors": "anchorviz.core.assign.max_iou", "assign_max_iou": "anchorviz.core.assign.max_iou",
    "assign_yolov5": "anchorviz.core.assign.yolov5", "assign_atss": "anchorviz.core.assign.atss",
    "explain_zero_positives": "anchorviz.core.diagnose", "label_layers": "anchorviz.core.label_layers",
    # points and the point-based / dynamic assigners (FCOS, SimOTA, TAL, RTMDet)
    "library_points": "anchorviz.core.points", "POINT_RULES": "anchorviz.core.assigners",
    "run_point_rule": "anchorviz.core.assigners", "PointAssignment": "anchorviz.core.assigners",
    "simulate_point_head": "anchorviz.core.assigners", "simota_differences": "anchorviz.core.assigners",
    "parse_point_predictions": "anchorviz.io.point_predictions",
    # the training loss
    "LOSS_SPECS": "anchorviz.core.loss", "loss_spec_for_preset": "anchorviz.core.loss",
    "simulate_loss_head": "anchorviz.core.loss", "draw_head_noise": "anchorviz.core.loss",
    "compute_loss": "anchorviz.core.loss", "LossResult": "anchorviz.core.loss",
    # sampling
    "sample_minibatch": "anchorviz.core.sampling.samplers", "TorchCPUGenerator": "anchorviz.core.sampling.torch_rng",
    # box coding, NMS, predictions
    "CoderSpec": "anchorviz.core.coding.spec", "CODERS": "anchorviz.core.coding.presets",
    "encode": "anchorviz.core.coding.codec", "decode": "anchorviz.core.coding.codec",
    "explain_encode": "anchorviz.core.explain", "explain_decode": "anchorviz.core.explain",
    "nms": "anchorviz.core.nms", "batched_nms": "anchorviz.core.nms",
    "simulate_head": "anchorviz.core.predict", "postprocess": "anchorviz.core.predict",
    "match_to_gt": "anchorviz.core.predict",
    # a whole dataset
    "load_dataset": "anchorviz.dataset.load", "parse_dataset": "anchorviz.dataset.load",
    "dataset_from_arrays": "anchorviz.dataset.load", "BoxDataset": "anchorviz.dataset.load",
    "synthetic_dataset": "anchorviz.dataset.synthetic",
    "dataset_statistics": "anchorviz.dataset.stats",
    "anchor_shapes": "anchorviz.dataset.shapes", "shape_fit": "anchorviz.dataset.shape_fit",
    "positional_fit": "anchorviz.dataset.grid_fit", "AssignerSpec": "anchorviz.dataset.grid_fit",
    "evaluate": "anchorviz.dataset.fit_report", "compare_setups": "anchorviz.dataset.fit_report",
    "tune": "anchorviz.dataset.tune.run",
    "EXPORT_FORMATS": "anchorviz.dataset.export.exporters", "export_config": "anchorviz.dataset.export.exporters",
    "config_from_text": "anchorviz.dataset.export.importers",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """Import a public name's module on first use (PEP 562), so ``import anchorviz`` stays light."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'anchorviz' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
