"""Image sizes for the formats that do not store them: a sizes file, or the image headers (no pixel decoding)."""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from pathlib import PurePosixPath

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.archive import FileSource, SingleFileSource
from anchorviz.io.dataset_readers.raw import IMAGE_EXTENSIONS, SIZES_FILE_NAMES, _few
from anchorviz.io.images import read_image_size

__all__ = ["parse_sizes"]


_HEADER_BYTES = 1 << 16  # image headers: the JPEG SOF sits after EXIF / ICC segments, almost always in 64 KB; else all is read


def parse_sizes(text: str, *, name: str) -> dict[str, tuple[int, int]]:
    """A sizes file: one 'name width height' row per image (comma or whitespace separated, header optional).

    Returns:
        {name as written: (width, height)}.

    Raises:
        AnchorVizInputError: a row without three fields, a size that is not a positive whole number, or a
            name listed twice.
    """
    out: dict[str, tuple[int, int]] = {}
    for no, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = next(csv.reader([line])) if "," in line else line.rsplit(None, 2)
        fields = [f.strip() for f in fields]
        if len(fields) != 3:
            raise AnchorVizInputError(f"{name}, line {no}: expected 'name width height', got {line.strip()[:80]!r}")
        try:
            w, h = float(fields[1]), float(fields[2])
        except ValueError:
            if not out:  # a header row
                continue
            raise AnchorVizInputError(f"{name}, line {no}: expected numeric width and height, got {line.strip()[:80]!r}") from None
        if not (math.isfinite(w) and math.isfinite(h) and w > 0 and h > 0 and w == int(w) and h == int(h)):
            raise AnchorVizInputError(f"{name}, line {no}: expected a positive whole-number width and height, got {fields[1]} x {fields[2]}")
        if fields[0] in out:
            raise AnchorVizInputError(f"{name}, line {no}: image {fields[0]!r} is listed twice")
        out[fields[0]] = (int(w), int(h))
    return out


class _SizeLookup:
    """Image sizes by relative path, file name or stem, from a sizes file and/or image headers."""

    def __init__(self, source: FileSource, sizes: Mapping[str, tuple[int, int]] | None, sizes_name: str = "") -> None:
        self.source = source
        self.sizes_name = sizes_name
        self.by_key: dict[str, tuple[int, int] | None] = {}
        for key, wh in (sizes or {}).items():
            for k in {key, PurePosixPath(key).name, PurePosixPath(key).stem}:
                self.by_key[k] = wh if k not in self.by_key or self.by_key[k] == wh else None  # None: ambiguous
        self.images_by_name: dict[str, list[str]] = {}
        self.images_by_stem: dict[str, list[str]] = {}
        for f in source.files():
            p = PurePosixPath(f)
            if p.suffix.lower() in IMAGE_EXTENSIONS:
                self.images_by_name.setdefault(p.name, []).append(f)
                self.images_by_stem.setdefault(str(p.with_suffix("")), []).append(f)

    def from_sizes(self, *keys: str) -> tuple[int, int] | None:
        for k in keys:
            if k in self.by_key:
                wh = self.by_key[k]
                if wh is None:
                    raise AnchorVizInputError(f"{self.sizes_name}: {k!r} matches several rows with different sizes; use full paths")
                return wh
        return None

    def header(self, path: str) -> tuple[int, int]:
        label = f"{self.source.name}: {path}" if not isinstance(self.source, SingleFileSource) else path
        head = self.source.read(path, max_bytes=_HEADER_BYTES)
        try:
            return read_image_size(head, name=label)
        except AnchorVizInputError:
            if len(head) < _HEADER_BYTES:
                raise
        return read_image_size(self.source.read(path), name=label)

    def find_image(self, name: str, *, near: str = "") -> str | None:
        """The path of an image called ``name`` (a relative path or a file name), preferring ``near``'s folder."""
        name = name.replace("\\", "/")
        base = PurePosixPath(name).name
        folder = str(PurePosixPath(near).parent) if near else ""
        for cand in (str(PurePosixPath(folder) / name) if folder not in ("", ".") else name, name):
            if cand in self.images_by_name.get(PurePosixPath(cand).name, []):
                return cand
        hits = self.images_by_name.get(base, [])
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1 and folder:
            local = [h for h in hits if h.startswith(folder + "/")]
            if len(local) == 1:
                return local[0]
        return None


def _sizes_from_source(source: FileSource, sizes, sizes_name: str) -> tuple[dict | None, str]:
    if sizes is not None:
        return dict(sizes), sizes_name or "sizes"
    found = [f for f in source.files() if PurePosixPath(f).name.lower() in SIZES_FILE_NAMES]
    if not found:
        return None, ""
    if len(found) > 1:
        raise AnchorVizInputError(f"{source.name}: expected one sizes file, found {_few(found)}")
    return parse_sizes(_text(source, found[0]), name=found[0]), found[0]


def _text(source: FileSource, path: str) -> str:
    data = source.read(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise AnchorVizInputError(f"{path}: expected UTF-8 text, got an undecodable byte at position {e.start}") from None
