"""Anchor setups read back from each library's config text, safely: Python snippets with ``ast`` (keyword
values through ``ast.literal_eval``), YAML with PyYAML's safe loader (``anchorviz.io.yaml_safe``), JSON with
``json``. Nothing is executed."""

from __future__ import annotations

import ast
import configparser
import json
import re
from collections.abc import Callable
from dataclasses import fields

from anchorviz.core.anchors.config import DEFAULT_MAX_ANCHORS, AnchorConfig, LevelSpec
from anchorviz.core.conventions import get_convention
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.dataset.export.exporters import _JSON_VERSION, _STRIDES_RE, EXPORT_FORMATS, _level_name
from anchorviz.io.yaml_safe import parse_yaml

__all__ = ["IMPORTERS", "config_from_text", "config_from_mmdet", "config_from_torchvision", "config_from_detectron2",
           "config_from_yolov5", "config_from_keras", "config_from_keras_ini", "config_from_json"]


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
    kw.pop("_delete_", None)  # mmengine's merge switch (the export writes it): not a generator argument
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
    return _keras_config(vals, what)


def _keras_config(vals: dict, what: str) -> AnchorConfig:
    sizes = _numbers(vals["sizes"], f"{what} sizes")
    strides = _numbers(vals["strides"], f"{what} strides")
    if len(sizes) != len(strides):
        raise AnchorVizInputError(f"{what}: expected as many sizes as strides, got {len(sizes)} and {len(strides)}")
    ratios = _numbers(vals["ratios"], f"{what} ratios")
    scales = _numbers(vals["scales"], f"{what} scales")
    levels = tuple(LevelSpec(name=_level_name(st), stride=st, base_size=sz, scales=scales, ratios=ratios)
                   for sz, st in zip(sizes, strides))
    return AnchorConfig(convention="keras_retinanet", levels=levels)


def config_from_keras_ini(text: str) -> AnchorConfig:
    """Read the ``[anchor_parameters]`` config file of keras-retinanet's ``train.py --config`` (configparser, the
    way keras_retinanet/utils/config.py reads it: values split on single spaces; missing keys keep
    ``AnchorParameters.default``'s values; ``[pyramid_levels] P``, when present, must name one level per size)."""
    what = "keras-retinanet config (.ini)"
    if not isinstance(text, str):
        raise AnchorVizInputError(f"{what}: expected text, got {type(text).__name__}")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as e:
        raise AnchorVizInputError(f"{what}: expected an .ini file ({str(e).splitlines()[0]})") from None
    if "anchor_parameters" not in parser:
        raise AnchorVizInputError(f"{what}: expected an [anchor_parameters] section")
    sec = parser["anchor_parameters"]
    unknown = sorted(set(sec) - {"sizes", "strides", "ratios", "scales"})
    if unknown:
        raise AnchorVizInputError(f"{what}: unknown keys {', '.join(unknown)} (keras-retinanet accepts sizes, "
                                  "strides, ratios, scales)")
    vals = {"sizes": [32, 64, 128, 256, 512], "strides": [8, 16, 32, 64, 128], "ratios": [0.5, 1, 2],
            "scales": [1, 2 ** (1 / 3), 2 ** (2 / 3)]}
    for key in vals:
        if key in sec:
            try:
                vals[key] = [(int if key in ("sizes", "strides") else float)(v) for v in sec[key].split(" ")]
            except ValueError:
                kind = "whole numbers" if key in ("sizes", "strides") else "numbers"
                raise AnchorVizInputError(f"{what}: {key} = {sec[key]!r}: expected {kind} separated by single "
                                          "spaces (keras-retinanet splits on one space)") from None
    if "pyramid_levels" in parser and "P" in parser["pyramid_levels"]:
        levels = parser["pyramid_levels"]["P"].split(" ")
        if len(levels) != len(vals["sizes"]):
            raise AnchorVizInputError(f"{what}: [pyramid_levels] P names {len(levels)} levels for "
                                      f"{len(vals['sizes'])} sizes; expected one level per size")
    return _keras_config(vals, what)


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
    except RecursionError:  # json.loads recurses once per nesting level
        raise AnchorVizInputError(f"{what}: expected an anchorviz setup object, got JSON nested too deeply to "
                                  "read") from None
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
    "yolov5": config_from_yolov5, "keras": config_from_keras, "keras_ini": config_from_keras_ini,
    "json": config_from_json,
}


def config_from_text(text: str, fmt: str, **kwargs) -> AnchorConfig:
    """Import a setup written in one of ``EXPORT_FORMATS`` (kwargs: ``strides=`` for torchvision, detectron2,
    yolov5 when the text does not carry them)."""
    if fmt not in IMPORTERS:
        raise AnchorVizInputError(f"import format: expected one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    return IMPORTERS[fmt](text, **kwargs)
