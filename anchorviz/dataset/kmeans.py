"""Clustering box shapes: scipy-style whitened k-means (YOLOv5's), and k-means with the 1 - IoU distance.

* `vq_kmeans` is ``scipy.cluster.vq.kmeans(obs, k, iter=30, thresh=1e-5)`` for an integer ``k``, in NumPy
  (SciPy is not a runtime dependency): ``iter`` restarts, each from ``k`` distinct observations drawn at
  random, Lloyd iterations (Euclidean distance) until the mean distance changes by at most ``thresh``,
  clusters that lose all members dropped; the code book with the lowest mean distance wins. It is what
  YOLOv5's autoanchor runs on whitened (w, h).
* `iou_kmeans` clusters (w, h) with the distance 1 - IoU of boxes placed at a common centre (YOLOv2's
  "dimension clusters"), k-means++ seeding, optional weights (for pre-binned data), several restarts.

Both take a ``numpy.random.Generator``: same seed, same result.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from anchorviz.core.errors import AnchorVizInputError

__all__ = ["vq", "vq_kmeans", "iou_kmeans", "shape_iou_matrix"]


def vq(obs: np.ndarray, book: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest code of each observation (Euclidean), as ``scipy.cluster.vq.vq``.

    Args:
        obs (ndarray[N, D]): observations.
        book (ndarray[K, D]): code book, same dtype.

    Returns:
        (codes int64 (N,), distances (N,) in obs' dtype). Ties go to the lower code index.
    """
    n = len(obs)
    cols = [np.ascontiguousarray(obs[:, c]) for c in range(obs.shape[1])]
    best = np.full(n, np.inf, obs.dtype)
    d2 = np.empty(n, obs.dtype)
    diff = np.empty(n, obs.dtype)
    better = np.empty(n, bool)
    code = np.zeros(n, np.int64)
    for j in range(len(book)):  # one centroid at a time, every op in place
        d2.fill(0)
        for c, col in enumerate(cols):
            np.subtract(col, book[j, c], out=diff)
            np.multiply(diff, diff, out=diff)
            np.add(d2, diff, out=d2)
        np.less(d2, best, out=better)
        code[better] = j
        np.minimum(best, d2, out=best)
    return code, np.sqrt(best)


def _lloyd(obs: np.ndarray, book: np.ndarray, thresh: float) -> tuple[np.ndarray, float]:
    """scipy.cluster.vq._kmeans: iterate until |change of mean distance| <= thresh."""
    diff = np.inf
    prev = deque([diff], maxlen=2)
    d = obs.shape[1]
    while diff > thresh:
        code, dist = vq(obs, book)
        prev.append(float(dist.mean(dtype=obs.dtype)))
        nc = len(book)
        counts = np.bincount(code, minlength=nc)
        sums = np.stack([np.bincount(code, weights=obs[:, c], minlength=nc) for c in range(d)], axis=1)
        has = counts > 0
        book = (sums[has] / counts[has, None]).astype(obs.dtype)
        diff = abs(prev[0] - prev[1])
    return book, prev[1]


def vq_kmeans(obs, k: int, *, rng: np.random.Generator, iter: int = 30, thresh: float = 1e-5,
              should_stop=None) -> tuple[np.ndarray, float]:
    """``scipy.cluster.vq.kmeans(obs, k, iter, thresh)`` with an integer k (see the module docstring).

    Args:
        obs (ndarray[N, D]): observations (YOLOv5 passes whitened float32 (w, h)).
        k: number of clusters (<= N).
        rng: the random generator (scipy uses its own ``rng``/global state: streams differ).
        iter: restarts.
        thresh: convergence threshold on the mean distance.
        should_stop: polled between restarts; when True the best code book so far is returned.

    Returns:
        (code book (k', D) in obs' dtype, its mean distance). k' < k when clusters emptied, as in scipy.
    """
    obs = np.asarray(obs)
    if obs.ndim != 2 or len(obs) < k or k < 1:
        raise AnchorVizInputError(f"k-means: expected at least k = {k} observations, got {len(obs)}")
    best_book, best = None, np.inf
    for _ in range(int(iter)):
        guess = obs[rng.choice(len(obs), size=int(k), replace=False)]
        book, dist = _lloyd(obs, guess, thresh)
        if dist < best:
            best_book, best = book, dist
        if should_stop is not None and should_stop():
            break
    return best_book, float(best)


def shape_iou_matrix(wh: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """IoU [N, K] of (w, h) boxes and (w, h) centres placed at a common centre (all sides > 0)."""
    inter = np.minimum(wh[:, None, 0], centres[None, :, 0]) * np.minimum(wh[:, None, 1], centres[None, :, 1])
    union = (wh[:, 0] * wh[:, 1])[:, None] + (centres[:, 0] * centres[:, 1])[None, :] - inter
    return inter / union


def _kpp(wh: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding with d = 1 - IoU: the next centre is drawn with probability ~ weight * d^2."""
    p = weights / weights.sum()
    centres = [wh[rng.choice(len(wh), p=p)]]
    d = 1.0 - shape_iou_matrix(wh, np.array(centres))[:, 0]
    for _ in range(1, k):
        q = weights * d * d
        tot = q.sum()
        j = rng.choice(len(wh), p=q / tot) if tot > 0 else rng.choice(len(wh), p=p)
        centres.append(wh[j])
        d = np.minimum(d, 1.0 - shape_iou_matrix(wh, wh[j:j + 1])[:, 0])
    return np.array(centres, np.float64)


def iou_kmeans(wh, k: int, *, rng: np.random.Generator, weights=None, n_init: int = 3,
               max_iter: int = 300) -> tuple[np.ndarray, float]:
    """k-means of box shapes with the distance 1 - IoU (boxes at a common centre), k-means++ seeded.

    Each iteration assigns every shape to the centre of highest IoU, then moves each centre to the
    (weighted) mean width and height of its members; an emptied centre jumps to the worst-fitting shape.
    It stops when no assignment changes.

    Args:
        wh (ndarray[N, 2]): widths and heights > 0.
        k: number of clusters (<= number of distinct shapes).
        rng: the random generator.
        weights (ndarray[N]): optional weights (e.g. counts of pre-binned shapes).
        n_init: restarts; the one with the highest weighted mean IoU wins.
        max_iter: iterations per restart.

    Returns:
        (centres float64 (k, 2) sorted by area, weighted mean best IoU).
    """
    x = np.asarray(wh, np.float64).reshape(-1, 2)
    if len(x) < k or k < 1:
        raise AnchorVizInputError(f"k-means: expected at least k = {k} box shapes, got {len(x)}")
    if not np.isfinite(x).all() or (x <= 0).any():
        raise AnchorVizInputError("k-means: box widths and heights must be finite and > 0")
    w = np.ones(len(x)) if weights is None else np.asarray(weights, np.float64).reshape(-1)
    best_c, best_score = None, -1.0
    for _ in range(max(1, int(n_init))):
        c = _kpp(x, w, k, rng)
        assign = None
        for _ in range(int(max_iter)):
            iou = shape_iou_matrix(x, c)
            new = iou.argmax(axis=1)
            if assign is not None and np.array_equal(new, assign):
                break
            assign = new
            tot = np.bincount(assign, weights=w, minlength=k)
            sw = np.bincount(assign, weights=w * x[:, 0], minlength=k)
            sh = np.bincount(assign, weights=w * x[:, 1], minlength=k)
            has = tot > 0
            c[has, 0] = sw[has] / tot[has]
            c[has, 1] = sh[has] / tot[has]
            if not has.all():
                worst = np.argsort(iou[np.arange(len(x)), assign])
                c[~has] = x[worst[: int((~has).sum())]]
        score = float((shape_iou_matrix(x, c).max(axis=1) * w).sum() / w.sum())
        if score > best_score:
            best_c, best_score = c.copy(), score
    order = np.argsort(best_c[:, 0] * best_c[:, 1], kind="stable")
    return best_c[order], best_score
