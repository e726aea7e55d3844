"""Uploaded predictions as the head a loss reads: the Predictions page's format with optional per-class logits or
probabilities, what a one-score file can give, and the download -> upload round trip (same loss, every library)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from anchorviz.core.assign.max_iou import assign_max_iou, max_iou_rule
from anchorviz.core.coding import presets as coding_presets
from anchorviz.core.conventions import get_convention
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.quality import dense_match_quality
from anchorviz.core.loss import (LOSS_SPECS, LossHead, compute_loss, draw_head_noise, loss_head_from_predictions,
                                 num_score_columns, simulate_loss_head)
from anchorviz.core.loss.uploaded import head_as_predictions
from anchorviz.core.predict import HeadOutput
from anchorviz.core.sampling.samplers import sample_minibatch
from anchorviz.io.predictions import parse_predictions

F32 = np.float32
K = 3
# a 6x6 grid of 16 px and 32 px squares on a 96x96 image, three GTs
_c = (np.arange(6) + 0.5) * 16
_cx, _cy = np.meshgrid(_c, _c)
ANCHORS = np.concatenate([np.stack([_cx.ravel() - s / 2, _cy.ravel() - s / 2, _cx.ravel() + s / 2,
                                    _cy.ravel() + s / 2], 1) for s in (16, 32)])
GTS = np.array([[4.0, 6.0, 30.0, 28.0], [40.0, 40.0, 75.0, 70.0], [60.0, 5.0, 90.0, 20.0]])
CLASSES = np.array([0, 2, 1])


def _setup(key: str):
    spec = LOSS_SPECS[key]
    rule = max_iou_rule(spec.library, pos_iou=0.5, neg_iou=0.4)
    asg = assign_max_iou(dense_match_quality(ANCHORS, GTS, style=get_convention(spec.library).iou,
                                             request=rule.request()), rule)
    coder = coding_presets.CODERS[get_convention(spec.library).coder]
    sample = None
    if spec.sampler:
        sample = sample_minibatch(asg.labels.astype(np.int64), batch_size=16, positive_fraction=0.5,
                                  rule=spec.sampler_rule, seed=0)
    return spec, asg, coder, sample


def _loss(spec, asg, coder, sample, head):
    return compute_loss(anchors=ANCHORS, assignment=asg, gt_boxes=GTS, gt_classes=CLASSES, head=head, spec=spec,
                        coder=coder, num_classes=K, sample=sample, batch_size_per_image=16)


@pytest.mark.parametrize("key", sorted(k for k in LOSS_SPECS if not k.endswith(("/roi", "/fcos"))))
def test_download_then_upload_gives_the_same_loss(key):
    spec, asg, coder, sample = _setup(key)
    sim = simulate_loss_head(anchors=ANCHORS, assignment=asg, gt_boxes=GTS, gt_classes=CLASSES, num_classes=K,
                             spec=spec, coder=coder, progress=0.4, noise=draw_head_noise(len(ANCHORS), 3))
    text = json.dumps(head_as_predictions(sim, spec, K))
    pred = parse_predictions(text, num_anchors=len(ANCHORS))
    assert pred.class_scores.shape == (len(ANCHORS), num_score_columns(spec, K))
    up = loss_head_from_predictions(pred, spec, K)
    # the file holds the head's dense scores exactly: the same bits as the dense head in memory
    dense = LossHead(scores=sim.scores.dense(), deltas=sim.deltas, probabilities=sim.probabilities)
    a, b = _loss(spec, asg, coder, sample, dense), _loss(spec, asg, coder, sample, up)
    assert b.total == a.total and b.cls.raw_sum == a.cls.raw_sum and b.box.raw_sum == a.box.raw_sum
    np.testing.assert_array_equal(a.cls_loss, b.cls_loss)
    np.testing.assert_array_equal(a.box_loss, b.box_loss)
    # and the simulated head's compact scores give that loss up to float32 summation order
    assert _loss(spec, asg, coder, sample, sim).total == pytest.approx(b.total, rel=1e-5)
    # the file's scores / classes are what the Predictions page thresholds: probabilities, classes < K
    assert 0 <= min(pred.scores) and max(pred.scores) <= 1 and set(pred.classes.tolist()) <= set(range(K))


def test_probabilities_become_logits_of_the_head_kind():
    p = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]])
    for key, want in (("mmdet/retinanet", np.log(p) - np.log1p(-p)), ("d2l/ssd", None)):
        spec = LOSS_SPECS[key]
        k = num_score_columns(spec, 2)
        probs = p if k == 3 else p[:, :2]
        head = loss_head_from_predictions(HeadOutput(scores=np.zeros(2), classes=np.zeros(2, int),
                                                     deltas=np.zeros((2, 4)), class_scores=probs,
                                                     class_scores_kind="probabilities"), spec, 2)
        got = head.scores.astype(np.float64)
        if want is not None:  # sigmoid head: log(p / (1 - p))
            np.testing.assert_allclose(got, want[:, :k], rtol=1e-6)
        else:  # softmax head: log p, whose softmax gives p back
            sm = np.exp(got) / np.exp(got).sum(1, keepdims=True)
            np.testing.assert_allclose(sm, probs, rtol=1e-6)
    keras = loss_head_from_predictions(HeadOutput(scores=np.zeros(2), classes=np.zeros(2, int), deltas=np.zeros((2, 4)),
                                                  class_scores=np.zeros((2, 2)), class_scores_kind="logits"),
                                       LOSS_SPECS["keras_retinanet/retinanet"], 2)
    assert keras.probabilities and np.all(keras.scores == F32(0.5))  # keras' loss reads sigmoid(logits)


def test_one_score_per_anchor_is_an_rpn_objectness_only():
    one = HeadOutput(scores=np.array([0.9, 0.0]), classes=np.zeros(2, int), deltas=np.zeros((2, 4)))
    head = loss_head_from_predictions(one, LOSS_SPECS["torchvision/rpn"], 5)
    assert head.scores.shape == (2, 1) and head.scores[0, 0] == pytest.approx(np.log(9), rel=1e-6)
    assert np.isfinite(head.scores).all()  # 0 is clipped to 1e-7 before the logit
    with pytest.raises(AnchorVizInputError, match=r"one score per anchor cannot give torchvision RetinaNet.*reads 6 "
                                                  r"columns.*add 'logits'"):
        loss_head_from_predictions(one, LOSS_SPECS["torchvision/retinanet"], 5)


@pytest.mark.parametrize("payload,match", [
    ({"scores": [0.5, 0.5], "deltas": [[0] * 4] * 2, "logits": [[0, 1], [2]]}, "'logits' must hold numbers"),
    ({"scores": [0.5, 0.5], "deltas": [[0] * 4] * 2, "logits": [0, 1]}, r"rows of equal length.*got shape \[2\]"),
    ({"scores": [0.5, 0.5], "deltas": [[0] * 4] * 2, "logits": [[0, 1]]}, "'logits' has 1 rows, expected 2"),
    ({"scores": [0.5, 0.5], "deltas": [[0] * 4] * 2, "probabilities": [[0, 1.5], [0, 0]]}, r"in \[0, 1\], got 1.5"),
    ({"scores": [0.5, 0.5], "deltas": [[0] * 4] * 2, "logits": [[0, 0]] * 2, "probabilities": [[0, 0]] * 2},
     "not both"),
    ({"scores": [0.5], "deltas": [[0] * 4], "anchor_index": [1], "logits": [[0, 0]]}, "without 'anchor_index'"),
    ({"scores": [0.5], "boxes": [[0, 0, 5, 5]], "logits": [[0, 0]]}, "without 'boxes'"),
])
def test_bad_class_scores(payload, match):
    with pytest.raises(AnchorVizInputError, match=match):
        parse_predictions(payload, num_anchors=2)


def test_nan_class_scores_and_wrong_columns():
    with pytest.raises(AnchorVizInputError, match="NaN or infinite"):
        parse_predictions('{"scores": [0.5], "deltas": [[0, 0, 0, 0]], "logits": [[0, NaN]]}', num_anchors=1)
    pred = parse_predictions({"scores": [0.5], "deltas": [[0, 0, 0, 0]], "logits": [[0, 1]]}, num_anchors=1)
    with pytest.raises(AnchorVizInputError, match=r"'logits' has 2 columns, expected 4 for torchvision RetinaNet "
                                                  r"with 3 classes \(column 0 background"):
        loss_head_from_predictions(pred, LOSS_SPECS["torchvision/retinanet"], 3)
    boxes = parse_predictions({"scores": [0.5], "boxes": [[0, 0, 5, 5]]}, num_anchors=1)
    with pytest.raises(AnchorVizInputError, match="needs 'deltas'"):
        loss_head_from_predictions(boxes, LOSS_SPECS["torchvision/rpn"], 3)


def test_old_files_read_as_before():
    pred = parse_predictions({"scores": [0.1, 0.9], "deltas": [[0] * 4] * 2, "classes": [0, 1]}, num_anchors=2)
    assert pred.class_scores is None and pred.class_scores_kind == "" and pred.classes.tolist() == [0, 1]
