"""Numbers in sentences, shared by every report and screen so they read alike."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime


def listed(names: Iterable[str]) -> str:
    """'Ada, Bob' for a list of names in a sentence; a name holding a comma is quoted
    ('"Smith, Jo", Ada'), with its own double quotes doubled as in CSV, so the list reads
    one way only."""
    return ", ".join(_quoted(name) if "," in name else name for name in names)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """'1 file', '2 files', '0 errors'; `plural` for nouns that do not take an s."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def agreeing(number: int, singular: str, plural: str) -> str:
    """The verb phrase that agrees with `number`: 'loses its', 'lose their'."""
    return singular if number == 1 else plural


def day_of(timestamp: int) -> str:
    """'2099-12-31' for seconds since the epoch (UTC); the number itself when no calendar
    date fits (a commit can claim any date)."""
    try:
        return datetime.fromtimestamp(timestamp, UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return str(timestamp)


def utc_minute(timestamp: int) -> str:
    """'2026-11-02 08:25 UTC': how git read a date, to the minute (the number itself when no
    calendar date fits)."""
    try:
        return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return str(timestamp)
