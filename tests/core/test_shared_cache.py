"""The process-wide cache of read-only results: shared values, read-only arrays, a byte budget, one computation
per key however many threads ask, nothing kept from a failed computation."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
import pytest

from anchorviz.core.shared_cache import SharedCache, freeze, nbytes


@dataclass(frozen=True, eq=False)
class Result:
    a: np.ndarray
    parts: list


def test_the_value_is_shared_and_its_arrays_are_read_only():
    c = SharedCache("t", 10 * 2**20)
    calls = []
    made = c.get(("k", 1), lambda: calls.append(1) or Result(np.zeros(10), [np.ones(3), {"x": np.ones(2)}]))
    again = c.get(("k", 1), lambda: calls.append(1) or None)
    assert again is made and calls == [1] and (c.hits, c.misses) == (1, 1)
    for arr in (made.a, made.parts[0], made.parts[1]["x"]):
        with pytest.raises(ValueError):
            arr[0] = 5.0


def test_keys_are_compared_by_value_so_different_inputs_never_share():
    c = SharedCache("t", 10 * 2**20)
    a = c.get(("labels", ((0.0, 0.0, 10.0, 10.0),)), lambda: np.array([1]))
    b = c.get(("labels", ((0.0, 0.0, 10.0, 11.0),)), lambda: np.array([2]))
    assert a[0] == 1 and b[0] == 2 and len(c) == 2


def test_the_budget_is_bytes_least_recently_used_first():
    mb = 2**20
    c = SharedCache("t", 3 * mb)
    for k in range(3):
        c.get(k, lambda: np.zeros(mb // 8 - 64))  # just under 1 MB each: three fit
    assert len(c) == 3 and c.bytes <= 3 * mb
    c.get(0, lambda: None)  # 0 is now the most recent
    c.get(3, lambda: np.zeros(mb // 8 - 64))
    assert 1 not in c and {0, 2, 3} <= {k for k in range(4) if k in c}
    assert c.evictions == 1
    c.get(4, lambda: np.zeros(2 * mb // 8))  # 2 MB: two older entries go
    assert len(c) == 2 and c.bytes <= 3 * mb and 4 in c


def test_a_value_larger_than_the_budget_is_returned_but_not_kept():
    c = SharedCache("t", 2**20)
    c.get("small", lambda: np.zeros(10))
    big = c.get("big", lambda: np.zeros(2**20))
    assert big.shape == (2**20,) and "big" not in c and "small" in c


def test_memos_added_to_a_value_later_are_counted_on_a_later_hit(monkeypatch):
    import anchorviz.core.shared_cache as sc

    monkeypatch.setattr(sc, "REMEASURE_S", 0.0)
    class Holder:
        def __init__(self):
            self.memo = {}

    c = SharedCache("t", 10 * 2**20)
    h = c.get("h", Holder)
    before = c.bytes
    h.memo["m"] = np.zeros(2**17)  # 1 MB added by a caller that memoises on the shared object
    c.get("h", Holder)
    assert c.bytes - before >= 2**20


def test_one_computation_per_key_when_threads_ask_at_once():
    c = SharedCache("t", 10 * 2**20)
    calls = []

    def slow():
        calls.append(threading.get_ident())
        time.sleep(0.2)
        return np.arange(5)

    out = []
    threads = [threading.Thread(target=lambda: out.append(c.get("same", slow))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(out) == 6 and all(o is out[0] for o in out)


def test_a_failed_computation_keeps_nothing_and_the_next_call_computes_again():
    c = SharedCache("t", 10 * 2**20)

    def boom():
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        c.get("k", boom)
    assert "k" not in c and c.get("k", lambda: 3) == 3


def test_cached_decorator_leaves_underscore_arguments_out_of_the_key():
    c = SharedCache("t", 10 * 2**20)
    seen = []

    @c.cached
    def f(token: str, _image: np.ndarray, scale: float = 1.0):
        seen.append(token)
        return _image * scale

    img = np.ones(3)
    a = f("pic-1", img)
    assert f("pic-1", np.zeros(3)) is a  # the token names the pixels; the array is not hashed
    assert f("pic-1", img, scale=2.0) is not a and f("pic-2", img) is not a
    assert seen == ["pic-1", "pic-1", "pic-2"]


def test_nbytes_counts_shared_arrays_once_and_freeze_walks_containers():
    a = np.zeros(1000)
    assert nbytes([a, a, (a,)]) < 8000 + 1000
    r = freeze(Result(np.zeros(3), [np.zeros(2)]))
    assert not r.a.flags.writeable and not r.parts[0].flags.writeable
