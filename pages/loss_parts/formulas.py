"""The loss formulas of the chosen library with this image's numbers plugged in (LaTeX), and what its normaliser
is and why, in the page's language.

The LaTeX is symbols and numbers only (the same in every language); the sentences around it are translated.
"""

from __future__ import annotations

import math

import streamlit as st

from anchorviz.core.loss import EmaNormaliser, LossResult, LossSpec
from anchorviz.core.loss.elementwise import TORCH_FLOAT32_EPS
from pages.common.i18n import t

R = r"\mathrm"


def num(v: float) -> str:
    """A number for LaTeX: 6 significant digits, powers of ten written out."""
    s = f"{float(v):.6g}"
    if "e" in s:
        m, e = s.split("e")
        return rf"{m}\times10^{{{int(e)}}}"
    return s


def cls_element(spec: LossSpec) -> str:
    """The per-anchor classification loss, summed over the anchor's columns c."""
    a, g = num(spec.alpha), num(spec.gamma)
    if spec.cls_loss == "softmax_ce":
        return rf"\ell_{{{R}{{cls}}}}(i) = -\log \frac{{e^{{x_{{i,y_i}}}}}}{{\sum_c e^{{x_{{i,c}}}}}}"
    if spec.cls_loss == "bce":
        return (rf"\ell_{{{R}{{cls}}}}(i) = \sum_c -\left[y_c \log \sigma(x_c) + (1 - y_c) \log(1 - \sigma(x_c))"
                r"\right]")
    at = (r"\alpha_t = \alpha y + (1-\alpha)(1-y),\ \alpha = " + a if spec.alpha >= 0 else
          r"\alpha_t = 1\ (\alpha = " + a + r" < 0)")
    if spec.cls_loss == "focal_keras":
        return (rf"\ell_{{{R}{{cls}}}}(i) = \sum_c -\alpha_t (1 - p_t)^{{\gamma}} \log\left(\tilde p_t + 10^{{-7}}"
                rf"\right),\ \tilde p = {R}{{clip}}(p, 10^{{-7}}, 1 - 10^{{-7}}),\ {at},\ \gamma = {g}")
    return (rf"\ell_{{{R}{{cls}}}}(i) = \sum_c -\alpha_t (1 - p_t)^{{\gamma}} \log p_t,\ p = \sigma(x),\ {at},"
            rf"\ \gamma = {g}")


def box_element(spec: LossSpec) -> str:
    """The per-anchor box loss of a positive (d = predicted - target deltas)."""
    lhs = rf"\ell_{{{R}{{box}}}}(i) = "
    if spec.box_loss == "giou":
        return lhs + rf"1 - {R}{{GIoU}}\left({R}{{decode}}(\hat t_i, a_i),\ g_i\right),\ \epsilon = {num(spec.giou_eps)}"
    if spec.box_loss == "l1" or (spec.smooth_l1_form == "fvcore" and spec.beta < 1e-5):
        extra = rf",\ \beta = {num(spec.beta)} < 10^{{-5}}" if spec.box_loss == "smooth_l1" else ""
        return lhs + r"\sum_{j=1}^{4} |d_j|,\ d = \hat t_i - t_i" + extra
    if spec.smooth_l1_form == "keras":
        s = num(spec.sigma)
        return lhs + (r"\sum_j \begin{cases} 0.5\,\sigma^2 d_j^2 & |d_j| < 1/\sigma^2 \\ |d_j| - 0.5/\sigma^2 & "
                      rf"|d_j| \ge 1/\sigma^2 \end{{cases}},\ \sigma = {s}")
    b = num(spec.beta)
    return lhs + (r"\sum_j \begin{cases} 0.5\,d_j^2/\beta & |d_j| < \beta \\ |d_j| - 0.5\,\beta & |d_j| \ge \beta "
                  rf"\end{{cases}},\ \beta = {b}")


def normaliser_latex(res: LossResult) -> list[str]:
    """N_cls and N_box as the library computes them, with this image's counts."""
    spec, kind = res.spec, res.spec.normaliser
    ins = res.cls.normaliser.inputs
    pos, neg = res.counts["positive"], res.counts["negative"]
    both = rf"N_{{{R}{{cls}}}} = N_{{{R}{{box}}}} = "
    nv = num(res.cls.normaliser.value)
    if kind in ("tv_retinanet", "keras_pos", "tv_fcos"):
        return [both + rf"\max(1, \#{R}{{pos}}) = \max(1, {pos}) = {nv}"]
    if kind in ("tv_rpn", "tv_roi"):
        return [both + rf"\#{R}{{pos}}_s + \#{R}{{neg}}_s = {pos} + {neg} = {nv}"]
    if kind in ("mmdet_pos", "mmdet_pos_neg"):
        parts = rf"\max(\#{R}{{pos}}, 1)" + (rf" + \max(\#{R}{{neg}}, 1)" if kind == "mmdet_pos_neg" else "")
        vals = rf"\max({pos}, 1)" + (rf" + \max({neg}, 1)" if kind == "mmdet_pos_neg" else "")
        return [both + rf"{parts} + \epsilon = {vals} + {num(TORCH_FLOAT32_EPS)} = {nv}"]
    if kind == "d2_rpn":
        bs, n_img = ins["batch_size_per_image"], ins["images"]
        return [both + rf"B \cdot I = {bs} \cdot {n_img} = {nv}\quad (\#{R}{{sampled}} = {ins['#sampled']})"]
    if kind == "d2_ema":
        m, init = num(spec.ema_momentum), num(spec.ema_initial)
        before = init if ins.get("before") is None else num(ins["before"])
        return [both + rf"{m} \cdot N_{{{R}{{old}}}} + {num(1 - spec.ema_momentum)} \cdot \max(\#{R}{{pos}}, 1)"
                rf" = {m} \cdot {before} + {num(1 - spec.ema_momentum)} \cdot \max({pos}, 1) = {nv}"]
    if kind == "d2_roi":
        return [rf"N_{{{R}{{cls}}}} = \#{R}{{RoI}} = {num(res.cls.normaliser.value)},\ "
                rf"N_{{{R}{{box}}}} = \max(\#{R}{{RoI}}, 1) = {num(res.box.normaliser.value)}"]
    a = ins.get("#anchors", 0)  # d2l_mean
    return [rf"N_{{{R}{{cls}}}} = A = {a},\quad N_{{{R}{{box}}}} = 4A = {4 * a}"]


def term_latex(res: LossResult) -> list[str]:
    """The two reported terms and the total, with the sums, normalisers and weights plugged in."""
    sub = {"cls": r"i \in " + R + r"{pos} \cup " + R + r"{neg}", "box": r"i \in " + R + "{pos}"}
    out = []
    for name, term in (("cls", res.cls), ("box", res.box)):
        out.append(rf"L_{{{R}{{{name}}}}} = \lambda_{{{R}{{{name}}}}} \frac{{\sum_{{{sub[name]}}} "
                   rf"\ell_{{{R}{{{name}}}}}(i)}}{{N_{{{R}{{{name}}}}}}} = {num(term.weight)} \cdot "
                   rf"\frac{{{num(term.raw_sum)}}}{{{num(term.normaliser.value)}}} = {num(term.value)}")
    out.append(rf"L = L_{{{R}{{cls}}}} + L_{{{R}{{box}}}} = {num(res.cls.value)} + {num(res.box.value)} = "
               rf"{num(res.total)}")
    return out


def ema_text(res: LossResult) -> str:
    """detectron2 RetinaNet: what its moving-average normaliser gives over the first iterations, and why."""
    spec = res.spec
    pos = max(res.counts["positive"], 1)
    seq = EmaNormaliser(spec.ema_initial, spec.ema_momentum).first_iterations(res.counts["positive"], 5)
    gap = abs(spec.ema_initial - pos)
    k = 0 if gap <= 0.05 * pos else math.ceil(math.log(0.05 * pos / gap) / math.log(spec.ema_momentum))
    return t("loss.ema_text", init=f"{spec.ema_initial:g}", m=f"{spec.ema_momentum:g}", pos=res.counts["positive"],
             seq=", ".join(f"{v:.5g}" for v in seq), k=k, ratio=f"{seq[0] / pos:.3g}")


def show(res: LossResult) -> None:
    """The formulas section of the page."""
    spec = res.spec
    st.markdown(f"**{t('loss.fx_head', title=spec.title)}**")
    st.latex(cls_element(spec))
    st.latex(box_element(spec))
    for line in normaliser_latex(res):
        st.latex(line)
    st.markdown(t("loss.norm_" + spec.normaliser))
    if spec.normaliser == "d2_ema":
        st.markdown(ema_text(res))
    for line in term_latex(res):
        st.latex(line)
    st.caption(t("loss.fx_dtype"))
