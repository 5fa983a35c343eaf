"""A scan that will read all history starts git's main stream right after resolving the
revision, before it lists the tree and opens its cache (GitRepository.prestart_history): the
walk then takes that very process over, and one nobody takes is ended at close."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import busfactor.adapters.git as git
from builders import RepoBuilder
from busfactor.adapters.git import GitRepository
from busfactor.core.settings import Settings
from busfactor.formats.json import render_json
from busfactor.pipeline import scan


@pytest.fixture
def history(builder: RepoBuilder) -> RepoBuilder:
    builder.commit("ada", write={"a.py": "a\n" * 20, "b.py": "b\n"})
    builder.branch("topic")
    builder.checkout("topic")
    builder.commit("bob", write={"b.py": "b\nb\n"})
    builder.checkout("main")
    builder.commit("ada", write={"a.py": "a\n" * 21})
    builder.merge("ada", "topic")
    return builder


def spawned(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Every long-running git process started from now on, by its arguments."""
    seen: list[tuple[str, ...]] = []
    popen = GitRepository._popen

    def counting(self: GitRepository, args: Sequence[str], *rest: Any, **named: Any) -> Any:
        seen.append(tuple(args))
        return popen(self, args, *rest, **named)

    monkeypatch.setattr(GitRepository, "_popen", counting)
    return seen


def main_streams(seen: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return [args for args in seen if args[0] == "log" and "--merges" not in args]


@pytest.mark.parametrize("linear", [False, True])
def test_the_walk_takes_the_prestarted_process_over(
    history: RepoBuilder, monkeypatch: pytest.MonkeyPatch, linear: bool
) -> None:
    """One main stream per scan, started before the tree is listed, and the same records
    as a stream started by the walk itself."""
    with GitRepository(history.path) as repo:
        sha, _ = repo.resolve("HEAD")
        with repo.history(sha, since=None, linear=linear) as records:
            expected = list(records)
        seen = spawned(monkeypatch)
        repo.prestart_history(sha, since=None, linear=linear)
        with repo.history(sha, since=None, linear=linear) as records:
            assert list(records) == expected
        assert len(seen) == 1
        assert not repo._prestarted


def test_a_prestarted_stream_nobody_takes_is_ended_at_close(history: RepoBuilder) -> None:
    with GitRepository(history.path) as repo:
        sha, _ = repo.resolve("HEAD")
        repo.prestart_history(sha, since=None, linear=False)
        [process] = repo._prestarted.values()
    assert process.proc.poll() is not None  # killed and reaped
    assert process.stdout.closed


@pytest.mark.parametrize("history_model", ["dag", "linear"])
def test_a_first_scan_starts_its_stream_before_listing_the_tree(
    history: RepoBuilder, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, history_model: str
) -> None:
    """A first scan into an empty cache and a scan without one prestart; the rescan, which
    reads only new commits, does not. Reports equal those of the usual path."""
    order: list[str] = []
    listing = GitRepository.tree
    prestart = GitRepository.prestart_history

    def tree(self: GitRepository, sha: str) -> Any:
        order.append("tree")
        return listing(self, sha)

    def early(self: GitRepository, sha: str, **options: Any) -> None:
        order.append("prestart")
        prestart(self, sha, **options)

    monkeypatch.setattr(GitRepository, "tree", tree)
    monkeypatch.setattr(GitRepository, "prestart_history", early)
    seen = spawned(monkeypatch)
    cold = Settings(history=history_model, cache=False)
    expected = render_json(scan(history.path, settings=cold))
    assert order == ["prestart", "tree"]
    assert len(main_streams(seen)) == 1
    cached = Settings(history=history_model, cache_dir=str(tmp_path / "cache"))
    for first in (True, False):
        order.clear()
        seen.clear()
        assert render_json(scan(history.path, settings=cached)) == expected
        assert order == (["prestart", "tree"] if first else ["tree"])
        assert len(main_streams(seen)) == (1 if first else 0)  # an unchanged tip: no git log
    history.commit("bob", write={"c.py": "c\n"})
    order.clear()
    seen.clear()
    scan(history.path, settings=cached)
    assert order == ["tree"]
    assert [args for args in main_streams(seen) if "--" in args]  # the rescan's own stream


def test_nothing_is_prestarted_when_a_cache_exists(
    history: RepoBuilder, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Sanity of the rule itself: the default cache file, once written, stops prestarting."""
    calls: list[str] = []
    monkeypatch.setattr(
        git.GitRepository, "prestart_history", lambda self, sha, **options: calls.append(sha)
    )
    scan(history.path)
    assert len(calls) == 1
    scan(history.path)
    assert len(calls) == 1
