"""Uploaded detector predictions (JSON) read into a ``HeadOutput``; nothing in the file is executed."""

from __future__ import annotations

import numpy as np

from anchorviz.core.boxes import as_boxes
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.json_object import decode_json_object
from anchorviz.core.predict import HeadOutput

__all__ = ["parse_predictions", "MAX_ABS_DELTA"]


MAX_ABS_DELTA = 1000.0  # no trained head emits more; larger values would only overflow exp()


def _numbers(value, name: str, shape_desc: str, *, source: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AnchorVizInputError(f"{source}: '{name}' must hold numbers ({shape_desc}), got {str(value)[:80]!r}") from None
    if not np.isfinite(arr).all():
        raise AnchorVizInputError(f"{source}: '{name}' contains NaN or infinite values")
    return arr


def parse_predictions(data: bytes | str | dict, *, num_anchors: int, name: str = "predictions.json") -> HeadOutput:
    """Read uploaded predictions (JSON; nothing in it is executed).

    Accepted layouts (``classes`` optional everywhere, default 0):

    * per anchor: ``{"deltas": [[dx, dy, dw, dh], ...], "scores": [...]}`` with one row per anchor,
      in the anchor order anchorviz shows (levels finest first, then location-major);
    * sparse per anchor: ``{"anchor_index": [...], "deltas": [...], "scores": [...]}``, other anchors score 0;
    * boxes: ``{"boxes": [[x1, y1, x2, y2], ...], "scores": [...]}`` in network-input pixels.

    Per-class scores (optional, for the Loss page): ``"logits": [[c_0, ..., c_{C-1}], ...]`` or
    ``"probabilities"`` (same shape, in [0, 1]) -- one row of C columns per anchor, in the per-anchor layout
    only (a loss needs every anchor's scores, so neither ``anchor_index`` nor ``boxes`` can carry them). One
    score per anchor thresholds and suppresses; a K-class loss needs every column. Files without them read as
    before.

    Raises:
        AnchorVizInputError: malformed JSON, missing keys, wrong lengths, NaN, non-numeric values,
            scores outside [0, 1], deltas beyond +-MAX_ABS_DELTA, inverted boxes, per-class scores that are
            not one row of equal length per anchor.
    """
    obj = decode_json_object(data, name=name, expected="'scores' and 'deltas' or 'boxes'")
    if "scores" not in obj or ("deltas" not in obj and "boxes" not in obj):
        raise AnchorVizInputError(f"{name}: expected keys 'scores' and 'deltas' (or 'boxes'), got {sorted(obj)}")
    scores = _numbers(obj["scores"], "scores", "one per prediction", source=name).reshape(-1)
    if ((scores < 0) | (scores > 1)).any():
        bad = scores[(scores < 0) | (scores > 1)][0]
        raise AnchorVizInputError(f"{name}: scores must lie in [0, 1] (probabilities), got {bad:g}")
    k = len(scores)
    class_scores, kind = _class_scores(obj, name)
    if class_scores is not None and ("boxes" in obj or "anchor_index" in obj):
        raise AnchorVizInputError(f"{name}: '{kind}' need one row per anchor (every anchor counts in a loss); "
                                  f"give them with per-anchor 'deltas' and 'scores', without "
                                  f"'{'boxes' if 'boxes' in obj else 'anchor_index'}'")
    classes = np.zeros(k, np.int64)
    if "classes" in obj:
        c = _numbers(obj["classes"], "classes", "one integer per prediction", source=name).reshape(-1)
        if len(c) != k or (c < 0).any() or (c != np.round(c)).any():
            raise AnchorVizInputError(f"{name}: 'classes' must be {k} non-negative integers, got {len(c)} values")
        classes = c.astype(np.int64)
    if "boxes" in obj:
        boxes = _numbers(obj["boxes"], "boxes", "[[x1, y1, x2, y2], ...]", source=name)
        if boxes.ndim != 2 or boxes.shape != (k, 4):
            raise AnchorVizInputError(f"{name}: 'boxes' must be {k} rows of 4 numbers (one per score), got shape {list(boxes.shape)}")
        return HeadOutput(scores=scores, classes=classes, boxes=as_boxes(boxes, name=f"{name} boxes"))
    deltas = _numbers(obj["deltas"], "deltas", "[[dx, dy, dw, dh], ...]", source=name)
    if deltas.ndim != 2 or deltas.shape != (k, 4):
        raise AnchorVizInputError(f"{name}: 'deltas' must be {k} rows of 4 numbers (one per score), got shape {list(deltas.shape)}")
    if (np.abs(deltas) > MAX_ABS_DELTA).any():
        raise AnchorVizInputError(f"{name}: deltas beyond ±{MAX_ABS_DELTA:g} (got {np.abs(deltas).max():g}); "
                                  "a trained head emits values of a few units")
    if "anchor_index" in obj:
        idx = _numbers(obj["anchor_index"], "anchor_index", "one index per score", source=name).reshape(-1)
        if len(idx) != k or (idx != np.round(idx)).any() or (idx < 0).any() or (idx >= num_anchors).any():
            raise AnchorVizInputError(f"{name}: 'anchor_index' must be {k} integers in [0, {num_anchors}), "
                                      f"got {len(idx)} values")
        idx = idx.astype(np.int64)
        full_d, full_s, full_c = np.zeros((num_anchors, 4)), np.zeros(num_anchors), np.zeros(num_anchors, np.int64)
        full_d[idx], full_s[idx], full_c[idx] = deltas, scores, classes
        return HeadOutput(scores=full_s, classes=full_c, deltas=full_d)
    if k != num_anchors:
        raise AnchorVizInputError(f"{name}: {k} predictions for {num_anchors} anchors; give one row per anchor "
                                  "in anchorviz's anchor order, or add 'anchor_index'")
    if class_scores is not None and class_scores.shape[0] != k:
        raise AnchorVizInputError(f"{name}: '{kind}' has {class_scores.shape[0]} rows, expected {k} (one per "
                                  f"anchor, like 'scores')")
    return HeadOutput(scores=scores, classes=classes, deltas=deltas, class_scores=class_scores,
                      class_scores_kind=kind)


def _class_scores(obj: dict, name: str) -> tuple[np.ndarray | None, str]:
    """The optional (N, C) 'logits' or 'probabilities' of a predictions object, checked."""
    given = [key for key in ("logits", "probabilities") if key in obj]
    if not given:
        return None, ""
    if len(given) == 2:
        raise AnchorVizInputError(f"{name}: expected 'logits' or 'probabilities', not both")
    kind = given[0]
    arr = _numbers(obj[kind], kind, "one row of C class scores per anchor", source=name)
    if arr.ndim != 2 or arr.shape[1] < 1:
        raise AnchorVizInputError(f"{name}: '{kind}' must be rows of equal length (one row of C class scores per "
                                  f"anchor), got shape {list(arr.shape)}")
    if kind == "probabilities" and ((arr < 0) | (arr > 1)).any():
        bad = arr[(arr < 0) | (arr > 1)][0]
        raise AnchorVizInputError(f"{name}: 'probabilities' must lie in [0, 1], got {bad:g}")
    return arr, kind
