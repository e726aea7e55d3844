"""Pick the annotation format of an uploaded file and parse it into a GroundTruth.

Format detection (`guess_format`): the extension decides for ``.json`` (COCO), ``.xml`` (Pascal VOC)
and ``.csv``. Anything else, ``.txt`` included, is decided by content: text starting with ``{`` or
``[`` -> COCO, ``<`` -> VOC; then a ``.txt`` file is CSV when its first non-blank line contains a comma,
else YOLO (people save both as .txt, and an empty .txt is an empty YOLO file); other files: a comma in
the first line -> CSV, five whitespace-separated fields -> YOLO, otherwise an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Literal

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.coco import parse_coco
from anchorviz.io.csv_format import parse_csv
from anchorviz.io.groundtruth import GroundTruth, same_image
from anchorviz.io.voc import parse_voc
from anchorviz.io.yolo import parse_yolo

__all__ = ["ANNOTATION_FORMATS", "AnnotationFormat", "guess_format", "load_annotations_file", "parse_annotations"]

AnnotationFormat = Literal["coco", "yolo", "voc", "csv"]
ANNOTATION_FORMATS: tuple[str, ...] = ("coco", "yolo", "voc", "csv")

_BY_EXTENSION: dict[str, AnnotationFormat] = {".json": "coco", ".xml": "voc", ".csv": "csv"}
_SNIFF_BYTES = 4096
_NUL = b"\x00"
_EXPECTED = "COCO JSON, Pascal VOC XML, YOLO .txt or CSV"


def guess_format(filename: str, data: bytes | str) -> AnnotationFormat:
    """The annotation format of a file, from its extension and, when needed, its first bytes.

    Args:
        filename: the uploaded file's name (only its extension is used).
        data: the file's bytes or text (only the first few KB are looked at).

    Returns:
        "coco", "yolo", "voc" or "csv".

    Raises:
        AnchorVizInputError: the format cannot be told (message says what was expected).
    """
    ext = Path(str(filename)).suffix.lower()
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    head = data[:_SNIFF_BYTES]
    if isinstance(head, (bytes, bytearray)):
        head = bytes(head).decode("utf-8", errors="replace")
    head = head.removeprefix("\ufeff")
    first = next((line.strip() for line in head.splitlines() if line.strip()), "")
    stripped = head.lstrip()
    if stripped.startswith(("{", "[")):
        return "coco"
    if stripped.startswith("<"):
        return "voc"
    if ext == ".txt":
        return "csv" if "," in first else "yolo"
    if "," in first:
        return "csv"
    if len(first.split()) == 5:
        return "yolo"
    what = "it is empty" if not first else f"its first line is {first[:60]!r}"
    raise AnchorVizInputError(f"{filename}: expected {_EXPECTED}; cannot tell the format ({what})")


def parse_annotations(
    data: bytes,
    *,
    name: str,
    image_wh,
    image_key: int | str | None = None,
    class_names: Sequence[str] | None = None,
    image_name: str | None = None,
) -> GroundTruth:
    """Parse an uploaded annotation file of any supported format.

    A file that names its images is matched to the loaded image by ``image_name``, so another image's boxes are
    never taken for this one's: COCO (``image_key``, default ``image_name``), a VOC ``<filename>``, a CSV image
    column, and a YOLO label file's own name (YOLO pairs ``a.txt`` with ``a.jpg``). A mismatch is an error naming
    both; a file that lists the image without objects gives zero boxes with ``report.empty_reason`` saying so.

    Args:
        data: the file's bytes.
        name: the file name (its extension helps `guess_format`; it is used in messages).
        image_wh: (width, height) of the loaded image, or None to skip the inside-image check (YOLO needs it).
        image_key: COCO only: the image id or file name to read (None when the file has one image).
        class_names: YOLO: names of the class indices; VOC/CSV: the allowed class names. Ignored for
            COCO, whose categories are authoritative.
        image_name: the loaded image's file name, or None to skip the matching (library callers with one file
            per image).

    Returns:
        GroundTruth with a ParseReport (``gt.report.format`` says which format was read).

    Raises:
        AnchorVizInputError: undecodable text, unknown format, or any error of the format's parser.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise AnchorVizInputError(f"{name}: expected the annotation file's bytes, got {type(data).__name__}")
    data = bytes(data)
    fmt = guess_format(name, data)
    if fmt == "coco":
        return parse_coco(data, name=name, image=image_key if image_key is not None else image_name, image_wh=image_wh)
    if fmt == "voc":
        return parse_voc(data, name=name, image_wh=image_wh, class_names=class_names, image_name=image_name)
    text = _decode(data, name=name)
    if fmt == "yolo":
        if image_wh is None:
            raise AnchorVizInputError(
                f"{name}: YOLO coordinates are relative to the image size; expected image_wh, got None"
            )
        gt = parse_yolo(text, name=name, image_wh=image_wh, class_names=class_names)
        if image_name and not same_image(name, image_name):  # after the content checks: a broken file says so first
            stem = Path(name).stem
            raise AnchorVizInputError(
                f"{name}: YOLO pairs a label file with its image by name: these are the labels of an image named "
                f"{stem}.*, not of {image_name!r}; expected {Path(image_name).stem}.txt (rename the file if these "
                f"really are this image's boxes)"
            )
        return gt
    return parse_csv(text, name=name, image_wh=image_wh, class_names=class_names, image_name=image_name)


def load_annotations_file(
    path: str | PathLike[str],
    *,
    image_wh,
    image_key: int | str | None = None,
    class_names: Sequence[str] | None = None,
) -> GroundTruth:
    """Read an annotation file from disk and parse it with `parse_annotations`.

    Raises:
        AnchorVizInputError: the file cannot be read, or parsing fails.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise AnchorVizInputError(f"{p.name}: expected a readable annotation file, could not read it ({e})") from e
    return parse_annotations(data, name=p.name, image_wh=image_wh, image_key=image_key, class_names=class_names)


def _decode(data: bytes, *, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        hint = " (is this an image or another binary file?)" if _NUL in data[:1024] else ""
        raise AnchorVizInputError(
            f"{name}: expected UTF-8 text, got an undecodable byte at position {e.start}{hint}"
        ) from None
