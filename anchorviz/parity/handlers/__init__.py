"""Handlers: one module per library (or per family, e.g. ``loss_mmdet``), each defining

    HANDLERS: dict[tuple[str, str], Callable[[dict, dict, dict], dict]]

keyed by (library key, function string) and called as ``handler(params, inputs, ctx)``: params and inputs are
resolved against ``common_inputs``; ``ctx`` holds ``keys`` (the golden's output names), ``common``, ``library``,
``function`` and the file context. A handler returns output name -> value using exactly the golden's names, and
computes every output of its function (``ctx["keys"]`` only tells it which of a family of outputs a case names,
such as ``nms_keep_thr0.3``); the runner fails any listed output it did not return. Lookup tries the exact
function string first, then the string without its trailing " (...)" (``anchorviz.parity.golden.function_keys``).

To register a new module, add its name to HANDLER_MODULES (one line).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache

from anchorviz.parity.golden import function_keys

__all__ = ["HANDLER_MODULES", "registry", "find_handler", "Handler"]

Handler = Callable[[dict, dict, dict], dict]

HANDLER_MODULES: tuple[str, ...] = (
    "torchvision",
    "mmdet",
    "detectron2",
    "keras_retinanet",
    "d2l",
    "yolov5",
    "loss_torchvision",
    "loss_mmdet",
    "loss_detectron2",
    "loss_d2l",
    "loss_keras_retinanet",
    "assign_torchvision",
    "assign_mmdet",
    "assign_ultralytics",
    "assign_yolox",
)


@lru_cache(maxsize=1)
def registry() -> dict[tuple[str, str], Handler]:
    """Every registered handler. Two modules claiming the same (library, function) is an error."""
    out: dict[tuple[str, str], Handler] = {}
    owner: dict[tuple[str, str], str] = {}
    for name in HANDLER_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for key, fn in module.HANDLERS.items():
            if key in out:
                raise RuntimeError(f"parity handler {key} is defined by both {owner[key]} and {name}")
            out[key], owner[key] = fn, name
    return out


def find_handler(library: str, function: str) -> Handler | None:
    """The handler of (library key, function string), trying ``function_keys(function)`` in order."""
    table = registry()
    for key in function_keys(function):
        if (library, key) in table:
            return table[(library, key)]
    return None
