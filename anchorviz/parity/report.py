"""The golden checker's command line: one line per failing or skipped case, then ``N passed, M failed, K skipped``;
exit status 1 when any case failed."""

from __future__ import annotations

import argparse
import json

from anchorviz.parity.runner import run_file

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m anchorviz.parity",
                                     description="Run golden cases of the reference libraries through anchorviz.")
    parser.add_argument("files", nargs="+", help="golden JSON files in the layout of ../shared/reference/*.json")
    parser.add_argument("-v", "--verbose", action="store_true", help="print passing cases too")
    args = parser.parse_args(argv)
    passed = failed = skipped = 0
    for f in args.files:
        try:
            outcomes = run_file(f)
        except (OSError, json.JSONDecodeError) as e:
            print(f"FAIL {f}: cannot read the file: {e}")
            failed += 1
            continue
        for o in outcomes:
            if o.status == "pass":
                passed += 1
                if args.verbose:
                    print(f"ok   {o.label}")
            elif o.status == "skip":
                skipped += 1
                print(f"SKIP {o.label}: {o.reasons[0]}")
            else:
                failed += 1
                print(f"FAIL {o.label} | " + "; ".join(o.reasons[:4]) + (" ..." if len(o.reasons) > 4 else ""))
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0
