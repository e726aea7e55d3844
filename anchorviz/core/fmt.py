"""Numbers written for people: rounded for reading, never so far that a stated comparison turns false.

One place for the rules, used by the core's explanations and by the pages (the core never imports the pages):

* ``fmt_against(value, threshold)``: a value shown next to the threshold it is compared with ("best IoU 0.698 <
  0.7", not "0.70 < 0.7");
* ``fmt_display(value)``: a value shown on its own (a knob field: "40.32" for 40.31747359663594);
* ``fmt_float32(value)``: the shortest text that gives the libraries the same number. They build anchors in
  float32 (torch's default dtype; keras-retinanet casts to floatx), so a text whose float32 equals the value's
  float32 makes exactly the anchors the value makes there.

>>> fmt_against(0.698, 0.7), fmt_display(40.31747359663594), fmt_float32(40.31747359663594)
('0.698', '40.32', '40.317474')
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["fmt_against", "fmt_display", "fmt_float32"]

_MAX_DECIMALS = 17  # a float64 needs at most 17 significant digits to read back unchanged


def _fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, trailing zeros (and a bare point) dropped, "-0" written "0"."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _special(value: float) -> str | None:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return None


def fmt_against(value: float, threshold: float, *, digits: int = 2) -> str:
    """``value`` with at least ``digits`` decimals, and more when fewer would round it onto or across ``threshold``:
    the text compares with the threshold as the value does (below, equal or above).

    >>> fmt_against(0.14, 0.5), fmt_against(0.698, 0.7), fmt_against(0.6999, 0.7), fmt_against(0.4, 0.5)
    ('0.14', '0.698', '0.6999', '0.40')
    """
    value, threshold = float(value), float(threshold)
    special = _special(value)
    if special is not None:
        return special
    side = (value > threshold) - (value < threshold)
    for d in range(digits, _MAX_DECIMALS + 1):
        text = f"{value:.{d}f}"
        shown = float(text)
        if (shown > threshold) - (shown < threshold) == side:
            return text
    return repr(value)


def fmt_display(value: float, *, digits: int = 2) -> str:
    """``value`` with at most ``digits`` decimals, trailing zeros dropped ("40.32", "32", "0.5"); a value so small
    that this would read 0 keeps two significant digits ("0.0004") rather than lose its size.

    >>> fmt_display(40.31747359663594), fmt_display(32.0), fmt_display(1.2599210498948732), fmt_display(0.0004)
    ('40.32', '32', '1.26', '0.0004')
    """
    value = float(value)
    special = _special(value)
    if special is not None:
        return special
    text = _fixed(value, digits)
    if text == "0" and value != 0:
        decimals = min(_MAX_DECIMALS, -math.floor(math.log10(abs(value))) + 1)
        text = _fixed(value, decimals)
    return text


def fmt_float32(value: float) -> str:
    """The shortest fixed-point text whose float32 is ``value``'s float32 (what the libraries compute with).

    >>> fmt_float32(32.0), fmt_float32(2 ** (1 / 3)), fmt_float32(812.7493386077181)
    ('32', '1.25992105', '812.7493')
    """
    value = float(value)
    special = _special(value)
    if special is not None:
        return special
    target = np.float32(value)
    for d in range(0, _MAX_DECIMALS + 1):
        text = _fixed(value, d)
        if np.float32(float(text)) == target:
            return text
    return repr(value)
