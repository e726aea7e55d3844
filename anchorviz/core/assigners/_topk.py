"""torch.topk's selection, including what CPU torch does when values tie at the k-th place.

Every dynamic assigner picks its positives with ``torch.topk``. PyTorch documents no order for equal values, so
when the k-th and (k+1)-th values are equal, *which* of the tied points is picked is implementation-defined. It
matters: in ultralytics' TAL a GT with fewer than k non-zero metrics fills its top-k with zero-metric points, and
a zero-metric point inside the GT becomes a positive with target 0.

So every selection here first checks for a tie at the boundary (and reports it). Without a tie the set is fixed
by the values alone and NumPy's partition gives it. With a tie, the CPU kernel (aten/src/ATen/native/cpu/
SortingKernel.cpp, ``topk_impl_loop``) is emulated step by step: it fills (value, index) pairs and calls
libstdc++'s ``std::partial_sort`` (a heap of the first k, k * 64 <= n) or ``std::nth_element`` (introselect,
otherwise) with the comparator "NaN first, then larger" (largest) / "smaller, NaN last" (smallest). The set of
picked indices is then exactly CPU torch's: the golden files confirm it (a TAL case where 5 zero-metric points
fill a GT's top 10), and while writing it the emulation was compared with a compiled libstdc++ (g++ 12) on 3,000
random tie-heavy rows, both paths and NaN included, with no difference. CUDA torch would pick differently; the
``ties`` flags say where that can matter.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["torch_topk_set", "smallest_k_per_column", "largest_values"]


def _comp(largest: bool):
    if largest:
        return lambda a, b: (math.isnan(a[0]) and not math.isnan(b[0])) or a[0] > b[0]
    return lambda a, b: (not math.isnan(a[0]) and math.isnan(b[0])) or a[0] < b[0]


# --- libstdc++ heap and introselect, transcribed from the algorithm's definition (bits/stl_heap.h, stl_algo.h) ---


def _adjust_heap(h, first, hole, length, value, comp):
    """__adjust_heap on h[first:first+length] with positions relative to ``first``."""
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if comp(h[first + child], h[first + child - 1]):
            child -= 1
        h[first + hole] = h[first + child]
        hole = child
    if (length & 1) == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        h[first + hole] = h[first + child - 1]
        hole = child - 1
    # __push_heap on the shifted range
    parent = (hole - 1) // 2
    while hole > top and comp(h[first + parent], value):
        h[first + hole] = h[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    h[first + hole] = value


def _make_heap(h, first, length, comp):
    if length < 2:
        return
    parent = (length - 2) // 2
    while True:
        _adjust_heap(h, first, parent, length, h[first + parent], comp)
        if parent == 0:
            return
        parent -= 1


def _heap_select(h, first, middle, last, comp):
    """std::__heap_select: the ``middle - first`` best of h[first:last] end up in h[first:middle]."""
    length = middle - first
    _make_heap(h, first, length, comp)
    for i in range(middle, last):
        if comp(h[i], h[first]):
            value = h[i]
            h[i] = h[first]
            _adjust_heap(h, first, 0, length, value, comp)


def _move_median_to_first(h, result, a, b, c, comp):
    if comp(h[a], h[b]):
        if comp(h[b], h[c]):
            h[result], h[b] = h[b], h[result]
        elif comp(h[a], h[c]):
            h[result], h[c] = h[c], h[result]
        else:
            h[result], h[a] = h[a], h[result]
    elif comp(h[a], h[c]):
        h[result], h[a] = h[a], h[result]
    elif comp(h[b], h[c]):
        h[result], h[c] = h[c], h[result]
    else:
        h[result], h[b] = h[b], h[result]


def _unguarded_partition(h, first, last, pivot, comp):
    while True:
        while comp(h[first], h[pivot]):
            first += 1
        last -= 1
        while comp(h[pivot], h[last]):
            last -= 1
        if not first < last:
            return first
        h[first], h[last] = h[last], h[first]
        first += 1


def _insertion_sort(h, first, last, comp):
    if first == last:
        return
    for i in range(first + 1, last):
        val = h[i]
        if comp(val, h[first]):
            h[first + 1:i + 1] = h[first:i]
            h[first] = val
        else:
            j = i
            while comp(val, h[j - 1]):
                h[j] = h[j - 1]
                j -= 1
            h[j] = val


def _nth_element(h, nth, comp):
    first, last = 0, len(h)
    depth = 2 * (int(math.floor(math.log2(last))) if last > 0 else 0)
    while last - first > 3:
        if depth == 0:
            _heap_select(h, first, nth + 1, last, comp)
            h[first], h[nth] = h[nth], h[first]
            return
        depth -= 1
        mid = first + (last - first) // 2
        _move_median_to_first(h, first, first + 1, mid, last - 1, comp)
        cut = _unguarded_partition(h, first + 1, last, first, comp)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(h, first, last, comp)


def _emulate(values: np.ndarray, k: int, largest: bool) -> np.ndarray:
    """The indices CPU torch.topk returns for a 1-D row (as a sorted set)."""
    n = len(values)
    comp = _comp(largest)
    if k * 64 <= n:
        # std::partial_sort = __heap_select + sort_heap; the set is fixed by __heap_select, which only ever reads
        # the heap (the first k) and the element it compares, so the rest of the row need not be materialised.
        # Only elements that beat the initial top (the worst of the first k) can ever enter: the top only improves.
        heap = [(float(values[j]), j) for j in range(k)]
        if np.isnan(values).any():
            scan = range(k, n)
        else:
            head = values[:k]
            worst = head.min() if largest else head.max()
            better = values[k:] > worst if largest else values[k:] < worst
            scan = (np.flatnonzero(better) + k).tolist()
        _make_heap(heap, 0, k, comp)
        for i in scan:
            item = (float(values[i]), i)
            if comp(item, heap[0]):
                _adjust_heap(heap, 0, 0, k, item, comp)
        picked = [j for _, j in heap]
    else:
        h = [(float(v), j) for j, v in enumerate(values.tolist())]
        _nth_element(h, k - 1, comp)
        picked = [j for _, j in h[:k]]
    return np.sort(np.asarray(picked, np.int64))


def torch_topk_set(values, k: int, *, largest: bool = True) -> tuple[np.ndarray, bool]:
    """Which indices ``torch.topk(values, k, largest=largest)`` returns on CPU, and whether a tie decided it.

    Args:
        values: 1-D array (float32 values as the library holds them).
        k: 0 <= k; k >= len(values) returns every index.

    Returns:
        (int64 sorted indices, tie): ``tie`` is True when the k-th and (k+1)-th values are equal, so the set
        depends on the kernel's tie order (emulated here for CPU torch).

    >>> torch_topk_set([0.0, 0.0, 0.0, 0.5], 2)
    (array([2, 3]), True)
    """
    v = np.asarray(values)
    n = len(v)
    if k <= 0:
        return np.zeros(0, np.int64), False
    if k >= n:
        return np.arange(n, dtype=np.int64), False
    if np.isnan(v).any():
        return _emulate(v, k, largest), True
    key = -v if largest else v
    part = np.partition(key, (k - 1, k))
    kth, nxt = part[k - 1], part[k]
    if kth != nxt:
        idx = np.flatnonzero(key <= kth)
        return idx.astype(np.int64), False
    return _emulate(v, k, largest), True


def _sorted_heads(key: np.ndarray, depth: int) -> np.ndarray:
    """float (M, depth) the ``depth`` smallest values of every column of ``key`` (K, M), ascending.

    Values only (which of several equal values is returned is not part of the answer), so long columns are first
    cut down without changing it: split each column into blocks of ``_BLOCK_ROWS`` rows and keep the ``depth``
    blocks with the smallest minima. Every value below the depth-th smallest block minimum lies in a kept block,
    and the kept blocks hold ``depth`` values no larger than it, so the kept values have the same ``depth``
    smallest values as the column. NaN (NumPy sorts it last; a block minimum would hide it) takes the plain path.
    """
    n, m = key.shape
    nb = -(-n // _BLOCK_ROWS)
    if depth >= n or nb < 4 * depth:
        return _sorted_heads_plain(key, depth)
    padded = np.full((nb * _BLOCK_ROWS, m), np.inf, key.dtype)  # +inf never comes before a real value
    padded[:n] = key
    blocks = padded.reshape(nb, _BLOCK_ROWS, m)
    minima = blocks.min(axis=1)  # [nb, M]: elementwise minima of row slices, no transpose of the big array
    if np.isnan(minima).any():
        return _sorted_heads_plain(key, depth)
    keep = np.argpartition(minima.T, depth - 1, axis=1)[:, :depth]  # [M, depth] blocks of each column
    cand = blocks[keep, :, np.arange(m)[:, None]].reshape(m, depth * _BLOCK_ROWS)  # [M, depth, rows] -> [M, .]
    return np.sort(np.partition(cand, depth - 1, axis=1)[:, :depth], axis=1)


_BLOCK_ROWS = 16


def _sorted_heads_plain(key: np.ndarray, depth: int) -> np.ndarray:
    kt = np.ascontiguousarray(key.T)  # [M, K]: partitions along a contiguous axis are faster
    n = kt.shape[1]
    return np.sort(kt if depth >= n else np.partition(kt, depth - 1, axis=1)[:, :depth], axis=1)


def smallest_k_per_column(cost: np.ndarray, ks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column j keeps its ks[j] smallest rows (``torch.topk(cost[:, j], ks[j], largest=False)``), vectorised.

    A column whose k-th and (k+1)-th smallest values differ keeps exactly the rows <= its k-th value; one whose
    two are equal (or that holds NaN) is resolved by the emulated CPU kernel.

    Returns:
        (bool (K, M) selection, bool (M,) tie at the k-th place).
    """
    n, m = cost.shape
    ties = np.zeros(m, bool)
    if n == 0 or m == 0:
        return np.zeros((n, m), bool), ties
    ks = np.clip(np.asarray(ks, np.int64), 1, n)
    ranked = _sorted_heads(cost, int(min(ks.max() + 1, n)))
    rows = np.arange(m)
    kth = ranked[rows, ks - 1]
    nxt = np.where(ks < n, ranked[rows, np.minimum(ks, ranked.shape[1] - 1)], np.nan)
    # NaN sorts last in both NumPy and torch (largest=False), so it can only matter when it reaches the k-th or
    # (k+1)-th place; then kth or nxt is NaN and the column goes to the emulated kernel
    hard = (kth == nxt) | np.isnan(kth) | np.isnan(nxt)
    sel = cost <= np.where(hard, -np.inf, kth)[None, :]
    sel[:, ks >= n] = True
    for j in np.flatnonzero(hard & (ks < n)):
        idx, tie = torch_topk_set(cost[:, j], int(ks[j]), largest=False)
        sel[:, j] = False
        sel[idx, j] = True
        ties[j] = tie
    return sel, ties


def largest_values(values: np.ndarray, k: int) -> np.ndarray:
    """The k largest values of every column, sorted descending (the values torch.topk returns; ties do not
    change values). NaN counts as the largest, as in torch."""
    n, m = values.shape
    k = min(k, n)
    if k <= 0:
        return values[:0]
    has_nan = bool(np.isnan(values.max()))  # one reduction instead of an [K, M] mask when there is none
    nans = np.isnan(values).sum(axis=0) if has_nan else np.zeros(m, np.int64)
    key = np.where(np.isnan(values), -np.inf, -values) if has_nan else -values
    out = -_sorted_heads(key, k)
    zero = np.flatnonzero((out == 0).any(axis=1))
    if len(zero):  # +0.0 and -0.0 are equal values but not equal bits: take those columns the plain way
        out[zero] = -_sorted_heads_plain(key[:, zero], k)
    for j in np.flatnonzero(nans):  # NaN sorts first in torch (it was -inf in the key, then +inf here)
        out[j, :min(int(nans[j]), k)] = np.nan
    return out.T.astype(values.dtype)
