STRINGS = {
    "pred.title": "Predictions: decode, score threshold, NMS",
    "pred.intro": (
        "**What you see:** what a detector does after its head has spoken. Every anchor gets four deltas and a "
        "score. The deltas are **decoded** into boxes, boxes with a low score are dropped (**score threshold**), "
        "and **NMS** (non-maximum suppression) keeps only the best of boxes that overlap a lot. Thin white "
        "boxes passed the score threshold; thick coloured boxes survive NMS, coloured like the GT they hit best.\n\n"
        "**Try:** raise σ (the head's noise) and see the boxes scatter; lower the NMS IoU threshold and watch "
        "duplicates collapse into one box per object; raise it towards 1 and the duplicates come back. Or upload "
        "your own head's output as JSON."
    ),
    "pred.formulas": (
        "- **Simulated head:** for each positive anchor, deltas = the true targets (encode of its GT) + Gaussian "
        "noise with standard deviation σ, score ≈ 0.9; every other anchor gets a small random score. Seeded, so "
        "the same seed gives the same head.\n"
        "- **Decode:** box = decode(anchor, deltas) with the chosen coder (see Encode / decode).\n"
        "- **Score threshold:** keep a box when score ≥ threshold.\n"
        "- **NMS:** sort by score; take the best box, remove every remaining box whose IoU with it is above the "
        "NMS threshold, repeat. Class-aware NMS does this per class, so a person never suppresses a dog.\n"
        "- **IoU with the GT:** for each final box, its best IoU over the GT boxes (≥ 0.5 usually counts as found)."
    ),
    "pred.source": "Head output",
    "pred.src_sim": "simulate a trained head",
    "pred.src_upload": "upload predictions (JSON)",
    "pred.sigma": "σ (noise of the deltas)",
    "pred.sigma_help": "Standard deviation of the Gaussian noise added to the true targets of positive anchors. "
                       "0 = a perfect head.",
    "pred.seed": "seed",
    "pred.score": "score threshold",
    "pred.score_help": "Boxes with a lower score are dropped before NMS (torchvision RetinaNet: 0.05).",
    "pred.nms": "NMS IoU threshold",
    "pred.nms_help": "A box is removed when its IoU with a better-scoring box is above this (torchvision: 0.5).",
    "pred.class_aware": "class-aware NMS",
    "pred.class_aware_help": "Run NMS per class (boxes of different classes never suppress each other). Only "
                             "available when the predictions hold more than one class.",
    "pred.upload": "Predictions JSON",
    "pred.upload_help": "Nothing in the file is executed; it is parsed as JSON.",
    "pred.upload_formats": "Accepted: {{\"deltas\": [[dx, dy, dw, dh], …], \"scores\": […]}} with one row per "
                           "anchor ({n} anchors, in the order of this setup), or the same with \"anchor_index\": "
                           "[…] for some anchors only, or {{\"boxes\": [[x1, y1, x2, y2], …], \"scores\": […]}} in "
                           "network-input pixels; \"classes\" is optional. The simulated head's download below "
                           "is an example.",
    "pred.keeping_last": "Still showing the last good predictions ({name}).",
    "pred.upload_stale": "The last good predictions were made for {n} anchors, but this setup has {m}: upload "
                         "predictions for this setup.",
    "pred.upload_first": "Upload a predictions file to see it decoded (or switch to the simulated head).",
    "pred.desc_sim": "simulated head σ={sigma}, seed {seed}",
    "pred.desc_upload": "{name}",
    "pred.no_coder": "These predictions are deltas, and they need a box coder to decode.",
    "pred.n_before": "before threshold",
    "pred.n_after_thr": "after score ≥ {thr}",
    "pred.n_after_nms": "after NMS (IoU {thr})",
    "pred.gt_found": "GT found (IoU ≥ 0.5)",
    "pred.hover": "score {score} · class {cls}<br>best GT {gt}, IoU {iou}<br>from anchor {a}",
    "pred.fig_title": "{desc}: {n0:,} predictions → {n1:,} with score ≥ {thr} → {n2:,} after NMS (IoU {nms})",
    "pred.cand_name": "after the score threshold ({n})",
    "pred.final_name": "after NMS ({n})",
    "pred.caption": "Thin white: boxes that passed the score threshold (NMS removed most of them). Thick: the "
                    "final boxes, in the colour of the GT they overlap best (white when none).",
    "pred.over_budget": "{n} boxes passed the threshold; the first {m} by anchor order are drawn.",
    "pred.table_head": "Final boxes and their IoU with the GT",
    "pred.col_score": "score",
    "pred.col_class": "class",
    "pred.col_gt": "best GT",
    "pred.col_iou": "IoU",
    "pred.col_anchor": "anchor",
    "pred.none_left": "No box is left: lower the score threshold.",
    "pred.download": "Download this head as predictions.json (top 500 scores)",
    "pred.download_help": "An example of the upload format (sparse, with anchor_index).",
}
