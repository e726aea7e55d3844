STRINGS = {
    "loss.title": "Loss: what the network is trained on",
    "loss.intro": (
        "**What you see:** the chosen library's training loss in this image, as that library computes it: each "
        "location's part of the classification or box term (colour), the anchors that count for nothing (ignored, "
        "or left out of the sampled minibatch), how much of the classification loss comes from positives, hard "
        "and easy negatives (at your γ and at γ = 0), each GT's box loss, and the formulas with the library's own "
        "normaliser and this image's numbers. **Try:** move the training progress and watch the loss fall; set "
        "γ to 0 and see the easy negatives take over the classification loss; switch to the Faster R-CNN preset "
        "to see the RPN's 256-anchor minibatch."
    ),
    "loss.formulas": (
        "- Classification: focal loss (RetinaNet), sigmoid cross-entropy (RPN objectness) or softmax "
        "cross-entropy with a background class (d2l's SSD), summed over an anchor's class columns. Ignored anchors "
        "and anchors the sampler left out contribute exactly 0.\n"
        "- Box: L1, smooth-L1 (β; keras-retinanet writes σ, β = 1/σ²) or GIoU on the positives only.\n"
        "- Each term is divided by the library's normaliser (number of positives, of sampled anchors, a fixed "
        "batch size, an EMA, or the number of anchors) and multiplied by its weight λ; the loss is their sum.\n"
        "- The simulated head moves every score and box offset on a straight line from an untrained head (score "
        "at the bias prior, offsets far from the targets) to a trained one, so the loss falls as progress rises."
    ),
    "loss.no_rule": (
        "The Loss view has no reproduced loss for the **{preset}** preset under **{conv}** (mmdet v1's legacy "
        "heads, mmdet's SSD and YOLOv5 are not covered yet). Covered: {covered}. The other views work with this "
        "setup; pick one of these presets in the sidebar for its loss."
    ),
    # controls
    "loss.source": "Head output",
    "loss.src_sim": "simulated head",
    "loss.src_upload": "upload predictions (JSON)",
    "loss.asg": "Labels from",
    "loss.asg_head": "the head's own matcher",
    "loss.asg_labels": "the Labels page",
    "loss.asg_help": "The head's matcher is what the library trains this head with (RPN 0.7/0.3, RetinaNet "
                     "0.5/0.4, SSD 0.5). The Labels page's assignment shows what your thresholds (or ATSS, YOLOv5 "
                     "matching) would train on.",
    "loss.progress": "Training progress",
    "loss.progress_help": "0: an untrained head (scores at the bias prior, box offsets far from the targets); "
                          "1: a trained head. Every value moves on a straight line between the two, so the loss "
                          "falls as this rises.",
    "loss.seed": "seed",
    "loss.seed_help": "Draws the simulated head's noise and the minibatch (torch.manual_seed value, as the library's "
                      "sampler).",
    "loss.cls_kind": "Classification loss",
    "loss.cls_focal": "focal loss",
    "loss.cls_bce": "sigmoid cross-entropy",
    "loss.cls_softmax_ce": "softmax cross-entropy",
    "loss.cls_kind_help": "The library's own implementation: torchvision / fvcore sigmoid_focal_loss, mmdet "
                          "FocalLoss, keras-retinanet focal on probabilities, BCE with logits, softmax CE.",
    "loss.box_kind": "Box loss",
    "loss.box_l1": "L1",
    "loss.box_smooth_l1": "smooth L1",
    "loss.box_giou": "GIoU (decoded boxes)",
    "loss.box_kind_help": "Only the box losses this library's head can be configured with.",
    "loss.alpha_help": "Weight of the positive targets, α in [0, 1] (1 − α for the negatives).",
    "loss.alpha_help_off": "Weight of the positive targets, α in [0, 1]; this library reads α < 0 as no α weighting.",
    "loss.gamma_help": "Focusing parameter γ ≥ 0: (1 − p_t)^γ scales each term down as the head gets it right. "
                       "γ = 0 is cross-entropy.",
    "loss.beta_help": "Smooth-L1 β ≥ 0: quadratic below β, linear above. 0 is L1.",
    "loss.beta_help_mmdet": "Smooth-L1 β > 0 (mmdet's SmoothL1Loss asserts β > 0).",
    "loss.sigma_help": "keras-retinanet's smooth-L1 σ > 0 (3 by default): β = 1/σ².",
    "loss.lambda_help": "Loss weight λ ≥ 0, multiplied into the term.",
    "loss.bad_value": "{e} — the loss below keeps the last valid values.",
    "loss.asg_head_desc": "Labels: {spec} trains on the {name} matcher of this library.",
    "loss.asg_labels_desc": "Labels: the Labels page's assignment ({desc}).",
    # the head
    "loss.desc_sim": "simulated head at progress {p}, seed {seed}",
    "loss.desc_upload": "uploaded {name}",
    "loss.upload": "Upload predictions (JSON)",
    "loss.upload_help": "The Predictions page's format plus the class scores a loss needs: one row per anchor.",
    "loss.upload_formats": (
        "`{{\"deltas\": [[dx, dy, dw, dh], …], \"scores\": […], \"logits\": [[x_0, …, x_C-1], …]}}` with one row "
        "per anchor ({n} here, in anchorviz's anchor order), or `probabilities` instead of `logits`. One score per "
        "anchor is enough for thresholding and NMS but not for a loss over several classes, so `logits` are "
        "required except for an RPN (one objectness column: the score is its probability). The columns follow "
        "the library's head: torchvision RetinaNet and softmax heads have a background column. Probabilities "
        "are clipped to [1e-7, 1 − 1e-7] before they become logits."
    ),
    "loss.keeping_last": "Keeping the last good file, {name}.",
    "loss.upload_first": "Upload a predictions file to see its loss.",
    "loss.upload_stale": "The last good file has {n} rows, but the setup now has {m} anchors: upload one for it.",
    "loss.download": "Download this head as a predictions file",
    "loss.download_help": "The simulated head in the upload format ({n} class scores): upload it back to get the same "
                          "loss, or edit it. Also readable by the Predictions page.",
    # metrics
    "loss.m_total": "Total loss",
    "loss.m_cls": "Classification term",
    "loss.m_box": "Box term",
    "loss.m_norm": "Normaliser",
    "loss.m_pos": "Positives",
    "loss.counts": "Of the {n} anchors: {pos} positive, {neg} negative, {ign} ignored, {ns} not sampled.",
    # figure
    "loss.term": "Show on the image",
    "loss.term_cls": "classification",
    "loss.term_box": "box",
    "loss.fig_title": "{spec}, {desc}: total {total} = classification {cls} + box {box} · showing {term}",
    "loss.bin_0": "≥ 10% of the term ({n})",
    "loss.bin_1": "1–10% ({n})",
    "loss.bin_2": "0.1–1% ({n})",
    "loss.bin_3": "0.01–0.1% ({n})",
    "loss.bin_4": "< 0.01% ({n})",
    "loss.ignored_name": "ignored anchors: not counted ({n})",
    "loss.not_sampled_name": "not sampled: not counted ({n})",
    "loss.no_box_name": "no positive here: no box loss",
    "loss.hover_pos": "most loss, with a positive ({n})",
    "loss.hover_neg": "most loss, negatives only ({n})",
    "loss.pred_name": "predicted boxes of the top positives ({n})",
    "loss.caption_cls": "Each dot is one location; its colour is the summed share of the classification term of "
                        "its counted anchors. An orange ring marks a location with an ignored anchor, grey dots "
                        "locations whose anchors were all left out of the minibatch: those anchors contribute 0.",
    "loss.caption_box": "Only positives have a box loss: their rectangles are coloured by their share of the box "
                        "term, the dotted boxes are what the head predicts for the top positives.",
    "loss.caption_sampled": "This head trains on a sampled minibatch: {bs} anchors per image, positive fraction "
                            "{pf} ({rule} sampler): {p} positives and {n} negatives were drawn; every other "
                            "labelled anchor counts for nothing.",
    "loss.caption_hover": "Hover the {k} marked locations for each anchor's target, prediction and loss.",
    # hover
    "loss.role_pos": "positive",
    "loss.role_neg": "negative",
    "loss.role_ign": "ignored",
    "loss.role_ns": "not sampled",
    "loss.background": "background",
    "loss.hv_head": "<b>{lv}</b> cell ({y}, {x}): {share} of the {term} term",
    "loss.hv_not_counted": "{size}: {role}, not counted (loss 0)",
    "loss.hv_cls": "{size}: {role} → {target} · p(target) {p} · max p(object) {fg} · loss {loss} ({share})",
    "loss.hv_box": "{size} → GT {gt}: target {target} · predicted {pred} · loss {loss} ({share})",
    "loss.hv_more": "… and {n} more anchors here",
    # breakdown
    "loss.g_pos": "positives",
    "loss.g_hard": "hard negatives",
    "loss.g_easy": "easy negatives",
    "loss.bd_group": "{name}<br>({n} anchors)",
    "loss.bd_bar": "{share} of the term: {loss}",
    "loss.bd_title": "Where the classification loss comes from: γ = {gamma} beside γ = 0",
    "loss.bd_title_plain": "Where the classification loss comes from",
    "loss.bd_sub": "hard negative: max p(object) ≥ {thr}",
    "loss.bd_gamma": "γ = {gamma}",
    "loss.bd_gamma0": "γ = 0 (cross-entropy)",
    "loss.bd_y": "share of the classification term",
    "loss.bd_def": "A counted negative is hard when the head's highest object probability for it is at least {thr} "
                   "(it would call it an object now), easy otherwise; the groups read only the predictions, so both "
                   "bars sum the same anchors. Hover a bar for its part of the term.",
    "loss.bd_focal_note": "The point of focal loss: the easy negatives make {easy0} of the loss at γ = 0 and "
                          "{easy} at γ = {gamma}.",
    "loss.bd_not_focal": "This is not a focal loss: γ does not apply, so there is no γ = 0 column to compare.",
    # per GT
    "loss.gt_head": "Per GT: box loss",
    "loss.gt_none": "No GT boxes: every labelled anchor is a negative, and there is no box loss.",
    "loss.col_pos": "positives",
    "loss.col_pos_sampled": "sampled +",
    "loss.col_assigned": "assigned",
    "loss.col_box_sum": "Σ box loss",
    "loss.col_share": "% of box term",
    "loss.col_flag": "⚠",
    "loss.flag_none": "no positive",
    "loss.gt_warn": "**{n} of {m} GT boxes have no positive anchor here: {names}.** They get no box loss at all, "
                    "and their anchors train as background or not at all.",
    "loss.gt_sampled_out": "{n} of them had positives that the minibatch sampler left out.",
    "loss.gt_all": "Every one of the {m} GT boxes has at least one positive, so each gets a box loss.",
    # formulas
    "loss.fx_head": "{title}: the formulas with this image's numbers",
    "loss.fx_dtype": "Losses and sums are float32 as the libraries compute them; the normalisers are Python numbers "
                     "(the libraries count in Python and divide the float32 sum by them).",
    "loss.norm_tv_retinanet": "torchvision divides each image's sums by max(1, #foreground anchors of that image) and "
                              "then takes the mean over the images of the batch (one image here): the normaliser is "
                              "per image, not per batch.",
    "loss.norm_tv_rpn": "torchvision's RPN: objectness is the mean BCE over the sampled anchors; the box loss is "
                        "summed over the sampled positives and divided by the number sampled (positives + "
                        "negatives), not by the positives.",
    "loss.norm_tv_roi": "torchvision's Fast R-CNN: cross-entropy averaged over the sampled RoIs; the box loss at the "
                        "GT class is summed and divided by the total number of sampled RoIs.",
    "loss.norm_tv_fcos": "torchvision's FCOS: all three terms are divided by max(1, #foreground points in the whole "
                         "batch).",
    "loss.norm_mmdet_pos": "mmdet's avg_factor: the sum over images of max(#pos, 1) — an image without positives "
                           "still adds 1 — and the mean divides by avg_factor + float32 eps (1.19e-7), so an "
                           "avg_factor of 0 would give a huge number rather than an error.",
    "loss.norm_mmdet_pos_neg": "mmdet with a random sampler: avg_factor = Σ over images of max(#pos, 1) + "
                               "max(#neg, 1) sampled, plus float32 eps (1.19e-7) in the division. Label 0 is "
                               "foreground in mmdet's RPN.",
    "loss.norm_d2_rpn": "detectron2's RPN divides both sums by batch_size_per_image × images, a constant: it does "
                        "not shrink when fewer anchors could be sampled.",
    "loss.norm_d2_ema": "detectron2's RetinaNet divides by loss_normalizer, a moving average kept on the model, not "
                        "by this batch's positives.",
    "loss.norm_d2_roi": "detectron2's Fast R-CNN: cross-entropy mean over the RoIs; box loss at the GT class summed "
                        "and divided by max(#RoIs, 1).",
    "loss.norm_keras_pos": "keras-retinanet divides both sums by max(1, #positive anchors in the whole batch); "
                           "ignored anchors (IoU between the thresholds, or centre outside the image) are dropped.",
    "loss.norm_d2l_mean": "d2l's SSD has no #pos normaliser: cross-entropy is averaged over all anchors and the L1 "
                          "over all 4A masked entries (zeros included), so its numbers are not comparable with the "
                          "other libraries'.",
    "loss.ema_text": "It starts at {init} and moves each iteration: N ← {m}·N + (1 − {m})·max(#pos, 1). With "
                     "this image's {pos} positives the first five iterations divide by {seq} — the first one by "
                     "{ratio}× #pos — and only after about {k} iterations is it within 5% of #pos. The loss shown "
                     "is the first iteration's.",
}
