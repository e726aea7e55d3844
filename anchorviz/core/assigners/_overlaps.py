"""The box overlaps and classification costs the point assigners use, in float32 and in each library's order of
operations.

The assigners' decisions (top-k, minimum cost, argmax) are made on float32 values; two libraries' formulas for the
"same" IoU differ in eps and in what a degenerate box gives, so each has its own function here:

* ``mmdet_iou``: mmdet ``bbox_overlaps`` (union clamped at 1e-6, so 0-area boxes give 0);
* ``yolox_iou_cxcywh``: YOLOX ``bboxes_iou(xyxy=False)``: no eps (0/0 gives NaN), ``-0.0`` where boxes miss;
* ``ultralytics_ciou``: ultralytics ``bbox_iou(xywh=False, CIoU=True)`` with eps 1e-7, then clamped at 0;
* ``bce_onehot_cost``: sum over classes of ``F.binary_cross_entropy(p, one_hot)``, log clamped at -100;
* ``soft_bce_cost``: RTMDet's quality-focal-style cost on logits with a soft (IoU) target.

Only + - * / and comparisons are bit-exact against torch; exp/log/atan/pow may differ by an ulp, which moves
costs by about 1e-7 relative (the parity tolerance is 1e-6).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["f32", "strictly_inside", "inside_squares", "any_per_row", "mmdet_iou", "yolox_iou_cxcywh", "ultralytics_ciou",
           "bce_onehot_cost", "soft_bce_cost",
           "sigmoid32", "log_sigmoid32"]

F = np.float32


def f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def strictly_inside(points: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """bool [N, M]: min(x - x1, y - y1, x2 - x, y2 - y) > 0 in float32, as the libraries test it.

    For floats a - b > 0 exactly when a > b (gradual underflow), so four comparisons give the same answer as the
    four subtractions, without building the [N, M, 4] differences.
    """
    x, y = points[:, 0:1], points[:, 1:2]
    out = x > lo[None, :, 0]
    out &= y > lo[None, :, 1]
    out &= x < hi[None, :, 0]
    out &= y < hi[None, :, 1]
    return out


def inside_squares(points: np.ndarray, strides: np.ndarray, centres: np.ndarray, radius: float) -> np.ndarray:
    """bool [N, M]: the point is strictly inside the square centre -+ radius * stride of each GT, with the square's
    sides rounded to float32 first (``cx - radius * stride`` etc.), as every library computes them. One pass per
    distinct stride, so no [N, M] float array is built."""
    out = np.zeros((len(points), len(centres)), bool)
    for st in np.unique(strides):
        rows = np.flatnonzero(strides == st)
        if rows[-1] - rows[0] + 1 == len(rows):  # one level's points are one run of rows: slices, not gathers
            rows = slice(int(rows[0]), int(rows[-1]) + 1)
        r = F(radius) * F(st)
        out[rows] = strictly_inside(points[rows], centres - r, centres + r)
    return out


def any_per_row(mask: np.ndarray) -> np.ndarray:
    """bool [N]: ``mask.any(axis=1)`` for a bool [N, M] mask, as a float32 row sum (exact: a count of at most M
    ones); about 3x faster than NumPy's reduction along a short last axis."""
    return np.einsum("ij->i", mask.astype(np.float32)) > 0


_ROWS = 256  # rows per block in the [K, M] / [K, C] kernels: their temporaries then stay in cache


def _by_rows(kernel, n: int, m: int, *arrays):
    """out [n, m] float32 filled block by block: kernel(*(a[rows] for a in arrays)) for each block of rows."""
    out = np.empty((n, m), np.float32)
    for i in range(0, n, _ROWS):
        rows = slice(i, min(i + _ROWS, n))
        out[rows] = kernel(*(a[rows] for a in arrays))
    return out


def mmdet_iou(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """mmdet ``bbox_overlaps(pred, gt)`` [K, M] float32, union clamped at 1e-6."""
    p, g = f32(pred), f32(gt)
    return _by_rows(lambda rows: _mmdet_iou_block(rows, g), len(p), len(g), p)


def _mmdet_iou_block(p: np.ndarray, g: np.ndarray) -> np.ndarray:
    area1 = (p[:, 2] - p[:, 0]) * (p[:, 3] - p[:, 1])
    area2 = (g[:, 2] - g[:, 0]) * (g[:, 3] - g[:, 1])
    # the same float32 operations as mmdet, in place: these are [K, M] arrays
    w = np.minimum(p[:, None, 2], g[None, :, 2])
    w -= np.maximum(p[:, None, 0], g[None, :, 0])
    np.maximum(w, F(0), out=w)
    h = np.minimum(p[:, None, 3], g[None, :, 3])
    h -= np.maximum(p[:, None, 1], g[None, :, 1])
    np.maximum(h, F(0), out=h)
    w *= h  # overlap
    union = np.add(area1[:, None], area2[None, :])
    union -= w
    np.maximum(union, F(1e-6), out=union)
    w /= union
    return w


def yolox_iou_cxcywh(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """YOLOX ``bboxes_iou(gt, pred, xyxy=False)`` transposed to [K, M] float32, on cxcywh boxes; 0/0 gives NaN and
    boxes that miss give ``-0.0``, as YOLOX's do."""
    b, a = f32(pred), f32(gt)
    return _by_rows(lambda rows: _yolox_iou_block(rows, a), len(b), len(a), b)


def _yolox_iou_block(b: np.ndarray, a: np.ndarray) -> np.ndarray:
    half_a, half_b = a[:, 2:] / F(2), b[:, 2:] / F(2)
    a_lo, a_hi = a[:, :2] - half_a, a[:, :2] + half_a  # [M, 2]
    b_lo, b_hi = b[:, :2] - half_b, b[:, :2] + half_b  # [K, 2]
    tlx = np.maximum(a_lo[None, :, 0], b_lo[:, 0:1])
    tly = np.maximum(a_lo[None, :, 1], b_lo[:, 1:2])
    brx = np.minimum(a_hi[None, :, 0], b_hi[:, 0:1])
    bry = np.minimum(a_hi[None, :, 1], b_hi[:, 1:2])
    en = ((tlx < brx) & (tly < bry)).astype(np.float32)
    brx -= tlx
    bry -= tly
    brx *= bry
    brx *= en  # area_i = prod(br - tl) * en: keeps torch's -0.0 where the boxes miss
    union = np.add(a[:, 2] * a[:, 3], (b[:, 2] * b[:, 3])[:, None])
    union -= brx
    with np.errstate(invalid="ignore", divide="ignore"):
        brx /= union
    return brx


def ultralytics_ciou(gt: np.ndarray, pred: np.ndarray, eps: float = 1e-7) -> np.ndarray:
    """ultralytics ``bbox_iou(gt, pred, xywh=False, CIoU=True).clamp_(0)`` for aligned pairs [P] float32."""
    e = F(eps)
    b1x1, b1y1, b1x2, b1y2 = f32(gt).T
    b2x1, b2y1, b2x2, b2y2 = f32(pred).T
    w1, h1 = b1x2 - b1x1, b1y2 - b1y1 + e
    w2, h2 = b2x2 - b2x1, b2y2 - b2y1 + e
    inter = (np.maximum(np.minimum(b1x2, b2x2) - np.maximum(b1x1, b2x1), F(0))
             * np.maximum(np.minimum(b1y2, b2y2) - np.maximum(b1y1, b2y1), F(0)))
    union = w1 * h1 + w2 * h2 - inter + e
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        iou = inter / union
        cw = np.maximum(b1x2, b2x2) - np.minimum(b1x1, b2x1)
        ch = np.maximum(b1y2, b2y2) - np.minimum(b1y1, b2y1)
        c2 = cw * cw + ch * ch + e
        dx = b2x1 + b2x2 - b1x1 - b1x2
        dy = b2y1 + b2y2 - b1y1 - b1y2
        rho2 = (dx * dx + dy * dy) / F(4)
        da = np.arctan(w2 / h2) - np.arctan(w1 / h1)
        v = F(4 / math.pi**2) * (da * da)
        alpha = v / (v - iou + F(1 + eps))
        ciou = iou - (rho2 / c2 + v * alpha)
    return np.maximum(ciou, F(0))  # clamp_(0) keeps NaN, as np.maximum does


def sigmoid32(x: np.ndarray) -> np.ndarray:
    """torch.sigmoid in float32: 1 / (1 + exp(-x))."""
    x = f32(x)
    with np.errstate(over="ignore"):
        return F(1) / (F(1) + np.exp(-x))


def log_sigmoid32(x: np.ndarray) -> np.ndarray:
    """torch's log_sigmoid in float32: min(x, 0) - log1p(exp(-|x|))."""
    x = f32(x)
    return np.minimum(x, F(0)) - np.log1p(np.exp(-np.abs(x)))


def _bce_terms(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per class: the BCE term when the target is 0 (-max(log(1-p), -100)) and when it is 1 (-max(log p, -100))."""
    with np.errstate(divide="ignore", invalid="ignore"):
        neg = -np.maximum(np.log1p(-p), F(-100))
        pos = -np.maximum(np.log(p), F(-100))
    return neg.astype(np.float32), pos.astype(np.float32)


def bce_onehot_cost(scores: np.ndarray, gt_labels: np.ndarray) -> np.ndarray:
    """Σ_c BCE(scores[i, c], onehot(gt_labels[j])_c) [K, M] float32 (SimOTA's classification cost).

    With a one-hot target torch's per-element terms are exactly -log(1-p) (target 0) and -log p (target 1), so a
    (candidate, GT) pair differs from the all-negative row in one class. For up to 16 classes the sum runs in
    class order in float32, as torch sums a short last dimension; for more classes it is the all-negative row sum
    with that one term swapped (mathematically equal, rounding differs by ~1e-7 relative), which keeps the cost
    O(K x M) instead of O(K x M x C).
    """
    p = f32(scores)
    k, c = p.shape
    labels = np.asarray(gt_labels, np.int64)
    if c <= 16:
        neg, pos = _bce_terms(p)
        out = np.empty((k, len(labels)), np.float32)
        for cls in np.unique(labels):
            acc = np.zeros(k, np.float32)
            for q in range(c):
                acc = acc + (pos[:, q] if q == cls else neg[:, q])
            out[:, labels == cls] = acc[:, None]
        return out
    uniq, inv = np.unique(labels, return_inverse=True)
    return _by_rows(lambda rows: _bce_onehot_block(rows, uniq, inv), k, len(labels), p)


def _bce_onehot_block(p: np.ndarray, uniq: np.ndarray, inv: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        neg = np.negative(p)
        np.log1p(neg, out=neg)
        np.maximum(neg, F(-100), out=neg)
        np.negative(neg, out=neg)  # -max(log(1 - p), -100), in place on [K, C]
        pos_u = -np.maximum(np.log(p[:, uniq]), F(-100))
    base = neg.sum(axis=1, dtype=np.float64)
    swap = (pos_u - neg[:, uniq]).astype(np.float64)[:, inv]
    swap += base[:, None]
    return swap.astype(np.float32)


def soft_bce_cost(logits: np.ndarray, gt_labels: np.ndarray, ious: np.ndarray) -> np.ndarray:
    """RTMDet's classification cost [K, M] float32: Σ_c BCEwithLogits(x, t) · |t − σ(x)|², t = onehot · IoU.

    Classes other than the GT's have target 0 whatever the GT, so their terms are shared by every GT; only the
    GT's class term depends on the IoU. Summed in class order for up to 16 classes (torch's order for a short
    dimension), otherwise as the shared row sum with the GT's term swapped (as in ``bce_onehot_cost``).
    """
    x = f32(logits)
    k, c = x.shape
    labels = np.asarray(gt_labels, np.int64)
    iou = f32(ious)
    if c <= 16:
        s = sigmoid32(x)
        ls = log_sigmoid32(x)
        neg = (x - ls) * (s * s)  # target 0: (1 - 0) * x - log_sigmoid(x), times |0 - σ|²
        d = iou - s[:, labels]
        own = ((F(1) - iou) * x[:, labels] - ls[:, labels]) * (d * d)
        out = np.zeros((k, len(labels)), np.float32)
        for q in range(c):
            out = out + np.where(labels[None, :] == q, own, neg[:, q:q + 1])
        return out
    # many classes: the shared terms from one exp(-|x|) (softplus(x) = x - log_sigmoid(x)); within an ulp or two of
    # torch's separate sigmoid / log_sigmoid. In place, block by block of rows.
    return _by_rows(lambda xr, ir: _soft_block(xr, labels, ir), k, len(labels), x, iou)


def _soft_block(x: np.ndarray, labels: np.ndarray, iou: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    one_e = F(1) + e
    s = np.where(x >= 0, F(1), e)
    s /= one_e
    neg = np.log1p(e)
    neg += np.maximum(x, F(0))
    neg *= s
    neg *= s
    base = neg.sum(axis=1, dtype=np.float64).astype(np.float32)
    xl, sl, el = x[:, labels], s[:, labels], e[:, labels]  # [K, M] of each GT's class
    ls = np.log1p(el)
    np.subtract(np.minimum(xl, F(0)), ls, out=ls)  # log_sigmoid
    d = iou - sl
    d *= d
    own = F(1) - iou
    own *= xl
    own -= ls
    own *= d
    own += base[:, None]
    own -= neg[:, labels]
    return own
