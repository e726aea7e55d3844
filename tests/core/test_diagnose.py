"""anchorviz.core.diagnose: why a GT got no positive, as reason codes with their raw numbers (the app words them)."""

from __future__ import annotations

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.max_iou import assign_anchors, max_iou_rule
from anchorviz.core.assign.yolov5 import assign_yolov5
from anchorviz.core.diagnose import Reason, explain_zero_positives
from anchorviz.core.iou.grid import grid_match_quality
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
