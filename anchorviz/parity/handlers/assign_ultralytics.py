"""Parity handler for assign_ultralytics.json: TaskAlignedAssigner 8.4.190 and 8.3.0 on ultralytics' padded batch.

The case's ``params["ultralytics_version"]`` picks the version; ``stride`` / ``stride_val`` / ``topk2`` come from
the params. A case may bring its own points (the micro scene's ``anc_points_px ...`` input); otherwise the points
are the file's common ``anc_points_px``. Triples are [b, gt, point] in torch.nonzero order.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from anchorviz.parity.handlers.assign_common import by_prefix, with_lists

from anchorviz.core.assigners.tal import TALConfig, task_aligned_batch


@with_lists
def _tal(p: dict, inp: dict, ctx: dict) -> dict:
    points = by_prefix(inp, "anc_points_px")
    if points is None:
        points = by_prefix(ctx["common"], "anc_points_px")
    points = np.asarray(points, np.float64).reshape(-1, 2)
    version = str(p.get("ultralytics_version", "8.4.190"))
    version = "8.3.0" if version.startswith("8.3") else "8.4.190"
    strides = tuple(p.get("stride") or (8, 16, 32))
    cfg = TALConfig(version=version, topk=int(p["topk"]), topk2=p.get("topk2"), alpha=float(p["alpha"]),
                    beta=float(p["beta"]), eps=float(p.get("eps", 1e-9)), strides=strides,
                    stride_val=p.get("stride_val"))
    scores = np.asarray(inp["pd_scores_sigmoid"], np.float32)
    results = task_aligned_batch(points, scores, inp["pd_bboxes_xyxy_px"], inp["gt_boxes_padded"],
                                 inp["gt_labels_padded"], inp["mask_gt"], config=cfg)
    gts = np.asarray(inp["gt_boxes_padded"], np.float64).reshape(len(results), -1, 4)
    c = scores.shape[-1]
    out: dict = {k: [] for k in ("target_labels", "fg_mask", "target_gt_idx", "num_fg_per_image", "fg_point_indices",
                                  "target_bboxes_fg", "target_scores_fg", "pos_align_metrics_per_gt",
                                  "pos_overlaps_per_gt", "norm_align_metric_fg", "assigned_count_per_gt")}
    triples = {k: [] for k in ("mask_in_gts", "align", "ciou", "topk", "before", "final", "tie")}
    total = 0.0
    for b, r in enumerate(results):
        fg = r.fg
        out["target_labels"].append(r.target_labels)
        out["fg_mask"].append(fg)
        out["target_gt_idx"].append(r.target_gt_idx)
        out["num_fg_per_image"].append(int(fg.sum()))
        out["fg_point_indices"].append(np.flatnonzero(fg))
        out["target_bboxes_fg"].append(gts[b][r.target_gt_idx[fg]] if r.num_rows else np.zeros((0, 4)))
        scores_fg = np.zeros((int(fg.sum()), c), np.float32)
        scores_fg[np.arange(int(fg.sum())), r.target_labels[fg]] = r.norm_align[fg]
        out["target_scores_fg"].append(scores_fg)
        total += float(np.asarray(r.norm_align[fg], np.float64).sum())
        out["pos_align_metrics_per_gt"].append(r.pos_align)
        out["pos_overlaps_per_gt"].append(r.pos_overlaps)
        out["norm_align_metric_fg"].append(r.norm_align[fg])
        out["assigned_count_per_gt"].append(np.bincount(r.final[:, 0], minlength=r.num_rows))
        triples["mask_in_gts"] += [[b, int(g), int(q)] for g, q in np.argwhere(r.mask_in_gts)]
        for key, vals in (("align", r.align), ("ciou", r.ciou)):
            triples[key] += [[b, int(g), int(q), float(v)] for g, q, v in zip(r.pair_gt, r.pair_point, vals) if v != 0]
        triples["topk"] += [[b, int(g), int(q)] for g, q in r.topk_pairs]
        triples["before"] += [[b, int(g), int(q)] for g, q in r.before]
        triples["final"] += [[b, int(g), int(q)] for g, q in r.final]
        triples["tie"] += [[b, j, bool(t[0]), int(t[1]), int(t[2]), int(t[3]), bool(t[4])]
                           for j, t in enumerate(r.tie_check)]
    out.update({
        "target_scores_sum": float(np.float32(total)),
        "target_scores_dtype": "torch.float32",
        "mask_in_gts_[b,gt,point]": triples["mask_in_gts"],
        "align_metric_raw_[b,gt,point,value]": triples["align"],
        "overlaps_ciou_[b,gt,point,value]": triples["ciou"],
        "mask_topk_[b,gt,point] (top-k picks before the in-GT mask)": triples["topk"],
        "mask_pos_before_conflict_[b,gt,point]": triples["before"],
        "mask_pos_final_[b,gt,point]": triples["final"],
        "topk_tie_check_[b,gt,boundary_tie,zero_metric_in_topk,in_gt_nonzero,in_gt_zero,ambiguous]": triples["tie"],
    })
    if results and results[0].early_return:  # ultralytics' n_max_boxes == 0 return: float labels / masks
        out["target_gt_idx"] = [np.zeros(r.num_points) for r in results]
    return out


_FN = "ultralytics.utils.tal.TaskAlignedAssigner.forward"
HANDLERS: dict[tuple[str, str], Callable[[dict, dict, dict], dict]] = {
    ("ultralytics", _FN): _tal,
}
