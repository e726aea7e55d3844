"""The colours every view shares: one per GT (its boxes, positives and label), one per FPN level, the label
layers, and one per anchor shape of a cell."""

from __future__ import annotations

GT_COLORS = ("#ff1744", "#2979ff", "#00e676", "#ffea00", "#d500f9", "#ff9100", "#00e5ff", "#f50057", "#76ff03",
             "#ffc400", "#651fff", "#1de9b6")
LEVEL_COLORS = ("#00e5ff", "#ffea00", "#ff4081", "#76ff03", "#e040fb", "#ff9100", "#ffffff", "#40c4ff")
NEG_COLOR = "rgba(190,190,190,0.75)"
IGN_COLOR = "#ff9100"
SAMPLE_NEG_COLOR = "#2979ff"
SAMPLE_POS_COLOR = "#ffffff"
SHAPE_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
                "#17becf")


def rgba(hex_color: str, alpha: int = 255) -> tuple[int, int, int, int]:
    """"#rrggbb" -> (r, g, b, alpha), for a dot layer."""
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha


def gt_color(i: int) -> str:
    return GT_COLORS[i % len(GT_COLORS)]


def level_color(i: int) -> str:
    return LEVEL_COLORS[i % len(LEVEL_COLORS)]


def shape_color(k: int) -> str:
    return SHAPE_COLORS[k % len(SHAPE_COLORS)]
