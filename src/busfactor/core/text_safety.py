"""Make strings from a repository safe to print: valid UTF-8, no terminal control sequences.

Paths keep non-UTF-8 bytes as surrogate escapes internally; on output they become `\\xNN`.
Here in the core because core reports (the plan) and drafts (CODEOWNERS) print such text too;
`formats.text_safety` adds the JSON walk.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_utf8(value: str) -> bool:
    """Whether `value` holds no undecodable bytes (surrogate escapes)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def valid_text(value: str) -> str:
    """Undecodable bytes (surrogate escapes) shown as `\\xNN`."""
    if is_utf8(value):
        return value
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def printable(value: str) -> str:
    """For terminals, Markdown and XML: control and bidi characters shown as escapes."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), valid_text(value))
