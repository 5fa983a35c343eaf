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
