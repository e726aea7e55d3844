"""Per-image annotation files gathered into one ``RawDataset``: YOLO label folders and Pascal VOC XML files."""

from __future__ import annotations

from pathlib import PurePosixPath

import numpy as np

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.archive import FileSource
from anchorviz.io.dataset_readers.raw import IMAGE_EXTENSIONS, SIZES_FILE_NAMES, RawDataset, _cap_notes, _few, _plural
from anchorviz.io.dataset_readers.sizes import _SizeLookup, _sizes_from_source, _text
from anchorviz.io.voc import _file_size, _parse_xml, parse_voc
from anchorviz.io.yaml_safe import parse_yaml
from anchorviz.io.yolo import CLASS_NAME_FILES, parse_yolo, yolo_class_names

__all__ = []


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
    for cf in CLASS_NAME_FILES:
        hits = [f for f in files if PurePosixPath(f).name.lower() == cf]
        if hits:
            return yolo_class_names(_text(source, hits[0]), name=hits[0]), hits[0]
    yamls = [f for f in files if PurePosixPath(f).suffix.lower() in (".yaml", ".yml")]
    for y in yamls:
        doc = parse_yaml(_text(source, y), name=y)
        if isinstance(doc, dict) and "names" in doc:
            return yolo_class_names(_text(source, y), name=y), y
    return None, ""


def _read_yolo(source: FileSource, *, sizes, sizes_name: str, class_names) -> RawDataset:
    files = source.files()
    sizes, sizes_name = _sizes_from_source(source, sizes, sizes_name)
    lookup = _SizeLookup(source, sizes, sizes_name)
    names, names_from = _yolo_class_names(source, class_names)
    images = [f for f in files if PurePosixPath(f).suffix.lower() in IMAGE_EXTENSIONS]
    txts = {f for f in files if PurePosixPath(f).suffix.lower() == ".txt"
            and PurePosixPath(f).name.lower() not in SIZES_FILE_NAMES | set(CLASS_NAME_FILES)}
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
