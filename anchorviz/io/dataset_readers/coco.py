"""A whole COCO instances file: every image and box, as flat NumPy columns (no per-box Python objects beyond
the decoded JSON), indexed and checked with pycocotools."""

from __future__ import annotations

import contextlib
import io
import itertools
import math
from collections.abc import Mapping

import numpy as np
from pycocotools.coco import COCO

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.coco_file import decode_coco_json
from anchorviz.io.dataset_readers.raw import (RawDataset, _cap_notes, _drop_notes, _few, _finish_boxes, _plural, _short,
                                              _take)
from anchorviz.io.groundtruth import BOX_TOLERANCE_PX

__all__ = ["parse_coco_dataset"]


def _column(records: list, key: str, *, name: str, what: str, default=KeyError) -> list:
    """[r[key] for r in records], with a message naming the first record without the key."""
    try:
        if default is KeyError:
            return [r[key] for r in records]
        return [r.get(key, default) for r in records]
    except (KeyError, TypeError, AttributeError):
        for i, r in enumerate(records):
            if not isinstance(r, Mapping):
                raise AnchorVizInputError(f"{name}, {what}[{i}]: expected an object, got {type(r).__name__}") from None
            if key not in r:
                ident = f" (id {_short(r['id'])})" if "id" in r else ""
                raise AnchorVizInputError(
                    f"{name}, {what}[{i}]{ident}: expected the field '{key}', it is missing"
                ) from None
        raise


def _whole_numbers(values: list, *, name: str, what: str, key: str, positive: bool = False) -> np.ndarray:
    """int64 array of whole numbers (ints or integral floats); the first offending record is named."""
    types = set(map(type, values))
    arr = None
    if types <= {int}:
        try:
            arr = np.array(values, dtype=np.int64)
        except OverflowError:
            arr = None
    elif types <= {int, float}:
        f = np.array(values, dtype=np.float64)
        if np.isfinite(f).all() and (f == np.round(f)).all() and (np.abs(f) < 2**62).all():
            arr = f.astype(np.int64)
    if arr is None:
        for i, v in enumerate(values):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v != int(v) or abs(v) >= 2**62:
                raise AnchorVizInputError(f"{name}, {what}[{i}]: expected '{key}' to be a whole number, got {_short(v)}")
        arr = np.array(values, dtype=np.int64)
    if positive and len(arr) and (arr <= 0).any():
        i = int(np.flatnonzero(arr <= 0)[0])
        raise AnchorVizInputError(f"{name}, {what}[{i}]: expected a positive '{key}', got {values[i]!r}")
    return arr


def _first_duplicate(ids: np.ndarray) -> tuple[int, int, int] | None:
    """(value, first position, second position) of the first repeated id, or None."""
    if len(ids) < 2:
        return None
    order = np.argsort(ids, kind="stable")
    s = ids[order]
    rep = np.flatnonzero(s[1:] == s[:-1])
    if not len(rep):
        return None
    pairs = [(int(order[r + 1]), int(order[r])) for r in rep]
    second, first = min(pairs)
    return int(ids[first]), first, second


def _check_unique(ids: np.ndarray, *, name: str, what: str, thing: str) -> None:
    """Raise naming the first repeated id of ``what`` (the JSON list) and both places it stands in."""
    dup = _first_duplicate(ids)
    if dup:
        raise AnchorVizInputError(f"{name}: expected unique {thing} ids, got {thing} id {dup[0]} twice "
                                  f"({what}[{dup[1]}] and {what}[{dup[2]}])")


def parse_coco_dataset(data, *, name: str) -> RawDataset:
    """Every image and box of a COCO instances file.

    Args:
        data: the file's bytes or text, or the decoded dict (not modified).
        name: file name for messages.

    Returns:
        RawDataset; labels index the categories ordered by id; crowd regions counted and left out.

    Raises:
        AnchorVizInputError: bad JSON; missing "images"/"annotations"/"categories"; a record without a
            needed field or with a wrong type; a non-positive image size; a negative or non-finite bbox;
            duplicate image, annotation or category ids; an annotation naming an unknown image or category;
            a box outside its image; a file without images.
    """
    ds = decode_coco_json(data, name=name)
    if not isinstance(ds, Mapping):
        kind = "list (a list of detections looks like a COCO results file, not ground truth)" if isinstance(ds, list) else type(ds).__name__
        raise AnchorVizInputError(
            f"{name}: expected a COCO dataset object with 'images', 'annotations' and 'categories', got a JSON {kind}"
        )
    missing = [k for k in ("images", "annotations", "categories") if k not in ds]
    if missing:
        raise AnchorVizInputError(
            f"{name}: expected a COCO dataset object with 'images', 'annotations' and 'categories', missing "
            f"{', '.join(repr(k) for k in missing)} (keys found: {_few(list(ds.keys()))})"
        )
    for key in ("images", "annotations", "categories"):
        if not isinstance(ds[key], list):
            raise AnchorVizInputError(f"{name}: expected '{key}' to be a list, got {type(ds[key]).__name__}")
    images, anns, cats = ds["images"], ds["annotations"], ds["categories"]
    if not images:
        raise AnchorVizInputError(f"{name}: the dataset is empty: 'images' lists no image")

    # images
    img_ids = _whole_numbers(_column(images, "id", name=name, what="images"), name=name, what="images", key="id")
    widths = _whole_numbers(_column(images, "width", name=name, what="images"), name=name, what="images",
                            key="width", positive=True)
    heights = _whole_numbers(_column(images, "height", name=name, what="images"), name=name, what="images",
                             key="height", positive=True)
    files = _column(images, "file_name", name=name, what="images", default=None)
    for i, f in enumerate(files):
        if f is not None and not isinstance(f, str):
            raise AnchorVizInputError(f"{name}, images[{i}]: expected 'file_name' to be a string, got {_short(f)}")
    _check_unique(img_ids, name=name, what="images", thing="image")
    # categories
    cat_ids = _whole_numbers(_column(cats, "id", name=name, what="categories"), name=name, what="categories", key="id")
    _check_unique(cat_ids, name=name, what="categories", thing="category")
    cat_names = _column(cats, "name", name=name, what="categories")
    for i, n in enumerate(cat_names):
        if not isinstance(n, str) or not n:
            raise AnchorVizInputError(f"{name}, categories[{i}]: expected a non-empty 'name' string, got {_short(n)}")
    # annotations: columns straight from the list
    ann_ids = _whole_numbers(_column(anns, "id", name=name, what="annotations"), name=name, what="annotations", key="id")
    _check_unique(ann_ids, name=name, what="annotations", thing="annotation")
    ann_img = _whole_numbers(_column(anns, "image_id", name=name, what="annotations"), name=name,
                             what="annotations", key="image_id")
    ann_cat = _whole_numbers(_column(anns, "category_id", name=name, what="annotations"), name=name,
                             what="annotations", key="category_id")
    crowd_raw = _column(anns, "iscrowd", name=name, what="annotations", default=0)
    if not set(map(type, crowd_raw)) <= {int, bool}:
        i = next(i for i, v in enumerate(crowd_raw) if not isinstance(v, (int, bool)))
        raise AnchorVizInputError(f"{name}, annotations[{i}] (id {ann_ids[i]}): expected 'iscrowd' 0 or 1, got {_short(crowd_raw[i])}")
    crowd = np.array(crowd_raw, dtype=bool) if crowd_raw else np.zeros(0, bool)
    bbox_raw = _column(anns, "bbox", name=name, what="annotations")
    xywh = _bbox_array(bbox_raw, ann_ids, name=name)

    # the pycocotools index (same semantics as the single-image reader); silence its prints
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO()
        coco.dataset = {"images": images, "annotations": anns, "categories": cats}
        coco.createIndex()
    order = np.argsort(img_ids, kind="stable")
    sorted_ids = img_ids[order]
    pos = np.searchsorted(sorted_ids, ann_img)
    pos_c = np.minimum(pos, len(sorted_ids) - 1)
    unknown = sorted_ids[pos_c] != ann_img if len(ann_img) else np.zeros(0, bool)
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise AnchorVizInputError(
            f"{name}, annotation id {ann_ids[i]}: image_id {ann_img[i]} is not among the {len(images):,} images"
        )
    box_image = order[pos_c] if len(ann_img) else np.zeros(0, np.int64)
    cat_sorted = sorted(coco.loadCats(coco.getCatIds()), key=lambda c: c["id"])
    cat_sorted_ids = np.array([c["id"] for c in cat_sorted], np.int64)
    class_names = tuple(c["name"] for c in cat_sorted)
    if len(set(class_names)) != len(class_names):
        seen: set[str] = set()
        d = next(n for n in class_names if n in seen or seen.add(n))
        raise AnchorVizInputError(f"{name}: expected unique category names, got {d!r} more than once")
    if len(ann_cat):
        if not len(cat_sorted_ids):
            raise AnchorVizInputError(f"{name}, annotation id {ann_ids[0]}: category_id {ann_cat[0]} is not among the categories (none listed)")
        cpos = np.minimum(np.searchsorted(cat_sorted_ids, ann_cat), len(cat_sorted_ids) - 1)
        badc = cat_sorted_ids[cpos] != ann_cat
        if badc.any():
            i = int(np.flatnonzero(badc)[0])
            raise AnchorVizInputError(
                f"{name}, annotation id {ann_ids[i]}: category_id {ann_cat[i]} is not among the categories "
                f"(ids {_few(cat_sorted_ids.tolist())})"
            )
    else:
        cpos = np.zeros(0, np.int64)
    image_names = tuple(f if isinstance(f, str) and f else f"image id {i}" for f, i in zip(files, img_ids.tolist()))
    image_wh = np.stack([widths, heights], axis=1)

    keep_nc = ~crowd
    idx_nc = np.flatnonzero(keep_nc)
    boxes = xywh[idx_nc].copy()
    boxes[:, 2:] += boxes[:, :2]
    bimg = box_image[idx_nc]

    def where(i: int) -> str:
        j = int(idx_nc[i])
        return f"annotation id {ann_ids[j]} (image {image_names[box_image[j]]!r})"

    kept, clipped, n_deg, n_clip = _finish_boxes(boxes, bimg, image_wh, name=name, where=where)
    notes = []
    n_crowd = int(crowd.sum())
    if n_crowd:
        n_img = len(np.unique(box_image[crowd]))
        notes.append(f"{name}: {_plural(n_crowd, 'crowd region')} (iscrowd=1) left out, in {_plural(n_img, 'image')}; "
                     "they mark groups of objects, not single boxes.")
    if n_deg:
        per = np.bincount(bimg[~kept], minlength=len(images))
        notes += _drop_notes(name, per, image_names, "with zero width or height left out.")
    if n_clip:
        notes.append(f"{name}: {_plural(n_clip, 'box', 'boxes')} reaching up to {BOX_TOLERANCE_PX:g} px outside "
                     "their image clipped to its border.")
    return RawDataset(source=name, format="coco", image_names=image_names, image_wh=image_wh,
                      boxes=_take(clipped, kept), image_index=_take(bimg, kept).astype(np.int64),
                      labels=_take(cpos[idx_nc], kept).astype(np.int64), class_names=class_names,
                      n_records=len(anns), n_crowd=n_crowd, n_degenerate=n_deg, n_clipped=n_clip,
                      notes=_cap_notes(notes))


def _bbox_array(bbox_raw: list, ann_ids: np.ndarray, *, name: str) -> np.ndarray:
    """float64 (N, 4) COCO [x, y, w, h]; the first malformed record is named."""
    n = len(bbox_raw)
    if n == 0:
        return np.zeros((0, 4))
    ok = set(map(type, bbox_raw)) <= {list} and set(map(len, bbox_raw)) == {4} and \
        set(map(type, itertools.chain.from_iterable(bbox_raw))) <= {int, float}
    arr = np.array(bbox_raw, dtype=np.float64) if ok else None
    if arr is None or not np.isfinite(arr).all():
        for i, b in enumerate(bbox_raw):
            if not isinstance(b, list) or len(b) != 4:
                raise AnchorVizInputError(
                    f"{name}, annotation id {ann_ids[i]}: expected 'bbox' as [x, y, width, height], got {_short(b)}")
            if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) for v in b):
                raise AnchorVizInputError(
                    f"{name}, annotation id {ann_ids[i]}: expected 4 finite numbers in 'bbox', got {_short(b)}")
    neg = (arr[:, 2] < 0) | (arr[:, 3] < 0)
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise AnchorVizInputError(
            f"{name}, annotation id {ann_ids[i]}: expected a non-negative bbox width and height, got {_short(bbox_raw[i])}")
    return arr
