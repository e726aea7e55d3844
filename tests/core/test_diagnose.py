"""anchorviz.core.diagnose: how each GT is matched (none / low-quality only / at the threshold), and why a GT got no
positive or only low-quality ones, as reason codes with their raw numbers (the app words them)."""

from __future__ import annotations

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.max_iou import assign_anchors, max_iou_rule
from anchorviz.core.assign.atss import assign_atss
from anchorviz.core.assign.yolov5 import assign_yolov5
from anchorviz.core.diagnose import GTMatch, Reason, explain_low_quality_only, explain_zero_positives, match_kinds
from anchorviz.core.iou.grid import grid_match_quality
from anchorviz.core.iou.pairwise import pairwise_iou
from anchorviz.core.iou.quality import MatchRequest
from pages.common.diagnose import why_text


def _explain(conv: str, levels, hw, gts, *, lq: bool = True, pos=0.5, neg=0.4):
    aset = generate_anchors(AnchorConfig(convention=conv, levels=levels), hw)
    rule = max_iou_rule(conv, pos_iou=pos, neg_iou=neg, low_quality=lq)
    asg = assign_anchors(aset, gts, rule)
    zero = np.flatnonzero(asg.positives_per_gt() == 0)
    q = grid_match_quality(aset, gts, style=aset.config.conv.iou, request=MatchRequest(ties_from=0.0))
    return explain_zero_positives(aset, np.asarray(gts, float), asg, q, zero, method="maxiou", rule=rule)


def test_too_small_names_the_best_fitting_shape_and_its_iou():
    # one 32 x 32 anchor per 16 px cell; a 4 x 4 GT: its best centred IoU is 16 / 1024 = 1/64
    lv = LevelSpec(stride=16, sizes=(32,), ratios=(1.0,), name="P4")
    (z,) = _explain("detectron2", (lv,), (64, 64), [[14, 14, 18, 18]], lq=False)
    assert z.gt == 0 and z.anchor >= 0 and z.level == "P4"
    first = z.why[0]
    assert isinstance(first, Reason) and first.code == "too_small"
    assert first.fields["gwh"] == (4.0, 4.0) and first.fields["fit"] == (32.0, 32.0) and first.fields["lv"] == "P4"
    assert abs(first.fields["shape_best"] - 16 / 1024) < 1e-12 and first.fields["thr"] == 0.5
    assert 0 < first.fields["best"] <= first.fields["shape_best"]
    assert [r.code for r in z.why] == ["too_small", "lq_off"]  # detectron2 has low-quality matching, switched off
    text = why_text(z)  # the app's sentence, English outside a Streamlit run
    assert text.startswith("Too small for the smallest anchors (4×4 px; best-fitting anchor 32×32 at P4)")


def test_no_overlap_and_yolov5_reasons():
    lv = LevelSpec(stride=16, sizes=(32,), ratios=(1.0,), name="P4")
    # (with low-quality matching on, detectron2 would make every anchor positive for a GT that overlaps none)
    (z,) = _explain("detectron2", (lv,), (64, 64), [[500, 500, 520, 520]], lq=False)
    assert z.anchor == -1 and [r.code for r in z.why] == ["no_overlap"]
    aset = generate_anchors(AnchorConfig(convention="yolov5", levels=(
        LevelSpec(stride=8, wh=((10, 13),), name="P3"),)), (64, 64))
    gts = np.array([[10, 10, 60, 60]], float)  # 50 x 50 against 10 x 13: r = max(50/10, 50/13) = 5 > anchor_t 4
    asg = assign_yolov5(aset, gts, anchor_t=4.0)
    q = grid_match_quality(aset, gts, request=MatchRequest(ties_from=0.0))
    (z,) = explain_zero_positives(aset, gts, asg, q, [0], method="yolov5", anchor_t=4.0)
    (r,) = z.why
    assert r.code == "yolov5" and r.fields["wh"] == (10.0, 13.0) and abs(r.fields["r"] - 5.0) < 1e-12


# ---------------------------------------------------------------------------------------------------------
# match_kinds: no positive / positive only by the low-quality rule / matched at the threshold


def _kinds(conv, levels, hw, gts, *, lq=True, pos=0.5, neg=0.4):
    aset = generate_anchors(AnchorConfig(convention=conv, levels=levels), hw)
    gts = np.asarray(gts, float)
    asg = assign_anchors(aset, gts, max_iou_rule(conv, pos_iou=pos, neg_iou=neg, low_quality=lq))
    return aset, gts, asg, match_kinds(aset, gts, asg, pos_iou=pos)


P4 = LevelSpec(stride=16, sizes=(32,), ratios=(1.0,), name="P4")


def test_a_thin_gt_is_low_quality_only_and_its_positives_are_weak():
    # GT 0 is exactly the anchor of cell (1, 1) (torchvision: centred at 16, 16; IoU 1); GT 1, 4 x 16 px, reaches at
    # best 64 / 1024 with a 32 x 32
    aset, gts, asg, k = _kinds("torchvision", (P4,), (64, 64), [[0, 0, 32, 32], [44, 40, 48, 56]])
    assert k.kind.tolist() == [GTMatch.THRESHOLD, GTMatch.LOW_QUALITY]
    pos = asg.positive
    mine = pos[asg.matched_gt[pos] == 1]
    assert len(mine) >= 1 and k.weak[mine].all() and not k.weak[pos[asg.matched_gt[pos] == 0]].any()
    assert np.allclose(k.positive_iou[mine], asg.gt_max_iou[1])
    (e,) = explain_low_quality_only(aset, gts, asg, _ties(aset, gts), k)
    assert e.gt == 1 and [r.code for r in e.why] == ["lq_only", "lq_too_small"]
    assert e.why[0].fields == {"best": asg.gt_max_iou[1], "thr": 0.5}
    assert "positive only by the low-quality rule: best IoU 0.06 < 0.5" in why_text(e)
    # without the rule the same GT has no positive at all
    _, _, _, off = _kinds("torchvision", (P4,), (64, 64), gts, lq=False)
    assert off.kind.tolist() == [GTMatch.THRESHOLD, GTMatch.NONE] and not off.weak.any()


def _ties(aset, gts):
    return grid_match_quality(aset, gts, style=aset.config.conv.iou, request=MatchRequest(ties_from=0.0))


def test_a_gt_whose_good_anchor_went_elsewhere_is_low_quality_only_although_its_best_iou_passes():
    # found by a random search: GT 0's best anchor (IoU 0.506) goes to GT 1 (0.512); GT 0 gets anchor 44 (IoU
    # 0.327 with it) only because that anchor is GT 2's best tie and torchvision hands a tie to its own best GT
    lv = LevelSpec(stride=16, sizes=(32,), ratios=(0.5, 1.0, 2.0), name="P4")
    gts = [[26, 10, 72, 54], [36, 14, 57, 42], [23, 11, 28, 52]]
    aset, gts, asg, k = _kinds("torchvision", (lv,), (96, 96), gts)
    assert asg.gt_max_iou[0] >= 0.5 and asg.positives_per_gt()[0] == 1  # the premise: "best IoU >= pos" says matched
    assert k.kind.tolist() == [GTMatch.LOW_QUALITY, GTMatch.THRESHOLD, GTMatch.NONE]
    (e,) = explain_low_quality_only(aset, gts, asg, _ties(aset, gts), k)
    (r,) = e.why
    assert r.code == "lq_taken" and r.fields["other"] == 1 and abs(r.fields["best"] - 0.327) < 1e-3


def test_positive_iou_is_the_iou_with_the_own_gt_and_weak_means_below_pos_iou():
    rng = np.random.default_rng(3)
    lv = LevelSpec(stride=8, sizes=(16, 32), ratios=(0.5, 1.0, 2.0), name="P3")
    xy = rng.uniform(0, 100, (12, 2))
    gts = np.concatenate([xy, xy + rng.uniform(3, 40, (12, 2))], 1)
    for conv in ("torchvision", "mmdet", "d2l"):
        aset, g, asg, k = _kinds(conv, (lv,), (128, 128), gts)
        pos = asg.positive
        full = pairwise_iou(aset.boxes[pos], g, style=aset.config.conv.iou)
        own = full[np.arange(len(pos)), asg.matched_gt[pos]]
        assert np.array_equal(k.positive_iou[pos], own), conv  # bit for bit the library's IoU
        assert np.isnan(np.delete(k.positive_iou, pos)).all()
        dt = np.float32 if aset.config.conv.iou.dtype == "float32" else np.float64
        assert np.array_equal(np.flatnonzero(k.weak), pos[own.astype(dt) < dt(0.5)]), conv
        strong_gts = set(asg.matched_gt[pos[own.astype(dt) >= dt(0.5)]].tolist())
        per = asg.positives_per_gt()
        for j in range(len(g)):
            want = GTMatch.NONE if per[j] == 0 else GTMatch.THRESHOLD if j in strong_gts else GTMatch.LOW_QUALITY
            assert k.kind[j] == want, (conv, j)
        if conv == "torchvision":  # matched to its own best GT: the IoU is the anchor's max IoU
            assert np.array_equal(k.positive_iou[pos], asg.max_iou[pos])


def test_yolov5_and_atss_have_no_low_quality_kind():
    lv = LevelSpec(stride=8, sizes=(16,), ratios=(1.0,), name="P3")
    aset = generate_anchors(AnchorConfig(convention="torchvision", levels=(lv,)), (64, 64))
    gts = np.array([[10, 10, 12, 30], [20, 20, 36, 36]], float)  # a thin GT and one that fits
    asg = assign_atss(aset, gts, topk=9)
    k = match_kinds(aset, gts, asg, pos_iou=None)
    per = asg.positives_per_gt()
    assert k.kind.tolist() == [GTMatch.THRESHOLD if p else GTMatch.NONE for p in per] and not k.weak.any()
    y = generate_anchors(AnchorConfig(convention="yolov5", levels=(LevelSpec(stride=8, wh=((10, 13),), name="P3"),)),
                         (64, 64))
    asg = assign_yolov5(y, gts, anchor_t=4.0)
    k = match_kinds(y, gts, asg, pos_iou=None)
    assert set(k.kind.tolist()) <= {GTMatch.NONE, GTMatch.THRESHOLD}
    assert k.kind.tolist() == [GTMatch.THRESHOLD if p else GTMatch.NONE for p in asg.positives_per_gt()]


def test_gt_match_kinds_is_match_kinds_kind_on_many_images():
    """The dataset fit's lean per-GT call gives exactly match_kinds' kinds (every convention's IoU arithmetic)."""
    from anchorviz.core.diagnose import gt_match_kinds
    from anchorviz.core.presets import preset_config

    rng = np.random.default_rng(7)
    seen = set()
    for name, conv in (("RetinaNet", "torchvision"), ("RetinaNet", "mmdet"), ("Faster R-CNN FPN", "detectron2"),
                       ("RetinaNet", "mmdet_v1"), ("SSD300", "mmdet_ssd")):
        cfg = preset_config(name, conv)
        aset = generate_anchors(cfg, (320, 416))
        for _ in range(6):
            xy = rng.uniform(0, 380, (7, 2))
            gts = np.concatenate([xy, xy + rng.uniform(2, 200, (7, 2))], axis=1)
            asg = assign_anchors(aset, gts, max_iou_rule(conv, pos_iou=0.6, neg_iou=0.4, low_quality=True))
            for pos in (0.6, None):
                full = match_kinds(aset, gts, asg, pos_iou=pos).kind
                lean = gt_match_kinds(aset, gts, asg, pos_iou=pos)
                assert lean.dtype == full.dtype and np.array_equal(lean, full)
                seen.update(full.tolist())
    assert {int(GTMatch.LOW_QUALITY), int(GTMatch.THRESHOLD)} <= seen  # the cases the rule separates occurred
