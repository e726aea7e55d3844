"""Synthetic detection datasets, generated with a fixed seed (nothing is downloaded): the app's built-in
dataset and the benchmarks' workloads.

Box shapes are drawn around a handful of known (w, h) shapes with log-normal spread, on images of a few
common sizes, so the data looks like a detection dataset (many small boxes, some large, some thin).
"""

from __future__ import annotations

import json

import numpy as np

from anchorviz.core.resize import ResizeSpec

IMAGE_SIZES_WH = np.array([[640, 480], [640, 427], [500, 375], [1280, 720], [800, 800], [480, 640]], np.int64)
SHAPES_WH = np.array([[12, 14], [24, 40], [48, 30], [60, 120], [110, 80], [160, 200], [300, 160], [200, 420],
                      [420, 380], [18, 90]], np.float64)
SHAPE_P = np.array([0.22, 0.16, 0.13, 0.1, 0.1, 0.08, 0.07, 0.05, 0.04, 0.05])


def synthetic_boxes(n_boxes: int, *, seed: int = 0, boxes_per_image: float = 8.0, chunk: int = 1_000_000):
    """Boxes in original-image pixels: (image_wh (I, 2) int64, boxes (N, 4) xyxy float64, image_index (N,)).

    Generated in chunks into preallocated arrays, so 10M boxes need little more than their own 400 MB.
    """
    rng = np.random.default_rng(seed)
    n_images = max(1, int(round(n_boxes / boxes_per_image)))
    image_wh = IMAGE_SIZES_WH[rng.integers(0, len(IMAGE_SIZES_WH), n_images)]
    image_index = rng.integers(0, n_images, n_boxes)
    image_index.sort()
    boxes = np.empty((n_boxes, 4))
    for a in range(0, n_boxes, chunk):
        m = min(chunk, n_boxes - a)
        img = image_index[a:a + m]
        k = rng.choice(len(SHAPES_WH), size=m, p=SHAPE_P)
        wh = SHAPES_WH[k] * np.exp(rng.normal(0.0, 0.25, (m, 2)))
        iw = image_wh[img, 0].astype(np.float64)
        ih = image_wh[img, 1].astype(np.float64)
        w = np.minimum(wh[:, 0], iw)
        h = np.minimum(wh[:, 1], ih)
        x1 = rng.random(m) * (iw - w)
        y1 = rng.random(m) * (ih - h)
        out = boxes[a:a + m]
        out[:, 0], out[:, 1], out[:, 2], out[:, 3] = x1, y1, x1 + w, y1 + h
    return image_wh, boxes, image_index


def synthetic_coco_json(n_annotations: int, *, seed: int = 0, crowd_every: int = 0) -> str:
    """A COCO instances file with ``n_annotations`` boxes (rounded to 2 decimals, as COCO files are)."""
    image_wh, boxes, image_index = synthetic_boxes(n_annotations, seed=seed)
    rng = np.random.default_rng(seed + 1)
    cats = rng.integers(1, 11, len(boxes))
    xywh = np.round(np.concatenate([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]], axis=1), 2)
    images = [{"id": i + 1, "file_name": f"{i + 1:012d}.jpg", "width": int(w), "height": int(h)}
              for i, (w, h) in enumerate(image_wh.tolist())]
    anns = [{"id": j + 1, "image_id": int(im) + 1, "category_id": int(c), "bbox": b, "area": b[2] * b[3],
             "iscrowd": int(crowd_every > 0 and j % crowd_every == 0)}
            for j, (im, c, b) in enumerate(zip(image_index.tolist(), cats.tolist(), xywh.tolist()))]
    categories = [{"id": c, "name": f"class{c}", "supercategory": ""} for c in range(1, 11)]
    return json.dumps({"images": images, "annotations": anns, "categories": categories})


def synthetic_dataset(n_boxes: int, *, seed: int = 0, resize: ResizeSpec | None = None):
    """`synthetic_boxes` as a BoxDataset under ``resize`` (10 classes "class1".."class10", seeded)."""
    from anchorviz.dataset.load import dataset_from_arrays  # anchorviz.dataset does not import this module

    image_wh, boxes, image_index = synthetic_boxes(n_boxes, seed=seed)
    labels = np.random.default_rng(seed + 1).integers(0, 10, len(boxes))
    return dataset_from_arrays(boxes=boxes, image_index=image_index, image_wh=image_wh, labels=labels,
                               class_names=[f"class{c}" for c in range(1, 11)], resize=resize,
                               source=f"synthetic ({n_boxes:,} boxes, seed {seed})")
