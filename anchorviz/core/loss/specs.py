"""Each library's training loss as data: one :class:`LossSpec` per library and head kind.

Like ``conventions.py`` for anchors, everything that differs between the libraries' losses is a field here, so the
loss code never branches on a library's name. Defaults are the libraries' shipped defaults (LOSSES.md, pinned by
the loss goldens): torchvision RetinaNet trains with L1 (its ``smooth_l1`` option uses beta 1.0), its RPN and RoI
heads with smooth-L1 beta 1/9; detectron2's RPN/RoI default beta 0 means L1, its RetinaNet beta 0.1; mmdet 3.x
configs use L1 everywhere; keras-retinanet's smooth-L1 is sigma 3 (beta 1/9); d2l uses L1.

``LOSS_SPECS`` is keyed "library/head". ``LossSpec.with_overrides`` is how the page applies the user's loss type,
alpha, gamma, beta/sigma and lambda: it validates against what *that* library accepts and raises
AnchorVizInputError saying what was expected and what arrived.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Literal

from anchorviz.core.loss.scores import ClsKind
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["LossSpec", "LOSS_SPECS", "get_loss_spec", "loss_specs_for", "loss_spec_for_preset", "PRESET_HEADS",
           "BoxKind", "NormKind"]

BoxKind = Literal["l1", "smooth_l1", "giou"]
NormKind = Literal["tv_retinanet", "tv_rpn", "tv_roi", "tv_fcos", "mmdet_pos", "mmdet_pos_neg", "d2_rpn", "d2_ema",
                   "d2_roi", "keras_pos", "d2l_mean"]
_BOX_KINDS = ("l1", "smooth_l1", "giou")
_NORM_KINDS = ("tv_retinanet", "tv_rpn", "tv_roi", "tv_fcos", "mmdet_pos", "mmdet_pos_neg", "d2_rpn", "d2_ema", "d2_roi",
               "keras_pos", "d2l_mean")
Columns = Literal["label_col", "class_col", "objectness", "softmax_bg0", "softmax_bg_last"]


@dataclass(frozen=True, kw_only=True)
class LossSpec:
    """One library's loss for one head kind.

    Attributes:
        key: "library/head", the key in ``LOSS_SPECS``.
        library: the convention name (``anchorviz.conventions``).
        head: "retinanet", "rpn", "ssd" (d2l), "roi" (Fast R-CNN box head) or "fcos".
        title: what the UI shows.
        cls_loss: the classifier's loss kind (``scores.CLS_KINDS``).
        box_loss: "l1", "smooth_l1" or "giou" (GIoU decodes the deltas first).
        box_losses: the box losses this library/head can be configured with.
        alpha, gamma: focal parameters (unused by BCE / CE).
        alpha_may_disable: the library reads alpha < 0 as "no alpha weighting" (torchvision, fvcore); the others
            need alpha in [0, 1].
        beta: smooth-L1 beta (keras: derived, 1/sigma**2).
        sigma: keras-retinanet's smooth-L1 sigma; None elsewhere.
        smooth_l1_form: "torch" (torchvision, mmdet), "fvcore" (detectron2: beta < 1e-5 is L1), "keras" (sigma).
        giou_eps, giou_form: 1e-7 "torchvision" (torchvision, fvcore) or 1e-6 "mmdet".
        lambda_cls, lambda_box: loss weights multiplied into each term.
        normaliser: how the sums become the reported loss (see ``rules.normalise``).
        columns: how targets map to class columns: "label_col" (torchvision RetinaNet: column = class + 1, column 0
            is a background slot that is never a target), "class_col" (mmdet, detectron2, keras: column = class,
            background = no column), "objectness" (one RPN column), "softmax_bg0" (d2l, torchvision RoI: background
            is column 0, class c is column c + 1), "softmax_bg_last" (detectron2 RoI: background is column K).
        sampler: (batch_size_per_image, positive_fraction) when the head trains on a sampled minibatch, else None.
        sampler_rule: ``anchorviz.sampling`` rule of that sampler.
        ema_initial, ema_momentum: detectron2 RetinaNet's moving-average normaliser.
        init_prior: the untrained head's foreground probability (RetinaNet's bias init prior 0.01; zero-init
            heads give logit 0, i.e. 0.5 for a sigmoid). Used by the simulated head.
        note: one line for the UI on what is special about this loss.
    """

    key: str
    library: str
    head: Literal["retinanet", "rpn", "ssd", "roi", "fcos"]
    title: str
    cls_loss: ClsKind
    box_loss: BoxKind
    box_losses: tuple[str, ...]
    alpha: float = 0.25
    gamma: float = 2.0
    alpha_may_disable: bool = False
    beta: float = 0.0
    sigma: float | None = None
    smooth_l1_form: Literal["torch", "fvcore", "keras"] = "torch"
    giou_eps: float = 1e-7
    giou_form: Literal["torchvision", "mmdet"] = "torchvision"
    lambda_cls: float = 1.0
    lambda_box: float = 1.0
    normaliser: NormKind
    columns: Columns = "class_col"
    sampler: tuple[int, float] | None = None
    sampler_rule: str = ""
    ema_initial: float = 100.0
    ema_momentum: float = 0.9
    init_prior: float = 0.5
    note: str = ""

    def __post_init__(self) -> None:
        from anchorviz.core.loss.scores import CLS_KINDS

        for name, value, allowed in (("cls_loss", self.cls_loss, CLS_KINDS), ("box_loss", self.box_loss, _BOX_KINDS),
                                     ("normaliser", self.normaliser, _NORM_KINDS)):
            if value not in allowed:
                raise AnchorVizInputError(f"{name}: expected one of {', '.join(allowed)}, got {value!r}")

    @property
    def is_focal(self) -> bool:
        return self.cls_loss.startswith("focal")

    def with_overrides(self, *, cls_loss: str | None = None, box_loss: str | None = None, alpha: float | None = None,
                       gamma: float | None = None, beta: float | None = None, sigma: float | None = None,
                       lambda_cls: float | None = None, lambda_box: float | None = None) -> "LossSpec":
        """This spec with the user's choices, validated for this library.

        ``cls_loss`` is "focal", "bce" (sigmoid heads) or "softmax_ce" (softmax heads); it maps to this library's
        own implementation. ``beta`` and ``sigma`` are alternatives for keras-retinanet (beta = 1/sigma**2).

        Raises:
            AnchorVizInputError: a value this library does not accept (what was expected, what arrived).
        """
        ch: dict = {}
        if cls_loss is not None:
            ch["cls_loss"] = self._cls_kind(cls_loss)
        if box_loss is not None:
            if box_loss not in self.box_losses:
                raise AnchorVizInputError(f"box loss: {self.title} supports {', '.join(self.box_losses)}, "
                                          f"got {box_loss!r}")
            ch["box_loss"] = box_loss
        if alpha is not None:
            ch["alpha"] = self._check_alpha(alpha)
        if gamma is not None:
            ch["gamma"] = _number(gamma, "gamma", "a number >= 0 (0 turns focal loss into cross-entropy)", lo=0.0)
        if sigma is not None:
            if self.smooth_l1_form != "keras":
                raise AnchorVizInputError(f"sigma: only keras-retinanet's smooth-L1 has sigma; {self.title} uses beta")
            s = _number(sigma, "sigma", "a number > 0 (keras-retinanet default 3, i.e. beta 1/9)", lo=0.0, open_lo=True)
            ch.update(sigma=s, beta=1.0 / (s * s))
        if beta is not None:
            lo_note = "a number > 0 (mmdet SmoothL1Loss asserts beta > 0)" if self.library == "mmdet" else \
                "a number >= 0 (0 means L1)"
            b = _number(beta, "beta", lo_note, lo=0.0, open_lo=self.library == "mmdet")
            ch["beta"] = b
            if self.smooth_l1_form == "keras":
                if b == 0:
                    raise AnchorVizInputError("beta: keras-retinanet's smooth-L1 is set by sigma = 1/sqrt(beta), so "
                                              "beta must be > 0, got 0")
                ch["sigma"] = 1.0 / math.sqrt(b)
        for name, v in (("lambda_cls", lambda_cls), ("lambda_box", lambda_box)):
            if v is not None:
                ch[name] = _number(v, name, "a loss weight >= 0", lo=0.0)
        return dataclasses.replace(self, **ch)

    def _cls_kind(self, kind: str) -> str:
        softmax = self.cls_loss == "softmax_ce"
        if softmax:
            if kind != "softmax_ce":
                raise AnchorVizInputError(f"classification loss: {self.title} is a softmax head; expected "
                                          f"'softmax_ce', got {kind!r}")
            return kind
        if self.cls_loss == "focal_keras":
            if kind != "focal":
                raise AnchorVizInputError(f"classification loss: keras-retinanet trains with its focal loss only "
                                          f"(gamma 0 gives alpha-weighted cross-entropy); expected 'focal', got {kind!r}")
            return "focal_keras"
        if kind == "bce":
            return "bce"
        if kind == "focal":
            return "focal_mmdet" if self.library == "mmdet" else "focal_torchvision"
        raise AnchorVizInputError(f"classification loss: expected 'focal' or 'bce' for {self.title}, got {kind!r}")

    def _check_alpha(self, alpha) -> float:
        a = _number(alpha, "alpha", "a number", lo=-math.inf)
        if 0.0 <= a <= 1.0 or (a < 0 and self.alpha_may_disable):
            return a
        also = " (or < 0 to switch the alpha weighting off)" if self.alpha_may_disable else ""
        raise AnchorVizInputError(f"alpha: {self.title} expects alpha in [0, 1]{also}, got {a:g}")


def _number(v, name: str, expected: str, *, lo: float, open_lo: bool = False) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise AnchorVizInputError(f"{name}: expected {expected}, got {v!r}")
    if v < lo or (open_lo and v == lo):
        raise AnchorVizInputError(f"{name}: expected {expected}, got {v:g}")
    return float(v)


_TV_BOXES = ("l1", "smooth_l1", "giou")
_SPECS = (
    LossSpec(key="torchvision/retinanet", library="torchvision", head="retinanet", title="torchvision RetinaNet",
             cls_loss="focal_torchvision", box_loss="l1", box_losses=_TV_BOXES, alpha_may_disable=True, beta=1.0,
             normaliser="tv_retinanet", columns="label_col", init_prior=0.01,
             note="focal summed over positives and negatives, / max(1, #fg) per image, then the mean over images"),
    LossSpec(key="torchvision/rpn", library="torchvision", head="rpn", title="torchvision RPN", cls_loss="bce",
             box_loss="smooth_l1", box_losses=("smooth_l1",), beta=1 / 9, normaliser="tv_rpn", columns="objectness",
             sampler=(256, 0.5), sampler_rule="torchvision",
             note="objectness BCE averaged over the sampled anchors; box smooth-L1 summed, / #sampled"),
    LossSpec(key="torchvision/roi", library="torchvision", head="roi", title="torchvision Fast R-CNN",
             cls_loss="softmax_ce", box_loss="smooth_l1", box_losses=("smooth_l1",), beta=1 / 9, normaliser="tv_roi",
             columns="softmax_bg0", sampler=(512, 0.25), sampler_rule="torchvision",
             note="cross-entropy averaged over the sampled RoIs; box smooth-L1 at the GT class, / #sampled"),
    LossSpec(key="torchvision/fcos", library="torchvision", head="fcos", title="torchvision FCOS",
             cls_loss="focal_torchvision", box_loss="giou", box_losses=("giou",), alpha_may_disable=True,
             normaliser="tv_fcos", columns="class_col", init_prior=0.01,
             note="focal over all points, GIoU and centre-ness BCE over fg, all / max(1, #fg in the batch)"),
    LossSpec(key="mmdet/retinanet", library="mmdet", head="retinanet", title="mmdetection RetinaNet",
             cls_loss="focal_mmdet", box_loss="l1", box_losses=("l1", "smooth_l1", "giou"), beta=1.0,
             giou_eps=1e-6, giou_form="mmdet", normaliser="mmdet_pos", init_prior=0.01,
             note="both terms / (sum over images of max(#pos, 1) + float32 eps)"),
    LossSpec(key="mmdet/rpn", library="mmdet", head="rpn", title="mmdetection RPN", cls_loss="bce", box_loss="l1",
             box_losses=("l1", "smooth_l1", "giou"), beta=1.0, giou_eps=1e-6, giou_form="mmdet",
             normaliser="mmdet_pos_neg", columns="objectness", sampler=(256, 0.5), sampler_rule="mmdet",
             note="label 0 is foreground; both terms / (max(#pos, 1) + max(#neg, 1) sampled, summed over images)"),
    LossSpec(key="detectron2/rpn", library="detectron2", head="rpn", title="detectron2 RPN", cls_loss="bce",
             box_loss="smooth_l1", box_losses=("smooth_l1", "giou"), beta=0.0, smooth_l1_form="fvcore",
             normaliser="d2_rpn", columns="objectness", sampler=(256, 0.5), sampler_rule="detectron2",
             note="both sums / (batch_size_per_image x images): fixed, not the number actually sampled"),
    LossSpec(key="detectron2/retinanet", library="detectron2", head="retinanet", title="detectron2 RetinaNet",
             cls_loss="focal_torchvision", box_loss="smooth_l1", box_losses=("smooth_l1", "giou"),
             alpha_may_disable=True, beta=0.1, smooth_l1_form="fvcore", normaliser="d2_ema", init_prior=0.01,
             note="both sums / an EMA of #pos that starts at 100: the first iterations divide by about 90"),
    LossSpec(key="detectron2/roi", library="detectron2", head="roi", title="detectron2 Fast R-CNN",
             cls_loss="softmax_ce", box_loss="smooth_l1", box_losses=("smooth_l1", "giou"), beta=0.0,
             smooth_l1_form="fvcore", normaliser="d2_roi", columns="softmax_bg_last", sampler=(512, 0.25),
             sampler_rule="detectron2",
             note="cross-entropy mean over the RoIs; box loss at the GT class, / max(#RoIs, 1)"),
    LossSpec(key="keras_retinanet/retinanet", library="keras_retinanet", head="retinanet", title="keras-retinanet",
             cls_loss="focal_keras", box_loss="smooth_l1", box_losses=("smooth_l1",), beta=1 / 9, sigma=3.0,
             smooth_l1_form="keras", normaliser="keras_pos", init_prior=0.01,
             note="focal on probabilities; both sums / max(1, #positive anchors in the batch)"),
    LossSpec(key="d2l/ssd", library="d2l", head="ssd", title="d2l SSD", cls_loss="softmax_ce", box_loss="l1",
             box_losses=("l1",), normaliser="d2l_mean", columns="softmax_bg0",
             note="cross-entropy averaged over ALL anchors and L1 over all 4A masked entries: no #pos normaliser"),
)
LOSS_SPECS: dict[str, LossSpec] = {s.key: s for s in _SPECS}


def get_loss_spec(library: str, head: str) -> LossSpec:
    """The spec of a library's head; AnchorVizInputError lists what exists."""
    key = f"{library}/{head}"
    if key not in LOSS_SPECS:
        raise AnchorVizInputError(f"no loss rule for {library} {head}; expected one of {', '.join(LOSS_SPECS)}")
    return LOSS_SPECS[key]


# which head the app's anchor presets train (anchorviz.presets names)
PRESET_HEADS = {"Faster R-CNN FPN": "rpn", "RetinaNet": "retinanet", "d2l book (multiscale)": "ssd",
                "d2l book (every pixel)": "ssd"}


def loss_spec_for_preset(preset: str, library: str) -> LossSpec:
    """The loss the anchors of an app preset train with under a library (the Faster R-CNN anchors feed the RPN).

    Raises:
        AnchorVizInputError: a preset or library without a reproduced loss (SSD300, YOLOv5, mmdet v1), naming
            what exists.
    """
    head = PRESET_HEADS.get(preset)
    if head is None or f"{library}/{head}" not in LOSS_SPECS:
        have = sorted(f"{p} ({s.library})" for p, h in PRESET_HEADS.items() for s in _SPECS if s.head == h)
        raise AnchorVizInputError(f"no reproduced loss for the {preset!r} preset under {library}; the Loss view "
                                  f"covers {', '.join(have)}")
    return LOSS_SPECS[f"{library}/{head}"]


def loss_specs_for(library: str) -> list[LossSpec]:
    """The head kinds whose loss anchorviz reproduces for a library (empty when none)."""
    return [s for s in _SPECS if s.library == library]
