"""`python -m busfactor` runs the command-line interface."""

from __future__ import annotations

from busfactor.cli import run

if __name__ == "__main__":
    run()
