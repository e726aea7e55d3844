"""The train-time resize and a dataset's reading report in the chosen language (the core's ``describe()`` and
``DatasetReport.lines()`` are English, for the command line). Sizes are written width×height, as everywhere."""

from __future__ import annotations

import math

from anchorviz.core.resize import ResizePlan, plan_resize
from anchorviz.dataset.load import BoxDataset
from pages.common.i18n import t


def describe_plan(plan: ResizePlan) -> str:
    """One line: the photo, the scale, the padding and the network input, e.g. "shorter side: 640×480 photo ×1.667
    → 1067×800, padded bottom/right to 1088×800 (multiple of 32); network input 1088×800 (w×h)"."""
    (h, w), (rh, rw), (ih, iw) = plan.image_hw, plan.resized_hw, plan.input_hw
    text = t("resize.head", mode=t("resize.mode_" + plan.mode), photo=f"{w}×{h}")
    if (rh, rw) != (h, w):
        if math.isclose(plan.scale_x, plan.scale_y, rel_tol=1e-2):
            scale = f"×{plan.scale_x:.4g}"
        else:
            scale = t("resize.scale_xy", sx=f"×{plan.scale_x:.4g}", sy=f"×{plan.scale_y:.4g}")
        text += t("resize.scaled", scale=scale, resized=f"{rw}×{rh}")
    size = f"{iw}×{ih}"
    if (ih, iw) == (rh, rw):
        return text + t("resize.no_padding", input=size)
    if plan.mode == "letterbox":
        return text + t("resize.letterbox", input=size, left=plan.pad_left, right=plan.pad_right, top=plan.pad_top,
                        bottom=plan.pad_bottom)
    return text + t("resize.padded", input=size, div=plan.size_divisor)


def report_lines(ds: BoxDataset) -> list[str]:
    """What was read, kept and left out, and the resize of one of its image sizes."""
    rep = ds.report
    out = [t("ds.rep_head", source=rep.source, fmt=rep.format, n_images=f"{rep.n_images:,}", n_kept=f"{rep.n_kept:,}",
             n_records=f"{rep.n_records:,}")]
    for key, n in (("ds.rep_crowd", rep.n_crowd_dropped), ("ds.rep_degenerate", rep.n_degenerate_dropped),
                   ("ds.rep_clipped", rep.n_out_of_image), ("ds.rep_empty", rep.n_empty_images)):
        if n:
            out.append(t(key, n=f"{n:,}"))
    if ds.n_images:
        sizes = ds.image_sizes
        text = t("ds.rep_resize", plan=describe_plan(plan_resize(tuple(int(v) for v in sizes[-1]), ds.resize)))
        if len(sizes) > 1:
            text += t("ds.rep_sizes", n=f"{len(sizes):,}")
        out.append(text)
    return out
