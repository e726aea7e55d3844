"""Uploaded predictions (``anchorviz.io.predictions``, the Predictions page's format) as the head a loss reads.

The upload format has one score per anchor, which is all thresholding and NMS need, and optional per-class
``logits`` or ``probabilities`` (N, C). A library's classification loss reads every column of every anchor, so:

* with per-class scores, they must have the head's C columns (``num_score_columns``: torchvision RetinaNet and the
  softmax heads carry a background column, an RPN one objectness column), and are turned into what the loss
  reads -- logits for every library except keras-retinanet, whose loss reads the probabilities its head's final
  sigmoid emits;
* without them, only a one-column head can be scored: the single score is then the objectness probability (an
  RPN's). Any multi-class head gets an AnchorVizInputError saying which columns to add.

Probabilities become logits after clipping to [1e-7, 1 - 1e-7] (as for the point predictions): 0 and 1 have no
finite logit, so a clipped value differs from the head's own logit there -- give logits for the exact loss.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.loss.head import LossHead, num_score_columns
from anchorviz.core.loss.specs import LossSpec
from anchorviz.core.predict import HeadOutput

__all__ = ["loss_head_from_predictions", "head_as_predictions", "PROBABILITY_CLIP"]

F32 = np.float32
PROBABILITY_CLIP = 1e-7


def loss_head_from_predictions(pred: HeadOutput, spec: LossSpec, num_classes: int, *,
                               name: str = "predictions") -> LossHead:
    """The ``LossHead`` of uploaded predictions for ``spec``'s head with K = ``num_classes`` classes.

    Raises:
        AnchorVizInputError: no deltas (the boxes layout), one score per anchor for a multi-column head, per-class
            scores with another number of columns than the head has.
    """
    if pred.deltas is None:
        raise AnchorVizInputError(f"{name}: the box loss compares predicted deltas with the encoded targets, so it "
                                  f"needs 'deltas' (one row of 4 per anchor); this file gives decoded 'boxes'")
    cols = num_score_columns(spec, num_classes)
    if pred.class_scores is None:
        if cols != 1:
            raise AnchorVizInputError(
                f"{name}: one score per anchor cannot give {spec.title}'s classification loss, which reads {cols} "
                f"columns per anchor ({_layout(spec, num_classes)}); add 'logits' (or 'probabilities'): one row of "
                f"{cols} numbers per anchor")
        values, kind = np.asarray(pred.scores, np.float64)[:, None], "probabilities"
    else:
        values, kind = np.asarray(pred.class_scores, np.float64), pred.class_scores_kind
        if values.shape[1] != cols:
            raise AnchorVizInputError(f"{name}: '{kind}' has {values.shape[1]} columns, expected {cols} for "
                                      f"{spec.title} with {num_classes} classes ({_layout(spec, num_classes)})")
    keras = spec.cls_loss == "focal_keras"
    softmax = spec.cls_loss == "softmax_ce"
    if keras:
        scores = values if kind == "probabilities" else 1.0 / (1.0 + np.exp(-values))
    elif kind == "logits":
        scores = values
    else:
        p = np.clip(values, PROBABILITY_CLIP, 1.0 - PROBABILITY_CLIP)
        scores = np.log(p) if softmax else np.log(p) - np.log1p(-p)
    return LossHead(scores=np.ascontiguousarray(scores, F32), deltas=np.ascontiguousarray(pred.deltas, F32),
                    probabilities=keras)


def _layout(spec: LossSpec, k: int) -> str:
    """The head's column layout in words (what each column is)."""
    return {"label_col": f"column 0 background, class c in column c + 1, {k + 1} in all",
            "class_col": f"one column per class, {k}, no background column",
            "objectness": "one objectness column",
            "softmax_bg0": f"softmax over background (column 0) and {k} classes",
            "softmax_bg_last": f"softmax over {k} classes and background (column {k})"}[spec.columns]


def head_as_predictions(head: LossHead, spec: LossSpec, num_classes: int) -> dict:
    """A head in the upload format (what ``loss_head_from_predictions`` reads back to the same loss).

    ``logits`` (``probabilities`` for keras-retinanet) carry every column exactly (float32 values written as
    float64 numbers); ``scores`` / ``classes`` are each anchor's highest foreground probability and its class, so
    the Predictions page can read the same file.
    """
    s = head.scores
    dense = np.asarray(s.dense() if hasattr(s, "dense") else s, F32)
    cols = num_score_columns(spec, num_classes)
    if head.probabilities:
        prob = dense.astype(np.float64)
    elif spec.cls_loss == "softmax_ce":
        z = dense.astype(np.float64)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        prob = z / z.sum(axis=1, keepdims=True)
    else:
        prob = 1.0 / (1.0 + np.exp(-dense.astype(np.float64)))
    bg = {"label_col": 0, "softmax_bg0": 0, "softmax_bg_last": num_classes}.get(spec.columns)
    fg_cols = np.array([c for c in range(cols) if c != bg], np.int64)
    best = fg_cols[np.argmax(prob[:, fg_cols], axis=1)] if len(fg_cols) else np.zeros(len(prob), np.int64)
    cls = best - 1 if bg == 0 else (np.zeros_like(best) if spec.columns == "objectness" else best)
    return {"deltas": np.asarray(head.deltas, F32).astype(np.float64).tolist(),
            "scores": np.clip(prob[np.arange(len(prob)), best], 0.0, 1.0).tolist(), "classes": cls.tolist(),
            ("probabilities" if head.probabilities else "logits"): dense.astype(np.float64).tolist()}
