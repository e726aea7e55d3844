"""The Loss view's core (issue #13): what each library's training loss sees in one image, exactly as it computes it.

For the Loss page -- everything it needs, from what the app already has:

    from anchorviz.core.loss import (loss_spec_for_preset, draw_head_noise, simulate_loss_head, compute_loss,
                                     EmaNormaliser, Role)

1. **Pick the rule.** ``loss_spec_for_preset(preset, convention)`` (the Faster R-CNN preset trains an RPN,
   RetinaNet a RetinaNet head, the d2l presets d2l's SSD) or ``get_loss_spec(convention, head)`` -> :class:`LossSpec`;
   ``loss_specs_for(convention)`` lists a library's heads ("roi" and "fcos" exist for the parity rules). mmdet_v1,
   mmdet SSD and YOLOv5 have no loss rule yet: both raise AnchorVizInputError saying what is covered.
   Defaults per library (focal alpha/gamma, box loss and beta or keras' sigma, loss weights, normaliser, sampler)
   are in ``LOSS_SPECS``; ``spec.note`` is a one-line description of the normaliser for the UI.
2. **Apply the user's knobs.** ``spec.with_overrides(cls_loss="focal"|"bce"|"softmax_ce", box_loss="l1"|"smooth_l1"|
   "giou", alpha=, gamma=, beta=, sigma=, lambda_cls=, lambda_box=)`` validates against what that library accepts
   (alpha in [0, 1], or < 0 = off for torchvision/detectron2; gamma >= 0; beta >= 0, > 0 for mmdet; sigma > 0 for
   keras; lambda >= 0; only the box losses the library offers) and raises AnchorVizInputError with what was expected
   and what arrived -- keep the previous spec on error.
3. **The head.** ``noise = draw_head_noise(len(anchors), seed)`` once per (anchor count, seed), cache it; then
   ``simulate_loss_head(anchors=, assignment=, gt_boxes=, gt_classes=, num_classes=, spec=, coder=, progress=p,
   noise=noise)`` -> :class:`LossHead` for a training progress p in [0, 1] (0 untrained, 1 trained). Uploaded
   predictions: build ``LossHead(scores=(N, C) logits -- probabilities for keras, deltas=(N, 4),
   probabilities=...)`` with C = ``num_score_columns(spec, K)`` (torchvision RetinaNet and softmax heads have a
   background column, the RPN one objectness column; ``column_of_class`` maps a class to its column), or let
   ``loss_head_from_predictions(parse_predictions(...), spec, K)`` do it for the Predictions page's upload format
   (its optional per-class ``logits`` / ``probabilities``; ``uploaded.py`` says what a one-score file can give).
4. **The loss.** ``compute_loss(anchors=AnchorSet, assignment=, gt_boxes=, gt_classes=, head=, spec=, coder=,
   num_classes=K, sample=SampleResult (when spec.sampler; draw it with sampling.sample_minibatch(labels,
   batch_size=spec.sampler[0], positive_fraction=spec.sampler[1], rule=spec.sampler_rule, seed=...)), ema=,
   hard_threshold=0.5)`` -> :class:`LossResult`. Pass the AnchorSet (not its boxes) so 200,000 anchors are not
   validated again. For detectron2 RetinaNet, keep ``result.ema`` as the next iteration's ``ema`` to show how the
   normaliser moves (``EmaNormaliser().first_iterations(#pos)`` gives 90.x, 81.x, ... directly).

What a LossResult holds (arrays have one row per anchor):

* ``role``: ``Role`` 1 positive, 0 negative, -1 ignored, -2 not sampled. Ignored and not-sampled anchors have
  ``counts_cls`` False and contribute exactly 0 (draw them as "not counted"); ``counts_box`` marks the positives.
* ``target_col`` (library column layout) / ``target_class`` (0-based class of positives), ``matched_gt``,
  ``fg_prob`` (highest foreground probability), ``target_prob`` (predicted probability of the target) -- the hover.
* ``cls_loss`` and ``box_loss`` per anchor before normalisation; ``cls_contribution`` / ``box_contribution`` are
  their parts of the reported terms; ``reg_target`` the encoded regression target (GT boxes for GIoU).
* ``cls`` / ``box``: :class:`Term` with ``raw_sum``, ``normaliser`` (name, value, formula with the numbers plugged
  in, the counts), ``weight`` (lambda) and ``value``; ``total`` = cls.value + box.value.
* ``breakdown``: positives, hard negatives and easy negatives -- count, loss and share at the chosen gamma and at
  gamma = 0 (``cls_loss_gamma0``). A counted negative is *hard* when its highest foreground probability is >=
  ``hard_threshold`` (0.5: the head would call it an object now), else *easy*; the definition reads only the
  predictions, never gamma, so both columns sum the same anchors.
* ``per_gt``: positives (after sampling), assigned (before), summed box loss, its part of the box term and share;
  ``no_positive`` flags GTs that get no box loss at all.

dtype: losses are float32 as the libraries compute them (see ``elementwise``); normalisers are Python floats.

Module map: ``elementwise`` (per-element formulas), ``mmdet_losses`` (weight_reduce_loss / avg_factor), ``scores``
(per-anchor class-summed loss, dense or compact scores), ``specs``, ``rules`` (image loss + normalisers),
``compute`` / ``result`` (this API), ``head`` (simulated head), and the libraries' batch rules reproduced for the
parity goldens: ``torchvision_rules``, ``mmdet_rules``, ``detectron2_rules``, ``d2l_rules``, ``keras_rules``,
``fcos``.
"""

from __future__ import annotations

from anchorviz.core.loss.compute import compute_loss, roles_from
from anchorviz.core.loss.head import (HeadNoise, LossHead, background_column, column_of_class, draw_head_noise,
                                      num_score_columns, simulate_loss_head)
from anchorviz.core.loss.result import HARD_EASY_DEFINITION, Breakdown, Group, LossResult, PerGT, Term
from anchorviz.core.loss.rules import EmaNormaliser, Normaliser, Role
from anchorviz.core.loss.scores import CompactScores
from anchorviz.core.loss.specs import LOSS_SPECS, LossSpec, get_loss_spec, loss_spec_for_preset, loss_specs_for
from anchorviz.core.loss.uploaded import loss_head_from_predictions

__all__ = ["compute_loss", "roles_from", "LossHead", "HeadNoise", "draw_head_noise", "simulate_loss_head",
           "num_score_columns", "column_of_class", "background_column", "LossResult", "Term", "Group", "Breakdown",
           "PerGT", "HARD_EASY_DEFINITION", "EmaNormaliser", "Normaliser", "Role", "CompactScores", "LossSpec",
           "LOSS_SPECS", "get_loss_spec", "loss_specs_for", "loss_spec_for_preset", "loss_head_from_predictions"]
