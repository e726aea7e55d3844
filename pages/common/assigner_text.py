"""The Labels page's anchor assigner in words ("Max IoU 0.5/0.4, low-quality on (torchvision)"), as the Labels
figure's title, the Assigners page's anchor panel and the Loss page's caption name it."""

from __future__ import annotations

from pages.common.i18n import t

__all__ = ["assigner_desc"]


def assigner_desc(values: dict, conv_title: str) -> str:
    """The assigner chosen by the persisted values (``asg`` and its parameters) under convention ``conv_title``."""
    asg = values["asg"]
    if asg == "maxiou":
        return t("labels.desc_maxiou", pos=f"{values['pos']:g}", neg=f"{values['neg']:g}",
                 lq=t("labels.on" if values["lq"] else "labels.off"), conv=conv_title)
    if asg == "yolov5":
        return t("labels.desc_yolov5", v=f"{values['anchor_t']:g}")
    return t("labels.desc_atss", k=values["topk"])
