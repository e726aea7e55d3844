"""A COCO instances file (``instances_*.json``) decoded and checked as a whole: the top-level lists, ids and
categories, and its pycocotools index.

The index is built by pycocotools in memory (``COCO()``, ``.dataset = ...``, ``.createIndex()``) with
its progress prints silenced. It is built over shallow copies with fresh annotation ids, so the
caller's dict is never modified and duplicate or missing annotation ids cannot make boxes vanish.
(Silencing uses ``contextlib.redirect_stdout``, which is process-wide: a print from another thread during
the few milliseconds of indexing would be swallowed too.)
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Mapping

from pycocotools.coco import COCO

from anchorviz.core.errors import AnchorVizInputError

__all__ = ["decode_coco_json", "load_coco_dataset"]


def decode_coco_json(data, *, name: str):
    """JSON bytes/text -> Python objects (a Mapping passes through), with messages naming the file, line and
    column. Large inputs are checked for emptiness on their first 4 KiB only."""
    if isinstance(data, Mapping):
        return data
    if not isinstance(data, (bytes, bytearray, memoryview, str)):
        raise AnchorVizInputError(f"{name}: expected COCO JSON bytes, text or a dict, got {type(data).__name__}")
    if isinstance(data, memoryview):
        data = bytes(data)
    if not (data.strip() if isinstance(data, str) else bytes(data[:4096]).strip() or bytes(data).strip()):
        raise AnchorVizInputError(f"{name}: the file is empty; expected COCO JSON")
    try:
        return json.loads(data)
    except json.JSONDecodeError as e:
        raise AnchorVizInputError(
            f"{name}: expected valid JSON, parsing failed at line {e.lineno}, column {e.colno} ({e.msg})"
        ) from None
    except UnicodeDecodeError as e:
        raise AnchorVizInputError(f"{name}: expected UTF-8 JSON text, got undecodable bytes ({e.reason})") from None
    except RecursionError:
        raise AnchorVizInputError(f"{name}: expected COCO JSON, got JSON nested too deeply to read") from None


def load_coco_dataset(data: bytes | str | Mapping, *, name: str) -> dict:
    """Decode COCO JSON (or take an already decoded dict) and check its structure.

    Args:
        data: the file's bytes or text, or the decoded dict (not modified).
        name: file name for messages.

    Returns:
        A new top-level dict with "images", "annotations" and "categories" lists (entries are the caller's
        own dicts, shared, not copied).

    Raises:
        AnchorVizInputError: malformed JSON (with line and column), not a COCO dataset object, or entries
            lacking the ids/fields pycocotools needs.
    """
    decoded = decode_coco_json(data, name=name)

    if isinstance(decoded, list):
        hint = " (a list of detections looks like a COCO results file, not ground truth)" if decoded else ""
        raise AnchorVizInputError(
            f"{name}: expected a COCO dataset object with 'images', 'annotations' and 'categories', "
            f"got a JSON list{hint}"
        )
    if not isinstance(decoded, Mapping):
        raise AnchorVizInputError(
            f"{name}: expected a COCO dataset object with 'images', 'annotations' and 'categories', "
            f"got a JSON {type(decoded).__name__}"
        )
    missing = [k for k in ("images", "annotations", "categories") if k not in decoded]
    if "images" in missing:
        raise AnchorVizInputError(
            f"{name}: expected a COCO dataset object with 'images', 'annotations' and 'categories', "
            f"missing {', '.join(repr(k) for k in missing)} (keys found: {_few(list(decoded.keys()))})"
        )
    out = {}
    for key in ("images", "annotations", "categories"):
        value = decoded.get(key, [])
        if not isinstance(value, list):
            raise AnchorVizInputError(f"{name}: expected '{key}' to be a list, got {type(value).__name__}")
        for i, entry in enumerate(value):
            if not isinstance(entry, Mapping):
                raise AnchorVizInputError(f"{name}: {key}[{i}]: expected an object, got {type(entry).__name__}")
        out[key] = value
    for i, img in enumerate(out["images"]):
        _int_field(img, "id", name=name, loc=f"images[{i}]")
    for i, cat in enumerate(out["categories"]):
        _int_field(cat, "id", name=name, loc=f"categories[{i}]")
    for i, ann in enumerate(out["annotations"]):
        loc = f"annotations[{i}]"
        _int_field(ann, "image_id", name=name, loc=loc)
        _int_field(ann, "category_id", name=name, loc=loc)
    return out


def _build_index(ds: dict, *, name: str) -> COCO:
    """pycocotools index over shallow copies; annotation ids replaced by their position in the file."""
    dataset = {
        "images": list(ds["images"]),
        "annotations": [{**ann, "id": i, "_source_id": ann.get("id")} for i, ann in enumerate(ds["annotations"])],
        "categories": list(ds["categories"]),
    }
    with contextlib.redirect_stdout(io.StringIO()):  # createIndex prints progress
        coco = COCO()
        coco.dataset = dataset
        coco.createIndex()
    if len(coco.imgs) != len(dataset["images"]):
        dup = _first_duplicate(img["id"] for img in dataset["images"])
        raise AnchorVizInputError(f"{name}: expected unique image ids, got image id {dup} more than once")
    if len(coco.cats) != len(dataset["categories"]):
        dup = _first_duplicate(c["id"] for c in dataset["categories"])
        raise AnchorVizInputError(f"{name}: expected unique category ids, got category id {dup} more than once")
    return coco


def _category_names(cats: list, *, name: str) -> tuple[str, ...]:
    names = []
    for c in cats:
        n = c.get("name")
        if not isinstance(n, str) or not n:
            raise AnchorVizInputError(f"{name}, category id {c['id']}: expected a non-empty 'name', got {n!r}")
        names.append(n)
    dup = _first_duplicate(names)
    if dup is not None:
        ids = [c["id"] for c in cats if c["name"] == dup]
        raise AnchorVizInputError(
            f"{name}: expected unique category names, got {dup!r} for category ids {_few(ids)}"
        )
    return tuple(names)


def _int_field(entry: Mapping, key: str, *, name: str, loc: str) -> int:
    if key not in entry:
        raise AnchorVizInputError(f"{name}, {loc}: expected the field '{key}', it is missing")
    v = entry[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not v.is_integer()):
        raise AnchorVizInputError(f"{name}, {loc}: expected '{key}' to be a whole number, got {_short(v)}")
    return int(v)


def _first_duplicate(values):
    seen = set()
    for v in values:
        if v in seen:
            return v
        seen.add(v)
    return None


def _few(values, n: int = 8) -> str:
    values = list(values)
    shown = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values[:n])
    if len(values) > n:
        shown += f", ... {len(values) - n} more"
    return shown or "none"


def _short(v, n: int = 60) -> str:
    text = repr(v)
    return text if len(text) <= n else text[: n - 3] + "..."
