"""anchorviz.io.samples and assets/: the bundled photos and their hand-made COCO GT boxes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.samples import ASSETS_DIR, DEFAULT_SAMPLE, SAMPLES, SAMPLES_JSON, load_sample, sample_path

EXPECTED_SAMPLES = {"astronaut", "coffee", "coins", "hubble_deep_field", "chelsea"}


def _sides(boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]


def test_sample_names():
    assert set(SAMPLES) == EXPECTED_SAMPLES
    assert isinstance(SAMPLES, tuple) and len(SAMPLES) == len(set(SAMPLES))
    assert DEFAULT_SAMPLE == "astronaut" and DEFAULT_SAMPLE in SAMPLES
    assert SAMPLES[0] == DEFAULT_SAMPLE


@pytest.mark.parametrize("name", sorted(EXPECTED_SAMPLES))
def test_sample_path(name):
    path = sample_path(name)
    assert path.is_file() and path.stem == name and path.parent == ASSETS_DIR
    assert path.stat().st_size < 1_000_000  # each bundled photo stays under 1 MB


@pytest.mark.parametrize("name", sorted(EXPECTED_SAMPLES))
def test_every_sample_loads(name):
    image, boxes, labels, class_names = load_sample(name)
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
    assert boxes.dtype == np.float64 and boxes.ndim == 2 and boxes.shape[1] == 4
    assert labels.dtype == np.int64 and labels.shape == (len(boxes),)
    assert isinstance(class_names, tuple) and all(isinstance(c, str) and c for c in class_names)
    # labels are 0-based indices into class_names, and every listed class is used
    assert set(labels.tolist()) == set(range(len(class_names)))
    with Image.open(sample_path(name)) as im:
        assert image.shape[:2] == (im.height, im.width)


@pytest.mark.parametrize("name", sorted(EXPECTED_SAMPLES))
def test_boxes_lie_inside_the_image_and_are_not_degenerate(name):
    image, boxes, _, _ = load_sample(name)
    h, w = image.shape[:2]
    assert (boxes[:, 0] >= 0).all() and (boxes[:, 1] >= 0).all()
    assert (boxes[:, 2] <= w).all() and (boxes[:, 3] <= h).all()
    bw, bh = _sides(boxes)
    assert (bw > 0).all() and (bh > 0).all()


@pytest.mark.parametrize("name", sorted(EXPECTED_SAMPLES))
def test_at_least_three_visibly_different_box_sizes(name):
    # Greedy: count size levels (sqrt of the area) that are each >= 1.25x the one before. Need 3.
    _, boxes, _, _ = load_sample(name)
    assert len(boxes) >= 3
    bw, bh = _sides(boxes)
    levels, last = 0, 0.0
    for s in np.sort(np.sqrt(bw * bh)):
        if s >= 1.25 * last:
            levels, last = levels + 1, s
    assert levels >= 3, f"{name}: box sizes are too alike"


def test_coins_sample_has_many_similar_objects():
    _, boxes, labels, class_names = load_sample("coins")
    assert len(boxes) >= 20
    assert class_names == ("coin",) and (labels == 0).all()


def test_hubble_sample_is_the_small_object_case():
    _, boxes, _, class_names = load_sample("hubble_deep_field")
    bw, bh = _sides(boxes)
    assert 10 <= len(boxes) <= 25
    assert np.median(np.maximum(bw, bh)) < 30  # median box side (the longer one) is below 30 px
    assert np.maximum(bw, bh).min() <= 10  # and some are only a few pixels
    assert set(class_names) <= {"galaxy", "star"}


def test_astronaut_categories():
    _, boxes, labels, class_names = load_sample("astronaut")
    assert {"person", "face", "flag", "helmet"} <= set(class_names)
    # the person box is the largest one
    bw, bh = _sides(boxes)
    assert class_names[labels[np.argmax(bw * bh)]] == "person"


def test_unknown_sample_lists_the_valid_names():
    with pytest.raises(AnchorVizInputError, match="unknown sample 'lena'.*astronaut.*coins"):
        load_sample("lena")
    with pytest.raises(AnchorVizInputError, match="expected one of"):
        sample_path("hubble")
    with pytest.raises(AnchorVizInputError, match="unknown sample"):
        load_sample(None)  # type: ignore[arg-type]


def test_load_sample_returns_fresh_arrays():
    image, boxes, labels, _ = load_sample("coffee")
    image[:] = 0
    boxes[:] = -1
    labels[:] = 99
    image2, boxes2, labels2, _ = load_sample("coffee")
    assert image2.any() and (boxes2 >= 0).all() and (labels2 != 99).all()


def test_samples_json_is_valid_coco():
    coco = json.loads(SAMPLES_JSON.read_text(encoding="utf-8"))
    images, anns, cats = coco["images"], coco["annotations"], coco["categories"]
    assert len({im["id"] for im in images}) == len(images)
    assert len({a["id"] for a in anns}) == len(anns)
    assert len({c["id"] for c in cats}) == len(cats) and len({c["name"] for c in cats}) == len(cats)
    cat_ids = {c["id"] for c in cats}
    assert {Path(im["file_name"]).stem for im in images} == EXPECTED_SAMPLES
    by_id = {}
    for im in images:
        with Image.open(ASSETS_DIR / im["file_name"]) as pil:
            assert (im["width"], im["height"]) == pil.size, im["file_name"]
        by_id[im["id"]] = im
    for a in anns:
        x, y, w, h = a["bbox"]
        im = by_id[a["image_id"]]
        assert w > 0 and h > 0 and x >= 0 and y >= 0 and x + w <= im["width"] and y + h <= im["height"]
        assert a["area"] == pytest.approx(w * h)
        assert a["iscrowd"] == 0 and a["category_id"] in cat_ids


def test_assets_readme_credits_every_photo():
    text = (ASSETS_DIR / "README.md").read_text(encoding="utf-8")
    for name in SAMPLES:
        assert sample_path(name).name in text
    assert "hand" in text.lower() and "licen" in text.lower()
