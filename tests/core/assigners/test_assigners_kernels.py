"""The assigners' blocked / reformulated kernels give the bits of their whole-matrix formulas (issue 14's speed-ups
must not move a single value: the parity goldens compare with a tolerance, these compare bits)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from anchorviz.core.assigners._overlaps import _ROWS, any_per_row, inside_squares, strictly_inside
from anchorviz.core.assigners.dsl import _centre_prior
from anchorviz.core.points import library_points

F = np.float32


def _scene(seed: int, m: int):
    rng = np.random.default_rng(seed)
    grid = library_points("mmdet_rtmdet", (640, 640), (8, 16, 32))
    xy = rng.uniform(0, 600, (m, 2))
    wh = rng.uniform(2, 300, (m, 2))
    return grid, np.concatenate([xy, xy + wh], axis=1).astype(F)


@pytest.mark.parametrize(("seed", "m"), [(0, 50), (1, 1), (2, 7), (3, 120)])
def test_centre_prior_blocks_equal_the_whole_matrix_formula(seed, m):
    grid, g = _scene(seed, m)
    rows = np.random.default_rng(seed).choice(len(grid), 3 * _ROWS + 17, replace=False)  # several blocks + a tail
    pts, st = grid.points.astype(F)[rows], grid.strides.astype(F)[rows]
    distance, prior = _centre_prior(pts, st, g, 3.0)
    centre = (g[:, :2] + g[:, 2:]) / F(2)  # the formula before blocking, verbatim
    dx = pts[:, 0:1] - centre[None, :, 0]
    dy = pts[:, 1:2] - centre[None, :, 1]
    want_d = np.sqrt(dx * dx + dy * dy) / st[:, None]
    with np.errstate(over="ignore"):
        want_p = np.exp((want_d - F(3.0)).astype(np.float64) * math.log(10.0)).astype(F)
    assert np.isinf(want_p).any() and distance.dtype == prior.dtype == F
    assert np.array_equal(distance.view(np.uint32), want_d.view(np.uint32))
    assert np.array_equal(prior.view(np.uint32), want_p.view(np.uint32))


@pytest.mark.parametrize("seed", range(4))
def test_row_any_and_level_slices_equal_the_plain_forms(seed):
    grid, g = _scene(seed, 40)
    pts, st = grid.points.astype(F), grid.strides.astype(F)
    inside = strictly_inside(pts, g[:, :2], g[:, 2:])
    assert np.array_equal(any_per_row(inside), inside.any(axis=1))
    assert not any_per_row(np.zeros((5, 0), bool)).any()
    centres = (g[:, :2] + g[:, 2:]) / F(2)
    perm = np.random.default_rng(seed).permutation(len(pts))  # levels no longer contiguous: the gather path
    got, got_perm = inside_squares(pts, st, centres, 2.5), inside_squares(pts[perm], st[perm], centres, 2.5)
    want = np.zeros_like(got)
    for s in np.unique(st):
        rows = np.flatnonzero(st == s)
        r = F(2.5) * F(s)
        want[rows] = strictly_inside(pts[rows], centres - r, centres + r)
    assert np.array_equal(got, want) and np.array_equal(got_perm, want[perm])
