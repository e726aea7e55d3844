"""pages/common/heap.py: the first run freezes the heap, then one full collection per PERIOD, whoever's run ends."""

from __future__ import annotations

import gc

import pages.common.heap as heap


def test_freeze_once_then_one_collection_per_period(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(heap.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(heap, "_frozen", False)
    monkeypatch.setattr(heap, "_last", 100.0)
    monkeypatch.setattr(heap, "PERIOD", 1.0)
    monkeypatch.setattr(heap, "FREEZE", False)  # do not freeze the test process
    collected = []
    monkeypatch.setattr(heap.gc, "collect", lambda *a: collected.append(a) or 0)
    assert heap.after_run() == "freeze" and len(collected) == 1
    clock[0] += 0.4
    assert heap.after_run() == "" and len(collected) == 1
    clock[0] += 0.7  # 1.1 s after the last collection
    assert heap.after_run() == "collect" and len(collected) == 2
    assert heap.after_run() == ""


def test_a_cycle_left_by_a_run_is_freed_by_the_next_periodic_collection(monkeypatch):
    monkeypatch.setattr(heap, "_frozen", True)
    monkeypatch.setattr(heap, "PERIOD", 0.0)

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle, as a page namespace and its functions make
    import weakref
    gone = weakref.ref(a)
    del a, b
    gc.disable()
    try:
        assert gone() is not None
        assert heap.after_run() == "collect"
        assert gone() is None
    finally:
        gc.enable()
