"""Tests for anchorviz.io.images: every fixture is made in memory with Pillow/numpy."""

from __future__ import annotations

import io
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image


from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io import images as images_mod
from anchorviz.io.images import load_image, load_image_file, read_image_size

# --------------------------------------------------------------------------------------------------
# helpers


def encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def gradient_rgb(w: int = 32, h: int = 24) -> Image.Image:
    y, x = np.mgrid[0:h, 0:w]
    arr = np.stack([x * 255 // max(w - 1, 1), y * 255 // max(h - 1, 1), np.full_like(x, 77)], axis=2)
    return Image.fromarray(arr.astype(np.uint8), "RGB")


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming width x height RGB pixels whose pixel data is a few bytes: decoding would fail."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def split_colour_jpeg(orientation: int | None, w: int = 40, h: int = 20) -> bytes:
    """Left half red, right half blue, w x h stored pixels, with an optional EXIF orientation tag."""
    arr = np.zeros((h, w, 3), dtype=np.uint8)
    arr[:, : w // 2] = (255, 0, 0)
    arr[:, w // 2 :] = (0, 0, 255)
    img = Image.fromarray(arr, "RGB")
    if orientation is None:
        return encode(img, "JPEG", quality=95)
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(img, "JPEG", quality=95, exif=exif.tobytes())


# --------------------------------------------------------------------------------------------------
# accepted formats


@pytest.mark.parametrize("fmt", ["PNG", "BMP", "WEBP", "JPEG"])
def test_accepted_formats_decode_to_uint8_rgb(fmt):
    src = gradient_rgb()
    kw = {"lossless": True} if fmt == "WEBP" else {"quality": 95} if fmt == "JPEG" else {}
    out = load_image(encode(src, fmt, **kw), name=f"x.{fmt.lower()}")
    assert out.dtype == np.uint8 and out.shape == (24, 32, 3)
    tol = 12 if fmt == "JPEG" else 0
    assert np.abs(out.astype(int) - np.asarray(src).astype(int)).max() <= tol


def test_mpo_camera_jpeg_is_accepted_as_jpeg():
    first = Image.new("RGB", (8, 6), (10, 200, 30))
    data = encode(first, "MPO", save_all=True, append_images=[Image.new("RGB", (8, 6))])
    out = load_image(data, name="phone.jpg")
    assert out.shape == (6, 8, 3)
    assert np.abs(out.astype(int) - (10, 200, 30)).max() <= 8


def test_output_is_a_new_writable_array():
    out = load_image(encode(gradient_rgb(), "PNG"), name="a.png")
    assert out.flags.writeable and out.flags.c_contiguous


def test_bytearray_and_memoryview_are_accepted():
    data = encode(gradient_rgb(), "PNG")
    assert load_image(bytearray(data), name="a.png").shape == (24, 32, 3)
    assert load_image(memoryview(data), name="a.png").shape == (24, 32, 3)


@pytest.mark.parametrize(("fmt", "label"), [("GIF", "GIF"), ("TIFF", "TIFF"), ("ICO", "ICO"), ("PPM", "PPM")])
def test_other_formats_refused_naming_found_and_accepted(fmt, label):
    data = encode(gradient_rgb(16, 16), fmt)
    with pytest.raises(AnchorVizInputError, match=rf"x\.{fmt.lower()}: expected a JPEG, PNG, WebP or BMP image, got {label} data"):
        load_image(data, name=f"x.{fmt.lower()}")
    with pytest.raises(AnchorVizInputError, match=rf"got {label} data"):
        read_image_size(data, name=f"x.{fmt.lower()}")


# --------------------------------------------------------------------------------------------------
# bad data


def test_zero_byte_file():
    with pytest.raises(AnchorVizInputError, match=r"empty\.png: the file is empty \(0 bytes\)"):
        load_image(b"", name="empty.png")
    with pytest.raises(AnchorVizInputError, match=r"empty\.png: the file is empty"):
        read_image_size(b"", name="empty.png")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "WEBP"])
def test_truncated_file(fmt):
    rng = np.random.default_rng(0)
    noise = Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8), "RGB")
    data = encode(noise, fmt)
    cut = data[: int(len(data) * 0.6)]
    with pytest.raises(AnchorVizInputError, match=r"cut\.img: .*truncated or corrupt"):
        load_image(cut, name="cut.img")


def test_truncated_png_names_the_problem():
    rng = np.random.default_rng(1)
    data = encode(Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)), "PNG")
    with pytest.raises(AnchorVizInputError, match=r"cut\.png: the PNG data is truncated or corrupt"):
        load_image(data[: len(data) // 2], name="cut.png")


def test_corrupt_png_pixel_data():
    data = bytearray(encode(gradient_rgb(), "PNG"))
    start = data.index(b"IDAT") + 8
    data[start : start + 20] = b"\xff" * 20  # garbage in the compressed stream (and a bad CRC)
    with pytest.raises(AnchorVizInputError, match=r"bad\.png: the PNG data is truncated or corrupt"):
        load_image(bytes(data), name="bad.png")


def test_corrupt_header():
    data = bytearray(encode(gradient_rgb(), "PNG"))
    data[16:24] = b"\x00" * 8  # width and height zero
    with pytest.raises(AnchorVizInputError, match=r"bad\.png: expected a JPEG, PNG, WebP or BMP image, but"):
        load_image(bytes(data), name="bad.png")


def test_text_with_png_name():
    with pytest.raises(AnchorVizInputError, match=r"photo\.png: expected a JPEG, PNG, WebP or BMP image, but the data is not a recognisable image; it looks like a text file"):
        load_image(b"hello, this is not a picture\n", name="photo.png")


def test_json_with_png_name():
    with pytest.raises(AnchorVizInputError, match=r"photo\.png: .*looks like JSON"):
        load_image(b'{"images": []}', name="photo.png")


def test_random_binary_with_jpg_name():
    data = np.random.default_rng(2).integers(0, 256, 2000, dtype=np.uint8).tobytes()
    with pytest.raises(AnchorVizInputError, match=r"noise\.jpg: expected a JPEG, PNG, WebP or BMP image"):
        load_image(data, name="noise.jpg")


def test_not_bytes():
    with pytest.raises(AnchorVizInputError, match=r"a\.png: expected the image file's bytes, got str"):
        load_image("not bytes", name="a.png")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# decompression bombs


def test_bomb_small_max_pixels_says_count_and_limit():
    data = encode(gradient_rgb(20, 20), "PNG")
    with pytest.raises(AnchorVizInputError, match=r"big\.png: the image is 20×20 = 400 pixels, more than the limit of 100 pixels"):
        load_image(data, name="big.png", max_pixels=100)


def test_bomb_refused_before_decoding_pixels():
    # 8000 x 8000 = 64 M pixels declared, but almost no pixel data: decoding it would report truncation,
    # so the bomb message proves the check ran on the header alone.
    data = png_header_only(8000, 8000)
    with pytest.raises(AnchorVizInputError, match=r"the image is 8000×8000 = 64,000,000 pixels, more than the limit of 50,000,000"):
        load_image(data, name="bomb.png")


def test_pillow_bomb_error_is_converted():
    data = png_header_only(100_000, 100_000)  # beyond twice Pillow's own limit: Pillow raises at open
    with pytest.raises(AnchorVizInputError, match=r"bomb\.png: refused as a possible decompression bomb: .*10000000000 pixels"):
        load_image(data, name="bomb.png", max_pixels=10**12)
    with pytest.raises(AnchorVizInputError, match=r"decompression bomb"):
        read_image_size(data, name="bomb.png")


def test_pillow_bomb_warning_is_converted():
    pixels = Image.MAX_IMAGE_PIXELS + 1_000_000  # above Pillow's warning limit, below its error limit
    side = int(np.ceil(np.sqrt(pixels)))
    data = png_header_only(side, side)
    with pytest.raises(AnchorVizInputError, match=r"decompression bomb"):
        load_image(data, name="warn.png", max_pixels=10**12)


@pytest.mark.parametrize("bad", [0, -5, 1.5, True, "100"])
def test_max_pixels_must_be_positive_int(bad):
    with pytest.raises(AnchorVizInputError, match=r"max_pixels: expected a positive whole number"):
        load_image(encode(gradient_rgb(), "PNG"), name="a.png", max_pixels=bad)


# --------------------------------------------------------------------------------------------------
# EXIF orientation


def test_exif_orientation_6_rotates():
    data = split_colour_jpeg(6)  # stored 40 wide x 20 high, displayed rotated 90 degrees clockwise
    out = load_image(data, name="rot.jpg")
    assert out.shape == (40, 20, 3)
    # rotating clockwise moves the left (red) half to the top
    assert out[2, 10, 0] > 200 and out[2, 10, 2] < 60
    assert out[37, 10, 2] > 200 and out[37, 10, 0] < 60
    assert read_image_size(data, name="rot.jpg") == (20, 40)


def test_exif_orientation_ignored_on_request():
    data = split_colour_jpeg(6)
    assert load_image(data, name="rot.jpg", apply_exif=False).shape == (20, 40, 3)
    assert read_image_size(data, name="rot.jpg", apply_exif=False) == (40, 20)


@pytest.mark.parametrize(("orientation", "wh"), [(None, (40, 20)), (1, (40, 20)), (3, (40, 20)), (8, (20, 40)), (5, (20, 40))])
def test_read_image_size_matches_load_image(orientation, wh):
    data = split_colour_jpeg(orientation)
    assert read_image_size(data, name="a.jpg") == wh
    out = load_image(data, name="a.jpg")
    assert (out.shape[1], out.shape[0]) == wh


def test_exif_orientation_in_png():
    img = gradient_rgb(30, 10)
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(img, "PNG", exif=exif.tobytes())
    assert load_image(data, name="a.png").shape == (30, 10, 3)
    assert read_image_size(data, name="a.png") == (10, 30)


def test_read_image_size_does_not_decode_pixels():
    # pixel data is missing: a decode would fail, the header alone gives the size
    assert read_image_size(png_header_only(3000, 2000), name="h.png") == (3000, 2000)


# --------------------------------------------------------------------------------------------------
# modes


def test_rgba_composited_on_white():
    arr = np.zeros((4, 6, 4), dtype=np.uint8)
    arr[:, :3] = (255, 0, 0, 255)  # opaque red
    arr[:, 3:5] = (255, 0, 0, 128)  # half-transparent red
    arr[:, 5] = (0, 0, 0, 0)  # fully transparent black -> white
    out = load_image(encode(Image.fromarray(arr, "RGBA"), "PNG"), name="a.png")
    assert out.shape == (4, 6, 3) and out.dtype == np.uint8
    assert tuple(out[0, 0]) == (255, 0, 0)
    assert tuple(out[0, 3]) == (255, 127, 127) or tuple(out[0, 3]) == (255, 128, 128)
    assert tuple(out[0, 5]) == (255, 255, 255)


def test_la_composited_on_white():
    arr = np.zeros((2, 2, 2), dtype=np.uint8)
    arr[0, 0] = (0, 255)
    arr[0, 1] = (0, 0)
    out = load_image(encode(Image.fromarray(arr, "LA"), "PNG"), name="la.png")
    assert tuple(out[0, 0]) == (0, 0, 0) and tuple(out[0, 1]) == (255, 255, 255)


@pytest.mark.parametrize(
    ("arr", "mode", "transparent", "kept"),
    [
        (np.array([[0, 50]], np.uint8), "L", 0, (50, 50, 50)),
        (np.array([[[1, 2, 3], [4, 5, 6]]], np.uint8), "RGB", (1, 2, 3), (4, 5, 6)),
    ],
)
def test_transparent_colour_key_composited_on_white(arr, mode, transparent, kept):
    data = encode(Image.fromarray(arr, mode), "PNG", transparency=transparent)
    out = load_image(data, name="key.png")
    assert tuple(out[0, 0]) == (255, 255, 255) and tuple(out[0, 1]) == kept


def test_grayscale_l():
    arr = np.array([[0, 100], [200, 255]], dtype=np.uint8)
    out = load_image(encode(Image.fromarray(arr, "L"), "PNG"), name="g.png")
    assert out.shape == (2, 2, 3)
    assert np.array_equal(out[..., 0], arr) and np.array_equal(out[..., 1], arr) and np.array_equal(out[..., 2], arr)


def test_palette_p():
    img = Image.new("P", (3, 1))
    img.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * (256 * 3 - 9))
    img.putdata([0, 1, 2])
    for fmt in ("PNG", "BMP"):
        out = load_image(encode(img, fmt), name=f"p.{fmt.lower()}")
        assert out.shape == (1, 3, 3)
        assert [tuple(p) for p in out[0]] == [(255, 0, 0), (0, 255, 0), (0, 0, 255)]


def test_palette_with_transparency_composited_on_white():
    img = Image.new("P", (2, 1))
    img.putpalette([0, 0, 0, 10, 20, 30] + [0] * (256 * 3 - 6))
    img.putdata([0, 1])
    data = encode(img, "PNG", transparency=0)
    out = load_image(data, name="t.png")
    assert tuple(out[0, 0]) == (255, 255, 255) and tuple(out[0, 1]) == (10, 20, 30)


def test_cmyk_jpeg():
    img = Image.new("CMYK", (8, 8), (0, 0, 0, 0))  # no ink = white
    img.paste((255, 0, 0, 0), (0, 0, 4, 8))  # full cyan
    out = load_image(encode(img, "JPEG", quality=100), name="c.jpg")
    assert out.shape == (8, 8, 3) and out.dtype == np.uint8
    assert np.abs(out[4, 6].astype(int) - (255, 255, 255)).max() <= 10
    assert np.abs(out[4, 1].astype(int) - (0, 255, 255)).max() <= 10


def test_one_bit():
    img = Image.new("1", (4, 1))
    img.putdata([0, 255, 0, 255])
    for fmt in ("PNG", "BMP"):
        out = load_image(encode(img, fmt), name=f"b.{fmt.lower()}")
        assert out[0, :, 0].tolist() == [0, 255, 0, 255] and out.shape == (1, 4, 3)


def test_sixteen_bit_scaled_by_real_range():
    arr = np.array([[1000, 2000], [3000, 3000]], dtype=np.uint16)
    img = Image.fromarray(arr)
    assert img.mode == "I;16"
    out = load_image(encode(img, "PNG"), name="depth.png")
    assert out.dtype == np.uint8 and out.shape == (2, 2, 3)
    assert out[..., 0].tolist() == [[0, 128], [255, 255]]
    assert np.array_equal(out[..., 0], out[..., 2])


def test_sixteen_bit_constant_image_uses_full_scale():
    out = load_image(encode(Image.fromarray(np.full((2, 2), 65535, dtype=np.uint16)), "PNG"), name="w.png")
    assert (out == 255).all()
    out = load_image(encode(Image.fromarray(np.zeros((2, 2), dtype=np.uint16)), "PNG"), name="k.png")
    assert (out == 0).all()


@pytest.mark.parametrize(
    ("arr", "expected"),
    [
        (np.array([[-5, 5], [15, 15]], dtype=np.int32), [[0, 128], [255, 255]]),  # mode "I"
        (np.array([[0.25, 0.5], [0.75, np.nan]], dtype=np.float32), [[0, 128], [255, 0]]),  # mode "F"
    ],
)
def test_int32_and_float_modes(arr, expected):
    img = Image.fromarray(arr)
    assert img.mode in ("I", "F")
    out = images_mod._to_rgb_array(img)
    assert out.dtype == np.uint8 and out.shape == (2, 2, 3)
    assert out[..., 1].tolist() == expected


# --------------------------------------------------------------------------------------------------
# loaders and robustness


def test_load_image_file_reads_from_disk():
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "pic.png"
        p.write_bytes(encode(gradient_rgb(), "PNG"))
        assert load_image_file(p).shape == (24, 32, 3)
        with pytest.raises(AnchorVizInputError, match=r"missing\.png: expected a readable image file"):
            load_image_file(Path(tmp) / "missing.png")


_SEEDS = {fmt: encode(gradient_rgb(12, 9), fmt) for fmt in ("PNG", "JPEG", "BMP", "WEBP")}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(sorted(_SEEDS)),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.integers(1, 10_000),
)
def test_mutated_files_never_leak_pillow_errors(fmt, edits, cut):
    data = bytearray(_SEEDS[fmt])
    for pos, value in edits:
        data[pos % len(data)] = value
    data = bytes(data[: max(1, cut % (len(data) + 1))])
    try:
        out = load_image(data, name="fuzz.bin", max_pixels=10_000)
    except AnchorVizInputError as e:
        assert str(e).startswith("fuzz.bin: ")
    else:
        assert out.dtype == np.uint8 and out.ndim == 3 and out.shape[2] == 3
    try:
        w, h = read_image_size(data, name="fuzz.bin")
    except AnchorVizInputError:
        pass
    else:
        assert w > 0 and h > 0
