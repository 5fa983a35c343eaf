"""The house rules CI enforces: ruff lint and format, and strict mypy on the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing() -> None:
    """Lint rules and formatting hold for the package, the tests and the benchmarks."""
    pytest.importorskip("ruff")
    lint = _run(sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    layout = _run(sys.executable, "-m", "ruff", "format", "--check", "src", "tests", "benchmarks")
    assert layout.returncode == 0, layout.stdout + layout.stderr


def test_mypy_strict_passes() -> None:
    """Every module of the package type-checks under mypy --strict."""
    pytest.importorskip("mypy")
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr
