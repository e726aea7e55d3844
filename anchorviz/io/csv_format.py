"""Plain CSV boxes: one row "x1,y1,x2,y2[,label]" per box, xyxy pixel coordinates.

* A header row is optional: the first non-blank row is taken as a header when one of its first four
  fields is not a number (e.g. "xmin,ymin,xmax,ymax,class"). Its names are not interpreted: columns
  are always read by position.
* Blank rows are ignored. Every data row must have the same number of columns, 4 or 5.
* With a label column, each label is a class name; when ``class_names`` is given the labels must be
  among them (a whole number in range is also accepted as an index into them). Without
  ``class_names`` the names are the distinct labels, sorted.
* Without a label column every box is class 0, named ``class_names[0]`` if given, else "object".

Rows are numbered as a spreadsheet would show them (the first line of the file is row 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.groundtruth import MAX_GT_BOXES, GroundTruth, build_ground_truth, check_box_count

__all__ = ["DEFAULT_CSV_CLASS", "parse_csv"]

DEFAULT_CSV_CLASS = "object"
_COLUMNS = ("x1", "y1", "x2", "y2")


def parse_csv(
    text: str, *, name: str, image_wh=None, class_names: Sequence[str] | None = None
) -> GroundTruth:
    """Parse CSV boxes.

    Args:
        text: the file's text.
        name: file name for messages.
        image_wh: (width, height) of the image to check boxes against, or None to skip that check.
        class_names: the allowed class names (see the module docstring), or None.

    Returns:
        GroundTruth with boxes (N, 4) xyxy pixels, labels (N,), and a ParseReport.

    Raises:
        AnchorVizInputError: naming the row: wrong column count, a non-numeric or NaN/inf coordinate,
            x2 < x1 or y2 < y1, an empty or unknown label, unreadable CSV; a box outside the image;
            more than MAX_GT_BOXES rows.
    """
    if not isinstance(text, str):
        raise AnchorVizInputError(f"{name}: expected the CSV file's text, got {type(text).__name__}")
    names = None if class_names is None else tuple(class_names)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))

    n_columns: int | None = None  # set by the header or the first data row
    width_from = ""  # which row set it, for messages
    coords: list[list[float]] = []
    labels_raw: list[str] = []
    where: list[str] = []
    n_rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise AnchorVizInputError(f"{name}, row {reader.line_num}: unreadable CSV ({e})") from None
        fields = [f.strip() for f in row]
        if not any(fields):
            continue
        rowno = reader.line_num
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
                f"{name}, {loc}: expected {n_columns} columns like {width_from}, got {len(fields)}: {_show(row)}"
            )
        coords.append([_parse_coord(v, col, name=name, loc=loc) for v, col in zip(fields[:4], _COLUMNS)])
        x1, y1, x2, y2 = coords[-1]
        if x2 < x1:
            raise AnchorVizInputError(f"{name}, {loc}: expected x2 >= x1, got x1 = {x1:g}, x2 = {x2:g}")
        if y2 < y1:
            raise AnchorVizInputError(f"{name}, {loc}: expected y2 >= y1, got y1 = {y1:g}, y2 = {y2:g}")
        if n_columns == 5:
            if not fields[4]:
                raise AnchorVizInputError(f"{name}, {loc}: the label (5th column) is empty")
            if "\n" in fields[4] or "\r" in fields[4]:
                raise AnchorVizInputError(
                    f"{name}, {loc}: the label spans several lines ({_show([fields[4]])}); an unbalanced "
                    f'double quote (") would swallow the rows after it'
                )
            labels_raw.append(fields[4])
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
            f"{name}, {loc}: expected 4 or 5 columns 'x1,y1,x2,y2[,label]', got {n}: {_show(fields)}"
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
