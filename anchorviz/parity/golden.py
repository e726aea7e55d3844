"""Reading golden files: values ("nan"/"inf" strings), references to ``common_inputs``, which library a file is
about and which handler keys a case's ``function`` string may match.

A handler never sees the expected outputs; it gets the case's parameters and inputs, already resolved.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

__all__ = ["Skip", "CaseError", "decode", "as_array", "as_boxes", "resolve", "library_key", "function_keys",
           "file_context", "load_golden", "LIBRARY_KEYS"]

#: The library keys handlers register under (``HANDLERS[(library key, function string)]``).
LIBRARY_KEYS = ("torchvision", "mmdet", "detectron2", "keras_retinanet", "d2l", "yolov5", "ultralytics", "yolox")


class Skip(Exception):
    """A case that cannot be reproduced without another library's random stream (reported, not failed)."""


class CaseError(Exception):
    """A case whose parameters or inputs anchorviz cannot read (reported as a failure)."""


def decode(v):
    """JSON value -> Python value with "nan"/"inf"/"-inf" strings turned into floats."""
    if isinstance(v, str) and v in ("nan", "inf", "-inf"):
        return float(v)
    if isinstance(v, list):
        return [decode(x) for x in v]
    if isinstance(v, dict):
        return {k: decode(x) for k, x in v.items()}
    return v


def as_array(v, dtype=np.float64) -> np.ndarray:
    return np.asarray(decode(v), dtype=dtype)


def as_boxes(v) -> np.ndarray:
    """A golden box list as float64 (N, 4); an empty list gives (0, 4)."""
    a = as_array(v)
    return a.reshape(-1, 4) if a.size else np.zeros((0, 4))


def resolve(value, common: dict):
    """Replace references to ``common_inputs`` (a bare key string, or ``{"$ref": key}``) by their values."""
    if isinstance(value, str) and value in common:
        return common[value]
    if isinstance(value, dict):
        if set(value) == {"$ref"} and value["$ref"] in common:
            return common[value["$ref"]]
        return {k: resolve(v, common) for k, v in value.items()}
    return value


def library_key(name: str) -> str:
    """The file's ``library`` text -> a key of LIBRARY_KEYS ("ultralytics/yolov5 autoanchor" is yolov5)."""
    low = name.lower()
    for needle, key in (("torchvision", "torchvision"), ("detectron2", "detectron2"), ("keras", "keras_retinanet"),
                        ("d2l", "d2l"), ("yolov5", "yolov5"), ("yolox", "yolox"), ("ultralytics", "ultralytics"),
                        ("mmdet", "mmdet")):
        if needle in low:
            return key
    raise CaseError(f"unknown library {name!r}; expected one of {', '.join(LIBRARY_KEYS)}")


def function_keys(function: str) -> list[str]:
    """The handler keys a ``function`` string may match, most specific first: the exact string, then without
    its trailing " (...)" parenthetical, then without everything from the first " (" on."""
    f = function.strip()
    keys = [f]
    for stripped in (re.sub(r"\s+\([^()]*\)$", "", f), re.sub(r"\s+\(.*\)$", "", f)):
        if stripped and stripped not in keys:
            keys.append(stripped)
    return keys


def file_context(data: dict) -> dict:
    """Inputs some cases refer to implicitly: the ENC anchor/GT pairs a ``roundtrip_decoded_of_ENC`` output
    decodes again (d2l, keras-retinanet), taken from the file's encode case; and ``cases``, every case of the
    file (some loss goldens write an input as "same as the other focal cases")."""
    ctx: dict = {"cases": data.get("cases", [])}
    common = data.get("common_inputs") or {}
    for c in data.get("cases", []):
        inp = resolve(c.get("inputs") or {}, common)
        if not isinstance(inp, dict):
            continue
        if "enc_anchors" in inp and "enc_gts" in inp:
            ctx.setdefault("enc_anchors", inp["enc_anchors"])
            ctx.setdefault("enc_gts", inp["enc_gts"])
        elif "anchors" in inp and ("gt_boxes" in inp or "assigned_bb" in inp) and "Matcher" not in c.get("function", ""):
            ctx.setdefault("enc_anchors", inp["anchors"])
            ctx.setdefault("enc_gts", inp.get("gt_boxes", inp.get("assigned_bb")))
    return ctx


def load_golden(path: str | Path) -> dict:
    """A golden file as a dict (OSError / json.JSONDecodeError when it cannot be read)."""
    return json.loads(Path(path).read_text())
