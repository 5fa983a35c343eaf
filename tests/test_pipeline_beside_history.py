"""What the pipeline reads from the tree alone runs beside the history walk (pipeline.scan).

Decision records and CODEOWNERS need no history, so they are read while git prints it and
Python mostly waits; after the walk they were 0.15 s of a 10,000-file cold scan.
"""

from __future__ import annotations

import threading

import pytest

import busfactor.adapters.adr as adr
import busfactor.pipeline as pipeline
from builders import RepoBuilder
from busfactor.adapters.cache import HistoryCache
from busfactor.adapters.git import GitRepository
from busfactor.errors import Cancelled, RepositoryError
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
    """A failure in the worker is raised by `scan`, as it was when the main thread read them,
    and the cache is closed all the same."""

    def failing(*args: object, **kwargs: object) -> object:
        raise RepositoryError("cannot read the decision records")

    closed: list[bool] = []
    close = HistoryCache.close

    def recording_close(self: HistoryCache) -> None:
        closed.append(True)
        close(self)

    monkeypatch.setattr(adr, "read_decisions", failing)
    monkeypatch.setattr(HistoryCache, "close", recording_close)
    with pytest.raises(RepositoryError, match="cannot read the decision records"):
        scan(documented.path)
    assert closed == [True]  # the cache file is released all the same


@pytest.mark.parametrize("history", ["dag", "linear"])
def test_work_beside_the_walk_waits_until_git_prints_history(
    documented: RepoBuilder, monkeypatch: pytest.MonkeyPatch, history: str
) -> None:
    """The classification and the documents start only once `git log` runs: started before,
    their Python held up the main thread on its way to spawning git."""
    events: list[str] = []
    stream, classify = GitRepository.stream, pipeline.excluded_files

    def recording_stream(self: GitRepository, *args: str, **kwargs: object) -> object:
        events.append(f"git {args[0]}")
        return stream(self, *args, **kwargs)  # type: ignore[arg-type]

    def recording_classify(*args: object) -> object:
        events.append("beside")
        return classify(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(GitRepository, "stream", recording_stream)
    monkeypatch.setattr(pipeline, "excluded_files", recording_classify)
    scan(documented.path, overrides={"cache": False, "history": history})
    assert "beside" in events
    assert "git log" in events[: events.index("beside")]


def test_a_walk_that_fails_before_git_starts_drops_the_work_beside_it(
    documented: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed (or cancelled) walk neither waits for the classification nor deadlocks on it:
    the error reaches the caller and the work that was held back never runs."""
    calls: list[str] = []

    def failing_mining(*args: object, **kwargs: object) -> object:
        raise Cancelled("scan cancelled")

    def recording_classify(*args: object) -> object:
        calls.append("classify")
        raise AssertionError("the classification should have been dropped")

    monkeypatch.setattr(pipeline, "mine_history", failing_mining)
    monkeypatch.setattr(pipeline, "excluded_files", recording_classify)
    with pytest.raises(Cancelled):
        scan(documented.path, overrides={"cache": False})
    assert calls == []


def test_a_scan_pauses_the_garbage_collector_while_it_runs(builder: RepoBuilder) -> None:
    """The app runs with the collector on; a scan pauses it (core/gc_pause.py) and turns it
    back on. Adding `check_since` once moved the decorator off `scan` unnoticed."""
    import gc

    builder.commit("ada", write={"a.py": "1\n"})
    seen: list[bool] = []
    assert gc.isenabled()
    scan(builder.path, on_progress=lambda progress: seen.append(gc.isenabled()))
    assert seen
    assert not any(seen)
    assert gc.isenabled()


LATER_IMPORTS_PROBE = """
import importlib.abc, json, sys, threading
from pathlib import Path

failing = sys.argv[2] == "fail"


class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        where = threading.current_thread().name
        if failing and where == "imports" and name == "busfactor.core.analysis":
            raise ImportError("no analysis in this thread")
        return None


sys.meta_path.insert(0, Watch())
import busfactor.adapters.git as git
from busfactor.pipeline import scan

alive = []
tree = git.GitRepository.tree


def listing(self, sha):
    running = any(t.name == "imports" for t in threading.enumerate())
    alive.append(running or "networkx" in sys.modules)
    return tree(self, sha)


git.GitRepository.tree = listing
before = sys.getswitchinterval()
report = scan(Path(sys.argv[1]), overrides={"cache": False})
for thread in threading.enumerate():
    if thread.name == "imports":
        thread.join()
print(json.dumps([alive, before == sys.getswitchinterval(), len(report.files())]))
"""


@pytest.mark.parametrize("mode", ["ok", "fail"])
def test_later_modules_load_beside_the_scan_from_its_start(
    documented: RepoBuilder, mode: str
) -> None:
    """networkx and the analysis load in a thread started with the scan, already running when
    the tree is listed; the switch interval it lowered comes back after it; and an import
    that fails there is not the scan's failure (the scan imports the module again itself)."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", LATER_IMPORTS_PROBE, str(documented.path), mode],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    alive, restored, files = json.loads(done.stdout.splitlines()[-1])
    assert alive == [True]
    assert restored
    assert files == 3
    assert done.stderr == ""  # nothing escaped the thread (threading prints what does)


def test_no_thread_for_the_imports_leaves_the_switch_interval_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When no thread can be started, the interval lowered for it is restored at once (the
    scan then imports the modules itself)."""
    import sys

    def refused(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(pipeline, "AFTER_HISTORY", ("busfactor_no_such_module",))
    monkeypatch.setattr(threading.Thread, "start", refused)
    before = sys.getswitchinterval()
    pipeline._import_later_modules()
    assert sys.getswitchinterval() == before
