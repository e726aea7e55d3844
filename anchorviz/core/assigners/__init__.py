"""Point-based and dynamic label assigners beside the anchor rules, as the libraries compute them (issue #14).

Modules (one rule family each; every one returns the rule's own rich result and, through ``assign_*``, the common
``PointAssignment``):

* ``fcos``: torchvision FCOS matching (``fcos_match_torchvision`` gives matched_idxs for the loss);
* ``fcos_mmdet``: mmdet ``FCOSHead._get_targets_single``;
* ``tal``: ultralytics ``TaskAlignedAssigner`` 8.4.190 and 8.3.0, single image and padded batch;
* ``simota``: mmdet ``SimOTAAssigner`` and YOLOX's own SimOTA (HEAD and pre-fix), differences as data;
* ``dsl``: mmdet ``DynamicSoftLabelAssigner`` (RTMDet);
* ``dynamic_k``: the dynamic-k matching SimOTA and DSL share;
* ``result``: ``PointAssignment`` (an ``anchorviz.assign.Assignment`` with the intermediates);
* ``adapters``: max-IoU and ATSS results in the same frame;
* ``head``: predictions (``PointPredictions``) and the simulated head with a training-progress control;
* ``registry``: every rule by name on its own grid (``run_point_rule``);
* ``_topk`` / ``_overlaps``: CPU torch's top-k tie order, and the float32 overlaps and costs of each library.
"""

from __future__ import annotations

from anchorviz.core.assigners.adapters import anchor_frame, atss_frame, max_iou_frame
from anchorviz.core.assigners.dsl import DSLConfig, DSLResult, assign_dsl, dynamic_soft_label
from anchorviz.core.assigners.dynamic_k import DynamicKMatch, dynamic_k_match
from anchorviz.core.assigners.fcos import FcosMatch, assign_fcos_torchvision, fcos_match_torchvision
from anchorviz.core.assigners.fcos_mmdet import FcosTargets, assign_fcos_mmdet, fcos_targets_mmdet
from anchorviz.core.assigners.head import PointPredictions, simulate_point_head
from anchorviz.core.assigners.registry import POINT_RULES, PointRule, rule_grid, run_point_rule
from anchorviz.core.assigners.result import PointAssignment
from anchorviz.core.assigners.simota import (SIMOTA_VARIANTS, SimOTAConfig, SimOTAResult, assign_simota, run_simota,
                                             simota_differences, yolox_scores)
from anchorviz.core.assigners.tal import TAL_PRESETS, TALConfig, TALResult, assign_tal, task_aligned, task_aligned_batch

__all__ = [
    "anchor_frame", "atss_frame", "max_iou_frame",
    "DSLConfig", "DSLResult", "assign_dsl", "dynamic_soft_label",
    "DynamicKMatch", "dynamic_k_match",
    "FcosMatch", "assign_fcos_torchvision", "fcos_match_torchvision",
    "FcosTargets", "assign_fcos_mmdet", "fcos_targets_mmdet",
    "PointPredictions", "simulate_point_head",
    "POINT_RULES", "PointRule", "rule_grid", "run_point_rule",
    "PointAssignment",
    "SIMOTA_VARIANTS", "SimOTAConfig", "SimOTAResult", "assign_simota", "run_simota", "simota_differences",
    "yolox_scores",
    "TAL_PRESETS", "TALConfig", "TALResult", "assign_tal", "task_aligned", "task_aligned_batch",
]
