"""Comparing anchorviz's value with a golden value, field by field, naming every difference.

* floats: rtol 1e-6 (1e-5 where the path contains "decod", "roundtrip" or "output"), with an absolute floor of
  rtol * max(1, |largest golden value|); NaN must match NaN ("nan"/"inf" strings are decoded);
* integers, booleans, labels, indices and shapes: exactly;
* strings: exactly; ``null``: only ``None`` matches it;
* mappings: every golden key, recursively (a key anchorviz did not compute fails with its path);
* lists of mappings, and ragged lists: element by element;
* large anchor sets stored as summaries (shape, column sums / min / max, first / last / sampled rows, the sha256
  of round(a, 6) as little-endian float64): every field the summary holds is checked, the hash exactly; a summary
  field the checker cannot check (``sample_indices`` without ``sample_rows``) fails rather than being skipped.

An empty golden list matches any empty value (JSON cannot say which shape an empty array had). A value that
cannot be compared at all (not numbers, a summary of something that is not an (N, 4) array) is a difference,
never a pass.
"""

from __future__ import annotations

import hashlib

import numpy as np

from anchorviz.parity.golden import as_array, decode

__all__ = ["compare", "SUMMARY_KEYS", "summary_hash"]

SUMMARY_KEYS = frozenset({"shape", "col_sum", "col_min", "col_max", "sha256_float64_rounded6", "first_rows",
                          "last_rows", "sample_indices", "sample_rows"})


def _rtol_for(path: str) -> float:
    return 1e-5 if ("decod" in path or "roundtrip" in path or "output" in path) else 1e-6


def _is_summary(gold) -> bool:
    return isinstance(gold, dict) and bool(gold) and set(gold) <= SUMMARY_KEYS


def compare(ours, gold, path: str, problems: list[str]) -> None:
    """Append to ``problems`` one sentence per difference between ``ours`` and ``gold`` at ``path``."""
    try:
        _compare(ours, gold, path, problems)
    except Exception as e:  # noqa: BLE001 - anything that stops a comparison is a difference, not a pass
        problems.append(f"{path}: could not be compared ({type(e).__name__}: {e})")


def _compare(ours, gold, path: str, problems: list[str]) -> None:
    if gold is None:
        if ours is not None:
            problems.append(f"{path}: expected null, got {type(ours).__name__}")
        return
    if _is_summary(gold):
        _compare_summary(ours, gold, path, problems)
        return
    if isinstance(gold, dict):
        if not isinstance(ours, dict):
            problems.append(f"{path}: expected a mapping with keys {sorted(gold)[:6]}, got {type(ours).__name__}")
            return
        for k, v in gold.items():
            if k not in ours:
                problems.append(f"{path}.{k}: not computed by anchorviz")
            else:
                _compare(ours[k], v, f"{path}.{k}", problems)
        return
    if isinstance(gold, list) and gold and (isinstance(gold[0], dict) or (isinstance(gold[0], list) and _ragged(gold))):
        if not isinstance(ours, (list, tuple)) or len(ours) != len(gold):
            got = len(ours) if isinstance(ours, (list, tuple)) else type(ours).__name__
            problems.append(f"{path}: expected {len(gold)} entries, got {got}")
            return
        for i, (o, g) in enumerate(zip(ours, gold)):
            _compare(o, g, f"{path}[{i}]", problems)
        return
    if isinstance(gold, str) and gold not in ("nan", "inf", "-inf"):
        if str(ours) != gold:  # str(): a handler may hand back a dtype for a golden "float32"
            problems.append(f"{path}: expected {gold!r}, got {ours!r}")
        return
    _compare_numbers(ours, gold, path, problems)


def _compare_numbers(ours, gold, path: str, problems: list[str]) -> None:
    g = as_array(gold)
    try:
        o = np.asarray(ours, np.float64)
    except (TypeError, ValueError):
        problems.append(f"{path}: could not read anchorviz's value as numbers ({type(ours).__name__})")
        return
    if o.shape != g.shape:
        if o.size == g.size:
            o = o.reshape(g.shape)  # e.g. torchvision's (N, 1, 4) decode against an (N, 4) golden
        else:
            problems.append(f"{path}: shape {list(o.shape)} instead of {list(g.shape)}")
            return
    if g.size == 0:
        return
    if _is_integral(gold):
        bad = ~((o == g) | (np.isnan(o) & np.isnan(g)))
        if bad.any():
            i = np.argwhere(bad)[0]
            problems.append(f"{path}: {int(bad.sum())} of {g.size} values differ, first at {i.tolist()}: "
                            f"anchorviz {o[tuple(i)]:g}, library {g[tuple(i)]:g}")
        return
    rtol = _rtol_for(path)
    finite = np.isfinite(g)
    atol = rtol * max(1.0, float(np.abs(g[finite]).max())) if finite.any() else 0.0
    close = np.isclose(o, g, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        i = np.argwhere(~close)[0]
        problems.append(f"{path}: {int((~close).sum())} of {g.size} values differ beyond rtol {rtol:g}, first at "
                        f"{i.tolist()}: anchorviz {o[tuple(i)]!r}, library {g[tuple(i)]!r}")


def _ragged(gold: list) -> bool:
    try:
        np.asarray(decode(gold), np.float64)
    except ValueError:
        return True
    return False


def _is_integral(gold) -> bool:
    """True when the golden values are all ints (JSON ints or booleans, not floats): labels, indices, counts."""
    if isinstance(gold, (bool, int)):
        return True
    if isinstance(gold, list):
        return bool(gold) and all(_is_integral(x) for x in gold)
    return False


def summary_hash(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(np.round(a.astype("<f8"), 6)).tobytes()).hexdigest()


def _compare_summary(ours, gold: dict, path: str, problems: list[str]) -> None:
    try:
        a = np.asarray(ours, np.float64)
    except (TypeError, ValueError):
        problems.append(f"{path}: a summary of an (N, 4) array was expected; anchorviz's value is not one array")
        return
    if a.ndim != 2:
        if a.size % 4:
            problems.append(f"{path}: a summary of an (N, 4) array was expected, got shape {list(a.shape)}")
            return
        a = a.reshape(-1, 4)
    if "shape" in gold and list(a.shape) != list(gold["shape"]):
        problems.append(f"{path}.shape: {list(a.shape)} instead of {gold['shape']}")
        return
    for k, v in gold.items():
        if k == "shape":
            continue
        if k == "col_sum":
            _compare(a.sum(axis=0), v, f"{path}.{k}", problems)
        elif k == "col_min":
            _compare(a.min(axis=0) if len(a) else a[:0], v, f"{path}.{k}", problems)
        elif k == "col_max":
            _compare(a.max(axis=0) if len(a) else a[:0], v, f"{path}.{k}", problems)
        elif k == "first_rows":
            _compare(a[:len(v)], v, f"{path}.{k}", problems)
        elif k == "last_rows":
            _compare(a[len(a) - len(v):], v, f"{path}.{k}", problems)
        elif k == "sample_rows":
            if "sample_indices" not in gold:
                problems.append(f"{path}.sample_rows: the summary has no sample_indices, so the rows cannot be checked")
                continue
            idx = np.asarray(gold["sample_indices"], np.int64)
            if len(idx) and (idx.min() < -len(a) or idx.max() >= len(a)):
                problems.append(f"{path}.sample_indices: index out of range for {len(a)} rows")
                continue
            _compare(a[idx], v, f"{path}.{k}", problems)
        elif k == "sample_indices":
            if "sample_rows" not in gold:
                problems.append(f"{path}.sample_indices: the summary has no sample_rows to compare at them")
        elif k == "sha256_float64_rounded6":
            if summary_hash(a) != v:
                problems.append(f"{path}.sha256_float64_rounded6: the rounded array's hash differs")
