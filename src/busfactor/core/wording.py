"""Numbers in sentences, shared by every report and screen so they read alike."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """'1 file', '2 files', '0 errors'; `plural` for nouns that do not take an s."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
