"""A dataset as a set of files: a folder on disk, or a .zip of one read safely in memory.

Loaders see a `FileSource`: relative POSIX paths (``"labels/train/0001.txt"``) and a ``read`` that returns
bytes. Nothing is ever extracted: zip members are decompressed into memory on demand, so a member name
cannot place a file anywhere. Even so, a zip is refused as a whole when it looks hostile, because such a
file is not a dataset the user meant to upload:

* a member name that is absolute (``/etc/x``, ``C:\\x``), climbs out with ``..``, or holds a NUL byte;
* a symbolic link (Unix mode bits in the member's external attributes);
* an encrypted member;
* more than ``ArchiveLimits.max_members`` members, a member declaring more than ``max_member_bytes``, all
  members together declaring more than ``max_total_bytes`` uncompressed, or a member larger than
  ``ratio_floor_bytes`` that decompresses more than ``max_ratio`` times its compressed size (a zip bomb).

The declared sizes bound what is read: Python's zipfile stops at a member's declared size and checks the
CRC, so a member that lies about its size fails with a "bad CRC" error rather than expanding further.
macOS metadata (``__MACOSX/``, ``._*``, ``.DS_Store``) and directory entries are skipped.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from os import PathLike
from pathlib import Path, PurePosixPath
from typing import Protocol

from anchorviz.core.errors import AnchorVizInputError

__all__ = ["ArchiveLimits", "FileSource", "ZipSource", "DirSource", "SingleFileSource", "open_source",
           "is_zip"]

_SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True, kw_only=True)
class ArchiveLimits:
    """What a .zip may hold before it is refused.

    Attributes:
        max_members: number of file entries.
        max_member_bytes: declared uncompressed size of one member.
        max_total_bytes: declared uncompressed size of all members together.
        max_ratio: uncompressed / compressed size of one member, checked for members larger than
            ``ratio_floor_bytes`` (text and images compress 2-20x; zip bombs 1000x and more).
        ratio_floor_bytes: members below this size are not ratio-checked.
    """

    max_members: int = 200_000
    max_member_bytes: int = 1 << 30
    max_total_bytes: int = 4 << 30
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1 << 20

    def __post_init__(self) -> None:
        for key in ("max_members", "max_member_bytes", "max_total_bytes", "ratio_floor_bytes"):
            v = getattr(self, key)
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                raise AnchorVizInputError(f"{key}: expected a positive whole number, got {v!r}")
        if not isinstance(self.max_ratio, (int, float)) or not self.max_ratio > 1:
            raise AnchorVizInputError(f"max_ratio: expected a number > 1, got {self.max_ratio!r}")


class FileSource(Protocol):
    """A read-only set of files addressed by relative POSIX paths."""

    name: str

    def files(self) -> list[str]:
        """Every file's relative path, sorted."""

    def read(self, path: str, *, max_bytes: int | None = None) -> bytes:
        """The file's bytes (only the first ``max_bytes`` when given)."""


def is_zip(data: bytes) -> bool:
    """True when the bytes start like a zip archive (local file header or empty-archive marker)."""
    return bytes(data[:4]) in (b"PK\x03\x04", b"PK\x05\x06")


def _clean_member_name(raw: str, *, archive: str) -> str | None:
    """The member's relative POSIX path, None for entries to skip; AnchorVizInputError for hostile names."""
    if "\x00" in raw:
        raise AnchorVizInputError(f"{archive}: refused: member {raw!r} has a NUL byte in its name")
    name = raw.replace("\\", "/")
    if name.startswith("/") or (len(name) >= 2 and name[1] == ":"):
        raise AnchorVizInputError(
            f"{archive}: refused: member {raw!r} has an absolute path; expected paths relative to the folder"
        )
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise AnchorVizInputError(
            f"{archive}: refused: member {raw!r} climbs out of the folder with '..' (path traversal)"
        )
    if not parts or name.endswith("/"):
        return None
    if parts[0] == "__MACOSX" or parts[-1].startswith("._") or parts[-1] in _SKIP_NAMES:
        return None
    return "/".join(parts)


class ZipSource:
    """The files of a .zip, checked up front (see the module docstring) and read in memory on demand.

    Args:
        data: the archive's bytes.
        name: the archive's file name, for messages.
        limits: what the archive may hold.

    Raises:
        AnchorVizInputError: not a zip, a hostile member (traversal, absolute path, symlink, encryption),
            a zip bomb, too many members, or two members with the same path.
    """

    def __init__(self, data: bytes, *, name: str, limits: ArchiveLimits | None = None) -> None:
        self.name = name
        limits = limits or ArchiveLimits()
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise AnchorVizInputError(f"{name}: expected the .zip file's bytes, got {type(data).__name__}")
        try:
            self._zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
            infos = self._zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
            raise AnchorVizInputError(f"{name}: expected a readable .zip archive, got a damaged one ({e})") from None
        if len(infos) > limits.max_members:
            raise AnchorVizInputError(
                f"{name}: refused: the archive lists {len(infos):,} entries, more than the limit of "
                f"{limits.max_members:,}"
            )
        self._members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            clean = _clean_member_name(info.filename, archive=name)
            mode = info.external_attr >> 16
            if mode and stat.S_ISLNK(mode):
                raise AnchorVizInputError(
                    f"{name}: refused: member {info.filename!r} is a symbolic link; expected plain files"
                )
            if clean is None or info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise AnchorVizInputError(f"{name}: refused: member {info.filename!r} is encrypted")
            if info.file_size > limits.max_member_bytes:
                raise AnchorVizInputError(
                    f"{name}: refused: member {info.filename!r} expands to {info.file_size:,} bytes, more than "
                    f"the limit of {limits.max_member_bytes:,} (possible zip bomb)"
                )
            if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                ratio = info.file_size / max(info.compress_size, 1)
                raise AnchorVizInputError(
                    f"{name}: refused: member {info.filename!r} expands {ratio:,.0f} times "
                    f"({info.compress_size:,} -> {info.file_size:,} bytes), more than the limit of "
                    f"{limits.max_ratio:g} (zip bomb)"
                )
            total += info.file_size
            if total > limits.max_total_bytes:
                raise AnchorVizInputError(
                    f"{name}: refused: the members expand to more than {limits.max_total_bytes:,} bytes "
                    "in total (possible zip bomb)"
                )
            if clean in self._members:
                raise AnchorVizInputError(f"{name}: refused: member {clean!r} appears twice in the archive")
            self._members[clean] = info
        self._files = sorted(self._members)

    def files(self) -> list[str]:
        return list(self._files)

    def read(self, path: str, *, max_bytes: int | None = None) -> bytes:
        info = self._members.get(path)
        if info is None:
            raise AnchorVizInputError(f"{self.name}: no member {path!r} in the archive")
        try:
            with self._zf.open(info) as fh:
                return fh.read(max_bytes if max_bytes is not None else -1)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError) as e:
            raise AnchorVizInputError(f"{self.name}: member {path!r} cannot be read ({e})") from None


class DirSource:
    """The files under a folder on disk (symbolic links to folders are followed once; cycles are cut)."""

    def __init__(self, root: str | PathLike[str]) -> None:
        self.root = Path(root)
        self.name = self.root.name or str(self.root)
        if not self.root.is_dir():
            raise AnchorVizInputError(f"{self.root}: expected a folder, it is not one")
        files = []
        seen: set[str] = set()
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=True):
            real = os.path.realpath(dirpath)
            if real in seen:  # a link cycle
                dirnames[:] = []
                continue
            seen.add(real)
            dirnames[:] = sorted(d for d in dirnames if d != "__MACOSX")
            rel = PurePosixPath(Path(dirpath).relative_to(self.root).as_posix())
            for f in filenames:
                if f.startswith("._") or f in _SKIP_NAMES:
                    continue
                files.append((rel / f).as_posix().removeprefix("./"))
        self._files = sorted(files)

    def files(self) -> list[str]:
        return list(self._files)

    def read(self, path: str, *, max_bytes: int | None = None) -> bytes:
        p = self.root / path
        try:
            with open(p, "rb") as fh:
                return fh.read(max_bytes if max_bytes is not None else -1)
        except OSError as e:
            raise AnchorVizInputError(f"{path}: cannot be read ({e.strerror or e})") from None


class SingleFileSource:
    """One file held in memory (an uploaded annotation file)."""

    def __init__(self, data: bytes, *, name: str) -> None:
        self.name = name
        self._path = PurePosixPath(name.replace("\\", "/")).name or "upload"
        self._data = bytes(data)

    def files(self) -> list[str]:
        return [self._path]

    def read(self, path: str, *, max_bytes: int | None = None) -> bytes:
        if path != self._path:
            raise AnchorVizInputError(f"{self.name}: no file {path!r} (only {self._path!r} was given)")
        return self._data if max_bytes is None else self._data[:max_bytes]


def open_source(path: str | PathLike[str], *, limits: ArchiveLimits | None = None) -> FileSource:
    """A folder, a .zip, or a single file on disk as a FileSource.

    Raises:
        AnchorVizInputError: the path does not exist or cannot be read; see ZipSource for archives.
    """
    p = Path(path)
    if p.is_dir():
        return DirSource(p)
    if not p.exists():
        raise AnchorVizInputError(f"{p}: no such file or folder")
    try:
        with open(p, "rb") as fh:
            head = fh.read(4)
            if is_zip(head):
                fh.seek(0)
                return ZipSource(fh.read(), name=p.name, limits=limits)
            fh.seek(0)
            return SingleFileSource(fh.read(), name=p.name)
    except OSError as e:
        raise AnchorVizInputError(f"{p}: cannot be read ({e.strerror or e})") from None
