"""An uploaded JSON file read into a dict, with one wording for its failures: the prediction readers (per anchor,
anchorviz.io.predictions; per point, anchorviz.io.point_predictions) share it. Nothing in the file is executed."""

from __future__ import annotations

import json

from anchorviz.core.errors import AnchorVizInputError

__all__ = ["decode_json_object"]


def decode_json_object(data: bytes | str | object, *, name: str, expected: str, max_bytes: int | None = None) -> dict:
    """JSON bytes / text (or an already decoded object, passed through) as a dict.

    Args:
        data: the file's bytes or text, or a decoded object.
        name: the file name used in messages.
        expected: what the object should hold, for the message when it is not an object
            (e.g. "'scores' and 'deltas' or 'boxes'").
        max_bytes: the largest file accepted, or None for no limit.

    Raises:
        AnchorVizInputError: too large, not JSON, nested too deeply, or not a JSON object.
    """
    if isinstance(data, (bytes, str)):
        if max_bytes is not None and len(data) > max_bytes:
            raise AnchorVizInputError(f"{name}: {len(data) / 2**20:.0f} MB is too large; at most "
                                      f"{max_bytes // 2**20} MB are accepted")
        try:
            obj = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise AnchorVizInputError(f"{name}: not valid JSON ({e})") from None
        except RecursionError:  # json.loads recurses once per nesting level
            raise AnchorVizInputError(f"{name}: expected a JSON object with {expected}, got JSON nested too deeply "
                                      f"to read") from None
    else:
        obj = data
    if not isinstance(obj, dict):
        raise AnchorVizInputError(f"{name}: expected a JSON object with {expected}, got a {type(obj).__name__}")
    return obj
