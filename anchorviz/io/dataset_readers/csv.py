"""A dataset CSV: keras-retinanet's ``path,x1,y1,x2,y2,class_name`` rows, or a header naming the columns."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import PurePosixPath

import numpy as np

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.archive import FileSource
from anchorviz.io.dataset_readers.raw import RawDataset, _cap_notes, _drop_notes, _few, _finish_boxes, _plural
from anchorviz.io.dataset_readers.sizes import _SizeLookup
from anchorviz.io.groundtruth import BOX_TOLERANCE_PX

__all__ = ["parse_csv_dataset"]


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
                raise AnchorVizInputError(f"{name}, row {line}: image {img!r} is {int(w)}×{int(h)} here but "
                                          f"{prev[0]}×{prev[1]} on an earlier row")
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
