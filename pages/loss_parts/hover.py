"""Hover texts of the Loss figure: per hovered location, its anchors with target, prediction and loss.

Only the locations that carry the most loss get one (``LossLayers.top_loc``, a few hundred), so the texts cost a
few milliseconds whatever the anchor count.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.loss import LossResult
from anchorviz.core.loss_layers import LossLayers, locations
from pages.common.i18n import t

MAX_LINES = 4  # anchors listed per location (the most loss first)
_ROLE = {1: "loss.role_pos", 0: "loss.role_neg", -1: "loss.role_ign", -2: "loss.role_ns"}


def fmt_share(share: float) -> str:
    """A share of a term as a percentage, readable from 100 % down to the easy negatives' 0.00001 %."""
    pct = 100.0 * float(share)
    return f"{pct:.2f}%" if pct >= 0.1 else f"{pct:.2g}%"


def _vec(v) -> str:
    return "(" + ", ".join(f"{float(x):.3g}" for x in v) + ")"


def hover_texts(aset: AnchorSet, layers: LossLayers, res: LossResult, term: str, class_names: tuple,
                deltas: np.ndarray, pred_boxes_of=None) -> list[str]:
    """One text per ``layers.top_loc`` location (plotly <br> line breaks).

    Args:
        term: "cls" or "box".
        class_names: the dataset's class names (a positive's target).
        deltas: (N, 4) the head's box outputs.
        pred_boxes_of: callable (anchor indices) -> decoded boxes, for GIoU's target and prediction.
    """
    L = locations(aset)
    tm = res.cls if term == "cls" else res.box
    scale = tm.weight / tm.normaliser.value if tm.normaliser.value else 0.0
    per_anchor = (res.cls_loss if term == "cls" else res.box_loss).astype(np.float64) * scale
    share = per_anchor / tm.value if tm.value else np.zeros_like(per_anchor)
    counted = res.counts_cls if term == "cls" else res.counts_box
    wh = aset.boxes[:, 2:] - aset.boxes[:, :2]
    giou = res.spec.box_loss == "giou"
    term_word = t("loss.term_" + term)
    out = []
    for loc in layers.top_loc.tolist():
        first, n = int(L.first[loc]), int(L.count[loc])
        idx = np.arange(first, first + n)
        lv = aset.levels[int(aset.level[first])].name
        head = t("loss.hv_head", lv=lv, y=int(aset.cell_y[first]), x=int(aset.cell_x[first]),
                 share=fmt_share(layers.loc_share[loc]), term=term_word)
        keep = idx[counted[idx]] if term == "box" else idx
        keep = keep[np.argsort(-per_anchor[keep], kind="stable")]
        lines = [head]
        for i in keep[:MAX_LINES].tolist():
            size = f"{wh[i, 0]:.0f}×{wh[i, 1]:.0f}"
            if term == "cls":
                role = int(res.role[i])
                if role == 1:
                    c = int(res.target_class[i])
                    target = class_names[c] if 0 <= c < len(class_names) else str(c)
                elif role == 0:
                    target = t("loss.background")
                else:
                    target = "—"
                if role < 0:
                    lines.append(t("loss.hv_not_counted", size=size, role=t(_ROLE[role])))
                    continue
                lines.append(t("loss.hv_cls", size=size, role=t(_ROLE[role]), target=target,
                               p=f"{float(res.target_prob[i]):.3f}", fg=f"{float(res.fg_prob[i]):.3f}",
                               loss=f"{float(res.cls_loss[i]):.4g}", share=fmt_share(share[i])))
            else:
                g = int(res.matched_gt[i])
                if giou and pred_boxes_of is not None:
                    tgt, pred = _vec(res.reg_target[i]), _vec(pred_boxes_of(np.array([i]))[0])
                else:
                    tgt, pred = _vec(res.reg_target[i]), _vec(deltas[i])
                lines.append(t("loss.hv_box", size=size, gt=g, target=tgt, pred=pred,
                               loss=f"{float(res.box_loss[i]):.4g}", share=fmt_share(share[i])))
        if len(keep) > MAX_LINES:
            lines.append(t("loss.hv_more", n=len(keep) - MAX_LINES))
        out.append("<br>".join(lines))
    return out
