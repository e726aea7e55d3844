"""A whole dataset's boxes as the detector sees them: after the train-time resize, in network-input pixels.

Anchor fit depends on the resize (a 40 px box in a 4000 px photo is a 6 px box at 640), so every box is
mapped through the same `ResizeSpec` the app uses, image by image (`anchorviz.core.resize.plan_resize`). Sizes
are computed once per distinct image size, so 1M boxes on 100k images map in milliseconds.

Loaders take a path (CLI) or bytes (app upload: a single file or a .zip of a folder), read through
`anchorviz.io.dataset_readers` (COCO, YOLO, Pascal VOC, CSV) and `anchorviz.io.archive` (safe zip reading).

>>> ds = dataset_from_arrays(boxes=[[10, 20, 50, 40]], image_index=[0], image_wh=[[200, 100]],
...                          resize=ResizeSpec(mode="letterbox", letterbox_size=400))
>>> ds.boxes.tolist(), ds.input_hw.tolist()
([[20.0, 140.0, 100.0, 180.0]], [[400, 400]])
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import numpy as np

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.archive import ArchiveLimits, SingleFileSource, ZipSource, is_zip, open_source
from anchorviz.io.dataset_readers.raw import DATASET_FORMATS, RawDataset, _finish_boxes, _take
from anchorviz.io.dataset_readers.sizes import parse_sizes
from anchorviz.io.dataset_readers.read import read_dataset
from anchorviz.core.resize import ResizeSpec, plan_resize

__all__ = ["BoxDataset", "DatasetReport", "DATASET_FORMATS", "build_dataset", "dataset_from_arrays",
           "load_dataset", "parse_dataset", "AS_IS"]

#: The photo as it is: no scaling, no padding.
AS_IS = ResizeSpec(mode="none", size_divisor=1)


@dataclass(frozen=True, kw_only=True)
class DatasetReport:
    """What was read, kept and left out.

    Attributes:
        source: file or folder name.
        format: "coco", "yolo", "voc", "csv" or "arrays".
        n_images: images in the dataset (with or without boxes).
        n_records: box records read, including those left out.
        n_kept: boxes in the dataset.
        n_crowd_dropped: COCO crowd regions left out.
        n_degenerate_dropped: zero-width or zero-height boxes left out.
        n_out_of_image: kept boxes that reached outside their image by at most 1 px and were clipped
            (farther ones are errors).
        n_empty_images: images without any kept box.
        resize: one line describing the train-time resize.
        notes: sentences per file / record about anything left out, ignored or changed.
    """

    source: str
    format: str
    n_images: int
    n_records: int
    n_kept: int
    n_crowd_dropped: int = 0
    n_degenerate_dropped: int = 0
    n_out_of_image: int = 0
    n_empty_images: int = 0
    resize: str = ""
    notes: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """A short human-readable summary, one sentence per line."""
        out = [f"{self.source} ({self.format}): {self.n_images:,} images, {self.n_kept:,} boxes kept "
               f"of {self.n_records:,} records"]
        def n(v: int, one: str, many: str) -> str:
            return f"{v:,} {one if v == 1 else many}"

        if self.n_crowd_dropped:
            out.append(f"{n(self.n_crowd_dropped, 'crowd region', 'crowd regions')} left out")
        if self.n_degenerate_dropped:
            out.append(f"{n(self.n_degenerate_dropped, 'zero-width/height box', 'zero-width/height boxes')} left out")
        if self.n_out_of_image:
            out.append(f"{n(self.n_out_of_image, 'box', 'boxes')} reaching up to 1 px outside the image clipped")
        if self.n_empty_images:
            out.append(f"{n(self.n_empty_images, 'image', 'images')} without boxes")
        if self.resize:
            out.append(self.resize)
        return out


def _readonly(a: np.ndarray) -> np.ndarray:
    v = a.view()
    v.setflags(write=False)
    return v


@dataclass(frozen=True, kw_only=True, eq=False)
class BoxDataset:
    """Every kept box of a dataset, in network-input pixels, with its image and label.

    Attributes:
        boxes: float64 (N, 4) xyxy in the network input of its image (after resize and padding), read-only.
        image_index: int64 (N,) row of the image tables each box belongs to, read-only.
        labels: int64 (N,) index into ``class_names``, read-only.
        class_names: class names.
        image_names: (I,) image names.
        image_hw: int64 (I, 2) original (height, width) of each image, read-only.
        input_hw: int64 (I, 2) network-input (height, width) of each image, read-only.
        resize: the ResizeSpec the boxes went through.
        report: what was read, kept and left out.

    Raises:
        AnchorVizInputError: arrays of inconsistent shapes, indices out of range, non-finite boxes.
    """

    boxes: np.ndarray
    image_index: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    image_names: tuple[str, ...]
    image_hw: np.ndarray
    input_hw: np.ndarray
    resize: ResizeSpec = AS_IS
    report: DatasetReport = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        boxes = np.asarray(self.boxes, dtype=np.float64)
        if boxes.ndim != 2 or boxes.shape[1] != 4:
            raise AnchorVizInputError(f"boxes: expected shape (N, 4) xyxy, got shape {boxes.shape}")
        n = len(boxes)
        img = np.asarray(self.image_index)
        lab = np.asarray(self.labels)
        ihw = np.asarray(self.image_hw)
        nhw = np.asarray(self.input_hw)
        for arr, what in ((img, "image_index"), (lab, "labels")):
            if arr.shape != (n,) or (n and arr.dtype.kind not in "iu"):
                raise AnchorVizInputError(f"{what}: expected {n} whole numbers (one per box), got {arr.dtype} {arr.shape}")
        names = tuple(self.image_names)
        ni = len(names)
        for arr, what in ((ihw, "image_hw"), (nhw, "input_hw")):
            if arr.shape != (ni, 2) or (ni and (arr.dtype.kind not in "iu" or (arr <= 0).any())):
                raise AnchorVizInputError(f"{what}: expected ({ni}, 2) positive whole numbers, got {arr.dtype} {arr.shape}")
        if n and (img.min() < 0 or img.max() >= ni):
            raise AnchorVizInputError(f"image_index: expected values in 0..{ni - 1}, got {int(img.min())}..{int(img.max())}")
        if n and (lab.min() < 0 or lab.max() >= len(self.class_names)):
            raise AnchorVizInputError(f"labels: expected values in 0..{len(self.class_names) - 1}")
        set_(self, "boxes", _readonly(boxes))
        set_(self, "image_index", _readonly(img.astype(np.int64, copy=False)))
        set_(self, "labels", _readonly(lab.astype(np.int64, copy=False)))
        set_(self, "image_hw", _readonly(ihw.astype(np.int64, copy=False)))
        set_(self, "input_hw", _readonly(nhw.astype(np.int64, copy=False)))
        set_(self, "image_names", names)
        set_(self, "class_names", tuple(self.class_names))
        if self.report is None:
            set_(self, "report", DatasetReport(source="arrays", format="arrays", n_images=ni, n_records=n, n_kept=n))

    def __len__(self) -> int:
        return int(self.boxes.shape[0])

    def __repr__(self) -> str:
        return f"BoxDataset({len(self):,} boxes, {self.n_images:,} images, source={self.report.source!r})"

    @property
    def n_images(self) -> int:
        return len(self.image_names)

    @property
    def wh(self) -> np.ndarray:
        """float64 (N, 2) width and height of every box in network-input pixels (a new array)."""
        return self.boxes[:, 2:] - self.boxes[:, :2]

    @functools.cached_property
    def original_wh(self) -> np.ndarray:
        """float64 (N, 2) width and height of every box in its original image's pixels, read-only.

        What COCO's size buckets measure: the resize is undone with each image's own plan (one per distinct image
        size, as `build_dataset` made them), and the result is rounded to 1e-6 px so that a box recorded as 32 x 32
        stays exactly 32 x 32 after the round trip through the scale.
        """
        if len(self) == 0:
            return _readonly(np.zeros((0, 2)))
        uniq, inv = np.unique(self.image_hw, axis=0, return_inverse=True)
        scales = np.array([[p.scale_x, p.scale_y] for p in (plan_resize((int(h), int(w)), self.resize)
                                                            for h, w in uniq.tolist())])
        out = np.round(self.wh / scales[inv.reshape(-1)][self.image_index], 6)
        return _readonly(out)

    @functools.cached_property
    def image_sizes(self) -> np.ndarray:
        """int64 (S, 2) the distinct original (height, width) of the images, sorted, read-only (a page shows it on
        every rerun: worked out once per dataset)."""
        return _readonly(np.unique(self.image_hw, axis=0))

    def boxes_per_image(self) -> np.ndarray:
        """int64 (I,) number of boxes of each image."""
        return np.bincount(self.image_index, minlength=self.n_images).astype(np.int64)

    @functools.cached_property
    def _groups(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.image_index, kind="stable")
        starts = np.searchsorted(self.image_index[order], np.arange(self.n_images + 1))
        return order, starts

    def box_indices_of(self, image: int) -> np.ndarray:
        """int64 indices of the boxes of one image, in dataset order."""
        order, starts = self._groups
        return order[starts[image]:starts[image + 1]]

    def sample_images(self, max_images: int | None, *, seed: int = 0, with_boxes: bool = True) -> np.ndarray:
        """Sorted int64 image indices: all of them, or a seeded random subset of ``max_images``.

        Args:
            max_images: how many images at most; None for all.
            seed: the subset's seed.
            with_boxes: only images that have at least one box.
        """
        cand = np.flatnonzero(self.boxes_per_image() > 0) if with_boxes else np.arange(self.n_images)
        if max_images is None or len(cand) <= max_images:
            return cand
        if max_images < 1:
            raise AnchorVizInputError(f"max_images: expected a positive whole number, got {max_images!r}")
        rng = np.random.default_rng(seed)
        return np.sort(rng.choice(cand, size=int(max_images), replace=False))


def _plan_tables(image_wh: np.ndarray, spec: ResizeSpec):
    """Per image: scale_x, scale_y, pad_left, pad_top (I,) and input_hw (I, 2), one plan per distinct size."""
    if len(image_wh) == 0:
        z = np.zeros(0)
        return z, z, z, z, np.zeros((0, 2), np.int64), ""
    uniq, inv = np.unique(image_wh, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    sx, sy, pl, pt = (np.empty(len(uniq)) for _ in range(4))
    ihw = np.empty((len(uniq), 2), np.int64)
    plan = None
    for u, (w, h) in enumerate(uniq.tolist()):
        plan = plan_resize((int(h), int(w)), spec)
        sx[u], sy[u], pl[u], pt[u] = plan.scale_x, plan.scale_y, plan.pad_left, plan.pad_top
        ihw[u] = plan.input_hw
    example = plan.describe() if len(uniq) == 1 else f"{plan.describe()} (one of {len(uniq):,} image sizes)"
    return sx[inv], sy[inv], pl[inv], pt[inv], ihw[inv], example


def build_dataset(raw: RawDataset, *, resize: ResizeSpec | None = None) -> BoxDataset:
    """Map a RawDataset through the train-time resize.

    Each box goes through exactly what ``anchorviz.core.resize.resize_boxes`` does with its image's plan:
    ``x * scale_x + pad_left``, ``y * scale_y + pad_top``.

    Args:
        raw: boxes in original pixels.
        resize: the train-time resize; None means the photo as it is (AS_IS).
    """
    spec = AS_IS if resize is None else resize
    if not isinstance(spec, ResizeSpec):
        raise AnchorVizInputError(f"resize: expected a ResizeSpec, got {type(spec).__name__}")
    sx, sy, pl, pt, input_hw, example = _plan_tables(raw.image_wh, spec)
    b = raw.boxes
    img = raw.image_index
    out = np.empty_like(b)
    for scale, pad, cols in ((sx, pl, (0, 2)), (sy, pt, (1, 3))):  # column by column: bounded temporaries
        s_box, p_box = scale[img], pad[img]
        for c in cols:
            np.multiply(b[:, c], s_box, out=out[:, c])
            out[:, c] += p_box
        del s_box, p_box
    n_empty = int((np.bincount(img, minlength=len(raw.image_names)) == 0).sum())
    report = DatasetReport(
        source=raw.source, format=raw.format, n_images=len(raw.image_names), n_records=raw.n_records,
        n_kept=len(b), n_crowd_dropped=raw.n_crowd, n_degenerate_dropped=raw.n_degenerate,
        n_out_of_image=raw.n_clipped, n_empty_images=n_empty, resize=f"train-time resize: {example}" if example else "",
        notes=raw.notes,
    )
    return BoxDataset(boxes=out, image_index=img, labels=raw.labels, class_names=raw.class_names,
                      image_names=raw.image_names, image_hw=raw.image_wh[:, ::-1].copy(), input_hw=input_hw,
                      resize=spec, report=report)


def dataset_from_arrays(*, boxes, image_index, image_wh, labels=None, class_names: Sequence[str] | None = None,
                        image_names: Sequence[str] | None = None, resize: ResizeSpec | None = None,
                        source: str = "arrays") -> BoxDataset:
    """A BoxDataset from boxes in original-image pixels (synthetic data, boxes made in code).

    Args:
        boxes (ndarray[N, 4]): xyxy original-image pixels.
        image_index (ndarray[N]): image row of each box.
        image_wh (ndarray[I, 2]): original (width, height) of each image.
        labels (ndarray[N]): class indices (default all 0).
        class_names: names (default "object", or "0".."max label").
        image_names: (I,) names (default "image 0", ...).
        resize: the train-time resize (default AS_IS).
        source: a name for messages.

    Raises:
        AnchorVizInputError: wrong shapes, NaN, inverted boxes or boxes outside their image (zero-size boxes
            are left out and counted, as the loaders do).
    """
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4) if np.size(boxes) else np.zeros((0, 4))
    img = np.asarray(image_index).reshape(-1)
    wh = np.asarray(image_wh)
    if wh.ndim != 2 or wh.shape[1] != 2 or len(wh) == 0:
        raise AnchorVizInputError(f"image_wh: expected shape (I, 2) with I >= 1, got {wh.shape}")
    if not np.isfinite(wh).all() or (wh <= 0).any() or (wh != np.round(wh)).any():
        raise AnchorVizInputError("image_wh: expected positive whole-number widths and heights")
    wh = wh.astype(np.int64)
    if len(img) != len(b) or (len(img) and (img.dtype.kind not in "iu" or img.min() < 0 or img.max() >= len(wh))):
        raise AnchorVizInputError(f"image_index: expected {len(b)} indices in 0..{len(wh) - 1}")
    img = img.astype(np.int64, copy=False)
    lab = np.zeros(len(b), np.int64) if labels is None else np.asarray(labels).reshape(-1).astype(np.int64, copy=False)
    if class_names is None:
        class_names = ("object",) if labels is None else tuple(str(i) for i in range(int(lab.max(initial=-1)) + 1))
    names = tuple(image_names) if image_names is not None else tuple(f"image {i}" for i in range(len(wh)))
    kept, clipped, n_deg, n_clip = _finish_boxes(b, img, wh, name=source, where=lambda i: f"box {i}")
    raw = RawDataset(source=source, format="arrays", image_names=names, image_wh=wh, boxes=_take(clipped, kept),
                     image_index=_take(img, kept), labels=_take(lab, kept), class_names=tuple(class_names), n_records=len(b),
                     n_degenerate=n_deg, n_clipped=n_clip)
    return build_dataset(raw, resize=resize)


def _sizes_arg(sizes, *, loader) -> tuple[dict | None, str]:
    if sizes is None:
        return None, ""
    if isinstance(sizes, Mapping):
        return {str(k): (int(v[0]), int(v[1])) for k, v in sizes.items()}, "sizes"
    return loader(sizes)


def load_dataset(path: str | PathLike[str], *, format: str | None = None, resize: ResizeSpec | None = None,
                 sizes=None, class_names: Sequence[str] | None = None, annotation_file: str | None = None,
                 limits: ArchiveLimits | None = None) -> BoxDataset:
    """Load a dataset from disk: a COCO .json, a CSV, a VOC .xml, a folder, or a .zip of a folder.

    Args:
        path: the file or folder.
        format: "coco", "yolo", "voc", "csv", or None to detect it.
        resize: the train-time resize (default AS_IS).
        sizes: a sizes file path, or {image name: (width, height)}, or None (see anchorviz.io.dataset_readers).
        class_names: YOLO: names of class indices; VOC/CSV: the allowed class names.
        annotation_file: which annotation file to read when a folder holds several.
        limits: zip limits.

    Raises:
        AnchorVizInputError: naming the file and record (see anchorviz.io.dataset_readers / anchorviz.io.archive).
    """
    def from_path(p):
        p = Path(p)
        try:
            return parse_sizes(p.read_text(encoding="utf-8-sig"), name=p.name), p.name
        except (OSError, UnicodeDecodeError) as e:
            raise AnchorVizInputError(f"{p}: cannot read the sizes file ({e})") from None

    szs, szname = _sizes_arg(sizes, loader=from_path)
    source = open_source(path, limits=limits)
    raw = read_dataset(source, format=format, sizes=szs, sizes_name=szname, class_names=class_names,
                       annotation_file=annotation_file)
    return build_dataset(raw, resize=resize)


def parse_dataset(data: bytes, *, name: str, format: str | None = None, resize: ResizeSpec | None = None,
                  sizes=None, class_names: Sequence[str] | None = None, annotation_file: str | None = None,
                  limits: ArchiveLimits | None = None) -> BoxDataset:
    """Load an uploaded dataset: a single annotation file, or a .zip of a folder (read in memory, safely).

    Args:
        data: the upload's bytes.
        name: the upload's file name.
        format, resize, class_names, annotation_file, limits: as in `load_dataset`.
        sizes: a sizes file's bytes or text, {image name: (width, height)}, or None.

    Raises:
        AnchorVizInputError: naming the file and record; a zip bomb, path traversal or symlink in a zip.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise AnchorVizInputError(f"{name}: expected the uploaded file's bytes, got {type(data).__name__}")

    def from_bytes(s):
        text = s.decode("utf-8-sig", errors="replace") if isinstance(s, (bytes, bytearray)) else str(s)
        return parse_sizes(text, name="sizes file"), "sizes file"

    szs, szname = _sizes_arg(sizes, loader=from_bytes)
    data = bytes(data)
    source = ZipSource(data, name=name, limits=limits) if is_zip(data) else SingleFileSource(data, name=name)
    raw = read_dataset(source, format=format, sizes=szs, sizes_name=szname, class_names=class_names,
                       annotation_file=annotation_file)
    return build_dataset(raw, resize=resize)
