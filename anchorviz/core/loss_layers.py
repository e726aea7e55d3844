"""What the Loss view draws, picked out of a ``LossResult``'s per-anchor arrays. NumPy only; the figure builder
(``anchorviz.viz.loss``) only arranges what this returns.

The anchors of one location (grid cell) share a centre, so the image shows one dot per location: the summed share
of the shown term (classification or box) of the anchors that count there, and whether any of its anchors is
ignored or left out by the minibatch sampler (those contribute exactly 0). The hover goes to the locations that
carry the most loss, a few hundred at most, so 200,000 anchors cost a dot raster and a small marker trace.

Anchors are location-major within a level (``AnchorSet``): location j of a level holds anchors
``start + j*A .. start + (j+1)*A - 1``, which is how a location's anchors are found again for its hover text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["LossLayers", "loss_layers", "locations", "location_anchors"]

_IGNORED, _NOT_SAMPLED, _POSITIVE = -1, -2, 1  # anchorviz.core.loss.Role values (int8 in LossResult.role)


@dataclass(frozen=True, eq=False)
class Locations:
    """Every location of an AnchorSet: which location each anchor is at, and each location's first anchor."""

    of_anchor: np.ndarray  # int64 (N,)
    first: np.ndarray      # int64 (L,) index of the location's first anchor
    count: np.ndarray      # int64 (L,) anchors at the location (the level's A)
    xy: np.ndarray         # float64 (L, 2) centre


def locations(aset: AnchorSet) -> Locations:
    """The locations of ``aset``, built once per AnchorSet (kept on it: the page asks on every rerun)."""
    cached = aset.__dict__.get("_locations")
    if cached is not None:
        return cached
    of_anchor, first, count = [], [], []
    base = 0
    for g in aset.levels:
        n_loc = g.count // g.num_shapes
        of_anchor.append(base + np.arange(g.count, dtype=np.int64) // g.num_shapes)
        first.append(g.start + np.arange(n_loc, dtype=np.int64) * g.num_shapes)
        count.append(np.full(n_loc, g.num_shapes, np.int64))
        base += n_loc
    first_a = np.concatenate(first) if first else np.zeros(0, np.int64)
    out = Locations(of_anchor=np.concatenate(of_anchor) if of_anchor else np.zeros(0, np.int64), first=first_a,
                    count=np.concatenate(count) if count else np.zeros(0, np.int64),
                    xy=aset.centres()[first_a])
    for arr in (out.of_anchor, out.first, out.count, out.xy):
        arr.setflags(write=False)
    aset.__dict__["_locations"] = out
    return out


def location_anchors(aset: AnchorSet, loc: int) -> np.ndarray:
    """int64 indices of the anchors at location ``loc``."""
    L = locations(aset)
    return np.arange(L.first[loc], L.first[loc] + L.count[loc], dtype=np.int64)


@dataclass(frozen=True, eq=False)
class LossLayers:
    """One term's loss over the image, per location.

    Attributes:
        image_hw: the network input (height, width).
        loc_xy: float64 (L, 2) centres of every location.
        loc_share: float64 (L,) summed share of the term of the location's counted anchors (0 where none).
        loc_counted: bool (L,) some anchor there counts in the term.
        loc_positive: bool (L,) some anchor there is a positive that counts.
        loc_ignored: bool (L,) some anchor there is ignored (it contributes 0).
        loc_not_sampled: bool (L,) some anchor there was left out by the minibatch sampler (contributes 0).
        top_loc: int64 (k,) the locations with the largest share (> 0), largest first: the hover.
        pos_idx: int64 (p,) the positives that count (box term: the ones with a box loss).
        pos_share: float64 (p,) each positive's share of the term.
        counts: anchors per group: "counted", "ignored", "not_sampled", "positive".
    """

    image_hw: tuple[int, int]
    loc_xy: np.ndarray
    loc_share: np.ndarray
    loc_counted: np.ndarray
    loc_positive: np.ndarray
    loc_ignored: np.ndarray
    loc_not_sampled: np.ndarray
    top_loc: np.ndarray
    pos_idx: np.ndarray
    pos_share: np.ndarray
    counts: dict


def loss_layers(aset: AnchorSet, role: np.ndarray, loss: np.ndarray, counted: np.ndarray, *, scale: float,
                term_value: float, top_k: int = 300) -> LossLayers:
    """Per-location view of one loss term.

    Args:
        aset: the anchors.
        role (ndarray[N], int): ``Role`` values (1 positive, 0 negative, -1 ignored, -2 not sampled).
        loss (ndarray[N]): each anchor's loss for the term before the normaliser (0 where it does not count).
        counted (ndarray[N], bool): which anchors enter the term.
        scale: weight / normaliser of the term, so ``loss * scale`` is each anchor's part of the term.
        term_value: the term (the sum of the parts); shares are parts / term (0 when the term is 0).
        top_k: at most this many locations get a hover.

    Raises:
        AnchorVizInputError: arrays of another length than the anchors, top_k < 0.
    """
    n = len(aset)
    role, loss, counted = np.asarray(role), np.asarray(loss), np.asarray(counted, bool)
    if role.shape != (n,) or loss.shape != (n,) or counted.shape != (n,):
        raise AnchorVizInputError(f"role, loss, counted: expected {n} values each (one per anchor), got "
                                  f"{role.shape}, {loss.shape} and {counted.shape}")
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 0:
        raise AnchorVizInputError(f"top_k: expected an integer >= 0, got {top_k!r}")
    L = locations(aset)
    n_loc = len(L.first)
    k = float(scale) / float(term_value) if term_value and np.isfinite(scale) else 0.0
    share = loss.astype(np.float64) * k  # the anchor's part of the term / the term
    share[~counted] = 0.0
    loc_share = np.bincount(L.of_anchor, weights=share, minlength=n_loc)

    def any_at(mask: np.ndarray) -> np.ndarray:
        return np.bincount(L.of_anchor[mask], minlength=n_loc) > 0

    pos = counted & (role == _POSITIVE)
    ignored, not_sampled = role == _IGNORED, role == _NOT_SAMPLED
    top = np.flatnonzero(loc_share > 0)
    if len(top) > top_k:
        top = top[np.argpartition(-loc_share[top], top_k - 1)[:top_k]] if top_k else top[:0]
    top = top[np.argsort(-loc_share[top], kind="stable")]
    pos_idx = np.flatnonzero(pos)
    return LossLayers(image_hw=tuple(aset.image_hw), loc_xy=L.xy, loc_share=loc_share, loc_counted=any_at(counted),
                      loc_positive=any_at(pos), loc_ignored=any_at(ignored), loc_not_sampled=any_at(not_sampled),
                      top_loc=top.astype(np.int64), pos_idx=pos_idx, pos_share=share[pos_idx],
                      counts={"counted": int(counted.sum()), "ignored": int(ignored.sum()),
                              "not_sampled": int(not_sampled.sum()), "positive": len(pos_idx)})
