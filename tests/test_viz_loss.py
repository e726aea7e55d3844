"""anchorviz.viz.loss: the Loss figure (dot layer per location, rectangles for few positives, hover markers over
the top locations) and the breakdown bars, built from hand-made layers and validated by plotly (conftest sets
ANCHORVIZ_VALIDATE_FIGURES)."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
from PIL import Image

from anchorviz import viz
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.loss_layers import loss_layers
from anchorviz.core.presets import preset_config
from anchorviz.viz.loss import BIN_COLORS, share_bins

IMG = np.full((128, 160, 3), 90, np.uint8)
ASET = generate_anchors(preset_config("RetinaNet", "torchvision"), (128, 160))
GT = np.array([[10.0, 10.0, 60.0, 70.0]])


def _layers(term: str, top_k: int = 20):
    rng = np.random.default_rng(0)
    n = len(ASET)
    role = np.zeros(n, np.int8)
    role[rng.choice(n, 30, replace=False)] = 1
    role[rng.choice(np.flatnonzero(role == 0), 40, replace=False)] = -1
    loss = rng.exponential(0.2, n).astype(np.float32)
    counted = role >= 0 if term == "cls" else role == 1
    loss[~counted] = 0
    return loss_layers(ASET, role, loss, counted, scale=0.1, term_value=float(loss.sum()) * 0.1, top_k=top_k)


def _spec(fig) -> dict:
    return json.loads(viz.spec_json(fig))


def test_share_bins_are_decades():
    assert share_bins(np.array([0.5, 0.1, 0.05, 0.01, 0.002, 0.0005, 0.00005, 0.0])).tolist() == \
        [0, 0, 1, 1, 2, 3, 4, 4]


def test_classification_figure():
    lay = _layers("cls")
    hover = [f"loc {i}" for i in lay.top_loc]
    fig = viz.loss_figure(IMG, lay, GT, term="cls", title="T", hover_text=hover,
                          bin_names=tuple(f"b{i} ({{n}})" for i in range(5)))
    spec = _spec(fig)
    names = [d.get("name") for d in spec["data"]]
    # one legend key per bin, the counts of locations in each add up to the counted locations
    counts = [int(n.split("(")[1].rstrip(")").replace(",", "")) for n in names if n and n.startswith("b")]
    assert len(counts) == 5 and sum(counts) == int(lay.loc_counted.sum())
    assert "ignored anchors, not counted (40)" in names
    # the hover: one marker per top location, split by whether a positive counts there
    hv = [d for d in spec["data"] if d.get("hovertext")]
    assert sum(len(d["hovertext"]) for d in hv) == len(lay.top_loc) == 20
    assert sorted(t for d in hv for t in d["hovertext"]) == sorted(hover)
    # the dots are one PNG layer above the photo
    dots = [im for im in spec["layout"]["images"] if im["source"].startswith("data:image/png")]
    assert len(dots) == 1
    png = np.asarray(Image.open(io.BytesIO(base64.b64decode(dots[0]["source"].split(",", 1)[1]))))
    assert (png[:, :, 3] > 0).sum() > len(lay.loc_xy)
    assert spec["layout"]["title"]["text"] == "T"


def test_box_figure_draws_few_positives_as_rectangles_and_many_as_dots():
    lay = _layers("box")
    boxes = ASET.boxes[lay.pos_idx]
    fig = viz.loss_figure(IMG, lay, GT, term="box", pos_boxes=boxes, pred_boxes=boxes[:3] + 2,
                          bin_names=tuple(f"b{i} ({{n}})" for i in range(5)))
    rect_traces = [d for d in fig.data if (d.get("name") or "").startswith("b") and d.get("mode") == "lines"]
    assert sum(len(d["x"]) // 6 for d in rect_traces) == 30  # NaN-separated 5-point paths, one per positive
    spec = _spec(fig)
    bins = [d for d in spec["data"] if (d.get("name") or "").startswith("b")]
    assert [d["legendrank"] for d in bins] == sorted(d["legendrank"] for d in bins)[::-1]  # most loss listed first
    assert sum(int(d["name"].split("(")[1].rstrip(")")) for d in bins) == 30
    colors = {d["line"]["color"] for d in rect_traces}
    assert colors <= set(BIN_COLORS) and colors
    assert any(d.get("name", "").startswith("predicted boxes (3)") for d in spec["data"])
    many = viz.loss_figure(IMG, lay, GT, term="box", pos_boxes=boxes, max_rects=10)
    assert not [d for d in many.data if d.get("mode") == "lines" and (d.get("name") or "").startswith("bin")]
    assert sum(int(d["name"].split("(")[1].rstrip(")")) for d in many.data if d["name"].startswith("bin")) == 30


def test_breakdown_bars():
    fig = viz.breakdown_figure(["pos", "hard", "easy"], [60.0, 10.0, 30.0], [5.0, 5.0, 90.0],
                               texts=["a", "b", "c"], texts_gamma0=["d", "e", "f"], gamma_name="γ = 2",
                               gamma0_name="γ = 0", title="B")
    spec = _spec(fig)
    assert [d["name"] for d in spec["data"]] == ["γ = 2", "γ = 0"]
    assert spec["data"][1]["text"] == ["d", "e", "f"]
    one = _spec(viz.breakdown_figure(["pos", "hard", "easy"], [60.0, 10.0, 30.0], None, texts=["a", "b", "c"]))
    assert len(one["data"]) == 1
