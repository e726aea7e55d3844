"""A plain-text progress bar on stderr for the CLI's long runs."""

from __future__ import annotations

import sys
import time

__all__ = []


class _Progress:
    """A plain-text progress bar on stderr (``on_progress(fraction, message)``)."""

    def __init__(self, enabled: bool, stream=None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last = -1.0
        self.last_head = ""
        self.active = False

    def __call__(self, fraction: float, message: str) -> None:
        if not self.enabled:
            return
        fraction = min(max(float(fraction), 0.0), 1.0)
        head = message.split(":")[0]
        now = time.monotonic()
        if self.tty:
            if now - self.last < 0.1 and fraction < 1.0:
                return
            bar = "#" * int(fraction * 30)
            self.stream.write(f"\r[{bar:<30}] {fraction * 100:5.1f}%  {message[:70]:<70}")
            self.active = True
        elif head != self.last_head or fraction >= 1.0 and self.last < 1.0:
            self.stream.write(f"[{fraction * 100:5.1f}%] {message}\n")
        self.stream.flush()
        self.last, self.last_head = (now if self.tty else fraction), head

    def done(self) -> None:
        if self.enabled and self.tty and self.active:
            self.stream.write("\n")
            self.stream.flush()
        self.active = False
