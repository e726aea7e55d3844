"""torch.topk's selection with tie detection and the emulated CPU order (anchorviz.core.assigners._topk)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from anchorviz.core.assigners._topk import largest_values, smallest_k_per_column, torch_topk_set

REF = Path(__file__).parents[2] / "data" / "reference"


def test_golden_tie_fill_of_a_tal_row_is_reproduced():
    """GT 1 of the first ultralytics case has 5 non-zero metrics: CPU torch fills its top 10 with the zero-metric
    points 1, 3, 4, 7, 8 (a heap of the first ten, partial_sort since 10 * 64 <= 1344)."""
    case = json.loads((REF / "assign_ultralytics.json").read_text())["cases"][0]
    row = np.zeros(1344, np.float32)
    for _, g, p, v in case["outputs"]["align_metric_raw_[b,gt,point,value]"]:
        if g == 1:
            row[p] = v
    idx, tie = torch_topk_set(row, 10)
    assert tie
    assert idx.tolist() == [1, 3, 4, 7, 8, 242, 243, 274, 275, 1081]


@pytest.mark.parametrize(("values", "k", "largest", "expected", "tie"), [
    ([0.1, 0.5, 0.3], 2, True, [1, 2], False),  # plain top 2
    ([0.1, 0.5, 0.3], 2, False, [0, 2], False),  # smallest
    ([0.0, 0.0, 0.0, 0.5], 2, True, [2, 3], True),  # k * 64 > n: libstdc++ introselect decides among the zeros
    ([1.0, 2.0], 5, True, [0, 1], False),  # k >= n: everything, no boundary
    ([np.nan, 1.0, 2.0], 1, True, [0], True),  # NaN is the largest, as in torch
    ([np.nan, 1.0, 2.0], 1, False, [1], True),  # and the last for smallest
])
def test_small_rows(values, k, largest, expected, tie):
    idx, t = torch_topk_set(np.asarray(values, np.float32), k, largest=largest)
    assert idx.tolist() == expected
    assert t == tie


def test_an_all_zero_long_row_picks_the_first_k():
    idx, tie = torch_topk_set(np.zeros(8400, np.float32), 13)
    assert tie and idx.tolist() == list(range(13))


@pytest.mark.parametrize("seed", range(40))
def test_selection_is_always_a_valid_top_k_and_exact_without_ties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 900))
    k = int(rng.integers(1, min(n, 20) + 1))
    ties = seed % 2 == 0
    v = (rng.integers(0, 4, n) if ties else rng.normal(0, 1, n)).astype(np.float32)
    for largest in (True, False):
        idx, tie = torch_topk_set(v, k, largest=largest)
        assert len(set(idx.tolist())) == min(k, n)
        rest = np.delete(v, idx)
        if len(rest):
            assert (v[idx].min() >= rest.max()) if largest else (v[idx].max() <= rest.min())
        order = np.argsort(-v if largest else v, kind="stable")
        if k < n and v[order[k - 1]] != v[order[k]]:
            assert not tie and sorted(idx.tolist()) == sorted(order[:k].tolist())


def test_column_helpers_match_a_sort():
    rng = np.random.default_rng(3)
    cost = rng.normal(0, 1, (50, 6)).astype(np.float32)
    ks = np.array([1, 3, 5, 50, 60, 2])
    sel, ties = smallest_k_per_column(cost, ks)
    for j, k in enumerate(ks):
        assert sorted(np.flatnonzero(sel[:, j]).tolist()) == sorted(np.argsort(cost[:, j])[:min(k, 50)].tolist())
    assert not ties.any()
    assert np.array_equal(largest_values(cost, 4), -np.sort(-cost, axis=0)[:4])


def test_column_tie_is_flagged_and_resolved_like_a_single_row():
    cost = np.array([[1.0, 0.0], [0.5, 0.0], [0.5, 0.0], [2.0, 1.0]], np.float32)
    sel, ties = smallest_k_per_column(cost, np.array([1, 1]))  # both columns: the two best are equal
    assert ties.tolist() == [True, True]
    for j, k in ((0, 1), (1, 1)):
        assert np.flatnonzero(sel[:, j]).tolist() == torch_topk_set(cost[:, j], k, largest=False)[0].tolist()


@pytest.mark.parametrize("seed", range(20))
def test_columns_with_nan_and_ties_equal_the_row_emulation(seed):
    """YOLOX's IoU gives NaN for 0/0: the column helpers must then pick exactly what torch picks row by row."""
    rng = np.random.default_rng(seed)
    k_rows, m = int(rng.integers(2, 80)), int(rng.integers(1, 5))
    cost = rng.integers(0, 6, (k_rows, m)).astype(np.float32)
    cost[rng.random((k_rows, m)) < 0.15] = np.nan
    ks = rng.integers(1, k_rows + 2, m)
    sel, _ = smallest_k_per_column(cost, ks)
    for j in range(m):
        k = min(int(ks[j]), k_rows)
        expected = torch_topk_set(cost[:, j], k, largest=False)[0]
        assert np.flatnonzero(sel[:, j]).tolist() == expected.tolist()
    k = int(rng.integers(1, k_rows + 1))
    values = largest_values(cost, k)
    for j in range(m):
        col = cost[:, j]
        nan = np.full(int(np.isnan(col).sum()), np.nan)
        assert np.array_equal(values[:, j], np.concatenate([nan, -np.sort(-col[~np.isnan(col)])])[:k], equal_nan=True)


@pytest.mark.parametrize("seed", range(6))
def test_block_cut_heads_equal_the_plain_partition_bit_for_bit(seed):
    """The block cut of long columns (``_sorted_heads``) returns the same values as partitioning the whole column,
    on columns full of ties, zeros of both signs, infinities and mostly-equal values, and ``largest_values``
    keeps the plain path's bits where +0.0 and -0.0 both reach the head."""
    from anchorviz.core.assigners._topk import _sorted_heads, _sorted_heads_plain

    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(700, 6000)), int(rng.integers(1, 40))
    a = rng.choice(np.array([0.0, -0.0, 0.25, 0.5, np.inf, 1e30], np.float32), size=(n, m))
    a[:, ::3] = rng.random((n, len(range(0, m, 3)))).astype(np.float32)  # some columns without ties
    a[:, 1::4] = np.float32(0.5)  # some constant columns
    a[rng.random((n, m)) < 0.7] = np.float32(-0.0 if seed % 2 else 0.0)  # sparse, like IoUs
    for depth in (1, 5, 10, 13, 14):
        got, want = _sorted_heads(a, depth), _sorted_heads_plain(a, depth)
        assert np.array_equal(got, want)  # values (a +0 / -0 choice is not part of _sorted_heads' answer)
        assert np.array_equal(largest_values(a, depth).view(np.uint32), (-_sorted_heads_plain(-a, depth)).T.view(np.uint32))
