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
call's keyword values through ``ast.literal_eval``), YAML with PyYAML's safe loader, JSON
with ``json``. Nothing is executed. Every export round-trips: importing it regenerates the same anchors
(tests/test_export.py). Numbers are written with Python's shortest round-trip ``repr``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable

from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["EXPORT_FORMATS", "EXPORTERS", "FILE_NAMES", "export_config", "export_formats_for", "to_mmdet",
           "to_torchvision", "to_detectron2", "to_yolov5", "to_keras", "config_to_json"]


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


def _yaml(text: str) -> str:
    """A number's text as YAML 1.1 (PyYAML, which detectron2 and yolov5 read their files with) reads a number:
    its floats need a dot and a signed exponent, so 1e-05 is written 1.0e-05 (else it would come back a string)."""
    mantissa, e, exponent = text.partition("e")
    if not e:
        return text
    return (mantissa if "." in mantissa else mantissa + ".0") + "e" + (exponent if exponent[0] in "+-" else "+" + exponent)


def _ynum(v: float) -> str:
    return _yaml(_num(v))


def _yflt(v: float) -> str:
    return _yaml(_flt(v))


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
    ar = "[" + ", ".join(_list(r, _yflt) for r in (ratios[:1] if shared else ratios)) + "]"
    return (
        f"# anchorviz: strides={_list(strides)}  (detectron2 takes them from the backbone's feature maps)\n"
        "MODEL:\n"
        "  ANCHOR_GENERATOR:\n"
        "    NAME: DefaultAnchorGenerator\n"
        f"    SIZES: [{', '.join(_list(lv.sizes, _ynum) for lv in cfg.levels)}]\n"
        f"    ASPECT_RATIOS: {ar}\n"
        f"    OFFSET: {_yflt(cfg.offset)}\n"
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
        pairs = ", ".join(f"{_ynum(w)},{_ynum(h)}" for w, h in lv.wh)
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
