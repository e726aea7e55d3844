"""anchorviz.viz: the figure builders without Streamlit. Traces for hand-sized arrays, the notebook example of the
README, display in Jupyter, and an import that pulls no Streamlit in.

The figures are read before ``to_json`` (numpy arrays, as the builders put them); conftest sets
ANCHORVIZ_VALIDATE_FIGURES, so every ``to_json`` below also has plotly validate every property.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from anchorviz import viz
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.label_layers import LabelLayers

ROOT = Path(__file__).resolve().parent.parent
IMG = np.full((60, 80, 3), 90, np.uint8)  # a network input: 60 rows, 80 columns
GT = np.array([[10.0, 10.0, 30.0, 40.0], [40.0, 5.0, 70.0, 25.0]])


def names(fig) -> list[str]:
    return [tr.get("name") for tr in fig.data]


def by_name(fig, prefix: str) -> list[dict]:
    return [tr for tr in fig.data if (tr.get("name") or "").startswith(prefix)]


def n_boxes(tr: dict) -> int:
    """Boxes in a NaN-separated path trace (6 values each)."""
    assert len(tr["x"]) % 6 == 0
    return len(tr["x"]) // 6


def valid(fig) -> dict:
    """The spec as plotly.js gets it (plotly validates it first: conftest sets ANCHORVIZ_VALIDATE_FIGURES)."""
    return json.loads(viz.spec_json(fig))


# ---------------------------------------------------------------------------------------------------------
# import and notebook use


def test_import_pulls_no_streamlit():
    code = ("import sys, anchorviz.viz, anchorviz.core.label_layers; "
            "bad = [m for m in sys.modules if m == 'streamlit' or m.startswith(('streamlit.', 'pages'))]; "
            "assert not bad, bad; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def _readme_notebook_block() -> str:
    text = (ROOT / "README.md").read_text()
    part = text[text.index("## Python API"):]
    return part[part.index("```python") + len("```python"):part.index("```", part.index("```python") + 9)]


def test_readme_notebook_example_draws_the_labels_of_the_sample():
    # the README's notebook block, run as it stands there
    ns: dict = {}
    exec(compile(_readme_notebook_block(), "README.md", "exec"), ns)  # noqa: S102 - our own README
    fig, asg, boxes, plan = ns["fig"], ns["result"], ns["boxes"], ns["plan"]

    per_gt = np.bincount(asg.matched_gt[asg.labels == 1], minlength=len(boxes))
    pos_traces = by_name(fig, "GT ")[:-1]  # the last "GT (n)" entry is the GT legend
    assert [tr["name"] for tr in pos_traces] == [f"GT {g} positives ({per_gt[g]:,})" for g in np.flatnonzero(per_gt)]
    assert sum(n_boxes(tr) for tr in pos_traces) == asg.counts()["positive"] == per_gt.sum() > 0
    assert names(fig)[-1] == f"GT ({len(boxes)})"
    assert len(fig.layout["annotations"]) == len(boxes)  # one label per GT box
    assert fig.layout["images"][0]["sizex"] == plan.input_hw[1] and fig.layout["images"][1]["layer"] == "above"
    assert str(asg.counts()["positive"]) in fig.layout["title"]["text"]

    g = fig.to_plotly()  # one call to an ordinary figure
    assert isinstance(g, go.Figure) and len(g.data) == len(fig.data)
    old = pio.renderers.default
    pio.renderers.default = "plotly_mimetype"  # what a Jupyter kernel uses
    try:
        bundle = fig._repr_mimebundle_()
    finally:
        pio.renderers.default = old
    assert len(bundle["application/vnd.plotly.v1+json"]["data"]) == len(fig.data)
    assert "<div" in fig._repr_html_()


def test_a_memoised_figure_is_shared_and_frozen():
    panels = [{"name": "P3", "stride": 8, "cells": np.array([[-4.0, -4, 4, 4], [-8, -4, 8, 4]]),
               "labels": ["8×8", "16×8"], "title": "P3"}]
    a = viz.base_anchors_figure(panels)
    b = viz.base_anchors_figure([dict(p) for p in panels])
    assert a is b  # the same arguments by content: one figure
    with pytest.raises(ValueError, match="memoised"):
        a.update_layout(height=10)
    c = a.to_plotly()
    c.update_layout(height=10)  # the copy is the user's
    assert a.layout["height"] == 560


# ---------------------------------------------------------------------------------------------------------
# trace helpers


def test_boxes_path_is_closed_and_nan_separated():
    xs, ys = viz.boxes_path(GT)
    assert xs.dtype == np.float32 and xs.shape == ys.shape == (12,)
    assert np.isnan(xs[[5, 11]]).all() and np.isnan(ys[[5, 11]]).all()
    np.testing.assert_array_equal(xs[:5], [10, 30, 30, 10, 10])
    np.testing.assert_array_equal(ys[6:11], [5, 5, 25, 25, 5])
    assert viz.boxes_path(np.zeros((0, 4)))[0].shape == (0,)


def test_rects_draw_dashes_in_svg_only():
    fig = viz.Fig()
    viz.add_rects(fig, GT, name="a", color="#fff", dash="dash")  # Scattergl has no dashes
    viz.add_rects(fig, GT, name="b", color="#fff", dash="dash", gl=False)
    assert [tr["type"] for tr in fig.data] == ["scattergl", "scatter"]
    assert "dash" not in fig.data[0]["line"] and fig.data[1]["line"]["dash"] == "dash"
    valid(fig)


@pytest.mark.parametrize("n, shapes, traces", [
    (2, 2 * 2, 1),  # few GTs: halo + colour shape each, one legend trace
    (61, 0, 3),  # more than MAX_GT_SHAPES: halo, colour and label traces
])
def test_gt_boxes_as_shapes_or_traces(n, shapes, traces):
    fig = viz.Fig()
    boxes = np.tile(GT[:1], (n, 1))
    viz.add_gt(fig, boxes, [str(i) for i in range(n)], [viz.gt_color(i) for i in range(n)])
    assert len(fig.layout.get("shapes", ())) == shapes and len(fig.data) == traces
    assert fig.data[-1 if n <= 60 else 1]["name"] == f"GT ({n})"


def test_background_takes_an_image_or_a_uri():
    uri, hw = viz.background(np.zeros((1500, 3000, 3), np.uint8), None)
    assert hw == (1500, 3000) and uri.startswith("data:image/jpeg;base64,")
    from base64 import b64decode
    from io import BytesIO
    from PIL import Image
    assert Image.open(BytesIO(b64decode(uri.split(",", 1)[1]))).size == (1000, 500)  # bounded payload
    assert viz.background("data:x", (5, 6)) == ("data:x", (5, 6))
    with pytest.raises(AnchorVizInputError, match="input_hw"):
        viz.background("data:x", None)
    with pytest.raises(AnchorVizInputError, match=r"\(H, W, 3\)"):
        viz.background(np.zeros((5, 6)), None)


# ---------------------------------------------------------------------------------------------------------
# one builder per view


def layers(n_pos: int, sampled: bool = False) -> LabelLayers:
    pos = np.array([[i, i, i + 8.0, i + 8.0] for i in range(n_pos)]).reshape(-1, 4)
    return LabelLayers(
        image_hw=(60, 80), levels=(0,), neg_xy=np.array([[5.0, 5.0], [15, 5], [25, 5]]), ign_xy=np.array([[5.0, 15]]),
        pos_idx=np.arange(n_pos), pos_gt=np.arange(n_pos) % 2, pos_boxes=pos, pos_xy=pos[:, :2] + 4,
        sampled_pos_xy=pos[:1, :2] if sampled else None, sampled_neg_xy=np.array([[5.0, 5.0]]) if sampled else None)


def test_labels_figure_rectangles_centres_and_minibatch():
    fig = viz.labels_figure(IMG, layers(5, sampled=True), GT)
    assert names(fig) == ["GT 0 positives (3)", "GT 1 positives (2)", "negative locations (3)",
                          "ignored, no positive (1)", "sampled negatives (1)", "sampled positives (1)", "GT (2)"]
    assert [n_boxes(tr) for tr in fig.data[:2]] == [3, 2]
    assert len(fig.layout["images"]) == 2  # the photo below, one dot layer above
    valid(fig)

    few = viz.labels_figure(IMG, layers(5), GT, max_rects=4, pos_name="{gt}:{n}", as_centres_name="[{name}]",
                            neg_name="neg", title="T")
    assert names(few) == ["[0:3]", "[1:2]", "neg", "ignored, no positive (1)", "GT (2)"]  # centres, no minibatch
    assert few.data[0]["x"] == [None] and few.layout["title"]["text"] == "T"
    uri = viz.labels_figure("data:image/jpeg;base64,", layers(1), GT)  # a URI: the size comes from the layers
    assert (uri.layout["images"][0]["sizex"], uri.layout["images"][0]["sizey"]) == (80, 60)
    with pytest.raises(AnchorVizInputError, match="RGB array"):
        viz.labels_figure(np.zeros((60, 80)), layers(1), GT)


def test_anchors_figure_levels_cell_and_shape():
    levels = [{"index": 0, "name": "P3", "stride": 8, "xy": np.array([[4.0, 4], [12, 4], [20, 4]]),
               "ring_xy": np.array([[4.0, 4]]), "ring_cells": np.array([[0, 0, 0]], np.int32),
               "label": "P3 centres", "ring_label": "P3 near"}]
    fig = viz.anchors_figure(IMG, levels=levels, shape_rects=GT, shape_name="shape 1",
                             cell_boxes=GT, cell_names=["c0", "c1"], cell_centre=np.array([4.0, 4.0]),
                             cell_name="picked", gt_boxes=GT[:1])
    assert names(fig) == ["P3 centres", "P3 near", "shape 1", "c0", "c1", "picked", "GT (1)"]
    ring = fig.data[1]
    assert ring["customdata"].shape == (1, 3) and ring["marker"]["symbol"] == "circle-open"
    assert "P3 cell (%{customdata[1]}, %{customdata[2]})" in ring["hovertemplate"]
    assert ring["marker"]["size"] == viz.centre_marker_size(8, (60, 80)) + 4 == 13
    assert n_boxes(fig.data[2]) == 2 and fig.data[2]["type"] == "scattergl"
    assert len(fig.layout["images"]) == 2
    valid(fig)


def test_heatmap_figure_marks_thresholds_and_clickable_gts():
    z = np.linspace(0, 1, 12).reshape(3, 4)
    fig = viz.heatmap_figure(IMG, z=z, x0=4, dx=8, y0=4, dy=8, gt_boxes=GT, neg=0.4, pos=0.5,
                             best_box=GT[0], best_name="best")
    hm = fig.data[0]
    assert hm["type"] == "heatmap" and hm["z"].shape == (3, 4) and hm["z"].dtype == np.float32
    assert hm["colorbar"]["tickvals"] == [0.0, 1.0, 0.4, 0.5]
    assert names(fig) == ["IoU", "best", "GT (2)", "GT centres (click to pick)"]
    np.testing.assert_array_equal(fig.data[-1]["customdata"], [0, 1])
    valid(fig)


def test_small_multiples_send_whole_percents():
    panels = [{"row": r, "col": c, "z": np.full((2, 2), 0.734), "x0": 0, "dx": 8, "y0": 0, "dy": 8,
               "title": f"{r}{c}", "owner": (r, c) == (1, 2)} for r in (1, 2) for c in (1, 2)]
    fig = viz.small_multiples_figure(panels=panels, rows=2, cols=2, view=(0, 0, 16, 16), gt_box=GT[0],
                                     row_titles=["P3", "P4"])
    heat = [tr for tr in fig.data if tr["type"] == "heatmap"]
    assert len(heat) == 4 and heat[0]["z"].dtype == np.uint8 and (heat[0]["z"] == 73).all()
    assert [tr["showscale"] for tr in heat] == [True, False, False, False]
    assert heat[1]["xaxis"] == "x2" and heat[3]["yaxis"] == "y4"
    assert any("★" in (a.get("text") or "") for a in fig.layout["annotations"])
    valid(fig)


@pytest.mark.parametrize("decoded, rects, markers", [(None, 2, 1), (GT[1], 3, 2)])
def test_coding_figure(decoded, rects, markers):
    fig = viz.coding_figure(IMG, anchor=GT[0], gt=GT[1], decoded=decoded, names=("a", "g", "d"))
    assert sum(tr["mode"] == "lines" for tr in fig.data) == rects
    assert sum(tr["mode"] == "markers" for tr in fig.data) == markers
    valid(fig)


def test_predictions_figure_one_trace_per_colour():
    final = np.array([[1.0, 1, 9, 9], [2, 2, 8, 8], [20, 20, 30, 30]])
    fig = viz.predictions_figure(IMG, candidates=np.vstack([final, final]), final=final, gt_boxes=GT,
                                 final_colors=["#f00", "#0f0", "#f00"], final_hover=["a", "b", "c"])
    assert names(fig) == ["before NMS", "GT (2)", "after NMS", "after NMS"]
    assert n_boxes(fig.data[0]) == 6 and n_boxes(fig.data[2]) == 2 and fig.data[2]["hovertext"][6] == "c"
    assert [tr.get("showlegend") for tr in fig.data[2:]] == [True, False]
    valid(fig)


def test_offset_figure_two_panels():
    pn = {"title": "o", "grid_x": np.array([0.0, 8, 16]), "grid_y": np.array([0.0, 8]),
          "centres": np.array([[4.0, 4]]), "boxes": GT[:1], "view": (-4, -4, 20, 12)}
    fig = viz.offset_figure([pn, dict(pn)], "offsets", bg={"source": "", "x": 0, "y": 0, "sizex": 1, "sizey": 1},
                            input_hw=(60, 80))
    assert len(fig.data) == 8 and {tr["xaxis"] for tr in fig.data} == {"x", "x2"}
    assert names(fig)[:4] == ["cell borders (stride)", "image border", "the squarest anchor of cell (0, 0)",
                              "anchor centres"]
    valid(fig)


def test_dataset_charts_are_figures():
    fig = viz.counts_bar_figure(["a", "b"], {"x": np.array([1, 2]), "y": np.array([3, 4])}, title="t")
    assert isinstance(fig, viz.Fig) and [tr["type"] for tr in fig.data] == ["bar", "bar"]
    curves = viz.curves_figure(np.linspace(0, 1, 5), {"s": np.linspace(1, 0, 5)}, marks=(0.5,))
    assert len(curves.data) == 1 and len(curves.layout["shapes"]) == 1
    assert "template" not in json.loads(viz.spec_json(curves))["layout"]
    # the plain-dict figure is the validated go.Figure plotly makes of it: the vertical mark is add_vline's shape
    ref = go.Figure(curves.to_plotly())
    ref.layout.shapes = ()
    ref.add_vline(x=0.5, line=dict(color="#999", dash="dot", width=1))
    assert curves.to_plotly().to_plotly_json() == ref.to_plotly_json()
    valid(fig)
    valid(curves)


@pytest.mark.parametrize("rows,cols,titles,row_titles", [
    (3, 4, ["a", "", "<b>★ 1×2<br>0.55</b>", "x"] + [""] * 4 + ["q"] * 4, ["P3", "P4", "P5"]),
    (1, 3, ["o 0", "o 0.5", "c"], None), (2, 2, ["", "", "", ""], None)])
def test_subplots_reuses_the_grid_but_gives_each_call_its_own_titles(rows, cols, titles, row_titles):
    """figure.subplots caches the grid layout per grid shape, not per title texts: the result must still be
    exactly make_subplots' layout with these titles."""
    import copy

    from plotly.subplots import make_subplots

    from anchorviz.viz.figure import subplots

    ref = make_subplots(rows=rows, cols=cols, subplot_titles=titles, row_titles=row_titles, horizontal_spacing=0.02,
                        figure=go.Figure(_validate=False))._layout
    ref = copy.deepcopy(ref)
    ref.pop("template", None)
    assert subplots(rows, cols, titles, horizontal_spacing=0.02, row_titles=row_titles).layout == ref
    other = [t + " 2" if t else t for t in titles]
    assert [a["text"] for a in subplots(rows, cols, other, horizontal_spacing=0.02,
                                        row_titles=row_titles).layout.get("annotations", ())][:sum(map(bool, titles))] \
        == [t for t in other if t]
