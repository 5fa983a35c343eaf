"""What the pipeline reads from the tree alone runs beside the history walk (pipeline.scan).

Decision records and CODEOWNERS need no history, so they are read while git prints it and
Python mostly waits; after the walk they were 0.15 s of a 10,000-file cold scan.
"""

from __future__ import annotations

import threading

import pytest

import busfactor.adapters.adr as adr
from builders import RepoBuilder
from busfactor.errors import RepositoryError
from busfactor.pipeline import scan

ADR = """# 1. Use PostgreSQL

* Status: accepted
* Deciders: Ada Lovelace

## Context

We need a database.
"""


@pytest.fixture
def documented(builder: RepoBuilder) -> RepoBuilder:
    """One decision record, a CODEOWNERS file and some code."""
    builder.commit(
        "ada",
        write={
            "docs/adr/0001-use-postgresql.md": ADR,
            ".github/CODEOWNERS": "/src/ @ada\n",
            "src/app.py": "x = 1\n",
        },
    )
    builder.commit("bob", write={"src/app.py": "x = 2\n"})
    return builder


def test_decisions_and_codeowners_are_read_beside_the_walk(
    documented: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decision records are parsed in the worker thread, and the report still has them
    and the CODEOWNERS findings, exactly as when they were read after the walk."""
    threads: list[str] = []
    read_decisions = adr.read_decisions

    def recording(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return read_decisions(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(adr, "read_decisions", recording)
    report = scan(documented.path, overrides={"cache": False})
    assert len(threads) == 1
    assert threads[0].startswith("beside-history")
    assert [d["title"] for d in report.decisions()] == ["Use PostgreSQL"]
    assert any(f["rule"].startswith("codeowners") for f in report.findings())


def test_an_error_reading_the_documents_still_reaches_the_caller(
    documented: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure in the worker is raised by `scan`, as it was when the main thread read them."""

    def failing(*args: object, **kwargs: object) -> object:
        raise RepositoryError("cannot read the decision records")

    monkeypatch.setattr(adr, "read_decisions", failing)
    with pytest.raises(RepositoryError, match="cannot read the decision records"):
        scan(documented.path, overrides={"cache": False})
