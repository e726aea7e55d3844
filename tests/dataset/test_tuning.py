"""Dataset statistics, fit metrics (shape-only and on the grid), optimisers and comparisons."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.dataset.load import dataset_from_arrays, load_dataset
from anchorviz.dataset.grid_fit import AssignerSpec, positional_fit
from anchorviz.dataset.shapes import anchor_shapes, best_shape_match
from anchorviz.dataset.fit_report import compare_setups, evaluate, worst_fitting
from anchorviz.dataset.shape_fit import recall_curve, shape_fit, yolo_metrics
from anchorviz.dataset.stats import (aspect_histogram, boxes_per_image_histogram, dataset_statistics, gts_per_level,
                                     size_buckets, sqrt_area_histogram, wh_density)
from anchorviz.core.diagnose import GTMatch
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.fit import yolo_fit
from anchorviz.core.iou.pairwise import shape_iou
from anchorviz.dataset.kmeans import iou_kmeans, vq, vq_kmeans
from anchorviz.core.presets import preset_config
from anchorviz.core.resize import ResizeSpec, plan_resize
from anchorviz.dataset.tune.evolve import compress_wh
from anchorviz.dataset.tune.yolo import kmeans_evolve_anchors, yolo_config, yolov5_kmean_anchors
from anchorviz.dataset.tune.run import tune
from anchorviz.dataset.tune.generator import tune_generator
from anchorviz.dataset.tune.objectives import yolo_fitness

REF = json.loads((Path(__file__).parents[1] / "data" / "reference" / "yolov5.json").read_text())
COCO_TINY = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "coco-tiny"
YOLO = preset_config("YOLOv5 P3-P5", "yolov5")


def wh_dataset(wh, *, per_image: int = 5, size: int = 640):
    """Boxes of the given (w, h) placed at the centres of size x size images, ``per_image`` per image."""
    wh = np.asarray(wh, np.float64)
    n = len(wh)
    c = size / 2
    boxes = np.stack([c - wh[:, 0] / 2, c - wh[:, 1] / 2, c + wh[:, 0] / 2, c + wh[:, 1] / 2], axis=1)
    n_img = -(-n // per_image)
    return dataset_from_arrays(boxes=boxes, image_index=np.arange(n) // per_image,
                               image_wh=np.full((n_img, 2), size))


def one_anchor(w: float, h: float, stride: int = 32) -> AnchorConfig:
    return AnchorConfig(convention="yolov5", levels=(LevelSpec(name="P5", stride=stride, wh=((w, h),)),))


# --------------------------------------------------------------------------------------------------------
# statistics


@pytest.mark.parametrize(("wh", "expected"), [
    ([[31, 32]], (1, 0, 0)),      # area 992 < 32^2: small
    ([[32, 32]], (0, 1, 0)),      # exactly 32^2: medium (area < 32^2 is small)
    ([[95, 96]], (0, 1, 0)),      # 9120 < 96^2: medium
    ([[96, 96]], (0, 0, 1)),      # exactly 96^2: large
    ([[2, 1000]], (0, 1, 0)),     # thin: area 2000 >= 32^2 = 1024: medium
    ([[1, 1], [200, 300]], (1, 0, 1)),
])
def test_size_buckets(wh, expected):
    b = size_buckets(np.array(wh, float))
    assert (b.small, b.medium, b.large) == expected


def test_histograms_hand_checked():
    wh = np.array([[12, 12], [12, 25], [25, 12], [30, 30]], float)
    a = aspect_histogram(wh, bins=3, max_ratio=4.0)  # edges 1/4, 1/1.587.., 1.587.., 4
    assert a.counts.tolist() == [1, 2, 1]  # h/w 0.48 | 1, 1 | 2.08
    s = sqrt_area_histogram(wh, bins=2)
    assert s.counts.sum() == 4 and s.edges[0] == 12 and s.edges[-1] == 30
    d = wh_density(wh, bins=2, lo=10, hi=40)  # edges 10, 20, 40: rows = h bins, columns = w bins
    assert d.counts.tolist() == [[1, 1], [1, 1]]  # (w, h) 12x12 | 25x12 / 12x25 | 30x30
    ds = wh_dataset(wh, per_image=3)
    assert boxes_per_image_histogram(ds).counts.tolist() == [0, 1, 0, 1]  # images with 3 and 1 boxes


def test_gts_per_level_and_dataset_statistics():
    # three boxes exactly on the three P3 anchors, two on P5's 116x90
    ds = wh_dataset([[10, 13], [16, 30], [33, 23], [116, 90], [116, 90]])
    names, counts = gts_per_level(ds, YOLO)
    assert names == ("P3", "P4", "P5") and counts.tolist() == [3, 0, 2]
    names, counts = gts_per_level(ds, YOLO, by="assignment")
    assert names[-1] == "none" and counts.sum() == 5
    st = dataset_statistics(ds, YOLO)
    assert st.n_boxes == 5 and st.level_counts.tolist() == [3, 0, 2] and st.density.counts.sum() == 5
    with pytest.raises(AnchorVizInputError, match="by: expected 'best_iou' or 'assignment'"):
        gts_per_level(ds, YOLO, by="nope")


# --------------------------------------------------------------------------------------------------------
# shape fit


def test_shape_fit_hand_checked():
    cfg = one_anchor(10, 10)
    # IoU with 10x10: 1, 0.25 (20x20), 0.5 (10x20), 0.04 (50x50)
    fit = shape_fit(np.array([[10, 10], [20, 20], [10, 20], [50, 50]], float), cfg, iou_thr=0.5)
    assert fit.best_iou.tolist() == [1.0, 0.25, 0.5, 0.04]
    assert fit.mean_best_iou == pytest.approx((1 + 0.25 + 0.5 + 0.04) / 4)
    assert fit.bpr_iou == 0.5  # two of four >= 0.5
    assert fit.recall[fit.thresholds.tolist().index(0.25)] == 0.75
    # YOLOv5: ratio metric 1, 0.5, 0.5, 0.2 -> three above 1/4 (strict)
    assert fit.yolo.bpr == pytest.approx(0.75) and fit.yolo.aat == pytest.approx(0.75)
    assert recall_curve(np.array([]), [0.5]).tolist() == [0.0]


def _metric_cases():
    for i, c in enumerate(REF["cases"]):
        if c["function"] in ("check_anchors.<locals>.metric", "kmean_anchors.<locals>.metric / anchor_fitness"):
            yield pytest.param(c, id=f"yolov5-{i}-thr{c['params']['thr']}")


@pytest.mark.parametrize("case", list(_metric_cases()))
def test_yolov5_reference_metrics_through_the_dataset_path(case):
    wh = np.array(case["inputs"]["wh"], float)
    anchors = np.array(case["inputs"]["anchors"], float)
    thr = case["params"]["thr"]
    cfg = yolo_config(anchors, YOLO)  # 9 anchors on P3-P5, as a model yaml would hold them
    # boxes placed in images, through the dataset: the metrics must not depend on where the boxes are
    ds = wh_dataset(np.maximum(wh, 0), per_image=4)
    for data in (wh, ds):
        fit = shape_fit(data, cfg, anchor_t=thr)
        out = case["outputs"]
        assert fit.yolo.bpr == pytest.approx(out["bpr"], rel=1e-6)
        assert fit.yolo.aat == pytest.approx(out["aat"], rel=1e-6)
        if "fitness" in out:
            assert fit.yolo.fitness == pytest.approx(out["fitness"], rel=1e-6)
            assert fit.yolo.best_mean == pytest.approx(out["best_mean"], rel=1e-6)
            assert fit.yolo.metric_all_mean == pytest.approx(out["metric_all_mean"], rel=1e-6)
        if data is wh:  # and it is exactly anchorviz.core.fit.yolo_fit
            f = yolo_fit(wh, anchors, thr=thr)
            assert (fit.yolo.bpr, fit.yolo.aat, fit.yolo.fitness) == (f.bpr, f.aat, f.fitness)


def test_yolo_metrics_chunked_matches_yolo_fit():
    rng = np.random.default_rng(0)
    wh = rng.random((1_000_001, 2)) * 300 + 1  # > one chunk
    k = np.array(YOLO.levels[0].wh + YOLO.levels[1].wh + YOLO.levels[2].wh, float)
    m = yolo_metrics(wh, k)
    f = yolo_fit(wh, k)
    for a, b in ((m.bpr, f.bpr), (m.aat, f.aat), (m.fitness, f.fitness)):
        assert a == pytest.approx(b, rel=1e-6)
    assert yolo_fitness(k, wh[:1000].astype(np.float32), 4.0) == yolo_fit(wh[:1000], k).fitness


def test_best_shape_match_equals_shape_iou():
    rng = np.random.default_rng(1)
    wh = rng.random((500, 2)) * 100
    shapes = anchor_shapes(preset_config("RetinaNet", "torchvision")).wh
    best, arg = best_shape_match(wh, shapes)
    full = shape_iou(wh, shapes)
    np.testing.assert_array_equal(best, full.max(axis=1))
    np.testing.assert_array_equal(arg, full.argmax(axis=1))


def test_worst_fitting_reasons():
    cfg = preset_config("RetinaNet", "detectron2")  # smallest anchor side 32, largest ~812, ratios 0.5..2
    ds = wh_dataset([[4, 4], [40, 280], [64, 64], [780, 780]], per_image=1, size=800)
    rows = worst_fitting(ds, shape_fit(ds, cfg), k=4)
    why = {tuple(r["box"]): r["why"] for r in rows}
    assert rows[0]["w"] == 4 and "smaller than the smallest anchor" in rows[0]["why"]
    thin = next(w for b, w in why.items() if b[2] - b[0] == 40)
    assert "aspect h/w 7 (7.0:1) beyond the anchors' ratios 0.5..2" in thin
    assert rows[-1]["best_iou"] >= rows[0]["best_iou"]
    assert set(rows[0]) == {"image", "image_index", "box", "w", "h", "best_iou", "best_anchor", "why"}


# --------------------------------------------------------------------------------------------------------
# positional fit


def test_positional_fit_hand_checked():
    # one 64x64 GT centred on the grid of a single 64x64 anchor (stride 64, centre (x+0.5)*64): IoU 1
    cfg = AnchorConfig(convention="detectron2", levels=(LevelSpec(name="P6", stride=64, sizes=(64,), ratios=(1.0,)),),
                       center_offset=0.5)
    tiny = [[0, 0, 64, 64], [74, 74, 78, 78]]  # the 4x4 GT overlaps anchor (1, 1) with IoU 16/4096
    ds = dataset_from_arrays(boxes=tiny, image_index=[0, 0], image_wh=[[128, 128]])
    no_lq = positional_fit(ds, cfg, assigner=AssignerSpec(pos_iou=0.5, neg_iou=0.4, low_quality=False))
    assert no_lq.positives.tolist() == [1, 0] and no_lq.zero_positive_fraction == 0.5
    assert no_lq.grid_best_iou[0] == pytest.approx(1.0)
    lq = positional_fit(ds, cfg)  # detectron2's low-quality matching gives the 4x4 GT its best anchor
    assert lq.positives.tolist() == [1, 1] and lq.zero_positive_fraction == 0.0
    assert lq.positives_hist.tolist()[:3] == [0, 2, 0] and lq.level.tolist() == [0, 0]
    # ... but only through the rule: its one positive has IoU 16/4096 < 0.5; counted apart, never as a match
    assert no_lq.kind.tolist() == [GTMatch.THRESHOLD, GTMatch.NONE]
    assert lq.kind.tolist() == [GTMatch.THRESHOLD, GTMatch.LOW_QUALITY] and lq.low_quality_only_fraction == 0.5
    yolo = positional_fit(ds, one_anchor(64, 64, stride=64))  # YOLOv5: ratio test + neighbouring cells
    assert yolo.positives[1] == 0 and yolo.positives[0] >= 1
    assert yolo.kind is None and yolo.low_quality_only_fraction == 0.0  # no low-quality rule to be positive by
    # the worst-GT list says it in the Labels page's words, and the metrics table counts it
    rows = worst_fitting(ds, shape_fit(ds, cfg), k=2, cfg=cfg)
    tiny_row = next(r for r in rows if r["w"] == 4)
    assert tiny_row["match"] == "low_quality" and tiny_row["grid_best_iou"] == pytest.approx(16 / 4096)
    assert tiny_row["why"].endswith("; positive only by the low-quality rule: best IoU 0.00 < 0.5")
    assert next(r for r in rows if r["w"] == 64)["match"] == "threshold"
    rows = worst_fitting(ds, shape_fit(ds, cfg), k=2, cfg=cfg, assigner=AssignerSpec(low_quality=False))
    assert next(r for r in rows if r["w"] == 4)["why"].endswith("; no positive anchor: best IoU 0.00 < 0.5")
    report = evaluate(ds, cfg)
    assert dict(report.rows())["GTs positive only by the low-quality rule (grid)"] == 0.5
    assert report.level_counts_assigned.tolist() == [2, 0] and report.level_counts_low_quality.tolist() == [1, 0]
    yolo_rows = dict(evaluate(ds, one_anchor(64, 64, stride=64)).rows())
    assert yolo_rows["GTs positive only by the low-quality rule (grid)"] == "—"


def test_positional_fit_progress_and_cancel():
    ds = wh_dataset(np.full((40, 2), 50.0), per_image=1)
    seen = []
    positional_fit(ds, YOLO, on_progress=lambda f, m: seen.append(f))
    assert seen[-1] == 1.0 and all(0 <= f <= 1 for f in seen) and seen == sorted(seen)
    calls = iter(range(100))
    pf = positional_fit(ds, YOLO, should_stop=lambda: next(calls) >= 5)
    assert pf.cancelled and len(pf.images) == 5 and len(pf.positives) == 5


def test_evaluate_and_compare():
    ds = wh_dataset([[10, 13], [16, 30], [33, 23], [116, 90], [3, 200]])  # 3x200 fits no anchor within 4x
    rep = evaluate(ds, YOLO)
    rows = dict(rep.rows())
    assert rows["anchor shapes"] == 9 and rows["YOLOv5 BPR (anchor_t 4)"] == pytest.approx(0.8)
    assert rep.level_counts_shape.sum() == 5 and rep.level_counts_assigned.sum() == 5
    other = yolo_config([[3, 200]] * 3 + [[16, 30]] * 3 + [[116, 90]] * 3, YOLO)
    cmp = compare_setups(ds, YOLO, other, names=("default", "custom"))
    assert [r["metric"] for r in cmp.rows] == [m for m, _ in rep.rows()]
    assert set(cmp.curves) == {"recall_vs_iou", "positives_per_gt", "recall_vs_iou_grid"}
    assert cmp.curves["recall_vs_iou"]["default"].shape == (101,)
    with pytest.raises(AnchorVizInputError, match="two different names"):
        compare_setups(ds, YOLO, other, names=("a", "a"))


# --------------------------------------------------------------------------------------------------------
# k-means


def test_vq_kmeans_matches_scipy_on_separated_clusters():
    vq_scipy = pytest.importorskip("scipy.cluster.vq")
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], np.float64)
    obs = np.concatenate([c + rng.normal(0, 0.3, (50, 2)) for c in centres])
    ours, dist = vq_kmeans(obs, 4, rng=np.random.default_rng(0))
    ref, ref_dist = vq_scipy.kmeans(obs, 4, iter=30, seed=0)
    key = lambda a: a[np.lexsort((a[:, 1], a[:, 0]))]  # noqa: E731
    np.testing.assert_allclose(key(ours), key(ref), rtol=1e-9)
    assert dist == pytest.approx(ref_dist, rel=1e-9)
    code, d = vq(obs.astype(np.float32), ours.astype(np.float32))
    sc, sd = vq_scipy.vq(obs.astype(np.float32), ours.astype(np.float32))
    np.testing.assert_array_equal(code, sc)
    np.testing.assert_allclose(d, sd, rtol=1e-6)


def test_iou_kmeans_recovers_known_shapes():
    known = np.array([[10, 30], [40, 40], [120, 60]], float)
    rng = np.random.default_rng(0)
    wh = np.repeat(known, 100, axis=0) * np.exp(rng.normal(0, 0.02, (300, 2)))
    c, score = iou_kmeans(wh, 3, rng=np.random.default_rng(5))
    np.testing.assert_allclose(c, known, rtol=0.02)  # sorted by area, like known
    assert score > 0.95
    with pytest.raises(AnchorVizInputError, match="at least k = 4 box shapes, got 3"):
        iou_kmeans(known, 4, rng=rng)


def test_compress_wh_keeps_counts_and_means():
    wh = np.array([[10, 10], [10.02, 10.0], [50, 20]])
    pts, w = compress_wh(wh, resolution=0.01)
    assert w.tolist() == [2.0, 1.0] and pts[0].tolist() == [10.01, 10.0]
    pts, w = compress_wh(np.random.default_rng(0).random((5000, 2)) * 100 + 1, max_points=100)
    assert len(pts) <= 100 and w.sum() == 5000


# --------------------------------------------------------------------------------------------------------
# optimisers


def known_shape_boxes(n_per: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    known = np.array([[12, 16], [30, 20], [24, 60], [70, 50], [60, 130], [150, 100], [140, 280], [300, 200],
                      [420, 400]], float)
    rng = np.random.default_rng(seed)
    return known, np.repeat(known, n_per, axis=0) * np.exp(rng.normal(0, 0.03, (9 * n_per, 2)))


def test_kmeans_evolve_recovers_known_optimum_and_is_reproducible():
    known, wh = known_shape_boxes()
    a = kmeans_evolve_anchors(wh, n=9, gen=300, seed=7)
    b = kmeans_evolve_anchors(wh, n=9, gen=300, seed=7)
    np.testing.assert_array_equal(a.anchors, b.anchors)
    assert shape_iou(known, a.anchors).max(axis=1).min() > 0.9  # every known shape has an anchor
    fa = yolo_fit(wh, a.anchors).fitness
    assert fa > yolo_fit(wh, a.kmeans_anchors).fitness - 1e-9 and fa > 0.93
    assert np.all(np.diff(a.anchors.prod(axis=1)) >= 0)


def test_yolov5_baseline_reproducible_and_close_to_the_reference():
    case = next(c for c in REF["cases"] if c["function"] == "kmean_anchors" and c["params"]["gen"] == 200)
    wh0 = np.array(case["inputs"]["wh0_pixels"], float)
    ref_fitness = case["outputs"]["fitness_of_result"]
    wf = wh0[(wh0 >= 2).any(axis=1)]
    # the reference anchors' fitness, recomputed by anchorviz, is the reference's own number
    assert yolo_fit(wf, np.array(case["outputs"]["anchors"])).fitness == ref_fitness
    a = yolov5_kmean_anchors(wh0, n=9, gen=200, seed=0)
    b = yolov5_kmean_anchors(wh0, n=9, gen=200, seed=0)
    np.testing.assert_array_equal(a.anchors, b.anchors)
    assert a.anchors.dtype == np.float64 and np.array_equal(a.anchors, a.anchors.astype(np.float32))
    assert yolo_fit(wf, a.anchors).fitness == pytest.approx(ref_fitness, abs=0.02)  # other RNG streams
    fast = kmeans_evolve_anchors(wh0, n=9, gen=200, seed=0)
    assert yolo_fit(wf, fast.anchors).fitness >= ref_fitness


def test_yolov5_reference_label_scaling_equals_the_letterbox_plan():
    case = next(c for c in REF["cases"] if c["function"] == "kmean_anchors")
    spec = ResizeSpec(mode="letterbox", letterbox_size=case["params"]["img_size"])
    wh = []
    for (w_img, h_img), labels in zip(case["inputs"]["image_shapes_wh"], case["inputs"]["labels_cls_xywhn"]):
        plan = plan_resize((int(h_img), int(w_img)), spec)
        wh += [[lw * w_img * plan.scale_x, lh * h_img * plan.scale_y] for _, _, _, lw, lh in labels]
    # yolov5 scales by img_size / max(w, h); the plan by the rounded resized size: equal within 0.1 %
    np.testing.assert_allclose(wh, case["inputs"]["wh0_pixels"], rtol=1e-3)


def test_tune_yolo_improves_and_reports():
    _, wh = known_shape_boxes(100)
    ds = wh_dataset(np.minimum(wh, 600))
    res = tune(ds, YOLO, objective="fitness", gen=200, seed=1)
    assert res.after > res.before and res.config.convention == "yolov5"
    assert [len(lv.wh) for lv in res.config.levels] == [3, 3, 3]
    assert all(round(v, 2) == v for lv in res.config.levels for p in lv.wh for v in p)
    again = tune(ds, YOLO, objective="fitness", gen=200, seed=1)
    assert again.config == res.config
    bpr = tune(ds, YOLO, objective="bpr", gen=100, seed=1)
    assert bpr.after >= bpr.before


def test_tune_yolo_with_yolov5s_own_procedure():
    _, wh = known_shape_boxes(100)
    ds = wh_dataset(np.minimum(wh, 600))
    res = tune(ds, YOLO, objective="fitness", gen=150, seed=3, method="yolov5")
    search = yolov5_kmean_anchors(ds, n=9, gen=150, seed=3)
    got = np.array([p for lv in res.config.levels for p in lv.wh])
    np.testing.assert_array_equal(got, np.round(search.anchors, 2))  # the procedure's anchors, on the levels
    assert any("autoanchor" in n for n in res.notes)
    assert res.after == pytest.approx(yolo_fitness(got, ds.wh, 4.0), abs=1e-9)
    with pytest.raises(AnchorVizInputError, match="maximises the fitness"):
        tune(ds, YOLO, objective="bpr", method="yolov5")
    with pytest.raises(AnchorVizInputError, match="method"):
        tune(ds, YOLO, method="scipy")


def generator_dataset(cfg: AnchorConfig, reps: int = 20) -> "object":
    """Boxes exactly the anchor shapes of ``cfg`` (repeated), so the optimum mean IoU is 1."""
    shapes = anchor_shapes(cfg).wh
    return wh_dataset(np.repeat(shapes, reps, axis=0), per_image=10, size=1400)


@pytest.mark.parametrize("convention", ["torchvision", "mmdet", "detectron2", "keras_retinanet"])
def test_tune_generator_finds_a_known_optimum(convention):
    start = preset_config("RetinaNet", convention, levels=(3, 4, 5))
    # the truth: scales 1.5x bigger than the preset's and ratios 1/3, 1, 3
    truth_space_levels = []
    for lv in start.levels:
        if convention in ("torchvision", "detectron2"):
            sizes = tuple((int if convention == "torchvision" else float)(s * 1.5) for s in lv.sizes)
            truth_space_levels.append(LevelSpec(name=lv.name, stride=lv.stride, sizes=sizes, ratios=(1 / 3, 1.0, 3.0)))
        else:
            truth_space_levels.append(LevelSpec(name=lv.name, stride=lv.stride, base_size=lv.base_size,
                                                scales=tuple(s * 1.5 for s in lv.scales), ratios=(1 / 3, 1.0, 3.0)))
    truth = AnchorConfig(convention=convention, levels=tuple(truth_space_levels))
    ds = generator_dataset(truth)
    res = tune_generator(ds, start, objective="mean_iou", max_evals=300, seed=0)
    assert res.before < 0.85 and res.after > 0.97 and res.after > res.before
    assert res.after == pytest.approx(shape_fit(ds, res.config).mean_best_iou, abs=2e-3)  # binned vs all boxes
    again = tune_generator(ds, start, objective="mean_iou", max_evals=300, seed=0)
    assert again.config == res.config


def test_tune_generator_bpr_positives_and_cancel():
    start = preset_config("Faster R-CNN FPN", "detectron2", levels=(3, 4))
    ds = generator_dataset(AnchorConfig(convention="detectron2", levels=(
        LevelSpec(name="P3", stride=8, sizes=(90,), ratios=(0.25, 1.0, 4.0)),
        LevelSpec(name="P4", stride=16, sizes=(180,), ratios=(0.25, 1.0, 4.0)))), reps=4)
    bpr = tune_generator(ds, start, objective="bpr", iou_thr=0.7, max_evals=120, seed=0)
    assert bpr.after > bpr.before
    pos = tune_generator(ds, start, objective="positives", max_evals=6, max_images=3, seed=0,
                         assigner=AssignerSpec(pos_iou=0.7, neg_iou=0.3, low_quality=False))
    assert pos.after >= pos.before and any("3 of" in n for n in pos.notes)
    stops = iter(range(1000))
    fractions = []
    c = tune_generator(ds, start, max_evals=400, should_stop=lambda: next(stops) > 10,
                       on_progress=lambda f, m: fractions.append(f))
    assert c.cancelled and c.evaluations < 400 and max(fractions) <= 1.0


@pytest.mark.parametrize(("call", "match"), [
    (lambda ds: tune(ds, YOLO, objective="nope"), "objective: expected one of"),
    (lambda ds: tune(ds, YOLO, k=8), "k = 8 anchors cannot be shared evenly by 3 levels"),
    (lambda ds: tune(ds, YOLO, anchor_t=1.0), "anchor_t: expected a number > 1"),
    (lambda ds: tune(ds, YOLO, seed=-1), "seed: expected a whole number >= 0"),
    (lambda ds: tune(ds, preset_config("d2l book (multiscale)", "d2l")), "expected one of torchvision"),
    (lambda ds: tune(ds, preset_config("RetinaNet", "mmdet"), k=7), "k = 7 anchors per location is not a multiple of 3"),
    (lambda ds: yolov5_kmean_anchors(np.ones((3, 2)) * 5, n=9), "at least n = 9 boxes"),
    (lambda ds: kmeans_evolve_anchors(np.zeros((0, 3))), "expected a BoxDataset or \\(N, 2\\)"),
])
def test_optimiser_bad_input(call, match):
    ds = wh_dataset([[10, 10], [20, 20], [30, 30]])
    with pytest.raises(AnchorVizInputError, match=match):
        call(ds)


@pytest.mark.skipif(not (COCO_TINY / "instances_train2017.json").exists(),
                    reason=f"real data not available: {COCO_TINY} is absent (../shared not mounted)")
def test_coco_tiny_tuning_improves_fitness():
    ds = load_dataset(COCO_TINY / "instances_train2017.json", resize=ResizeSpec(mode="letterbox", letterbox_size=640))
    res = tune(ds, YOLO, objective="fitness", gen=300, seed=0)
    assert res.after > res.before
    assert shape_fit(ds, res.config).yolo.fitness == pytest.approx(res.after)
