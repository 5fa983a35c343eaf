"""Warm equals cold: mine a repository with and without the history cache and compare.

Used after every history scenario (tests/adapters/test_history_scenarios.py) and by the cache's
own tests. Mining is compared directly (the cache changes nothing after it), field by field
and in order, since the canonical order is what makes reports byte-identical.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from busfactor.adapters import merge_sides
from busfactor.adapters.cache import HistoryCache, default_cache_file
from busfactor.adapters.git import GitRepository
from busfactor.adapters.mining import mine_history
from busfactor.core.model import MiningResult
from busfactor.core.settings import Settings


def cache_file(path: Path) -> Path:
    """Where a scan of `path` keeps its cache by default."""
    with GitRepository(path) as repo:
        return default_cache_file(repo.common_dir(), None)


def clear_cache(path: Path) -> None:
    """Remove the repository's cache directory (a test's scans may have made one)."""
    shutil.rmtree(cache_file(path).parent, ignore_errors=True)


def drop_snapshots(path: Path) -> None:
    """Forget finished results, so the next scan replays the cached streams."""
    with sqlite3.connect(cache_file(path)) as db:
        db.execute("DELETE FROM snapshots")


def mine(path: Path, rev: str = "HEAD", *, cached: bool = True, **settings: Any) -> MiningResult:
    """The miner's result at `rev`, through the default cache file or without one."""
    chosen = Settings(rev=rev, **settings)
    with GitRepository(path) as repo:
        sha, when = repo.resolve(rev)
        entries = repo.tree(sha)
        cache = HistoryCache(default_cache_file(repo.common_dir(), None)) if cached else None
        try:
            return mine_history(repo, sha, when, entries, chosen, cache=cache)
        finally:
            if cache is not None:
                cache.close()


def plain(result: MiningResult) -> dict[str, Any]:
    """Everything in order: dicts become item lists, so insertion order is compared too."""

    def ordered(value: Any) -> Any:
        if isinstance(value, dict):
            return [(key, ordered(item)) for key, item in value.items()]
        if isinstance(value, list | tuple):
            return [ordered(item) for item in value]
        if isinstance(value, set):
            return sorted(value)
        return value

    data = asdict(result)
    data["files"] = [ordered(asdict(stats)) for stats in result.files]
    return {key: ordered(value) for key, value in data.items()}


SWITCHED = merge_sides.SideDiffs(merges=2, ratio=0.0, min_bytes=0)
"""Combined diffs, after reading git's separate diffs of two merges."""


def assert_side_diffs_agree(path: Path) -> None:
    """The dag walk counts the same whether the side diffs come from git's separate diffs,
    from combined diffs from the start, or from combined diffs after a switch (adr/0021),
    with exact and with inexact merge renames."""
    for renames in ("exact", "inexact"):
        results = []
        for sides in (merge_sides.SEPARATE, merge_sides.COMBINED, SWITCHED):
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(merge_sides, "SIDE_DIFFS", sides)
                results.append(plain(mine(path, cached=False, merge_renames=renames)))
        assert results[1] == results[0], f"combined side diffs, {renames} renames"
        assert results[2] == results[0], f"switched to combined side diffs, {renames} renames"


def revisions(path: Path) -> list[str]:
    """Older revisions a rescan of HEAD can start from: a few back, and merges' other parents."""
    with GitRepository(path) as repo:
        found = []
        for rev in ("HEAD~1", "HEAD~3", "HEAD^2", "HEAD~2^2"):
            try:
                repo.resolve(rev)
            except Exception:
                continue
            found.append(rev)
        return found


def assert_warm_equals_cold(path: Path, **settings: Any) -> None:
    """Snapshot, replay and every incremental rescan give exactly the cold result."""
    for history in ("dag", "linear"):
        cold = plain(mine(path, cached=False, history=history, **settings))
        warm = plain(mine(path, history=history, **settings))  # as the test left the cache
        assert warm == cold, f"{history}: cache left by the test"
        clear_cache(path)
        assert plain(mine(path, history=history, **settings)) == cold, f"{history}: cold store"
        assert plain(mine(path, history=history, **settings)) == cold, f"{history}: snapshot"
        drop_snapshots(path)
        assert plain(mine(path, history=history, **settings)) == cold, f"{history}: replay"
        if history == "linear":
            continue
        for start in revisions(path):
            clear_cache(path)
            mine(path, start, history=history, **settings)
            incremental = plain(mine(path, history=history, **settings))
            assert incremental == cold, f"{history}: rescan from {start}"
    clear_cache(path)
