"""Why a GT got no positive anchor, or only low-quality ones, as one sentence in the current language.

The reasons are computed by ``anchorviz.core.diagnose`` (codes with their raw values, cached whatever the
language); here each code becomes its i18n sentence (``diagnose.<code>``) with its values formatted. A value
written next to the threshold it is compared with keeps enough digits for the comparison to stay true
(``fmt_against``: "best IoU 0.698 < 0.7", never "0.70 < 0.7").
"""

from __future__ import annotations

from anchorviz.core.diagnose import ZeroPositive
from anchorviz.core.fmt import fmt_against
from pages.common.i18n import t

__all__ = ["why_text", "why_lines", "fmt_wh"]


def fmt_wh(wh) -> str:
    w, h = (float(v) for v in wh)
    f = (lambda v: f"{v:.0f}" if abs(v - round(v)) < 1e-6 else f"{v:.2f}")
    return f"{f(w)}×{f(h)}"


# how each value of a reason is written when nothing is compared with it
_FORMATS = {
    "gwh": fmt_wh, "fit": fmt_wh, "wh": fmt_wh,
    "best": "{:.2f}".format, "shape_best": "{:.2f}".format, "r": "{:.2f}".format, "lo": "{:.2f}".format,
    "hi": "{:.2f}".format, "thr": "{:g}".format, "min": "{:g}".format, "anchor_t": "{:g}".format,
    "strides": lambda s: "/".join(str(v) for v in s),
}


def _fields(fields: dict) -> dict:
    out = {k: _FORMATS[k](v) if k in _FORMATS else v for k, v in fields.items()}
    # values the sentence compares with a threshold: IoUs with thr, YOLOv5's ratio with anchor_t, an aspect ratio
    # with the nearer end of the anchors' range
    for k in ("best", "shape_best"):
        if k in fields and "thr" in fields:
            out[k] = fmt_against(fields[k], fields["thr"])
    if "r" in fields and "anchor_t" in fields:
        out["r"] = fmt_against(fields["r"], fields["anchor_t"])
    elif "r" in fields and "lo" in fields and "hi" in fields:
        r, lo, hi = fields["r"], fields["lo"], fields["hi"]
        out["r"] = fmt_against(r, lo if r < lo else hi)
    return out


def why_text(z: ZeroPositive) -> str:
    """The sentence shown for ``z``, in the current language: its reasons joined, as one sentence."""
    at = t("diagnose.at", lv=z.level, y=z.cell_y, x=z.cell_x, wh=fmt_wh(z.shape_wh)) if z.anchor >= 0 else ""
    text = t("diagnose.join").join(t(f"diagnose.{r.code}", at=at, **_fields(r.fields)) for r in z.why)
    return t("diagnose.sentence", text=text[:1].upper() + text[1:])


def why_lines(entries, gt_boxes, label_names) -> str:
    """One markdown line per entry (GT, class, w×h, why): the same lines on every page that lists such GTs."""
    return "\n".join(t("labels.zero_line", gt=z.gt, cls=label_names[z.gt],
                       wh=fmt_wh(gt_boxes[z.gt, 2:] - gt_boxes[z.gt, :2]), why=why_text(z)) for z in entries)
