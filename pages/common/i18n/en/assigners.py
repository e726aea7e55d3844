STRINGS = {
    # the navigation title lives here, not in nav.py, so this page adds one file and no shared line
    "nav.assigners": "Assigners",
    "assigners.title": "Assigners: anchors beside FCOS, SimOTA, TAL and RTMDet points",
    "assigners.intro": (
        "**What you see:** left, the anchor rule of the current setup (the Labels page's result); right, a modern "
        "assigner on *points* (one per feature-map cell and level, on the network input after the train-time "
        "resize). Both speak one language: grey dots are negative, orange dots ignored, and every positive is a "
        "marker ringed in its GT's colour and filled with its class target (1 for hard labels, the soft score for "
        "TAL, SimOTA and RTMDet). A GT without any positive is flagged in the panel where it has none. Below: "
        "positives per GT, and one GT's candidates with their cost. **Try:** move *training progress* and watch "
        "the prediction-aware rules re-label while max-IoU and FCOS stay put; pick a small GT; compare mmdet's "
        "SimOTA with YOLOX's, or ultralytics 8.4 with 8.3."
    ),
    "assigners.formulas": (
        "- **FCOS** (torchvision / mmdet): a point inside the GT (torchvision also within 1.5 strides of its "
        "centre) whose largest regression distance fits the level's range; a point shared by GTs goes to the "
        "smallest one.\n"
        "- **TAL** (ultralytics): metric = score^α · CIoU^β over the points inside the GT; each GT takes its top-k; "
        "a shared point goes to the GT of largest CIoU; the class target is the metric normalised by the GT's best "
        "CIoU.\n"
        "- **SimOTA** (mmdet / YOLOX): cost = BCE(score) + 3 · (−log IoU) + a penalty outside the GT's box and "
        "centre square; dynamic k = ⌊sum of the GT's 10 largest IoUs⌋ ≥ 1 cheapest points; a shared point goes to "
        "the cheapest GT; the class target is the IoU.\n"
        "- **RTMDet DSL** (mmdet): cost = soft-label BCE · |IoU − σ|² + 3 · (−log IoU) + 10^(distance/stride − 3); "
        "dynamic k from the 13 largest IoUs; class target IoU.\n"
        "- Max-IoU, YOLOv5 and ATSS on the left are the Labels page's rules, unchanged."
    ),
    # controls
    "assigners.rule": "Point assigner",
    "assigners.rule_help": "Each rule runs on its own library's points (cell corners for torchvision FCOS and RTMDet, "
                           "cell centres for the others) with the form of the predictions it takes.",
    "assigners.rule_fcos_torchvision": "FCOS · torchvision",
    "assigners.rule_fcos_mmdet": "FCOS · mmdet FCOSHead",
    "assigners.rule_tal_8.4": "TAL · ultralytics 8.4 (YOLOv8 / YOLO11)",
    "assigners.rule_tal_8.3": "TAL · ultralytics 8.3",
    "assigners.rule_simota_mmdet": "SimOTA · mmdet (YOLOX in mmdet)",
    "assigners.rule_simota_yolox_head": "SimOTA · YOLOX (HEAD)",
    "assigners.rule_simota_yolox_prefix": "SimOTA · YOLOX before the 2023 fix",
    "assigners.rule_dsl_rtmdet": "RTMDet · DynamicSoftLabel (mmdet)",
    "assigners.tal_settings": "TAL settings",
    "assigners.tal_v8": "YOLOv8 / YOLO11 loss: top-10, α 0.5, β 6",
    "assigners.tal_defaults": "class defaults: top-13, α 1, β 6 (TOOD, PP-YOLOE)",
    "assigners.tal_help": "The YOLOv8 / YOLO11 detection loss builds TaskAlignedAssigner(topk=10, alpha=0.5, "
                          "beta=6.0); the class's own defaults (13, 1.0, 6.0) are TOOD's, also used by PP-YOLOE, the "
                          "family RT-DETR comes from (RT-DETR itself matches queries with a Hungarian matcher).",
    "assigners.centre_sampling": "centre sampling (mmdet)",
    "assigners.centre_sampling_help": "mmdet FCOSHead's center_sampling (default off; the FCOS ‘improvements’ "
                                      "configs turn it on, radius 1.5).",
    "assigners.compare": "Compare with",
    "assigners.compare_none": "nothing",
    "assigners.compare_help": "Marks the cells where the other rule gives a different GT (or background), with the "
                              "same predictions. Sibling variants first.",
    "assigners.levels": "Point levels (strides)",
    "assigners.no_strides": "The sidebar's levels have no stride of 4 px or more (fixed feature maps of one cell per pixel); the points use {st}.",
    "assigners.levels_help": "The strides of the sidebar's levels. YOLOv8, YOLOX and RTMDet use 8 / 16 / 32 (the "
                             "default here).",
    "assigners.source": "Predictions",
    "assigners.src_sim": "simulated head",
    "assigners.src_upload": "upload (JSON)",
    "assigners.progress": "training progress",
    "assigners.progress_help": "0: an untrained head (prior-bias scores, boxes far off); 1: trained (boxes close to "
                               "the GT, high scores near its centre). The same seed moves every prediction "
                               "continuously.",
    "assigners.seed": "seed",
    "assigners.seed_help": "The simulated head's random streams.",
    "assigners.setup_desc": "{w}×{h} input, strides {st}",
    # predictions upload
    "assigners.upload": "Upload predictions (JSON, one row per point)",
    "assigners.upload_help": "Scores and decoded boxes for every point of this setup; see the format below.",
    "assigners.format_title": "Predictions file format",
    "assigners.format": (
        "One JSON object, rows in the libraries' point order: level by level, finest first, and within a level "
        "row by row (y outer, x fastest) — **{n} rows** for this setup ({setup}).\n\n"
        "```\n{{\n  \"format\": \"anchorviz.point_predictions/1\",\n  \"scores\": \"logits\",        "
        "// or \"probabilities\"\n  \"cls\": [[c0, …, c{c}], …],   // one row of {classes} class scores per point\n"
        "  \"obj\": [o, …],              // optional objectness per point (YOLOX heads)\n"
        "  \"boxes\": [[x1, y1, x2, y2], …],  // decoded boxes, network-input pixels\n"
        "  \"box_format\": \"xyxy\"         // or \"cxcywh\", \"xywh\"\n}}\n```\n"
        "Nothing in the file is executed. Wrong row counts, NaN or infinite values, probabilities outside [0, 1] "
        "and boxes of negative size are refused with a message; the last good file stays in use."
    ),
    "assigners.download": "Download these predictions as an example file",
    "assigners.download_help": "The simulated head's predictions for the current image, setup, progress and seed, in "
                               "the upload format (logits).",
    "assigners.keeping_last": "Keeping the last good file, {name}.",
    "assigners.upload_first": "Upload a predictions file to use it; until then the simulated head is shown "
                              "(uploaded files cannot travel in a link).",
    "assigners.upload_stale": "The last good file ({name}) has {n} rows, this setup has {m} points: showing the "
                              "simulated head.",
    "assigners.upload_classes": "{name}: the predictions have {c} classes, but GT class index {k} needs at least "
                                "{need}; expected one score per class of the picture.",
    # figure
    "assigners.src_desc_sim": "training progress {p}, seed {seed}",
    "assigners.src_desc_upload": "predictions from {name}",
    "assigners.fig_title": "{rule} · {src}: {pos} positive points, {zero} of {n} GT without",
    "assigners.left_title": "{rule}: {pos} positive anchors, {zero} GT without",
    "assigners.right_title": "{rule}: {pos} positive points, {zero} GT without",
    "assigners.pos_name": "positive (ring: its GT, fill: class target)",
    "assigners.pos_hover": "GT %{customdata} · class target %{marker.color:.3f}<extra></extra>",
    "assigners.as_dots": "positives (too many to draw one by one: dots in their GT's colour)",
    "assigners.neg_name": "negative",
    "assigners.ign_name": "ignored",
    "assigners.flag_name": "GT without a positive",
    "assigners.flag_text": "0 positives",
    "assigners.target_title": "class target",
    "assigners.gt_click": "GT centres (click to pick)",
    "assigners.gt_hover": "GT %{customdata}<extra></extra>",
    "assigners.diff_name": "differs from {other} ({n} cells)",
    "assigners.diff_hover": "{this}: {a} · {other}: {b}",
    "assigners.background": "background",
    "assigners.gt_word": "GT {i}",
    "assigners.caption": "The two panels share their zoom (mouse wheel, drag to pan). Dots are one image layer "
                         "without hover; markers have hover. Click a GT's centre or one of its positives to show its "
                         "candidates below.",
    "assigners.left_from_labels": "The left panel is the Labels page's assigner: change it there.",
    # why things move
    "assigners.why_static": "**{rule} is a static rule.** It labels points by geometry alone (inside the GT, its "
                            "centre region, the level's size range, the smallest GT for a shared point) and reads "
                            "no prediction: moving training progress changes nothing on the right, exactly as "
                            "max-IoU on the left reads only the boxes.",
    "assigners.why_dynamic": "**{rule} is prediction-aware.** It ranks candidates with the network's own "
                             "predictions ({what}), so the labels move as training progresses: an untrained head "
                             "gives few, scattered positives, a trained one more positives near each GT's centre. "
                             "The anchor rule on the left reads only the boxes and stays put.",
    "assigners.what_tal": "score^α · CIoU^β of each point's prediction",
    "assigners.what_simota": "classification cost + 3 × IoU cost of each prediction, dynamic k from its IoUs",
    "assigners.what_dsl": "soft classification cost + IoU cost + centre prior, dynamic k from its IoUs",
    "assigners.moved": "Training progress {p0} → {p1}, seed {s0} → {s1}: **{n} point labels changed** on the "
                       "right; {a} anchor labels changed on the left.",
    # per GT
    "assigners.per_gt": "Positives per GT",
    "assigners.zero_warning": "**{zp} of {n} GT get no positive point** under {rule}; {za} get no positive anchor "
                              "under {arule}. They are flagged in both panels and below — the small and crowded "
                              "objects a detector learns as background.",
    "assigners.all_have": "Every one of the {n} GT boxes has a positive in both panels.",
    "assigners.col_gt": "GT",
    "assigners.col_class": "class",
    "assigners.col_size": "w×h (input px)",
    "assigners.col_anchors": "positive anchors (left)",
    "assigners.col_pairs": "anchor pairs (left)",
    "assigners.col_points": "positive points (right)",
    "assigners.col_compare": "{rule}",
    "assigners.col_k": "dynamic k",
    "assigners.col_topk": "top-k",
    "assigners.col_lost": "lost in conflicts",
    "assigners.col_flag": "flag",
    "assigners.flag_anchor": "no positive anchor",
    "assigners.flag_point": "no positive point",
    "assigners.flag_anchor_lq": "anchors: low-quality only",
    "assigners.no_gt": "No GT boxes: add some in the sidebar to see who gets positives.",
    # one GT's candidates
    "assigners.cand_head": "One GT's candidates",
    "assigners.cand_gt": "GT",
    "assigners.cand_gt_option": "GT {i}: {cls} ({wh})",
    "assigners.cand_gt_help": "Or click the GT's centre (or one of its positives) in the figure above.",
    "assigners.cand_title": "GT {gt} under {rule}: {n} candidates · {k} · won {w} · lost {l}",
    "assigners.cand_k_dynamic": "dynamic k = {k}",
    "assigners.cand_k_topk": "top-k = {k}",
    "assigners.cand_k_none": "no k (geometric rule)",
    "assigners.level_title": "stride {s}",
    "assigners.value_cost": "cost (lower wins)",
    "assigners.value_metric": "alignment metric (higher wins)",
    "assigners.value_allowed": "allowed",
    "assigners.value_hover_cost": "cost %{customdata:.4g}<extra></extra>",
    "assigners.value_hover_metric": "metric %{customdata:.3g}<extra></extra>",
    "assigners.value_hover_allowed": "allowed for this GT<extra></extra>",
    "assigners.penalised": "penalised (cost ≥ 10⁵)",
    "assigners.penalised_hover": "a candidate with this GT's penalty: outside its box or centre square<extra></extra>",
    "assigners.not_allowed": "inside, not allowed",
    "assigners.not_allowed_hover": "inside the GT, but outside this level's range or the centre region<extra></extra>",
    "assigners.points_name": "the level's points",
    "assigners.won": "won",
    "assigners.lost": "picked, lost to another GT (× in its colour)",
    "assigners.lost_to": "picked by GT {gt}, lost to GT {w}",
    "assigners.lost_bg": "picked by GT {gt}, ended as background",
    "assigners.cand_caption_fcos": "FCOS has no cost: green points pass every test for this GT (inside it, the "
                                   "centre region where the library samples one, the level's size range); grey ones "
                                   "are inside but fail a test. A point several GTs may take goes to the smallest.",
    "assigners.cand_caption_tal": "The alignment metric score^α · CIoU^β at the points inside the (8.4: widened) "
                                  "GT, on a log scale. The GT takes its top-k; a point chosen by several GTs goes "
                                  "to the one with the largest CIoU.",
    "assigners.cand_caption_simota": "The cost at each candidate, log scale (bright = cheap). Grey cells carry this "
                                     "GT's penalty, yet can still be taken: the GT takes its k cheapest, k from the "
                                     "sum of its 10 best IoUs; a point taken twice goes to the cheaper GT.",
    "assigners.cand_caption_dsl": "The cost at each candidate (points inside any GT), log scale (bright = cheap); "
                                  "the centre prior grows ×10 per stride away from the GT's centre. The GT takes its "
                                  "k cheapest, k from its 13 best IoUs.",
    "assigners.ties": "GT {gt}'s k-th place is a tie; the points follow CPU torch's order (another implementation "
                      "could pick differently).",
    # where libraries disagree
    "assigners.diff_head": "Where the libraries disagree",
    "assigners.simota_table": "SimOTA: the fields in which the three implementations differ",
    "assigners.col_field": "field",
    "assigners.col_mmdet": "mmdet 3.3.0",
    "assigners.col_prefix": "YOLOX before the fix (a4152a5)",
    "assigners.col_head": "YOLOX HEAD",
    "assigners.diff_tal": "ultralytics 8.4 widens every GT side shorter than the second stride (16 px with 8 / 16 / "
                          "32) before the inside test, and has topk2; 8.3.0 has neither, so on the same predictions "
                          "tiny objects get positives only in 8.4.",
    "assigners.diff_fcos": "torchvision puts FCOS points on cell corners, samples within 1.5 strides of the centre and "
                           "uses open range bounds with a float32 area key (areas within ~8 px² tie, lower index "
                           "wins); mmdet's FCOSHead uses cell centres, no centre sampling by default, closed ranges "
                           "and exact areas.",
    "assigners.diff_cells": "Compared cell by cell in the libraries' common order; {a} places its points at "
                            "{pa}, {b} at {pb}.",
    "assigners.corners": "cell corners",
    "assigners.centres": "cell centres",
    "assigners.lq_left": "{k} of {n} GT boxes are positive under {arule} only by its low-quality rule: no anchor "
                         "reaches pos_iou {pos} with them (the Labels page says why, for each).",
}
