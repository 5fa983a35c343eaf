"""Fixtures shared by the UI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import RepoBuilder

EVE = ("[bold]Eve[/bold]", "eve@example.test")
MAL = ("Mal\x1b[31mlory", "mal@example.test")


@pytest.fixture
def small_repo(builder: RepoBuilder) -> Path:
    """`pay` is Ada's alone; `core` is shared by Ada, Bob and Cy; `ui` has markup in names."""
    builder.commit("ada", write={"pay/a.py": "a\n" * 30, "pay/b.py": "b\n" * 30})
    for who in ("ada", "bob", "cy"):
        builder.commit(who, write={f"core/{who}.py": f"{who}\n" * 30})
    builder.commit(EVE, write={"ui/e.py": "e\n" * 30})
    builder.commit(MAL, write={"ui/m.py": "m\n" * 30})
    return builder.path


def adr(number: int, title: str, status: str) -> str:
    """An adr-tools record."""
    return f"# {number}. {title}\n\nDate: 2024-01-0{number}\n\n## Status\n\n{status}\n"


@pytest.fixture
def adr_repo(builder: RepoBuilder) -> Path:
    """`pay` (Ada), `core` (Ada, Bob); ADR 2 supersedes 1; Bob, who wrote them, left long ago."""
    builder.commit("ada", write={"pay/a.py": "a\n" * 30, "pay/b.py": "b\n" * 30})
    for who in ("ada", "bob"):
        builder.commit(who, write={f"core/{who}.py": f"{who}\n" * 30})
    builder.commit(
        "bob",
        write={
            "doc/adr/0001-use-sqlite.md": adr(
                1, "Use SQLite", "Superseded by [2. Use PostgreSQL](0002-use-postgresql.md)"
            ),
            "doc/adr/0002-use-postgresql.md": adr(
                2, "Use PostgreSQL", "Accepted\n\nSupersedes [1. Use SQLite](0001-use-sqlite.md)"
            ),
            "doc/adr/0003-pool-connections.md": adr(3, "Pool connections", "Accepted"),
        },
    )
    builder.day += 400  # Bob is inactive: the accepted records are orphaned decisions
    builder.commit("ada", write={"pay/a.py": "a\n" * 31})
    return builder.path
