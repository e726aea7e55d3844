"""How long-running dataset work reports progress and hears a cancel: ``on_progress(fraction, message)`` and
``should_stop()``, with do-nothing defaults."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["ProgressFn", "StopFn"]


ProgressFn = Callable[[float, str], None]


StopFn = Callable[[], bool]


def _noop_progress(fraction: float, message: str) -> None:
    return None


def _never() -> bool:
    return False
