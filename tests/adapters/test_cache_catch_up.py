"""The lockstep catch-up (core/catch_up.py): a rescan whose new history reached old commits
below the cached tip extends the snapshot, and the result is exactly the cold one."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from builders import RepoBuilder
from busfactor.adapters import mining
from busfactor.core import catch_up as catch_up_module
from busfactor.core.catch_up import Correction, _residual, corrected
from busfactor.core.catch_up import _LastHits as LastHits
from busfactor.core.history import ADD, DELETE, DELIVERY, Counts, DagWalk
from busfactor.core.model import FileHistory, IdentityActivity, RawIdentity
from cache_check import clear_cache, mine, plain
from history_generator import Generator, renaming_history


@pytest.fixture
def outcomes(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the catch-up agreed (and extended) or gave up (and the caller replayed)."""
    seen = {"agreed": 0, "gave_up": 0}
    original = catch_up_module.catch_up

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        seen["agreed" if found is not None else "gave_up"] += 1
        return found

    monkeypatch.setattr(mining, "catch_up", spy)
    return seen


def rescans_from_older_tips(path: Path, starts: list[str]) -> None:
    """Cache at each start, rescan HEAD: exactly the cold result every time."""
    cold = plain(mine(path, cached=False))
    for start in starts:
        clear_cache(path)
        mine(path, start)
        assert plain(mine(path)) == cold, f"rescan from {start}"
    clear_cache(path)


def random_history(tmp_path: Path, seed: int, size: int) -> tuple[RepoBuilder, list[str]]:
    """A generated history and a sample of its commits to cache at first."""
    builder = RepoBuilder(tmp_path / f"repo{seed}")
    generator = Generator(builder, seed)
    generator.start()
    generator.grow(size)
    commits = sorted(generator.out.parents)
    return builder, random.Random(seed).sample(commits, min(12, len(commits)))


@pytest.mark.parametrize("seed", range(6))
def test_rescans_from_any_older_commit_equal_a_cold_scan(
    tmp_path: Path, seed: int, outcomes: dict[str, int]
) -> None:
    """Branches forking below the cached tip, syncs, conflicts, re-adds: every start."""
    builder, starts = random_history(tmp_path, seed, 45)
    with builder:
        rescans_from_older_tips(builder.path, starts)


def test_the_catch_up_does_the_work_on_random_histories(
    tmp_path: Path, outcomes: dict[str, int]
) -> None:
    """Across generated histories the catch-up is used and mostly agrees (were it never
    reached, the tests above would only be testing the replay)."""
    for seed in range(6, 9):
        builder, starts = random_history(tmp_path, seed, 45)
        with builder:
            rescans_from_older_tips(builder.path, starts)
    assert outcomes["agreed"] >= 5, outcomes
    assert outcomes["agreed"] > outcomes["gave_up"], outcomes


@pytest.mark.parametrize("seed", [7, 11, 21, 28])
def test_rescans_of_histories_with_renames_equal_a_cold_scan(
    builder: RepoBuilder, seed: int, outcomes: dict[str, int]
) -> None:
    """Renames move paths between files' histories, and old files continue as new ones
    whose numbers sort the other way. Before recent-commit file lists were sorted, three of
    these four seeds failed."""
    made = renaming_history(builder, seed, 50)
    rescans_from_older_tips(builder.path, random.Random(seed).sample(made, 12))
    assert outcomes["agreed"] >= 1, outcomes


def test_a_catch_up_that_gives_up_replays_exactly(
    tmp_path: Path, outcomes: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a budget of one commit the catch-up gives up, and the replay answers."""
    monkeypatch.setattr(mining, "_CATCH_UP_MIN", 1)
    monkeypatch.setattr(mining, "_CATCH_UP_SHARE", 10**9)
    builder, starts = random_history(tmp_path, 3, 45)
    with builder:
        rescans_from_older_tips(builder.path, starts)
    assert outcomes["gave_up"] >= 1, outcomes


def test_pull_request_merged_over_mainline_edits_is_caught_up(
    builder: RepoBuilder, outcomes: dict[str, int]
) -> None:
    """The PR's file was edited on main since the fork: the snapshot alone would count the
    branch's old history wrongly; the catch-up agrees within the few commits below."""
    builder.commit("ada", write={"src/a.py": "a\n", "src/b.py": "b\n"})
    for n in range(6):
        builder.commit("bob", write={f"src/m{n}.py": f"{n}\n"})
    builder.branch("topic", "HEAD~3")
    builder.commit("ada", write={"src/b.py": "main edit\n"})
    builder.commit("cy", write={"src/m1.py": "main again\n"})
    tip = builder.head
    builder.checkout("topic")
    builder.commit("dan", write={"src/b.py": "topic edit\n"})
    builder.checkout("main")
    builder.merge("eve", "topic", write={"src/b.py": "topic edit\n"})
    rescans_from_older_tips(builder.path, [tip])
    assert outcomes == {"agreed": 1, "gave_up": 0}


@pytest.mark.parametrize(("activity_days", "walked_alone"), [(5, True), (180, False)])
def test_readded_path_with_deep_history_is_walked_alone(
    builder: RepoBuilder,
    outcomes: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    activity_days: int,
    walked_alone: bool,
) -> None:
    """d.txt comes back above the cached tip; its old life lies 40 commits down, past the
    catch-up's budget (16 here). The walks agree on everything else, so only d.txt's map walks
    on. If its old life reaches into the activity window (whose recent-commit lists the small
    walk cannot complete), the cache replays."""
    monkeypatch.setattr(mining, "_CATCH_UP_MIN", 16)
    monkeypatch.setattr(mining, "_CATCH_UP_SHARE", 10**9)
    ran: list[object] = []
    original = catch_up_module._extras_only

    def spy(*args: Any) -> Any:
        found = original(*args)
        ran.append(found)
        return found

    monkeypatch.setattr(catch_up_module, "_extras_only", spy)
    builder.commit("ada", write={"d.txt": "d\n", "a.txt": "a\n"})
    for n in range(3):
        builder.commit("bob", write={"d.txt": f"d{n}\n"})
    builder.commit("cy", delete=["d.txt"])
    for n in range(40):
        builder.commit("dan", write={f"m{n % 5}.txt": f"{n}\n"})
    tip = builder.head
    builder.commit("eve", write={"d.txt": "back\n"})
    cold = plain(mine(builder.path, cached=False, activity_days=activity_days))
    mine(builder.path, tip, activity_days=activity_days)
    assert plain(mine(builder.path, activity_days=activity_days)) == cold
    # Inside the window the old life is seen up front (its newest commit's time): replayed
    # at once, without walking to the budget first.
    assert [found is not None for found in ran] == ([True] if walked_alone else [])


class TestResidual:
    """What the whole walk adds beyond the cached one may be walked alone only when it is
    new files no old file continues: the cached counts already hold the others."""

    def residual(self, whole: dict[bytes, Any]) -> dict[bytes, Any] | None:
        sources = {0: (5,), 1: (6,)}  # old file 0 continues as new file 5, old 1 as new 6
        cached = DagWalk(LastHits(), b"x", {b"p.txt": 0})
        return _residual(cached, DagWalk.resumed(LastHits(), {b"x": whole}), sources, set(), 16)

    def test_equal_maps_agree(self) -> None:
        assert self.residual({b"p.txt": 5}) == {}

    def test_a_new_file_no_old_file_continues_is_left_to_walk_alone(self) -> None:
        assert self.residual({b"p.txt": (5, 7), b"q.txt": 8}) == {b"x": {b"p.txt": 7, b"q.txt": 8}}

    def test_a_file_an_old_file_continues_is_not(self) -> None:
        assert self.residual({b"p.txt": (5, 6)}) is None

    def test_less_than_the_cached_walk_is_not(self) -> None:
        assert self.residual({b"q.txt": 5}) is None


def counts(files: list[FileHistory]) -> Counts:
    """Counts of one person (ada) over the given files."""
    return Counts(
        files=files,
        identities=[RawIdentity("ada@x", "Ada")],
        activity=[IdentityActivity(3, 10, 30)],
        recent=[],
        recent_times=[],
        changesets=[],
        keys=[(b"ada@x", b"Ada")],
        commits_read=3,
    )


def correction(when: int, before: dict[int, int], after: dict[int, int]) -> Correction:
    return Correction(b"ada@x", b"Ada", when, tuple(before), before, after)


class TestCorrections:
    def stats(self) -> FileHistory:
        """Ada added the file at 10, delivered at 20 and 30."""
        return FileHistory({0: 3}, {0: 2}, {0}, {0: 10}, 30)

    def test_a_commit_counted_more_strongly_adds_what_the_counter_adds(self) -> None:
        fixed = corrected(counts([FileHistory()]), [correction(5, {}, {0: DELIVERY})], None)
        assert fixed is not None
        assert fixed.files[0] == FileHistory({0: 1}, {0: 1}, set(), {0: 5}, 5)

    def test_a_delivery_that_becomes_an_add_moves_between_the_counts(self) -> None:
        fixed = corrected(counts([self.stats()]), [correction(20, {0: DELIVERY}, {0: ADD})], None)
        assert fixed is not None
        assert fixed.files[0] == FileHistory({0: 3}, {0: 1}, {0}, {0: 10}, 30)

    def test_a_middle_delivery_not_counted_is_taken_back(self) -> None:
        fixed = corrected(counts([self.stats()]), [correction(20, {0: DELIVERY}, {})], None)
        assert fixed is not None
        assert fixed.files[0] == FileHistory({0: 2}, {0: 1}, {0}, {0: 10}, 30)

    @pytest.mark.parametrize(
        ("when", "before", "after"),
        [
            (30, {0: DELIVERY}, {}),  # the newest: the file's last time is not known
            (10, {0: ADD}, {}),  # an add: other adds by the same person are not known
            (10, {0: DELIVERY}, {0: DELETE}),  # maybe the oldest: first time not known
        ],
    )
    def test_what_the_counts_cannot_take_back_gives_up(
        self, when: int, before: dict[int, int], after: dict[int, int]
    ) -> None:
        assert corrected(counts([self.stats()]), [correction(when, before, after)], None) is None

    def test_recent_commits_name_the_files_the_whole_walk_counts(self) -> None:
        base = counts([FileHistory({0: 1}, {0: 1}, set(), {0: 20}, 20), FileHistory()])
        base.recent, base.recent_times = [(0, (0,))], [20]
        fixed = corrected(base, [correction(20, {0: DELIVERY}, {0: DELIVERY, 1: ADD})], 15)
        assert fixed is not None
        assert (fixed.recent, fixed.recent_times) == ([(0, (0, 1))], [20])
        assert fixed.files[1] == FileHistory({0: 1}, {}, {0}, {0: 20}, 20)
