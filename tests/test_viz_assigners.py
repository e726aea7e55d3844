"""anchorviz.viz.assigners: the two-panel Assigners figure and one GT's candidate windows, built from hand-made
layers (plotly validates every property: conftest sets ANCHORVIZ_VALIDATE_FIGURES)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from anchorviz import viz
from anchorviz.core.assigner_layers import GtCandidates, LevelWindow, PanelLayers
from anchorviz.viz.assigners import MAX_MARKERS, SPAN_DECADES, _log_ticks

IMG = np.full((60, 80, 3), 90, np.uint8)
GT = np.array([[10.0, 10.0, 30.0, 40.0], [40.0, 5.0, 70.0, 25.0], [50.0, 40.0, 52.0, 42.0]])


def panel(pos_xy, pos_gt, target, per_gt, ign=0) -> PanelLayers:
    pos_xy = np.asarray(pos_xy, float).reshape(-1, 2)
    return PanelLayers(neg_xy=np.array([[1.0, 1.0], [5.0, 5.0]]), ign_xy=np.full((ign, 2), 3.0), pos_xy=pos_xy,
                       pos_gt=np.asarray(pos_gt, np.int64), pos_target=np.asarray(target, float),
                       pos_index=np.arange(len(pos_xy)), positives_per_gt=np.asarray(per_gt, np.int64))


LEFT = panel([[20, 20], [22, 30], [55, 15]], [0, 0, 1], [1, 1, 1], [2, 1, 0], ign=2)
RIGHT = panel([[20, 24], [51, 41]], [0, 2], [0.25, 0.75], [1, 0, 1])


def spec(fig) -> dict:
    return json.loads(fig.to_json())


def test_two_panels_share_one_language():
    fig = viz.assigners_figure(IMG, left=LEFT, right=RIGHT, gt_boxes=GT, title="T", left_title="L",
                               right_title="R", diff_xy=np.array([[51.0, 41.0]]), diff_hover=["a vs b"],
                               diff_name="differs")
    pos = [tr for tr in fig.data if tr.get("name", "").startswith("positive")]
    assert len(pos) == 2
    assert pos[0]["xaxis"] == "x" and pos[1]["xaxis"] == "x2"
    assert pos[1]["marker"]["color"].tolist() == pytest.approx([0.25, 0.75])  # fill = class target
    assert pos[0]["marker"]["color"].tolist() == [1, 1, 1]  # hard labels fill 1
    assert pos[1]["marker"]["line"]["color"] == [viz.gt_color(0), viz.gt_color(2)]  # ring = its GT
    assert all(tr["marker"]["coloraxis"] == "coloraxis" for tr in pos)
    assert pos[1]["customdata"].tolist() == [0, 2]  # a click picks the GT
    lay = fig.layout
    assert lay["xaxis2"]["matches"] == "x" and lay["yaxis2"]["matches"] == "y"  # one zoom
    assert "scaleanchor" not in lay["yaxis2"] and lay["yaxis"]["scaleanchor"] == "x"
    # two photos and two dot layers, one per panel
    refs = sorted((im["xref"], im["layer"]) for im in lay["images"])
    assert refs == [("x", "above"), ("x", "below"), ("x2", "above"), ("x2", "below")]
    # GT 2 has no positive on the left, GT 1 none on the right: one flag each, in its own panel
    flags = [a for a in lay["annotations"] if a.get("text") == "0 positives"]
    assert sorted((a["xref"], a["x"]) for a in flags) == [("x", 50.0), ("x2", 40.0)]
    diff = [tr for tr in fig.data if tr.get("name") == "differs"][0]
    assert diff["xaxis"] == "x2" and diff["hovertext"] == ["a vs b"]
    s = spec(fig)  # plotly accepts every property
    assert s["layout"]["title"]["text"] == "T"
    assert [a["text"] for a in s["layout"]["annotations"][:2]] == ["L", "R"]


def test_ignored_key_only_when_something_is_ignored():
    fig = viz.assigners_figure(IMG, left=RIGHT, right=RIGHT, gt_boxes=GT, ign_name="IGN")
    assert "IGN" not in [tr.get("name") for tr in fig.data]
    fig = viz.assigners_figure(IMG, left=LEFT, right=RIGHT, gt_boxes=GT, ign_name="IGN")
    assert "IGN" in [tr.get("name") for tr in fig.data]


def test_too_many_positives_become_dots():
    n = MAX_MARKERS + 1
    many = panel(np.tile([[20.0, 20.0]], (n, 1)), np.zeros(n), np.ones(n), [n, 0, 0])
    fig = viz.assigners_figure(IMG, left=LEFT, right=many, gt_boxes=GT, as_dots_name="DOTS")
    right_traces = [tr for tr in fig.data if tr.get("xaxis") == "x2" and tr.get("mode") == "markers"
                    and tr.get("name", "").startswith("positive")]
    assert not right_traces and "DOTS" in [tr.get("name") for tr in fig.data]
    spec(fig)


def test_no_gt_and_no_positive():
    empty = panel(np.zeros((0, 2)), [], [], [])
    fig = viz.assigners_figure(IMG, left=empty, right=empty, gt_boxes=np.zeros((0, 4)))
    assert not [a for a in fig.layout.get("annotations", ()) if a.get("text") == "0 positives"]
    spec(fig)


def _candidates(kind: str, values: np.ndarray, penalised: np.ndarray) -> GtCandidates:
    win = LevelWindow(stride=8, x0=4.0, y0=4.0, dx=8.0, dy=8.0, value=values, penalised=penalised)
    empty = LevelWindow(stride=16, x0=0.0, y0=0.0, dx=16.0, dy=16.0, value=np.zeros((0, 0)),
                        penalised=np.zeros((0, 0), bool))
    finite = values[np.isfinite(values)]
    return GtCandidates(gt=0, kind=kind, view=(0.0, 0.0, 40.0, 40.0), levels=(win, empty),
                        num_candidates=int(np.isfinite(values).sum()), num_penalised=int(penalised.sum()),
                        dynamic_k=2, won_xy=np.array([[12.0, 12.0]]), won_index=np.array([5]),
                        won_level=np.array([0]), lost_xy=np.array([[20.0, 12.0]]), lost_index=np.array([6]),
                        lost_level=np.array([0]), lost_to=np.array([1]),
                        value_range=(float(finite.min()), float(finite.max())))


def test_candidates_figure_cost_on_a_clipped_log_scale():
    vals = np.array([[2.0, 30.0, np.nan], [1e9, 5.0, np.nan]])
    pen = np.array([[False, False, True], [False, False, False]])
    gc = _candidates("cost", vals, pen)
    fig = viz.gt_candidates_figure(gc, gt_box=np.array([8.0, 8.0, 24.0, 20.0]), gt_color="#ff0000",
                                   level_titles=["s8", "s16"], lost_colors=["#00ff00"], lost_hover=["to GT 1"],
                                   penalised_name="PEN", won_name="WON", lost_name="LOST")
    heat = [tr for tr in fig.data if tr["type"] == "heatmap"]
    assert heat[0]["z"][0, 0] == pytest.approx(np.log10(2.0)) and np.isnan(heat[0]["z"][0, 2])
    assert heat[0]["customdata"][1, 0] == pytest.approx(1e9)  # hover gives the value itself
    assert [tr["name"] for tr in heat] == ["s8", "PEN"]  # the empty level draws no heatmap
    ca = fig.layout["coloraxis"]
    assert ca["reversescale"] is True  # cost: cheap is bright
    assert ca["cmin"] == pytest.approx(np.log10(2.0)) and ca["cmax"] == pytest.approx(np.log10(2.0) + SPAN_DECADES)
    lost = [tr for tr in fig.data if tr.get("name") == "LOST"][0]
    assert lost["marker"]["color"] == ["#00ff00"] and lost["hovertext"] == ["to GT 1"]
    assert [tr.get("name") for tr in fig.data].count("WON") == 1
    dots = [tr for tr in fig.data if tr.get("legendgroup") == "pts"]  # the level's points, where there are few
    assert len(dots) == 1 and dots[0]["x"].tolist() == [4, 12, 20, 4, 12, 20]
    assert dots[0]["y"].tolist() == [4, 4, 4, 12, 12, 12]
    spec(fig)


def test_candidates_figure_metric_and_binary():
    vals = np.array([[1e-30, 1e-3, 0.2]])
    gc = _candidates("metric", vals, np.zeros((1, 3), bool))
    fig = viz.gt_candidates_figure(gc, gt_box=np.array([8.0, 8.0, 24.0, 20.0]), gt_color="#ff0000",
                                   level_titles=["a", "b"])
    ca = fig.layout["coloraxis"]
    assert not ca["reversescale"] and ca["cmax"] == pytest.approx(np.log10(0.2))
    assert ca["cmin"] == pytest.approx(np.log10(0.2) - SPAN_DECADES)  # far points clamp to the last colour
    spec(fig)
    fig = viz.gt_candidates_figure(gc, gt_box=np.array([8.0, 8.0, 24.0, 20.0]), gt_color="#ff0000",
                                   level_titles=["a", "b"], binary=True, allowed_title="OK")
    heat = [tr for tr in fig.data if tr["type"] == "heatmap"][0]
    assert heat["z"].tolist() == [[1.0, 1.0, 1.0]]
    assert fig.layout["coloraxis"]["colorbar"]["title"]["text"] == "OK"
    spec(fig)


@pytest.mark.parametrize("lo,hi,want", [
    (0.0, 3.0, ["1", "10", "100", "1e+03"]),          # decades
    (np.log10(4.0), np.log10(57.0), ["5", "10", "20", "50"]),  # under two decades: 1-2-5
])
def test_log_ticks(lo, hi, want):
    vals, texts = _log_ticks(lo, hi)
    assert texts == want and all(lo - 1e-9 <= v <= hi + 1e-9 for v in vals)
