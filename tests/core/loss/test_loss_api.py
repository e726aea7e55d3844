"""``compute_loss`` (the app's one-image path) gives what the libraries' own batch rules -- the ones the parity
goldens pin -- give for a batch of that one image; plus the result's bookkeeping (roles, breakdown, per GT, EMA)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from anchorviz.core.coding import presets as coding_presets
from anchorviz.core.assign.max_iou import assign_max_iou, max_iou_rule, outside_mask
from anchorviz.core.conventions import get_convention
from anchorviz.core.loss import LOSS_SPECS, EmaNormaliser, LossHead, Role, compute_loss, num_score_columns
from anchorviz.core.loss import d2l_rules, detectron2_rules, keras_rules, mmdet_rules, torchvision_rules
from anchorviz.core.loss.mmdet_rules import flatten_head_output
from anchorviz.core.iou.quality import dense_match_quality
from anchorviz.core.sampling.samplers import sample_minibatch

F32 = np.float32
REF = Path(__file__).parents[2] / "data" / "reference"
COMMON = json.loads((REF / "loss_torchvision.json").read_text())["common_inputs"]
ANCHORS = np.asarray(COMMON["anchors"], float)
GTS = np.asarray(COMMON["images"][0]["boxes"], float)
CLASSES = np.array([0, 1, 2])  # 0-based; torchvision's labels are these + 1
K = 3


def _assign(library: str, pos: float, neg: float, **kw):
    rule = max_iou_rule(library, pos_iou=pos, neg_iou=neg)
    return assign_max_iou(dense_match_quality(ANCHORS, GTS, style=get_convention(library).iou, request=rule.request()),
                          rule, **kw)


def _head(spec, seed: int = 0):
    rng = np.random.default_rng(seed)
    s = rng.normal(-1, 1.5, (len(ANCHORS), num_score_columns(spec, K))).astype(F32)
    if spec.cls_loss == "focal_keras":
        s = (1 / (1 + np.exp(-s))).astype(F32)
    return LossHead(scores=s, deltas=rng.normal(0, 0.3, (len(ANCHORS), 4)).astype(F32),
                    probabilities=spec.cls_loss == "focal_keras")


def _compute(key, res, *, sample=None, ema=None, spec=None, anchors=ANCHORS, head=None, **kw):
    spec = spec or LOSS_SPECS[key]
    head = head or _head(spec)
    return compute_loss(anchors=anchors, assignment=res, gt_boxes=GTS, gt_classes=CLASSES, head=head, spec=spec,
                        coder=coding_presets.CODERS[get_convention(spec.library).coder], num_classes=K, sample=sample,
                        ema=ema, **kw), head


@pytest.mark.parametrize("box", ["l1", "smooth_l1", "giou"])
def test_torchvision_retinanet(box):
    spec = LOSS_SPECS["torchvision/retinanet"].with_overrides(box_loss=box)
    r, head = _compute(None, _assign("torchvision", 0.5, 0.4), spec=spec)
    _, _, t = torchvision_rules.retinanet_loss(ANCHORS, [(GTS, CLASSES + 1)], head.scores[None], head.deltas[None],
                                               spec=spec)
    assert (r.cls.value, r.box.value) == pytest.approx((t.cls, t.box), rel=1e-6)


def test_torchvision_rpn_with_its_sampler():
    spec = LOSS_SPECS["torchvision/rpn"]
    res = _assign("torchvision", 0.7, 0.3)
    sample = sample_minibatch(res.labels, batch_size=16, positive_fraction=0.5, rule="torchvision", seed=5)
    r, head = _compute(None, res, sample=sample, spec=spec)
    _, _, t = torchvision_rules.rpn_loss(ANCHORS, [GTS], head.scores, head.deltas, batch_size_per_image=16, seed=5)
    assert (r.cls.value, r.box.value) == pytest.approx((t.cls, t.box), rel=1e-6)
    assert r.counts["not_sampled"] > 0 and r.counts["positive"] + r.counts["negative"] == 16
    assert np.all(r.cls_loss[r.role == Role.NOT_SAMPLED] == 0)


def test_mmdet_retinanet_against_loss_by_feat():
    case = json.loads((REF / "loss_mmdet.json").read_text())["cases"][8]
    cfg = case["params"]["config"]
    cls = np.asarray(case["inputs"]["cls_scores_level0"], F32)[:1]
    reg = np.asarray(case["inputs"]["bbox_preds_level0"], F32)[:1]
    _, _, t = mmdet_rules.anchor_head_loss(cfg, [(GTS, CLASSES)], cls, reg)
    anchors = mmdet_rules.anchors_from_config(cfg, cls.shape[2:])
    rule = max_iou_rule("mmdet", pos_iou=0.5, neg_iou=0.4, min_pos_iou=0.0)
    res = assign_max_iou(dense_match_quality(anchors, GTS, style=get_convention("mmdet").iou, request=rule.request()),
                         rule)
    head = LossHead(scores=flatten_head_output(cls[0], K), deltas=flatten_head_output(reg[0], 4))
    r, _ = _compute(None, res, spec=LOSS_SPECS["mmdet/retinanet"], anchors=anchors, head=head)
    assert (r.cls.value, r.box.value) == pytest.approx((t.cls, t.box), rel=1e-6)


def test_detectron2_rpn_and_retinanet():
    res = _assign("detectron2", 0.7, 0.3)
    sample = sample_minibatch(res.labels, batch_size=256, positive_fraction=0.5, rule="detectron2", seed=2)
    r, head = _compute("detectron2/rpn", res, sample=sample)
    _, _, t = detectron2_rules.rpn_loss(ANCHORS, [GTS], head.scores.T, head.deltas[None], seed=2)
    assert (r.cls.value, r.box.value) == pytest.approx((t.cls, t.box), rel=1e-6)
    assert r.cls.normaliser.value == 256  # batch_size_per_image x 1 image, not the 32 anchors it could sample
    small = sample_minibatch(res.labels, batch_size=16, positive_fraction=0.5, rule="detectron2", seed=2)
    r16, _ = _compute("detectron2/rpn", res, sample=small, head=head, batch_size_per_image=16)
    assert r16.cls.normaliser.value == 16 and r16.counts["positive"] + r16.counts["negative"] <= 16
    res = _assign("detectron2", 0.5, 0.4)
    r, head = _compute("detectron2/retinanet", res)
    _, _, t = detectron2_rules.retinanet_loss(ANCHORS, [(GTS, CLASSES)], head.scores[None], head.deltas[None],
                                              num_classes=K)
    assert (r.cls.value, r.box.value) == pytest.approx((t.cls, t.box), rel=1e-6)
    assert r.ema.value == pytest.approx(90 + 0.1 * r.counts["positive"])


def test_keras_retinanet():
    hw = tuple(json.loads((REF / "loss_keras_retinanet.json").read_text())["common_inputs"]["image_hw"])
    res = _assign("keras_retinanet", 0.5, 0.4, ignore=outside_mask(ANCHORS, hw, "centre"))
    r, head = _compute("keras_retinanet/retinanet", res)
    tg = keras_rules.anchor_targets_bbox(ANCHORS, [(GTS, CLASSES)], num_classes=K, image_hw=hw)
    _, focal = keras_rules.focal_loss(tg["labels_batch"], head.scores[None])
    _, sl1 = keras_rules.smooth_l1_loss(tg["regression_batch"], head.deltas[None])
    assert (r.cls.value, r.box.value) == pytest.approx((focal, sl1), rel=1e-6)
    assert r.counts["ignored"] == tg["num_ignored"]


def test_d2l():
    res = _assign("d2l", 0.5, 0.5)
    r, head = _compute("d2l/ssd", res)
    labels = np.concatenate([CLASSES[:, None], GTS], axis=1)[None]
    details, _, _ = d2l_rules.calc_loss(ANCHORS, labels, head.scores[None], head.deltas.reshape(1, -1))
    assert r.total == pytest.approx(float(details["calc_loss_per_image"][0]), rel=1e-6)
    assert r.counts["ignored"] == 0  # d2l has no ignore state


def test_result_bookkeeping():
    r, _ = _compute("torchvision/retinanet", _assign("torchvision", 0.5, 0.4))
    pos = r.role == Role.POSITIVE
    assert np.array_equal(r.counts_box, pos) and np.array_equal(r.counts_cls, r.role >= 0)
    assert np.all(np.isnan(r.reg_target[~pos])) and not np.isnan(r.reg_target[pos]).any()
    assert np.all(r.target_col[pos] == r.target_class[pos] + 1)  # torchvision: column 0 is the background slot
    assert np.all(r.target_col[r.role == Role.IGNORED] == -1)
    assert r.cls_contribution.sum() == pytest.approx(r.cls.value, rel=1e-5)
    assert r.box_contribution.sum() == pytest.approx(r.box.value, rel=1e-5)
    assert r.per_gt.positives.sum() == pos.sum() and r.per_gt.share.sum() == pytest.approx(1.0)
    assert r.per_gt.box_term.sum() == pytest.approx(r.box.value, rel=1e-5)
    groups = r.breakdown.groups
    assert [g.name for g in groups] == ["positives", "hard negatives", "easy negatives"]
    hard = (r.role == Role.NEGATIVE) & (r.fg_prob >= 0.5)
    assert groups[1].count == hard.sum() and groups[2].count == (r.role == Role.NEGATIVE).sum() - hard.sum()
    assert sum(g.share for g in groups) == pytest.approx(1.0) and sum(g.share_gamma0 for g in groups) == pytest.approx(1.0)
    assert np.all(r.cls_loss_gamma0 >= r.cls_loss - 1e-7)  # (1 - p_t)**gamma <= 1


def test_a_gt_with_no_positive_is_flagged():
    gts = np.vstack([GTS, [[60, 60, 63, 63]]])  # a 3 px box: no anchor reaches 0.5 and keras has no low-quality rule
    rule = max_iou_rule("keras_retinanet", pos_iou=0.5, neg_iou=0.4)
    res = assign_max_iou(dense_match_quality(ANCHORS, gts, style=get_convention("keras_retinanet").iou,
                                             request=rule.request()), rule)
    spec = LOSS_SPECS["keras_retinanet/retinanet"]
    r = compute_loss(anchors=ANCHORS, assignment=res, gt_boxes=gts, gt_classes=np.array([0, 1, 2, 0]),
                     head=_head(spec), spec=spec, coder=coding_presets.KERAS_RETINANET, num_classes=K)
    assert r.per_gt.no_positive[3] and r.per_gt.box_term[3] == 0 and r.per_gt.positives[3] == 0


def test_ema_normaliser_matches_the_goldens_three_calls():
    ema, seq = EmaNormaliser(), []
    for pos in (6, 5, 1):
        ema = ema.updated(pos)
        seq.append(ema.value)
    assert seq == pytest.approx([90.6, 82.04, 73.936])
    assert EmaNormaliser().first_iterations(6, 3) == pytest.approx(seq[:1] + [0.9 * 90.6 + 0.6, 0.9 * 82.14 + 0.6])
    assert EmaNormaliser().updated(0).value == pytest.approx(90.1)  # max(#pos, 1)


def test_without_gts_everything_is_negative_and_finite():
    spec = LOSS_SPECS["torchvision/retinanet"]
    rule = max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4)
    res = assign_max_iou(dense_match_quality(ANCHORS, np.zeros((0, 4)), style=get_convention("torchvision").iou,
                                             request=rule.request()), rule)
    r = compute_loss(anchors=ANCHORS, assignment=res, gt_boxes=np.zeros((0, 4)), gt_classes=np.zeros(0, int),
                     head=_head(spec), spec=spec, coder=coding_presets.TORCHVISION_RPN, num_classes=K)
    assert r.counts["positive"] == 0 and r.box.value == 0 and np.isfinite(r.cls.value)
    assert r.cls.normaliser.value == 1  # torchvision: max(1, #fg)
