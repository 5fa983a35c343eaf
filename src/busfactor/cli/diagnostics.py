"""The only stderr writer: one-line errors and warnings, progress only on a terminal."""

from __future__ import annotations

import sys

from busfactor.core.model import Progress
from busfactor.formats.text_safety import printable

MAX_LINE = 2000
"""Characters of one message at most: a path from a hostile list made a 200 KB error line."""


def _line(message: str) -> str:
    text = printable(message)
    return text if len(text) <= MAX_LINE else text[:MAX_LINE] + "…"


def error(message: str, hint: str | None = None) -> None:
    """`busfactor: error: …` (and an optional hint line)."""
    sys.stderr.write(f"busfactor: error: {_line(message)}\n")
    if hint:
        sys.stderr.write(f"busfactor: hint: {_line(hint)}\n")


def note(message: str) -> None:
    """`busfactor: …`: information for the person running the command."""
    sys.stderr.write(f"busfactor: {_line(message)}\n")


def warning(message: str) -> None:
    """`busfactor: warning: …`."""
    sys.stderr.write(f"busfactor: warning: {_line(message)}\n")


def require_terminal() -> None:
    """A terminal app needs one: without it Textual wrote its screens into a file or a CI
    log and waited for keys that never come (a job hung until its timeout)."""
    from busfactor.errors import UsageError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the terminal app needs a terminal for its input and output; "
            "busfactor scan prints the report without one"
        )
    if not sys.stderr.isatty():  # Textual draws on stderr: `2>log` left a blank terminal
        raise UsageError(
            "the terminal app draws on standard error, which is not a terminal here",
            hint="leave stderr on the terminal (no 2> redirection)",
        )


class ProgressLine:
    """A single self-overwriting status line, shown only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self._shown = False

    def __call__(self, progress: Progress) -> None:
        if not self.enabled:
            return
        sys.stderr.write(f"\r\x1b[Kbusfactor: {progress}")
        sys.stderr.flush()
        self._shown = True

    def clear(self) -> None:
        """Remove the line before the report or an error is printed."""
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self._shown = False
