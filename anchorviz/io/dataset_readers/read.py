"""Which reader a dataset needs (format detection) and the one entry point, ``read_dataset``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePosixPath

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.archive import FileSource, SingleFileSource
from anchorviz.io.dataset_readers.coco import parse_coco_dataset
from anchorviz.io.dataset_readers.csv import parse_csv_dataset
from anchorviz.io.dataset_readers.folders import _read_voc, _read_yolo
from anchorviz.io.dataset_readers.raw import DATASET_FORMATS, SIZES_FILE_NAMES, RawDataset, _few
from anchorviz.io.dataset_readers.sizes import _sizes_from_source, _text

__all__ = ["read_dataset", "detect_format"]


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
