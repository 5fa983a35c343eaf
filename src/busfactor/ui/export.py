"""Export the report, or the plan, as Markdown into a new file, never over an existing one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from busfactor.formats.markdown import render_markdown
from busfactor.new_files import new_file_mode

if TYPE_CHECKING:
    from busfactor.core.report import ScanReport

MAX_ATTEMPTS = 1000


def candidates(directory: Path, stem: str = "busfactor-report") -> list[Path]:
    """`busfactor-report.md`, then `busfactor-report-2.md`, `-3`, …"""
    return [directory / f"{stem}.md"] + [
        directory / f"{stem}-{n}.md" for n in range(2, MAX_ATTEMPTS + 1)
    ]


def publish(temporary: Path, target: Path) -> bool:
    """Move the finished file into place unless `target` exists (False then)."""
    try:
        os.link(temporary, target)  # atomic and never replaces an existing file
    except FileExistsError:
        return False
    except OSError:  # no hard links on this file system: check, then replace
        if target.exists():
            return False
        os.replace(temporary, target)
        return True
    temporary.unlink()
    return True


def export_markdown(report: ScanReport, directory: Path) -> Path:
    """Write `render_markdown(report)` to the first free name in `directory`; its path."""
    return export_text(render_markdown(report), directory, "busfactor-report")


def export_text(text: str, directory: Path, stem: str) -> Path:
    """Write `text` to `STEM.md`, else `STEM-2.md`, … in `directory` (never over a file)."""
    handle, name = tempfile.mkstemp(prefix=f".{stem}-", suffix=".tmp", dir=directory)
    os.fchmod(handle, new_file_mode())  # as `--output` writes it, not mkstemp's 0600
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        for target in candidates(directory, stem):
            if not target.exists() and publish(temporary, target):
                return target
        raise FileExistsError(f"{directory}: {stem}*.md all exist")
    finally:
        temporary.unlink(missing_ok=True)
