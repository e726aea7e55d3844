"""Free what a page's run leaves in its namespace and nothing can read any more.

Streamlit runs a page file as a module of its own (a fresh ``__main__`` namespace per run). The functions the
page defines -- widget callbacks, ``format_func`` lambdas -- keep that namespace alive as their globals until
the session's next run replaces them, so each session holds every value its last run left at module level: the
anchor set, the labels, the heads, figure inputs, intermediate arrays. With a class on one server that is tens
of MB per user, and a cached result evicted from the shared caches stays alive in the sessions that still hold
it while the cache computes it again (W6, 12 users on one replica: 45 anchor sets alive for 11 in the cache).

After the run, only the names some function, lambda or class body of the page reads (``LOAD_GLOBAL`` /
``LOAD_NAME`` of its code, nested code included) can ever be read again; ``release`` drops the others.
Modules, classes, functions and dunder names stay (cheap, and what the functions need to run).
"""

from __future__ import annotations

import dis
import types

__all__ = ["release", "names_read_by_nested_code"]

_KEEP_TYPES = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)
_GLOBAL_OPS = {"LOAD_GLOBAL", "LOAD_NAME", "STORE_GLOBAL", "DELETE_GLOBAL", "STORE_NAME", "DELETE_NAME",
               "LOAD_FROM_DICT_OR_GLOBALS"}  # the last: Python >= 3.12 annotation scopes
_COMPREHENSIONS = {"<listcomp>", "<dictcomp>", "<setcomp>"}
_names_cache: dict[types.CodeType, frozenset] = {}  # per page code object (Streamlit compiles a page once)


def names_read_by_nested_code(code: types.CodeType) -> frozenset[str]:
    """Every global name the functions, lambdas and class bodies defined in ``code`` look up (not ``code``'s own;
    attribute names, which ``co_names`` also lists, are not globals and are left out). A comprehension at the
    page's top level ran during the run and is done, so its own names are not kept (the lambdas defined inside
    it are still scanned); a comprehension inside a function runs when the function does, so its names are."""
    hit = _names_cache.get(code)
    if hit is not None:
        return hit
    out: set[str] = set()
    stack = [(c, True) for c in code.co_consts if isinstance(c, types.CodeType)]
    while stack:
        c, top_level = stack.pop()
        if not (top_level and c.co_name in _COMPREHENSIONS):
            out.update(i.argval for i in dis.get_instructions(c) if i.opname in _GLOBAL_OPS)
        inner_top = top_level and c.co_name in _COMPREHENSIONS  # a top-level comprehension's own nested code
        stack.extend((x, inner_top) for x in c.co_consts if isinstance(x, types.CodeType))
    names = frozenset(out)
    if len(_names_cache) > 64:
        _names_cache.clear()
    _names_cache[code] = names
    return names


def release(namespace: dict, code: types.CodeType) -> list[str]:
    """Delete from ``namespace`` (a page's globals after its run) the values no code defined by the page reads.
    Returns the deleted names."""
    keep = names_read_by_nested_code(code)
    dropped = [k for k, v in namespace.items()
               if not (k.startswith("__") or k in keep or isinstance(v, _KEEP_TYPES))]
    for k in dropped:
        del namespace[k]
    return dropped
