"""Properties of the loss core that hold for any input (hypothesis): non-negative losses, focal with gamma 0 and no
alpha weighting is BCE, smooth-L1 tends to L1, compact and dense scores give the same loss, and whole-image losses
are invariant to the anchor order and blind to ignored / not-sampled anchors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from anchorviz.core.coding import presets as coding_presets
from anchorviz.core.assign.max_iou import assign_max_iou, max_iou_rule
from anchorviz.core.conventions import get_convention
from anchorviz.core.loss import LOSS_SPECS, LossHead, compute_loss, num_score_columns
from anchorviz.core.loss import elementwise as E
from anchorviz.core.loss.scores import CLS_KINDS, CompactScores, per_anchor_cls_loss
from anchorviz.core.iou.quality import dense_match_quality
from anchorviz.core.sampling.samplers import sample_minibatch

F32 = np.float32
logits = hnp.arrays(F32, st.tuples(st.integers(1, 12), st.integers(1, 6)),
                    elements=st.floats(-30, 30, width=32, allow_nan=False))
probs = st.floats(0, 1, width=32)
alphas = st.floats(0, 1)
gammas = st.floats(0, 5)


def _targets(shape, seed):
    return (np.random.default_rng(seed).random(shape) < 0.3).astype(F32)


@settings(max_examples=60, deadline=None)
@given(logits, alphas, gammas, st.integers(0, 2**16))
def test_every_element_loss_is_non_negative(x, alpha, gamma, seed):
    t = _targets(x.shape, seed)
    p = E.sigmoid(x)
    losses = [E.bce_with_logits(x, t), E.sigmoid_focal(x, t, alpha=alpha, gamma=gamma),
              E.sigmoid_focal(x, t, alpha=-1, gamma=gamma), E.mmdet_sigmoid_focal(x, t, alpha=alpha, gamma=gamma),
              E.keras_focal(t, p, alpha=alpha, gamma=gamma), E.keras_binary_crossentropy(t, p),
              E.softmax_cross_entropy(x, np.zeros(len(x), np.int64))]
    y = x[::-1].copy()
    losses += [E.smooth_l1(x, y, beta=b, form=f) for b in (0.0, 1e-6, 1 / 9, 1.0) for f in ("torch", "fvcore")]
    losses += [E.keras_smooth_l1(x, y, sigma=3.0), E.l1(x, y)]
    for v in losses:
        assert np.all(v >= 0), v


@settings(max_examples=60, deadline=None)
@given(logits, st.integers(0, 2**16))
def test_focal_with_gamma_0_and_no_alpha_is_bce(x, seed):
    t = _targets(x.shape, seed)
    bce = E.bce_with_logits(x, t)
    np.testing.assert_array_equal(E.sigmoid_focal(x, t, alpha=-1, gamma=0.0), bce)  # torchvision: alpha < 0 = off
    # mmdet and keras always weight by alpha_t: with alpha 0.5 every element is half the cross-entropy
    np.testing.assert_allclose(E.mmdet_sigmoid_focal(x, t, alpha=0.5, gamma=0.0), 0.5 * bce, rtol=1e-6, atol=1e-7)
    # and so do the per-anchor kernels the app runs
    rows = np.where(t.any(axis=1), t.argmax(axis=1), -1)
    one_hot = np.zeros_like(t)
    one_hot[np.flatnonzero(rows >= 0), rows[rows >= 0]] = 1
    np.testing.assert_allclose(per_anchor_cls_loss(x, rows, "focal_torchvision", alpha=-1, gamma=0.0),
                               per_anchor_cls_loss(x, rows, "bce"), rtol=1e-6, atol=1e-6)


@settings(max_examples=80, deadline=None)
@given(hnp.arrays(F32, st.integers(1, 40), elements=st.floats(-50, 50, width=32)), st.floats(1e-6, 2.0))
def test_smooth_l1_tends_to_l1(d, beta):
    zero = np.zeros_like(d)
    gap = E.l1(d, zero) - E.smooth_l1(d, zero, beta=beta)
    assert np.all(gap >= -1e-6) and np.all(gap <= beta / 2 + 1e-5)  # 0 <= L1 - SL1 <= beta / 2
    np.testing.assert_array_equal(E.smooth_l1(d, zero, beta=0.0), E.l1(d, zero))
    np.testing.assert_array_equal(E.smooth_l1(d, zero, beta=9e-6, form="fvcore"), E.l1(d, zero))  # fvcore: < 1e-5


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(F32, st.integers(1, 40), elements=st.floats(-5, 5, width=32)), st.floats(0.5, 10))
def test_keras_sigma_is_beta_one_over_sigma_squared(d, sigma):
    zero = np.zeros_like(d)
    np.testing.assert_allclose(E.keras_smooth_l1(d, zero, sigma=sigma), E.smooth_l1(d, zero, beta=1 / sigma**2),
                               rtol=1e-5, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.integers(2, 9), st.sampled_from(CLS_KINDS), gammas, st.integers(0, 2**16))
def test_compact_and_dense_scores_give_the_same_loss(n, c, kind, gamma, seed):
    rng = np.random.default_rng(seed)
    base = rng.normal(-3, 2, n).astype(F32)
    cols = np.stack([rng.integers(0, c, n), rng.integers(-1, c, n)], axis=1)
    cols[:, 1] = np.where(cols[:, 1] == cols[:, 0], -1, cols[:, 1])
    vals = rng.normal(0, 3, (n, 2)).astype(F32)
    if kind == "focal_keras":
        base, vals = E.sigmoid(base), E.sigmoid(vals)
    compact = CompactScores(base, cols, vals, c)
    t = rng.integers(0 if kind == "softmax_ce" else -1, c, n)
    a = per_anchor_cls_loss(compact, t, kind, alpha=0.25, gamma=gamma)
    b = per_anchor_cls_loss(compact.dense(), t, kind, alpha=0.25, gamma=gamma)
    np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-5)


# --- whole-image properties ----------------------------------------------------------------------------------

def _scene(seed: int, n: int = 60, m: int = 4, k: int = 3):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 80, (n, 2))
    wh = rng.uniform(8, 40, (n, 2))
    anchors = np.concatenate([xy, xy + wh], axis=1)
    gxy = rng.uniform(0, 70, (m, 2))
    gts = np.concatenate([gxy, gxy + rng.uniform(10, 40, (m, 2))], axis=1)
    return anchors, gts, rng.integers(0, k, m), k


def _head(spec, n, k, seed):
    rng = np.random.default_rng(seed + 1)
    s = rng.normal(-2, 2, (n, num_score_columns(spec, k))).astype(F32)
    if spec.cls_loss == "focal_keras":
        s = E.sigmoid(s)
    return LossHead(scores=s, deltas=rng.normal(0, 0.5, (n, 4)).astype(F32),
                    probabilities=spec.cls_loss == "focal_keras")


def _inputs(key: str, seed: int):
    spec = LOSS_SPECS[key]
    anchors, gts, classes, k = _scene(seed)
    conv = get_convention(spec.library)
    rule = max_iou_rule(spec.library, pos_iou=0.7 if spec.head == "rpn" else 0.5,
                        neg_iou=0.3 if spec.head == "rpn" else 0.4)
    res = assign_max_iou(dense_match_quality(anchors, gts, style=conv.iou, request=rule.request()), rule)
    sample = sample_minibatch(res.labels, batch_size=16, positive_fraction=0.5, rule=spec.sampler_rule,
                              seed=seed) if spec.sampler else None
    return dict(anchors=anchors, assignment=res, gt_boxes=gts, gt_classes=classes, head=_head(spec, len(anchors), k, seed),
                spec=spec, coder=coding_presets.CODERS[conv.coder], num_classes=k, sample=sample)


ANCHOR_HEADS = [k for k, s in LOSS_SPECS.items() if s.head in ("retinanet", "rpn", "ssd")]


@pytest.mark.parametrize("key", ANCHOR_HEADS)
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_loss_is_invariant_to_the_anchor_order(key, seed):
    kw = _inputs(key, seed)
    r = compute_loss(**kw)
    perm = np.random.default_rng(seed).permutation(len(kw["anchors"]))
    inv = np.argsort(perm)
    a = kw["assignment"]
    from anchorviz.core.assign.labels import Assignment
    kw2 = dict(kw, anchors=kw["anchors"][perm], head=LossHead(scores=kw["head"].scores[perm],
               deltas=kw["head"].deltas[perm], probabilities=kw["head"].probabilities),
               assignment=Assignment(labels=a.labels[perm], matched_gt=a.matched_gt[perm], max_iou=a.max_iou[perm],
                                     gt_max_iou=a.gt_max_iou, num_gts=a.num_gts))
    if kw["sample"] is not None:
        from anchorviz.core.sampling.samplers import SampleResult
        kw2["sample"] = SampleResult(pos_idx=inv[kw["sample"].pos_idx], neg_idx=inv[kw["sample"].neg_idx])
    r2 = compute_loss(**kw2)
    assert r2.cls.value == pytest.approx(r.cls.value, rel=1e-5, abs=1e-6)
    assert r2.box.value == pytest.approx(r.box.value, rel=1e-5, abs=1e-6)
    np.testing.assert_allclose(r2.cls_loss, r.cls_loss[perm], rtol=1e-6)
    np.testing.assert_array_equal(r2.role, r.role[perm])


@pytest.mark.parametrize("key", ANCHOR_HEADS)
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_ignored_and_unsampled_anchors_never_change_the_total(key, seed):
    kw = _inputs(key, seed)
    r = compute_loss(**kw)
    silent = np.flatnonzero(r.role < 0)  # ignored or not sampled
    head = kw["head"]
    scores, deltas = head.scores.copy(), head.deltas.copy()
    rng = np.random.default_rng(seed + 7)
    scores[silent] = rng.uniform(0, 1, scores[silent].shape) if head.probabilities else rng.normal(0, 9, scores[silent].shape)
    deltas[silent] = rng.normal(0, 5, deltas[silent].shape)
    r2 = compute_loss(**dict(kw, head=LossHead(scores=scores.astype(F32), deltas=deltas.astype(F32),
                                               probabilities=head.probabilities)))
    assert (r2.cls.value, r2.box.value) == (r.cls.value, r.box.value)
    assert np.all(r.cls_loss[silent] == 0) and np.all(r.box_loss[silent] == 0)


@pytest.mark.parametrize("key", ANCHOR_HEADS)
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_normalisers_are_the_stated_rules(key, seed):
    kw = _inputs(key, seed)
    r = compute_loss(**kw)
    pos, neg, n = r.counts["positive"], r.counts["negative"], len(r.role)
    eps = float(np.finfo(np.float32).eps)
    expected = {"tv_retinanet": (max(1, pos), max(1, pos)), "keras_pos": (max(1, pos), max(1, pos)),
                "tv_rpn": (pos + neg, pos + neg), "mmdet_pos": (max(pos, 1) + eps,) * 2,
                "mmdet_pos_neg": (max(pos, 1) + max(neg, 1) + eps,) * 2, "d2_rpn": (256, 256),
                "d2_ema": (0.9 * 100 + 0.1 * max(pos, 1),) * 2, "d2l_mean": (n, 4 * n)}[r.spec.normaliser]
    assert (r.cls.normaliser.value, r.box.normaliser.value) == pytest.approx(expected, rel=1e-12)
    assert r.cls.value == pytest.approx(r.cls.raw_sum / expected[0] * r.cls.weight, rel=1e-5, abs=1e-7)
    assert r.box.value == pytest.approx(r.box.raw_sum / expected[1] * r.box.weight, rel=1e-5, abs=1e-7)
    groups = r.breakdown.groups
    assert sum(g.count for g in groups) == pos + neg
    assert sum(g.loss for g in groups) == pytest.approx(r.cls.value, rel=1e-4, abs=1e-6)
    assert np.all(r.cls_loss >= 0) and np.all(r.box_loss >= 0) and r.total >= 0
