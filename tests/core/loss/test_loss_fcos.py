"""torchvision FCOS's loss given the point matching, against assign_torchvision.json: its cases record the
matched_idxs torchvision computed AND the losses (plus the targets and decoded boxes) it then computed from them.
The matching itself is issue #14's; here it is an input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from anchorviz.parity import compare as parity_compare
from anchorviz.core.loss.fcos import centerness_target, fcos_loss, linear_decode, linear_encode

DATA = json.loads((Path(__file__).parents[2] / "data" / "reference" / "assign_torchvision.json").read_text())
CASES = [c for c in DATA["cases"] if "FCOS" in c["function"]]


@pytest.mark.parametrize("index", range(len(CASES)))
def test_fcos_loss_from_recorded_matching(index):
    case = CASES[index]
    inp, out = case["inputs"], case["outputs"]
    anchors = np.asarray(DATA["common_inputs"]["anchors_xyxy"], float)
    targets = [(np.asarray(inp["gt_boxes"], float), np.asarray(inp["gt_labels"], np.int64))]
    f = lambda k: np.asarray(inp[k], np.float32)[None]  # noqa: E731
    details, losses, terms = fcos_loss(anchors, targets, [np.asarray(out["matched_idxs"])], f("cls_logits"),
                                       f("bbox_regression"), f("bbox_ctrness_logits"))
    ours = dict(details[0], losses={k: terms[k] for k in ("classification", "bbox_regression", "bbox_ctrness")},
                num_foreground=losses[0].num_pos)
    problems: list[str] = []
    for key in ("foreground_point_indices", "bbox_reg_targets_fg", "gt_ctrness_targets_fg", "decoded_pred_boxes_fg",
                "losses", "num_foreground"):
        parity_compare.compare(ours[key], out[key], key, problems)
    assert problems == []
    assert terms["normaliser"].value == max(1, int(out["num_foreground"]))


def test_linear_coder_round_trip_and_centerness():
    anchors = np.array([[0, 0, 16, 16], [8, 8, 24, 40]], float)
    gts = np.array([[2, 4, 14, 10], [0, 0, 30, 50]], float)
    codes = linear_encode(anchors, gts)
    np.testing.assert_allclose(linear_decode(codes, anchors), gts, atol=1e-5)
    # a point in the middle of its box has centre-ness 1; off-centre it falls
    ctr = centerness_target(np.array([[2.0, 3.0, 2.0, 3.0], [1.0, 1.0, 3.0, 1.0]], np.float32))
    np.testing.assert_allclose(ctr, [1.0, np.sqrt(1 / 3)], rtol=1e-6)
