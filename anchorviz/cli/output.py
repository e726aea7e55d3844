"""How the CLI prints: aligned tables, numbers, a setup in one line per level, the dataset report."""

from __future__ import annotations

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.dataset.load import BoxDataset

__all__ = []


def _fmt(v) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    return f"{float(v):.4f}"


def _is_num(c: str) -> bool:
    return bool(c) and c.lstrip("+-").replace(",", "").replace(".", "", 1).replace("%", "").isdigit()


def _table(rows: list[list[str]], out) -> None:
    """Columns of numbers right-aligned, text left-aligned, a rule under the header."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    numeric = [all(_is_num(r[i]) or not r[i] for r in rows[1:]) for i in range(len(widths))]
    for j, r in enumerate(rows):
        cells = [c.rjust(widths[i]) if numeric[i] else c.ljust(widths[i]) for i, c in enumerate(r)]
        out.write("  " + "  ".join(cells).rstrip() + "\n")
        if j == 0:
            out.write("  " + "  ".join("-" * w for w in widths) + "\n")


def _describe_setup(cfg: AnchorConfig) -> list[str]:
    out = []
    for lv in cfg.levels:
        if lv.wh:
            body = " ".join(f"{w:g}x{h:g}" for w, h in lv.wh)
        elif lv.sizes:
            body = f"sizes {', '.join(f'{s:g}' for s in lv.sizes)}; ratios {', '.join(f'{r:g}' for r in lv.ratios)}"
        else:
            base = lv.base_size if lv.base_size is not None else min(lv.stride_wh)
            body = (f"base {base:g} x scales {', '.join(f'{s:.4g}' for s in lv.scales)}; "
                    f"ratios {', '.join(f'{r:.4g}' for r in lv.ratios)}")
        out.append(f"{lv.name or '?'} (stride {lv.stride_wh[0]:g}): {body}")
    return out


def _print_report(ds: BoxDataset, out) -> None:
    out.write("dataset\n")
    for line in ds.report.lines():
        out.write(f"  {line}\n")
    for note in ds.report.notes[:10]:
        out.write(f"  note: {note}\n")
    if len(ds.report.notes) > 10:
        out.write(f"  ({len(ds.report.notes) - 10} more notes)\n")
