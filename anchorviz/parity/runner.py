"""Running golden cases: resolve a case's inputs, find its handler, compute, and compare every listed output."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from anchorviz.parity.compare import compare
from anchorviz.parity.golden import CaseError, Skip, file_context, function_keys, library_key, load_golden, resolve
from anchorviz.parity.handlers import find_handler

__all__ = ["Outcome", "compute_case", "run_case", "run_file"]


@dataclass
class Outcome:
    """Result of one case: status "pass" | "fail" | "skip" and the reasons."""

    label: str
    status: str
    reasons: list[str] = field(default_factory=list)


def compute_case(library: str, case: dict, common: dict, ctx: dict) -> dict:
    """Run one case through anchorviz and return its outputs by the golden's names.

    The handler gets the case's params and inputs resolved against ``common`` (never the expected outputs) and
    ``ctx`` = the file context (which holds every case of the file as ``cases``) plus ``keys`` (the golden's
    output names), ``common``, ``library``, ``function`` and the raw ``case`` (detectron2's RetinaNet EMA case
    keeps each call's prediction arrays beside that call's results; the handler reads those inputs only).
    """
    lib = library_key(library)
    function = case.get("function", "")
    handler = find_handler(lib, function)
    if handler is None:
        raise CaseError(f"no anchorviz handler for {lib} function {function!r} (tried {function_keys(function)})")
    p = resolve(case.get("params") or {}, common)
    inp = resolve(case.get("inputs") or {}, common)
    if isinstance(inp, str):
        raise CaseError(f"inputs refer to {inp!r}, which common_inputs does not define")
    keys = list((case.get("outputs") or {}).keys())
    out = handler(p, inp, dict(ctx, keys=keys, common=common, library=lib, function=function, case=case))
    if not isinstance(out, dict):
        raise CaseError(f"the handler returned {type(out).__name__}, expected a dict of outputs")
    return out


def run_case(library: str, case: dict, common: dict, ctx: dict, label: str) -> Outcome:
    """One case: every output the golden lists must be computed, and equal (see ``compare``)."""
    expected = case.get("outputs")
    if not isinstance(expected, dict) or not expected:
        return Outcome(label, "fail", ["the golden case lists no outputs, so nothing could be checked"])
    try:
        ours = compute_case(library, case, common, ctx)
    except Skip as e:
        return Outcome(label, "skip", [str(e)])
    except Exception as e:  # noqa: BLE001 - any failure to compute is reported as a failing case
        return Outcome(label, "fail", [f"anchorviz raised {type(e).__name__}: {e}"])
    problems: list[str] = []
    for key, gold in expected.items():
        if key not in ours:
            problems.append(f"{key}: not computed by anchorviz")
            continue
        compare(ours[key], gold, key, problems)
    return Outcome(label, "fail" if problems else "pass", problems)


def run_file(path: str | Path) -> list[Outcome]:
    """Every case of one golden file, in order."""
    data = load_golden(path)
    library = data.get("library", "")
    common = data.get("common_inputs") or {}
    ctx = file_context(data)
    return [run_case(library, case, common, ctx, f"{Path(path).name}#{i} {case.get('function', '?')}")
            for i, case in enumerate(data.get("cases", []))]
