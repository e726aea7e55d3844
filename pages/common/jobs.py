"""Long computations (the anchor optimisers) in a background thread, so the page can show progress and a
Cancel button while they run.

The thread only calls the core; it never touches Streamlit. The page keeps the `Job` in session state and
reads its progress from a fragment that reruns every half second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from anchorviz.core.errors import AnchorVizInputError


class Job:
    """One run of ``fn(on_progress=..., should_stop=...)`` in a daemon thread.

    Attributes:
        fraction, message: the last progress report.
        result: what ``fn`` returned (None until done or on error).
        error: a message for the user when ``fn`` raised (the core's messages as they are; anything else by
            its type and text, never a traceback).
    """

    def __init__(self, fn: Callable[..., Any], *, label: str = "") -> None:
        self.label = label
        self.fraction = 0.0
        self.message = ""
        self.result: Any = None
        self.error: str | None = None
        self.started = time.monotonic()
        self.finished: float | None = None
        self._stop = threading.Event()
        self._fn = fn
        self._thread = threading.Thread(target=self._run, name=f"anchorviz-job-{label}", daemon=True)

    def start(self) -> "Job":
        self._thread.start()
        return self

    def _progress(self, fraction: float, message: str) -> None:
        self.fraction = min(1.0, max(0.0, float(fraction)))
        self.message = message

    def _run(self) -> None:
        try:
            self.result = self._fn(on_progress=self._progress, should_stop=self._stop.is_set)
        except AnchorVizInputError as e:
            self.error = str(e)
        except Exception as e:  # noqa: BLE001 - shown to the user as a message, the app keeps running
            self.error = f"{type(e).__name__}: {e}"
        finally:
            self.finished = time.monotonic()

    def cancel(self) -> None:
        """Ask the optimiser to stop; it returns the best setup found so far."""
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    @property
    def done(self) -> bool:
        return self.finished is not None

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def wait(self, timeout: float | None = None) -> bool:
        """Block until done (tests); True when done."""
        self._thread.join(timeout)
        return self.done
