"""Pascal VOC XML annotations: ``<annotation>`` with ``<object><name>`` and ``<bndbox>`` per box.

Coordinates: the original VOC devkit numbers pixels from 1, so strictly a box spans
[xmin - 1, xmax] in 0-based pixel edges. Most tools that write VOC XML today (LabelImg, CVAT,
Roboflow, torchvision's VOCDetection users) store plain 0-based pixel coordinates instead, and the
difference is one pixel. We therefore KEEP (xmin, ymin, xmax, ymax) AS THEY ARE as xyxy pixels; the
1-pixel tolerance of the inside-image check absorbs 1-based boxes that touch the right/bottom border.

``<difficult>``, ``<truncated>`` and ``<occluded>`` objects are kept like any other (anchors must fit
them too). Only direct ``<object>`` children of ``<annotation>`` are read (not person-layout
``<part>`` boxes). ``<size>`` (width/height), when present and non-zero, must agree with the image
size given by the caller and is used for the inside-image check when the caller gives none.

Parsing goes through defusedxml: any entity declaration (internal or external) or external
reference is refused, so "billion laughs" and XXE files are rejected, not expanded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

import defusedxml
import defusedxml.ElementTree as DET
import numpy as np

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.groundtruth import GroundTruth, as_image_wh, build_ground_truth, check_box_count, same_image

__all__ = ["parse_voc"]

_COORDS = ("xmin", "ymin", "xmax", "ymax")


def parse_voc(
    data: bytes | str, *, name: str, image_wh=None, class_names: Sequence[str] | None = None,
    image_name: str | None = None,
) -> GroundTruth:
    """Parse one Pascal VOC XML file.

    Args:
        data: the XML as bytes (preferred: the XML declaration's encoding is honoured) or text.
        name: file name for messages.
        image_wh: (width, height) of the loaded image, or None to use the file's ``<size>`` (if any).
        class_names: the allowed class names; without them the names are the distinct object names, sorted.
        image_name: the loaded image's file name; when given, a ``<filename>`` naming another image is an error
            (matched by base name, else without the extension).

    Returns:
        GroundTruth with boxes (N, 4) xyxy pixels (coordinates kept as written, see module docstring),
        labels (N,), and a ParseReport.

    Raises:
        AnchorVizInputError: malformed XML (with line and column), entity declarations or external
            references, a root other than ``<annotation>``, an object without a name or a complete numeric
            ``<bndbox>``, xmax < xmin or ymax < ymin, an unknown class, ``<size>`` disagreeing with
            ``image_wh``, a ``<filename>`` other than ``image_name``, a box outside the image, more than
            MAX_GT_BOXES objects.
    """
    if not isinstance(data, (bytes, bytearray, str)):
        raise AnchorVizInputError(f"{name}: expected the VOC XML as bytes or text, got {type(data).__name__}")
    if isinstance(data, str):
        data = data.removeprefix("\ufeff")
    if not (data.strip() if isinstance(data, str) else bytes(data).strip()):
        raise AnchorVizInputError(f"{name}: the file is empty; expected Pascal VOC XML")
    root = _parse_xml(data, name=name)
    if root.tag != "annotation":
        raise AnchorVizInputError(f"{name}: expected a Pascal VOC <annotation> root element, got <{root.tag}>")

    filename = (root.findtext("filename") or "").strip()
    if image_name and filename and not same_image(filename, image_name):
        raise AnchorVizInputError(
            f"{name}: <filename> says these boxes are for {filename!r}, but the loaded image is {image_name!r}; "
            f"expected the annotation of this image"
        )
    file_wh = _file_size(root, name=name)
    if image_wh is not None and file_wh is not None:
        w, h = as_image_wh(image_wh, name=name)
        if (w, h) != file_wh:
            raise AnchorVizInputError(
                f"{name}: <size> says the image is {file_wh[0]:g}×{file_wh[1]:g} but the loaded image is "
                f"{w:g}×{h:g}; expected the annotation of this image"
            )
    check_wh = image_wh if image_wh is not None else file_wh

    objects = root.findall("object")
    check_box_count(len(objects), name=name)
    coords: list[list[float]] = []
    raw_names: list[str] = []
    where: list[str] = []
    for k, obj in enumerate(objects, start=1):
        label = (obj.findtext("name") or "").strip()
        loc = f"object {k}" + (f" ({label!r})" if label else "")
        if not label:
            raise AnchorVizInputError(f"{name}, {loc}: expected a non-empty <name>")
        bnd = obj.find("bndbox")
        if bnd is None:
            raise AnchorVizInputError(f"{name}, {loc}: expected a <bndbox> with xmin, ymin, xmax, ymax")
        box = [_number(bnd, tag, name=name, loc=loc) for tag in _COORDS]
        if box[2] < box[0]:
            raise AnchorVizInputError(f"{name}, {loc}: expected xmax >= xmin, got xmin = {box[0]:g}, xmax = {box[2]:g}")
        if box[3] < box[1]:
            raise AnchorVizInputError(f"{name}, {loc}: expected ymax >= ymin, got ymin = {box[1]:g}, ymax = {box[3]:g}")
        coords.append(box)
        raw_names.append(label)
        where.append(loc)

    names = tuple(sorted(set(raw_names))) if class_names is None else tuple(class_names)
    index = {n: i for i, n in enumerate(names)}
    labels = np.empty(len(raw_names), dtype=np.int64)
    for k, label in enumerate(raw_names):
        if label not in index:
            shown = ", ".join(repr(n) for n in names[:8]) + (", ..." if len(names) > 8 else "")
            raise AnchorVizInputError(f"{name}, {where[k]}: class {label!r} is not one of the class names ({shown})")
        labels[k] = index[label]
    return build_ground_truth(
        np.array(coords, dtype=np.float64).reshape(-1, 4),
        labels,
        names,
        name=name,
        fmt="voc",
        where=where,
        image_wh=check_wh,
        image=filename,
        empty_reason="no_objects",
    )


def _parse_xml(data: bytes | str, *, name: str) -> ET.Element:
    try:
        return DET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as e:
        raise AnchorVizInputError(
            f"{name}: refused: the XML declares an entity ({e.name!r}); entity declarations can expand or "
            f"read files and are not allowed in annotation files"
        ) from None
    except defusedxml.ExternalReferenceForbidden as e:
        raise AnchorVizInputError(
            f"{name}: refused: the XML refers to an external resource ({e.sysid or e.pubid!r}); "
            f"external references are not allowed in annotation files"
        ) from None
    except defusedxml.DefusedXmlException as e:
        raise AnchorVizInputError(f"{name}: refused: unsafe XML construct ({e!r})") from None
    except ET.ParseError as e:
        line, col = getattr(e, "position", (0, 0))
        reason = str(e).split(":", 1)[0]  # expat appends its own (0-based) position
        raise AnchorVizInputError(
            f"{name}: expected well-formed Pascal VOC XML, parsing failed at line {line}, column {col + 1} ({reason})"
        ) from None
    except (ValueError, LookupError) as e:  # e.g. an unknown encoding in the XML declaration
        raise AnchorVizInputError(f"{name}: expected readable XML, got {type(e).__name__}: {e}") from None


def _file_size(root: ET.Element, *, name: str) -> tuple[float, float] | None:
    size = root.find("size")
    if size is None:
        return None
    w_txt = (size.findtext("width") or "").strip()
    h_txt = (size.findtext("height") or "").strip()
    if not w_txt or not h_txt:
        return None
    try:
        w, h = float(w_txt), float(h_txt)
    except ValueError:
        raise AnchorVizInputError(
            f"{name}: <size> expected numeric width and height, got {w_txt!r} x {h_txt!r}"
        ) from None
    if w == 0 or h == 0:  # some tools write 0 when they do not know; treat as absent
        return None
    if not (np.isfinite(w) and np.isfinite(h) and w > 0 and h > 0):
        raise AnchorVizInputError(f"{name}: <size> expected a positive width and height, got {w_txt} x {h_txt}")
    return w, h


def _number(bnd: ET.Element, tag: str, *, name: str, loc: str) -> float:
    txt = bnd.findtext(tag)
    if txt is None or not txt.strip():
        raise AnchorVizInputError(f"{name}, {loc}: <bndbox> is missing <{tag}>")
    try:
        v = float(txt)
    except ValueError:
        raise AnchorVizInputError(f"{name}, {loc}: <{tag}> is not a number: {txt.strip()!r}") from None
    if not np.isfinite(v):
        raise AnchorVizInputError(f"{name}, {loc}: <{tag}> must be a finite number, got {txt.strip()!r}")
    return v
