"""An AnchorConfig as the text each library's users paste into their config, and back.

Exports (``EXPORTERS``): an mmdet config fragment ``model = dict(<head>=dict(anchor_generator=dict(_delete_=True,
...)))`` (``AnchorGenerator``, or ``LegacyAnchorGenerator`` for mmdet v1 setups), torchvision
``AnchorGenerator(sizes=..., aspect_ratios=...)`` code, detectron2 YAML (``MODEL.ANCHOR_GENERATOR``), an
ultralytics / yolov5 model-yaml ``anchors:`` block, keras-retinanet ``AnchorParameters(...)`` code and the
``[anchor_parameters]`` .ini its ``train.py --config`` reads, and JSON (any setup, every field).

Every library export starts with a comment naming the file, argument or key it replaces, so it can be pasted as
it is. The mmdet fragment sits under its key path with ``_delete_=True``: mmengine merges a child config's dicts
key by key into the base's, so without it the base's ``octave_base_scale`` / ``scales_per_octave`` would stay
next to the exported ``scales`` and mmdet's AnchorGenerator refuses both at once.

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

__all__ = ["EXPORT_FORMATS", "EXPORTERS", "FILE_NAMES", "MMDET_HEADS", "export_config", "export_formats_for",
           "to_mmdet", "to_torchvision", "to_detectron2", "to_yolov5", "to_keras", "to_keras_ini", "config_to_json"]


EXPORT_FORMATS: tuple[str, ...] = ("mmdet", "torchvision", "detectron2", "yolov5", "keras", "keras_ini", "json")


#: The file name the CLI writes each export to (and the app's download takes).
FILE_NAMES = {"mmdet": "anchors_mmdet.py", "torchvision": "anchors_torchvision.py",
              "detectron2": "anchors_detectron2.yaml", "yolov5": "anchors_yolov5.yaml",
              "keras": "anchors_keras_retinanet.py", "keras_ini": "anchors_keras_retinanet.ini",
              "json": "anchors.json"}

#: mmdet heads that own an anchor generator: one-stage detectors (RetinaNet, SSD, ...) and two-stage RPNs.
MMDET_HEADS = {"bbox_head": "one-stage heads (RetinaNet, SSD, ...)", "rpn_head": "the RPN of two-stage detectors"}


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
            raise AnchorVizInputError(f"{lib} export: level {lv.name or '?'} has stride {sw:g}×{sh:g}; {lib} "
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


def to_mmdet(cfg: AnchorConfig, *, head: str = "bbox_head") -> str:
    """An mmdet config fragment: ``model = dict(<head>=dict(anchor_generator=dict(_delete_=True, type=...)))``
    (``AnchorGenerator``; mmdet_v1: ``LegacyAnchorGenerator``), to paste into a config that inherits the model's.

    Args:
        head: the key of the head that owns the generator: "bbox_head" (RetinaNet, SSD, ...) or "rpn_head"
            (Faster R-CNN's RPN).

    Raises:
        AnchorVizInputError: not an mmdet setup; scales or ratios that differ between levels (mmdet shares
            them); a fixed feature-map size; an unknown head.
    """
    if head not in MMDET_HEADS:
        raise AnchorVizInputError(f"mmdet export: expected the head as one of {', '.join(MMDET_HEADS)}, got {head!r}")
    _need(cfg, ("mmdet", "mmdet_v1"), "mmdet")
    scales = _shared(cfg, "scales", "mmdet")
    ratios = _shared(cfg, "ratios", "mmdet")
    kind = "LegacyAnchorGenerator" if cfg.convention == "mmdet_v1" else "AnchorGenerator"
    fields = ["_delete_=True", f"type='{kind}'", f"scales={_list(scales, _flt)}", f"ratios={_list(ratios, _flt)}",
              "strides=[" + ", ".join(_stride_text(lv) for lv in cfg.levels) + "]"]
    if any(lv.base_size is not None for lv in cfg.levels):
        fields.append("base_sizes=" + _list([lv.base_size if lv.base_size is not None else min(lv.stride_wh)
                                             for lv in cfg.levels]))
    if any(lv.center is not None for lv in cfg.levels):
        if not all(lv.center is not None for lv in cfg.levels):
            raise AnchorVizInputError("mmdet export: either every level or none has an explicit centre")
        fields.append("centers=[" + ", ".join(_tuple(lv.center) for lv in cfg.levels) + "]")
    if not cfg.scale_major:
        fields.append("scale_major=False")
    if cfg.convention == "mmdet_v1" or cfg.offset != 0.0:
        fields.append(f"center_offset={_flt(cfg.offset)}")  # LegacyAnchorGenerator needs 0.5 spelled out
    other = next(h for h in MMDET_HEADS if h != head)
    pad = " " * 12
    return (f"# mmdet config (inherits the model's config through _base_): replaces model.{head}.anchor_generator"
            f" (for {MMDET_HEADS[other]}: model.{other}.anchor_generator);\n"
            "# _delete_=True drops the base's generator keys (octave_base_scale / scales_per_octave would clash "
            "with scales)\n"
            "model = dict(\n"
            f"    {head}=dict(\n"
            "        anchor_generator=dict(\n"
            + ",\n".join(pad + f for f in fields) + ")))\n")


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
        "# torchvision: pass as the anchor_generator= argument of RetinaNet(...) / FasterRCNN(...) "
        "(torchvision.models.detection)\n"
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
        "# detectron2 config YAML: replaces MODEL.ANCHOR_GENERATOR (cfg.merge_from_file)\n"
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
    return ("# YOLOv5 / ultralytics model yaml (e.g. models/yolov5s.yaml): replaces its anchors: block\n"
            "anchors:\n" + "\n".join(rows) + "\n")


def _keras_parts(cfg: AnchorConfig, lib: str = "keras-retinanet"):
    """(sizes, strides, ratios, scales) of a keras-retinanet setup."""
    _need(cfg, ("keras_retinanet",), lib)
    if cfg.center_offset not in (None, 0.5):
        raise AnchorVizInputError(f"{lib} export: keras-retinanet centres anchors in the cell (offset "
                                  f"0.5); this setup has offset {cfg.center_offset:g}")
    strides = _square_strides(cfg, lib)
    scales = _shared(cfg, "scales", lib)
    ratios = _shared(cfg, "ratios", lib)
    sizes = [lv.base_size if lv.base_size is not None else 4 * s for lv, s in zip(cfg.levels, strides)]
    return sizes, strides, ratios, scales


def to_keras(cfg: AnchorConfig) -> str:
    """keras-retinanet ``AnchorParameters(sizes, strides, ratios, scales)`` code."""
    sizes, strides, ratios, scales = _keras_parts(cfg)
    return (
        "# keras-retinanet: replaces AnchorParameters.default (pass anchor_parameters to the model and generators; "
        "for train.py --config use the .ini export)\n"
        "import keras\nimport numpy as np\nfrom keras_retinanet.utils.anchors import AnchorParameters\n\n"
        "anchor_parameters = AnchorParameters(\n"
        f"    sizes={_list(sizes)},\n"
        f"    strides={_list(strides)},\n"
        f"    ratios=np.array({_list(ratios, _flt)}, keras.backend.floatx()),\n"
        f"    scales=np.array({_list(scales, _flt)}, keras.backend.floatx()),\n"
        ")\n"
    )


def to_keras_ini(cfg: AnchorConfig) -> str:
    """The config file keras-retinanet's ``train.py --config`` (and evaluate / debug) reads.

    keras_retinanet/utils/config.py splits each value on single spaces and reads sizes and strides with
    ``int()``, ratios and scales with ``float()``; ``[pyramid_levels] P`` names the feature levels, one per
    stride (P = log2 of the stride), so a setup with other levels than P3-P7 gets the matching features.

    Raises:
        AnchorVizInputError: what `to_keras` refuses; sizes or strides that are not whole numbers (``int('32.5')``
            fails in train.py); a stride that is not a power of two (no pyramid level has it).
    """
    lib = "keras-retinanet .ini"
    sizes, strides, ratios, scales = _keras_parts(cfg, lib)
    for what, vals in (("sizes", sizes), ("strides", strides)):
        bad = [v for v in vals if not float(v).is_integer()]
        if bad:
            raise AnchorVizInputError(f"{lib} export: train.py reads {what} as whole numbers, got {_num(bad[0])}; "
                                      "use the Python export (AnchorParameters) for this setup")
    levels = [math.log2(s) for s in strides]
    if not all(k.is_integer() and k >= 0 for k in levels):
        raise AnchorVizInputError(f"{lib} export: every stride must be a power of two (one pyramid level each), "
                                  f"got strides {_list(strides)}")

    def row(vals) -> str:
        return " ".join(_num(v) for v in vals)
    return ("# keras-retinanet: train.py --config anchors_keras_retinanet.ini (read by keras_retinanet/utils/config.py)\n"
            "[anchor_parameters]\n"
            f"sizes = {row(sizes)}\n"
            f"strides = {row(strides)}\n"
            f"ratios = {row(ratios)}\n"
            f"scales = {row(scales)}\n"
            "\n"
            "[pyramid_levels]\n"
            f"P = {row(levels)}\n")


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
    "keras": to_keras, "keras_ini": to_keras_ini, "json": config_to_json,
}


def export_config(cfg: AnchorConfig, fmt: str, *, head: str | None = None) -> str:
    """The setup in one of ``EXPORT_FORMATS``.

    Args:
        head: mmdet only: the head key the generator goes under ("bbox_head" by default, "rpn_head" for an RPN);
            see `to_mmdet`.

    Raises:
        AnchorVizInputError: an unknown format, a head for a format other than mmdet, or a setup the format cannot
            express (see each exporter).
    """
    if fmt not in EXPORTERS:
        raise AnchorVizInputError(f"export format: expected one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    if head is not None:
        if fmt != "mmdet":
            raise AnchorVizInputError(f"export: a head ({head!r}) applies to the mmdet export only, not to {fmt}")
        return to_mmdet(cfg, head=head)
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
