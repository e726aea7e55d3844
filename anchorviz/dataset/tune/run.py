"""``tune``: one entry point for any setup (YOLO pixel anchors or a size-based generator)."""

from __future__ import annotations

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.dataset.grid_fit import AssignerSpec
from anchorviz.dataset.load import BoxDataset
from anchorviz.dataset.progress import ProgressFn, StopFn
from anchorviz.dataset.tune.generator import tune_generator
from anchorviz.dataset.tune.results import OBJECTIVES, TuneResult, _check_count
from anchorviz.dataset.tune.yolo import tune_yolo

__all__ = ["tune"]


def tune(ds: BoxDataset, template: AnchorConfig, *, objective: str = "fitness", k: int | None = None,
         n_scales: int | None = None, n_ratios: int | None = None, anchor_t: float = 4.0, iou_thr: float = 0.5,
         gen: int = 1000, assigner: AssignerSpec | None = None, max_images: int = 64,
         max_evals: int | None = None, seed: int = 0, method: str = "fast", on_progress: ProgressFn | None = None,
         should_stop: StopFn | None = None) -> TuneResult:
    """Tune any setup: `tune_yolo` for yolov5 templates, `tune_generator` for the size-based libraries.

    For generators, ``k`` (anchors per location) may replace ``n_scales``: n_scales = k / n_ratios. The
    objective "fitness" means YOLOv5's fitness for YOLO and mean best IoU for generators. ``method`` chooses
    the YOLO optimiser (see `tune_yolo`).
    """
    if objective not in OBJECTIVES:
        raise AnchorVizInputError(f"objective: expected one of {', '.join(OBJECTIVES)}, got {objective!r}")
    if template.convention == "yolov5":
        return tune_yolo(ds, template, k=k, objective=objective, anchor_t=anchor_t, gen=gen, seed=seed, method=method,
                         on_progress=on_progress, should_stop=should_stop)
    if k is not None:
        k = _check_count(k, "k")
        nr = n_ratios if n_ratios is not None else len(template.levels[0].ratios)
        if n_scales is None:
            if k % nr:
                raise AnchorVizInputError(f"k = {k} anchors per location is not a multiple of {nr} ratios; "
                                          "give the number of scales and ratios instead")
            n_scales = k // nr
        elif n_scales * nr != k:
            raise AnchorVizInputError(f"k = {k} but {n_scales} scales x {nr} ratios = {n_scales * nr}")
        n_ratios = nr
    return tune_generator(ds, template, objective=objective, n_scales=n_scales, n_ratios=n_ratios,
                          iou_thr=iou_thr, assigner=assigner, max_images=max_images, max_evals=max_evals, seed=seed,
                          on_progress=on_progress, should_stop=should_stop)
