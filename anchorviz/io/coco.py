"""One image's boxes from a COCO instances file (``instances_*.json``), and COCO export.

A COCO file describes many images; `coco_images` lists them and `parse_coco` returns the boxes of
one, chosen by image id or file name. ``bbox`` is [x, y, width, height] in pixels and becomes xyxy.
Crowd regions (``iscrowd`` = 1) are not single objects: they are left out and counted in the report.
Class names come from ``categories`` ordered by category id, so labels are the same for every image
of a file (``class_names`` lists all categories, used or not). The file is decoded, checked and indexed by
``anchorviz.io.coco_file``; every call does that for the whole file, so callers showing many images of one big
file should cache the decoded dict and pass it in.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from pycocotools.coco import COCO

from anchorviz.core.boxes import xywh_to_xyxy, xyxy_to_xywh
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.coco_file import _build_index, _category_names, _few, _int_field, _short, load_coco_dataset
from anchorviz.io.groundtruth import GroundTruth, as_image_wh, build_ground_truth, check_box_count

__all__ = ["CocoImage", "coco_images", "load_coco_dataset", "parse_coco", "to_coco_json"]

_SHOW_NAMES = 5


@dataclass(frozen=True, kw_only=True)
class CocoImage:
    """One entry of a COCO file's ``images`` list.

    Attributes:
        id: the image id annotations refer to.
        file_name: as written in the file (may include folders).
        width: pixels, as recorded in the file.
        height: pixels, as recorded in the file.
    """

    id: int
    file_name: str
    width: int
    height: int


def coco_images(data: bytes | str | Mapping, *, name: str) -> list[CocoImage]:
    """The images a COCO file describes, in file order.

    Args:
        data: COCO JSON bytes/text or the decoded dict (not modified).
        name: file name for messages.

    Returns:
        list of CocoImage (empty when the file lists no images).

    Raises:
        AnchorVizInputError: see `load_coco_dataset`; an image without a file_name or a positive
            whole-number width/height.
    """
    ds = load_coco_dataset(data, name=name)
    return [_coco_image(img, name=name, loc=f"images[{i}]") for i, img in enumerate(ds["images"])]


def parse_coco(
    data: bytes | str | Mapping, *, name: str, image: int | str | None = None, image_wh=None
) -> GroundTruth:
    """The ground-truth boxes of one image of a COCO file.

    Args:
        data: COCO JSON bytes/text or the decoded dict (not modified).
        name: file name for messages.
        image: the image id (int), or its file name (str; matched exactly, else by base name, so
            "000000000009.jpg" finds "train2017/000000000009.jpg"). None is allowed only when the file
            describes exactly one image.
        image_wh: (width, height) of the loaded image; when given it must equal the size recorded in the
            file (a swap usually means the photo's EXIF rotation was applied, see `load_image`).
            Boxes are always checked against the recorded size.

    Returns:
        GroundTruth with boxes (N, 4) xyxy pixels, labels (N,) indexing ``class_names`` = all category
        names ordered by category id, and a ParseReport counting the crowd regions left out.

    Raises:
        AnchorVizInputError: see `load_coco_dataset`; the image is missing (the message lists a few
            available names) or ambiguous; an annotation with a malformed bbox or an unknown category;
            duplicate category ids or names; a box outside the image; more than MAX_GT_BOXES boxes.
    """
    ds = load_coco_dataset(data, name=name)
    coco = _build_index(ds, name=name)
    img = _choose_image(coco, ds["images"], image, name=name)
    info = _coco_image(img, name=name, loc=f"image id {img['id']}")
    if image_wh is not None:
        w, h = as_image_wh(image_wh, name=name)
        if (w, h) != (info.width, info.height):
            swapped = " (width and height swapped: was the photo's EXIF rotation applied?)" if (h, w) == (
                info.width,
                info.height,
            ) else ""
            raise AnchorVizInputError(
                f"{name}: image {info.file_name!r} is recorded as {info.width}×{info.height} but the loaded image "
                f"is {w:g}×{h:g}{swapped}; expected the same size"
            )

    cats = sorted(coco.loadCats(coco.getCatIds()), key=lambda c: c["id"])
    class_names = _category_names(cats, name=name)
    cat_index = {c["id"]: i for i, c in enumerate(cats)}

    anns = coco.loadAnns(coco.getAnnIds(imgIds=[img["id"]], iscrowd=None))
    anns.sort(key=lambda a: a["id"])  # the fresh ids are positions in the file
    if not anns:
        _check_not_misnumbered(ds, coco, info, name=name)
    n_crowd = sum(1 for a in anns if _is_crowd(a))
    check_box_count(len(anns) - n_crowd, name=f"{name} (image {info.file_name!r})")
    xywh: list[list[float]] = []
    labels: list[int] = []
    where: list[str] = []
    for ann in anns:
        if _is_crowd(ann):
            continue
        loc = _ann_loc(ann)
        xywh.append(_bbox(ann, name=name, loc=loc))
        cat = ann["category_id"]
        if cat not in cat_index:
            raise AnchorVizInputError(
                f"{name}, {loc}: category_id {cat} is not among the categories (ids {_few(sorted(cat_index))})"
            )
        labels.append(cat_index[cat])
        where.append(loc)
    boxes = xywh_to_xyxy(np.array(xywh, dtype=np.float64).reshape(-1, 4))
    return build_ground_truth(
        boxes,
        np.array(labels, dtype=np.int64),
        class_names,
        name=name,
        fmt="coco",
        where=where,
        image_wh=(info.width, info.height),
        n_records=len(anns),
        n_crowd_dropped=n_crowd,
        image=info.file_name,
        empty_reason="no_objects" if ds["annotations"] else "empty_file",
    )


def _check_not_misnumbered(ds: Mapping, coco: COCO, info: CocoImage, *, name: str) -> None:
    """No annotation refers to the chosen image: refuse when the file's annotations point at image ids its
    ``images`` list does not have (a renumbered or merged file: the boxes exist but their link is broken), so the
    image is not shown as one without objects."""
    orphans: dict[int, int] = {}
    for ann in ds["annotations"]:
        if ann["image_id"] not in coco.imgs:
            orphans[ann["image_id"]] = orphans.get(ann["image_id"], 0) + 1
    if not orphans:
        return
    n = sum(orphans.values())
    ids = sorted(orphans)
    raise AnchorVizInputError(
        f"{name}: no annotation refers to image id {info.id} ({info.file_name!r}); {n} of the file's "
        f"{len(ds['annotations'])} annotations refer to image id{'s' if len(ids) > 1 else ''} {_few(ids, _SHOW_NAMES)}, "
        f"which its images list does not have (it lists ids {_few(sorted(coco.imgs), _SHOW_NAMES)}); expected the "
        f"annotations' image_id to be the image's id"
    )


def to_coco_json(gt: GroundTruth, *, image_name: str, image_wh, image_id: int = 1) -> str:
    """Write one image's ground truth as a COCO instances file that `parse_coco` reads back unchanged.

    Categories get ids 1..K in ``class_names`` order; annotations get ids 1..N, ``iscrowd`` 0,
    ``area`` = w * h and a rectangular polygon as ``segmentation`` (some tools require one).

    Args:
        gt: the boxes.
        image_name: ``file_name`` of the image entry.
        image_wh: (width, height) recorded for the image (whole numbers, as COCO expects).
        image_id: id of the image entry.

    Returns:
        JSON text.
    """
    w, h = as_image_wh(image_wh, name="COCO export")
    if w != int(w) or h != int(h):
        raise AnchorVizInputError(f"COCO export: expected whole-number image width and height, got {image_wh!r}")
    if isinstance(image_id, bool) or not isinstance(image_id, (int, np.integer)):
        raise AnchorVizInputError(f"COCO export: expected a whole-number image_id, got {image_id!r}")
    xywh = xyxy_to_xywh(gt.boxes)
    annotations = []
    for k, (box, b_xywh, label) in enumerate(zip(gt.boxes.tolist(), xywh.tolist(), gt.labels.tolist()), start=1):
        x1, y1, x2, y2 = box
        annotations.append(
            {
                "id": k,
                "image_id": int(image_id),
                "category_id": int(label) + 1,
                "bbox": b_xywh,
                "area": b_xywh[2] * b_xywh[3],
                "iscrowd": 0,
                "segmentation": [[x1, y1, x2, y1, x2, y2, x1, y2]],
            }
        )
    dataset = {
        "info": {"description": "ground truth exported by anchorviz"},
        "licenses": [],
        "images": [{"id": int(image_id), "file_name": str(image_name), "width": int(w), "height": int(h)}],
        "annotations": annotations,
        "categories": [{"id": i + 1, "name": n, "supercategory": ""} for i, n in enumerate(gt.class_names)],
    }
    return json.dumps(dataset, allow_nan=False)


def _choose_image(coco: COCO, images: list, image, *, name: str) -> Mapping:
    if image is None:
        if len(images) == 1:
            return images[0]
        raise AnchorVizInputError(
            f"{name}: describes {len(images)} images; expected the image to be chosen by id or file name "
            f"(e.g. {_few([img.get('file_name', img['id']) for img in images], _SHOW_NAMES)})"
        )
    if isinstance(image, bool) or not isinstance(image, (int, np.integer, str)):
        raise AnchorVizInputError(f"{name}: expected the image as an id (int) or a file name (str), got {image!r}")
    if not isinstance(image, str):
        found = coco.imgs.get(int(image))
        if found is None:
            raise AnchorVizInputError(
                f"{name}: no image with id {int(image)} among {len(images)} images "
                f"(ids: {_few(sorted(coco.imgs), _SHOW_NAMES)})"
            )
        return found
    matches = [img for img in images if img.get("file_name") == image]
    if not matches:
        base = _basename(image)
        matches = [
            img for img in images if isinstance(img.get("file_name"), str) and _basename(img["file_name"]) == base
        ]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise AnchorVizInputError(
            f"{name}: {len(matches)} images are named {image!r} (ids {_few([m['id'] for m in matches])}); "
            f"expected one; choose it by id"
        )
    names = [img.get("file_name") for img in images if isinstance(img.get("file_name"), str)]
    raise AnchorVizInputError(
        f"{name}: no image named {image!r} among {len(images)} images (available: {_few(names, _SHOW_NAMES)})"
    )


def _coco_image(img: Mapping, *, name: str, loc: str) -> CocoImage:
    file_name = img.get("file_name")
    if not isinstance(file_name, str) or not file_name:
        raise AnchorVizInputError(f"{name}, {loc}: expected a non-empty 'file_name' string, got {file_name!r}")
    width = _int_field(img, "width", name=name, loc=loc)
    height = _int_field(img, "height", name=name, loc=loc)
    if width <= 0 or height <= 0:
        raise AnchorVizInputError(f"{name}, {loc}: expected a positive width and height, got {width}×{height}")
    return CocoImage(id=int(img["id"]), file_name=file_name, width=width, height=height)


def _bbox(ann: Mapping, *, name: str, loc: str) -> list[float]:
    bbox = ann.get("bbox")
    if not isinstance(bbox, (list, tuple)) or len(bbox) != 4:
        raise AnchorVizInputError(f"{name}, {loc}: expected 'bbox' as [x, y, width, height], got {_short(bbox)}")
    out = []
    for v in bbox:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise AnchorVizInputError(f"{name}, {loc}: expected 4 finite numbers in 'bbox', got {_short(bbox)}")
        out.append(float(v))
    if out[2] < 0 or out[3] < 0:
        raise AnchorVizInputError(f"{name}, {loc}: expected a non-negative bbox width and height, got {_short(bbox)}")
    return out


def _is_crowd(ann: Mapping) -> bool:
    return bool(ann.get("iscrowd", 0))


def _ann_loc(ann: Mapping) -> str:
    src = ann.get("_source_id")
    return f"annotation id {src}" if src is not None else f"annotations[{ann['id']}]"


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
