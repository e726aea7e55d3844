"""Size x scale x ratio generators (torchvision, mmdet, mmdet_v1, detectron2, keras_retinanet): shared scales and
ratios searched in log space, sizes tied to the strides as the library ties them (see the package docstring)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.dataset.grid_fit import AssignerSpec, default_assigner, positional_fit
from anchorviz.dataset.load import BoxDataset
from anchorviz.dataset.progress import ProgressFn, StopFn, _never, _noop_progress
from anchorviz.dataset.shapes import anchor_shapes
from anchorviz.dataset.tune.evolve import compress_wh
from anchorviz.dataset.tune.objectives import _LogShapes, _primary
from anchorviz.dataset.tune.results import GENERATOR_CONVENTIONS, TuneResult, _as_wh, _check_count, _check_seed

__all__ = ["tune_generator"]


def _default_scales(n: int) -> np.ndarray:
    return 2.0 ** (np.arange(n) / n)


def _default_ratios(n: int) -> np.ndarray:
    if n == 1:
        return np.ones(1)
    return 2.0 ** np.linspace(-1, 1, n) if n <= 3 else 4.0 ** np.linspace(-1, 1, n)


class _Space:
    """Maps log(scales) ++ log(ratios) to an AnchorConfig the way the library ties sizes to strides."""

    def __init__(self, template: AnchorConfig, n_scales: int, n_ratios: int) -> None:
        conv = template.convention
        if conv not in GENERATOR_CONVENTIONS:
            raise AnchorVizInputError(
                f"tune_generator: expected one of {', '.join(GENERATOR_CONVENTIONS)}, got {conv!r} "
                "(YOLO anchors: use tune_yolo; SSD and d2l sizes are not a scale x ratio grid)")
        self.template, self.conv = template, conv
        self.ns, self.nr = n_scales, n_ratios
        lv0 = template.levels[0]
        if conv in ("torchvision", "detectron2"):
            self.bases = [lv.sizes[0] for lv in template.levels]
            rel = np.array(lv0.sizes, np.float64) / lv0.sizes[0]
        else:
            rel = np.array(lv0.scales, np.float64)
        s0 = rel if len(rel) == n_scales else (rel[0] if len(rel) else 1.0) * _default_scales(n_scales)
        r0 = np.array(lv0.ratios, np.float64)
        r0 = r0 if len(r0) == n_ratios else _default_ratios(n_ratios)
        # scales as (log of the smallest, log gaps between neighbours): one coordinate shifts them all, which
        # is the move a shared-scale grid needs (moving one scale alone breaks its spacing)
        ls = np.log(np.sort(s0))
        self.x0 = np.concatenate([ls[:1], np.diff(ls), np.log(np.sort(r0))])
        self.lo = np.concatenate([self.x0[:1] - math.log(16), np.zeros(n_scales - 1), np.full(n_ratios, -math.log(16))])
        self.hi = np.concatenate([self.x0[:1] + math.log(16), np.full(n_scales - 1, math.log(4)),
                                  np.full(n_ratios, math.log(16))])

    def config(self, x: np.ndarray, *, decimals: int | None = None) -> AnchorConfig:
        s = np.exp(np.cumsum(x[:self.ns]))
        r = np.sort(np.exp(x[self.ns:]))
        if decimals is not None:
            s, r = np.round(s, decimals), np.round(r, decimals)
            s, r = np.maximum(s, 10.0 ** -decimals), np.maximum(r, 10.0 ** -decimals)
        ratios = tuple(float(v) for v in r)
        levels = []
        for i, lv in enumerate(self.template.levels):
            if self.conv == "torchvision":
                sizes = tuple(max(1, int(self.bases[i] * v)) for v in s)
                levels.append(replace(lv, sizes=sizes, ratios=ratios))
            elif self.conv == "detectron2":
                levels.append(replace(lv, sizes=tuple(float(self.bases[i] * v) for v in s), ratios=ratios))
            else:
                levels.append(replace(lv, scales=tuple(float(v) for v in s), ratios=ratios))
        return replace(self.template, levels=tuple(levels))


def _shape_objective(objective: str, shapes: _LogShapes, iou_thr: float):

    def f(cfg: AnchorConfig):
        mean, share = shapes.mean_iou_bpr(anchor_shapes(cfg).wh, iou_thr)
        return mean if objective == "mean_iou" else (share, mean)

    return f


def tune_generator(ds: BoxDataset, template: AnchorConfig, *, objective: str = "mean_iou",
                   n_scales: int | None = None, n_ratios: int | None = None, iou_thr: float = 0.5,
                   assigner: AssignerSpec | None = None, max_images: int = 64, max_evals: int | None = None,
                   seed: int = 0, on_progress: ProgressFn | None = None,
                   should_stop: StopFn | None = None) -> TuneResult:
    """Search shared scales and ratios of a size-based generator (see the module docstring).

    Args:
        ds: the dataset (its boxes in network-input pixels).
        template: the starting setup (its levels, strides and per-level bases are kept).
        objective: "mean_iou", "bpr" (share with best shape IoU >= iou_thr) or "positives" (share of GTs
            with >= 1 positive under ``assigner`` on the grid, on a seeded sample of ``max_images`` images).
        n_scales, n_ratios: how many scales and ratios (default: as in the template's first level).
        iou_thr: threshold of "bpr".
        assigner: the assigner of "positives" (default: max-IoU 0.5/0.4 with the library's low-quality rule).
        max_images: image sample of "positives".
        max_evals: objective evaluations (default 400 for shape objectives, 40 for "positives").
        seed: seeds the search order, the mutations and the image sample.
        on_progress, should_stop: progress callback and cancel check.

    Raises:
        AnchorVizInputError: a convention without a scale x ratio grid, an unknown objective, bad counts.
    """
    if objective == "fitness":
        objective = "mean_iou"
    if objective not in ("mean_iou", "bpr", "positives"):
        raise AnchorVizInputError(f"objective: expected mean_iou, bpr or positives, got {objective!r}")
    seed = _check_seed(seed)
    lv0 = template.levels[0]
    n_s0 = len(lv0.sizes) if template.convention in ("torchvision", "detectron2") else len(lv0.scales)
    ns = _check_count(n_scales if n_scales is not None else n_s0, "n_scales")
    nr = _check_count(n_ratios if n_ratios is not None else len(lv0.ratios), "n_ratios")
    space = _Space(template, ns, nr)
    progress, stop = on_progress or _noop_progress, should_stop or _never
    rng = np.random.default_rng(seed)
    notes = []
    if objective == "positives":
        spec = assigner or default_assigner(template)
        images = ds.sample_images(max_images, seed=seed)
        if len(images) == 0:
            raise AnchorVizInputError("tune: the dataset has no image with boxes")
        budget = 40 if max_evals is None else _check_count(max_evals, "max_evals")
        notes.append(f"objective 'positives' ({spec.describe(template.convention)}) measured on "
                     f"{len(images):,} of {int((ds.boxes_per_image() > 0).sum()):,} images (seeded sample), "
                     f"{budget} evaluations: the real assignment is expensive.")

        def value(cfg):
            pf = positional_fit(ds, cfg, assigner=spec, images=images)
            return (pf.with_positive_share(), float(pf.grid_best_iou.mean()))
    else:
        budget = 400 if max_evals is None else _check_count(max_evals, "max_evals")
        wh = ds.wh if isinstance(ds, BoxDataset) else _as_wh(ds)
        pts, wts = compress_wh(wh[(wh > 0).all(axis=1)], max_points=30_000)
        value = _shape_objective(objective, _LogShapes(pts, wts), iou_thr)
        notes.append(f"objective '{objective}' on {len(wh):,} boxes (log-binned into {len(pts):,} shapes).")

    evals = 0
    history = []

    def ev(x):
        nonlocal evals
        evals += 1
        v = value(space.config(x))
        return v

    x = space.x0.copy()
    f = ev(x)
    history.append(_primary(f))
    cancelled = False
    dim = len(x)
    # 1. scan the overall size: shared scales on a stride ladder make the objective periodic in it
    shifts = np.log(2.0) * np.arange(-24, 25) / 12  # +-2 octaves in 1/12-octave steps, nearest first
    for shift in shifts[np.argsort(np.abs(shifts), kind="stable")]:
        if shift == 0 or evals >= budget // 3:
            continue
        if stop():
            cancelled = True
            break
        y = x.copy()
        y[0] = np.clip(space.x0[0] + shift, space.lo[0], space.hi[0])
        fy = ev(y)
        if fy > f:
            x, f = y, fy
        history.append(_primary(f))
        progress(min(evals / budget, 1.0) * 0.95, f"scanning sizes: {evals} of {budget} evaluations, "
                                                  f"{objective} {_primary(f):.4f}")
    # 2. coordinate search with shrinking steps
    step = 0.3
    while evals < budget and step >= 0.01 and not cancelled:
        improved = False
        for i in rng.permutation(dim):
            for d in (step, -step):
                if evals >= budget:
                    break
                if stop():
                    cancelled = True
                    break
                y = x.copy()
                y[i] = np.clip(y[i] + d, space.lo[i], space.hi[i])
                if y[i] == x[i]:
                    continue
                fy = ev(y)
                accepted = fy > f
                if accepted:
                    x, f, improved = y, fy, True
                history.append(_primary(f))
                progress(min(evals / budget, 1.0) * 0.95, f"searching scales and ratios: {evals} of {budget} "
                                                          f"evaluations, {objective} {_primary(f):.4f}")
                if accepted:
                    break  # this coordinate moved; the opposite direction cannot be better from here
            if cancelled:
                break
        if not improved:
            step /= 2
    while evals < budget and not cancelled:  # 3. seeded random mutations for the rest of the budget
        if stop():
            cancelled = True
            break
        y = np.clip(x + (rng.random(dim) < 0.5) * rng.standard_normal(dim) * 0.05, space.lo, space.hi)
        fy = ev(y)
        if fy > f:
            x, f = y, fy
        history.append(_primary(f))
        progress(min(evals / budget, 1.0) * 0.95, f"refining: {evals} of {budget} evaluations, {objective} {_primary(f):.4f}")
    cfg = space.config(x, decimals=4)
    before = _primary(value(template))
    after = _primary(value(cfg))
    if after < before:  # rounding or a template off the search grid: never hand back a worse setup
        cfg, after = template, before
        notes.append("no setup better than the template was found; the template is returned.")
    notes.append("scales and ratios rounded to 4 decimals.")
    progress(1.0, "done")
    return TuneResult(config=cfg, start=template, objective=objective, before=before, after=after,
                      history=np.array(history), evaluations=evals + 2, seed=seed, cancelled=cancelled,
                      notes=tuple(notes))
