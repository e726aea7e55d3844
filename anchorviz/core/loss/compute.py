"""``compute_loss``: one image's training loss under a library's rule, from what the app already computes.

The page has the anchors, the assignment (labels and matched GT, ignored anchors included), the sampled minibatch
where the head samples (``sampling.sample_minibatch``), the GTs, the preset's coder and a head output (simulated
or uploaded). This module validates them (AnchorVizInputError: what was expected, what arrived), turns them into
per-anchor roles and targets in the library's column layout, and runs the same ``rules.image_loss`` /
``rules.normalise`` the parity goldens pin -- a one-image batch of the library's own rule.
"""

from __future__ import annotations

import math

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.assign.labels import Assignment, Label
from anchorviz.core.boxes import as_boxes
from anchorviz.core.coding.spec import CoderSpec
from anchorviz.core.loss.head import LossHead, background_column, column_of_class, num_score_columns
from anchorviz.core.loss.result import Breakdown, Group, LossResult, PerGT, Term
from anchorviz.core.loss.rules import _IGN, _NEG, _NOT_SAMPLED, _POS, EmaNormaliser, image_loss, normalise
from anchorviz.core.loss.scores import CompactScores
from anchorviz.core.loss.specs import LossSpec
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.sampling.samplers import SampleResult

__all__ = ["compute_loss", "roles_from"]

F32 = np.float32


def roles_from(assignment: Assignment, sample: SampleResult | None, spec: LossSpec) -> np.ndarray:
    """int8 (N,) ``Role`` per anchor: the assignment's labels, with labelled anchors the sampler left out marked
    NOT_SAMPLED where the head samples; d2l has no ignore state, so there every non-positive is a negative."""
    labels = np.asarray(assignment.labels)
    role = labels.astype(np.int8)  # Label's -1 / 0 / 1 are Role's IGNORED / NEGATIVE / POSITIVE
    if spec.normaliser == "d2l_mean":
        role[role == _IGN] = _NEG
    if spec.sampler is not None:
        if sample is None:
            raise AnchorVizInputError(
                f"sample: {spec.title} trains on a sampled minibatch ({spec.sampler[0]} anchors, "
                f"{spec.sampler[1]:g} positive); expected the sample_minibatch result, got None")
        n = len(labels)
        for name, idx, want in (("pos_idx", sample.pos_idx, Label.POSITIVE), ("neg_idx", sample.neg_idx, Label.NEGATIVE)):
            if len(idx) and (idx.min() < 0 or idx.max() >= n):
                raise AnchorVizInputError(f"sample.{name}: expected anchor indices in [0, {n}), got {idx.min()}..{idx.max()}")
            if len(idx) and (labels[idx] != want).any():
                raise AnchorVizInputError(f"sample.{name}: expected only {want.name.lower()} anchors of this "
                                          f"assignment (was it sampled from other labels?)")
        chosen = np.zeros(n, bool)
        chosen[sample.pos_idx] = True
        chosen[sample.neg_idx] = True
        role[(role >= _NEG) & ~chosen] = _NOT_SAMPLED
    return role


def _check_inputs(anchors, assignment, gt_boxes, gt_classes, head, spec, num_classes, hard_threshold):
    a = anchors.boxes if isinstance(anchors, AnchorSet) else as_boxes(anchors, name="anchors")  # an AnchorSet is valid
    g = as_boxes(gt_boxes, name="gt boxes")
    n, m = len(a), len(g)
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise AnchorVizInputError(f"num_classes: expected an integer >= 1, got {num_classes!r}")
    c = np.asarray(gt_classes)
    if c.shape != (m,) or (m and (not np.issubdtype(c.dtype, np.integer) or c.min() < 0 or c.max() >= num_classes)):
        raise AnchorVizInputError(f"gt classes: expected {m} integers in [0, {num_classes}), got "
                                  f"{c.tolist() if c.size <= 8 else f'shape {list(c.shape)}'}")
    if len(assignment.labels) != n or assignment.num_gts != m:
        raise AnchorVizInputError(f"assignment: made for {len(assignment.labels)} anchors and {assignment.num_gts} GTs, "
                                  f"expected {n} anchors and {m} GTs")
    cols = num_score_columns(spec, num_classes)
    s = head.scores
    shape = s.shape if isinstance(s, CompactScores) else np.shape(s)
    if tuple(shape) != (n, cols):
        raise AnchorVizInputError(f"scores: {spec.title} with {num_classes} classes expects ({n}, {cols}) scores "
                                  f"(one row per anchor, {cols} columns), got {tuple(shape)}")
    values = (s.base, s.values) if isinstance(s, CompactScores) else (np.asarray(s),)
    if not head.finite_by_construction and not all(np.isfinite(v).all() for v in values):
        raise AnchorVizInputError("scores: expected finite numbers, got NaN or inf")
    if spec.cls_loss == "focal_keras" and any(((v < 0) | (v > 1)).any() for v in values):
        raise AnchorVizInputError("scores: keras-retinanet's loss reads probabilities, expected values in [0, 1]")
    if head.probabilities != (spec.cls_loss == "focal_keras"):
        want = "probabilities" if spec.cls_loss == "focal_keras" else "logits"
        raise AnchorVizInputError(f"scores: {spec.title} reads {want}, got "
                                  f"{'probabilities' if head.probabilities else 'logits'}")
    d = np.asarray(head.deltas)
    if d.shape != (n, 4) or not (head.finite_by_construction or np.isfinite(d).all()):
        raise AnchorVizInputError(f"deltas: expected ({n}, 4) finite numbers, got shape {list(d.shape)}"
                                  + ("" if d.shape != (n, 4) else " with NaN or inf"))
    if isinstance(hard_threshold, bool) or not isinstance(hard_threshold, (int, float)) or \
            not (math.isfinite(hard_threshold) and 0.0 <= hard_threshold <= 1.0):
        raise AnchorVizInputError(f"hard_threshold: expected a probability in [0, 1], got {hard_threshold!r}")
    return a, g, c.astype(np.int64)


def compute_loss(*, anchors, assignment: Assignment, gt_boxes, gt_classes, head: LossHead, spec: LossSpec,
                 coder: CoderSpec, num_classes: int, sample: SampleResult | None = None,
                 ema: EmaNormaliser | None = None, hard_threshold: float = 0.5,
                 batch_size_per_image: int | None = None) -> LossResult:
    """The loss of one image, per anchor and in total, as ``spec``'s library computes it.

    Args:
        anchors (ndarray[N, 4] or AnchorSet): xyxy pixels.
        assignment: labels (positive / negative / ignored) and matched GT per anchor.
        gt_boxes (ndarray[M, 4]), gt_classes (ndarray[M], 0-based < num_classes).
        head: scores (N, C) in the library's column layout (``head.num_score_columns``) and deltas (N, 4).
        spec: the library's rule with the user's overrides (``LossSpec.with_overrides``).
        coder: the preset's box coder (the regression targets' encoding).
        num_classes: K dataset classes.
        sample: the sampled minibatch, required when ``spec.sampler`` is set, ignored otherwise.
        ema: detectron2 RetinaNet's normaliser state before this iteration (default: unset, starting at 100).
        hard_threshold: foreground probability from which a counted negative is "hard" (see result.py).
        batch_size_per_image: the sampler size the minibatch was drawn with (default ``spec.sampler[0]``);
            detectron2's RPN divides by it (x images) whatever was actually sampled.

    Raises:
        AnchorVizInputError: wrong shapes, NaN/inf predictions, probabilities outside [0, 1] for keras, classes
            out of range, a missing sample where the head samples, a threshold outside [0, 1].
    """
    a, g, cls_of_gt = _check_inputs(anchors, assignment, gt_boxes, gt_classes, head, spec, num_classes,
                                    hard_threshold)
    if batch_size_per_image is not None and (isinstance(batch_size_per_image, bool) or not isinstance(
            batch_size_per_image, (int, np.integer)) or batch_size_per_image < 1):
        raise AnchorVizInputError(f"batch_size_per_image: expected an integer >= 1, got {batch_size_per_image!r}")
    role = roles_from(assignment, sample if spec.sampler is not None else None, spec)
    pos_idx = np.flatnonzero(role == _POS)
    pos_gt = np.asarray(assignment.matched_gt)[pos_idx].astype(np.int64)
    pos_class = cls_of_gt[pos_gt]
    bg = background_column(spec, num_classes)
    target_col = np.full(len(role), bg if spec.cls_loss == "softmax_ce" else -1, np.int64)
    target_col[pos_idx] = column_of_class(spec, pos_class)
    # image_loss reads the matched GT of the box-counted anchors (the positives) only, so the assignment's own
    # full-length array serves; the result's -1-elsewhere arrays are built only if the page asks for them
    im = image_loss(spec, anchors=a, gt_boxes=g if len(g) else np.zeros((1, 4)), role=role, target_col=target_col,
                    matched_gt=assignment.matched_gt, scores=head.scores, deltas=np.asarray(head.deltas, F32),
                    coder=coder, gamma0=True, probs=True, background_col=bg)
    terms = normalise(spec, [im], ema=ema, batch_size_per_image=batch_size_per_image)
    fg_prob, tprob = im.fg_prob, im.target_prob
    cls_term = Term("classification", float(im.cls_sum), terms.cls_normaliser, terms.lambda_cls, float(terms.cls))
    box_term = Term("box regression", float(im.box_sum), terms.box_normaliser, terms.lambda_box, float(terms.box))
    breakdown = _breakdown(role, pos_idx, fg_prob, im.cls_loss, im.cls_loss_gamma0, cls_term, hard_threshold,
                           spec.gamma)
    per_gt = _per_gt(assignment, pos_idx, pos_gt, im.box_loss, box_term, len(g), sampled=spec.sampler is not None)
    counts = {"positive": len(pos_idx), "negative": im.num_neg,  # im.role is role
              "ignored": int(np.count_nonzero(role == _IGN)),
              "not_sampled": int(np.count_nonzero(role == _NOT_SAMPLED))}
    return LossResult(spec=spec, image=im, role=role, counts_cls=im.cls_counted, counts_box=im.box_counted,
                      pos_idx=pos_idx, pos_class=pos_class,
                      fg_prob=fg_prob, target_prob=tprob, cls_loss=im.cls_loss, cls_loss_gamma0=im.cls_loss_gamma0,
                      box_loss=im.box_loss, cls=cls_term, box=box_term,
                      total=float(terms.cls) + float(terms.box), breakdown=breakdown, per_gt=per_gt, counts=counts,
                      ema=terms.ema)


def _scale(term: Term) -> float:
    d = term.normaliser.value
    return term.weight / d if d else float("nan")


def _breakdown(role, pos_idx, fg_prob, loss, loss0, term: Term, thr: float, gamma: float) -> Breakdown:
    neg = role == _NEG
    hard = neg & (fg_prob >= F32(thr))
    hard_idx = np.flatnonzero(hard)
    n_neg, n_hard = int(np.count_nonzero(neg)), len(hard_idx)
    k = _scale(term)
    # The loss is 0 wherever an anchor does not count, so the easy negatives' sum is the total less the positives'
    # and the hard negatives': one pass over all anchors per array, and gathers of the few positives and hard
    # negatives only (three masked passes per array cost 0.5 ms at 200,000 anchors). Sums are float32 pairwise,
    # as the libraries' own; the groups are for display and their shares come from these same sums, so they add
    # up to 1.
    sums = []
    for v, tot in ((loss, term.raw_sum), (loss0, None)):  # the term's raw sum is this same float32 sum of loss
        tot = float(v.sum(dtype=F32)) if tot is None else tot
        p, h = float(v[pos_idx].sum(dtype=F32)), float(v[hard_idx].sum(dtype=F32))
        sums.append((p * k, h * k, max(tot - p - h, 0.0) * k))
    counts = (len(pos_idx), n_hard, n_neg - n_hard)
    tot, tot0 = sum(sums[0]), sum(sums[1])
    names = ("positives", "hard negatives", "easy negatives")
    groups = tuple(Group(name, c, s, s0, s / tot if tot else 0.0, s0 / tot0 if tot0 else 0.0)
                   for name, c, s, s0 in zip(names, counts, sums[0], sums[1]))
    return Breakdown(groups=groups, hard_threshold=float(thr), gamma=float(gamma))


def _per_gt(assignment: Assignment, pos_idx: np.ndarray, gt_of, box_loss, term: Term, m: int, *,
            sampled: bool = True) -> PerGT:
    positives = np.bincount(gt_of, minlength=m).astype(np.int64)[:m]
    if not sampled and assignment.pairs_per_gt is None:  # no sampler: the positives are the assignment's own
        assigned = positives.copy()
    else:
        assigned = assignment.positives_per_gt()[:m] if m else np.zeros(0, np.int64)
    sums = np.bincount(gt_of, weights=box_loss[pos_idx].astype(np.float64), minlength=m)[:m].astype(F32)
    part = sums.astype(np.float64) * _scale(term)
    share = part / term.value if term.value else np.zeros(m)
    return PerGT(positives=positives, assigned=np.asarray(assigned, np.int64), box_loss_sum=sums, box_term=part,
                 share=share, no_positive=positives == 0)
