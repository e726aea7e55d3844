"""The simulated head: deterministic per seed, untrained at progress 0 and trained at 1, and the loss it produces
falls monotonically as the progress rises."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from anchorviz.core.coding import presets as coding_presets
from anchorviz.core.anchors.grid import cached_anchors
from anchorviz.core.assign.max_iou import assign_anchors, max_iou_rule
from anchorviz.core.conventions import get_convention
from anchorviz.core.loss import LOSS_SPECS, LossHead, compute_loss, draw_head_noise, simulate_loss_head
from anchorviz.core.presets import preset_config
from anchorviz.core.sampling.samplers import sample_minibatch

K = 5
GTS = np.array([[20, 30, 90, 110], [120, 40, 200, 90], [60, 150, 110, 240], [150, 150, 250, 250],
                [10, 10, 40, 40]], float)
CLASSES = np.array([0, 3, 1, 4, 2])
PRESET = {"retinanet": "RetinaNet", "rpn": "Faster R-CNN FPN", "ssd": "d2l book (multiscale)"}
ANCHOR_HEADS = [k for k, s in LOSS_SPECS.items() if s.head in PRESET]


def _setup(key: str, seed: int = 0):
    spec = LOSS_SPECS[key]
    aset = cached_anchors(preset_config(PRESET[spec.head], spec.library), (256, 256))
    rpn = spec.head == "rpn"
    res = assign_anchors(aset, GTS, max_iou_rule(spec.library, pos_iou=0.7 if rpn else 0.5, neg_iou=0.3 if rpn else 0.4))
    sample = sample_minibatch(res.labels, batch_size=spec.sampler[0], positive_fraction=spec.sampler[1],
                              rule=spec.sampler_rule, seed=seed) if spec.sampler else None
    coder = coding_presets.CODERS[get_convention(spec.library).coder]
    return spec, aset, res, sample, coder


def _loss(key: str, progress: float, seed: int = 0, spec=None):
    s0, aset, res, sample, coder = _setup(key, seed)
    spec = spec or s0
    head = simulate_loss_head(anchors=aset.boxes, assignment=res, gt_boxes=GTS, gt_classes=CLASSES, num_classes=K,
                              spec=spec, coder=coder, progress=progress, seed=seed)
    return compute_loss(anchors=aset, assignment=res, gt_boxes=GTS, gt_classes=CLASSES, head=head, spec=spec,
                        coder=coder, num_classes=K, sample=sample), head


def test_same_seed_same_head_and_cached_noise_is_the_same():
    spec, aset, res, _, coder = _setup("torchvision/retinanet")
    kw = dict(anchors=aset.boxes, assignment=res, gt_boxes=GTS, gt_classes=CLASSES, num_classes=K, spec=spec,
              coder=coder, progress=0.4)
    a = simulate_loss_head(**kw, seed=3)
    b = simulate_loss_head(**kw, noise=draw_head_noise(len(aset), 3))
    c = simulate_loss_head(**kw, seed=4)
    np.testing.assert_array_equal(a.scores.dense(), b.scores.dense())
    np.testing.assert_array_equal(a.deltas, b.deltas)
    assert not np.array_equal(a.scores.dense(), c.scores.dense())


@pytest.mark.parametrize("key", ANCHOR_HEADS)
def test_untrained_sits_at_the_prior_and_trained_is_confident(key):
    r0, h0 = _loss(key, 0.0)
    r1, h1 = _loss(key, 1.0)
    pos = r1.role == 1
    neg = r1.role == 0
    spec = r1.spec
    if spec.cls_loss != "softmax_ce":
        prior = spec.init_prior
        # untrained: a typical column sits near the init prior; even the most confused class is low for most
        base = h0.scores.base if h0.probabilities else 1 / (1 + np.exp(-h0.scores.base.astype(float)))
        assert 0.5 < np.median(base) / prior < 2.0
        assert np.median(r0.fg_prob[neg]) < max(0.1, 2 * prior)
    else:
        assert np.median(r0.target_prob[neg]) < 0.5  # uniform-ish over K + 1 columns
    assert np.mean(r1.target_prob[pos] > 0.9) > 0.95     # trained: positives confident
    assert np.mean(r1.fg_prob[neg] < 0.01) > 0.99        # and negatives confidently low
    # deltas: far from the targets untrained, within the small residual trained
    err0 = np.abs(h0.deltas[pos] - r0.reg_target[pos]) if spec.box_loss != "giou" else None
    err1 = np.abs(h1.deltas[pos] - r1.reg_target[pos]) if spec.box_loss != "giou" else None
    if err0 is not None:
        scale = np.asarray(coding_presets.CODERS[get_convention(spec.library).coder].weights) / \
            np.asarray(coding_presets.CODERS[get_convention(spec.library).coder].stds)
        assert np.mean(err0 / scale) > 0.4 and np.mean(err1 / scale) < 0.1


GRID = np.linspace(0, 1, 11)


@pytest.mark.parametrize("key", ANCHOR_HEADS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loss_falls_monotonically_with_progress(key, seed):
    """L1 / smooth-L1 (every default here): each value moves on a line towards its target, so the total falls for
    every seed, not only on average."""
    totals = [_loss(key, float(p), seed)[0] for p in GRID]
    cls = np.array([r.cls.value for r in totals])
    box = np.array([r.box.value for r in totals])
    assert np.all(np.diff(cls) < 0), cls
    assert np.all(np.diff(box) < 0), box
    assert cls[-1] < 0.05 * cls[0] and box[-1] < 0.2 * box[0]


@pytest.mark.parametrize("key", ["torchvision/retinanet", "mmdet/retinanet", "detectron2/retinanet"])
def test_giou_loss_falls_in_expectation(key):
    spec = LOSS_SPECS[key].with_overrides(box_loss="giou")
    mean = np.mean([[_loss(key, float(p), seed, spec=spec)[0].box.value for p in GRID] for seed in range(6)], axis=0)
    assert np.all(np.diff(mean) < 0), mean


def test_compact_and_dense_head_give_the_same_result():
    spec, aset, res, _, coder = _setup("torchvision/retinanet")
    head = simulate_loss_head(anchors=aset.boxes, assignment=res, gt_boxes=GTS, gt_classes=CLASSES, num_classes=K,
                              spec=spec, coder=coder, progress=0.3, seed=0)
    dense = LossHead(scores=head.scores.dense(), deltas=head.deltas)
    kw = dict(anchors=aset, assignment=res, gt_boxes=GTS, gt_classes=CLASSES, spec=spec, coder=coder, num_classes=K)
    a, b = compute_loss(head=head, **kw), compute_loss(head=dense, **kw)
    assert a.cls.value == pytest.approx(b.cls.value, rel=1e-5) and a.box.value == b.box.value
    np.testing.assert_allclose(a.fg_prob, b.fg_prob, rtol=1e-6)
    np.testing.assert_allclose(a.target_prob, b.target_prob, rtol=1e-5, atol=1e-7)
    assert [g.count for g in a.breakdown.groups] == [g.count for g in b.breakdown.groups]


def test_some_negatives_start_hard_and_none_stay_hard():
    r0, _ = _loss("torchvision/retinanet", 0.0)
    r1, _ = _loss("torchvision/retinanet", 1.0)
    hard0, hard1 = r0.breakdown.groups[1].count, r1.breakdown.groups[1].count
    assert 0 < hard0 < 0.1 * r0.counts["negative"] and hard1 == 0
    # the point of focal loss: at gamma 0 the easy negatives dominate, at gamma 2 they do not
    easy = r0.breakdown.groups[2]
    assert easy.share_gamma0 > 0.5 and easy.share < easy.share_gamma0


def test_keras_head_emits_probabilities():
    r, head = _loss("keras_retinanet/retinanet", 0.5)
    assert head.probabilities and 0 <= head.scores.base.min() and head.scores.values.max() <= 1
    assert dataclasses.replace(head, probabilities=False).probabilities is False


@pytest.mark.parametrize("key", [k for k in ANCHOR_HEADS if LOSS_SPECS[k].cls_loss != "softmax_ce"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_compact_outputs_equal_the_losses_and_a_dense_max_bit_for_bit(key, seed):
    """``cls_outputs`` on compact scores shares the target rows and slot masks of its loss pass: its losses are
    ``cls_losses``' bits, and its foreground / target probabilities are exactly the max over the foreground
    columns / the value at the target column of the dense matrix of the same per-value probabilities."""
    from anchorviz.core.loss.head import background_column, column_of_class
    from anchorviz.core.loss.scores import _prims, cls_losses, cls_outputs

    spec, aset, res, _, coder = _setup(key, seed)
    head = simulate_loss_head(anchors=aset.boxes, assignment=res, gt_boxes=GTS, gt_classes=CLASSES, num_classes=K,
                              spec=spec, coder=coder, progress=[0.0, 0.4, 1.0][seed], seed=seed)
    sc, bg = head.scores, background_column(spec, K)
    t = np.full(len(aset), -1, np.int64)
    pos = res.labels == 1
    t[pos] = column_of_class(spec, CLASSES[res.matched_gt[pos]])
    t[np.flatnonzero(~pos)[::7]] = 0  # some rows whose target column holds the base value or the background
    gammas = (spec.gamma, 0.0)
    losses, fg, tp = cls_outputs(sc, t, spec.cls_loss, alpha=spec.alpha, gammas=gammas, background_col=bg)
    for a, b in zip(losses, cls_losses(sc, t, spec.cls_loss, alpha=spec.alpha, gammas=gammas)):
        assert np.array_equal(a.view(np.uint32), b.view(np.uint32))
    prob = "p" if spec.cls_loss == "focal_keras" else "sg"
    dense = np.repeat(_prims(spec.cls_loss, sc.base, exact=False)[prob][:, None], sc.num_columns, axis=1)
    for j in range(sc.columns.shape[1]):
        r = np.flatnonzero(sc.columns[:, j] >= 0)
        dense[r, sc.columns[r, j]] = _prims(spec.cls_loss, sc.values[:, j], exact=False)[prob][r]
    fg_cols = [c for c in range(sc.num_columns) if c != bg]
    want_fg = dense[:, fg_cols].max(axis=1)
    assert np.array_equal(fg.view(np.uint32), want_fg.view(np.uint32))
    rows = np.flatnonzero(t >= 0)
    want_tp = np.float32(1) - want_fg
    want_tp[rows] = dense[rows, t[rows]]
    assert np.array_equal(tp.view(np.uint32), want_tp.view(np.uint32))
