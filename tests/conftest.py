"""Shared fixtures: a git environment isolated from the machine, and a RepoBuilder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from builders import RepoBuilder, isolate_git

# CI machines are slower and must not flake: no per-example deadline, and the same examples
# every run (a failure found once is found again, and a green run stays green).
settings.register_profile("busfactor", deadline=None, derandomize=True)
settings.load_profile("busfactor")


@pytest.fixture(autouse=True)
def _isolated_git(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every test runs with a throw-away HOME and no inherited git configuration."""
    isolate_git(monkeypatch, tmp_path_factory.mktemp("home"))


@pytest.fixture
def builder(tmp_path: Path) -> Iterator[RepoBuilder]:
    """An empty repository on branch `main`, written with fixed identities and dates."""
    with RepoBuilder(tmp_path / "repo") as repo:
        yield repo
