"""A tiny, safe reader for the YAML that anchor configs and dataset files use (no PyYAML dependency).

Supported: block mappings nested by indentation (``KEY: value`` / ``KEY:`` + indented block), block
sequences (``- item``), flow sequences and mappings (``[1, [2, 3]]``, ``{0: person}``), plain, single- and
double-quoted scalars, ``#`` comments, ``---`` and ``...``. Scalars become int, float, bool, None or str
(YAML 1.2 core schema). Anything else (anchors ``&a``/aliases ``*a``, tags ``!!``, multi-line scalars ``|``
``>``, several documents, ``- key: value`` mappings inside sequences) raises AnchorVizInputError naming the
line. Nothing is ever evaluated: values are only ever numbers, strings, lists and dicts.

>>> parse_yaml("a: 1\\nb: [x, 2.5]\\nc:\\n  - [1, 2]\\n")
{'a': 1, 'b': ['x', 2.5], 'c': [[1, 2]]}
"""

from __future__ import annotations

import re

from anchorviz.errors import AnchorVizInputError

__all__ = ["parse_yaml", "strip_comment"]

_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")


def strip_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (a '#' inside quotes or not after a space is kept)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def _scalar(text: str, *, where: str):
    t = text.strip()
    if not t:
        return None
    if t[0] in "'\"":
        if len(t) < 2 or t[-1] != t[0]:
            raise AnchorVizInputError(f"{where}: unterminated quoted string {t!r}")
        body = t[1:-1]
        return body.replace("''", "'") if t[0] == "'" else body.replace('\\"', '"').replace("\\\\", "\\")
    if t[0] in "&*!|>%@`":
        raise AnchorVizInputError(f"{where}: unsupported YAML construct {t[:20]!r} (anchors, tags, block scalars)")
    low = t.lower()
    if low in ("null", "~"):
        return None
    if low == "true":
        return True
    if low == "false":
        return False
    if low in (".inf", "+.inf"):
        return float("inf")
    if low == "-.inf":
        return float("-inf")
    if low == ".nan":
        return float("nan")
    if _INT.match(t):
        return int(t.replace("_", ""))
    if _FLOAT.match(t) and any(c.isdigit() for c in t):
        return float(t.replace("_", ""))
    return t


class _Flow:
    """Recursive-descent reader of one flow collection."""

    def __init__(self, text: str, where: str) -> None:
        self.s, self.i, self.where = text, 0, where

    def error(self, what: str) -> AnchorVizInputError:
        return AnchorVizInputError(f"{self.where}: {what} at column {self.i + 1} of {self.s.strip()[:60]!r}")

    def ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def value(self, depth: int = 0):
        if depth > 50:
            raise self.error("nesting too deep")
        self.ws()
        if self.i >= len(self.s):
            raise self.error("expected a value")
        ch = self.s[self.i]
        if ch == "[":
            return self.seq(depth)
        if ch == "{":
            return self.mapping(depth)
        if ch in "'\"":
            j = self.i + 1
            while j < len(self.s):
                if self.s[j] == ch:
                    if ch == "'" and j + 1 < len(self.s) and self.s[j + 1] == "'":
                        j += 2
                        continue
                    if ch == '"' and self.s[j - 1] == "\\":
                        j += 1
                        continue
                    break
                j += 1
            if j >= len(self.s):
                raise self.error("unterminated quoted string")
            tok = self.s[self.i:j + 1]
            self.i = j + 1
            return _scalar(tok, where=self.where)
        j = self.i
        while j < len(self.s) and self.s[j] not in ",]}:":
            j += 1
        # a ':' followed by a non-space belongs to the scalar (e.g. a URL), as in YAML
        while j < len(self.s) and self.s[j] == ":" and j + 1 < len(self.s) and self.s[j + 1] not in " ,]}":
            j += 1
            while j < len(self.s) and self.s[j] not in ",]}:":
                j += 1
        tok = self.s[self.i:j]
        self.i = j
        return _scalar(tok, where=self.where)

    def seq(self, depth: int) -> list:
        self.i += 1
        out = []
        self.ws()
        if self.i < len(self.s) and self.s[self.i] == "]":
            self.i += 1
            return out
        while True:
            out.append(self.value(depth + 1))
            self.ws()
            if self.i >= len(self.s):
                raise self.error("unterminated '['")
            if self.s[self.i] == ",":
                self.i += 1
                self.ws()
                if self.i < len(self.s) and self.s[self.i] == "]":  # trailing comma
                    self.i += 1
                    return out
                continue
            if self.s[self.i] == "]":
                self.i += 1
                return out
            raise self.error("expected ',' or ']'")

    def mapping(self, depth: int) -> dict:
        self.i += 1
        out: dict = {}
        self.ws()
        if self.i < len(self.s) and self.s[self.i] == "}":
            self.i += 1
            return out
        while True:
            key = self.value(depth + 1)
            self.ws()
            if self.i >= len(self.s) or self.s[self.i] != ":":
                raise self.error("expected ':' in a flow mapping")
            self.i += 1
            out[key] = self.value(depth + 1)
            self.ws()
            if self.i < len(self.s) and self.s[self.i] == ",":
                self.i += 1
                self.ws()
                if self.i < len(self.s) and self.s[self.i] == "}":
                    self.i += 1
                    return out
                continue
            if self.i < len(self.s) and self.s[self.i] == "}":
                self.i += 1
                return out
            raise self.error("expected ',' or '}'")


def _depth(text: str) -> int:
    """Open '[' / '{' minus closed ones, outside quotes."""
    depth, quote = 0, ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return depth


def _inline(text: str, where: str):
    t = text.strip()
    if t.startswith(("[", "{")):
        f = _Flow(t, where)
        v = f.value()
        f.ws()
        if f.i != len(t):
            raise f.error("unexpected text after the value")
        return v
    return _scalar(t, where=where)


def _split_key(text: str, where: str) -> tuple[object, str] | None:
    """'key: rest' -> (key, rest); None when the line is not a mapping entry."""
    t = text
    if t[:1] in "'\"":
        q = t[0]
        j = t.find(q, 1)
        if j < 0:
            raise AnchorVizInputError(f"{where}: unterminated quoted key")
        if t[j + 1:j + 2] == ":" and (j + 2 == len(t) or t[j + 2] in " \t"):
            return _scalar(t[:j + 1], where=where), t[j + 2:]
        return None
    m = re.match(r"([^\[\]{},#'\"][^:#]*?)\s*:(\s+|$)", t)
    if not m:
        return None
    return _scalar(m.group(1), where=where), t[m.end():]


def parse_yaml(text: str, *, name: str = "YAML") -> object:
    """Parse the supported YAML subset (see the module docstring) into dicts, lists and scalars.

    Args:
        text: the YAML text.
        name: file name for messages.

    Raises:
        AnchorVizInputError: anything outside the subset, with the line number.
    """
    if not isinstance(text, str):
        raise AnchorVizInputError(f"{name}: expected YAML text, got {type(text).__name__}")
    lines: list[tuple[int, int, str]] = []  # (line number, indent, content)
    pending: tuple[int, int, str] | None = None
    for no, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise AnchorVizInputError(f"{name}, line {no}: tabs are not allowed for indentation in YAML")
        body = strip_comment(raw)
        if not body.strip():
            continue
        if body.strip() in ("---", "..."):
            if lines:
                raise AnchorVizInputError(f"{name}, line {no}: several YAML documents are not supported")
            continue
        if pending is not None:  # inside a flow collection that spans lines
            pending = (pending[0], pending[1], pending[2] + " " + body.strip())
        else:
            pending = (no, len(body) - len(body.lstrip(" ")), body.strip())
        if _depth(pending[2]) <= 0:
            lines.append(pending)
            pending = None
    if pending is not None:
        raise AnchorVizInputError(f"{name}, line {pending[0]}: a '[' or '{{' is never closed")
    if not lines:
        return None
    pos = 0

    def block(indent: int):
        nonlocal pos
        no, ind, content = lines[pos]
        where = f"{name}, line {no}"
        if content.startswith("- ") or content == "-":
            out = []
            while pos < len(lines) and lines[pos][1] == indent and (lines[pos][2].startswith("- ") or lines[pos][2] == "-"):
                no, _, content = lines[pos]
                where = f"{name}, line {no}"
                rest = content[1:].strip()
                pos += 1
                if not rest:
                    if pos < len(lines) and lines[pos][1] > indent:
                        out.append(block(lines[pos][1]))
                    else:
                        out.append(None)
                    continue
                if rest.startswith("- ") or _split_key(rest, where) is not None:
                    raise AnchorVizInputError(f"{where}: nested block collections inside '- ' are not supported")
                out.append(_inline(rest, where))
            return out
        if _split_key(content, where) is None:
            if content.startswith(("[", "{")) or (pos == 0 and len(lines) == 1):
                pos += 1
                return _inline(content, where)
            raise AnchorVizInputError(f"{where}: expected 'key: value' or '- item', got {content[:60]!r}")
        out: dict = {}
        while pos < len(lines) and lines[pos][1] == indent:
            no, _, content = lines[pos]
            where = f"{name}, line {no}"
            kv = _split_key(content, where)
            if kv is None:
                raise AnchorVizInputError(f"{where}: expected 'key: value', got {content[:60]!r}")
            key, rest = kv
            if key in out:
                raise AnchorVizInputError(f"{where}: the key {key!r} appears twice")
            pos += 1
            if rest.strip():
                out[key] = _inline(rest, where)
            elif pos < len(lines) and (lines[pos][1] > indent or (lines[pos][1] == indent and lines[pos][2].startswith("- "))):
                out[key] = block(lines[pos][1])
            else:
                out[key] = None
        return out

    result = block(lines[0][1])
    if pos < len(lines):
        no, _, content = lines[pos]
        raise AnchorVizInputError(f"{name}, line {no}: unexpected indentation at {content[:60]!r}")
    return result
