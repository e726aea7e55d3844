"""Bad values reach the user as AnchorVizInputError saying what was expected and what arrived."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from anchorviz.core.coding import presets as coding_presets
from anchorviz.core.assign.max_iou import assign_max_iou, max_iou_rule
from anchorviz.core.conventions import get_convention
from anchorviz.core.loss import (LOSS_SPECS, LossHead, compute_loss, draw_head_noise, get_loss_spec,
                                 simulate_loss_head)
from anchorviz.core.loss.d2l_rules import D2lEmptyLabelsError, multibox_target
from anchorviz.core.loss.mmdet_losses import weight_reduce_loss
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.quality import dense_match_quality

F32 = np.float32
TV = LOSS_SPECS["torchvision/retinanet"]


@pytest.mark.parametrize(("key", "kwargs", "match"), [
    ("mmdet/retinanet", {"alpha": 1.5}, r"alpha: mmdetection RetinaNet expects alpha in \[0, 1\], got 1.5"),
    ("mmdet/retinanet", {"alpha": -1}, r"alpha: .* in \[0, 1\], got -1"),           # mmdet has no alpha < 0 switch
    ("torchvision/retinanet", {"alpha": 1.01}, r"or < 0 to switch the alpha weighting off\), got 1.01"),
    ("torchvision/retinanet", {"gamma": -0.5}, r"gamma: expected a number >= 0 .*, got -0.5"),
    ("torchvision/retinanet", {"gamma": math.nan}, r"gamma: expected a number >= 0 .*, got nan"),
    ("torchvision/rpn", {"beta": -0.1}, r"beta: expected a number >= 0 \(0 means L1\), got -0.1"),
    ("mmdet/retinanet", {"beta": 0}, r"beta: expected a number > 0 \(mmdet SmoothL1Loss asserts beta > 0\), got 0"),
    ("keras_retinanet/retinanet", {"sigma": 0}, r"sigma: expected a number > 0 .*, got 0"),
    ("torchvision/retinanet", {"sigma": 3}, r"sigma: only keras-retinanet's smooth-L1 has sigma"),
    ("torchvision/retinanet", {"lambda_box": -1}, r"lambda_box: expected a loss weight >= 0, got -1"),
    ("torchvision/rpn", {"box_loss": "giou"}, r"box loss: torchvision RPN supports smooth_l1, got 'giou'"),
    ("d2l/ssd", {"cls_loss": "focal"}, r"softmax head; expected 'softmax_ce', got 'focal'"),
    ("keras_retinanet/retinanet", {"cls_loss": "bce"}, r"keras-retinanet trains with its focal loss only"),
])
def test_overrides_are_validated_per_library(key, kwargs, match):
    with pytest.raises(AnchorVizInputError, match=match):
        LOSS_SPECS[key].with_overrides(**kwargs)


def test_valid_overrides_apply():
    s = TV.with_overrides(alpha=-1, gamma=0, box_loss="giou", lambda_cls=2)
    assert (s.alpha, s.gamma, s.box_loss, s.lambda_cls) == (-1, 0, "giou", 2)
    k = LOSS_SPECS["keras_retinanet/retinanet"].with_overrides(sigma=1.0)
    assert (k.sigma, k.beta) == (1.0, 1.0)
    assert LOSS_SPECS["mmdet/rpn"].with_overrides(cls_loss="focal").cls_loss == "focal_mmdet"


def test_unknown_head_lists_what_exists():
    with pytest.raises(AnchorVizInputError, match=r"no loss rule for yolov5 retinanet; expected one of torchvision/"):
        get_loss_spec("yolov5", "retinanet")


def _scene():
    anchors = np.array([[0, 0, 16, 16], [8, 8, 40, 40], [30, 20, 62, 52], [0, 0, 64, 64]], float)
    gts = np.array([[4, 4, 28, 30], [30, 20, 62, 52]], float)
    rule = max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4)
    res = assign_max_iou(dense_match_quality(anchors, gts, style=get_convention("torchvision").iou,
                                             request=rule.request()), rule)
    head = LossHead(scores=np.zeros((4, 4), F32), deltas=np.zeros((4, 4), F32))
    return dict(anchors=anchors, assignment=res, gt_boxes=gts, gt_classes=np.array([0, 2]), head=head, spec=TV,
                coder=coding_presets.TORCHVISION_RPN, num_classes=3)


def test_the_scene_computes():
    r = compute_loss(**_scene())
    assert r.counts["positive"] >= 2 and math.isfinite(r.total)


@pytest.mark.parametrize(("change", "match"), [
    (lambda kw: kw.update(head=LossHead(scores=np.zeros((4, 3), F32), deltas=np.zeros((4, 4), F32))),
     r"scores: torchvision RetinaNet with 3 classes expects \(4, 4\) scores .*, got \(4, 3\)"),
    (lambda kw: kw.update(head=LossHead(scores=np.full((4, 4), np.nan, F32), deltas=np.zeros((4, 4), F32))),
     r"scores: expected finite numbers, got NaN or inf"),
    (lambda kw: kw.update(head=LossHead(scores=np.zeros((4, 4), F32), deltas=np.full((4, 4), np.inf, F32))),
     r"deltas: expected \(4, 4\) finite numbers, got shape \[4, 4\] with NaN or inf"),
    (lambda kw: kw.update(head=LossHead(scores=np.zeros((4, 4), F32), deltas=np.zeros((3, 4), F32))),
     r"deltas: expected \(4, 4\) finite numbers, got shape \[3, 4\]"),
    (lambda kw: kw.update(gt_classes=np.array([0, 3])), r"gt classes: expected 2 integers in \[0, 3\), got \[0, 3\]"),
    (lambda kw: kw.update(num_classes=0), r"num_classes: expected an integer >= 1, got 0"),
    (lambda kw: kw.update(gt_boxes=np.array([[4, 4, 28, 30]], float), gt_classes=np.array([0])),
     r"assignment: made for 4 anchors and 2 GTs, expected 4 anchors and 1 GTs"),
    (lambda kw: kw.update(spec=LOSS_SPECS["detectron2/rpn"], head=LossHead(scores=np.zeros((4, 1), F32),
                                                                          deltas=np.zeros((4, 4), F32))),
     r"sample: detectron2 RPN trains on a sampled minibatch \(256 anchors, 0.5 positive\); .* got None"),
    (lambda kw: kw.update(spec=LOSS_SPECS["keras_retinanet/retinanet"], head=LossHead(
        scores=np.full((4, 3), 0.5, F32), deltas=np.zeros((4, 4), F32))),
     r"scores: keras-retinanet reads probabilities, got logits"),
    (lambda kw: kw.update(spec=LOSS_SPECS["keras_retinanet/retinanet"], head=LossHead(
        scores=np.full((4, 3), 1.5, F32), deltas=np.zeros((4, 4), F32), probabilities=True)),
     r"keras-retinanet's loss reads probabilities, expected values in \[0, 1\]"),
    (lambda kw: kw.update(hard_threshold=1.5), r"hard_threshold: expected a probability in \[0, 1\], got 1.5"),
    (lambda kw: kw.update(batch_size_per_image=0), r"batch_size_per_image: expected an integer >= 1, got 0"),
])
def test_compute_loss_rejects_bad_inputs(change, match):
    kw = _scene()
    change(kw)
    with pytest.raises(AnchorVizInputError, match=match):
        compute_loss(**kw)


def test_inputs_are_not_changed():
    kw = _scene()
    before = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    scores = kw["head"].scores.copy()
    compute_loss(**kw)
    for k in ("anchors", "gt_boxes", "gt_classes"):
        np.testing.assert_array_equal(kw[k], before[k])
    np.testing.assert_array_equal(kw["head"].scores, scores)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"progress": 1.2}, r"progress: expected a number in \[0, 1\] \(0 untrained, 1 trained\), got 1.2"),
    ({"progress": -0.1}, r"progress: expected a number in \[0, 1\]"),
    ({"num_classes": 0}, r"num_classes: expected an integer >= 1, got 0"),
    ({"noise": draw_head_noise(5, 0)}, r"noise: drawn for 5 anchors, expected 4"),
])
def test_simulated_head_rejects_bad_inputs(kwargs, match):
    kw = _scene()
    args = dict(anchors=kw["anchors"], assignment=kw["assignment"], gt_boxes=kw["gt_boxes"],
                gt_classes=kw["gt_classes"], num_classes=3, spec=TV, coder=coding_presets.TORCHVISION_RPN, progress=0.5)
    args.update(kwargs)
    with pytest.raises(AnchorVizInputError, match=match):
        simulate_loss_head(**args)


def test_noise_seed_and_count_are_checked():
    with pytest.raises(AnchorVizInputError, match=r"seed: expected an integer >= 0, got -1"):
        draw_head_noise(4, -1)
    with pytest.raises(AnchorVizInputError, match=r"num_anchors: expected an integer >= 0, got 2.5"):
        draw_head_noise(2.5, 0)


def test_mmdet_sum_with_avg_factor_is_refused_like_mmdet():
    with pytest.raises(AnchorVizInputError, match=r'avg_factor can not be used with reduction="sum"'):
        weight_reduce_loss(np.ones(3, F32), None, "sum", avg_factor=2)


def test_d2l_without_label_rows_says_what_d2l_raises():
    with pytest.raises(D2lEmptyLabelsError, match=r"needs at least one label row per image, got shape \[1, 0, 5\]"):
        multibox_target(np.zeros((2, 4)), np.zeros((1, 0, 5)))
    assert D2lEmptyLabelsError.library_error.startswith("IndexError: max()")
    assert issubclass(D2lEmptyLabelsError, AnchorVizInputError)


def test_spec_fields_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        TV.alpha = 0.5  # type: ignore[misc]


def test_presets_map_to_their_heads():
    from anchorviz.core.loss import loss_spec_for_preset

    assert loss_spec_for_preset("Faster R-CNN FPN", "detectron2").key == "detectron2/rpn"
    assert loss_spec_for_preset("RetinaNet", "keras_retinanet").key == "keras_retinanet/retinanet"
    assert loss_spec_for_preset("d2l book (multiscale)", "d2l").key == "d2l/ssd"
    with pytest.raises(AnchorVizInputError, match=r"no reproduced loss for the 'YOLOv5 P3-P5' preset under yolov5; "
                                                  r"the Loss view covers .*RetinaNet \(torchvision\)"):
        loss_spec_for_preset("YOLOv5 P3-P5", "yolov5")
    with pytest.raises(AnchorVizInputError, match=r"'RetinaNet' preset under mmdet_v1"):
        loss_spec_for_preset("RetinaNet", "mmdet_v1")
