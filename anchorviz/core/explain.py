"""The box-coding formulas of a CoderSpec, filled in with actual numbers, as LaTeX lines.

The numbers shown come from the same arithmetic as ``anchorviz.core.coding.codec`` (the final deltas and
boxes are ``encode`` / ``decode``'s own results); intermediate values are shown rounded to 4 places.

>>> from anchorviz.core.coding.presets import TORCHVISION_RPN
>>> e = explain_encode([0, 0, 10, 10], [1, 2, 11, 12], TORCHVISION_RPN)
>>> [round(float(v), 4) for v in e.values]
[0.1, 0.2, 0.0, 0.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from anchorviz.core.coding.spec import CoderSpec
from anchorviz.core.coding.codec import decode, encode
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["Explanation", "explain_encode", "explain_decode"]


@dataclass(frozen=True)
class Explanation:
    """Worked formulas.

    Attributes:
        values: the result, float64 (4,): deltas (tx, ty, tw, th) for encode, a box (x1, y1, x2, y2) for decode.
        latex: one LaTeX line per step, numbers filled in.
        clamped: for decode, which quantities a clamp changed: name -> (before, after).
    """

    values: np.ndarray
    latex: list[str]
    clamped: dict[str, tuple[float, float]] = field(default_factory=dict)


def _f(v: float) -> str:
    if not math.isfinite(v):
        return r"\infty" if v > 0 else (r"-\infty" if v < 0 else r"\mathrm{NaN}")
    if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
        m, e = f"{v:.3e}".split("e")
        return rf"{m}\times 10^{{{int(e)}}}"
    return f"{v:.4f}".rstrip("0").rstrip(".") if "." in f"{v:.4f}" else f"{v:.4f}"


def _wdiv(w: float) -> str:
    return rf"/{_f(w)}" if w != 1 else ""


def _box(b, name: str) -> np.ndarray:
    a = np.asarray(b, np.float64).reshape(-1)
    if a.shape != (4,) or not np.isfinite(a).all():
        raise AnchorVizInputError(f"{name}: expected four finite numbers x1, y1, x2, y2, got {b!r}")
    return a


def _geometry(b: np.ndarray, spec: CoderSpec):
    p = 1.0 if spec.plus_one else 0.0
    w, h = b[2] - b[0] + p, b[3] - b[1] + p
    if spec.centre == "x1_plus_half_w":
        cx, cy = b[0] + 0.5 * w, b[1] + 0.5 * h
    else:
        cx, cy = (b[0] + b[2]) * 0.5, (b[1] + b[3]) * 0.5
    return w, h, cx, cy


def _norm(i: int, spec: CoderSpec) -> tuple[str, str]:
    """The '- mean) / std' decoration of delta i, empty where it is the identity."""
    mean, std = spec.means[i], spec.stds[i]
    pre = r"\left(" if (mean or std != 1) else ""
    post = ""
    if mean:
        post += rf" - {_f(mean)}"
    if pre:
        post += r"\right)"
    if std != 1:
        post += rf" / {_f(std)}"
    return pre, post


def explain_encode(anchor, gt, spec: CoderSpec) -> Explanation:
    """How ``spec`` encodes ``gt`` relative to ``anchor`` (both xyxy pixels), with the numbers."""
    a, g = _box(anchor, "anchor"), _box(gt, "gt")
    d = encode(a[None], g[None], spec)[0]
    lines = []
    plus = " + 1" if spec.plus_one else ""
    if spec.kind == "corner":
        aw, ah = a[2] - a[0], a[3] - a[1]
        lines.append(rf"a_w = x_2 - x_1 = {_f(aw)},\quad a_h = y_2 - y_1 = {_f(ah)}")
        names = [("x_1", 0, aw), ("y_1", 1, ah), ("x_2", 2, aw), ("y_2", 3, ah)]
        for i, (n, j, size) in enumerate(names):
            pre, post = _norm(i, spec)
            lines.append(rf"t_{{{n}}} = {pre}\frac{{g_{{{n}}} - a_{{{n}}}}}{{a_{'w' if j % 2 == 0 else 'h'}}}{post}"
                         rf" = {pre}\frac{{{_f(g[j])} - {_f(a[j])}}}{{{_f(size)}}}{post} = {_f(d[i])}")
        return Explanation(values=d, latex=lines)
    aw, ah, acx, acy = _geometry(a, spec)
    gw, gh, gcx, gcy = _geometry(g, spec)
    lines.append(rf"a_w = x_2 - x_1{plus} = {_f(aw)},\ a_h = {_f(ah)},\ a_{{cx}} = {_f(acx)},\ a_{{cy}} = {_f(acy)}")
    lines.append(rf"g_w = {_f(gw)},\ g_h = {_f(gh)},\ g_{{cx}} = {_f(gcx)},\ g_{{cy}} = {_f(gcy)}")
    wx, wy, ww, wh = spec.weights
    for i, (n, w, num, den, gnum, anum) in enumerate(
        [("x", wx, "g_{cx} - a_{cx}", "a_w", gcx, acx), ("y", wy, "g_{cy} - a_{cy}", "a_h", gcy, acy)]
    ):
        pre, post = _norm(i, spec)
        wtxt = f"{_f(w)} \\cdot " if w != 1 else ""
        size = aw if n == "x" else ah
        lines.append(rf"t_{n} = {pre}{wtxt}\frac{{{num}}}{{{den}}}{post} = {pre}{wtxt}\frac{{{_f(gnum)} - {_f(anum)}}}"
                     rf"{{{_f(size)}}}{post} = {_f(d[i])}")
    eps = rf"{_f(spec.log_eps)} + " if spec.log_eps else ""
    for i, (n, w, gs, as_, gv, av) in enumerate([("w", ww, "g_w", "a_w", gw, aw), ("h", wh, "g_h", "a_h", gh, ah)], start=2):
        pre, post = _norm(i, spec)
        wtxt = f"{_f(w)} \\cdot " if w != 1 else ""
        lines.append(rf"t_{n} = {pre}{wtxt}\log\left({eps}\frac{{{gs}}}{{{as_}}}\right){post} = "
                     rf"{pre}{wtxt}\log\left({eps}\frac{{{_f(gv)}}}{{{_f(av)}}}\right){post} = {_f(d[i])}")
    return Explanation(values=d, latex=lines)


def explain_decode(anchor, deltas, spec: CoderSpec, *, max_shape: tuple[float, float] | None = None) -> Explanation:
    """How ``spec`` turns ``deltas`` on ``anchor`` into a box, with the numbers and the clamps that bite."""
    a = _box(anchor, "anchor")
    d = np.asarray(deltas, np.float64).reshape(-1)
    if d.shape != (4,) or not np.isfinite(d).all():
        raise AnchorVizInputError(f"deltas: expected four finite numbers, got {deltas!r}")
    box = decode(a[None], d[None], spec, max_shape=max_shape)[0]
    lines, clamped = [], {}
    dd = d * np.asarray(spec.stds) + np.asarray(spec.means)
    if spec.kind == "corner":
        aw, ah = a[2] - a[0], a[3] - a[1]
        for i, (n, size) in enumerate([("x_1", aw), ("y_1", ah), ("x_2", aw), ("y_2", ah)]):
            mul = rf"({_f(d[i])} \cdot {_f(spec.stds[i])} + {_f(spec.means[i])})" if (spec.stds[i] != 1 or spec.means[i]) else _f(d[i])
            lines.append(rf"{n} = a_{{{n}}} + {mul} \cdot a_{'w' if i % 2 == 0 else 'h'} = {_f(a[i])} + {_f(dd[i])} \cdot {_f(size)}"
                         rf" = {_f(box[i])}")
        return Explanation(values=box, latex=lines, clamped=clamped)
    aw, ah, acx, acy = _geometry(a, spec)
    wx, wy, ww, wh = spec.weights
    if spec.stds != (1.0, 1.0, 1.0, 1.0) or any(spec.means):
        lines.append(r"d' = d \cdot \sigma + \mu = (" + ", ".join(_f(v) for v in dd) + ")")
    sx, sy = dd[0] / wx * aw, dd[1] / wy * ah
    if spec.ctr_clamp is not None:
        for name, v in (("shift_x", sx), ("shift_y", sy)):
            c = float(np.clip(v, -spec.ctr_clamp, spec.ctr_clamp))
            if c != v:
                clamped[name] = (float(v), c)
        sx, sy = np.clip([sx, sy], -spec.ctr_clamp, spec.ctr_clamp)
    dw, dh = dd[2] / ww, dd[3] / wh
    for name, v in (("dw", dw), ("dh", dh)):
        if spec.clamp_sides == "none":
            continue
        c = min(v, spec.dwh_clamp) if spec.clamp_sides == "upper" else float(np.clip(v, -spec.dwh_clamp, spec.dwh_clamp))
        if c != v:
            clamped[name] = (float(v), float(c))
    lines.append(rf"c_x = d_x{_wdiv(wx)} \cdot a_w + a_{{cx}} = {_f(dd[0] / wx)} \cdot {_f(aw)} + {_f(acx)} = {_f(float(sx + acx))}")
    lines.append(rf"c_y = d_y{_wdiv(wy)} \cdot a_h + a_{{cy}} = {_f(dd[1] / wy)} \cdot {_f(ah)} + {_f(acy)} = {_f(float(sy + acy))}")
    for name, v, size, wv in (("w", dw, aw, ww), ("h", dh, ah, wh)):
        key = "d" + name
        shown = clamped[key][1] if key in clamped else v
        note = rf"\ (\text{{clamped from }} {_f(clamped[key][0])})" if key in clamped else ""
        lines.append(rf"{name} = \exp(d_{name}{_wdiv(wv)}) \cdot a_{name} = \exp({_f(shown)}){note} \cdot {_f(size)}"
                     rf" = {_f(float(np.exp(shown) * size))}")
    lines.append(r"(x_1, y_1, x_2, y_2) = (c_x - w/2,\ c_y - h/2,\ c_x + w/2,\ c_y + h/2) = ("
                 + ", ".join(_f(v) for v in box) + ")")
    return Explanation(values=box, latex=lines, clamped=clamped)
