"""Ground-truth boxes of one image, and the checks every annotation parser shares.

All parsers (COCO, YOLO, Pascal VOC, CSV) convert their records to xyxy pixels and then call
`build_ground_truth`, which applies the same rules everywhere:

* more than `MAX_GT_BOXES` boxes -> `AnchorVizInputError` saying how many arrived and the limit;
* when the image size is known, a box reaching more than `BOX_TOLERANCE_PX` pixels outside the image
  -> error naming the record, the box and the image size; a box within the tolerance is clipped to the
  image and counted in `ParseReport.n_clipped`;
* zero-width or zero-height boxes (after clipping) are DROPPED and counted in
  `ParseReport.n_degenerate_dropped` (they cannot overlap any anchor, and real datasets do contain a
  few); inverted boxes (x2 < x1 or y2 < y1) are errors.

Nothing is dropped silently: every `GroundTruth` coming out of a parser carries a `ParseReport`
whose `notes` the app can show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from anchorviz.core.boxes import as_boxes
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.parse_report import BOX_TOLERANCE_PX, ParseReport

__all__ = [
    "BOX_TOLERANCE_PX",
    "MAX_GT_BOXES",
    "GroundTruth",
    "ParseReport",
    "as_image_wh",
    "build_ground_truth",
    "check_box_count",
    "check_inside_image",
    "same_image",
]

#: Most ground-truth boxes accepted for one image (COCO's busiest image has under 100).
MAX_GT_BOXES = 2000


@dataclass(frozen=True, kw_only=True, eq=False)
class GroundTruth:
    """The ground-truth boxes of one image.

    Attributes:
        boxes: float64 (N, 4) xyxy pixels, y down; read-only copy; every box has positive width and height.
        labels: int64 (N,) index into ``class_names``; read-only copy.
        class_names: the class names, unique; may list classes that no box uses (e.g. all COCO categories).
        report: how the boxes were read from a file, or None for boxes made in code. It describes the
            original parse and is carried over unchanged by `with_boxes`, `append` and `drop`.

    Equality compares boxes, labels and class_names (not the report). Instances are not hashable.

    Raises:
        AnchorVizInputError: wrong shapes, NaN/inf, inverted or zero-size boxes, labels that are not
            whole numbers in range, non-string or duplicate class names, more than `MAX_GT_BOXES` boxes.
    """

    boxes: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    report: ParseReport | None = field(default=None)

    def __post_init__(self) -> None:
        names = _as_class_names(self.class_names)
        boxes = as_boxes(self.boxes, name="ground-truth boxes", allow_degenerate=False)
        labels = _as_labels(self.labels, n_classes=len(names))
        if labels.shape[0] != boxes.shape[0]:
            raise AnchorVizInputError(
                f"ground truth: expected one label per box, got {boxes.shape[0]} boxes and {labels.shape[0]} labels"
            )
        check_box_count(boxes.shape[0], name="ground truth")
        if self.report is not None and not isinstance(self.report, ParseReport):
            raise AnchorVizInputError(f"report: expected a ParseReport or None, got {type(self.report).__name__}")
        boxes.setflags(write=False)
        labels.setflags(write=False)
        object.__setattr__(self, "boxes", boxes)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "class_names", names)

    # -- constructors / helpers -------------------------------------------------------------------

    @classmethod
    def empty(cls, class_names: Sequence[str] = ()) -> GroundTruth:
        """No boxes: boxes (0, 4), labels (0,)."""
        return cls(boxes=np.zeros((0, 4)), labels=np.zeros(0, dtype=np.int64), class_names=tuple(class_names))

    def __len__(self) -> int:
        return int(self.boxes.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GroundTruth):
            return NotImplemented
        return (
            self.class_names == other.class_names
            and np.array_equal(self.boxes, other.boxes)
            and np.array_equal(self.labels, other.labels)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        src = f", source={self.report.source!r}" if self.report is not None else ""
        return f"GroundTruth({len(self)} boxes, {len(self.class_names)} classes{src})"

    @property
    def label_names(self) -> tuple[str, ...]:
        """The class name of each box, (N,)."""
        return tuple(self.class_names[i] for i in self.labels.tolist())

    def with_boxes(self, boxes, labels=None) -> GroundTruth:
        """A new GroundTruth with other boxes (N', 4); labels (N',) default to the current ones (N' must equal N)."""
        if labels is None:
            labels = self.labels
        return GroundTruth(boxes=boxes, labels=labels, class_names=self.class_names, report=self.report)

    def append(self, boxes, labels) -> GroundTruth:
        """A new GroundTruth with boxes (M, 4) and their labels (M,) added after the current ones."""
        new_boxes = as_boxes(boxes, name="boxes to append", allow_degenerate=False)
        new_labels = _as_labels(labels, n_classes=len(self.class_names))
        if new_labels.shape[0] != new_boxes.shape[0]:
            raise AnchorVizInputError(
                f"boxes to append: expected one label per box, got {new_boxes.shape[0]} boxes and "
                f"{new_labels.shape[0]} labels"
            )
        return GroundTruth(
            boxes=np.concatenate([self.boxes, new_boxes]),
            labels=np.concatenate([self.labels, new_labels]),
            class_names=self.class_names,
            report=self.report,
        )

    def drop(self, indices) -> GroundTruth:
        """A new GroundTruth without the boxes at ``indices`` (ints in [0, N) or a bool mask of shape (N,))."""
        n = len(self)
        idx = np.asarray(indices)
        if idx.dtype == bool:
            if idx.shape != (n,):
                raise AnchorVizInputError(f"drop: expected a boolean mask of shape ({n},), got shape {idx.shape}")
            keep = ~idx
        else:
            if idx.size and (idx.dtype.kind not in "iu" or idx.ndim > 1):
                raise AnchorVizInputError(f"drop: expected box indices (whole numbers), got {indices!r}")
            idx = idx.astype(np.int64).reshape(-1)
            bad = (idx < 0) | (idx >= n)
            if bad.any():
                raise AnchorVizInputError(
                    f"drop: box index {int(idx[bad][0])} is out of range for {n} boxes (expected 0..{n - 1})"
                )
            keep = np.ones(n, dtype=bool)
            keep[idx] = False
        return GroundTruth(
            boxes=self.boxes[keep], labels=self.labels[keep], class_names=self.class_names, report=self.report
        )


# --------------------------------------------------------------------------------------------------
# shared checks


def as_image_wh(image_wh, *, name: str) -> tuple[float, float]:
    """Validate an image size given as (width, height) > 0; returns floats."""
    try:
        w, h = image_wh
        w = float(w)
        h = float(h)
    except (TypeError, ValueError) as e:
        raise AnchorVizInputError(f"{name}: expected the image size as (width, height), got {image_wh!r}") from e
    if not (np.isfinite(w) and np.isfinite(h) and w > 0 and h > 0):
        raise AnchorVizInputError(f"{name}: expected a positive image size (width, height), got {image_wh!r}")
    return w, h


def same_image(ref: str, image_name: str, *, by_stem: bool = True) -> bool:
    """Whether a file's reference to an image (a path, a VOC ``<filename>``) names the image ``image_name``:
    the same base name (folders ignored, either slash), or with ``by_stem`` the same name without its extension
    (a photo converted from .png to .jpg is still that photo)."""
    a = ref.replace("\\", "/").rsplit("/", 1)[-1]
    b = image_name.replace("\\", "/").rsplit("/", 1)[-1]
    if a == b:
        return True
    return by_stem and a.rsplit(".", 1)[0] == b.rsplit(".", 1)[0] and bool(a.rsplit(".", 1)[0])


def check_box_count(n: int, *, name: str) -> None:
    """Refuse more than `MAX_GT_BOXES` boxes for one image."""
    if n > MAX_GT_BOXES:
        raise AnchorVizInputError(
            f"{name}: {n:,} ground-truth boxes arrived for one image; the limit is {MAX_GT_BOXES:,}"
        )


def check_inside_image(
    boxes: np.ndarray, image_wh, *, name: str, where: Sequence[str] | None = None
) -> tuple[np.ndarray, int]:
    """Refuse boxes reaching more than `BOX_TOLERANCE_PX` outside the image, clip the others.

    Args:
        boxes: float64 (N, 4) xyxy pixels (not modified).
        image_wh: (width, height) of the image.
        name: file name for messages.
        where: (N,) description of each box's record (e.g. "line 3"), for messages.

    Returns:
        (clipped boxes (N, 4) as a new array, number of boxes that clipping changed).
    """
    w, h = as_image_wh(image_wh, name=name)
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    tol = BOX_TOLERANCE_PX
    outside = (b[:, 0] < -tol) | (b[:, 1] < -tol) | (b[:, 2] > w + tol) | (b[:, 3] > h + tol)
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        loc = where[i] if where is not None else f"box {i}"
        more = int(outside.sum()) - 1
        also = f" ({_plural(more, 'other box', 'other boxes')} too)" if more else ""
        raise AnchorVizInputError(
            f"{name}, {loc}: box [x1, y1, x2, y2] = [{_fmt_box(b[i])}] lies outside the {w:g}×{h:g} image "
            f"(expected 0 <= x <= {w:g}, 0 <= y <= {h:g}, {tol:g} px tolerance){also}"
        )
    out = b.copy()
    np.clip(out[:, 0::2], 0.0, w, out=out[:, 0::2])
    np.clip(out[:, 1::2], 0.0, h, out=out[:, 1::2])
    n_clipped = int((out != b).any(axis=1).sum())
    return out, n_clipped


def build_ground_truth(
    boxes,
    labels,
    class_names: Sequence[str],
    *,
    name: str,
    fmt: str,
    where: Sequence[str],
    image_wh=None,
    n_records: int | None = None,
    n_crowd_dropped: int = 0,
    image: str = "",
    empty_reason: str = "empty_file",
) -> GroundTruth:
    """The common end of every parser: count limit, inside-image check, degenerate drop, report.

    Args:
        boxes: (N, 4) xyxy pixels of the non-crowd records, in file order.
        labels: (N,) class indices into ``class_names``.
        class_names: class names.
        name: file name for messages.
        fmt: format tag for the report.
        where: (N,) description of each record for messages ("line 4", "annotation id 17", ...).
        image_wh: (width, height) or None to skip the inside-image check.
        n_records: records read including crowd ones (default N + n_crowd_dropped).
        n_crowd_dropped: crowd records already left out by the parser.
        image: the image the records belong to, as the file names it ("" when it names none).
        empty_reason: why there is no record when there is none ("empty_file": the file holds no box at all;
            "no_objects": it lists the image without objects). Records that were all left out give
            "all_left_out"; any kept box gives "".

    Returns:
        GroundTruth with a ParseReport.
    """
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    lab = np.asarray(labels, dtype=np.int64).reshape(-1)
    if lab.shape[0] != b.shape[0]:
        raise AnchorVizInputError(
            f"{name}: expected one label per box, got {b.shape[0]} boxes and {lab.shape[0]} labels"
        )
    check_box_count(b.shape[0], name=name)
    bad = ~np.isfinite(b).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AnchorVizInputError(f"{name}, {where[i]}: expected finite coordinates, got [{_fmt_box(b[i])}]")
    inverted = (b[:, 2] < b[:, 0]) | (b[:, 3] < b[:, 1])
    if inverted.any():
        i = int(np.flatnonzero(inverted)[0])
        raise AnchorVizInputError(
            f"{name}, {where[i]}: expected x1 <= x2 and y1 <= y2, got [x1, y1, x2, y2] = [{_fmt_box(b[i])}]"
        )
    clipped = np.zeros(b.shape[0], dtype=bool)
    if image_wh is not None:
        inside, _ = check_inside_image(b, image_wh, name=name, where=where)
        clipped = (inside != b).any(axis=1)
        b = inside
    flat = (b[:, 2] <= b[:, 0]) | (b[:, 3] <= b[:, 1])
    n_all = int(n_records if n_records is not None else b.shape[0] + n_crowd_dropped)
    report = ParseReport(
        source=name,
        format=fmt,
        n_records=n_all,
        n_crowd_dropped=int(n_crowd_dropped),
        n_degenerate_dropped=int(flat.sum()),
        n_clipped=int((clipped & ~flat).sum()),  # clipped boxes that were kept
        image=image,
        empty_reason="" if (~flat).any() else ("all_left_out" if n_all else empty_reason),
    )
    return GroundTruth(boxes=b[~flat], labels=lab[~flat], class_names=tuple(class_names), report=report)


# --------------------------------------------------------------------------------------------------
# internals


def _as_class_names(names) -> tuple[str, ...]:
    if isinstance(names, (str, bytes)):
        raise AnchorVizInputError(f"class_names: expected a sequence of names, got the single string {names!r}")
    try:
        out = tuple(names)
    except TypeError as e:
        raise AnchorVizInputError(f"class_names: expected a sequence of strings, got {type(names).__name__}") from e
    for i, n in enumerate(out):
        if not isinstance(n, str):
            raise AnchorVizInputError(f"class_names: expected strings, got {type(n).__name__} {n!r} at position {i}")
    if len(set(out)) != len(out):
        seen: set[str] = set()
        dup = next(n for n in out if n in seen or seen.add(n))
        raise AnchorVizInputError(f"class_names: expected unique names, got {dup!r} more than once")
    return out


def _as_labels(labels, *, n_classes: int) -> np.ndarray:
    arr = np.asarray(labels)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.ndim != 1:
        raise AnchorVizInputError(f"labels: expected shape (N,), got shape {arr.shape}")
    if arr.dtype.kind in "iu":
        out = arr.astype(np.int64)
    elif arr.dtype.kind == "f" and np.isfinite(arr).all() and (arr == np.round(arr)).all():
        out = arr.astype(np.int64)
    else:
        raise AnchorVizInputError(f"labels: expected whole-number class indices, got dtype {arr.dtype}")
    bad = (out < 0) | (out >= n_classes)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AnchorVizInputError(
            f"labels: label {int(out[i])} of box {i} is not a class index (expected 0..{n_classes - 1} "
            f"for {n_classes} class names)"
        )
    return out


def _fmt_box(b) -> str:
    return ", ".join(f"{float(v):g}" for v in b)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
