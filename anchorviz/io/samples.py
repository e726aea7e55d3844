"""Bundled sample photos (scikit-image data, public domain / CC0) with hand-made GT boxes.

The photos live in ``assets/`` at the repository root; their boxes are in one COCO file,
``assets/samples.json``. Licences and credits are in ``assets/README.md``.

Pure: json + NumPy + Pillow only (no pycocotools needed for this small file).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from anchorviz.core.errors import AnchorVizInputError

ASSETS_DIR: Path = Path(__file__).resolve().parents[2] / "assets"
SAMPLES_JSON: Path = ASSETS_DIR / "samples.json"

# Sample name = file stem. Order = the order the app lists them in.
_FILES: dict[str, str] = {
    "astronaut": "astronaut.png",
    "coffee": "coffee.png",
    "coins": "coins.png",
    "hubble_deep_field": "hubble_deep_field.jpg",
    "chelsea": "chelsea.png",
}
SAMPLES: tuple[str, ...] = tuple(_FILES)
DEFAULT_SAMPLE: str = "astronaut"


def _check_name(name: str) -> str:
    if not isinstance(name, str) or name not in _FILES:
        raise AnchorVizInputError(f"unknown sample {name!r}; expected one of: {', '.join(SAMPLES)}")
    return name


def sample_path(name: str) -> Path:
    """Path of the bundled photo for sample ``name`` (one of SAMPLES)."""
    return ASSETS_DIR / _FILES[_check_name(name)]


@lru_cache(maxsize=1)
def _coco() -> dict:
    with open(SAMPLES_JSON, encoding="utf-8") as f:
        return json.load(f)


def load_sample(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    """Load a bundled sample photo and its GT boxes.

    Returns:
        image: uint8 (H, W, 3) RGB (grey photos such as coins are converted to RGB).
        boxes: float64 (N, 4) xyxy pixels, converted from the COCO ``[x, y, w, h]`` bboxes.
        labels: int64 (N,), 0-based indices into ``class_names`` (NOT COCO category ids).
        class_names: the names of the categories this sample uses, ordered by COCO category id.

    Every call returns fresh arrays; callers may modify them.

    Raises:
        AnchorVizInputError: ``name`` is not one of SAMPLES.
    """
    path = sample_path(name)
    coco = _coco()
    image_id = next(im["id"] for im in coco["images"] if im["file_name"] == path.name)
    anns = [a for a in coco["annotations"] if a["image_id"] == image_id]
    cat_names = {c["id"]: c["name"] for c in coco["categories"]}
    used_ids = sorted({a["category_id"] for a in anns})
    class_names = tuple(cat_names[i] for i in used_ids)
    index = {cid: k for k, cid in enumerate(used_ids)}

    xywh = np.array([a["bbox"] for a in anns], dtype=np.float64).reshape(-1, 4)
    boxes = xywh.copy()
    boxes[:, 2:] += boxes[:, :2]
    labels = np.array([index[a["category_id"]] for a in anns], dtype=np.int64)

    with Image.open(path) as im:
        image = np.array(im.convert("RGB"), dtype=np.uint8)
    return image, boxes, labels, class_names
