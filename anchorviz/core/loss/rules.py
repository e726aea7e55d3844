"""What the loss sees in one image, and how each library turns the per-anchor sums into its reported loss.

Two steps, shared by the app (one image) and the parity handlers (the goldens' two-image batches), so the page
shows exactly the arithmetic the goldens pin:

1. :func:`image_loss` -- per anchor: its role (positive, negative, ignored, not sampled), classification target
   column, classification loss (0 unless it counts), regression target and box loss (0 unless it counts);
2. :func:`normalise` -- the library's rule from the per-image sums to the two reported terms, with the normaliser
   as a :class:`Normaliser` (its name, value and the counts that produced it) and the loss weights applied.

Sums and losses are float32, as in the libraries; normaliser values are Python floats (the libraries compute
their counts and EMA in Python and divide the float32 sum by them).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from enum import IntEnum

import numpy as np

from anchorviz.core.coding.spec import CoderSpec
from anchorviz.core.coding.codec import decode, encode
from anchorviz.core.loss import elementwise as E
from anchorviz.core.loss.scores import CompactScores, cls_losses, cls_outputs, foreground_prob, target_prob
from anchorviz.core.loss.specs import LossSpec

__all__ = ["Role", "ImageLoss", "image_loss", "Normaliser", "Terms", "EmaNormaliser", "normalise"]

F32 = np.float32


class Role(IntEnum):
    """Why an anchor does or does not reach the loss."""

    NOT_SAMPLED = -2  # a positive or negative the minibatch sampler left out: contributes nothing
    IGNORED = -1      # between the thresholds (or outside the image, keras): contributes nothing
    NEGATIVE = 0      # classification loss only
    POSITIVE = 1      # classification and box loss


# the same values as plain ints for array code (an Enum attribute lookup costs microseconds each)
_POS, _NEG, _IGN, _NOT_SAMPLED = int(Role.POSITIVE), int(Role.NEGATIVE), int(Role.IGNORED), int(Role.NOT_SAMPLED)


@dataclass(frozen=True, eq=False)
class ImageLoss:
    """Per-anchor loss of one image before normalisation.

    Attributes:
        role (ndarray[N], int8): ``Role`` values.
        target_given (ndarray[N], int64): the target column per anchor as given to ``image_loss`` (meaningful
            where the anchor counts; ``target_col`` is -1 elsewhere).
        cls_counted, box_counted (ndarray[N], bool): which anchors enter each sum. They differ only in d2l's
            padding trap (a padding row's anchor is background for the classifier but box-counted).
        cls_loss (ndarray[N], float32): summed over the anchor's columns; 0 where not counted.
        box_idx (ndarray[P], int64): the box-counted anchors; ``box_gt`` (P,) their GT, ``box_rows`` (P, 4) float32
            their encoded targets (GT boxes for GIoU).
        box_loss (ndarray[N], float32): summed over the 4 coordinates (GIoU: one value); 0 where not counted.
        cls_loss_gamma0 (ndarray[N], float32): cls_loss with gamma = 0 when asked for (``image_loss(gamma0=True)``).
        fg_prob, target_prob (ndarray[N], float32): when asked for (``image_loss(probs=True)``), see scores.py.
    The full-length views ``target_col``, ``matched_gt`` and ``box_target`` are built on first use: the app reads
    them for a hover, the normalisers never do.
    """

    role: np.ndarray
    target_given: np.ndarray
    cls_counted: np.ndarray
    box_counted: np.ndarray
    cls_loss: np.ndarray
    box_idx: np.ndarray
    box_gt: np.ndarray
    box_rows: np.ndarray
    box_loss: np.ndarray
    cls_loss_gamma0: np.ndarray | None = None
    fg_prob: np.ndarray | None = None
    target_prob: np.ndarray | None = None

    # cached: the normalisers read them several times (an ImageLoss is never changed after it is made)
    @functools.cached_property
    def num_pos(self) -> int:
        return int(np.count_nonzero(self.role == _POS))

    @functools.cached_property
    def num_neg(self) -> int:
        return int(np.count_nonzero(self.role == _NEG))

    @functools.cached_property
    def cls_sum(self) -> np.float32:
        return self.cls_loss.sum(dtype=F32)

    @functools.cached_property
    def box_sum(self) -> np.float32:
        return self.box_loss.sum(dtype=F32)

    @functools.cached_property
    def target_col(self) -> np.ndarray:
        """int64 (N,): the target column where the anchor counts, -1 elsewhere."""
        return (self.target_given + 1) * self.cls_counted - 1

    @functools.cached_property
    def matched_gt(self) -> np.ndarray:
        """int64 (N,): the GT of each box-counted anchor, -1 elsewhere."""
        out = np.full(len(self.role), -1, np.int64)
        out[self.box_idx] = self.box_gt
        return out

    @functools.cached_property
    def box_target(self) -> np.ndarray:
        """float32 (N, 4): box targets of box-counted anchors, NaN elsewhere."""
        out = np.full((len(self.role), 4), np.nan, F32)
        out[self.box_idx] = self.box_rows
        return out


def box_loss_terms(spec: LossSpec, anchors: np.ndarray, gts: np.ndarray, deltas: np.ndarray,
                   coder: CoderSpec) -> tuple[np.ndarray, np.ndarray]:
    """(targets float32 (P, 4), loss float32 (P,)) for P anchor/GT/prediction rows, by the spec's box loss.

    l1 / smooth-L1 compare the predicted deltas with the encoded GT; GIoU decodes the deltas with the same coder
    (float32, no clip, as the heads do) and compares boxes.
    """
    pred = np.asarray(deltas, F32)
    if spec.box_loss == "giou":
        boxes = decode(anchors, pred, coder).astype(F32)
        target = np.asarray(gts, F32)
        return target, E.giou_loss(boxes, target, eps=spec.giou_eps, form=spec.giou_form)
    target = encode(anchors, gts, coder).astype(F32)
    if spec.box_loss == "l1":
        per = E.l1(pred, target)
    elif spec.smooth_l1_form == "keras":
        per = E.keras_smooth_l1(pred, target, sigma=spec.sigma)
    else:
        per = E.smooth_l1(pred, target, beta=spec.beta, form=spec.smooth_l1_form)
    return target, per.sum(axis=1, dtype=F32)


def image_loss(spec: LossSpec, *, anchors: np.ndarray, gt_boxes: np.ndarray, role: np.ndarray,
               target_col: np.ndarray, matched_gt: np.ndarray, scores, deltas: np.ndarray, coder: CoderSpec,
               box_counted: np.ndarray | None = None, gamma0: bool = False, probs: bool = False,
               background_col: int | None = None) -> ImageLoss:
    """Per-anchor classification and box loss of one image under ``spec``.

    Args:
        anchors (ndarray[N, 4], float64): xyxy pixels (proposals for RoI heads).
        gt_boxes (ndarray[M, 4], float64): xyxy pixels.
        role (ndarray[N], int): ``Role`` of each anchor (after sampling).
        target_col (ndarray[N], int): the target column of each anchor (see ``ImageLoss``); where the anchor does
            not count it must still be a valid column or -1 (sigmoid) -- its loss is computed and zeroed.
        matched_gt (ndarray[N], int): GT of each box-counted anchor.
        scores: dense float32 (N, C) or ``CompactScores``; logits (keras: probabilities).
        deltas (ndarray[N, 4]): the box head's output for each anchor (the GT-class slot for RoI heads).
        coder: the box coder whose targets the head regresses.
        box_counted: which anchors enter the box sum; default the positives.
        gamma0: also compute the classification loss with gamma = 0 (shares the sigmoid evaluations).
        probs: also compute each anchor's foreground and target probability (``background_col`` is left out of
            the foreground).
    """
    role = np.asarray(role, np.int8)
    n = len(role)
    counted = role >= _NEG
    box_mask = role == _POS if box_counted is None else np.asarray(box_counted, bool)
    t = np.asarray(target_col, np.int64)
    if spec.cls_loss == "softmax_ce":
        t = np.maximum(t, 0)  # a valid column everywhere; not-counted rows are zeroed below
    gammas = (spec.gamma, 0.0) if gamma0 and spec.is_focal and spec.gamma != 0 else (spec.gamma,)
    kw = {"alpha": spec.alpha, "gammas": gammas}
    n_counted = int(np.count_nonzero(counted))
    fg = tp = None
    if 2 * n_counted >= n:  # most anchors count: computing all and zeroing the rest beats gathering
        if probs:
            cls, fg, tp = cls_outputs(scores, t, spec.cls_loss, background_col=background_col, **kw)
        else:
            cls = cls_losses(scores, t, spec.cls_loss, **kw)
        if n_counted < n:  # in place: the arrays are this call's own (softmax gives one array twice)
            # 0 where the anchor does not count: what multiplying the (finite, >= 0) losses by the mask gives,
            # written at the few such anchors only
            off = np.flatnonzero(~counted)
            for c in {id(c): c for c in cls}.values():
                c[off] = 0
    else:
        idx = np.flatnonzero(counted)
        sub = scores.take(idx) if isinstance(scores, CompactScores) else np.asarray(scores, F32)[idx]
        part = cls_losses(sub, t[idx], spec.cls_loss, **kw)
        cls = [np.zeros(n, F32) for _ in part]
        for c, v in zip(cls, part):
            c[idx] = v
        if probs:
            fg = foreground_prob(scores, spec.cls_loss, background_col=background_col)
            tp = target_prob(scores, t, spec.cls_loss, fg_prob=fg)
    box = np.zeros(n, F32)
    b = np.flatnonzero(box_mask)
    gt_of = np.asarray(matched_gt)[b].astype(np.int64, copy=False)
    rows = np.zeros((0, 4), F32)
    if len(b):
        rows, box[b] = box_loss_terms(spec, np.asarray(anchors, np.float64)[b], np.asarray(gt_boxes)[gt_of],
                                      np.asarray(deltas)[b], coder)
    return ImageLoss(role=role, target_given=t, cls_counted=counted, box_counted=box_mask, cls_loss=cls[0],
                     box_idx=b, box_gt=gt_of, box_rows=rows, box_loss=box,
                     cls_loss_gamma0=cls[-1] if gamma0 else None, fg_prob=fg, target_prob=tp)


# --- normalisers ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Normaliser:
    """What one loss term is divided by.

    Attributes:
        name: the rule in words ("max(1, #fg)", "batch_size_per_image x images", ...).
        value: the divisor (for torchvision RetinaNet with several images, where each image has its own, the
            effective divisor raw sum / term).
        formula: the rule with the numbers plugged in, e.g. "max(1, 5) = 5".
        inputs: the counts that produced it, by name.
    """

    name: str
    value: float
    formula: str
    inputs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class EmaNormaliser:
    """detectron2 RetinaNet's ``loss_normalizer``: a moving average of the batch's positive count, kept on the model.

    ``new = momentum*old + (1 - momentum)*max(#pos in the batch, 1)``, with ``old`` starting at ``initial`` (100).
    So the first iterations divide by about 90, 81, 73, ... whatever the image holds: early losses look small.
    Immutable: :meth:`updated` returns the next state; ``value`` None means "not set yet" (the first call uses
    ``initial`` as the old value).
    """

    initial: float = 100.0
    momentum: float = 0.9
    value: float | None = None

    def updated(self, num_pos: int) -> "EmaNormaliser":
        old = self.initial if self.value is None else self.value
        return replace(self, value=old * self.momentum + max(int(num_pos), 1) * (1 - self.momentum))

    def first_iterations(self, num_pos: int, n: int = 5) -> list[float]:
        """The normaliser over ``n`` iterations that each see ``num_pos`` positives (what the page shows)."""
        out, s = [], self
        for _ in range(n):
            s = s.updated(num_pos)
            out.append(float(s.value))
        return out


@dataclass(frozen=True)
class Terms:
    """The library's two reported terms (after the normaliser and the loss weights) and how they were made.

    ``cls_per_image`` / ``box_per_image`` are each image's term where the library reports per image (torchvision
    RetinaNet, d2l); ``ema`` is detectron2's state after this call.
    """

    cls: float
    box: float
    cls_normaliser: Normaliser
    box_normaliser: Normaliser
    lambda_cls: float
    lambda_box: float
    cls_per_image: tuple = ()
    box_per_image: tuple = ()
    ema: EmaNormaliser | None = None

    @property
    def total(self) -> float:
        return float(self.cls) + float(self.box)


def _div(a, b) -> np.float32:
    with np.errstate(divide="ignore", invalid="ignore"):
        return F32(F32(a) / F32(b))


def normalise(spec: LossSpec, images: list[ImageLoss], *, ema: EmaNormaliser | None = None,
              batch_size_per_image: int | None = None) -> Terms:
    """The library's reported classification and box terms for a batch of images (see ``LossSpec.normaliser``).

    Args:
        spec: whose rule applies.
        images: per-image losses, in batch order.
        ema: detectron2 RetinaNet's state before this call (default: unset, i.e. starting at spec.ema_initial).
        batch_size_per_image: detectron2 RPN's configured sampler size (default ``spec.sampler[0]``).
    """
    n_img = len(images)
    pos = [im.num_pos for im in images]
    neg = [im.num_neg for im in images]
    cls_sum = F32(sum((im.cls_sum for im in images), F32(0)))
    box_sum = F32(sum((im.box_sum for im in images), F32(0)))
    lc, lb = F32(spec.lambda_cls), F32(spec.lambda_box)
    kind = spec.normaliser
    if kind in ("tv_retinanet", "d2l_mean"):
        return _per_image(spec, images, lc, lb)
    if kind in ("tv_rpn", "tv_roi"):
        n = sum(pos) + sum(neg)
        nm = Normaliser("#sampled (pos + neg)", float(n), f"{sum(pos)} + {sum(neg)} = {n}",
                        {"#pos sampled": sum(pos), "#neg sampled": sum(neg)})
        return Terms(lc * _div(cls_sum, n), lb * _div(box_sum, n), nm, nm, float(lc), float(lb))
    if kind in ("mmdet_pos", "mmdet_pos_neg"):
        parts = [max(p, 1) + (max(q, 1) if kind == "mmdet_pos_neg" else 0) for p, q in zip(pos, neg)]
        avg = float(sum(parts))
        d = avg + E.TORCH_FLOAT32_EPS
        name = "sum over images of max(#pos, 1)" + (" + max(#neg, 1)" if kind == "mmdet_pos_neg" else "")
        nm = Normaliser(f"avg_factor = {name} (+ float32 eps)", d, " + ".join(map(str, parts)) + f" = {avg:g}",
                        {"#pos per image": pos, "#neg per image": neg, "avg_factor": avg})
        return Terms(lc * _div(cls_sum, d), lb * _div(box_sum, d), nm, nm, float(lc), float(lb))
    if kind == "d2_rpn":
        bs = batch_size_per_image or spec.sampler[0]
        d = float(bs * n_img)
        nm = Normaliser("batch_size_per_image x images", d, f"{bs} x {n_img} = {bs * n_img}",
                        {"batch_size_per_image": bs, "images": n_img, "#sampled": sum(pos) + sum(neg)})
        return Terms(lc * _div(cls_sum, d), lb * _div(box_sum, d), nm, nm, float(lc), float(lb))
    if kind == "d2_ema":
        state = ema or EmaNormaliser(spec.ema_initial, spec.ema_momentum)
        new = state.updated(sum(pos))
        before = "unset (initial {:g})".format(state.initial) if state.value is None else f"{state.value:g}"
        nm = Normaliser("EMA of max(#pos, 1)", float(new.value),
                        f"{state.momentum:g} x {before} + {1 - state.momentum:g} x max({sum(pos)}, 1) = "
                        f"{new.value:g}", {"#pos": sum(pos), "before": state.value, "initial": state.initial})
        return Terms(lc * _div(cls_sum, new.value), lb * _div(box_sum, new.value), nm, nm, float(lc), float(lb),
                     ema=new)
    if kind == "d2_roi":
        n = sum(pos) + sum(neg)
        nm = Normaliser("#RoIs", float(n), f"{n} RoIs", {"#RoIs": n})
        nb = Normaliser("max(#RoIs, 1)", float(max(n, 1)), f"max({n}, 1) = {max(n, 1)}", {"#RoIs": n})
        return Terms(lc * _div(cls_sum, n), lb * _div(box_sum, max(n, 1)), nm, nb, float(lc), float(lb))
    if kind in ("keras_pos", "tv_fcos"):
        d = max(1, sum(pos))
        nm = Normaliser("max(1, #positives in the batch)", float(d), f"max(1, {sum(pos)}) = {d}", {"#pos": sum(pos)})
        return Terms(lc * _div(cls_sum, d), lb * _div(box_sum, d), nm, nm, float(lc), float(lb))
    raise ValueError(f"unknown normaliser {kind!r}")


def _per_image(spec: LossSpec, images: list[ImageLoss], lc, lb) -> Terms:
    """torchvision RetinaNet (each image / max(1, #fg), mean over images) and d2l (each image's CE mean over
    anchors and L1 mean over 4A entries, then the training loop's mean over images)."""
    n_img = len(images)
    if spec.normaliser == "tv_retinanet":
        div = [max(1, im.num_pos) for im in images]
        cls_i = [_div(im.cls_sum, d) for im, d in zip(images, div)]
        box_i = [_div(im.box_sum, d) for im, d in zip(images, div)]
        cls = lc * _div(sum(cls_i, F32(0)), n_img)
        box = lb * _div(sum(box_i, F32(0)), max(1, n_img))
        name, inputs = "max(1, #fg) per image, then the mean over images", {"#fg per image": [i.num_pos for i in images]}
        formula = " , ".join(f"max(1, {im.num_pos}) = {d}" for im, d in zip(images, div)) + f"; mean over {n_img}"
        cls_d = sum(div) / n_img if n_img == 1 else float(_div(sum(im.cls_sum for im in images), cls / lc))
        box_d = sum(div) / n_img if n_img == 1 else float(_div(sum(im.box_sum for im in images), box / lb))
        return Terms(cls, box, Normaliser(name, cls_d, formula, inputs), Normaliser(name, box_d, formula, inputs),
                     float(lc), float(lb), tuple(cls_i), tuple(box_i))
    n_anchor = [len(im.role) for im in images]
    cls_i = [_div(im.cls_sum, n) for im, n in zip(images, n_anchor)]
    box_i = [_div(im.box_sum, 4 * n) for im, n in zip(images, n_anchor)]
    cls = lc * _div(sum(cls_i, F32(0)), n_img)
    box = lb * _div(sum(box_i, F32(0)), n_img)
    nc = Normaliser("#anchors (mean over all anchors)", float(n_anchor[0]) if n_img == 1 else float("nan"),
                    f"{n_anchor[0]} anchors", {"#anchors": n_anchor[0], "images": n_img})
    nb = Normaliser("4 x #anchors (mean over all A*4 masked entries)", 4.0 * n_anchor[0] if n_img == 1 else float("nan"),
                    f"4 x {n_anchor[0]} = {4 * n_anchor[0]}", {"#anchors": n_anchor[0], "images": n_img})
    return Terms(cls, box, nc, nb, float(lc), float(lb), tuple(cls_i), tuple(box_i))
