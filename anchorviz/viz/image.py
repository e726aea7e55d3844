"""The network-input image under a figure, and the dot layer drawn over it.

The photo is a JPEG ``layout.images`` entry below the traces, stretched over [0, W] x [0, H] in network-input
pixels (y down, 1 px = 1 unit on both axes), so every box and centre is drawn in the coordinates the anchors
have. Thousands of centres are one transparent PNG (a "dot layer") above it.
"""

from __future__ import annotations

import base64
import io as _io

import numpy as np
from PIL import Image

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.viz.figure import Fig
from anchorviz.viz.memo import memo

MAX_BG_SIDE = 1000  # the background JPEG is at most this many pixels on its longer side
BG_QUALITY = 80

# Figure height from the picture's aspect (the width is the browser's; plotly fills it): the main column of the app
# is 940 px wide at a 1400 px window (wide layout, sidebar open; measured), so an image figure is as high as that
# width gives the view, within limits a screen holds (a landscape photo no longer floats in a 720 px frame, a
# portrait one is not a strip).
CHART_WIDTH = 940
MIN_HEIGHT, MAX_HEIGHT = 420, 800
_TITLE_H, _TICKS_W, _TICKS_H, _SIDE_MARGINS = 40, 45, 30, 20


def image_height(view_wh: tuple[float, float], *, width: int = CHART_WIDTH, beside: int = 0, below: int = 0) -> int:
    """The figure height that shows a ``view_wh`` (w, h) region at its aspect in a chart ``width`` px wide.

    Args:
        view_wh: the visible region's width and height (data units = network-input pixels, 1:1).
        width: the chart's expected width in the page.
        beside: px taken beside the plot (a legend or colour bar on the right).
        below: px taken below the plot (a horizontal legend).

    Returns:
        px, within [MIN_HEIGHT, MAX_HEIGHT].
    """
    vw, vh = (max(1e-9, float(v)) for v in view_wh)
    plot_w = max(200, width - _SIDE_MARGINS - _TICKS_W - beside)
    h = _TITLE_H + _TICKS_H + below + plot_w * vh / vw
    return int(np.clip(round(h), MIN_HEIGHT, MAX_HEIGHT))


def jpeg_uri(image: np.ndarray, *, max_side: int = MAX_BG_SIDE, quality: int = BG_QUALITY) -> str:
    """A uint8 (H, W, 3) image as a JPEG data URI, at most ``max_side`` pixels on its longer side (the figure
    stretches it back over the full size, so a big input costs a bounded payload)."""
    im = Image.fromarray(np.asarray(image, np.uint8))
    h, w = image.shape[:2]
    f = min(1.0, max_side / max(h, w))
    if f < 1.0:
        im = im.resize((max(1, round(w * f)), max(1, round(h * f))), Image.Resampling.BILINEAR)
    buf = _io.BytesIO()
    im.save(buf, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def background(image: np.ndarray | str, input_hw: tuple[int, int] | None) -> tuple[str, tuple[int, int]]:
    """(data URI, (H, W)) of a figure's background: a uint8 (H, W, 3) network-input image, or a data URI that
    the caller made already (the app caches one per image and resize), which then needs ``input_hw``."""
    if isinstance(image, str):
        if input_hw is None:
            raise AnchorVizInputError("input_hw: needed with a data URI background (the network input's height, "
                                      "width), got None")
        return image, (int(input_hw[0]), int(input_hw[1]))
    arr = np.asarray(image)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise AnchorVizInputError(f"image: expected a (H, W, 3) RGB array or a data URI, got shape {arr.shape}")
    hw = (int(arr.shape[0]), int(arr.shape[1])) if input_hw is None else (int(input_hw[0]), int(input_hw[1]))
    return jpeg_uri(arr), hw


def image_figure(bg_uri: str, input_hw: tuple[int, int], title: str, *, height: int | None = None,
                 view: tuple[float, float, float, float] | None = None, width: int = CHART_WIDTH, beside: int = 0,
                 below: int = 0) -> Fig:
    """An empty figure showing the network input image, y down, 1 px = 1 unit on both axes.

    Tick labels get the margin they need (``automargin``): with equal-aspect axes the plot area shrinks to the
    image in one direction, so fixed thin margins cut the x labels of portrait images and the y labels of
    landscape ones.

    Args:
        bg_uri: data URI of the image (stretched over [0, W] x [0, H]).
        input_hw: network input (height, width).
        title: the figure title.
        height: px; default ``image_height`` of the view (with ``width``, ``beside``, ``below``).
        view: (x0, y0, x1, y1) visible region; default the image with a 4% margin.
    """
    h, w = input_hw
    if view is None:
        m = 0.04 * max(h, w)
        view = (-m, -m, w + m, h + m)
    x0, y0, x1, y1 = view
    if height is None:
        height = image_height((x1 - x0, y1 - y0), width=width, beside=beside, below=below)
    return Fig(dict(
        title=dict(text=title, x=0.0, xanchor="left", font=dict(size=14)),
        images=[dict(source=bg_uri, xref="x", yref="y", x=0, y=0, sizex=w, sizey=h, sizing="stretch",
                     layer="below", xanchor="left", yanchor="top")],
        xaxis=dict(range=[x0, x1], showgrid=False, zeroline=False, constrain="domain", ticks="outside",
                   automargin=True),
        yaxis=dict(range=[y1, y0], showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1,
                   constrain="domain", ticks="outside", automargin=True),
        margin=dict(l=10, r=10, t=40, b=10), height=height, plot_bgcolor="#2b2b2b",
        legend=dict(bgcolor="rgba(255,255,255,0.85)", font=dict(size=11), itemsizing="constant"),
        hovermode="closest", dragmode="pan",
        # a line over the image edge, so padding and anchors outside the image read as such
        shapes=[dict(type="rect", xref="x", yref="y", x0=0, y0=0, x1=w, y1=h, line=dict(color="#bbbbbb", width=1),
                     layer="below")],
    ))


@memo(maxsize=16)
def dots_layer(layers: list[tuple[np.ndarray, tuple[int, int, int, int], int]], input_hw: tuple[int, int], *,
               margin: float = 0.04, max_side: int = 1000) -> dict:
    """Many points as ONE transparent PNG layout image (a "dot layer"), for thousands of centres.

    Thousands of markers cost a DOM node each in SVG, and Scattergl's WebGL is slow with software rendering
    (STACK.md §3; about a second per new context when charts were remounted on every change); an image costs
    one decode. The dots have no hover; the caller adds legend entries.

    Args:
        layers: (xy (n, 2) in network-input pixels, RGBA colour, radius in raster pixels), drawn in order.
        input_hw: network input (height, width); the layer covers it plus ``margin`` on every side.

    Returns:
        A ``layout.images`` entry.
    """
    h, w = input_hw
    m = margin * max(h, w)
    x0, y0, ext_w, ext_h = -m, -m, w + 2 * m, h + 2 * m
    f = min(1.0, max_side / max(ext_w, ext_h))
    rw, rh = max(1, int(round(ext_w * f))), max(1, int(round(ext_h * f)))
    img = np.zeros((rh, rw, 4), np.uint8)
    for xy, color, r in layers:
        xy = np.asarray(xy, np.float64).reshape(-1, 2)
        if not len(xy):
            continue
        px = np.floor((xy[:, 0] - x0) * f).astype(np.int64)
        py = np.floor((xy[:, 1] - y0) * f).astype(np.int64)
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                if dx * dx + dy * dy > r * r + r:  # roundish
                    continue
                qx, qy = px + dx, py + dy
                ok = (qx >= 0) & (qx < rw) & (qy >= 0) & (qy < rh)
                img[qy[ok], qx[ok]] = color
    buf = _io.BytesIO()
    Image.fromarray(img, "RGBA").save(buf, format="PNG", compress_level=1)
    uri = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    return dict(source=uri, xref="x", yref="y", x=x0, y=y0, sizex=ext_w, sizey=ext_h, sizing="stretch",
                layer="above", xanchor="left", yanchor="top")
