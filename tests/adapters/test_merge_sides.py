"""Side diffs rebuilt from combined diffs (adapters/merge_sides.py, adr/0021).

The scenarios (test_history_scenarios.py) check after each of them that every way of
getting the side diffs counts the same; here: the parsing on hand-written streams, the switch
on git's own output, and rescans whose cached segments hold rebuilt records.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import pytest

from builders import RepoBuilder
from busfactor.adapters import merge_sides
from busfactor.adapters.git import GitRepository
from busfactor.adapters.gitlog import parse_merge_records
from busfactor.adapters.merge_sides import (
    CombinedSides,
    SideDiffs,
    rebuilt_records,
    serialized,
)
from busfactor.adapters.mining import mine_history
from busfactor.core.history import MergeDiff
from busfactor.core.model import Progress
from busfactor.core.settings import Settings
from busfactor.errors import Cancelled
from cache_check import clear_cache, mine, plain
from history_generator import renaming_history

M1, M2, M3 = b"1" * 40, b"2" * 40, b"3" * 40
P1, P2, P3 = b"a" * 40, b"b" * 40, b"c" * 40
TREE = b"f" * 40


def record(sha: bytes, parents: list[bytes], tokens: list[bytes], *, sep: bytes = b"\n") -> bytes:
    """One MERGE_FORMAT record as git prints it (`-c` separates the entries by a NUL)."""
    head = b"\x01" + b"\0".join([sha, b" ".join(parents), TREE]) + b"\0"
    return head + (sep + b"".join(t + b"\0" for t in tokens) if tokens else b"")


def test_combined_entries_become_the_side_diff_and_added_paths_ask_for_renames() -> None:
    """Two-parent merges keep their combined paths; one with a path the side parent lacks
    asks for its real side diff; an octopus asks for every side diff."""
    stream = (
        record(M1, [P1, P2], [b"MM", b"a.py", b"MA", b"new.py"], sep=b"\0")
        + record(M2, [P1, P2], [b"MD", b"gone.py"], sep=b"\0")
        + record(M3, [P1, P2, P3], [], sep=b"\0")
    )
    sides = CombinedSides.read([stream[:7], stream[7:]], renames=True)
    assert sides.combined == {
        M1: (P2, [b"MM", b"a.py", b"MA", b"new.py"]),
        M2: (P2, [b"MD", b"gone.py"]),
    }
    assert sides.octopus == {M3: [P2, P3]}
    assert sides.requests == [(M1, P2), (M3, P2), (M3, P3)]
    assert sides.stdin() == b"%s %s\n%s %s\n%s %s\n" % (M1, P2, M3, P2, M3, P3)
    assert CombinedSides.read([stream], renames=False).requests == [(M3, P2), (M3, P3)]


def test_records_come_out_as_separate_diffs_with_the_side_renames() -> None:
    """The rebuilt records read back as git's separate diffs would, stored bytes included:
    the first-parent diff, then a side diff listing the combined paths, an added one as the
    side rename it is; an octopus gets every side diff, an empty one too."""
    sides = CombinedSides.read(
        [
            record(M1, [P1, P2], [b"MM", b"a.py", b"MA", b"new.py", b"MA", b"add.py"], sep=b"\0")
            + record(M3, [P1, P2, P3], [], sep=b"\0")
        ],
        renames=True,
    )
    fetched = {
        (M1, P2): b"R100\0old.py\0new.py\0A\0add.py\0M\0a.py\0M\0elsewhere.py",
        (M3, P2): b"M\0x.py",
        (M3, P3): b"",
    }
    first = record(M1, [P1, P2], [b"M", b"a.py", b"A", b"new.py", b"A", b"add.py", b"M", b"b"])
    empty = record(M2, [P1, P2], [])
    octopus = record(M3, [P1, P2, P3], [b"M", b"x.py", b"M", b"y.py"])
    rebuilt = list(rebuilt_records([first + empty + octopus], sides.side_diffs(fetched)))
    stored = list(parse_merge_records([b"".join(map(serialized, rebuilt))]))
    assert stored == [(sha, tree, raw) for sha, tree, raw, _ in rebuilt]
    assert [sha for sha, _, _ in stored] == [M1, M1, M3, M3, M3], "nothing for M2"
    first_diff, side = (MergeDiff(raw) for _, _, raw in stored[:2])
    assert set(first_diff.changed([b"a.py", b"b", b"new.py", b"other"])) == {
        b"a.py",
        b"b",
        b"new.py",
    }
    assert not side.differs(b"b")
    assert [side.differs(path) for path in (b"a.py", b"new.py", b"add.py")] == [True] * 3
    assert side.renames() == [(b"old.py", b"new.py")]
    assert [raw for _, _, raw in stored[3:]] == [b"M\0x.py", b""]


def test_the_switch_needs_both_the_ratio_and_the_size() -> None:
    policy = SideDiffs(ratio=16.0, min_bytes=1000)
    assert policy.switch(first_parent=10, side=1000)
    assert not policy.switch(first_parent=100, side=1000)
    assert not policy.switch(first_parent=1, side=999)


def topics_on_a_moving_mainline(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch, topics: int = 6
) -> list[str]:
    """git.git's shape, and the merge streams' `--diff-merges` and `-c` flags as they start."""
    builder.commit("ada", write={f"f{n}.txt": f"{n}\n" for n in range(40)})
    for topic in range(topics):
        builder.branch(f"t{topic}", "HEAD~0")
        for n in range(40):  # the mainline moves on: every side diff lists these paths
            builder.commit("bob", write={f"f{n}.txt": f"{n} {topic}\n"})
        builder.checkout(f"t{topic}")
        builder.commit("cy", write={f"topic{topic}.txt": "t\n"})
        builder.checkout("main")
        builder.merge("dan", f"t{topic}")
    started: list[str] = []
    original = GitRepository.stream

    def spy(self: GitRepository, *args: str, **kwargs: Any) -> Any:
        started.extend(a for a in args if a == "-c" or a.startswith("--diff-merges="))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(GitRepository, "stream", spy)
    return started


def test_separate_diffs_that_dwarf_the_first_parent_ones_are_given_up(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git.git's shape: topics forked long ago merged into a mainline that moved on. The
    probe finds the newest merges' side diffs dwarfing their first-parent ones, so combined
    diffs answer; the counts stay. With a larger ratio the scan keeps git's separate diffs."""
    started = topics_on_a_moving_mainline(builder, monkeypatch)
    monkeypatch.setattr(merge_sides, "SIDE_DIFFS", merge_sides.SEPARATE)
    separate = plain(mine(builder.path, cached=False))
    assert started == ["--diff-merges=off", "--diff-merges=separate"]
    started.clear()
    monkeypatch.setattr(merge_sides, "SIDE_DIFFS", SideDiffs(merges=2, ratio=16.0, min_bytes=0))
    assert plain(mine(builder.path, cached=False)) == separate
    assert started == [
        "--diff-merges=off",
        "--diff-merges=separate",  # the probe
        "-c",
        "--diff-merges=first-parent",
    ]
    started.clear()
    monkeypatch.setattr(merge_sides, "SIDE_DIFFS", SideDiffs(merges=2, ratio=200.0, min_bytes=0))
    assert plain(mine(builder.path, cached=False)) == separate
    assert started == ["--diff-merges=off", "--diff-merges=separate", "--diff-merges=separate"]


def test_a_rescan_runs_no_probe(builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rescan reads the merges since the cached tip: git's separate diffs, no probe, even
    where a cold scan switches."""
    started = topics_on_a_moving_mainline(builder, monkeypatch)
    monkeypatch.setattr(merge_sides, "SIDE_DIFFS", SideDiffs(merges=2, ratio=16.0, min_bytes=0))
    cold = plain(mine(builder.path, cached=False))
    assert "-c" in started
    mine(builder.path, "HEAD~3")
    started.clear()
    assert plain(mine(builder.path)) == cold
    assert started == ["--diff-merges=off", "--diff-merges=separate"]
    clear_cache(builder.path)


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many side diffs each read of a combined stream asked git for."""
    asked: list[int] = []
    original = CombinedSides.read

    def spy(*args: Any, **kwargs: Any) -> CombinedSides:
        found = original(*args, **kwargs)
        asked.append(len(found.requests))
        return found

    monkeypatch.setattr(CombinedSides, "read", spy)
    return asked


@pytest.mark.parametrize("seed", [7, 21])
def test_rescans_over_rebuilt_side_diffs_equal_a_cold_scan(
    builder: RepoBuilder, seed: int, monkeypatch: pytest.MonkeyPatch, requests: list[int]
) -> None:
    """Cached segments hold the rebuilt records, alone or after segments of git's own
    separate diffs: every rescan equals the cold scan, and some merges needed side renames."""
    made = renaming_history(builder, seed, 50)
    path: Path = builder.path
    cold = plain(mine(path, cached=False))
    for start in random.Random(seed).sample(made, 5):
        for first in (merge_sides.COMBINED, merge_sides.SEPARATE):
            clear_cache(path)
            monkeypatch.setattr(merge_sides, "SIDE_DIFFS", first)
            mine(path, start)
            monkeypatch.setattr(merge_sides, "SIDE_DIFFS", merge_sides.COMBINED)
            assert plain(mine(path)) == cold, f"rescan from {start}"
    clear_cache(path)
    assert sum(requests) > 0, "no merge needed its side renames"


def test_rebuilt_side_diffs_fetch_nothing_in_a_blobless_clone(
    builder: RepoBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, requests: list[int]
) -> None:
    """Combined diffs without renames and the side diffs' exact renames read trees and blob
    ids only: a blobless clone fetches nothing (busfactor never fetches) and counts as git's
    separate diffs do. The merge needs its side diff: main renamed a.py, the side edited it."""
    lines = "".join(f"line {n}\n" for n in range(20))
    builder.commit("ada", write={"a.py": lines})
    builder.branch("side")
    builder.commit("bob", move={"a.py": "b.py"})
    builder.checkout("side")
    builder.commit("cy", write={"a.py": lines + "more\n"})
    builder.checkout("main")
    builder.merge("dan", "side")
    clone = builder.partial_clone(tmp_path / "clone")

    def missing() -> int:
        out = builder.repo.git.execute(
            ["git", "-C", str(clone), "rev-list", "--objects", "--missing=print", "--all"]
        )
        return sum(line.startswith("?") for line in str(out).splitlines())

    before = missing()
    assert before > 0
    monkeypatch.setattr(merge_sides, "SIDE_DIFFS", merge_sides.SEPARATE)
    separate = plain(mine(clone, cached=False))
    monkeypatch.setattr(merge_sides, "SIDE_DIFFS", merge_sides.COMBINED)
    assert plain(mine(clone, cached=False)) == separate
    assert requests == [1]
    assert missing() == before


def test_the_wait_for_combined_diffs_reports_progress_and_can_be_cancelled(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk waits while the combined diffs are read (git.git: 6.5 s); the TUI still sees
    progress, and a cancel ends the scan there."""
    topics_on_a_moving_mainline(builder, monkeypatch)
    monkeypatch.setattr(merge_sides, "SIDE_DIFFS", merge_sides.COMBINED)
    monkeypatch.setattr(merge_sides, "WATCH_EVERY", 2)
    cancel = threading.Event()
    seen: list[Progress] = []

    def progress(step: Progress) -> None:
        seen.append(step)
        if step.stage == "merges' combined diffs" and step.done >= 4:
            cancel.set()

    with GitRepository(builder.path) as repo:
        sha, when = repo.resolve("HEAD")
        entries = repo.tree(sha)
        settings = Settings()
        with pytest.raises(Cancelled):
            mine_history(repo, sha, when, entries, settings, on_progress=progress, cancel=cancel)
        assert [s.done for s in seen if s.stage == "merges' combined diffs"] == [2, 4]
        seen.clear()
        mine_history(repo, sha, when, entries, settings, on_progress=progress)
        assert [s.done for s in seen if s.stage == "merges' combined diffs"] == [2, 4, 6]
