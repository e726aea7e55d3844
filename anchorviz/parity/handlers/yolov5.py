"""YOLOv5: autoanchor's metrics (``check_anchors``' and ``kmean_anchors``' closures), ``kmean_anchors`` (skipped:
it depends on scipy's k-means and NumPy's global random stream), and the model's anchors on the grid
(``Detect._make_grid``) and their order check (``check_anchor_order``)."""

from __future__ import annotations

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.fit import yolo_fit
from anchorviz.parity.golden import CaseError, Skip, as_array
from anchorviz.parity.handlers.common import NO_LIMIT

__all__ = ["HANDLERS"]


def _metric(p: dict, inp: dict, ctx: dict) -> dict:
    """``check_anchors.<locals>.metric(k)`` and ``kmean_anchors``' ``metric`` / ``anchor_fitness``."""
    f = yolo_fit(as_array(inp["wh"]), as_array(inp["anchors"]), thr=float(p.get("thr", 4.0)))
    return {"bpr": f.bpr, "aat": f.aat, "x_ratio_metric": f.x, "best_x": f.best, "fitness": f.fitness,
            "metric_all_mean": f.metric_all_mean, "best_mean": f.best_mean}


def _kmean_metric(p: dict, inp: dict, ctx: dict) -> dict:
    out = _metric(p, inp, ctx)
    if "n" in p:  # autoanchor's print_results: aat = mean(x > 1/thr) * n
        thr = np.float32(1.0 / float(p.get("thr", 4.0)))
        x = np.asarray(out["x_ratio_metric"], np.float32)
        out["aat"] = float((x > thr).astype(np.float32).mean(dtype=np.float32) * np.float32(p["n"]))
    return out


def _kmeans(p: dict, inp: dict, ctx: dict) -> dict:
    raise Skip("output depends on scipy.cluster.vq.kmeans and NumPy's global random stream (YOLOv5 autoanchor)")


def _levels(p: dict) -> list[LevelSpec]:
    """The model yaml's ``anchors`` (one row of w,h pixel pairs per level, flat or paired) with their strides."""
    rows = p["anchors"]
    strides = p.get("strides", p.get("stride"))
    if strides is None or len(strides) != len(rows):
        raise CaseError(f"expected one stride per anchor row ({len(rows)}), got {strides!r}")
    levels = []
    for row, s in zip(rows, strides):
        vals = as_array(row).reshape(-1)
        if len(vals) % 2:
            raise CaseError(f"anchors: expected w,h pairs, got {len(vals)} numbers")
        levels.append(LevelSpec(stride=float(s), wh=tuple(zip(vals[0::2], vals[1::2]))))
    return levels


def _make_grid(p: dict, inp: dict, ctx: dict) -> dict:
    """``Detect._make_grid(nx=20, ny=20, i=0)``: ``grid`` (1, na, ny, nx, 2) holds (x - 0.5, y - 0.5), the cell
    whose decoded centre (2 sigmoid - 0.5 + grid) * stride is (x + 0.5) * stride at sigmoid 0.5; ``anchor_grid``
    the level's anchors in pixels. Both come from the app's YOLOv5 anchors on an ny x nx grid."""
    levels = _levels(p)
    i, nx, ny = int(p.get("i", 0)), int(p.get("nx", 20)), int(p.get("ny", 20))
    if not 0 <= i < len(levels):
        raise CaseError(f"i = {i}: the model has {len(levels)} detection layers")
    cfg = AnchorConfig(convention="yolov5", levels=(levels[i],), max_anchors=NO_LIMIT)
    aset = generate_anchors(cfg, (1, 1), feature_hws=((ny, nx),))
    g = aset.levels[0]
    na = g.num_shapes
    stride = np.array([g.stride_hw[1], g.stride_hw[0]])
    centres = aset.centres().reshape(ny, nx, na, 2)[:, :, 0, :]  # every shape of a cell shares its centre
    grid = (centres / stride - 1.0).astype(np.float32)  # (x + 0.5) - 1 = x - 0.5
    grid = np.broadcast_to(grid[None, None], (1, na, ny, nx, 2))
    anchor_grid = np.broadcast_to(g.shapes_wh.astype(np.float32)[None, :, None, None, :], (1, na, ny, nx, 2))
    return {"grid": grid, "anchor_grid": anchor_grid}


def _check_anchor_order(p: dict, inp: dict, ctx: dict) -> dict:
    """``check_anchor_order(m)``: the anchor rows reversed when their mean area per layer does not grow with the
    stride (areas compared in grid units, anchors / stride, as the model stores them)."""
    levels = _levels(p)
    strides = np.array([lv.stride_wh[0] for lv in levels], np.float32)
    wh = [np.asarray(lv.wh, np.float32) / s for lv, s in zip(levels, strides)]
    a = np.array([w.prod(-1).mean(-1) for w in wh], np.float32)
    da, ds = a[-1] - a[0], strides[-1] - strides[0]
    flipped = bool(da and np.sign(da) != np.sign(ds))
    rows = [np.asarray(lv.wh, np.float64).reshape(-1) for lv in levels]
    return {"anchors": rows[::-1] if flipped else rows, "flipped": flipped}


HANDLERS = {
    ("yolov5", "check_anchors.<locals>.metric"): _metric,
    ("yolov5", "kmean_anchors.<locals>.metric / anchor_fitness"): _kmean_metric,
    ("yolov5", "kmean_anchors"): _kmeans,
    ("yolov5", "Detect._make_grid"): _make_grid,
    ("yolov5", "check_anchor_order"): _check_anchor_order,
}
