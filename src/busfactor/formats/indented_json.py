"""`json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte, about twice as fast.

With `indent`, CPython's json module leaves its C encoder for a generator per nesting level;
on a repository of 10,000 files the report's JSON then costs as much as its analysis. This
writer keeps json's exact layout and escaping (its C `encode_basestring`, `float.__repr__`)
and handles plain JSON data: dicts with str keys, lists, tuples, str, int, float, bool, None.
Anything else (other key types, subclasses json would treat specially, cycles) falls back to
json.dumps itself, so the output never differs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

_INFINITY = float("inf")


class Verbatim:
    """A dict value its owner lays out itself: `render(newline)` returns the text json.dumps
    would write there, given the line break and indent of the value's own level. For the
    report's largest part, written without building a dict per row (formats/json.py)."""

    __slots__ = ("render",)

    def __init__(self, render: Callable[[str], str]) -> None:
        self.render = render


class _Unsupported(Exception):
    """A value this writer does not render exactly like json.dumps: use json.dumps."""


def dumps_indented(value: Any) -> str:
    """The text `json.dumps(value, indent=2, ensure_ascii=False)` gives."""
    out: list[str] = []
    try:
        _write(value, out, "\n", 0)
    except (_Unsupported, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False)  # a Verbatim here: TypeError
    return "".join(out)


def scalar(value: Any) -> str:
    """A leaf as json writes it; `_Unsupported` for anything that is not plain JSON data."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        if value != value:
            return "NaN"
        if value == _INFINITY:
            return "Infinity"
        if value == -_INFINITY:
            return "-Infinity"
        return float.__repr__(value)
    raise _Unsupported


def _write(value: Any, out: list[str], newline: str, depth: int) -> None:
    """Append `value`'s text; `newline` is the line break and indent of its own level."""
    kind = type(value)
    if kind is dict:
        if not value:
            out.append("{}")
            return
        if depth > 200:  # deeper than any report: let json decide (and detect cycles)
            raise _Unsupported
        inner = newline + "  "
        opener = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unsupported  # json converts int, float, bool, None keys its own way
            kind = type(item)
            if kind is dict or kind is list or kind is tuple:
                out.append(opener + encode_basestring(key) + ": ")
                _write(item, out, inner, depth + 1)
            elif kind is Verbatim:
                out.append(opener + encode_basestring(key) + ": " + item.render(inner))
            else:
                out.append(opener + encode_basestring(key) + ": " + scalar(item))
            opener = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        if depth > 200:
            raise _Unsupported
        inner = newline + "  "
        if all(type(item) is str for item in value):  # names, paths: the most common list
            out.append(
                "[" + inner + ("," + inner).join(map(encode_basestring, value)) + newline + "]"
            )
            return
        opener = "[" + inner
        for item in value:
            kind = type(item)
            if kind is dict or kind is list or kind is tuple:
                out.append(opener)
                _write(item, out, inner, depth + 1)
            else:
                out.append(opener + scalar(item))
            opener = "," + inner
        out.append(newline + "]")
    else:
        out.append(scalar(value))
