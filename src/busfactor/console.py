"""The console script's first code. Loading the command line (its imports, then its parser)
takes a few hundredths of a second, and a Ctrl-C then printed a traceback: here it ends as a
Ctrl-C during a command does, with one line and exit code 130."""

from __future__ import annotations

import sys

INTERRUPTED = 130


def run() -> None:
    """`busfactor`: the command line, once loaded."""
    try:
        from busfactor.cli import run as run_command
    except KeyboardInterrupt:
        sys.stderr.write("busfactor: error: interrupted\n")
        raise SystemExit(INTERRUPTED) from None
    run_command()
