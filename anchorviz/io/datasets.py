"""Whole annotated datasets in: COCO JSON, YOLO folders, Pascal VOC folders, CSV, as a folder or a .zip.

Every reader returns a `RawDataset`: one row per kept box, in original-image pixels, plus an image table
and counts of what was left out. `anchorviz.dataset` then maps the boxes through the train-time resize.

What is left out, always counted and reported, never silently:

* COCO crowd regions (``iscrowd`` = 1): they mark groups of objects, not single boxes;
* boxes with zero width or height (after clipping a box that reaches at most `BOX_TOLERANCE_PX` outside the
  image to the image border; such clipped boxes are counted too).

Everything else that is wrong raises AnchorVizInputError naming the file and the record: missing keys, wrong
types, negative/NaN sizes, a box more than `BOX_TOLERANCE_PX` outside its image, duplicate ids, references
to unknown images or categories, an image whose size cannot be found, an empty dataset.

Layouts (folder or zip):

* COCO: one ``.json`` file (pick one with ``annotation_file`` when there are several); image sizes come from
  its ``images`` entries. The index is built with pycocotools, the per-box columns with NumPy straight from
  the annotation list (no per-box Python objects beyond the decoded JSON): a 1M-annotation file loads in
  about 11 s on 2 cores, two thirds of it ``json.loads`` (benchmarks/bench_coco_load.py).
* YOLO: ``*.txt`` label files next to their images (``a.jpg`` + ``a.txt``) or in the Ultralytics layout
  (``images/train/a.jpg`` + ``labels/train/a.txt``). Image sizes come from the image headers (Pillow, no
  pixel decoding, EXIF rotation applied as Ultralytics does) or from a sizes file. Class names come from
  ``classes.txt`` / ``obj.names`` or the ``names:`` of a ``data.yaml``; otherwise "0", "1", ...
  An image without a label file is a background image (zero boxes). Other ``.txt`` files (``train.txt``,
  ``README.txt``) are ignored, with a note.
* Pascal VOC: ``*.xml`` files; sizes from ``<size>``, else from the image named by ``<filename>``, else from
  a sizes file.
* CSV: keras-retinanet's ``path,x1,y1,x2,y2,class_name`` rows (header optional; ``path,,,,,`` is an image
  without boxes), or a header naming the columns (``image|filename|path``, ``x1|xmin``, ``y1|ymin``,
  ``x2|xmax``, ``y2|ymax``, optional ``label|class``, optional ``width``, ``height``). Sizes from the width
  and height columns, else a sizes file, else the image headers.

A sizes file (``sizes.txt``, ``sizes.csv``, ``image_sizes.txt`` or ``image_sizes.csv`` in the dataset, or
given explicitly) has one ``name width height`` row per image (comma or whitespace separated, header
optional); the name may be the relative path, the file name or its stem.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np
from pycocotools.coco import COCO

from anchorviz._yaml import parse_yaml
from anchorviz.errors import AnchorVizInputError
from anchorviz.io.archive import FileSource, SingleFileSource
from anchorviz.io.coco import decode_coco_json
from anchorviz.io.groundtruth import BOX_TOLERANCE_PX
from anchorviz.io.images import read_image_size
from anchorviz.io.voc import _file_size, _parse_xml, parse_voc
from anchorviz.io.yolo import parse_yolo

__all__ = ["RawDataset", "DATASET_FORMATS", "IMAGE_EXTENSIONS", "SIZES_FILE_NAMES", "parse_coco_dataset",
           "parse_csv_dataset", "parse_sizes", "read_dataset", "detect_format"]

DATASET_FORMATS: tuple[str, ...] = ("coco", "yolo", "voc", "csv")
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})
SIZES_FILE_NAMES = frozenset({"sizes.txt", "sizes.csv", "image_sizes.txt", "image_sizes.csv"})
_CLASS_FILES = ("classes.txt", "obj.names", "classes.names")
_HEADER_BYTES = 1 << 16  # image headers: the JPEG SOF sits after EXIF / ICC segments, almost always in 64 KB; else all is read
_MAX_NOTES = 30


@dataclass(frozen=True, kw_only=True, eq=False)
class RawDataset:
    """A dataset as read from its files, before the train-time resize.

    Attributes:
        source: the file or folder name.
        format: "coco", "yolo", "voc" or "csv".
        image_names: (I,) image file names (as the annotations name them).
        image_wh: int64 (I, 2) original (width, height) of each image.
        boxes: float64 (N, 4) xyxy original-image pixels of the kept boxes (clipped to the image).
        image_index: int64 (N,) row of ``image_names`` each box belongs to.
        labels: int64 (N,) index into ``class_names``.
        class_names: class names.
        n_records: box records read, including the ones left out.
        n_crowd: COCO crowd regions left out.
        n_degenerate: zero-width or zero-height boxes left out.
        n_clipped: kept boxes that reached up to BOX_TOLERANCE_PX outside their image and were clipped.
        notes: sentences about anything left out, ignored or changed.
    """

    source: str
    format: str
    image_names: tuple[str, ...]
    image_wh: np.ndarray
    boxes: np.ndarray
    image_index: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    n_records: int
    n_crowd: int = 0
    n_degenerate: int = 0
    n_clipped: int = 0
    notes: tuple[str, ...] = ()


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _short(v, n: int = 60) -> str:
    text = repr(v)
    return text if len(text) <= n else text[: n - 3] + "..."


def _few(values, n: int = 6) -> str:
    values = list(values)
    shown = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values[:n])
    return shown + (f", ... {len(values) - n} more" if len(values) > n else "") if values else "none"


def _cap_notes(notes: list[str]) -> tuple[str, ...]:
    if len(notes) <= _MAX_NOTES:
        return tuple(notes)
    return tuple(notes[:_MAX_NOTES]) + (f"... and {len(notes) - _MAX_NOTES:,} more notes like these.",)


# --------------------------------------------------------------------------------------------------------
# Shared box checks (vectorised)


def _finish_boxes(boxes: np.ndarray, box_image: np.ndarray, image_wh: np.ndarray, *, name: str,
                  where: Callable[[int], str]) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Check, clip and drop: returns (kept mask (N,), clipped boxes (N, 4), n_degenerate, n_clipped kept).

    Raises AnchorVizInputError naming the first bad record (``where(i)``) for NaN/inf, inverted boxes and
    boxes more than BOX_TOLERANCE_PX outside their image.
    """
    b = boxes
    bad = ~np.isfinite(b).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AnchorVizInputError(f"{name}, {where(i)}: expected finite coordinates, got {b[i].tolist()}")
    inverted = (b[:, 2] < b[:, 0]) | (b[:, 3] < b[:, 1])
    if inverted.any():
        i = int(np.flatnonzero(inverted)[0])
        raise AnchorVizInputError(
            f"{name}, {where(i)}: expected x1 <= x2 and y1 <= y2, got [x1, y1, x2, y2] = {b[i].tolist()}"
        )
    w = image_wh[box_image, 0].astype(np.float64)
    h = image_wh[box_image, 1].astype(np.float64)
    tol = BOX_TOLERANCE_PX
    outside = (b[:, 0] < -tol) | (b[:, 1] < -tol) | (b[:, 2] > w + tol) | (b[:, 3] > h + tol)
    if outside.any():
        idx = np.flatnonzero(outside)
        i = int(idx[0])
        more = f" ({_plural(len(idx) - 1, 'other box', 'other boxes')} too)" if len(idx) > 1 else ""
        raise AnchorVizInputError(
            f"{name}, {where(i)}: box [x1, y1, x2, y2] = [{', '.join(f'{v:g}' for v in b[i])}] lies outside the "
            f"{w[i]:g}x{h[i]:g} image (expected 0 <= x <= {w[i]:g}, 0 <= y <= {h[i]:g}, {tol:g} px tolerance){more}"
        )
    # Only rows reaching outside need clipping; the common case copies nothing (10M boxes are 320 MB).
    reach = np.flatnonzero((b[:, 0] < 0) | (b[:, 1] < 0) | (b[:, 2] > w) | (b[:, 3] > h))
    out = b
    if len(reach):
        out = b.copy()
        sub = out[reach]
        np.clip(sub[:, 0::2], 0.0, w[reach, None], out=sub[:, 0::2])
        np.clip(sub[:, 1::2], 0.0, h[reach, None], out=sub[:, 1::2])
        out[reach] = sub
    del w, h
    flat = (out[:, 2] <= out[:, 0]) | (out[:, 3] <= out[:, 1])
    n_clipped = int(((out[reach] != b[reach]).any(axis=1) & ~flat[reach]).sum()) if len(reach) else 0
    return ~flat, out, int(flat.sum()), n_clipped


def _take(a: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """a[keep] without a copy when every row is kept."""
    return a if keep.all() else a[keep]


def _drop_notes(source: str, counts_per_image: np.ndarray, image_names: Sequence[str], what: str) -> list[str]:
    """One note per image with something left out: 'file: image 'x.jpg': 2 boxes with zero width ...'."""
    notes = []
    for i in np.flatnonzero(counts_per_image).tolist():
        notes.append(f"{source}: image {image_names[i]!r}: {_plural(int(counts_per_image[i]), 'box', 'boxes')} {what}")
    return notes


# --------------------------------------------------------------------------------------------------------
# COCO


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
    dup = _first_duplicate(img_ids)
    if dup:
        raise AnchorVizInputError(
            f"{name}: expected unique image ids, got image id {dup[0]} twice (images[{dup[1]}] and images[{dup[2]}])"
        )
    # categories
    cat_ids = _whole_numbers(_column(cats, "id", name=name, what="categories"), name=name, what="categories", key="id")
    dup = _first_duplicate(cat_ids)
    if dup:
        raise AnchorVizInputError(
            f"{name}: expected unique category ids, got category id {dup[0]} twice "
            f"(categories[{dup[1]}] and categories[{dup[2]}])"
        )
    cat_names = _column(cats, "name", name=name, what="categories")
    for i, n in enumerate(cat_names):
        if not isinstance(n, str) or not n:
            raise AnchorVizInputError(f"{name}, categories[{i}]: expected a non-empty 'name' string, got {_short(n)}")
    # annotations: columns straight from the list
    ann_ids = _whole_numbers(_column(anns, "id", name=name, what="annotations"), name=name, what="annotations", key="id")
    dup = _first_duplicate(ann_ids)
    if dup:
        raise AnchorVizInputError(
            f"{name}: expected unique annotation ids, got annotation id {dup[0]} twice "
            f"(annotations[{dup[1]}] and annotations[{dup[2]}])"
        )
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


# --------------------------------------------------------------------------------------------------------
# Sizes files and image headers


def parse_sizes(text: str, *, name: str) -> dict[str, tuple[int, int]]:
    """A sizes file: one 'name width height' row per image (comma or whitespace separated, header optional).

    Returns:
        {name as written: (width, height)}.

    Raises:
        AnchorVizInputError: a row without three fields, a size that is not a positive whole number, or a
            name listed twice.
    """
    out: dict[str, tuple[int, int]] = {}
    for no, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = next(csv.reader([line])) if "," in line else line.rsplit(None, 2)
        fields = [f.strip() for f in fields]
        if len(fields) != 3:
            raise AnchorVizInputError(f"{name}, line {no}: expected 'name width height', got {line.strip()[:80]!r}")
        try:
            w, h = float(fields[1]), float(fields[2])
        except ValueError:
            if not out:  # a header row
                continue
            raise AnchorVizInputError(f"{name}, line {no}: expected numeric width and height, got {line.strip()[:80]!r}") from None
        if not (math.isfinite(w) and math.isfinite(h) and w > 0 and h > 0 and w == int(w) and h == int(h)):
            raise AnchorVizInputError(f"{name}, line {no}: expected a positive whole-number width and height, got {fields[1]} x {fields[2]}")
        if fields[0] in out:
            raise AnchorVizInputError(f"{name}, line {no}: image {fields[0]!r} is listed twice")
        out[fields[0]] = (int(w), int(h))
    return out


class _SizeLookup:
    """Image sizes by relative path, file name or stem, from a sizes file and/or image headers."""

    def __init__(self, source: FileSource, sizes: Mapping[str, tuple[int, int]] | None, sizes_name: str = "") -> None:
        self.source = source
        self.sizes_name = sizes_name
        self.by_key: dict[str, tuple[int, int] | None] = {}
        for key, wh in (sizes or {}).items():
            for k in {key, PurePosixPath(key).name, PurePosixPath(key).stem}:
                self.by_key[k] = wh if k not in self.by_key or self.by_key[k] == wh else None  # None: ambiguous
        self.images_by_name: dict[str, list[str]] = {}
        self.images_by_stem: dict[str, list[str]] = {}
        for f in source.files():
            p = PurePosixPath(f)
            if p.suffix.lower() in IMAGE_EXTENSIONS:
                self.images_by_name.setdefault(p.name, []).append(f)
                self.images_by_stem.setdefault(str(p.with_suffix("")), []).append(f)

    def from_sizes(self, *keys: str) -> tuple[int, int] | None:
        for k in keys:
            if k in self.by_key:
                wh = self.by_key[k]
                if wh is None:
                    raise AnchorVizInputError(f"{self.sizes_name}: {k!r} matches several rows with different sizes; use full paths")
                return wh
        return None

    def header(self, path: str) -> tuple[int, int]:
        label = f"{self.source.name}: {path}" if not isinstance(self.source, SingleFileSource) else path
        head = self.source.read(path, max_bytes=_HEADER_BYTES)
        try:
            return read_image_size(head, name=label)
        except AnchorVizInputError:
            if len(head) < _HEADER_BYTES:
                raise
        return read_image_size(self.source.read(path), name=label)

    def find_image(self, name: str, *, near: str = "") -> str | None:
        """The path of an image called ``name`` (a relative path or a file name), preferring ``near``'s folder."""
        name = name.replace("\\", "/")
        base = PurePosixPath(name).name
        folder = str(PurePosixPath(near).parent) if near else ""
        for cand in (str(PurePosixPath(folder) / name) if folder not in ("", ".") else name, name):
            if cand in self.images_by_name.get(PurePosixPath(cand).name, []):
                return cand
        hits = self.images_by_name.get(base, [])
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1 and folder:
            local = [h for h in hits if h.startswith(folder + "/")]
            if len(local) == 1:
                return local[0]
        return None


def _sizes_from_source(source: FileSource, sizes, sizes_name: str) -> tuple[dict | None, str]:
    if sizes is not None:
        return dict(sizes), sizes_name or "sizes"
    found = [f for f in source.files() if PurePosixPath(f).name.lower() in SIZES_FILE_NAMES]
    if not found:
        return None, ""
    if len(found) > 1:
        raise AnchorVizInputError(f"{source.name}: expected one sizes file, found {_few(found)}")
    return parse_sizes(_text(source, found[0]), name=found[0]), found[0]


def _text(source: FileSource, path: str) -> str:
    data = source.read(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise AnchorVizInputError(f"{path}: expected UTF-8 text, got an undecodable byte at position {e.start}") from None


# --------------------------------------------------------------------------------------------------------
# Per-image parsers -> one RawDataset


class _Collector:
    """Accumulates per-image GroundTruth results into flat arrays."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.wh: list[tuple[int, int]] = []
        self.boxes: list[np.ndarray] = []
        self.labels: list[np.ndarray] = []
        self.index: list[np.ndarray] = []
        self.n_records = self.n_degenerate = self.n_clipped = 0
        self.notes: list[str] = []
        self.seen: dict[str, str] = {}

    def add(self, image_name: str, wh: tuple[int, int], boxes: np.ndarray, labels: np.ndarray, *, origin: str,
            report=None) -> None:
        if image_name in self.seen:
            raise AnchorVizInputError(f"{origin}: image {image_name!r} is already annotated by {self.seen[image_name]}")
        self.seen[image_name] = origin
        i = len(self.names)
        self.names.append(image_name)
        self.wh.append(wh)
        self.boxes.append(np.asarray(boxes, np.float64).reshape(-1, 4))
        self.labels.append(np.asarray(labels, np.int64))
        self.index.append(np.full(len(boxes), i, np.int64))
        if report is not None:
            self.n_records += report.n_records
            self.n_degenerate += report.n_degenerate_dropped
            self.n_clipped += report.n_clipped
            self.notes.extend(report.notes)
        else:
            self.n_records += len(boxes)

    def build(self, *, source: str, fmt: str, class_names: tuple[str, ...], notes: list[str]) -> RawDataset:
        if not self.names:
            raise AnchorVizInputError(f"{source}: the dataset is empty: no annotated image was found")
        cat = (lambda xs, shape: np.concatenate(xs) if xs else np.zeros(shape))
        return RawDataset(source=source, format=fmt, image_names=tuple(self.names),
                          image_wh=np.array(self.wh, np.int64).reshape(-1, 2),
                          boxes=cat(self.boxes, (0, 4)).astype(np.float64),
                          image_index=cat(self.index, (0,)).astype(np.int64),
                          labels=cat(self.labels, (0,)).astype(np.int64), class_names=class_names,
                          n_records=self.n_records, n_degenerate=self.n_degenerate, n_clipped=self.n_clipped,
                          notes=_cap_notes(notes + self.notes))


def _yolo_class_names(source: FileSource, class_names) -> tuple[tuple[str, ...] | None, str]:
    if class_names is not None:
        return tuple(class_names), "the class names given"
    files = source.files()
    for cf in _CLASS_FILES:
        hits = [f for f in files if PurePosixPath(f).name.lower() == cf]
        if hits:
            names = tuple(line.strip() for line in _text(source, hits[0]).splitlines() if line.strip())
            return names, hits[0]
    yamls = [f for f in files if PurePosixPath(f).suffix.lower() in (".yaml", ".yml")]
    for y in yamls:
        doc = parse_yaml(_text(source, y), name=y)
        if isinstance(doc, dict) and "names" in doc:
            names = doc["names"]
            if isinstance(names, dict):
                try:
                    keys = sorted(int(k) for k in names)
                except (TypeError, ValueError):
                    raise AnchorVizInputError(f"{y}: expected 'names' keyed by class index 0, 1, ...") from None
                if keys != list(range(len(keys))):
                    raise AnchorVizInputError(f"{y}: expected 'names' keyed 0..{len(keys) - 1}, got {_few(keys)}")
                names = [names[k] for k in keys]
            if not isinstance(names, list):
                raise AnchorVizInputError(f"{y}: expected 'names' to be a list or a mapping, got {_short(names)}")
            return tuple(str(n) for n in names), y
    return None, ""


def _read_yolo(source: FileSource, *, sizes, sizes_name: str, class_names) -> RawDataset:
    files = source.files()
    sizes, sizes_name = _sizes_from_source(source, sizes, sizes_name)
    lookup = _SizeLookup(source, sizes, sizes_name)
    names, names_from = _yolo_class_names(source, class_names)
    images = [f for f in files if PurePosixPath(f).suffix.lower() in IMAGE_EXTENSIONS]
    txts = {f for f in files if PurePosixPath(f).suffix.lower() == ".txt"
            and PurePosixPath(f).name.lower() not in SIZES_FILE_NAMES | set(_CLASS_FILES)}
    label_of: dict[str, str] = {}
    for img in images:
        p = PurePosixPath(img)
        same = str(p.with_suffix(".txt"))
        parts = list(p.parts)
        ultra = None
        if "images" in parts[:-1]:
            k = len(parts) - 1 - parts[::-1].index("images", 1)
            ultra = str(PurePosixPath(*parts[:k], "labels", *parts[k + 1:]).with_suffix(".txt"))
        for cand in (ultra, same):
            if cand and cand in txts:
                label_of[img] = cand
                break
    paired = set(label_of.values())
    orphans = sorted(t for t in txts - paired
                     if "labels" in PurePosixPath(t).parts[:-1] or lookup.from_sizes(t, PurePosixPath(t).name, PurePosixPath(t).stem))
    ignored = sorted(txts - paired - set(orphans))
    notes = []
    if ignored:
        notes.append(f"{source.name}: ignored {_plural(len(ignored), 'text file')} with no image of the same name "
                     f"({_few(ignored, 4)}); they are not YOLO label files.")
    if not label_of and not orphans:
        raise AnchorVizInputError(
            f"{source.name}: expected YOLO label files (a.txt next to a.jpg, or labels/.../a.txt for images/.../a.jpg), "
            f"found {_plural(len(images), 'image')} and no label file"
            + (f" (text files found: {_few(ignored, 4)})" if ignored else "")
        )
    if names is None:  # class names: "0".."max" over every label file
        max_cls = -1
        for t in sorted(paired) + orphans:
            for line in _text(source, t).splitlines():
                tok = line.split(None, 1)
                if tok and tok[0].isdigit():
                    max_cls = max(max_cls, int(tok[0]))
        names = tuple(str(i) for i in range(max_cls + 1))
    col = _Collector()
    n_background = 0
    for img in images:
        stem_keys = (img, PurePosixPath(img).name, PurePosixPath(img).stem)
        wh = lookup.from_sizes(*stem_keys) or lookup.header(img)
        lab = label_of.get(img)
        if lab is None:
            n_background += 1
            col.add(img, wh, np.zeros((0, 4)), np.zeros(0, np.int64), origin=img)
            continue
        gt = parse_yolo(_text(source, lab), name=lab, image_wh=wh, class_names=names)
        col.add(img, wh, gt.boxes, gt.labels, origin=lab, report=gt.report)
    for lab in orphans:
        p = PurePosixPath(lab)
        wh = lookup.from_sizes(lab, p.name, p.stem, str(p.with_suffix("")))
        if wh is None:
            raise AnchorVizInputError(
                f"{source.name}: {lab}: no image of that name and no row in a sizes file; expected the image "
                "(for its size) or a sizes file with 'name width height' rows"
            )
        gt = parse_yolo(_text(source, lab), name=lab, image_wh=wh, class_names=names)
        col.add(str(p.with_suffix("")), wh, gt.boxes, gt.labels, origin=lab, report=gt.report)
    if n_background:
        notes.append(f"{source.name}: {_plural(n_background, 'image')} without a label file counted as background "
                     "(no boxes).")
    if names_from:
        notes.append(f"{source.name}: class names from {names_from}.")
    return col.build(source=source.name, fmt="yolo", class_names=names, notes=notes)


def _read_voc(source: FileSource, *, sizes, sizes_name: str, class_names) -> RawDataset:
    xmls = [f for f in source.files() if PurePosixPath(f).suffix.lower() == ".xml"]
    if not xmls:
        raise AnchorVizInputError(f"{source.name}: expected Pascal VOC .xml files, found none")
    sizes, sizes_name = _sizes_from_source(source, sizes, sizes_name)
    lookup = _SizeLookup(source, sizes, sizes_name)
    parsed = []
    all_names: set[str] = set()
    for x in xmls:
        data = source.read(x)
        root = _parse_xml(data, name=x)
        if root.tag != "annotation":
            raise AnchorVizInputError(f"{x}: expected a Pascal VOC <annotation> root element, got <{root.tag}>")
        fname = (root.findtext("filename") or "").strip()
        wh = _file_size(root, name=x)
        if wh is not None:
            if wh[0] != int(wh[0]) or wh[1] != int(wh[1]):
                raise AnchorVizInputError(f"{x}: <size> expected whole-number width and height, got {wh[0]:g} x {wh[1]:g}")
            wh = (int(wh[0]), int(wh[1]))
            given = None
        else:
            key = fname or PurePosixPath(x).stem
            wh = lookup.from_sizes(key, PurePosixPath(key).name, PurePosixPath(key).stem, PurePosixPath(x).stem)
            if wh is None:
                img = lookup.find_image(fname, near=x) if fname else None
                if img is None:
                    for ext in IMAGE_EXTENSIONS:
                        img = lookup.find_image(PurePosixPath(x).stem + ext, near=x)
                        if img:
                            break
                if img is None:
                    raise AnchorVizInputError(
                        f"{x}: no image size: <size> is missing or 0 and the image {fname or PurePosixPath(x).stem!r} "
                        "is neither in the dataset nor in a sizes file"
                    )
                wh = lookup.header(img)
            given = wh
        gt = parse_voc(data, name=x, image_wh=given, class_names=class_names)
        all_names.update(gt.class_names)
        parsed.append((x, fname or PurePosixPath(x).stem, wh, gt))
    names = tuple(class_names) if class_names is not None else tuple(sorted(all_names))
    index = {n: i for i, n in enumerate(names)}
    col = _Collector()
    for x, image_name, wh, gt in parsed:
        remap = np.array([index[n] for n in gt.class_names], np.int64)
        col.add(image_name, wh, gt.boxes, remap[gt.labels] if len(gt.labels) else gt.labels, origin=x, report=gt.report)
    return col.build(source=source.name, fmt="voc", class_names=names, notes=[])


# --------------------------------------------------------------------------------------------------------
# CSV

_CSV_ALIASES = {
    "image": ("image", "filename", "file_name", "file", "path", "image_path", "img", "image_id"),
    "x1": ("x1", "xmin", "x_min", "left"),
    "y1": ("y1", "ymin", "y_min", "top"),
    "x2": ("x2", "xmax", "x_max", "right"),
    "y2": ("y2", "ymax", "y_max", "bottom"),
    "label": ("label", "class", "class_name", "category", "name"),
    "width": ("width", "image_width", "img_width"),
    "height": ("height", "image_height", "img_height"),
}


def _num(v: str) -> float | None:
    try:
        x = float(v)
    except ValueError:
        return None
    return x


def parse_csv_dataset(text: str, *, name: str, sizes=None, sizes_name: str = "",
                      source: FileSource | None = None, class_names: Sequence[str] | None = None) -> RawDataset:
    """A dataset CSV (see the module docstring for the two layouts).

    Args:
        text: the CSV text.
        name: file name for messages (and, inside ``source``, the path image paths are relative to).
        sizes: {image name: (width, height)} from a sizes file, or None.
        sizes_name: the sizes file's name for messages.
        source: where to find the images for their header sizes (a folder or zip), or None.
        class_names: the allowed labels, or None for the distinct labels, sorted.

    Raises:
        AnchorVizInputError: naming the row: wrong column count, non-numeric or NaN coordinates, an empty
            image path, inconsistent width/height for one image, an image whose size cannot be found, a box
            outside its image, an unknown label; an empty file.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    rows = []
    cols: dict[str, int] | None = None
    n_fields = None
    try:
        for row in reader:
            fields = [f.strip() for f in row]
            if not any(fields):
                continue
            if cols is None and n_fields is None and not rows:
                low = [f.lower() for f in fields]
                named = {k: next((low.index(a) for a in al if a in low), None) for k, al in _CSV_ALIASES.items()}
                if any(v is not None for v in named.values()) and (len(fields) < 5 or _num(fields[1]) is None):
                    need = [k for k in ("image", "x1", "y1", "x2", "y2") if named[k] is None]
                    if need:
                        raise AnchorVizInputError(
                            f"{name}, row {reader.line_num} (header): expected columns for the image and x1, y1, x2, y2, "
                            f"missing {', '.join(need)} (accepted names: "
                            + "; ".join(f"{k}: {'|'.join(_CSV_ALIASES[k])}" for k in need) + ")")
                    cols = {k: v for k, v in named.items() if v is not None}
                    n_fields = len(fields)
                    continue
            if n_fields is None:
                if len(fields) not in (5, 6):
                    raise AnchorVizInputError(
                        f"{name}, row {reader.line_num}: expected 'path,x1,y1,x2,y2[,class_name]' (5 or 6 columns) "
                        f"or a header naming the columns, got {len(fields)} columns")
                n_fields = len(fields)
                cols = {"image": 0, "x1": 1, "y1": 2, "x2": 3, "y2": 4}
                if n_fields == 6:
                    cols["label"] = 5
            if len(fields) != n_fields:
                raise AnchorVizInputError(f"{name}, row {reader.line_num}: expected {n_fields} columns, got {len(fields)}")
            rows.append((reader.line_num, fields))
    except csv.Error as e:
        raise AnchorVizInputError(f"{name}, row {reader.line_num}: unreadable CSV ({e})") from None
    if not rows:
        raise AnchorVizInputError(f"{name}: the dataset is empty: no data row")
    lookup = _SizeLookup(source, sizes, sizes_name) if source is not None else None
    size_of: dict[str, tuple[int, int]] = {}
    image_rows: dict[str, int] = {}
    order: list[str] = []
    coords = np.zeros((len(rows), 4))
    has_box = np.zeros(len(rows), bool)
    row_img = np.zeros(len(rows), np.int64)
    raw_labels: list[str] = []
    label_rows: list[int] = []
    for r, (line, f) in enumerate(rows):
        img = f[cols["image"]]
        if not img:
            raise AnchorVizInputError(f"{name}, row {line}: the image path is empty")
        if img not in image_rows:
            image_rows[img] = len(order)
            order.append(img)
        row_img[r] = image_rows[img]
        if "width" in cols and "height" in cols:
            w, h = _num(f[cols["width"]]), _num(f[cols["height"]])
            if w is None or h is None or not (math.isfinite(w) and math.isfinite(h)) or w <= 0 or h <= 0 \
                    or w != int(w) or h != int(h):
                raise AnchorVizInputError(f"{name}, row {line}: expected a positive whole-number width and height, "
                                          f"got {f[cols['width']]!r} x {f[cols['height']]!r}")
            prev = size_of.setdefault(img, (int(w), int(h)))
            if prev != (int(w), int(h)):
                raise AnchorVizInputError(f"{name}, row {line}: image {img!r} is {int(w)}x{int(h)} here but "
                                          f"{prev[0]}x{prev[1]} on an earlier row")
        vals = [f[cols[k]] for k in ("x1", "y1", "x2", "y2")]
        if not any(vals):
            continue  # 'path,,,,,': an image without boxes
        for v, k in zip(vals, ("x1", "y1", "x2", "y2")):
            x = _num(v)
            if x is None or not math.isfinite(x):
                raise AnchorVizInputError(f"{name}, row {line}: {k} must be a finite number, got {v!r}")
        coords[r] = [float(v) for v in vals]
        has_box[r] = True
        if "label" in cols:
            lab = f[cols["label"]]
            if not lab:
                raise AnchorVizInputError(f"{name}, row {line}: the label is empty")
            raw_labels.append(lab)
            label_rows.append(r)
    wh = np.zeros((len(order), 2), np.int64)
    for i, img in enumerate(order):
        got = size_of.get(img)
        if got is None and lookup is not None:
            p = PurePosixPath(img.replace("\\", "/"))
            got = lookup.from_sizes(img, p.name, p.stem)
            if got is None:
                path = lookup.find_image(img, near=name)
                if path is not None:
                    got = lookup.header(path)
        if got is None:
            line = rows[int(np.flatnonzero(row_img == i)[0])][0]
            raise AnchorVizInputError(
                f"{name}, row {line}: no size for image {img!r}: expected width/height columns, a sizes file with "
                "'name width height' rows, or the image itself in the folder / zip")
        wh[i] = got
    if "label" in cols:
        names = tuple(class_names) if class_names is not None else tuple(sorted(set(raw_labels)))
        index = {n: i for i, n in enumerate(names)}
        labels_all = np.zeros(len(rows), np.int64)
        for r, lab in zip(label_rows, raw_labels):
            if lab not in index:
                raise AnchorVizInputError(f"{name}, row {rows[r][0]}: label {lab!r} is not one of the class names ({_few(names)})")
            labels_all[r] = index[lab]
    else:
        names = tuple(class_names) if class_names is not None else ("object",)
        labels_all = np.zeros(len(rows), np.int64)
    sel = np.flatnonzero(has_box)

    def where(i: int) -> str:
        r = int(sel[i])
        return f"row {rows[r][0]} (image {order[row_img[r]]!r})"

    kept, clipped, n_deg, n_clip = _finish_boxes(coords[sel], row_img[sel], wh, name=name, where=where)
    notes = []
    if n_deg:
        per = np.bincount(row_img[sel][~kept], minlength=len(order))
        notes += _drop_notes(name, per, order, "with zero width or height left out.")
    if n_clip:
        notes.append(f"{name}: {_plural(n_clip, 'box', 'boxes')} reaching up to {BOX_TOLERANCE_PX:g} px outside their "
                     "image clipped to its border.")
    return RawDataset(source=name, format="csv", image_names=tuple(order), image_wh=wh, boxes=clipped[kept],
                      image_index=row_img[sel][kept], labels=labels_all[sel][kept], class_names=names,
                      n_records=len(sel), n_degenerate=n_deg, n_clipped=n_clip, notes=_cap_notes(notes))


# --------------------------------------------------------------------------------------------------------
# Dispatch


def detect_format(source: FileSource) -> str:
    """The dataset format of a folder / zip / single file, from the files it holds.

    A single file: .json -> coco, .xml -> voc, .csv -> csv, .txt -> yolo. A folder or zip: any .json ->
    coco, else .xml -> voc, else a .csv that is not a sizes file -> csv, else .txt -> yolo.

    Raises:
        AnchorVizInputError: nothing that looks like annotations.
    """
    files = source.files()
    exts = {PurePosixPath(f).suffix.lower() for f in files}
    plain = [f for f in files if PurePosixPath(f).name.lower() not in SIZES_FILE_NAMES]
    if ".json" in exts:
        return "coco"
    if ".xml" in exts:
        return "voc"
    if any(PurePosixPath(f).suffix.lower() == ".csv" for f in plain):
        return "csv"
    if any(PurePosixPath(f).suffix.lower() == ".txt" for f in plain):
        return "yolo"
    raise AnchorVizInputError(
        f"{source.name}: cannot tell the dataset format; expected a COCO .json, Pascal VOC .xml files, a CSV, or "
        f"YOLO label .txt files with their images (found: {_few(files, 5)})"
    )


def _pick(source: FileSource, ext: str, what: str, annotation_file: str | None, prefer: Callable[[str], bool]) -> str:
    files = source.files()
    if annotation_file is not None:
        if annotation_file in files:
            return annotation_file
        hits = [f for f in files if PurePosixPath(f).name == annotation_file]
        if len(hits) == 1:
            return hits[0]
        raise AnchorVizInputError(f"{source.name}: no file {annotation_file!r} (the {what} files are: "
                                  f"{_few([f for f in files if f.lower().endswith(ext)])})")
    cands = [f for f in files if f.lower().endswith(ext) and PurePosixPath(f).name.lower() not in SIZES_FILE_NAMES]
    if not cands:
        raise AnchorVizInputError(f"{source.name}: expected a {what} file, found none (files: {_few(files, 5)})")
    if len(cands) > 1:
        best = [c for c in cands if prefer(c)]
        if len(best) == 1:
            return best[0]
        raise AnchorVizInputError(
            f"{source.name}: found {len(cands)} {what} files ({_few(cands)}); expected one: choose it with "
            "annotation_file (CLI: --annotation-file) or upload a single split")
    return cands[0]


def read_dataset(source: FileSource, *, format: str | None = None, sizes=None, sizes_name: str = "",
                 class_names: Sequence[str] | None = None, annotation_file: str | None = None) -> RawDataset:
    """Read a whole dataset from a folder, a zip or a single file.

    Args:
        source: the files.
        format: "coco", "yolo", "voc", "csv", or None to detect it (see `detect_format`).
        sizes: {image name: (width, height)} overriding sizes files, or None.
        sizes_name: the sizes' file name for messages.
        class_names: YOLO: names of class indices; VOC/CSV: the allowed class names. Ignored for COCO.
        annotation_file: COCO/CSV: which file to read when there are several.

    Raises:
        AnchorVizInputError: see the format readers; an unknown format; a zip without the expected layout.
    """
    fmt = detect_format(source) if format is None else format
    if fmt not in DATASET_FORMATS:
        raise AnchorVizInputError(f"format: expected one of {', '.join(DATASET_FORMATS)}, got {format!r}")
    if fmt == "coco":
        path = _pick(source, ".json", "COCO .json", annotation_file,
                     lambda f: PurePosixPath(f).name.startswith(("instances", "_annotations")))
        data = source.read(path)
        label = path if isinstance(source, SingleFileSource) or path == source.name else f"{source.name}: {path}"
        return parse_coco_dataset(data, name=label)
    if fmt == "csv":
        path = _pick(source, ".csv", "CSV", annotation_file, lambda f: "annotation" in PurePosixPath(f).name.lower())
        szs, szname = _sizes_from_source(source, sizes, sizes_name)
        return parse_csv_dataset(_text(source, path), name=path, sizes=szs, sizes_name=szname, source=source,
                                 class_names=class_names)
    if fmt == "voc":
        return _read_voc(source, sizes=sizes, sizes_name=sizes_name, class_names=class_names)
    return _read_yolo(source, sizes=sizes, sizes_name=sizes_name, class_names=class_names)
