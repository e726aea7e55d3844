"""Element-wise loss terms, each written in the operation order of the library that defines it.

Why one function per library and not one formula: the libraries agree in exact maths but not in float32, and
they disagree on details that change numbers (torchvision's ``alpha < 0`` switch, keras-retinanet's clipping
and ``+1e-7`` inside the logs, fvcore's ``beta < 1e-5`` shortcut, two GIoU epsilons). The goldens pin every one.

dtype: torch, TensorFlow and the keras backend all compute these in float32 (the predictions are float32
tensors), so every function here computes in the dtype of its input and the callers pass float32. Results are
within a few float32 ulp of the library's (torch and NumPy use different SIMD exp/log kernels); nothing here
computes in float64 to "improve" on the library.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "sigmoid", "log_sigmoid", "bce_with_logits", "sigmoid_focal", "mmdet_sigmoid_focal", "keras_binary_crossentropy",
    "keras_focal", "log_softmax", "softmax_cross_entropy", "smooth_l1", "keras_smooth_l1", "l1", "giou_loss",
    "KERAS_EPSILON", "TORCH_FLOAT32_EPS",
]

KERAS_EPSILON = 1e-7  # keras.backend.epsilon(): the clip bound and the term added inside the logs
TORCH_FLOAT32_EPS = float(np.finfo(np.float32).eps)  # torch.finfo(torch.float32).eps = 2**-23, used by mmdet


def _one(x: np.ndarray):
    return x.dtype.type(1)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """torch.sigmoid / Tensor.sigmoid: ``1 / (1 + exp(-x))`` in x's dtype."""
    with np.errstate(over="ignore"):
        return _one(x) / (_one(x) + np.exp(-x))


def log_sigmoid(x: np.ndarray) -> np.ndarray:
    """torch's log_sigmoid kernel: ``min(x, 0) - log1p(exp(-|x|))``; exact for large |x| where log(sigmoid) is not.
    (min(x, 0) is computed as (x - |x|)/2, exact in binary floating point and cheaper than np.minimum.)"""
    ax = np.abs(x)
    tail = np.negative(ax)
    np.exp(tail, out=tail)
    np.log1p(tail, out=tail)  # log1p(exp(-|x|))
    out = np.subtract(x, ax, out=ax)  # the same operations in the same order, in place: the same bits
    out *= x.dtype.type(0.5)
    out -= tail
    return out


def bce_with_logits(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """F.binary_cross_entropy_with_logits(reduction='none') as torch >= 2.1 computes it: ``(1 - t)*x - log_sigmoid(x)``.

    For t = 0 this is softplus(x) = -log(1 - sigmoid(x)), for t = 1 it is -log(sigmoid(x)); soft targets in between.
    """
    return (_one(x) - t) * x - log_sigmoid(x)


def sigmoid_focal(x: np.ndarray, t: np.ndarray, *, alpha: float, gamma: float) -> np.ndarray:
    """torchvision.ops.sigmoid_focal_loss (and fvcore's, which detectron2 uses: the same code), reduction 'none'.

    ``BCE(x, t) * (1 - p_t)**gamma`` with ``p_t = p*t + (1 - p)*(1 - t)``, then multiplied by
    ``alpha_t = alpha*t + (1 - alpha)*(1 - t)`` only when ``alpha >= 0``: ``alpha = -1`` switches the weighting off.
    """
    one = _one(x)
    p = sigmoid(x)
    ce = bce_with_logits(x, t)
    p_t = p * t + (one - p) * (one - t)
    loss = ce * (one - p_t) ** x.dtype.type(gamma)
    if alpha >= 0:
        a = x.dtype.type(alpha)
        loss = (a * t + (one - a) * (one - t)) * loss
    return loss


def mmdet_sigmoid_focal(x: np.ndarray, t: np.ndarray, *, alpha: float, gamma: float) -> np.ndarray:
    """mmdet ``py_sigmoid_focal_loss`` (the CPU path of FocalLoss), reduction 'none'.

    Same maths as torchvision's but in another order -- ``(1 - p)*t + p*(1 - t)`` is used directly as 1 - p_t, and
    the alpha weight is always applied (mmdet has no ``alpha < 0`` switch, so alpha must lie in [0, 1]).
    """
    one = _one(x)
    p = sigmoid(x)
    one_minus_pt = (one - p) * t + p * (one - t)
    a = x.dtype.type(alpha)
    weight = (a * t + (one - a) * (one - t)) * one_minus_pt ** x.dtype.type(gamma)
    return bce_with_logits(x, t) * weight


def keras_binary_crossentropy(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """keras.backend.binary_crossentropy(target, output) on probabilities (not logits).

    Keras clips p to [1e-7, 1 - 1e-7] and *also* adds 1e-7 inside both logs:
    ``-(t*log(p + 1e-7) + (1 - t)*log(1 - p + 1e-7))``. A perfect prediction therefore still costs about 1e-7.
    """
    eps = p.dtype.type(KERAS_EPSILON)
    one = _one(p)
    q = np.clip(p, eps, one - eps)
    bce = t * np.log(q + eps)
    bce = bce + (one - t) * np.log(one - q + eps)
    return -bce


def keras_focal(t: np.ndarray, p: np.ndarray, *, alpha: float, gamma: float, cutoff: float = 0.5) -> np.ndarray:
    """keras-retinanet ``losses.focal`` per element, before the anchor-state filter and the normaliser.

    The predictions are probabilities. Which branch of alpha_t and of the focal weight applies is decided by
    ``label > cutoff`` -- not by the label itself -- which only matters for soft labels: a label of 0.6 is weighted
    like a positive (alpha, (1 - p)**gamma) but its cross-entropy still uses 0.6.
    """
    one = _one(p)
    pos = t > t.dtype.type(cutoff)
    a = p.dtype.type(alpha)
    alpha_t = np.where(pos, a, one - a)
    weight = np.where(pos, one - p, p)
    return alpha_t * weight ** p.dtype.type(gamma) * keras_binary_crossentropy(t, p)


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """log_softmax as torch computes it: ``x - max - log(sum(exp(x - max)))``."""
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax_cross_entropy(x: np.ndarray, labels: np.ndarray, *, ignore_index: int = -100) -> np.ndarray:
    """F.cross_entropy(reduction='none'): ``-log_softmax(x)[label]`` per row, 0 where ``label == ignore_index``.

    Args:
        x (ndarray[N, C]): logits.
        labels (ndarray[N], int): the class column of each row.
    """
    labels = np.asarray(labels, np.int64)
    keep = labels != ignore_index
    out = np.zeros(len(labels), x.dtype)
    if keep.any():
        lsm = log_softmax(x[keep])
        out[keep] = -lsm[np.arange(len(lsm)), labels[keep]]
    return out


def smooth_l1(pred: np.ndarray, target: np.ndarray, *, beta: float, form: str = "torch") -> np.ndarray:
    """Smooth-L1 (Huber / beta) per element.

    ``0.5*d**2/beta`` where ``d = |pred - target| < beta``, else ``d - 0.5*beta``. The forms differ where the
    libraries do:

    * "torch": F.smooth_l1_loss (torchvision, mmdet). beta = 0 is plain L1 (the quadratic branch never applies).
    * "fvcore": detectron2's ``smooth_l1_loss``: any ``beta < 1e-5`` returns ``|d|`` exactly, so a tiny beta is L1
      rather than a division by almost zero. detectron2's default SMOOTH_L1_BETA = 0 therefore means L1.
    """
    d = np.abs(pred - target)
    if form == "fvcore" and beta < 1e-5:
        return d
    if beta <= 0:
        return d
    b = d.dtype.type(beta)
    half = d.dtype.type(0.5)
    return np.where(d < b, half * d * d / b, d - half * b)


def keras_smooth_l1(pred: np.ndarray, target: np.ndarray, *, sigma: float) -> np.ndarray:
    """keras-retinanet ``losses.smooth_l1(sigma)`` per element: ``0.5*sigma**2*d**2`` where ``d < 1/sigma**2``, else
    ``d - 0.5/sigma**2``. Equal to smooth-L1 with beta = 1/sigma**2 (sigma 3 -> beta 1/9); sigma is not beta."""
    d = np.abs(pred - target)
    s2 = d.dtype.type(sigma) ** 2
    half = d.dtype.type(0.5)
    return np.where(d < _one(d) / s2, half * s2 * d ** 2, d - half / s2)


def l1(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """|pred - target| per element (F.l1_loss, mmdet L1Loss)."""
    return np.abs(pred - target)


def giou_loss(pred: np.ndarray, target: np.ndarray, *, eps: float, form: str = "torchvision") -> np.ndarray:
    """1 - GIoU of aligned box pairs (N, 4) xyxy -> (N,).

    * "torchvision" (torchvision.ops.generalized_box_iou_loss, eps 1e-7; fvcore's giou_loss is the same code):
      ``iou = inter/(union + eps)``, ``giou = iou - (area_c - union)/(area_c + eps)``; the intersection is 0 unless
      both overlaps are strictly positive.
    * "mmdet" (bbox_overlaps mode 'giou', eps 1e-6): the union and the enclosing area are clamped from below at
      eps instead of having eps added, and widths are clamped at 0.
    Degenerate predicted boxes (x2 < x1, which an unclamped decode can give) go through the same arithmetic as in
    the library: no check, no error.
    """
    dt = pred.dtype.type
    x1, y1, x2, y2 = (pred[..., i] for i in range(4))
    g1, h1, g2, h2 = (target[..., i] for i in range(4))
    if form == "mmdet":
        area1 = (x2 - x1) * (y2 - y1)
        area2 = (g2 - g1) * (h2 - h1)
        w = np.maximum(np.minimum(x2, g2) - np.maximum(x1, g1), dt(0))
        h = np.maximum(np.minimum(y2, h2) - np.maximum(y1, h1), dt(0))
        overlap = w * h
        union = np.maximum(area1 + area2 - overlap, dt(eps))
        ious = overlap / union
        ew = np.maximum(np.maximum(x2, g2) - np.minimum(x1, g1), dt(0))
        eh = np.maximum(np.maximum(y2, h2) - np.minimum(y1, h1), dt(0))
        enclose = np.maximum(ew * eh, dt(eps))
        return dt(1) - (ious - (enclose - union) / enclose)
    xk1, yk1 = np.maximum(x1, g1), np.maximum(y1, h1)
    xk2, yk2 = np.minimum(x2, g2), np.minimum(y2, h2)
    inter = np.where((yk2 > yk1) & (xk2 > xk1), (xk2 - xk1) * (yk2 - yk1), dt(0))
    union = (x2 - x1) * (y2 - y1) + (g2 - g1) * (h2 - h1) - inter
    iou = inter / (union + dt(eps))
    area_c = (np.maximum(x2, g2) - np.minimum(x1, g1)) * (np.maximum(y2, h2) - np.minimum(y1, h1))
    return dt(1) - (iou - (area_c - union) / (area_c + dt(eps)))
