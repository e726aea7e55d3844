"""Search moves shared by the YOLO optimisers: autoanchor's mutation and evolution loop, a deterministic
polish, and log-grid binning of box shapes (``compress_wh``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.dataset.progress import ProgressFn, StopFn
from anchorviz.dataset.tune.objectives import _primary

__all__ = ["compress_wh"]


def _mutate(k: np.ndarray, rng: np.random.Generator, mp: float = 0.9, s: float = 0.1) -> np.ndarray:
    """autoanchor's mutation: v = clip(1 + (rand < mp) * random() * randn * s, 0.3, 3.0), redrawn while all 1."""
    sh = k.shape
    v = np.ones(sh)
    while (v == 1).all():
        v = ((rng.random(sh) < mp) * rng.random() * rng.standard_normal(sh) * s + 1).clip(0.3, 3.0)
    return (k.copy() * v).clip(min=2.0)


def _evolve(k: np.ndarray, fitness: Callable, gen: int, rng: np.random.Generator, progress: ProgressFn,
            stop: StopFn, lo: float, hi: float, label: str):
    f = fitness(k)
    history = np.empty(gen)
    every = max(1, gen // 100)
    done = gen
    for g in range(gen):
        if g % every == 0:
            if stop():
                done = g
                break
            progress(lo + (hi - lo) * g / gen, f"{label}: generation {g:,} of {gen:,}, fitness {_primary(f):.4f}")
        kg = _mutate(k, rng)
        fg = fitness(kg)
        if fg > f:
            f, k = fg, kg.copy()
        history[g] = _primary(f)
    return k, f, history[:done], done, done < gen


def _sort_area(k: np.ndarray) -> np.ndarray:
    return k[np.argsort(k.prod(axis=1), kind="stable")]


def _polish(k: np.ndarray, fitness: Callable, f, stop: StopFn, steps=(0.04, 0.02, 0.01, 0.005, 0.0025)):
    """Deterministic coordinate search: scale one anchor side by (1 +- step) while that improves."""
    evals = 0
    for step in steps:
        for _ in range(4):
            improved = False
            for i in range(k.shape[0]):
                for d in range(2):
                    for sign in (1.0, -1.0):
                        kg = k.copy()
                        kg[i, d] = max(2.0, kg[i, d] * (1.0 + sign * step))
                        fg = fitness(kg)
                        evals += 1
                        if fg > f:
                            k, f, improved = kg, fg, True
                            break
            if not improved or stop():
                break
    return k, f, evals


def compress_wh(wh, *, resolution: float = 0.01, max_points: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Bin (w, h) on a log grid: returns (representative shapes (P, 2), weights (P,)).

    Each occupied cell of width ``resolution`` in log(w) and log(h) (0.01 = 1 % steps) becomes one shape, the
    mean (w, h) of its members, weighted by their count. With ``max_points`` the step grows by 1.25x until at
    most that many cells are occupied. O(N) time and memory per try.

    Args:
        wh (ndarray[N, 2]): widths and heights > 0.
        resolution: the log-grid step.
        max_points: the most shapes to return, or None.
    """
    x = np.asarray(wh, np.float64).reshape(-1, 2)
    if len(x) == 0:
        return np.zeros((0, 2)), np.zeros(0)
    if (x <= 0).any() or not np.isfinite(x).all():
        raise AnchorVizInputError("compress_wh: widths and heights must be finite and > 0")
    # per column, int32 cell indices: a few N-sized temporaries even for 10M boxes
    lw, lh = np.log(x[:, 0]), np.log(x[:, 1])
    lw -= lw.min()
    lh -= lh.min()
    span = np.array([lw.max(), lh.max()])
    res = float(resolution)
    while True:
        nx, ny = (int(v) for v in np.floor(span / res) + 1)
        if nx * ny <= 16_000_000:
            key = np.floor(lh / res).astype(np.int32)
            key *= np.int32(nx)
            key += np.floor(lw / res).astype(np.int32)
            cnt = np.bincount(key, minlength=nx * ny)
            occ = np.flatnonzero(cnt)
            if max_points is None or len(occ) <= max_points:
                break
        res *= 1.25
    del lw, lh
    sw = np.bincount(key, weights=x[:, 0], minlength=nx * ny)[occ]
    sh = np.bincount(key, weights=x[:, 1], minlength=nx * ny)[occ]
    c = cnt[occ].astype(np.float64)
    return np.stack([sw / c, sh / c], axis=1), c
