"""Shared reading helpers for the loss parity handlers (loss_<library>.py beside this file).

The lead moves these modules into anchorviz/parity/handlers/ at merge. Handlers follow the brief's protocol:
``handler(params, inputs, ctx) -> {output name: value}`` with params/inputs already resolved against
``common_inputs``. Two golden layouts need more than one case's params and inputs, so the loss handlers read two
optional ctx entries that :func:`loss_context` builds (the checker passes them along with "keys" and "common"):

* ``ctx["case"]``: the raw case. detectron2's RetinaNet EMA case stores each call's predictions under
  ``outputs.calls[i]`` (its inputs hold only the image indices of each call); the handler reads those prediction
  arrays -- inputs of the loss that the generator happened to write beside the results -- and computes the rest.
* ``ctx["cases"]``: every case of the file. Some inputs are written as references to another case
  ("same probabilities as the other focal cases"); the handler then takes that array from the case that holds it.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["loss_context", "f32", "boxes", "images", "reduce_keys", "input_from_sibling", "common_ref"]


def loss_context(data: dict, case: dict) -> dict:
    """The ctx entries the loss handlers read beyond the brief's "keys" and "common"."""
    return {"case": case, "cases": data.get("cases", []), "common": data.get("common_inputs") or {},
            "keys": list((case.get("outputs") or {}).keys())}


def _decode(v):
    if isinstance(v, str) and v in ("nan", "inf", "-inf"):
        return float(v)
    if isinstance(v, list):
        return [_decode(x) for x in v]
    return v


def f32(v) -> np.ndarray:
    """A JSON array as float32 (the goldens store float32 values as their exact doubles)."""
    return np.asarray(_decode(v), np.float32)


def boxes(v) -> np.ndarray:
    a = np.asarray(_decode(v), np.float64)
    return a.reshape(-1, 4) if a.size else np.zeros((0, 4))


def images(common: dict) -> list[tuple[np.ndarray, np.ndarray]]:
    """(gt boxes float64 (M, 4), 0-based classes int64 (M,)) per image of ``common_inputs.images``.

    The files name the class field differently: "labels_0based", "classes_0based", or torchvision's "labels"
    (which torchvision uses as raw column indices; callers that need 0-based classes subtract 1 themselves).
    """
    out = []
    for im in common["images"]:
        key = next(k for k in ("labels_0based", "classes_0based", "labels") if k in im)
        out.append((boxes(im["boxes"]), np.asarray(im[key], np.int64)))
    return out


_AVG = re.compile(r"avg_factor_(\d+(?:\.\d+)?)")


def reduce_keys(keys) -> dict[str, dict]:
    """How each output of an mmdet loss-module case is reduced, read from its name.

    "none" -> per element; "mean"/"mean_no_avg_factor" -> mean over all; "sum"; "..._avg_factor_K" -> mean with
    avg_factor K; "weight" in the name -> the case's weight is applied; "ignore_index_K_avg_non_ignore" -> softmax CE
    with that ignore index and avg_non_ignore. Returns {key: {"reduction", "avg_factor", "weighted", ...}}.
    """
    out = {}
    for k in keys:
        spec = {"reduction": "mean", "avg_factor": None, "weighted": "weight" in k}
        if k == "none":
            spec["reduction"] = "none"
        elif k.startswith("sum"):
            spec["reduction"] = "sum"
        m = _AVG.search(k)
        if m:
            spec["avg_factor"] = float(m.group(1))
        m = re.fullmatch(r"ignore_index_(-?\d+)_avg_non_ignore", k)
        if m:
            spec.update(ignore_index=int(m.group(1)), avg_non_ignore=True)
        out[k] = spec
    return out


def input_from_sibling(ctx: dict, function_prefix: str, name: str):
    """The first list-valued input ``name`` among the file's cases whose function starts with ``function_prefix``."""
    for c in ctx.get("cases", []):
        v = (c.get("inputs") or {}).get(name)
        if c.get("function", "").startswith(function_prefix) and isinstance(v, list):
            return v
    raise KeyError(f"no case of {function_prefix!r} stores {name!r} as an array")


_REF = re.compile(r"common_inputs\.(\w+)(?:\[(-?\d*):(-?\d*)(?::(-?\d+))?\])?")


def common_ref(value, common: dict):
    """An input written as a reference into common_inputs, e.g. "common_inputs.anchors[::2] for every image".

    Arrays are passed through; a string names a common_inputs key, optionally with a Python slice, and the
    referenced value (sliced) is returned.
    """
    if not isinstance(value, str):
        return value
    m = _REF.search(value)
    if not m or m.group(1) not in common:
        raise KeyError(f"cannot read the input {value!r}")
    v = common[m.group(1)]
    if m.group(0).endswith("]"):
        start, stop, step = (int(g) if g else None for g in m.group(2, 3, 4))
        v = v[slice(start, stop, step)]
    return v
