"""`python -m busfactor` runs the command-line interface."""

from __future__ import annotations

import os
import sys


def _forget_working_directory() -> None:
    """`python -m` puts the current directory first on the import path, and that directory is
    often the repository being scanned, which we do not trust: its `argparse.py` or `yaml/`
    would be imported, and run, in place of ours. Python's `-P` does this itself."""
    if not sys.path or sys.flags.safe_path:
        return
    try:
        here = os.getcwd()
    except OSError:  # the directory was removed: it holds nothing to import
        here = ""
    if sys.path[0] in ("", here):
        del sys.path[0]


_forget_working_directory()

from busfactor.console import run  # noqa: E402  (after the import path is safe)

if __name__ == "__main__":
    run()
