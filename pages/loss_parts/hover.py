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
    loss_all = res.cls_loss if term == "cls" else res.box_loss
    counted = res.counts_cls if term == "cls" else res.counts_box
    giou = res.spec.box_loss == "giou"
    # the texts' templates once (t() looks the language up on every call), then plain str.format per line
    tp = {k: t("loss." + k) for k in ("hv_head", "hv_not_counted", "hv_cls", "hv_box", "hv_more", "background",
                                      "role_pos", "role_neg", "role_ign", "role_ns")}
    roles = {1: tp["role_pos"], 0: tp["role_neg"], -1: tp["role_ign"], -2: tp["role_ns"]}
    term_word = t("loss.term_" + term)
    top = layers.top_loc
    first, count = L.first[top], L.count[top]
    lv_names = [g.name for g in aset.levels]
    out = []
    for j, loc in enumerate(top.tolist()):
        idx = np.arange(first[j], first[j] + count[j])
        head = tp["hv_head"].format(lv=lv_names[int(aset.level[idx[0]])], y=int(aset.cell_y[idx[0]]),
                                    x=int(aset.cell_x[idx[0]]), share=fmt_share(layers.loc_share[loc]),
                                    term=term_word)
        keep = idx[counted[idx]] if term == "box" else idx
        loss_k = loss_all[keep].astype(np.float64)
        order = np.argsort(-loss_k, kind="stable")
        keep, loss_k = keep[order][:MAX_LINES], loss_k[order][:MAX_LINES]
        share_k = loss_k * scale / tm.value if tm.value else np.zeros_like(loss_k)
        box = aset.boxes[keep]
        lines = [head]
        for i, lo, sh, (x0, y0, x1, y1) in zip(keep.tolist(), loss_k.tolist(), share_k.tolist(), box.tolist()):
            size = f"{x1 - x0:.0f}×{y1 - y0:.0f}"
            if term == "cls":
                role = int(res.role[i])
                if role < 0:
                    lines.append(tp["hv_not_counted"].format(size=size, role=roles[role]))
                    continue
                if role == 1:
                    c = int(res.target_class[i])
                    target = class_names[c] if 0 <= c < len(class_names) else str(c)
                else:
                    target = tp["background"]
                lines.append(tp["hv_cls"].format(size=size, role=roles[role], target=target,
                                                 p=f"{float(res.target_prob[i]):.3f}", fg=f"{float(res.fg_prob[i]):.3f}",
                                                 loss=f"{lo:.4g}", share=fmt_share(sh)))
            else:
                if giou and pred_boxes_of is not None:
                    tgt, pred = _vec(res.reg_target[i]), _vec(pred_boxes_of(np.array([i]))[0])
                else:
                    tgt, pred = _vec(res.reg_target[i]), _vec(deltas[i])
                lines.append(tp["hv_box"].format(size=size, gt=int(res.matched_gt[i]), target=tgt, pred=pred,
                                                 loss=f"{lo:.4g}", share=fmt_share(sh)))
        n_keep = int(counted[idx].sum()) if term == "box" else len(idx)
        if n_keep > MAX_LINES:
            lines.append(tp["hv_more"].format(n=n_keep - MAX_LINES))
        out.append("<br>".join(lines))
    return out
