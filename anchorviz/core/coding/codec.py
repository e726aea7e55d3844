"""Box encoding and decoding (anchor + GT -> regression deltas -> box), with each library's coder as data.

A ``CoderSpec`` (``anchorviz.core.coding.spec``) lists everything that differs between the coders of torchvision, detectron2,
mmdetection (3.x and the v1 "Legacy" classes), keras-retinanet and d2l; :func:`encode` and
:func:`decode` read only those fields. Arithmetic runs in the library's dtype (float32 for the torch
libraries, float64 for keras-retinanet's NumPy code) and in the library's operation order; results
are returned as float64. Against the golden outputs every decoded box is bit-identical and every
encoded delta is within 1 float32 ulp (torch's own log is not always correctly rounded).

Centre/log coders (``kind="centre_log"``), with anchor ``a`` and target ``g``::

    w = x2 - x1 (+1 if plus_one)          cx = x1 + 0.5*w  or  (x1 + x2)*0.5   (``centre``)
    encode: d = ((wx*(g_cx - a_cx)) / a_w - mean) / std
            d = ((ww*log(log_eps + g_w/a_w)) - mean) / std       (same for y / h)
    decode: dd = d*std + mean
            shift = (dd/wx)*a_w  or  (dd*a_w)/wx                  (``decode_xy_order``)
            shift clamped to +-ctr_clamp px (YOLOF), dw = dd/ww clamped by dwh_clamp (``clamp_sides``)
            cx = shift + a_cx,  w = exp(dw)*a_w,  x1 = cx - 0.5*w,  x2 = cx + 0.5*w

Corner coders (``kind="corner"``, keras-retinanet) shift each corner by a fraction of the anchor size::

    encode: d = ((w*(g_x1 - a_x1)) / a_w - mean) / std   (and y1, x2, y2)
    decode: x1 = a_x1 + ((d*std + mean)/w)*a_w

With weights 1, means 0 and stds 1 the extra multiplications, divisions and additions are exact, so
one formula follows each library's own sequence of float operations.

Note that the v1 legacy coder is not its own inverse: it measures widths with +1 but decodes
``x2 = cx + 0.5*w`` without taking the 1 back, so ``decode(encode(g))`` is ``g`` grown by 0.5 px on
every side. d2l's ``log_eps`` makes its round trip off by about 1e-6 relative.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.boxes import as_boxes
from anchorviz.core.coding.presets import CODERS, TORCHVISION_ROI, TORCHVISION_RPN  # noqa: F401  (doctests)
from anchorviz.core.coding.spec import CoderSpec
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["encode", "decode"]


def encode(anchors, gts, spec: CoderSpec) -> np.ndarray:
    """Regression targets that move each anchor onto its GT box.

    Args:
        anchors (ndarray[N, 4]): xyxy pixels, the reference boxes (torchvision "proposals",
            detectron2 "src_boxes", mmdet "bboxes").
        gts (ndarray[N, 4]): xyxy pixels, one target box per anchor.
        spec: the library's coder.

    Returns:
        ndarray[N, 4], float64: the deltas (dx, dy, dw, dh) or, for corner coders, (dx1, dy1, dx2, dy2).
        A zero-size anchor or GT gives inf/NaN exactly where the library does (no warning is printed).

    Raises:
        AnchorVizInputError: bad boxes or different numbers of anchors and GTs.

    Example:
        >>> encode([[0, 0, 10, 10]], [[1, 2, 11, 12]], TORCHVISION_ROI).round(6).tolist()
        [[1.0, 2.0, 0.0, 0.0]]
    """
    _check_spec(spec)
    a = as_boxes(anchors, name="anchors")
    g = as_boxes(gts, name="gts")
    if a.shape[0] != g.shape[0]:
        raise AnchorVizInputError(
            f"gts: expected one GT per anchor ({a.shape[0]} boxes), got {g.shape[0]} boxes"
        )
    dt = np.dtype(spec.dtype)
    a, g = a.astype(dt), g.astype(dt)
    w = np.asarray(spec.weights, dtype=dt)
    mean = np.asarray(spec.means, dtype=dt)
    std = np.asarray(spec.stds, dtype=dt)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a_size = _sizes(a, spec, dt)  # (N, 2): w, h
        if spec.kind == "corner":
            size4 = np.concatenate([a_size, a_size], axis=1)
            t = (w * (g - a)) / size4
        else:
            g_size = _sizes(g, spec, dt)
            shift = (w[:2] * (_centres(g, g_size, spec) - _centres(a, a_size, spec))) / a_size
            scale = w[2:] * _log(dt.type(spec.log_eps) + g_size / a_size)
            t = np.concatenate([shift, scale], axis=1)
        deltas = (t - mean) / std
    return deltas.astype(np.float64)


def decode(anchors, deltas, spec: CoderSpec, *, max_shape: tuple[float, float] | None = None) -> np.ndarray:
    """Boxes predicted by applying ``deltas`` to ``anchors``.

    Args:
        anchors (ndarray[N, 4]): xyxy pixels.
        deltas (ndarray[N, 4]): regression outputs in the spec's encoding.
        spec: the library's coder.
        max_shape: optional image (H, W); clips as ``spec.clip_mode`` says.

    Returns:
        ndarray[N, 4], float64: xyxy pixels. Nothing keeps them ordered: an unclamped coder can return
        a box with x2 < x1 (keras) or of zero height (torchvision with dh = -50), as the library does.

    Raises:
        AnchorVizInputError: bad boxes, deltas not a finite (N, 4) array, a bad ``max_shape``, or a
            ``max_shape`` for a coder that does not clip.

    Example:
        >>> decode([[0, 0, 10, 10]], [[0.0, 0.0, 0.0, -50.0]], TORCHVISION_RPN).tolist()  # no lower clamp
        [[0.0, 5.0, 10.0, 5.0]]
    """
    _check_spec(spec)
    a = as_boxes(anchors, name="anchors")
    d = _as_deltas(deltas, a.shape[0])
    shape = _check_max_shape(max_shape, spec)
    dt = np.dtype(spec.dtype)
    a, d = a.astype(dt), d.astype(dt)
    w = np.asarray(spec.weights, dtype=dt)
    mean = np.asarray(spec.means, dtype=dt)
    std = np.asarray(spec.stds, dtype=dt)
    half = dt.type(0.5)
    with np.errstate(over="ignore", invalid="ignore"):  # only an unclamped coder can overflow, as the library does
        dd = d * std + mean
        a_size = _sizes(a, spec, dt)
        if spec.kind == "corner":
            size4 = np.concatenate([a_size, a_size], axis=1)
            boxes = a + (dd / w) * size4
        else:
            if spec.decode_xy_order == "divide_first":
                shift = (dd[:, :2] / w[:2]) * a_size
            else:
                shift = (dd[:, :2] * a_size) / w[:2]
            if spec.ctr_clamp is not None:
                shift = np.clip(shift, dt.type(-spec.ctr_clamp), dt.type(spec.ctr_clamp))
            dwh = dd[:, 2:] / w[2:]
            if spec.clamp_sides == "upper":
                dwh = np.minimum(dwh, dt.type(spec.dwh_clamp))
            elif spec.clamp_sides == "both":
                dwh = np.clip(dwh, dt.type(-spec.dwh_clamp), dt.type(spec.dwh_clamp))
            centre = shift + _centres(a, a_size, spec)
            size = _exp(dwh) * a_size
            boxes = np.concatenate([centre - half * size, centre + half * size], axis=1)
    if shape is not None:
        h, w_img = shape
        if spec.clip_mode == "wh_minus_1":
            h, w_img = h - 1, w_img - 1
        boxes[:, 0::2] = np.clip(boxes[:, 0::2], dt.type(0), dt.type(w_img))
        boxes[:, 1::2] = np.clip(boxes[:, 1::2], dt.type(0), dt.type(h))
    return boxes.astype(np.float64)


def _sizes(boxes: np.ndarray, spec: CoderSpec, dt: np.dtype) -> np.ndarray:
    """(N, 2) widths and heights in ``dt``, +1 for the legacy convention."""
    size = boxes[:, 2:] - boxes[:, :2]
    if spec.plus_one:
        size = size + dt.type(1.0)
    return size


def _log(x: np.ndarray) -> np.ndarray:
    """log in x's dtype, correctly rounded (computed in float64, then rounded once).

    NumPy's float32 log/exp can be 1 ulp from the correctly rounded value and so can torch's CPU
    kernels, in different places. Against the goldens, rounding from float64 reproduces every exp and
    all logs but one (torch gives log(1.8f) 1 ulp high), where float32 NumPy missed several of both.
    """
    return np.log(x.astype(np.float64)).astype(x.dtype)


def _exp(x: np.ndarray) -> np.ndarray:
    """Correctly rounded exp in x's dtype (see ``_log``); overflows to inf like the library."""
    return np.exp(x.astype(np.float64)).astype(x.dtype)


def _centres(boxes: np.ndarray, size: np.ndarray, spec: CoderSpec) -> np.ndarray:
    """(N, 2) centres in the library's operation order."""
    half = boxes.dtype.type(0.5)
    if spec.centre == "x1_plus_half_w":
        return boxes[:, :2] + half * size
    return (boxes[:, :2] + boxes[:, 2:]) * half


def _check_spec(spec) -> None:
    if not isinstance(spec, CoderSpec):
        names = ", ".join(CODERS)
        raise AnchorVizInputError(f"spec: expected a CoderSpec (presets: {names}), got {type(spec).__name__}")


def _as_deltas(deltas, n: int) -> np.ndarray:
    try:
        d = np.array(deltas, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as e:
        raise AnchorVizInputError(f"deltas: expected numbers in an (N, 4) array, got {type(deltas).__name__}") from e
    if d.size == 0 and n == 0:
        return np.zeros((0, 4), dtype=np.float64)
    if d.ndim != 2 or d.shape != (n, 4):
        raise AnchorVizInputError(f"deltas: expected shape ({n}, 4), one row per anchor, got shape {d.shape}")
    bad = ~np.isfinite(d).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AnchorVizInputError(f"deltas: row {i} has a NaN or infinite value: {d[i].tolist()}")
    return d


def _check_max_shape(max_shape, spec: CoderSpec) -> tuple[float, float] | None:
    if max_shape is None:
        return None
    if spec.clip_mode == "none":
        raise AnchorVizInputError(
            f"max_shape: the {spec.name} coder does not clip to the image, expected None, got {max_shape!r}"
        )
    try:
        hw = np.array(max_shape, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as e:
        raise AnchorVizInputError(f"max_shape: expected (H, W), got {max_shape!r}") from e
    if hw.shape != (2,) or not np.isfinite(hw).all() or (hw <= 0).any():
        raise AnchorVizInputError(f"max_shape: expected (H, W) with two positive numbers, got {max_shape!r}")
    return float(hw[0]), float(hw[1])
