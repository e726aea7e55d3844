"""YOLO (Darknet / Ultralytics) label files: one line "class cx cy w h" per box, normalised to [0, 1].

Coordinates are the box centre and size divided by the image width (x, w) and height (y, h); pixel
boxes come back through the image size. Blank lines are ignored; an empty file means zero boxes.
Segmentation-style lines (a polygon after the class) and prediction files (a sixth confidence column)
are refused with a message saying so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from anchorviz.core.boxes import cxcywh_to_xyxy, xyxy_to_cxcywh
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.yaml_safe import parse_yaml
from anchorviz.io.groundtruth import (
    GroundTruth,
    as_image_wh,
    build_ground_truth,
    check_box_count,
    check_inside_image,
)

__all__ = ["CLASS_NAME_FILES", "parse_yolo", "to_yolo_txt", "xyxy_to_yolo", "yolo_class_names", "yolo_to_xyxy"]

#: Files that hold a YOLO dataset's class names, one per line (Darknet's obj.names, Ultralytics' classes.txt).
CLASS_NAME_FILES = ("classes.txt", "obj.names", "classes.names")

_FIELDS = ("cx", "cy", "w", "h")
_MAX_CLASS_INDEX = 100_000  # without class names, one name per index up to the largest is made


def yolo_to_xyxy(normalised, image_wh) -> np.ndarray:
    """Normalised YOLO (cx, cy, w, h) (N, 4) -> new float64 xyxy pixels (N, 4).

    Args:
        normalised: (N, 4) centre x, centre y, width, height divided by the image width/height.
        image_wh: (width, height) of the image in pixels.
    """
    w, h = as_image_wh(image_wh, name="image_wh")
    scale = np.array([w, h, w, h])
    return cxcywh_to_xyxy(np.asarray(normalised, dtype=np.float64).reshape(-1, 4)) * scale


def xyxy_to_yolo(boxes, image_wh) -> np.ndarray:
    """xyxy pixels (N, 4) -> new float64 normalised YOLO (cx, cy, w, h) (N, 4). Inverse of `yolo_to_xyxy`."""
    w, h = as_image_wh(image_wh, name="image_wh")
    scale = np.array([w, h, w, h])
    return xyxy_to_cxcywh(np.asarray(boxes, dtype=np.float64).reshape(-1, 4)) / scale


def parse_yolo(
    text: str, *, name: str, image_wh, class_names: Sequence[str] | None = None
) -> GroundTruth:
    """Parse a YOLO label file.

    Args:
        text: the file's text.
        name: file name for messages.
        image_wh: (width, height) of the image in pixels (YOLO files do not store it).
        class_names: names for class indices 0..K-1 (e.g. from ``classes.txt`` / ``data.yaml``); an index
            >= K is then an error. Without them the names are "0", "1", ... up to the largest index.

    Returns:
        GroundTruth with boxes (N, 4) xyxy pixels, labels (N,), and a ParseReport.

    Raises:
        AnchorVizInputError: a line without exactly 5 values, a non-numeric or NaN/inf value, a class that is
            not a non-negative whole number (or not in ``class_names``), a coordinate outside [0, 1],
            a box reaching outside the image, more than MAX_GT_BOXES lines.
    """
    if not isinstance(text, str):
        raise AnchorVizInputError(f"{name}: expected the YOLO file's text, got {type(text).__name__}")
    as_image_wh(image_wh, name=name)
    names = None if class_names is None else tuple(class_names)
    lines = text.removeprefix("\ufeff").splitlines()
    n_lines = sum(1 for line in lines if line.strip())
    check_box_count(n_lines, name=name)

    classes: list[int] = []
    values: list[list[float]] = []
    where: list[str] = []
    for lineno, line in enumerate(lines, start=1):
        tokens = line.split()
        if not tokens:
            continue
        loc = f"line {lineno}"
        if len(tokens) != 5:
            raise AnchorVizInputError(
                f"{name}, {loc}: expected 5 values 'class cx cy w h', got {len(tokens)}{_column_hint(len(tokens))}: "
                f"{_clip(line)!r}"
            )
        classes.append(_parse_class(tokens[0], name=name, loc=loc, names=names))
        values.append([_parse_coord(tok, field, name=name, loc=loc) for tok, field in zip(tokens[1:], _FIELDS)])
        where.append(loc)

    if names is None:
        names = tuple(str(i) for i in range(max(classes) + 1)) if classes else ()
    boxes = yolo_to_xyxy(np.array(values, dtype=np.float64).reshape(-1, 4), image_wh)
    return build_ground_truth(
        boxes, np.array(classes, dtype=np.int64), names, name=name, fmt="yolo", where=where, image_wh=image_wh
    )


def yolo_class_names(text: str, *, name: str) -> tuple[str, ...]:
    """The class names of a YOLO dataset, index by index, from the file that holds them.

    Args:
        text: the file's text: a ``data.yaml`` (``.yaml`` / ``.yml``: its ``names:``, a list or a mapping keyed
            0..K-1, read with the safe YAML loader) or a ``classes.txt`` / ``obj.names`` (one name per line,
            blank lines skipped).
        name: the file name (its extension tells YAML from a names list; used in messages).

    Raises:
        AnchorVizInputError: no names, a YAML without ``names:``, keys other than 0..K-1, a name used twice.
    """
    if not isinstance(text, str):
        raise AnchorVizInputError(f"{name}: expected the class-names file's text, got {type(text).__name__}")
    if name.lower().endswith((".yaml", ".yml")):
        doc = parse_yaml(text, name=name)
        if not isinstance(doc, dict) or "names" not in doc:
            raise AnchorVizInputError(f"{name}: expected a data.yaml with 'names:' (a list, or a mapping of class "
                                      "index to name)")
        names = doc["names"]
        if isinstance(names, dict):
            try:
                keyed = {int(k): v for k, v in names.items()}
            except (TypeError, ValueError):
                raise AnchorVizInputError(f"{name}: expected 'names' keyed by class index 0, 1, ...") from None
            if sorted(keyed) != list(range(len(keyed))):
                raise AnchorVizInputError(f"{name}: expected 'names' keyed 0..{len(keyed) - 1}, got keys "
                                          f"{sorted(keyed)[:8]}")
            names = [keyed[k] for k in range(len(keyed))]
        if not isinstance(names, list):
            raise AnchorVizInputError(f"{name}: expected 'names' to be a list or a mapping, got {type(names).__name__}")
        out = tuple(str(n) for n in names)
    else:
        out = tuple(line.strip() for line in text.removeprefix("\ufeff").splitlines() if line.strip())
    if not out:
        raise AnchorVizInputError(f"{name}: expected class names, found none")
    if len(set(out)) != len(out):
        dup = next(n for i, n in enumerate(out) if n in out[:i])
        raise AnchorVizInputError(f"{name}: the class name {dup!r} appears twice; expected one name per class index")
    return out


def to_yolo_txt(gt: GroundTruth, *, image_wh) -> str:
    """Write ground truth as a YOLO label file (one "class cx cy w h" line per box, shortest exact floats).

    Args:
        gt: the boxes; class indices are written as they are (class names go in a separate classes file).
        image_wh: (width, height) of the image in pixels.

    Raises:
        AnchorVizInputError: a box lies more than 1 px outside the image (closer ones are clipped).
    """
    boxes, _ = check_inside_image(gt.boxes, image_wh, name="YOLO export")
    norm = xyxy_to_yolo(boxes, image_wh)
    lines = [
        " ".join([str(int(c)), *(repr(float(v)) for v in row)]) for c, row in zip(gt.labels.tolist(), norm)
    ]
    return "".join(line + "\n" for line in lines)


def _parse_class(tok: str, *, name: str, loc: str, names: tuple[str, ...] | None) -> int:
    try:
        cls = int(tok)
    except ValueError:
        cls = None
    if cls is None or cls < 0:
        raise AnchorVizInputError(f"{name}, {loc}: expected the class as a whole number >= 0, got {tok!r}")
    if names is not None and cls >= len(names):
        raise AnchorVizInputError(
            f"{name}, {loc}: class {cls} is not in the {len(names)} class names given (expected 0..{len(names) - 1})"
        )
    if names is None and cls >= _MAX_CLASS_INDEX:
        raise AnchorVizInputError(f"{name}, {loc}: class {cls} is implausibly large (expected a small class index)")
    return cls


def _parse_coord(tok: str, field: str, *, name: str, loc: str) -> float:
    try:
        v = float(tok)
    except ValueError:
        raise AnchorVizInputError(f"{name}, {loc}: {field} is not a number: {tok!r}") from None
    if not np.isfinite(v):
        raise AnchorVizInputError(f"{name}, {loc}: {field} must be a finite number in [0, 1], got {tok!r}")
    if not 0.0 <= v <= 1.0:
        raise AnchorVizInputError(
            f"{name}, {loc}: {field} = {tok} is outside [0, 1]; YOLO coordinates are divided by the image "
            f"width/height (pixel coordinates? use the CSV format)"
        )
    return v


def _column_hint(n: int) -> str:
    if n == 6:
        return " (a sixth column looks like a prediction confidence; ground truth has none)"
    if n > 6 and (n - 1) % 2 == 0:
        return " (this looks like a YOLO segmentation polygon; expected a box)"
    return ""


def _clip(line: str, n: int = 80) -> str:
    return line if len(line) <= n else line[: n - 3] + "..."

