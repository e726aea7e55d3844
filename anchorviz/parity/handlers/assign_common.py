"""Small helpers shared by the assigner parity handlers."""

from __future__ import annotations

import numpy as np


def pairs(mask: np.ndarray) -> list:
    """[[row, col], ...] of a boolean matrix in torch.nonzero order (row-major); [] when empty."""
    return np.argwhere(mask).tolist()


def by_prefix(d: dict, name: str, default=None):
    """The value of key ``name`` or of a key ``name (...)``: goldens annotate some names, e.g.
    "center_radius (hard-coded)" or "anc_points_px (micro scene; ...)"."""
    for k, v in d.items():
        if k == name or k.startswith(name + " "):
            return v
    return default


def listify(value):
    """Arrays (also inside dicts and lists) as plain lists, so an empty result compares as [] whatever its
    trailing shape (the goldens write an empty (0, 4) array as [])."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {k: listify(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [listify(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def with_lists(handler):
    """A handler whose outputs go through ``listify``."""
    def run(params: dict, inputs: dict, ctx: dict) -> dict:
        return listify(handler(params, inputs, ctx))
    run.__name__ = run.__qualname__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run
