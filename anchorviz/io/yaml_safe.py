"""YAML from users' files (detectron2 configs, model yamls, YOLO ``data.yaml``) read with PyYAML's safe loader.

``yaml.safe_load`` is what ultralytics / yolov5 and detectron2 (fvcore) themselves use, so a value means here
what it means to the library (YAML 1.1: ``1e-5`` without a dot is a string, ``no`` is False). On top of it:

* only plain data comes back: numbers, strings, booleans, None, lists and dicts (and what safe_load builds for
  YAML 1.1 plain scalars, such as dates); an explicit tag (``!!python/object``, ``!!binary``, ``!custom``) is
  refused, so nothing is ever constructed from a name in the file;
* anchors and aliases (``&a`` / ``*a``) are refused: an alias expands to a shared object, and a few nested ones
  make a document that is small on disk and enormous to walk;
* a key written twice in one mapping is an error (PyYAML would keep the last one silently);
* collections nest at most ``MAX_DEPTH`` deep.

Every problem is an ``AnchorVizInputError`` naming the file and the line.

>>> parse_yaml("a: 1\\nb: [x, 2.5]\\nc:\\n  - [1, 2]\\n")
{'a': 1, 'b': ['x', 2.5], 'c': [[1, 2]]}
"""

from __future__ import annotations

import yaml

from anchorviz.core.errors import AnchorVizInputError

__all__ = ["parse_yaml", "MAX_DEPTH"]

MAX_DEPTH = 50  # nested lists / mappings


class _UniqueKeyLoader(yaml.SafeLoader):
    """The safe loader, refusing a key written twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:  # an unhashable key (a list): safe_load refuses it below with its own message
                continue
            if first is not key_node:
                raise _Refused(f"line {key_node.start_mark.line + 1}: the key {key!r} appears twice")
        return super().construct_mapping(node, deep=deep)


class _Refused(Exception):
    pass


def _check_events(text: str, name: str) -> None:
    """Refuse tags, anchors and aliases, and too deep nesting, before anything is constructed."""
    depth = 0
    for ev in yaml.parse(text, Loader=yaml.SafeLoader):
        line = ev.start_mark.line + 1 if ev.start_mark is not None else 0
        if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None):
            raise AnchorVizInputError(f"{name}, line {line}: unsupported YAML construct: anchors and aliases "
                                      "(&name, *name) are not allowed; write the values out")
        tag = getattr(ev, "tag", None)
        if tag is not None and tag != "!":
            tag = tag.replace("tag:yaml.org,2002:", "!!")
            raise AnchorVizInputError(f"{name}, line {line}: unsupported YAML construct: the tag {tag!r}; only "
                                      "plain numbers, strings, lists and mappings are read")
        if isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise AnchorVizInputError(f"{name}, line {line}: lists and mappings nest more than {MAX_DEPTH} deep")
        elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def parse_yaml(text: str, *, name: str = "YAML") -> object:
    """One YAML document as dicts, lists and scalars (see the module docstring).

    Args:
        text: the YAML text.
        name: the file name, for messages.

    Raises:
        AnchorVizInputError: not YAML, several documents, a tag, an anchor or alias, a duplicate key, or
            nesting deeper than MAX_DEPTH; the message names the line.
    """
    if not isinstance(text, str):
        raise AnchorVizInputError(f"{name}: expected YAML text, got {type(text).__name__}")
    for no, line in enumerate(text.splitlines(), start=1):  # PyYAML's own message for this is cryptic
        if "\t" in line[: len(line) - len(line.lstrip())]:
            raise AnchorVizInputError(f"{name}, line {no}: tabs are not allowed for indentation in YAML")
    try:
        _check_events(text, name)
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as e:
        raise AnchorVizInputError(f"{name}, {e}") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        what = " ".join(str(p) for p in (e.context, e.problem) if p)
        raise AnchorVizInputError(f"{name}{where}: not valid YAML ({what})") from None
    except yaml.YAMLError as e:
        raise AnchorVizInputError(f"{name}: not valid YAML ({e})") from None
