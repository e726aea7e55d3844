"""The Loss page's bounded caches: the labels a head trains on, its minibatch, the simulated head's random draws and
the loss itself.

Which labels: by default the head's own matcher (``HEAD_MATCHERS``: an RPN trains on 0.7 / 0.3, RetinaNet on
0.5 / 0.4, d2l's SSD on 0.5), so the page shows what the library trains on whatever the Labels page is set to;
the page can also take the Labels page's assignment (thresholds, ATSS, YOLOv5) to see what a change there does.

The draws and the loss live in the server's shared byte-bounded store (``pages.common.cache.RESULTS``): they are
read-only (the store freezes their arrays), a LossResult of 200,000 anchors (about 25 MB) would otherwise be
pickled on every rerun, and a byte budget keeps as many as fit instead of four. The draws depend only on (anchor count, seed), so the progress slider redoes
only the head's arithmetic and the loss (a few tens of milliseconds at 200,000 anchors).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.assign.labels import Assignment
from anchorviz.core.assign.max_iou import ASSIGNER_PRESETS
from anchorviz.core.coding.codec import decode
from anchorviz.core.coding.presets import CODERS
from anchorviz.core.loss import (HeadNoise, LossHead, LossResult, LossSpec, compute_loss, draw_head_noise,
                                 simulate_loss_head)
from anchorviz.core.loss.uploaded import head_as_predictions
from anchorviz.core.sampling.samplers import SampleResult
from pages.common import cache

# the thresholds each head kind is trained with (anchorviz.core.assign.max_iou.ASSIGNER_PRESETS names)
HEAD_MATCHERS = {"rpn": "RPN 0.7/0.3", "retinanet": "RetinaNet 0.5/0.4", "ssd": "SSD 0.5"}


def head_matcher_key(spec: LossSpec) -> tuple:
    """``cache.assignment_key`` of the head's own max-IoU matcher."""
    pos, neg, lq = ASSIGNER_PRESETS[HEAD_MATCHERS[spec.head]]
    return cache.assignment_key("maxiou", pos, neg, lq, 4.0, 9)


@dataclass(frozen=True, eq=False)
class LossView:
    """What the page draws: the loss, the head it was computed from, and the minibatch (None without sampler)."""

    result: LossResult
    head: LossHead
    sample: SampleResult | None


@cache.RESULTS.cached
def head_noise(num_anchors: int, seed: int) -> HeadNoise:
    """The simulated head's random draws (read-only; the progress slider reuses them)."""
    return draw_head_noise(num_anchors, seed)


def assignment(cfg: AnchorConfig, input_hw: tuple[int, int], gt_key: tuple, key: tuple) -> Assignment:
    """The labels of assignment ``key`` as an Assignment (from the Labels page's cache)."""
    res = cache.labels(cfg, input_hw, gt_key, key)
    return Assignment(labels=res.labels, matched_gt=res.matched_gt.astype(np.int64),
                      max_iou=np.zeros(len(res.labels)), gt_max_iou=res.gt_max_iou, num_gts=len(gt_key),
                      pairs_per_gt=res.positives_per_gt if key[0] == "yolov5" else None)


def minibatch(cfg: AnchorConfig, input_hw: tuple[int, int], gt_key: tuple, key: tuple, spec: LossSpec,
              seed: int) -> SampleResult | None:
    """The head's sampled minibatch (its own sampler, batch size and positive fraction), or None."""
    if spec.sampler is None:
        return None
    pos, neg = cache.minibatch(cfg, input_hw, gt_key, key, int(spec.sampler[0]), float(spec.sampler[1]),
                               spec.sampler_rule, int(seed))
    return SampleResult(pos_idx=pos, neg_idx=neg, rule=spec.sampler_rule)


def _loss(cfg, input_hw, gt_key, gt_classes, key, spec, num_classes, seed, head) -> LossView:
    aset = cache.anchors(cfg, input_hw)
    sample = minibatch(cfg, input_hw, gt_key, key, spec, seed)
    res = compute_loss(anchors=aset, assignment=assignment(cfg, input_hw, gt_key, key),
                       gt_boxes=np.asarray(gt_key, np.float64).reshape(-1, 4), gt_classes=np.asarray(gt_classes, np.int64),
                       head=head, spec=spec, coder=CODERS[cfg.conv.coder], num_classes=num_classes, sample=sample)
    return LossView(result=res, head=head, sample=sample)


@cache.RESULTS.cached
def simulated(cfg: AnchorConfig, input_hw: tuple[int, int], gt_key: tuple, gt_classes: tuple, key: tuple,
              spec: LossSpec, num_classes: int, progress: float, seed: int) -> LossView:
    """The loss of the simulated head at training progress ``progress``. Read-only: never mutate it."""
    aset = cache.anchors(cfg, input_hw)
    head = simulate_loss_head(anchors=aset.boxes, assignment=assignment(cfg, input_hw, gt_key, key),
                              gt_boxes=np.asarray(gt_key, np.float64).reshape(-1, 4),
                              gt_classes=np.asarray(gt_classes, np.int64), num_classes=num_classes, spec=spec,
                              coder=CODERS[cfg.conv.coder], progress=float(progress),
                              noise=head_noise(len(aset), int(seed)))
    return _loss(cfg, input_hw, gt_key, gt_classes, key, spec, num_classes, seed, head)


@cache.RESULTS.cached
def uploaded(cfg: AnchorConfig, input_hw: tuple[int, int], gt_key: tuple, gt_classes: tuple, key: tuple,
             spec: LossSpec, num_classes: int, seed: int, digest: str, _head: LossHead) -> LossView:
    """The loss of an uploaded head (``digest`` identifies it; ``_head`` is not hashed)."""
    return _loss(cfg, input_hw, gt_key, gt_classes, key, spec, num_classes, seed, _head)


def predicted_boxes_at(cfg: AnchorConfig, all_anchors: np.ndarray, all_deltas: np.ndarray, idx) -> np.ndarray:
    """``predicted_boxes`` of the anchors at ``idx`` (the page binds the first three with functools.partial)."""
    return predicted_boxes(cfg, all_anchors[idx], all_deltas[idx])


def simulated_head_json(run: tuple, progress: float, seed: int) -> str:
    """The simulated head of ``simulated(*run, progress, seed)`` as a predictions file (the page's download button
    calls it only when clicked)."""
    spec, num_classes = run[5], run[6]
    return json.dumps(head_as_predictions(simulated(*run, progress, seed).head, spec, num_classes))


def predicted_boxes(cfg: AnchorConfig, anchors: np.ndarray, deltas: np.ndarray) -> np.ndarray:
    """float64 (k, 4): the head's boxes for a few anchors, decoded as the library decodes them (an overflow stays
    inf / NaN: the figure leaves such a box out, the hover shows it)."""
    if not len(anchors):
        return np.zeros((0, 4))
    with np.errstate(over="ignore", invalid="ignore"):
        out = decode(anchors, np.asarray(deltas, np.float64), CODERS[cfg.conv.coder])
    return np.asarray(out, np.float64)
