"""The fit of a setup to a dataset in one report (shape fit, grid fit, per-level counts, the worst-fitting GTs
and why), and two setups side by side."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.diagnose import GTMatch
from anchorviz.core.fmt import fmt_against
from anchorviz.dataset.grid_fit import (_POSITIVES_CAP, AssignerSpec, PositionalFit, _assign_one, default_assigner,
                                        positional_fit)
from anchorviz.dataset.load import BoxDataset
from anchorviz.dataset.progress import ProgressFn, StopFn
from anchorviz.dataset.shape_fit import ShapeFit, recall_curve, shape_fit
from anchorviz.dataset.shapes import AnchorShapes

__all__ = ["FitReport", "evaluate", "fit_report", "worst_fitting", "Comparison", "compare_setups", "compare_reports"]


def _fmt_ratio(r: float) -> str:
    return f"1:{1 / r:.1f}" if r < 1 else f"{r:.1f}:1"


def _g3(v: float, bound: float) -> str:
    """``v`` to 3 significant digits, or with more decimals where that would read as equal to ``bound``."""
    text = f"{v:.3g}"
    if math.isfinite(v) and (float(text) > bound) - (float(text) < bound) != (v > bound) - (v < bound):
        text = fmt_against(v, bound, digits=3)
    return text


def _why(w: float, h: float, shapes: AnchorShapes) -> str:
    side = math.sqrt(w * h)
    sides = np.sqrt(shapes.wh[:, 0] * shapes.wh[:, 1])
    ratios = shapes.wh[:, 1] / shapes.wh[:, 0]
    reasons = []
    lo_side, hi_side = float(sides.min()), float(sides.max())
    if side < lo_side:
        reasons.append(f"smaller than the smallest anchor (side {fmt_against(side, round(lo_side, 1), digits=1)} px vs "
                       f"{lo_side:.1f} px)")
    elif side > hi_side:
        reasons.append(f"larger than the largest anchor (side {fmt_against(side, round(hi_side, 1), digits=1)} px vs "
                       f"{hi_side:.1f} px)")
    r = h / w if w > 0 else math.inf
    lo, hi = float(ratios.min()), float(ratios.max())
    if r < lo * 0.999 or r > hi * 1.001:
        bound = lo if r < lo else hi
        reasons.append(f"aspect h/w {_g3(r, float(f'{bound:.3g}'))} ({_fmt_ratio(r)}) beyond the anchors' ratios "
                       f"{lo:.3g}..{hi:.3g}")
    if not reasons:
        reasons.append("falls between the anchor sizes / shapes")
    return "; ".join(reasons)


_MATCH_WORDS = {GTMatch.NONE: "none", GTMatch.LOW_QUALITY: "low_quality", GTMatch.THRESHOLD: "threshold"}


def _grid_match(ds: BoxDataset, cfg: AnchorConfig, spec: AssignerSpec, boxes: list[int]) -> dict[int, tuple]:
    """box index -> (``GTMatch``, grid best IoU) from the real assignment of those boxes' images (each image
    assigned once, with all its GTs: a GT competes with its neighbours)."""
    out = {}
    for img in sorted({int(ds.image_index[i]) for i in boxes}):
        idx = ds.box_indices_of(img)
        _, best, _, kind = _assign_one(cfg, (int(ds.input_hw[img, 0]), int(ds.input_hw[img, 1])), ds.boxes[idx], spec)
        out.update({int(i): (GTMatch(int(kd)), float(b)) for i, kd, b in zip(idx, kind, best)})
    return out


def _match_clause(kind: GTMatch, best: float, spec: AssignerSpec) -> str:
    """The grid assignment's verdict, in the words of the Labels page's explanations."""
    if kind == GTMatch.LOW_QUALITY:
        return f"positive only by the low-quality rule: best IoU {fmt_against(best, spec.pos_iou)} < {spec.pos_iou:g}"
    if kind == GTMatch.NONE:
        if spec.kind == "max_iou" and best < spec.pos_iou:
            return f"no positive anchor: best IoU {fmt_against(best, spec.pos_iou)} < {spec.pos_iou:g}"
        return f"no positive anchor (best IoU {best:.2f})"
    return ""


def worst_fitting(ds: BoxDataset, fit: ShapeFit, *, k: int = 20, cfg: AnchorConfig | None = None,
                  assigner: AssignerSpec | None = None) -> list[dict]:
    """The ``k`` GTs with the lowest best shape IoU, as table rows.

    With ``cfg``, the images of those GTs are also assigned on the grid (``assigner``, default the setup's own),
    so a row says when its GT gets no positive anchor, or positives only through the low-quality rule: a weak
    shape fit that the rule hides is the case a summary must not call a success.

    Returns:
        list of dicts: image (name), image_index, box (xyxy network-input px), w, h, best_iou,
        best_anchor ((level name, w, h)), why (a sentence: too small / too large / aspect beyond the ratios /
        between shapes; with ``cfg``, then the grid's verdict: "positive only by the low-quality rule: best IoU
        0.14 < 0.5" or "no positive anchor: ..."). With ``cfg`` also match ("none", "low_quality", "threshold")
        and grid_best_iou. Lowest first; ties by box index.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise AnchorVizInputError(f"k: expected a whole number >= 0, got {k!r}")
    n = len(fit.best_iou)
    if n != len(ds):
        raise AnchorVizInputError(f"worst_fitting: the fit covers {n} boxes but the dataset has {len(ds)}")
    k = min(k, n)
    if k == 0:
        return []
    part = np.argpartition(fit.best_iou, k - 1)[:k] if k < n else np.arange(n)
    part = part[np.lexsort((part, fit.best_iou[part]))]
    spec = (assigner or default_assigner(cfg)) if cfg is not None else None
    grid = _grid_match(ds, cfg, spec, part.tolist()) if cfg is not None else {}
    rows = []
    for i in part.tolist():
        b = ds.boxes[i]
        w, h = float(b[2] - b[0]), float(b[3] - b[1])
        s = int(fit.best_shape[i])
        img = int(ds.image_index[i])
        shapes = fit.shapes  # d2l: the first input size's shapes (its shapes scale with the image)
        aw, ah = (float(v) for v in shapes.wh[min(s, len(shapes) - 1)])
        rows.append({"image": ds.image_names[img], "image_index": img, "box": [round(float(v), 2) for v in b],
                     "w": round(w, 2), "h": round(h, 2), "best_iou": float(fit.best_iou[i]),
                     "best_anchor": (shapes.level_names[int(fit.best_level[i])], round(aw, 2), round(ah, 2)),
                     "why": _why(w, h, shapes)})
        if cfg is not None:
            kind, grid_best = grid[i]
            clause = _match_clause(kind, grid_best, spec)
            rows[-1].update({"why": rows[-1]["why"] + (f"; {clause}" if clause else ""), "match": _MATCH_WORDS[kind],
                             "grid_best_iou": grid_best})
    return rows


@dataclass(frozen=True, kw_only=True, eq=False)
class FitReport:
    """Shape-only and positional fit of one setup on one dataset.

    Attributes:
        config: the setup.
        shape: the shape-only fit.
        positional: the real assignment over the assessed images, or None when not run.
        level_counts_shape: int64 (L,) GTs whose best-IoU anchor shape is on each level.
        level_counts_assigned: int64 (L + 1,) assessed GTs by the level holding most of their positives,
            last entry = GTs without positives; None without a positional fit.
        level_counts_low_quality: int64 (L + 1,) of those, the GTs positive only by the low-quality rule (last
            entry 0); None without a positional fit or with an assigner that has no such rule (YOLOv5, ATSS).
        worst: the worst-fitting GTs (see `worst_fitting`).
    """

    config: AnchorConfig
    shape: ShapeFit
    positional: PositionalFit | None
    level_counts_shape: np.ndarray
    level_counts_assigned: np.ndarray | None
    worst: list = field(default_factory=list)
    level_counts_low_quality: np.ndarray | None = None

    def rows(self) -> list[tuple[str, float | int | str]]:
        """The metrics table: (metric, value) rows, in a fixed order."""
        s = self.shape
        out: list[tuple[str, float | int | str]] = [
            ("anchor shapes", len(s.shapes)),
            ("mean best IoU (shape)", s.mean_best_iou),
            *([(f"GTs with best IoU >= {s.iou_thr:g} (shape)", s.bpr_iou)] if s.iou_thr not in (0.3, 0.5, 0.7) else []),
            ("GTs with best IoU >= 0.3 (shape)", _at(s, 0.3)),
            ("GTs with best IoU >= 0.5 (shape)", _at(s, 0.5)),
            ("GTs with best IoU >= 0.7 (shape)", _at(s, 0.7)),
            (f"YOLOv5 BPR (anchor_t {s.anchor_t:g})", s.yolo.bpr),
            ("YOLOv5 anchors above threshold", s.yolo.aat),
            ("YOLOv5 fitness", s.yolo.fitness),
        ]
        p = self.positional
        if p is not None:
            extra = f", {len(p.images):,} of {p.n_images_with_boxes:,} images" if p.sampled else ""
            out += [
                (f"assigner{extra}", p.assigner),
                ("GTs with >= 1 positive (grid)", p.with_positive_share()),
                ("GTs with 0 positives (grid)", p.zero_positive_fraction),
                # "—" where the assigner has no low-quality rule (YOLOv5, ATSS): the rows of two setups line up
                ("GTs positive only by the low-quality rule (grid)",
                 p.low_quality_only_fraction if p.kind is not None else "—"),
                ("mean positives per GT (grid)", float(p.positives.mean()) if len(p.positives) else 0.0),
                ("mean best IoU (grid)", float(p.grid_best_iou.mean()) if len(p.grid_best_iou) else 0.0),
            ]
        return out


def _at(s: ShapeFit, t: float) -> float:
    return float((s.best_iou >= t).mean())


def evaluate(ds: BoxDataset, cfg: AnchorConfig, *, anchor_t: float = 4.0, iou_thr: float = 0.5,
             assigner: AssignerSpec | None = None, positional: bool = True, max_images: int | None = 500,
             seed: int = 0, worst_k: int = 20, on_progress: ProgressFn | None = None,
             should_stop: StopFn | None = None) -> FitReport:
    """Shape fit, positional fit (optional) and the worst GTs of ``cfg`` on ``ds``.

    Args:
        ds: the dataset.
        cfg: the setup.
        anchor_t, iou_thr: see `shape_fit`.
        assigner, max_images, seed, on_progress, should_stop: see `positional_fit`.
        positional: run the (slower) real assignment on the grid.
        worst_k: rows of the worst-fitting table.
    """
    sf = shape_fit(ds, cfg, anchor_t=anchor_t, iou_thr=iou_thr)
    pf = None
    if positional:
        pf = positional_fit(ds, cfg, assigner=assigner, max_images=max_images, seed=seed,
                            on_progress=on_progress, should_stop=should_stop)
    return fit_report(ds, cfg, sf, pf, worst_k=worst_k, assigner=assigner)


def fit_report(ds: BoxDataset, cfg: AnchorConfig, sf: ShapeFit, pf: PositionalFit | None, *,
               worst_k: int = 20, assigner: AssignerSpec | None = None, worst: list | None = None) -> FitReport:
    """A FitReport from a shape fit and a positional fit computed apart (the app caches each on its own inputs:
    the shape fit does not depend on the image sample, the positional fit not on the IoU threshold).

    With a positional fit, the worst GTs also get the grid's verdict (no positive / low-quality only) under
    ``assigner`` (default the setup's own), the assigner that fit used. ``worst``: those rows computed apart
    (`worst_fitting` with ``cfg``): they depend on neither the IoU threshold nor the image sample, so the app
    keeps them over a change of either instead of assigning their images again."""
    nl = len(cfg.levels)
    by_shape = np.bincount(sf.best_level, minlength=nl).astype(np.int64)
    by_assign = by_lq = None
    if pf is not None:
        lv = np.where(pf.level < 0, nl, pf.level)
        by_assign = np.bincount(lv, minlength=nl + 1).astype(np.int64)
        if pf.kind is not None:
            by_lq = np.bincount(lv[pf.kind == GTMatch.LOW_QUALITY], minlength=nl + 1).astype(np.int64)
    return FitReport(config=cfg, shape=sf, positional=pf, level_counts_shape=by_shape,
                     level_counts_assigned=by_assign, level_counts_low_quality=by_lq,
                     worst=worst if worst is not None else
                     worst_fitting(ds, sf, k=worst_k, cfg=cfg if pf is not None else None, assigner=assigner))


@dataclass(frozen=True, kw_only=True, eq=False)
class Comparison:
    """Two setups on the same dataset.

    Attributes:
        names: the two setups' names.
        reports: the two FitReports.
        rows: [{"metric", names[0], names[1], "delta"}] (delta is b - a for numbers, "" otherwise).
        curves: {"recall_vs_iou": {"x": thresholds, names[0]: recall, names[1]: recall},
                 "positives_per_gt": {"x": 0..CAP, names[0]: counts, names[1]: counts}} (the second only with
                 positional fits).
    """

    names: tuple[str, str]
    reports: tuple[FitReport, FitReport]
    rows: list
    curves: dict


def compare_setups(ds: BoxDataset, cfg_a: AnchorConfig, cfg_b: AnchorConfig, *,
                   names: tuple[str, str] = ("before", "after"), **kwargs) -> Comparison:
    """Evaluate two setups on the same dataset (same image sample) and line them up.

    Args:
        ds: the dataset.
        cfg_a, cfg_b: the setups (e.g. before/after tuning, or two libraries' defaults).
        names: column names.
        **kwargs: passed to `evaluate` (assigner, positional, max_images, seed, ...). The assigner defaults
            to each setup's own (`default_assigner`).
    """
    a_name, b_name = names
    if a_name == b_name:
        raise AnchorVizInputError(f"names: expected two different names, got {names!r}")
    return compare_reports(evaluate(ds, cfg_a, **kwargs), evaluate(ds, cfg_b, **kwargs), names=names)


def compare_reports(ra: FitReport, rb: FitReport, *, names: tuple[str, str] = ("before", "after")) -> Comparison:
    """Line up two FitReports of the same dataset (see `compare_setups`; the app passes reports it already has)."""
    a_name, b_name = names
    if a_name == b_name:
        raise AnchorVizInputError(f"names: expected two different names, got {names!r}")
    rows = []
    for (metric, va), (_, vb) in zip(ra.rows(), rb.rows()):
        num = isinstance(va, (int, float)) and isinstance(vb, (int, float))
        rows.append({"metric": metric, a_name: va, b_name: vb, "delta": (vb - va) if num else ""})
    curves = {"recall_vs_iou": {"x": ra.shape.thresholds, a_name: ra.shape.recall, b_name: rb.shape.recall}}
    if ra.positional is not None and rb.positional is not None:
        curves["positives_per_gt"] = {"x": np.arange(_POSITIVES_CAP + 1), a_name: ra.positional.positives_hist,
                                      b_name: rb.positional.positives_hist}
        curves["recall_vs_iou_grid"] = {"x": ra.shape.thresholds,
                                        a_name: recall_curve(ra.positional.grid_best_iou, ra.shape.thresholds),
                                        b_name: recall_curve(rb.positional.grid_best_iou, rb.shape.thresholds)}
    return Comparison(names=(a_name, b_name), reports=(ra, rb), rows=rows, curves=curves)
