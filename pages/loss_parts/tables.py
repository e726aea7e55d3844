"""The classification breakdown chart and the per-GT table of the Loss page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from anchorviz import viz
from anchorviz.core.diagnose import GTMatch
from anchorviz.core.loss import LossResult
from pages.common import chart
from pages.common.i18n import t
from pages.loss_parts.hover import fmt_share

BREAKDOWN_KEY = "loss_breakdown"
GROUP_KEYS = ("loss.g_pos", "loss.g_hard", "loss.g_easy")  # Breakdown.groups order


def breakdown(res: LossResult) -> None:
    """Positives / hard / easy negatives: their share of the classification term at the chosen gamma and at 0."""
    bd = res.breakdown
    focal = res.spec.is_focal and bd.gamma != 0
    groups = [t("loss.bd_group", name=t(k), n=f"{g.count:,}") for k, g in zip(GROUP_KEYS, bd.groups)]
    shares = [100 * g.share for g in bd.groups]
    texts = [f"{100 * g.share:.1f}%" for g in bd.groups]
    hover = [t("loss.bd_bar", share=fmt_share(g.share), loss=f"{g.loss:.4g}") for g in bd.groups]
    gamma = f"{bd.gamma:g}"
    if focal:
        title = t("loss.bd_title", gamma=gamma)
        shares0 = [100 * g.share_gamma0 for g in bd.groups]
        texts0 = [f"{100 * g.share_gamma0:.1f}%" for g in bd.groups]
        hover0 = [t("loss.bd_bar", share=fmt_share(g.share_gamma0), loss=f"{g.loss_gamma0:.4g}") for g in bd.groups]
    else:
        title = t("loss.bd_title_plain")
        shares0 = texts0 = hover0 = None
    fig = viz.breakdown_figure(groups, shares, shares0, texts=texts, texts_gamma0=texts0, hover=hover,
                               hover_gamma0=hover0, gamma_name=t("loss.bd_gamma", gamma=gamma), gamma0_name=t("loss.bd_gamma0"),
                               title=title, subtitle=t("loss.bd_sub", thr=f"{bd.hard_threshold:g}"),
                               y_title=t("loss.bd_y"))
    chart.show(fig, key=BREAKDOWN_KEY)
    notes = [t("loss.bd_def", thr=f"{bd.hard_threshold:g}")]
    if focal:
        easy, easy0 = bd.groups[2].share, bd.groups[2].share_gamma0
        notes.append(t("loss.bd_focal_note", easy=fmt_share(easy), easy0=fmt_share(easy0), gamma=gamma))
    elif not res.spec.is_focal:
        notes.append(t("loss.bd_not_focal"))
    st.caption(" ".join(notes))


def per_gt(res: LossResult, gt_texts: list[str], *, kinds: np.ndarray, lq_why: dict[int, str], pos: str) -> None:
    """Per GT: positives, summed box loss, its part and share of the box term; GTs without a positive flagged, and
    GTs positive only by the low-quality rule (``kinds``: the core's GTMatch per GT, as on the Labels page) flagged
    and counted apart: a box loss from weakly overlapping anchors is not a success (issue 16)."""
    pg = res.per_gt
    m = len(pg.positives)
    st.markdown(f"**{t('loss.gt_head')}**")
    if not m:
        st.info(t("loss.gt_none"))
        return
    lq = (np.asarray(kinds) == GTMatch.LOW_QUALITY) & ~pg.no_positive  # a GT the sampler emptied is counted as zero
    sampled = res.spec.sampler is not None
    cols = {"GT": gt_texts, t("loss.col_pos_sampled" if sampled else "loss.col_pos"): pg.positives}
    if sampled:  # before sampling; without a sampler it equals the positives
        cols[t("loss.col_assigned")] = pg.assigned
    cols.update({t("loss.col_box_sum"): [f"{v:.4g}" for v in pg.box_loss_sum.astype(np.float64)],
                 t("loss.col_share"): [fmt_share(s) for s in pg.share],
                 t("loss.col_flag"): [t("loss.flag_none") if z else t("labels.match_lq") if q else ""
                                      for z, q in zip(pg.no_positive, lq)]})
    st.dataframe(pd.DataFrame(cols), hide_index=True, width="stretch", height=min(420, 38 + 35 * m))
    zero = np.flatnonzero(pg.no_positive)
    if len(zero):
        names = ", ".join(gt_texts[i] for i in zero[:12]) + (" …" if len(zero) > 12 else "")
        st.warning(t("loss.gt_warn", n=len(zero), m=m, names=names))
        dropped = [i for i in zero if pg.assigned[i] > 0]
        if dropped:
            st.caption(t("loss.gt_sampled_out", n=len(dropped)))
    if lq.any():
        st.warning(t("labels.lq_warning", k=int(lq.sum()), n=m, pos=pos))
        st.markdown("\n".join(lq_why[i] for i in np.flatnonzero(lq) if i in lq_why))
    if not len(zero) and not lq.any():
        st.success(t("loss.gt_all", m=m))
