"""Logical coupling: the counting against a plain reading of code-maat's rules, and the child
process that counts beside the analysis (adr/0030) against counting in this process."""

from __future__ import annotations

import signal
import time
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from busfactor.core import coupling
from busfactor.core.cochange import Pair, coupled_pairs, decode, encode
from busfactor.core.coupling import CouplingJob

FILES = 8


def reference(changesets: Sequence[Sequence[int]], analysed: bytes) -> list[Pair]:
    """Every pair of analysed files, counted one by one, in the order first met together."""
    revs = {f: sum(f in c for c in changesets) for f in range(len(analysed))}
    first_met: dict[tuple[int, int], int] = {}
    for number, files in enumerate(changesets):
        for pair in combinations(sorted(f for f in files if analysed[f] and revs[f] >= 5), 2):
            first_met.setdefault(pair, number)
    found = []
    for (left, right), _ in sorted(first_met.items(), key=lambda item: item[1]):
        shared = sum(left in c and right in c for c in changesets)
        degree = shared / ((revs[left] + revs[right]) / 2) * 100
        if shared >= 5 and degree >= 30:
            found.append((left, right, round(min(degree, 100.0), 1), shared))
    return found


changesets_st = st.lists(
    st.lists(st.integers(0, FILES - 1), min_size=1, max_size=5, unique=True).map(tuple),
    max_size=60,
)
analysed_st = st.lists(st.booleans(), min_size=FILES, max_size=FILES).map(bytes)


@settings(max_examples=300, deadline=None)
@given(changesets_st, analysed_st)
def test_counting_follows_the_rules(changesets: list[tuple[int, ...]], analysed: bytes) -> None:
    assert coupled_pairs(changesets, analysed) == reference(changesets, analysed)


@settings(max_examples=100, deadline=None)
@given(changesets_st, analysed_st)
def test_the_childs_input_round_trips(changesets: list[tuple[int, ...]], analysed: bytes) -> None:
    assert decode(encode(changesets, analysed)) == (changesets, analysed)


def history(commits: int = 400) -> list[tuple[int, tuple[int, ...]]]:
    """(author, files) changesets: file n changes with n + 5, file 12 (left out of the
    analysis) with file 0, 10-12 now and then; author 2 is a bot."""
    found = []
    for n in range(commits):
        files = {n % 5, n % 5 + 5}
        if n % 5 == 0:
            files.add(12)
        if n % 4 == 0:
            files.add(10 + n % 3)
        found.append((n % 3, tuple(sorted(files))))
    return found


PEOPLE: list[str | None] = ["ada", "bob", None]
ANALYSED = bytes(f != 12 for f in range(30))


def expected() -> list[Pair]:
    return coupled_pairs([files for who, files in history() if who != 2], ANALYSED)


@pytest.fixture
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child runs only with a second CPU to run on; CI machines may have one."""
    monkeypatch.setattr(coupling, "_cpus", lambda: 2)


def test_a_long_history_is_counted_in_a_child_with_the_same_result(two_cpus: None) -> None:
    pairs = expected()
    assert (0, 5, 100.0, 53) in pairs
    assert len(pairs) == 5
    assert all(left != 12 and right != 12 for left, right, _, _ in pairs)
    with CouplingJob(history(), PEOPLE, ANALYSED, child_from=1) as job:
        assert job.in_child
        child = job._child
        assert job.pairs() == pairs
        assert not job.in_child
    assert child is not None
    assert child.returncode == 0  # its own answer, not a recount after a failure


def test_a_short_history_or_one_cpu_counts_here(
    two_cpus: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with CouplingJob(history(), PEOPLE, ANALYSED, child_from=10_000) as job:
        assert not job.in_child
        assert job.pairs() == expected()
    monkeypatch.setattr(coupling, "_cpus", lambda: 1)
    with CouplingJob(history(), PEOPLE, ANALYSED, child_from=1) as job:
        assert not job.in_child
        assert job.pairs() == expected()


@pytest.mark.parametrize(
    "code",
    [
        "import sys; sys.exit(3)",  # fails
        "import sys; sys.stdout.buffer.write(b'not a pickle')",  # garbled
        "import pickle, sys; pickle.dump({'a': 1}, sys.stdout.buffer)",  # not a list
        "import os, sys; sys.stdin.buffer.read(10); os._exit(0)",  # stops reading, no answer
    ],
)
def test_a_child_that_fails_is_not_trusted(
    two_cpus: None, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    monkeypatch.setattr(coupling, "_CHILD_CODE", code)
    with CouplingJob(history(), PEOPLE, ANALYSED, child_from=1) as job:
        assert job.in_child
        assert job.pairs() == expected()


def test_no_interpreter_to_start_counts_here(
    two_cpus: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(coupling.sys, "executable", str(tmp_path / "missing-python"))
    with CouplingJob(history(), PEOPLE, ANALYSED, child_from=1) as job:
        assert not job.in_child
        assert job.pairs() == expected()


def test_a_frozen_build_counts_here(two_cpus: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """PyInstaller and the like: the executable would run busfactor, not the code given."""
    monkeypatch.setattr(coupling.sys, "frozen", True, raising=False)
    with CouplingJob(history(), PEOPLE, ANALYSED, child_from=1) as job:
        assert not job.in_child
        assert job.pairs() == expected()


def test_leaving_early_stops_the_child(two_cpus: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coupling, "_CHILD_CODE", "import time; time.sleep(60)")
    children = []

    def cancelled_scan() -> None:
        with CouplingJob(history(), PEOPLE, ANALYSED, child_from=1) as job:
            children.append(job._child)
            raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        cancelled_scan()
    [child] = children
    assert child is not None
    assert child.returncode is not None
    assert time.monotonic() - started < 30


def test_an_interrupted_wait_stops_a_child_that_reads_nothing(
    two_cpus: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM or Ctrl-C while the analysis waits for a child that has not read its input
    (stopped, or slow to start on a loaded machine): the thread writing the input holds
    the pipe, and closing it waited for that thread, so the scan hung until the child
    went on (QA: 609 s for a stopped child)."""
    monkeypatch.setattr(coupling, "_CHILD_CODE", "import time; time.sleep(60)")
    long_history = [(0, (n % 50, 50 + n % 7, 60 + n % 11)) for n in range(30_000)]
    children = []

    def interrupted_scan() -> None:
        with CouplingJob(long_history, ["ada"], bytes([1] * 80), child_from=1) as job:
            children.append(job._child)
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            job.pairs()

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGALRM, interrupt)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            interrupted_scan()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    [child] = children
    assert child is not None
    assert child.returncode is not None  # killed, not left behind
    assert time.monotonic() - started < 20


def test_the_child_runs_nothing_from_the_scanned_directory(
    two_cpus: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The working directory is the repository being read: a `busfactor` package there, or a
    module shadowing the standard library, must not run in the child."""
    marker = tmp_path / "ran"
    payload = f"open({str(marker)!r}, 'w').close()\n"
    (tmp_path / "busfactor" / "core").mkdir(parents=True)
    (tmp_path / "busfactor" / "__init__.py").write_text(payload)
    (tmp_path / "busfactor" / "core" / "__init__.py").write_text(payload)
    (tmp_path / "busfactor" / "core" / "cochange.py").write_text(payload + "def main(): pass\n")
    for shadow in ("pickle.py", "collections.py", "itertools.py", "array.py", "sitecustomize.py"):
        (tmp_path / shadow).write_text(payload)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setenv("PYTHONSTARTUP", str(tmp_path / "pickle.py"))
    with CouplingJob(history(), PEOPLE, ANALYSED, child_from=1) as job:
        assert job.in_child
        child = job._child
        assert job.pairs() == expected()
    assert child is not None
    assert child.returncode == 0  # the child's own answer, not a recount
    assert not marker.exists()
