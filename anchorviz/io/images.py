"""Decode uploaded image bytes into one array layout: uint8 (H, W, 3) RGB, EXIF orientation applied.

Everything Pillow can raise is turned into `AnchorVizInputError` naming the file, so the app can show
the message as is. Only JPEG (including camera MPO files, which are JPEGs with extra pictures), PNG,
WebP and BMP are accepted; the format is taken from the decoded data, not from the file name.
Animated PNG/WebP files give their first frame.

Decompression bombs: the pixel count is read from the header and compared with ``max_pixels``
before any pixel is decoded. Pillow's own global limit (``PIL.Image.MAX_IMAGE_PIXELS``) still applies
on top and is reported the same way. To turn Pillow's bomb *warning* into a refusal the decode runs
inside ``warnings.catch_warnings()``, which on Python < 3.14 touches process-wide warning filters for
a few milliseconds; the only effect on other threads is that a warning they raise in that window may
be shown or hidden differently.
"""

from __future__ import annotations

import io
import warnings
from os import PathLike
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from anchorviz.core.errors import AnchorVizInputError

__all__ = [
    "ACCEPTED_FORMATS",
    "DEFAULT_MAX_PIXELS",
    "load_image",
    "load_image_file",
    "read_image_size",
]

#: Pillow format names we decode, mapped to the name shown to users. MPO is how Pillow reports a JPEG
#: from a phone or camera that carries extra (preview/stereo) pictures.
ACCEPTED_FORMATS: dict[str, str] = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP", "BMP": "BMP"}
_ACCEPTED_TEXT = "JPEG, PNG, WebP or BMP"

#: Default refusal threshold for width * height (about a 7000 x 7000 photo).
DEFAULT_MAX_PIXELS = 50_000_000

# EXIF orientations that turn the picture by 90 or 270 degrees (width and height swap).
_SWAPS_AXES = frozenset({5, 6, 7, 8})
_EXIF_ORIENTATION = 0x0112

_WHITE = (255, 255, 255, 255)


def load_image(
    data: bytes, *, name: str, max_pixels: int = DEFAULT_MAX_PIXELS, apply_exif: bool = True
) -> np.ndarray:
    """Decode an uploaded image into RGB pixels.

    Args:
        data: the file's bytes.
        name: the file name, used in error messages.
        max_pixels: refuse images whose width * height is larger (checked before decoding pixels).
        apply_exif: rotate/flip according to the EXIF (or XMP) orientation tag, as photo viewers do.
            Annotations made on the raw stored pixels (some COCO images) need ``False``.

    Returns:
        A new uint8 array of shape (H, W, 3), RGB, in display orientation. Transparency is composited
        on white; palette, grayscale, 1-bit and CMYK images are converted to RGB; 16-bit, 32-bit
        integer and float grayscale are stretched from their actual min..max to 0..255.

    Raises:
        AnchorVizInputError: empty, truncated, corrupt or non-image data, a format other than JPEG,
            PNG, WebP or BMP, or more than ``max_pixels`` pixels.
    """
    _check_max_pixels(max_pixels)
    with _refuse_bomb_warnings():
        img = _open(data, name=name)
        try:
            _check_pixel_count(img, name=name, max_pixels=max_pixels)
            try:
                img.load()
                shown = ImageOps.exif_transpose(img) if apply_exif else img
                rgb = _to_rgb_array(shown)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
                raise _bomb_error(name, e, max_pixels) from e
            except MemoryError as e:
                raise AnchorVizInputError(
                    f"{name}: not enough memory to decode this {img.width}×{img.height} image"
                ) from e
            except Exception as e:  # Pillow raises OSError, SyntaxError, ValueError, struct.error, ...
                raise AnchorVizInputError(
                    f"{name}: the {_format_label(img)} data is truncated or corrupt and cannot be decoded "
                    f"({_describe(e)})"
                ) from e
        finally:
            img.close()
    return rgb


def read_image_size(data: bytes, *, name: str, apply_exif: bool = True) -> tuple[int, int]:
    """Width and height of an image from its header, without decoding pixels.

    Args:
        data: the file's bytes.
        name: the file name, used in error messages.
        apply_exif: when True (as in `load_image`), an EXIF/XMP orientation that turns the picture
            by 90 or 270 degrees swaps the two numbers. A PNG whose eXIf chunk sits after the pixel
            data is read as unrotated here (finding it would need a full decode).

    Returns:
        (width, height) in pixels, as `load_image` would return them (``arr.shape[1], arr.shape[0]``).

    Raises:
        AnchorVizInputError: empty, unreadable or non-image data, or a format that is not accepted.
    """
    with _refuse_bomb_warnings():
        img = _open(data, name=name)
        try:
            width, height = img.size
            if apply_exif and _header_orientation(img) in _SWAPS_AXES:
                width, height = height, width
        finally:
            img.close()
    return int(width), int(height)


def load_image_file(path: str | PathLike[str], *, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Read an image file from disk and decode it with `load_image`.

    Args:
        path: the file to read.
        max_pixels: see `load_image`.

    Returns:
        uint8 array (H, W, 3), RGB.

    Raises:
        AnchorVizInputError: the file cannot be read, or `load_image` refuses it.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise AnchorVizInputError(
            f"{p.name}: expected a readable image file, could not read it ({_describe(e)})"
        ) from e
    return load_image(data, name=p.name, max_pixels=max_pixels)


# --------------------------------------------------------------------------------------------------
# internals


class _refuse_bomb_warnings(warnings.catch_warnings):
    """Turn PIL.Image.DecompressionBombWarning into an exception for the duration of the block."""

    def __enter__(self):
        out = super().__enter__()
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return out


def _check_max_pixels(max_pixels: int) -> None:
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, (int, np.integer)) or max_pixels <= 0:
        raise AnchorVizInputError(f"max_pixels: expected a positive whole number, got {max_pixels!r}")


def _open(data: bytes, *, name: str) -> Image.Image:
    """Open (header only) and check the format; the caller closes the returned image."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise AnchorVizInputError(f"{name}: expected the image file's bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) == 0:
        raise AnchorVizInputError(f"{name}: the file is empty (0 bytes); expected a {_ACCEPTED_TEXT} image")
    try:
        img = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise _bomb_error(name, e, None) from e
    except UnidentifiedImageError as e:
        raise AnchorVizInputError(
            f"{name}: expected a {_ACCEPTED_TEXT} image, but the data is not a recognisable image"
            f"{_looks_like(data)} ({len(data):,} bytes)"
        ) from e
    except Exception as e:  # corrupt headers can raise OSError, SyntaxError, struct.error, ...
        raise AnchorVizInputError(
            f"{name}: expected a {_ACCEPTED_TEXT} image, but the data is truncated or corrupt ({_describe(e)})"
        ) from e
    if img.format not in ACCEPTED_FORMATS:
        found = img.format or "unknown"
        img.close()
        raise AnchorVizInputError(f"{name}: expected a {_ACCEPTED_TEXT} image, got {found} data")
    if img.width <= 0 or img.height <= 0:
        size = f"{img.width}×{img.height}"
        img.close()
        raise AnchorVizInputError(f"{name}: expected an image with at least one pixel, got size {size}")
    return img


def _check_pixel_count(img: Image.Image, *, name: str, max_pixels: int) -> None:
    pixels = img.width * img.height
    if pixels > max_pixels:
        raise AnchorVizInputError(
            f"{name}: the image is {img.width}×{img.height} = {pixels:,} pixels, more than the limit of "
            f"{int(max_pixels):,} pixels; refused before decoding (possible decompression bomb). "
            f"Downscale it first."
        )


def _bomb_error(name: str, e: BaseException, max_pixels: int | None) -> AnchorVizInputError:
    limit = f" (anchorviz limit {int(max_pixels):,} pixels)" if max_pixels is not None else ""
    return AnchorVizInputError(f"{name}: refused as a possible decompression bomb: {e}{limit}")


def _header_orientation(img: Image.Image) -> int:
    """EXIF/XMP orientation read from metadata already parsed with the header (never decodes pixels)."""
    try:
        # The base-class method reads img.info only; PngImageFile.getexif would decode the pixels.
        exif = Image.Image.getexif(img)
        value = exif.get(_EXIF_ORIENTATION, 1)
        return int(value)
    except Exception:  # unreadable metadata: exif_transpose would not rotate either
        return 1


def _format_label(img: Image.Image) -> str:
    return ACCEPTED_FORMATS.get(img.format or "", img.format or "image")


def _describe(e: BaseException) -> str:
    text = str(e).strip()
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _looks_like(data: bytes) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        return "; it is only whitespace"
    if head[:1] in (b"{", b"["):
        return "; it looks like JSON text"
    if head[:1] == b"<":
        return "; it looks like XML/HTML text"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    if all(c >= 32 or c in (9, 10, 13) for c in head):
        return "; it looks like a text file"
    return ""


def _to_rgb_array(img: Image.Image) -> np.ndarray:
    """Any Pillow mode -> new uint8 (H, W, 3) RGB array."""
    mode = img.mode
    if mode.startswith("I") or mode == "F":  # "I", "I;16", "I;16B", "I;16L", "I;16N", "F"
        gray = _stretch_to_uint8(np.asarray(img), mode)
        return np.repeat(gray[:, :, None], 3, axis=2)
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info
    if has_alpha:
        rgba = img.convert("RGBA")  # premultiplied modes and palette/tRNS transparency included
        white = Image.new("RGBA", rgba.size, _WHITE)
        out = Image.alpha_composite(white, rgba).convert("RGB")
    elif mode == "RGB":
        out = img
    else:  # "L", "P", "1", "CMYK", "YCbCr", ...
        out = img.convert("RGB")
    arr = np.array(out, dtype=np.uint8)
    if arr.ndim != 3 or arr.shape[2] != 3:  # pragma: no cover - Pillow contract
        raise ValueError(f"unexpected decoded shape {arr.shape} for mode {mode}")
    return arr


_NOMINAL_FULL_SCALE = {"F": 1.0, "I": 255.0}


def _stretch_to_uint8(values: np.ndarray, mode: str) -> np.ndarray:
    """Map a 2-D numeric array to uint8 using its actual min..max (NaN -> 0).

    A constant image has no range; it is shown relative to its mode's nominal full scale
    (65535 for 16-bit, 255 for "I", 1.0 for "F"), clipped to 0..255.
    """
    a = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(a)
    if not finite.any():
        return np.zeros(a.shape, dtype=np.uint8)
    lo = float(a[finite].min())
    hi = float(a[finite].max())
    if hi > lo:
        scaled = (a - lo) * (255.0 / (hi - lo))
    else:
        full = 65535.0 if mode.startswith("I;16") else _NOMINAL_FULL_SCALE.get(mode, 255.0)
        scaled = np.full(a.shape, lo * 255.0 / full)
    scaled = np.where(finite, scaled, 0.0)
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
