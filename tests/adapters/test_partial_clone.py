"""Partial clones (`git clone --filter`): read as they are, never fetched from.

A blobless clone has every commit and tree, so history is complete; only old blobs are
missing. Inexact rename detection reads blobs, so on such a clone busfactor follows exact
renames only and says so; the content of files the clone never downloaded goes unread.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from builders import RepoBuilder
from busfactor.adapters.files import excluded_files
from busfactor.adapters.git import GitRepository
from busfactor.cli import main
from busfactor.core.settings import Settings

LINES = "".join(f"value_{n} = {n} * 2  # a line long enough to weigh\n" for n in range(20))
ADR = """# 1. Use SQLite

Date: 2024-01-01

## Status

Accepted

## Context

We need storage.

## Decision

SQLite.

## Consequences

One file.
"""


@pytest.fixture
def source(builder: RepoBuilder) -> RepoBuilder:
    """Alice writes src/a.py; Bob renames it with an edit (only inexact detection sees it);
    Carol renames src/c.py unchanged (an exact rename)."""
    builder.commit(
        "alice",
        write={
            "src/a.py": LINES,
            "src/c.py": "c = 1\n" * 10,
            "docs/adr/0001-use-sqlite.md": ADR,
            "data/table": bytes(range(256)) * 8,
        },
    )
    builder.commit("alice", write={"src/a.py": LINES + "extra = 1\n"})
    builder.commit("alice", write={"src/a.py": LINES + "extra = 2\n"})
    builder.commit("bob", move={"src/a.py": "src/b.py"}, write={"src/b.py": LINES + "extra = 3\n"})
    builder.commit("carol", move={"src/c.py": "lib/c.py"})
    builder.commit("carol", write={"lib/c.py": "c = 2\n" * 10})
    return builder


def _scan(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    code = main(["scan", str(path), "--format", "json", *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    data: dict[str, Any] = json.loads(captured.out)
    return data


def _missing_objects(path: Path) -> int:
    """Objects the clone lacks (`--missing=print` never fetches)."""
    out = subprocess.run(
        ["git", "-C", str(path), "rev-list", "--objects", "--missing=print", "--all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sum(line.startswith("?") for line in out.splitlines())


def _files(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["path"]: row for row in data["files"]}


def test_a_blobless_clone_is_read_without_fetching(
    source: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clone = source.partial_clone(tmp_path / "clone")
    missing = _missing_objects(clone)
    assert missing > 0  # the old versions of src/a.py and lib/c.py

    full = _scan(source.path, capsys, "--no-cache")
    partial = _scan(clone, capsys, "--no-cache")

    assert _missing_objects(clone) == missing  # nothing was fetched
    assert partial["repository"]["partial"] is True
    assert full["repository"]["partial"] is False
    assert any("renames are followed only where" in w for w in partial["warnings"])
    assert not any("went unread" in w for w in partial["warnings"])  # HEAD's blobs are here

    # The rename with an edit is Bob's new file here; everything else is as in a full clone,
    # the exact rename included.
    full_files, partial_files = _files(full), _files(partial)
    assert full_files["src/b.py"]["authors"] == ["alice@example.test"]
    assert partial_files["src/b.py"]["authors"] == ["bob@example.test"]
    assert partial_files["src/b.py"]["commits"] == 1
    del full_files["src/b.py"], partial_files["src/b.py"]
    assert partial_files == full_files
    assert partial_files["lib/c.py"]["commits"] == 3
    assert partial["repository"]["excluded"] == full["repository"]["excluded"]


def test_a_clone_without_blobs_says_what_went_unread(
    source: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clone = source.partial_clone(tmp_path / "clone", checkout=False)
    missing = _missing_objects(clone)

    data = _scan(clone, capsys)
    again = _scan(clone, capsys)  # from the cache

    assert _missing_objects(clone) == missing
    unread = [w for w in data["warnings"] if "went unread" in w]
    assert unread == [
        "partial clone: the content of 4 files at the revision was never downloaded, so it "
        "went unread (binary, generated and minified checks, decision records, runbooks, "
        "CODEOWNERS)"
    ]
    # data/table is binary, but its content was never read: it is analysed.
    assert "data/table" in _files(data)
    assert again["files"] == data["files"]
    assert again["warnings"] == data["warnings"]


def test_verdicts_made_without_content_are_not_kept(source: RepoBuilder, tmp_path: Path) -> None:
    clone = source.partial_clone(tmp_path / "clone", checkout=False)
    with GitRepository(clone) as repo:
        sha, _ = repo.resolve("HEAD")
        entries = repo.tree(sha)
        assert {e.name for e in repo.missing(entries)} == {e.name for e in entries}
        judged = excluded_files(repo, entries, Settings())
    assert judged.table is None
    assert judged.learned == {}
    with GitRepository(source.path) as repo:
        sha, _ = repo.resolve("HEAD")
        entries = repo.tree(sha)
        assert repo.missing(entries) == []
        full = excluded_files(repo, entries, Settings())
    assert full.table is not None
    assert full.excluded == {"data/table": "binary"}


def test_the_cache_keeps_partial_and_full_history_apart(
    source: RepoBuilder, tmp_path: Path
) -> None:
    """What git prints differs (exact renames only), so the cache must not mix the two."""
    clone = source.partial_clone(tmp_path / "clone")
    with GitRepository(clone) as partial, GitRepository(source.path) as full:
        assert partial.partial
        assert not full.partial
        assert partial.output_fingerprint() != full.output_fingerprint()


def test_a_treeless_clone_is_one_clear_error(
    source: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clone = source.partial_clone(tmp_path / "clone", filter="tree:0", checkout=False)
    missing = _missing_objects(clone)

    code = main(["scan", str(clone), "--format", "json"])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[0].startswith("busfactor: error: partial clone: git needs objects this clone")
    assert "never fetches" in lines[0]
    assert lines[1].startswith("busfactor: hint:")
    assert len(lines) == 2
    assert _missing_objects(clone) == missing


def test_promisor_packs_without_a_promisor_remote_are_a_full_clone(
    source: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A local clone of a partial clone's packs (or a mirror made by a tool) can carry
    `.promisor` files and still be complete: without a promisor remote git fetches nothing,
    so the clone is read in full, inexact renames included."""
    clone = source.partial_clone(tmp_path / "clone")
    for args in (
        ["config", "--unset", "remote.origin.partialclonefilter"],
        ["fetch", "-q", "--refetch", "origin"],  # every object, now with no filter
        ["config", "--unset", "remote.origin.promisor"],
    ):
        subprocess.run(["git", "-C", str(clone), *args], check=True)
    assert _missing_objects(clone) == 0
    assert list((clone / ".git" / "objects" / "pack").glob("*.promisor"))
    with GitRepository(clone) as repo:
        assert not repo.partial
    data = _scan(clone, capsys, "--no-cache")
    assert data["repository"]["partial"] is False
    assert _files(data)["src/b.py"]["authors"] == ["alice@example.test"]
