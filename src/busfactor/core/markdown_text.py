"""Text from a repository inside Markdown: shown as written, never read as markup.

Names, paths and titles come from repositories we do not trust, and reports land in pull
request comments and CI job summaries. An author named `[click](https://…)` or `![x](…)`
must not become a link or an image that loads by itself.
"""

from __future__ import annotations

import html
import re

_MARKUP = re.compile(r"([\\`*_\[\]~|])")
"""What opens emphasis, code, a link or an image (both need brackets), strike-through or a
table cell: escaped. Parentheses and `!` mean nothing without brackets, and stay readable."""
_AUTOLINK = re.compile(r"(?i)\b(?:https?|ftp|mailto)(?=:)|\bwww(?=\.)")
"""GitHub turns bare `https://…` and `www.…` into links: a backslash before the `:` or `.`
keeps them text."""


_BLOCK_START = re.compile(r"^([#+-]|\d{1,9}(?=[.)]))")
"""What makes the start of a line a heading or a list item (`# x`, `+ x`, `- x`, `1. x`):
a component named `# Heading` after a bullet's `- ` was a heading inside the list. `*` is
in `_MARKUP`, `>` is escaped as HTML."""


def markdown_text(text: str) -> str:
    """`text` (already free of control characters) as literal Markdown inline text, also
    at the start of a line (a bullet's text)."""
    text = _MARKUP.sub(r"\\\1", html.escape(text, quote=False))
    text = _BLOCK_START.sub(_escape_block_start, text)
    return _AUTOLINK.sub(lambda match: match.group() + "\\", text)


def _escape_block_start(match: re.Match[str]) -> str:
    found = match.group()
    return found + "\\" if found[0].isdigit() else "\\" + found
