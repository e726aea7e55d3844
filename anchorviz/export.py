"""An AnchorConfig as the text each library's users paste into their config, and back.

Exports (``EXPORTERS``): an mmdet ``anchor_generator=dict(...)`` (``AnchorGenerator``, or
``LegacyAnchorGenerator`` for mmdet v1 setups), torchvision ``AnchorGenerator(sizes=..., aspect_ratios=...)``
code, detectron2 YAML (``MODEL.ANCHOR_GENERATOR``), an ultralytics / yolov5 model-yaml ``anchors:`` block,
keras-retinanet ``AnchorParameters(...)`` code, and JSON (any setup, every field).

Each library export applies to its own convention only (``export_formats_for`` lists them): the libraries
compute anchors differently (torchvision rounds, mmdet scales a base size, detectron2 is size-major), so
writing one library's numbers into another's config would silently change the anchors. Where a library takes
the strides from the backbone (torchvision, detectron2), the export carries them in a comment
``# anchorviz: strides=[...]`` that the importers read back.

Importers (``IMPORTERS``, ``config_from_text``) parse the text back *safely*: Python snippets with ``ast`` (the
call's keyword values through ``ast.literal_eval``), YAML with anchorviz's own small YAML-subset reader, JSON
with ``json``. Nothing is executed. Every export round-trips: importing it regenerates the same anchors
(tests/test_export.py). Numbers are written with Python's shortest round-trip ``repr``.
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Callable
from dataclasses import fields

from anchorviz._yaml import parse_yaml
from anchorviz.anchors import DEFAULT_MAX_ANCHORS, AnchorConfig, LevelSpec
from anchorviz.conventions import get_convention
from anchorviz.errors import AnchorVizInputError

__all__ = ["EXPORT_FORMATS", "EXPORTERS", "IMPORTERS", "export_config", "export_formats_for", "config_from_text",
           "to_mmdet", "to_torchvision", "to_detectron2", "to_yolov5", "to_keras", "config_to_json",
           "config_from_mmdet", "config_from_torchvision", "config_from_detectron2", "config_from_yolov5",
           "config_from_keras", "config_from_json", "FILE_NAMES"]

EXPORT_FORMATS: tuple[str, ...] = ("mmdet", "torchvision", "detectron2", "yolov5", "keras", "json")
#: The file name the CLI writes each export to.
FILE_NAMES = {"mmdet": "anchors_mmdet.py", "torchvision": "anchors_torchvision.py",
              "detectron2": "anchors_detectron2.yaml", "yolov5": "anchors_yolov5.yaml",
              "keras": "anchors_keras_retinanet.py", "json": "anchors.json"}
_JSON_VERSION = 1
_STRIDES_RE = re.compile(r"#\s*anchorviz:\s*strides\s*=\s*(\[[^\]\n]*\]|\([^)\n]*\))")


def _num(v: float) -> str:
    """Shortest exact text: 32 for 32.0, repr otherwise."""
    f = float(v)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return repr(f)


def _flt(v: float) -> str:
    """A float that reads back as a float: 1.0, 0.5, 1.2599210498948732."""
    return repr(float(v))


def _list(values, fmt=_num) -> str:
    return "[" + ", ".join(fmt(v) for v in values) + "]"


def _tuple(values, fmt=_num) -> str:
    vals = [fmt(v) for v in values]
    return "(" + ", ".join(vals) + ("," if len(vals) == 1 else "") + ")"


def _stride_text(lv: LevelSpec) -> str:
    if isinstance(lv.stride, tuple):
        return f"({_num(lv.stride[0])}, {_num(lv.stride[1])})"
    return _num(lv.stride)


def _square_strides(cfg: AnchorConfig, lib: str) -> list[float]:
    out = []
    for lv in cfg.levels:
        sw, sh = lv.stride_wh
        if sw != sh:
            raise AnchorVizInputError(f"{lib} export: level {lv.name or '?'} has stride {sw:g}x{sh:g}; {lib} "
                                      "strides are square")
        out.append(sw)
    return out


def _need(cfg: AnchorConfig, conventions: tuple[str, ...], lib: str) -> None:
    if cfg.convention not in conventions:
        raise AnchorVizInputError(
            f"{lib} export: expected a {' or '.join(conventions)} setup, got {cfg.convention}; the libraries "
            "compute anchors differently, so another library's numbers would give other anchors (export JSON instead)"
        )
    for lv in cfg.levels:
        if lv.feature_hw is not None:
            raise AnchorVizInputError(f"{lib} export: level {lv.name or '?'} has a fixed feature-map size, which "
                                      f"{lib} cannot express (its feature maps come from the backbone)")


def _shared(cfg: AnchorConfig, attr: str, lib: str) -> tuple[float, ...]:
    first = getattr(cfg.levels[0], attr)
    for lv in cfg.levels[1:]:
        if getattr(lv, attr) != first:
            raise AnchorVizInputError(
                f"{lib} export: {lib} shares {attr} across levels, but level {lv.name or '?'} has "
                f"{list(getattr(lv, attr))} and level {cfg.levels[0].name or '?'} has {list(first)}")
    return first


def _level_name(stride: float) -> str:
    k = math.log2(stride) if stride > 0 else 0.5
    return f"P{int(k)}" if k.is_integer() else f"S{_num(stride)}"


# --------------------------------------------------------------------------------------------------------
# Exporters


def to_mmdet(cfg: AnchorConfig) -> str:
    """mmdet ``anchor_generator=dict(type='AnchorGenerator', ...)`` (mmdet_v1: ``LegacyAnchorGenerator``).

    Raises:
        AnchorVizInputError: not an mmdet setup; scales or ratios that differ between levels (mmdet shares
            them); a fixed feature-map size.
    """
    _need(cfg, ("mmdet", "mmdet_v1"), "mmdet")
    scales = _shared(cfg, "scales", "mmdet")
    ratios = _shared(cfg, "ratios", "mmdet")
    kind = "LegacyAnchorGenerator" if cfg.convention == "mmdet_v1" else "AnchorGenerator"
    lines = ["anchor_generator=dict(", f"    type='{kind}',", f"    scales={_list(scales, _flt)},",
             f"    ratios={_list(ratios, _flt)},",
             "    strides=[" + ", ".join(_stride_text(lv) for lv in cfg.levels) + "],"]
    if any(lv.base_size is not None for lv in cfg.levels):
        lines.append("    base_sizes=" + _list([lv.base_size if lv.base_size is not None else min(lv.stride_wh)
                                                for lv in cfg.levels]) + ",")
    if any(lv.center is not None for lv in cfg.levels):
        if not all(lv.center is not None for lv in cfg.levels):
            raise AnchorVizInputError("mmdet export: either every level or none has an explicit centre")
        lines.append("    centers=[" + ", ".join(_tuple(lv.center) for lv in cfg.levels) + "],")
    if not cfg.scale_major:
        lines.append("    scale_major=False,")
    if cfg.convention == "mmdet_v1" or cfg.offset != 0.0:
        lines.append(f"    center_offset={_flt(cfg.offset)},")  # LegacyAnchorGenerator needs 0.5 spelled out
    lines[-1] = lines[-1].rstrip(",") + ")"
    return "\n".join(lines) + "\n"


def to_torchvision(cfg: AnchorConfig) -> str:
    """torchvision ``AnchorGenerator(sizes=..., aspect_ratios=...)`` code, strides in an anchorviz comment."""
    _need(cfg, ("torchvision",), "torchvision")
    if cfg.center_offset not in (None, 0.0):
        raise AnchorVizInputError("torchvision export: torchvision centres anchors on the cell corner (offset 0); "
                                  f"this setup has offset {cfg.center_offset:g}")
    strides = _square_strides(cfg, "torchvision")
    sizes = "(" + ", ".join(_tuple(lv.sizes) for lv in cfg.levels) + ("," if len(cfg.levels) == 1 else "") + ")"
    ratios = "(" + ", ".join(_tuple(lv.ratios, _flt) for lv in cfg.levels) + ("," if len(cfg.levels) == 1 else "") + ")"
    return (
        "from torchvision.models.detection.anchor_utils import AnchorGenerator\n\n"
        f"# anchorviz: strides={_list(strides)}  (torchvision derives them: image size // feature-map size)\n"
        "anchor_generator = AnchorGenerator(\n"
        f"    sizes={sizes},\n"
        f"    aspect_ratios={ratios},\n"
        ")\n"
    )


def to_detectron2(cfg: AnchorConfig) -> str:
    """detectron2 YAML ``MODEL.ANCHOR_GENERATOR`` (SIZES, ASPECT_RATIOS, OFFSET), strides in a comment."""
    _need(cfg, ("detectron2",), "detectron2")
    strides = _square_strides(cfg, "detectron2")
    ratios = [lv.ratios for lv in cfg.levels]
    shared = all(r == ratios[0] for r in ratios)
    ar = "[" + ", ".join(_list(r, _flt) for r in (ratios[:1] if shared else ratios)) + "]"
    return (
        f"# anchorviz: strides={_list(strides)}  (detectron2 takes them from the backbone's feature maps)\n"
        "MODEL:\n"
        "  ANCHOR_GENERATOR:\n"
        "    NAME: DefaultAnchorGenerator\n"
        f"    SIZES: [{', '.join(_list(lv.sizes) for lv in cfg.levels)}]\n"
        f"    ASPECT_RATIOS: {ar}\n"
        f"    OFFSET: {_flt(cfg.offset)}\n"
    )


def to_yolov5(cfg: AnchorConfig) -> str:
    """An ultralytics / yolov5 model-yaml ``anchors:`` block, one ``[w,h, w,h, ...]`` row per level."""
    _need(cfg, ("yolov5",), "yolov5")
    if cfg.center_offset not in (None, 0.5):
        raise AnchorVizInputError("yolov5 export: YOLOv5 centres anchors in the cell (offset 0.5); "
                                  f"this setup has offset {cfg.center_offset:g}")
    strides = _square_strides(cfg, "yolov5")
    rows = []
    for lv, s in zip(cfg.levels, strides):
        pairs = ", ".join(f"{_num(w)},{_num(h)}" for w, h in lv.wh)
        rows.append(f"  - [{pairs}]  # {_level_name(s)}/{_num(s)}")
    return "anchors:\n" + "\n".join(rows) + "\n"


def to_keras(cfg: AnchorConfig) -> str:
    """keras-retinanet ``AnchorParameters(sizes, strides, ratios, scales)`` code."""
    _need(cfg, ("keras_retinanet",), "keras-retinanet")
    if cfg.center_offset not in (None, 0.5):
        raise AnchorVizInputError("keras-retinanet export: keras-retinanet centres anchors in the cell (offset "
                                  f"0.5); this setup has offset {cfg.center_offset:g}")
    strides = _square_strides(cfg, "keras-retinanet")
    scales = _shared(cfg, "scales", "keras-retinanet")
    ratios = _shared(cfg, "ratios", "keras-retinanet")
    sizes = [lv.base_size if lv.base_size is not None else 4 * s for lv, s in zip(cfg.levels, strides)]
    return (
        "import keras\nimport numpy as np\nfrom keras_retinanet.utils.anchors import AnchorParameters\n\n"
        "anchor_parameters = AnchorParameters(\n"
        f"    sizes={_list(sizes)},\n"
        f"    strides={_list(strides)},\n"
        f"    ratios=np.array({_list(ratios, _flt)}, keras.backend.floatx()),\n"
        f"    scales=np.array({_list(scales, _flt)}, keras.backend.floatx()),\n"
        ")\n"
    )


def config_to_json(cfg: AnchorConfig) -> str:
    """Every field of the setup as JSON (``config_from_json`` reads it back)."""
    levels = []
    for lv in cfg.levels:
        levels.append({
            "name": lv.name,
            "stride": list(lv.stride) if isinstance(lv.stride, tuple) else lv.stride,
            "sizes": list(lv.sizes), "base_size": lv.base_size, "scales": list(lv.scales),
            "ratios": list(lv.ratios), "wh": [list(p) for p in lv.wh],
            "center": list(lv.center) if lv.center is not None else None,
            "feature_hw": list(lv.feature_hw) if lv.feature_hw is not None else None,
        })
    head = {"anchorviz_config": _JSON_VERSION, "convention": cfg.convention, "center_offset": cfg.center_offset,
            "scale_major": cfg.scale_major, "max_anchors": cfg.max_anchors}
    body = ",\n".join(f'{json.dumps(k)}: {json.dumps(v, allow_nan=False)}' for k, v in head.items())
    rows = ",\n".join("    " + json.dumps(lv, allow_nan=False) for lv in levels)
    return "{\n" + body.replace("\n", "\n  ").join(["  ", ""]) + ',\n  "levels": [\n' + rows + "\n  ]\n}\n"


EXPORTERS: dict[str, Callable[[AnchorConfig], str]] = {
    "mmdet": to_mmdet, "torchvision": to_torchvision, "detectron2": to_detectron2, "yolov5": to_yolov5,
    "keras": to_keras, "json": config_to_json,
}


def export_config(cfg: AnchorConfig, fmt: str) -> str:
    """The setup in one of ``EXPORT_FORMATS``.

    Raises:
        AnchorVizInputError: an unknown format, or a setup the format cannot express (see each exporter).
    """
    if fmt not in EXPORTERS:
        raise AnchorVizInputError(f"export format: expected one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    return EXPORTERS[fmt](cfg)


def export_formats_for(cfg: AnchorConfig) -> list[str]:
    """The export formats that can express this setup exactly (JSON always)."""
    out = []
    for fmt, fn in EXPORTERS.items():
        try:
            fn(cfg)
        except AnchorVizInputError:
            continue
        out.append(fmt)
    return out


# --------------------------------------------------------------------------------------------------------
# Importers (safe: ast.literal_eval / own YAML subset / json)


def _literal(node: ast.AST, what: str):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise AnchorVizInputError(f"{what}: expected a literal value (numbers, lists, tuples), got "
                                  f"{ast.unparse(node)[:80]!r}") from None


def _parse_python(text: str, what: str) -> ast.AST:
    if not isinstance(text, str):
        raise AnchorVizInputError(f"{what}: expected text, got {type(text).__name__}")
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        raise AnchorVizInputError(f"{what}: expected Python code, parsing failed ({e.__class__.__name__}: "
                                  f"{getattr(e, 'msg', e)})") from None


def _call_name(node: ast.Call) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _find_calls(tree: ast.AST, pred: Callable[[ast.Call], bool]) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and pred(n)]


def _kwargs(call: ast.Call, what: str, positional: tuple[str, ...] = ()) -> dict:
    out = {}
    for name, arg in zip(positional, call.args):
        out[name] = arg
    for kw in call.keywords:
        if kw.arg is None:
            raise AnchorVizInputError(f"{what}: '**' arguments cannot be read; write the values out")
        out[kw.arg] = kw.value
    return out


def _strides_comment(text: str, what: str):
    m = _STRIDES_RE.search(text)
    if not m:
        return None
    try:
        return ast.literal_eval(m.group(1))
    except (ValueError, SyntaxError):
        raise AnchorVizInputError(f"{what}: the '# anchorviz: strides=' comment is not a list of numbers") from None


def _numbers(v, what: str) -> tuple[float, ...]:
    if not isinstance(v, (list, tuple)) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
        raise AnchorVizInputError(f"{what}: expected a list of numbers, got {v!r}"[:200])
    return tuple(float(x) for x in v)


def _per_level(v, n: int, what: str) -> list[tuple[float, ...]]:
    if not isinstance(v, (list, tuple)) or not v or not all(isinstance(x, (list, tuple)) for x in v):
        raise AnchorVizInputError(f"{what}: expected one list of numbers per level, got {v!r}"[:200])
    if len(v) == 1 and n > 1:
        v = list(v) * n
    if len(v) != n:
        raise AnchorVizInputError(f"{what}: expected {n} lists (one per level), got {len(v)}")
    return [_numbers(x, what) for x in v]


def _strides_arg(strides, from_comment, n: int, what: str) -> list:
    s = strides if strides is not None else from_comment
    if s is None:
        raise AnchorVizInputError(f"{what}: the strides are not in the text (they come from the backbone); "
                                  "give them (CLI / app: strides) or keep the '# anchorviz: strides=[...]' comment")
    s = list(s)
    if len(s) != n:
        raise AnchorVizInputError(f"{what}: expected {n} strides (one per level), got {len(s)}")
    return s


def config_from_mmdet(text: str) -> AnchorConfig:
    """Read an mmdet ``dict(type='AnchorGenerator' | 'LegacyAnchorGenerator', ...)`` from a snippet or config.

    Raises:
        AnchorVizInputError: no anchor generator dict found, a value that is not a literal, missing strides,
            both or neither of scales / octave_base_scale.
    """
    what = "mmdet anchor_generator"
    tree = _parse_python(text, what)
    calls = _find_calls(tree, lambda c: _call_name(c) == "dict" and any(
        kw.arg == "type" and isinstance(kw.value, ast.Constant)
        and kw.value.value in ("AnchorGenerator", "LegacyAnchorGenerator") for kw in c.keywords))
    if len(calls) != 1:
        raise AnchorVizInputError(f"{what}: expected one dict(type='AnchorGenerator', ...), found {len(calls)}")
    kw = {k: _literal(v, f"{what} {k}") for k, v in _kwargs(calls[0], what).items()}
    known = {"type", "strides", "ratios", "scales", "base_sizes", "scale_major", "octave_base_scale",
             "scales_per_octave", "centers", "center_offset"}
    unknown = sorted(set(kw) - known)
    if unknown:
        raise AnchorVizInputError(f"{what}: unknown keys {', '.join(unknown)} (expected {', '.join(sorted(known))})")
    if "strides" not in kw or "ratios" not in kw:
        raise AnchorVizInputError(f"{what}: expected 'strides' and 'ratios'")
    if ("scales" in kw) == ("octave_base_scale" in kw):
        raise AnchorVizInputError(f"{what}: expected either 'scales' or 'octave_base_scale' + 'scales_per_octave'")
    if "scales" in kw:
        scales = _numbers(kw["scales"], f"{what} scales")
    else:
        spo = kw.get("scales_per_octave")
        if isinstance(spo, bool) or not isinstance(spo, int) or spo < 1:
            raise AnchorVizInputError(f"{what}: expected scales_per_octave as a whole number >= 1, got {spo!r}")
        scales = tuple(2 ** (i / spo) * float(kw["octave_base_scale"]) for i in range(spo))
    ratios = _numbers(kw["ratios"], f"{what} ratios")
    strides = kw["strides"]
    if not isinstance(strides, (list, tuple)) or not strides:
        raise AnchorVizInputError(f"{what}: expected 'strides' as a list, got {strides!r}")
    n = len(strides)
    bases = kw.get("base_sizes")
    if bases is not None and (not isinstance(bases, (list, tuple)) or len(bases) != n):
        raise AnchorVizInputError(f"{what}: expected one base size per stride ({n}), got {bases!r}")
    centers = kw.get("centers")
    if centers is not None and (not isinstance(centers, (list, tuple)) or len(centers) != n):
        raise AnchorVizInputError(f"{what}: expected one centre per stride ({n}), got {centers!r}")
    levels = []
    for i, s in enumerate(strides):
        st = tuple(s) if isinstance(s, (list, tuple)) else s
        levels.append(LevelSpec(name=_level_name(min(st) if isinstance(st, tuple) else st), stride=st,
                                scales=scales, ratios=ratios,
                                base_size=None if bases is None else bases[i],
                                center=None if centers is None else tuple(centers[i])))
    legacy = kw["type"] == "LegacyAnchorGenerator"
    return AnchorConfig(convention="mmdet_v1" if legacy else "mmdet", levels=tuple(levels),
                        center_offset=kw.get("center_offset", 0.0), scale_major=bool(kw.get("scale_major", True)))


def config_from_torchvision(text: str, *, strides=None) -> AnchorConfig:
    """Read ``AnchorGenerator(sizes=..., aspect_ratios=...)`` code; strides from the argument or the comment."""
    what = "torchvision AnchorGenerator"
    tree = _parse_python(text, what)
    calls = _find_calls(tree, lambda c: _call_name(c) == "AnchorGenerator")
    if len(calls) != 1:
        raise AnchorVizInputError(f"{what}: expected one AnchorGenerator(...) call, found {len(calls)}")
    kw = _kwargs(calls[0], what, ("sizes", "aspect_ratios"))
    sizes = _literal(kw["sizes"], f"{what} sizes") if "sizes" in kw else ((128, 256, 512),)
    ratios = _literal(kw["aspect_ratios"], f"{what} aspect_ratios") if "aspect_ratios" in kw else ((0.5, 1.0, 2.0),)
    if not isinstance(sizes, (list, tuple)) or not sizes:
        raise AnchorVizInputError(f"{what}: expected sizes as one tuple per level, got {sizes!r}")
    n = len(sizes)
    size_l = _per_level(sizes, n, f"{what} sizes")
    ratio_l = _per_level(ratios, n, f"{what} aspect_ratios")
    st = _strides_arg(strides, _strides_comment(text, what), n, what)
    levels = tuple(LevelSpec(name=_level_name(float(s)), stride=s, sizes=sz, ratios=r)
                   for s, sz, r in zip(st, size_l, ratio_l))
    return AnchorConfig(convention="torchvision", levels=levels)


def config_from_detectron2(text: str, *, strides=None) -> AnchorConfig:
    """Read detectron2 YAML ``MODEL.ANCHOR_GENERATOR``; OFFSET defaults to the config default 0.0."""
    what = "detectron2 MODEL.ANCHOR_GENERATOR"
    doc = parse_yaml(text, name="detectron2 YAML")
    ag = doc.get("MODEL", {}).get("ANCHOR_GENERATOR") if isinstance(doc, dict) and isinstance(doc.get("MODEL"), dict) else None
    if not isinstance(ag, dict):
        raise AnchorVizInputError(f"{what}: expected MODEL: ANCHOR_GENERATOR: with SIZES and ASPECT_RATIOS")
    name = ag.get("NAME", "DefaultAnchorGenerator")
    if name != "DefaultAnchorGenerator":
        raise AnchorVizInputError(f"{what}: only DefaultAnchorGenerator is supported, got {name!r}")
    sizes = ag.get("SIZES", [[32, 64, 128, 256, 512]])
    ratios = ag.get("ASPECT_RATIOS", [[0.5, 1.0, 2.0]])
    if not isinstance(sizes, list) or not sizes:
        raise AnchorVizInputError(f"{what}: expected SIZES as one list per level, got {sizes!r}")
    n = len(sizes)
    size_l = _per_level(sizes, n, f"{what} SIZES")
    ratio_l = _per_level(ratios, n, f"{what} ASPECT_RATIOS")
    offset = ag.get("OFFSET", 0.0)
    if isinstance(offset, bool) or not isinstance(offset, (int, float)):
        raise AnchorVizInputError(f"{what}: expected OFFSET as a number, got {offset!r}")
    st = _strides_arg(strides, _strides_comment(text, what), n, what)
    levels = tuple(LevelSpec(name=_level_name(float(s)), stride=s, sizes=sz, ratios=r)
                   for s, sz, r in zip(st, size_l, ratio_l))
    return AnchorConfig(convention="detectron2", levels=levels, center_offset=float(offset))


def config_from_yolov5(text: str, *, strides=None) -> AnchorConfig:
    """Read a model yaml's ``anchors:`` (rows of w,h pairs); strides from '# P3/8' comments, else 8, 16, 32, ..."""
    what = "yolov5 anchors"
    doc = parse_yaml(text, name="yolov5 YAML")
    rows = doc.get("anchors") if isinstance(doc, dict) else None
    if isinstance(rows, int) and not isinstance(rows, bool):
        raise AnchorVizInputError(f"{what}: 'anchors: {rows}' asks autoanchor to compute {rows} per level; there are "
                                  "no anchor shapes to import")
    if not isinstance(rows, list) or not rows:
        raise AnchorVizInputError(f"{what}: expected an 'anchors:' list with one [w,h, w,h, ...] row per level")
    levels_wh = []
    for i, row in enumerate(rows):
        vals = _numbers(row, f"{what} row {i + 1}")
        if len(vals) % 2 or not vals:
            raise AnchorVizInputError(f"{what} row {i + 1}: expected w,h pairs, got {len(vals)} numbers")
        levels_wh.append(tuple(zip(vals[0::2], vals[1::2])))
    found = [int(m.group(1)) for m in re.finditer(r"#\s*P\d+\s*/\s*(\d+)", text)]
    default = found if len(found) == len(rows) else [8 * 2 ** i for i in range(len(rows))]
    st = list(strides) if strides is not None else default
    if len(st) != len(rows):
        raise AnchorVizInputError(f"{what}: expected {len(rows)} strides (one per row), got {len(st)}")
    levels = tuple(LevelSpec(name=_level_name(float(s)), stride=s, wh=wh) for s, wh in zip(st, levels_wh))
    return AnchorConfig(convention="yolov5", levels=levels)


def config_from_keras(text: str) -> AnchorConfig:
    """Read keras-retinanet ``AnchorParameters(sizes, strides, ratios, scales)`` code."""
    what = "keras-retinanet AnchorParameters"
    tree = _parse_python(text, what)
    calls = _find_calls(tree, lambda c: _call_name(c) == "AnchorParameters")
    if len(calls) != 1:
        raise AnchorVizInputError(f"{what}: expected one AnchorParameters(...) call, found {len(calls)}")
    kw = _kwargs(calls[0], what, ("sizes", "strides", "ratios", "scales"))
    vals = {}
    for key, default in (("sizes", [32, 64, 128, 256, 512]), ("strides", [8, 16, 32, 64, 128]),
                         ("ratios", [0.5, 1, 2]), ("scales", [1, 2 ** (1 / 3), 2 ** (2 / 3)])):
        node = kw.get(key)
        if node is None:
            vals[key] = default
            continue
        if isinstance(node, ast.Call) and _call_name(node) in ("array", "asarray") and node.args:
            node = node.args[0]  # np.array([...], keras.backend.floatx()): the list is the value
        vals[key] = _literal(node, f"{what} {key}")
    sizes = _numbers(vals["sizes"], f"{what} sizes")
    strides = _numbers(vals["strides"], f"{what} strides")
    if len(sizes) != len(strides):
        raise AnchorVizInputError(f"{what}: expected as many sizes as strides, got {len(sizes)} and {len(strides)}")
    ratios = _numbers(vals["ratios"], f"{what} ratios")
    scales = _numbers(vals["scales"], f"{what} scales")
    levels = tuple(LevelSpec(name=_level_name(st), stride=st, base_size=sz, scales=scales, ratios=ratios)
                   for sz, st in zip(sizes, strides))
    return AnchorConfig(convention="keras_retinanet", levels=levels)


_LEVEL_KEYS = {f.name for f in fields(LevelSpec)}
_CONFIG_KEYS = {"anchorviz_config", "convention", "center_offset", "scale_major", "max_anchors", "levels"}


def config_from_json(text: str | bytes) -> AnchorConfig:
    """Bring a setup back from ``config_to_json`` output.

    Raises:
        AnchorVizInputError: not JSON, not an anchorviz setup, unknown or missing keys, values LevelSpec or
            AnchorConfig refuse (the message names the level).
    """
    what = "anchor setup JSON"
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise AnchorVizInputError(f"{what}: expected valid JSON, parsing failed at line {e.lineno}, column "
                                  f"{e.colno} ({e.msg})") from None
    except (UnicodeDecodeError, TypeError) as e:
        raise AnchorVizInputError(f"{what}: expected JSON text ({e})") from None
    if not isinstance(doc, dict) or "anchorviz_config" not in doc:
        raise AnchorVizInputError(f"{what}: expected an object with 'anchorviz_config', 'convention' and 'levels' "
                                  "(as written by the JSON export)")
    if doc["anchorviz_config"] != _JSON_VERSION:
        raise AnchorVizInputError(f"{what}: expected format version {_JSON_VERSION}, got {doc['anchorviz_config']!r}")
    unknown = sorted(set(doc) - _CONFIG_KEYS)
    if unknown:
        raise AnchorVizInputError(f"{what}: unknown keys {', '.join(unknown)}")
    for key in ("convention", "levels"):
        if key not in doc:
            raise AnchorVizInputError(f"{what}: the key '{key}' is missing")
    if not isinstance(doc["convention"], str):
        raise AnchorVizInputError(f"{what}: expected 'convention' as a string, got {doc['convention']!r}")
    get_convention(doc["convention"])  # an unknown name raises, listing the known ones
    if not isinstance(doc["levels"], list) or not doc["levels"]:
        raise AnchorVizInputError(f"{what}: expected 'levels' as a non-empty list")
    levels = []
    for i, lv in enumerate(doc["levels"]):
        if not isinstance(lv, dict):
            raise AnchorVizInputError(f"{what}: levels[{i}]: expected an object, got {type(lv).__name__}")
        bad = sorted(set(lv) - _LEVEL_KEYS)
        if bad:
            raise AnchorVizInputError(f"{what}: levels[{i}]: unknown keys {', '.join(bad)}")
        if "stride" not in lv:
            raise AnchorVizInputError(f"{what}: levels[{i}]: the key 'stride' is missing")
        kw = dict(lv)
        try:
            if isinstance(kw.get("stride"), list):
                kw["stride"] = tuple(kw["stride"])
            for key in ("sizes", "scales", "ratios"):
                if key in kw:
                    kw[key] = tuple(kw[key])
            if "wh" in kw:
                kw["wh"] = tuple(tuple(p) for p in kw["wh"])
            for key in ("center", "feature_hw"):
                if kw.get(key) is not None:
                    kw[key] = tuple(kw[key])
            if not isinstance(kw.get("name", ""), str):
                raise TypeError("name")
            levels.append(LevelSpec(**kw))
        except (TypeError, ValueError) as e:
            if isinstance(e, AnchorVizInputError):
                raise AnchorVizInputError(f"{what}: levels[{i}]: {e}") from None
            raise AnchorVizInputError(f"{what}: levels[{i}]: a value has the wrong type ({e})") from None
    max_anchors = doc.get("max_anchors", DEFAULT_MAX_ANCHORS)
    if isinstance(max_anchors, bool) or not isinstance(max_anchors, int) or max_anchors < 1:
        raise AnchorVizInputError(f"{what}: expected 'max_anchors' as a whole number >= 1, got {max_anchors!r}")
    scale_major = doc.get("scale_major", True)
    if not isinstance(scale_major, bool):
        raise AnchorVizInputError(f"{what}: expected 'scale_major' true or false, got {scale_major!r}")
    return AnchorConfig(convention=doc["convention"], levels=tuple(levels), center_offset=doc.get("center_offset"),
                        scale_major=scale_major, max_anchors=max_anchors)


IMPORTERS: dict[str, Callable[..., AnchorConfig]] = {
    "mmdet": config_from_mmdet, "torchvision": config_from_torchvision, "detectron2": config_from_detectron2,
    "yolov5": config_from_yolov5, "keras": config_from_keras, "json": config_from_json,
}


def config_from_text(text: str, fmt: str, **kwargs) -> AnchorConfig:
    """Import a setup written in one of ``EXPORT_FORMATS`` (kwargs: ``strides=`` for torchvision, detectron2,
    yolov5 when the text does not carry them)."""
    if fmt not in IMPORTERS:
        raise AnchorVizInputError(f"import format: expected one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    return IMPORTERS[fmt](text, **kwargs)
