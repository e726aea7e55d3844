"""The one exception type anchorviz raises for bad user input."""

from __future__ import annotations


class AnchorVizInputError(ValueError):
    """Raised when a value coming from the user cannot be used.

    The message always says what was expected and what arrived, so the app can show it as is.
    Anything else that escapes the core is a bug, not a user error.
    """
