"""mmdetection 3.x loss modules: how a per-element loss becomes the number the head returns.

mmdet never divides by a count directly: every loss module goes through ``weight_reduce_loss`` with a per-element
``weight`` and an optional ``avg_factor`` computed by the head. Its quirks decide the numbers, so they live here:

* with ``avg_factor`` the mean is ``sum(loss*weight) / (avg_factor + torch.finfo(float32).eps)``: an avg_factor
  of 0 gives ``sum / 1.19e-7`` -- a huge number, not an error and not 0;
* ``reduction='sum'`` together with an avg_factor raises ValueError;
* without avg_factor, 'mean' is over *all* elements (N*C for sigmoid classification), ignored ones included;
* the result is multiplied by ``loss_weight``;
* SmoothL1 / L1 / GIoU return ``(pred*weight).sum()`` (0) when no weight is positive, before any reduction;
* GIoU reduces a (N, 4) weight with ``mean(-1)``;
* integer labels: FocalLoss one-hot encodes over C + 1 columns and drops the last (label C = background);
  CrossEntropyLoss(use_sigmoid) one-hot encodes over C columns (background -> an all-zero row).

Everything is float32, as mmdet's tensors are.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from anchorviz.core.loss import elementwise as E
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["weight_reduce_loss", "focal_loss", "cross_entropy_loss", "binary_cross_entropy_loss",
           "smooth_l1_loss", "l1_loss", "giou_loss", "one_hot_drop_last"]

Reduction = Literal["none", "mean", "sum"]
F32 = np.float32


def weight_reduce_loss(loss: np.ndarray, weight: np.ndarray | None = None, reduction: Reduction = "mean",
                       avg_factor: float | None = None) -> np.ndarray | np.float32:
    """mmdet.models.losses.utils.weight_reduce_loss.

    Raises:
        AnchorVizInputError: reduction 'sum' with an avg_factor (mmdet raises ValueError there).
    """
    loss = np.asarray(loss, F32)
    if weight is not None:
        loss = loss * np.asarray(weight, F32)
    if avg_factor is None:
        if reduction == "mean":
            return loss.mean(dtype=F32)
        if reduction == "sum":
            return loss.sum(dtype=F32)
        return loss
    if reduction == "mean":
        # the Python float avg_factor + eps becomes a float32 scalar in the division, as in torch
        return F32(loss.sum(dtype=F32) / F32(float(avg_factor) + E.TORCH_FLOAT32_EPS))
    if reduction != "none":
        raise AnchorVizInputError('reduction: avg_factor can not be used with reduction="sum" (mmdet raises '
                                  "ValueError); expected 'mean' or 'none' with an avg_factor")
    return loss


def one_hot_drop_last(labels: np.ndarray, num_classes: int) -> np.ndarray:
    """``F.one_hot(labels, C + 1)[:, :C]``: label C (background) becomes an all-zero row (float32 (N, C))."""
    labels = np.asarray(labels, np.int64)
    out = np.zeros((len(labels), num_classes + 1), F32)
    out[np.arange(len(labels)), labels] = 1
    return out[:, :num_classes]


def _per_row_weight(weight, loss: np.ndarray):
    """mmdet broadcasts a (N,) weight over the class columns of a (N, C) loss."""
    if weight is None:
        return None
    w = np.asarray(weight, F32)
    if w.shape != loss.shape and w.ndim == 1 and loss.ndim == 2 and w.shape[0] == loss.shape[0]:
        w = w[:, None]
    return w


def focal_loss(pred: np.ndarray, labels: np.ndarray, weight=None, *, alpha: float = 0.25, gamma: float = 2.0,
               reduction: Reduction = "mean", avg_factor: float | None = None, loss_weight: float = 1.0):
    """FocalLoss(use_sigmoid=True).forward on CPU: integer labels -> one-hot over C + 1 -> py_sigmoid_focal_loss."""
    pred = np.asarray(pred, F32)
    target = one_hot_drop_last(labels, pred.shape[1])
    loss = E.mmdet_sigmoid_focal(pred, target, alpha=alpha, gamma=gamma)
    return F32(loss_weight) * weight_reduce_loss(loss, _per_row_weight(weight, loss), reduction, avg_factor)


def cross_entropy_loss(pred: np.ndarray, labels: np.ndarray, weight=None, *, reduction: Reduction = "mean",
                       avg_factor: float | None = None, ignore_index: int = -100, avg_non_ignore: bool = False,
                       loss_weight: float = 1.0):
    """CrossEntropyLoss(use_sigmoid=False).forward: softmax CE per row, then weight_reduce_loss.

    With ``avg_non_ignore`` and no avg_factor, 'mean' divides by the number of rows whose label is not
    ``ignore_index`` instead of by all rows.
    """
    pred = np.asarray(pred, F32)
    labels = np.asarray(labels, np.int64)
    loss = E.softmax_cross_entropy(pred, labels, ignore_index=ignore_index)
    if avg_factor is None and avg_non_ignore and reduction == "mean":
        avg_factor = int(labels.size - (labels == ignore_index).sum())
    w = None if weight is None else np.asarray(weight, F32)
    return F32(loss_weight) * weight_reduce_loss(loss, w, reduction, avg_factor)


def binary_cross_entropy_loss(pred: np.ndarray, labels: np.ndarray, weight=None, *, reduction: Reduction = "mean",
                              avg_factor: float | None = None, ignore_index: int = -100, loss_weight: float = 1.0):
    """CrossEntropyLoss(use_sigmoid=True).forward with integer labels (``_expand_onehot_labels``).

    Labels in [0, C) set their column to 1; any other non-negative label (the background, C) leaves the row all
    zero; ``ignore_index`` and negative labels get weight 0. The (N,) weight is repeated over the C columns, so an
    unweighted 'mean' divides by N*C.
    """
    pred = np.asarray(pred, F32)
    labels = np.asarray(labels, np.int64)
    n, c = pred.shape
    valid = (labels >= 0) & (labels != ignore_index)
    target = np.zeros((n, c), F32)
    hit = np.flatnonzero(valid & (labels < c))
    target[hit, labels[hit]] = 1
    w = np.repeat(valid.astype(F32)[:, None], c, axis=1)
    if weight is not None:
        w = np.asarray(weight, F32).reshape(-1, 1) * w
    loss = E.bce_with_logits(pred, target)
    return F32(loss_weight) * weight_reduce_loss(loss, w, reduction, avg_factor)


def _box_reduce(loss: np.ndarray, pred: np.ndarray, weight, reduction: Reduction, avg_factor, loss_weight: float):
    if weight is not None and not (np.asarray(weight) > 0).any():
        return F32(0.0)  # mmdet: (pred * weight).sum() -- a zero that keeps the graph
    w = None if weight is None else np.asarray(weight, F32)
    return F32(loss_weight) * weight_reduce_loss(loss, w, reduction, avg_factor)


def smooth_l1_loss(pred, target, weight=None, *, beta: float = 1.0, reduction: Reduction = "mean",
                   avg_factor: float | None = None, loss_weight: float = 1.0):
    """SmoothL1Loss(beta).forward (mmdet uses torch's formula; beta must be > 0 in mmdet)."""
    pred, target = np.asarray(pred, F32), np.asarray(target, F32)
    return _box_reduce(E.smooth_l1(pred, target, beta=beta), pred, weight, reduction, avg_factor, loss_weight)


def l1_loss(pred, target, weight=None, *, reduction: Reduction = "mean", avg_factor: float | None = None,
            loss_weight: float = 1.0):
    """L1Loss.forward."""
    pred, target = np.asarray(pred, F32), np.asarray(target, F32)
    return _box_reduce(E.l1(pred, target), pred, weight, reduction, avg_factor, loss_weight)


def giou_loss(pred, target, weight=None, *, eps: float = 1e-6, reduction: Reduction = "mean",
              avg_factor: float | None = None, loss_weight: float = 1.0):
    """GIoULoss.forward on decoded (N, 4) xyxy boxes; a (N, 4) weight is first reduced with mean(-1)."""
    pred, target = np.asarray(pred, F32), np.asarray(target, F32)
    if weight is not None and not (np.asarray(weight) > 0).any():
        return F32(0.0)
    w = None if weight is None else np.asarray(weight, F32)
    if w is not None and w.ndim > 1:
        w = w.mean(axis=-1, dtype=F32)
    loss = E.giou_loss(pred, target, eps=eps, form="mmdet")
    return F32(loss_weight) * weight_reduce_loss(loss, w, reduction, avg_factor)
