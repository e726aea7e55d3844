"""CSV boxes of one image, in two layouts.

Plain: one row "x1,y1,x2,y2[,label]" per box, xyxy pixel coordinates.

* A header row is optional: the first non-blank row is taken as a header when one of its first four
  fields is not a number (e.g. "xmin,ymin,xmax,ymax,class"). Its names are not interpreted: columns
  are always read by position.
* Blank rows are ignored. Every data row must have the same number of columns, 4 or 5.
* With a label column, each label is a class name; when ``class_names`` is given the labels must be
  among them (a whole number in range is also accepted as an index into them). Without
  ``class_names`` the names are the distinct labels, sorted.
* Without a label column every box is class 0, named ``class_names[0]`` if given, else "object".

With an image column: keras-retinanet's ``path,x1,y1,x2,y2[,class_name]`` rows (no header; ``path,,,,,`` marks an
image without objects), or a header naming an image column and x1, y1, x2, y2 (the names the Dataset page reads:
``filename``, ``xmin``, ...). Such a file lists many images: the rows whose image has the chosen image's file name
(matched by base name, else by name without extension) are its boxes; a file without a row for it is an error
naming the image and the images it lists. Class names are the distinct labels of the whole file, so every image of
one file gets the same classes.

Rows are numbered as a spreadsheet would show them (the first line of the file is row 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.dataset_readers.csv import _CSV_ALIASES
from anchorviz.io.groundtruth import MAX_GT_BOXES, GroundTruth, build_ground_truth, check_box_count, same_image

__all__ = ["DEFAULT_CSV_CLASS", "parse_csv"]

DEFAULT_CSV_CLASS = "object"
_COLUMNS = ("x1", "y1", "x2", "y2")
_SHOW_IMAGES = 5


def parse_csv(
    text: str, *, name: str, image_wh=None, class_names: Sequence[str] | None = None, image_name: str | None = None
) -> GroundTruth:
    """Parse CSV boxes.

    Args:
        text: the file's text.
        name: file name for messages.
        image_wh: (width, height) of the image to check boxes against, or None to skip that check.
        class_names: the allowed class names (see the module docstring), or None.
        image_name: the image's file name: picks its rows from a file with an image column (None: the file must
            list one image).

    Returns:
        GroundTruth with boxes (N, 4) xyxy pixels, labels (N,), and a ParseReport.

    Raises:
        AnchorVizInputError: naming the row: wrong column count, a non-numeric or NaN/inf coordinate,
            x2 < x1 or y2 < y1, an empty or unknown label, unreadable CSV; a box outside the image;
            more than MAX_GT_BOXES rows; no row for the image (the message lists the file's images).
    """
    if not isinstance(text, str):
        raise AnchorVizInputError(f"{name}: expected the CSV file's text, got {type(text).__name__}")
    names = None if class_names is None else tuple(class_names)
    rows = _rows(text, name=name)
    cols = _image_columns(rows)
    if cols is None:
        return _parse_plain(rows, name=name, image_wh=image_wh, names=names)
    return _parse_with_images(rows, cols, name=name, image_wh=image_wh, names=names, image_name=image_name)


def _rows(text: str, *, name: str) -> list[tuple[int, list[str]]]:
    """(row number, stripped fields) of every non-blank row."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    out = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return out
        except csv.Error as e:
            raise AnchorVizInputError(f"{name}, row {reader.line_num}: unreadable CSV ({e})") from None
        fields = [f.strip() for f in row]
        if any(fields):
            out.append((reader.line_num, fields))


def _image_columns(rows) -> tuple[dict[str, int], bool] | None:
    """({column: index}, header row present) for a layout with an image column, None for the plain layout."""
    if not rows or _is_numeric_row(rows[0][1]):
        return None
    first = rows[0][1]
    coords = first[1:5]
    if len(first) in (5, 6) and (_is_numeric_row(coords) or not any(coords)):  # keras-retinanet, no header
        cols = {"image": 0, "x1": 1, "y1": 2, "x2": 3, "y2": 4}
        return ({**cols, "label": 5} if len(first) == 6 else cols), False
    low = [f.lower() for f in first]
    named = {k: next((low.index(a) for a in al if a in low), None) for k, al in _CSV_ALIASES.items()
             if k in ("image", "label", *_COLUMNS)}
    if all(named[k] is not None for k in ("image", *_COLUMNS)):
        return {k: v for k, v in named.items() if v is not None}, True
    return None


def _parse_plain(rows, *, name: str, image_wh, names) -> GroundTruth:
    n_columns: int | None = None  # set by the header or the first data row
    width_from = ""  # which row set it, for messages
    coords: list[list[float]] = []
    labels_raw: list[str] = []
    where: list[str] = []
    n_rows = 0
    for rowno, fields in rows:
        if n_columns is None and not _is_numeric_row(fields):  # the first non-blank row is a header
            _check_width(len(fields), name=name, loc=f"row {rowno} (header)", fields=fields)
            n_columns, width_from = len(fields), "the header"
            continue
        n_rows += 1
        if n_rows > MAX_GT_BOXES:
            continue  # only count the rest, to say how many arrived
        loc = f"row {rowno}"
        if n_columns is None:
            _check_width(len(fields), name=name, loc=loc, fields=fields)
            n_columns, width_from = len(fields), loc
        elif len(fields) != n_columns:
            raise AnchorVizInputError(
                f"{name}, {loc}: expected {n_columns} columns like {width_from}, got {len(fields)}: {_show(fields)}"
            )
        coords.append(_box(fields[:4], name=name, loc=loc))
        if n_columns == 5:
            labels_raw.append(_label(fields[4], name=name, loc=loc, what="the label (5th column)"))
        where.append(loc)
    check_box_count(n_rows, name=name)
    boxes = np.array(coords, dtype=np.float64).reshape(-1, 4)
    if n_columns == 5:
        labels, names = _labels_from_names(labels_raw, names, name=name, where=where)
    else:
        if names is not None and not names and coords:
            raise AnchorVizInputError(f"{name}: class_names is empty; expected at least one name for unlabelled boxes")
        names = names if names is not None else (DEFAULT_CSV_CLASS,)
        labels = np.zeros(len(coords), dtype=np.int64)
    return build_ground_truth(boxes, labels, names, name=name, fmt="csv", where=where, image_wh=image_wh)


def _parse_with_images(rows, layout, *, name: str, image_wh, names, image_name: str | None) -> GroundTruth:
    cols, header = layout
    body = rows[1:] if header else rows
    width = len(rows[0][1])
    images: list[str] = []
    for rowno, fields in body:
        if len(fields) != width:
            raise AnchorVizInputError(f"{name}, row {rowno}: expected {width} columns like row {rows[0][0]}, "
                                      f"got {len(fields)}: {_show(fields)}")
        if not fields[cols["image"]]:
            raise AnchorVizInputError(f"{name}, row {rowno}: the image path is empty")
        if fields[cols["image"]] not in images:
            images.append(fields[cols["image"]])
    chosen = _choose_image(images, image_name, name=name)
    coords, labels_raw, where = [], [], []
    all_labels: set[str] = set()
    n_rows = 0
    for rowno, fields in body:
        values = [fields[cols[k]] for k in _COLUMNS]
        label = fields[cols["label"]] if "label" in cols else None
        if not any(values):
            continue  # 'path,,,,,': an image without objects
        if label is not None:
            all_labels.add(_label(label, name=name, loc=f"row {rowno}", what="the label"))
        if fields[cols["image"]] != chosen:
            continue
        n_rows += 1
        if n_rows > MAX_GT_BOXES:
            continue
        loc = f"row {rowno}"
        coords.append(_box(values, name=name, loc=loc))
        if label is not None:
            labels_raw.append(label)
        where.append(loc)
    check_box_count(n_rows, name=name)
    boxes = np.array(coords, dtype=np.float64).reshape(-1, 4)
    if "label" in cols:
        labels, names = _labels_from_names(labels_raw, names if names is not None else tuple(sorted(all_labels)),
                                           name=name, where=where)
    else:
        names = names if names is not None else (DEFAULT_CSV_CLASS,)
        labels = np.zeros(len(coords), dtype=np.int64)
    return build_ground_truth(boxes, labels, names, name=name, fmt="csv", where=where, image_wh=image_wh,
                              image=chosen, empty_reason="no_objects")


def _choose_image(images: list[str], image_name: str | None, *, name: str) -> str:
    if not images:
        raise AnchorVizInputError(f"{name}: the file has an image column but no data row")
    if image_name is None:
        if len(images) == 1:
            return images[0]
        raise AnchorVizInputError(f"{name}: lists {len(images)} images ({_few(images, _SHOW_IMAGES)}); expected the "
                                  "image whose rows to read")
    for exact in (True, False):
        hits = [im for im in images if same_image(im, image_name, by_stem=not exact)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise AnchorVizInputError(f"{name}: {len(hits)} images match {image_name!r} ({_few(hits, _SHOW_IMAGES)}); "
                                      "expected one")
    raise AnchorVizInputError(
        f"{name}: no row for image {image_name!r} (rows are matched by the file name in the image column); the file "
        f"lists {len(images)} image{'s' if len(images) != 1 else ''}: {_few(images, _SHOW_IMAGES)}")


def _box(values: list[str], *, name: str, loc: str) -> list[float]:
    x1, y1, x2, y2 = (_parse_coord(v, col, name=name, loc=loc) for v, col in zip(values, _COLUMNS))
    if x2 < x1:
        raise AnchorVizInputError(f"{name}, {loc}: expected x2 >= x1, got x1 = {x1:g}, x2 = {x2:g}")
    if y2 < y1:
        raise AnchorVizInputError(f"{name}, {loc}: expected y2 >= y1, got y1 = {y1:g}, y2 = {y2:g}")
    return [x1, y1, x2, y2]


def _label(text: str, *, name: str, loc: str, what: str) -> str:
    if not text:
        raise AnchorVizInputError(f"{name}, {loc}: {what} is empty")
    if "\n" in text or "\r" in text:
        raise AnchorVizInputError(
            f"{name}, {loc}: the label spans several lines ({_show([text])}); an unbalanced "
            f'double quote (") would swallow the rows after it'
        )
    return text


def _is_numeric_row(fields: list[str]) -> bool:
    for v in fields[:4]:
        try:
            float(v)
        except ValueError:
            return False
    return True


def _check_width(n: int, *, name: str, loc: str, fields: list[str]) -> None:
    if n not in (4, 5):
        raise AnchorVizInputError(
            f"{name}, {loc}: expected 4 or 5 columns 'x1,y1,x2,y2[,label]', got {n}: {_show(fields)} (or an image "
            f"column first: 'path,x1,y1,x2,y2[,class]')"
        )


def _parse_coord(v: str, col: str, *, name: str, loc: str) -> float:
    try:
        x = float(v)
    except ValueError:
        raise AnchorVizInputError(f"{name}, {loc}: {col} is not a number: {v!r}") from None
    if not np.isfinite(x):
        raise AnchorVizInputError(f"{name}, {loc}: {col} must be a finite number, got {v!r}")
    return x


def _labels_from_names(
    raw: list[str], names: tuple[str, ...] | None, *, name: str, where: list[str]
) -> tuple[np.ndarray, tuple[str, ...]]:
    if names is None:
        names = tuple(sorted(set(raw)))
    index = {n: i for i, n in enumerate(names)}
    out = np.empty(len(raw), dtype=np.int64)
    for k, label in enumerate(raw):
        i = index.get(label)
        if i is None and label.isascii() and label.isdigit() and int(label) < len(names):
            i = int(label)
        if i is None:
            raise AnchorVizInputError(
                f"{name}, {where[k]}: label {label!r} is not one of the class names ({_few(names)})"
            )
        out[k] = i
    return out, names


def _few(names: Sequence[str], n: int = 8) -> str:
    shown = ", ".join(repr(x) for x in names[:n])
    return shown + (f", ... {len(names) - n} more" if len(names) > n else "") if names else "none given"


def _show(fields, n: int = 80) -> str:
    text = ",".join(fields)
    return repr(text if len(text) <= n else text[: n - 3] + "...")
