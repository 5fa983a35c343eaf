"""Scenario tests: small real repositories with hand-computed commits, FA, DL, AC, DOA and authors.

Each test writes a history with the RepoBuilder (one simulated day per commit, so the order
of the linear walk is the order the commits are written) and scans it with
`busfactor.pipeline.scan`. Where the dag and the linear model agree, a test runs under both;
where they differ, the docstring says which and why.

Person ids are lower-cased emails: `ada` commits as `Ada <ada@example.test>`, id
`ada@example.test`. Expected DOA values are written as `doa(FA, DL, AC)` with the formula of
the spec: 3.293 + 1.098·FA + 0.164·DL - 0.321·ln(1 + AC).
"""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from builders import RepoBuilder, email_of
from busfactor.core.graph import FILE, node_id
from busfactor.core.history import DagWalk, HistoryCounter, LinearWalk, PathMap
from busfactor.core.model import Change, CommitRecord
from busfactor.core.report import ScanReport
from busfactor.core.settings import IdentitySettings, Settings
from busfactor.errors import RepositoryError
from busfactor.pipeline import scan
from cache_check import assert_side_diffs_agree, assert_warm_equals_cold

ADA, BOB, CY, DAN, EVE = (email_of(who) for who in ("ada", "bob", "cy", "dan", "eve"))
BOTH = pytest.mark.parametrize("history", ["dag", "linear"])
LINES = "".join(f"line {n} of a file long enough for git to see renames\n" for n in range(1, 9))
"""Eight lines: a rename that changes one of them stays above git's 50% similarity."""


@pytest.fixture(autouse=True)
def _warm_equals_cold(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """After every scenario: the history cache, cold, warm and incremental, changes nothing,
    and neither does where the merges' side diffs come from."""
    yield
    path = tmp_path / "repo"  # the builder's repository, when the test used one
    if "builder" not in request.fixturenames or not (path / ".git" / "HEAD").exists():
        return
    try:
        assert_warm_equals_cold(path)
        assert_side_diffs_agree(path)
    except RepositoryError:
        return  # no commits on HEAD (the empty-repository scenario)


def edited(line: int, text: str = "edited", base: str = LINES) -> str:
    """`base` with one line replaced."""
    lines = base.splitlines(keepends=True)
    lines[line - 1] = f"{text}\n"
    return "".join(lines)


def doa(fa: int, dl: int, ac: int) -> float:
    """The spec's Degree-of-Authorship, written out independently of busfactor's code."""
    return 3.293 + 1.098 * fa + 0.164 * dl - 0.321 * math.log(1 + ac)


class Scan:
    """A scan's report and JSON contract, with lookups by path."""

    def __init__(self, path: Path, **settings: Any) -> None:
        self.report: ScanReport = scan(path, settings=Settings(**settings))
        self.data: dict[str, Any] = self.report.to_dict()

    @property
    def paths(self) -> list[str]:
        return [entry["path"] for entry in self.data["files"]]

    def file(self, path: str) -> dict[str, Any]:
        found = [entry for entry in self.data["files"] if entry["path"] == path]
        assert len(found) == 1, f"{path!r} not analysed: {self.paths}"
        return dict(found[0])

    def commits(self, path: str) -> int:
        return int(self.file(path)["commits"])

    def authors(self, path: str) -> list[str]:
        return list(self.file(path)["authors"])

    def doa(self, path: str) -> dict[str, float]:
        return dict(self.file(path)["doa"])

    def figures(self, path: str) -> dict[str, tuple[int, int, int]]:
        """Person id -> (FA, DL, AC) on one file, read from the ownership graph."""
        graph = self.report.graph
        return {
            graph.nodes[person]["id"]: (
                int(edge["first_author"]),
                edge["deliveries"],
                edge["acceptances"],
            )
            for person, _, edge in graph.in_edges(node_id(FILE, path), data=True)
            if edge.get("kind") == "authorship"
        }

    def person_ids(self) -> list[str]:
        return sorted(person["id"] for person in self.data["people"])


def assert_doa(result: Scan, path: str, expected: dict[str, tuple[int, int, int]]) -> None:
    """FA, DL and AC per person are as given, and the reported DOA follows from them."""
    assert result.figures(path) == expected
    assert result.doa(path) == pytest.approx(
        {person: doa(*figures) for person, figures in expected.items()}, abs=1e-3
    )


# -- the worked example ------------------------------------------------------------------------


@BOTH
def test_worked_example_of_the_algorithms_reference(builder: RepoBuilder, history: str) -> None:
    """algorithms.md §2.4: Ada 4.094 and Bob 3.668 are authors, Cy 2.789 is not."""
    builder.commit("ada", write={"a.py": "v0\n"})
    for n, who in enumerate(["bob", "ada", "bob", "cy", "bob", "ada", "bob", "bob"], 1):
        builder.commit(who, write={"a.py": f"v{n}\n"})
    result = Scan(builder.path, history=history)
    assert result.figures("a.py") == {ADA: (1, 2, 6), BOB: (0, 5, 3), CY: (0, 1, 7)}
    assert result.doa("a.py") == pytest.approx({ADA: 4.094, BOB: 3.668, CY: 2.789}, abs=1e-3)
    assert result.authors("a.py") == [ADA, BOB]
    assert result.commits("a.py") == 9


# -- renames -------------------------------------------------------------------------------------


@BOTH
def test_single_rename_carries_history_and_counts_as_delivery(
    builder: RepoBuilder, history: str
) -> None:
    """A renamed file keeps its creator and edits, and the rename is the renamer's delivery."""
    builder.commit("ada", write={"a.py": LINES})
    builder.commit("bob", write={"a.py": edited(2)})
    builder.commit("cy", move={"a.py": "b.py"})
    builder.commit("dan", write={"b.py": edited(3, base=edited(2))})
    result = Scan(builder.path, history=history)
    assert result.paths == ["b.py"]
    assert result.commits("b.py") == 4
    assert_doa(result, "b.py", {ADA: (1, 0, 3), BOB: (0, 1, 2), CY: (0, 1, 2), DAN: (0, 1, 2)})
    assert result.authors("b.py") == [ADA]


@BOTH
def test_rename_chain_with_edits_is_one_history(builder: RepoBuilder, history: str) -> None:
    """a -> b -> c, the second rename also editing, is one history of c from its creation."""
    builder.commit("ada", write={"a.py": LINES})
    builder.commit("bob", move={"a.py": "b.py"})
    builder.commit("cy", write={"b.py": edited(1)})
    builder.commit("dan", move={"b.py": "c.py"}, write={"c.py": edited(8, base=edited(1))})
    builder.commit("ada", write={"c.py": edited(4, base=edited(8, base=edited(1)))})
    result = Scan(builder.path, history=history)
    assert result.paths == ["c.py"]
    assert result.commits("c.py") == 5
    assert_doa(result, "c.py", {ADA: (1, 1, 3), BOB: (0, 1, 3), CY: (0, 1, 3), DAN: (0, 1, 3)})


@BOTH
def test_swapped_contents_stay_with_their_paths(builder: RepoBuilder, history: str) -> None:
    """git shows a content swap as two edits (no -B), so each path keeps its own history."""
    other = LINES.replace("line", "row")
    builder.commit("ada", write={"a.py": LINES})
    builder.commit("bob", write={"b.py": other})
    builder.commit("cy", write={"a.py": other, "b.py": LINES})
    result = Scan(builder.path, history=history)
    assert result.figures("a.py") == {ADA: (1, 0, 1), CY: (0, 1, 0)}
    assert result.figures("b.py") == {BOB: (1, 0, 1), CY: (0, 1, 0)}


def _record(sha: str, parent: str, who: str, changes: list[Change]) -> CommitRecord:
    email, name = who.encode(), who.title().encode()
    return CommitRecord(sha.encode(), (parent.encode(),) if parent else (), email, name, 0, changes)


@pytest.mark.parametrize("walker", ["dag", "linear"])
def test_renames_of_one_commit_apply_together_so_a_swap_works(walker: str) -> None:
    """Records with `R a->b` and `R b->a` in one commit (git needs -B) keep both histories apart."""
    add, modify, rename = ord("A"), ord("M"), ord("R")
    records = [
        _record("c3", "c2", "cy", [(rename, b"b", b"a"), (rename, b"a", b"b")]),
        _record("c2", "c1", "bob", [(add, b"b", None), (modify, b"a", None)]),
        _record("c1", "", "ada", [(add, b"a", None)]),
    ]
    counter = HistoryCounter(2)
    head: PathMap = {b"a": 0, b"b": 1}
    walk = DagWalk(counter, b"c3", head) if walker == "dag" else LinearWalk(counter, head)
    for record in records:
        walk.visit(record, None)
    names = [identity.email for identity in counter.identities]
    adders = [sorted(names[i] for i in stats.adders) for stats in counter.files]
    assert adders == [["bob"], ["ada"]]  # a now holds Bob's file, b holds Ada's
    assert [sum(stats.touches.values()) for stats in counter.files] == [2, 3]


# -- deletes and re-adds ------------------------------------------------------------------------


@BOTH
def test_readd_after_delete_gives_both_adders_first_authorship(
    builder: RepoBuilder, history: str
) -> None:
    """Ada creates, Cy deletes, Dan re-adds: Ada and Dan both get FA; the delete counts nothing."""
    builder.commit("ada", write={"f.py": "one\n"})
    builder.commit("bob", write={"f.py": "two\n"})
    builder.commit("cy", delete=["f.py"])
    builder.commit("dan", write={"f.py": "three\n"})
    builder.commit("bob", write={"f.py": "four\n"})
    result = Scan(builder.path, history=history)
    assert result.commits("f.py") == 5
    assert_doa(result, "f.py", {ADA: (1, 0, 2), BOB: (0, 2, 0), DAN: (1, 0, 2)})
    assert result.authors("f.py") == [ADA, DAN, BOB]


@BOTH
def test_same_adder_twice_is_one_first_authorship(builder: RepoBuilder, history: str) -> None:
    """Ada creates, Bob deletes, Ada re-adds: Ada has FA = 1 once, not twice."""
    builder.commit("ada", write={"f.py": "one\n"})
    builder.commit("bob", delete=["f.py"])
    builder.commit("ada", write={"f.py": "two\n"})
    builder.commit("cy", write={"f.py": "three\n"})
    result = Scan(builder.path, history=history)
    assert result.commits("f.py") == 4
    assert_doa(result, "f.py", {ADA: (1, 0, 1), CY: (0, 1, 0)})


# -- merges -------------------------------------------------------------------------------------


@BOTH
def test_branch_edits_count_once_and_merges_never(builder: RepoBuilder, history: str) -> None:
    """Branch commits count once through a sync merge and a merge back; the merger gets nothing."""
    builder.commit("ada", write={"f.py": LINES, "g.py": "g\n"})
    builder.branch("feature")
    builder.checkout("feature")
    builder.commit("bob", write={"f.py": edited(1)})
    builder.checkout("main")
    builder.commit("cy", write={"g.py": "g2\n"})
    builder.checkout("feature")
    builder.merge("dan", "main")
    builder.commit("bob", write={"f.py": edited(8, base=edited(1))})
    builder.checkout("main")
    builder.merge("dan", "feature")
    result = Scan(builder.path, history=history)
    assert result.commits("f.py") == 3
    assert result.commits("g.py") == 2
    assert_doa(result, "f.py", {ADA: (1, 0, 2), BOB: (0, 2, 0)})
    assert DAN not in result.person_ids()
    assert {p["id"]: p["commits"] for p in result.data["people"]} == {ADA: 1, BOB: 2, CY: 1}


@BOTH
def test_conflict_resolution_in_a_merge_is_nobodys_delivery(
    builder: RepoBuilder, history: str
) -> None:
    """A merge that resolves a conflict with new content still counts nothing for its author."""
    builder.commit("ada", write={"f.py": "base\n"})
    builder.branch("side")
    builder.commit("bob", write={"f.py": "main\n"})
    builder.checkout("side")
    builder.commit("cy", write={"f.py": "side\n"})
    builder.checkout("main")
    builder.merge("dan", "side", write={"f.py": "both\n"})
    result = Scan(builder.path, history=history)
    assert result.commits("f.py") == 3
    assert_doa(result, "f.py", {ADA: (1, 0, 2), BOB: (0, 1, 1), CY: (0, 1, 1)})


def _rename_on_side_edit_on_main(builder: RepoBuilder) -> None:
    """Ada creates a.py; on `side` Bob renames it to b.py; later Cy edits a.py on main; merged."""
    builder.commit("ada", write={"a.py": LINES})
    builder.branch("side")
    builder.checkout("side")
    builder.commit("bob", move={"a.py": "b.py"})
    builder.checkout("main")
    builder.commit("cy", write={"a.py": edited(8)})
    builder.merge("dan", "side")


def test_rename_on_a_branch_keeps_a_mainline_edit_of_the_old_path(builder: RepoBuilder) -> None:
    """dag: Cy's edit of a.py on main reaches b.py through the merge that brings the rename in."""
    _rename_on_side_edit_on_main(builder)
    assert builder.read("b.py").decode() == edited(8)
    result = Scan(builder.path)
    assert result.paths == ["b.py"]
    assert result.commits("b.py") == 3
    assert_doa(result, "b.py", {ADA: (1, 0, 2), BOB: (0, 1, 1), CY: (0, 1, 1)})


def test_linear_walk_loses_an_edit_newer_than_a_branch_rename(builder: RepoBuilder) -> None:
    """linear: newest first, Cy's edit of a.py comes before the rename maps a.py: it is lost."""
    _rename_on_side_edit_on_main(builder)
    result = Scan(builder.path, history="linear")
    assert result.commits("b.py") == 2
    assert_doa(result, "b.py", {ADA: (1, 0, 1), BOB: (0, 1, 0)})


@BOTH
def test_edit_older_than_a_branch_rename_is_kept(builder: RepoBuilder, history: str) -> None:
    """An edit of the old path made before the rename is counted by both models."""
    builder.commit("ada", write={"a.py": LINES})
    builder.branch("side")
    builder.commit("cy", write={"a.py": edited(8)})
    builder.checkout("side")
    builder.commit("bob", move={"a.py": "b.py"})
    builder.checkout("main")
    builder.merge("dan", "side")
    result = Scan(builder.path, history=history)
    assert result.commits("b.py") == 3
    assert_doa(result, "b.py", {ADA: (1, 0, 2), BOB: (0, 1, 1), CY: (0, 1, 1)})


def test_rename_on_mainline_keeps_a_branch_edit_of_the_old_path(builder: RepoBuilder) -> None:
    """dag: main renames a.py to b.py; Cy's branch edit of a.py reaches b.py through the merge."""
    builder.commit("ada", write={"a.py": LINES})
    builder.branch("side")
    builder.commit("bob", move={"a.py": "b.py"})
    builder.checkout("side")
    builder.commit("cy", write={"a.py": edited(8)})
    builder.checkout("main")
    builder.merge("dan", "side")
    assert builder.read("b.py").decode() == edited(8)
    result = Scan(builder.path)
    assert result.commits("b.py") == 3
    assert_doa(result, "b.py", {ADA: (1, 0, 2), BOB: (0, 1, 1), CY: (0, 1, 1)})


def _rename_and_edit_against_an_edit(builder: RepoBuilder, renamed_on: str) -> None:
    """One branch renames a.py to b.py and edits it, the other edits a.py; then a merge."""
    builder.commit("ada", write={"a.py": LINES})
    builder.branch("side")
    if renamed_on == "side":
        builder.checkout("side")
    builder.commit("bob", move={"a.py": "b.py"}, write={"b.py": edited(1)})
    builder.checkout("main" if renamed_on == "side" else "side")
    builder.commit("cy", write={"a.py": edited(8)})
    builder.checkout("main")
    builder.merge("dan", "side")
    assert builder.read("b.py").decode() == edited(8, base=edited(1))


@pytest.mark.parametrize("renamed_on", ["side", "main"])
def test_inexact_rename_across_a_merge_keeps_the_other_sides_edit(
    builder: RepoBuilder, renamed_on: str
) -> None:
    """dag, merge_renames=inexact: the rename-and-edit and the other side's edit both count."""
    _rename_and_edit_against_an_edit(builder, renamed_on)
    result = Scan(builder.path, merge_renames="inexact")
    assert result.commits("b.py") == 3
    assert_doa(result, "b.py", {ADA: (1, 0, 2), BOB: (0, 1, 1), CY: (0, 1, 1)})


@pytest.mark.parametrize("renamed_on", ["side", "main"])
def test_exact_merge_renames_lose_the_edit_of_the_old_path(
    builder: RepoBuilder, renamed_on: str
) -> None:
    """dag, default exact merge renames: the documented limit (adr/0002), the old path's edit."""
    _rename_and_edit_against_an_edit(builder, renamed_on)
    result = Scan(builder.path)
    assert result.commits("b.py") == 2
    assert CY not in result.file("b.py")["doa"]


def _stray_root(builder: RepoBuilder) -> None:
    """Main has a.py and b.py; Eve's unrelated root holds copies plus e.py; it is merged in."""
    builder.commit("ada", write={"a.py": "a\n", "b.py": "b\n"})
    builder.commit("bob", write={"a.py": "a2\n"})
    builder.root("eve", {"a.py": "a2\n", "b.py": "b\n", "e.py": "e\n"})
    builder.checkout("main")
    builder.merge("dan", "stray")


def test_stray_root_does_not_create_files_it_left_untouched(builder: RepoBuilder) -> None:
    """dag: the merge keeps main's a.py and b.py, so Eve's root commit is not in their history."""
    _stray_root(builder)
    result = Scan(builder.path)
    assert result.figures("a.py") == {ADA: (1, 0, 1), BOB: (0, 1, 0)}
    assert result.figures("b.py") == {ADA: (1, 0, 0)}
    assert result.figures("e.py") == {EVE: (1, 0, 0)}
    assert (result.commits("a.py"), result.commits("b.py")) == (2, 1)


def test_stray_root_that_merged_upstream_first_creates_nothing(builder: RepoBuilder) -> None:
    """dag: sympy's shape, a stray root that merges main and is merged back, creates only e.py."""
    builder.commit("ada", write={"a.py": "a\n", "b.py": "b\n"})
    builder.commit("bob", write={"a.py": "a2\n"})
    builder.root("eve", {"a.py": "a2\n", "b.py": "b\n", "e.py": "e\n"})
    builder.merge("eve", "main")
    builder.commit("eve", write={"e.py": "e2\n"})
    builder.checkout("main")
    builder.merge("dan", "stray")
    result = Scan(builder.path)
    assert result.figures("a.py") == {ADA: (1, 0, 1), BOB: (0, 1, 0)}
    assert result.figures("b.py") == {ADA: (1, 0, 0)}
    assert result.figures("e.py") == {EVE: (1, 1, 0)}


def test_linear_walk_credits_a_stray_root_with_every_file(builder: RepoBuilder) -> None:
    """linear: every non-merge commit is read, so the stray root makes Eve a creator of a.py."""
    _stray_root(builder)
    result = Scan(builder.path, history="linear")
    assert result.figures("a.py") == {ADA: (1, 0, 1), BOB: (0, 1, 0), EVE: (1, 0, 1)}
    assert result.figures("b.py") == {ADA: (1, 0, 0), EVE: (1, 0, 0)}
    assert EVE in result.authors("b.py")


def _cherry_picked_fix(builder: RepoBuilder) -> None:
    """Bob fixes f.py on `maint`; Cy cherry-picks it to main; `maint` is merged back unchanged."""
    builder.commit("ada", write={"f.py": LINES, "g.py": "g\n"})
    builder.branch("maint")
    builder.checkout("maint")
    fix = builder.commit("bob", write={"f.py": edited(3)})
    builder.commit("bob", write={"g.py": "g2\n"})
    builder.checkout("main")
    builder.cherry_pick("cy", fix)
    builder.merge("dan", "maint")


def test_cherry_pick_merged_back_counts_once(builder: RepoBuilder) -> None:
    """dag: the merge equals main for f.py, so the maintenance branch's original is not counted."""
    _cherry_picked_fix(builder)
    result = Scan(builder.path)
    assert result.commits("f.py") == 2
    assert_doa(result, "f.py", {ADA: (1, 0, 1), BOB: (0, 1, 0)})
    assert result.commits("g.py") == 2


def test_linear_walk_counts_a_cherry_pick_twice(builder: RepoBuilder) -> None:
    """linear: the original and the cherry-pick are two non-merge commits, so Bob has DL = 2."""
    _cherry_picked_fix(builder)
    result = Scan(builder.path, history="linear")
    assert result.commits("f.py") == 3
    assert_doa(result, "f.py", {ADA: (1, 0, 2), BOB: (0, 2, 0)})


def test_merge_keeping_the_side_version_drops_mainline_edits(builder: RepoBuilder) -> None:
    """dag: a merge whose f.py equals the branch's follows the branch alone, as git log does."""
    builder.commit("ada", write={"f.py": "base\n"})
    builder.branch("side")
    builder.commit("cy", write={"f.py": "main\n"})
    builder.checkout("side")
    builder.commit("bob", write={"f.py": "side\n"})
    builder.checkout("main")
    builder.merge("dan", "side", write={"f.py": "side\n"})
    listed = builder.repo.git.log("--no-merges", "--format=%aE", "--", "f.py").split()
    assert listed == [BOB, ADA]
    result = Scan(builder.path)
    assert result.commits("f.py") == 2
    assert_doa(result, "f.py", {ADA: (1, 0, 1), BOB: (0, 1, 0)})


@pytest.mark.parametrize(("history", "commits"), [("dag", 1), ("linear", 2)])
def test_merge_with_strategy_ours_discards_the_branch(
    builder: RepoBuilder, history: str, commits: int
) -> None:
    """`-s ours` keeps main's tree: dag leaves the branch's edit out, linear still counts it."""
    builder.commit("ada", write={"f.py": "base\n"})
    builder.branch("side")
    builder.checkout("side")
    builder.commit("bob", write={"f.py": "side\n"})
    builder.checkout("main")
    builder.merge("dan", "side", "ours")
    assert builder.read("f.py") == b"base\n"
    result = Scan(builder.path, history=history)
    assert result.commits("f.py") == commits
    assert (BOB in result.doa("f.py")) is (history == "linear")


# -- path reuse -------------------------------------------------------------------------------


def git_log_count(builder: RepoBuilder, path: str) -> int:
    """How many commits `git log -- PATH` lists (git's own history of the path)."""
    return len(builder.repo.git.log("--format=%H", "--", path).split())


@BOTH
def test_path_reused_after_rename_away(builder: RepoBuilder, history: str) -> None:
    """Ada's a.py moves to b.py, then Cy writes a new a.py. The published walk (linear) gives
    the new a.py none of the old history; the DAG model gives it what `git log -- a.py` lists
    (Ada's commits, Bob's move as its delete), and b.py keeps it too."""
    builder.commit("ada", write={"a.py": LINES})
    builder.commit("ada", write={"a.py": edited(1)})
    builder.commit("bob", move={"a.py": "b.py"})
    builder.commit("cy", write={"a.py": "brand new\n"})
    result = Scan(builder.path, history=history)
    if history == "linear":
        assert result.commits("a.py") == 1
        assert result.figures("a.py") == {CY: (1, 0, 0)}
    else:
        assert result.commits("a.py") == git_log_count(builder, "a.py") == 4
        assert result.figures("a.py") == {ADA: (1, 1, 0), CY: (1, 0, 1)}
    assert result.commits("b.py") == 3
    assert_doa(result, "b.py", {ADA: (1, 1, 1), BOB: (0, 1, 1)})


@BOTH
def test_path_reused_after_its_file_was_renamed_and_deleted(
    builder: RepoBuilder, history: str
) -> None:
    """a.py moves to b.py, b.py is deleted, Dan creates a new a.py: the published walk keeps
    only Dan's history; the DAG model keeps the path's own, as `git log -- a.py` lists it."""
    builder.commit("ada", write={"a.py": LINES})
    builder.commit("bob", move={"a.py": "b.py"})
    builder.commit("cy", delete=["b.py"], write={"keep.txt": "k\n"})
    builder.commit("dan", write={"a.py": "new\n"})
    result = Scan(builder.path, history=history)
    if history == "linear":
        assert result.commits("a.py") == 1
        assert result.figures("a.py") == {DAN: (1, 0, 0)}
    else:
        assert result.commits("a.py") == git_log_count(builder, "a.py") == 3
        assert result.figures("a.py") == {ADA: (1, 0, 0), DAN: (1, 0, 0)}


@BOTH
def test_a_commit_adding_one_path_of_a_file_and_changing_another_counts_twice(
    builder: RepoBuilder, history: str
) -> None:
    """Bob adds f.txt and edits old.txt in one commit; f.txt is deleted and old.txt renamed
    onto it. Both paths are f.txt's history, so Bob's commit is an add (FA) and a delivery
    (DL), as the model counts each: it counted only the add."""
    builder.commit("ada", write={"old.txt": LINES})
    builder.commit("bob", write={"f.txt": "new\n", "old.txt": edited(1)})
    builder.commit("cy", delete=["f.txt"])
    builder.commit("cy", move={"old.txt": "f.txt"})
    result = Scan(builder.path, history=history)
    assert result.figures("f.txt") == {ADA: (1, 0, 2), BOB: (1, 1, 1), CY: (0, 1, 1)}
    assert result.authors("f.txt") == [BOB, ADA]


# -- identities ----------------------------------------------------------------------------------


def test_an_octopus_merge_equal_to_one_parent_follows_that_parent(builder: RepoBuilder) -> None:
    """git prints no diff against a parent whose tree is the merge's, so the diffs it prints
    must be matched to their parents by tree (git.git has two such merges). x.py is the
    middle parent's: git follows that parent alone, and neither Ada's mainline change nor
    Cy's discarded one is in its history."""
    builder.commit("ada", write={"x.py": "0\n", "y.py": "0\n"})
    base = builder.head
    builder.branch("a", base)
    builder.branch("b", base)
    builder.commit("ada", write={"x.py": "main\n"})
    builder.checkout("a")
    side = builder.commit("bob", write={"y.py": "bob\n"})
    builder.checkout("b")
    other = builder.commit("cy", write={"x.py": "cy\n"})
    builder.checkout("main")
    builder.merge_with_tree("dan", [side, other], tree_from=side)

    result = Scan(builder.path)
    for path in ("x.py", "y.py"):
        listed = builder.repo.git.log("--no-merges", "--format=%H", "HEAD", "--", path).split()
        assert result.commits(path) == len(listed), path
    assert result.commits("x.py") == 1
    assert result.figures("x.py") == {ADA: (1, 0, 0)}
    assert result.figures("y.py") == {ADA: (1, 0, 1), BOB: (0, 1, 0)}


def test_a_merge_across_a_file_turned_directory_and_a_file_turned_symlink(
    builder: RepoBuilder,
) -> None:
    """Main turns a.txt into a directory, the side turns `link` into a symlink, and the
    merge also adds a file of its own: each path's history is git's, however the side
    diffs are read (the fixture compares separate and combined diffs, adr/0021)."""
    builder.commit("ada", write={"a.txt": "a\n", "link": "x\n", "keep.txt": "k\n"})
    builder.branch("side")
    builder.checkout("side")
    builder.commit("bob", write={"a.txt": "a side\n"})
    (builder.path / "link").unlink()
    (builder.path / "link").symlink_to("keep.txt")
    builder.repo.git.add("-A")
    side = builder.commit("cy", write={"other.txt": "o\n"})
    builder.checkout("main")
    builder.commit("dan", delete=["a.txt"])
    builder.commit("dan", write={"a.txt/inner.txt": "inner\n"})
    builder.branch("result")
    builder.checkout("result")
    (builder.path / "link").unlink()
    (builder.path / "link").symlink_to("keep.txt")
    builder.repo.git.add("-A")
    builder.commit("eve", write={"other.txt": "o\n", "c.txt": "evil\n"})  # only its tree
    builder.checkout("main")
    builder.merge_with_tree("eve", [side], tree_from="result")
    assert builder.read("a.txt/inner.txt") == b"inner\n"
    assert (builder.path / "link").is_symlink()

    result = Scan(builder.path)
    for path in ("a.txt/inner.txt", "link", "keep.txt", "other.txt", "c.txt"):
        listed = builder.repo.git.log("--no-merges", "--format=%H", "HEAD", "--", path).split()
        assert result.commits(path) == len(listed), path


def test_an_octopus_merge_takes_each_path_from_the_branch_that_changed_it(
    builder: RepoBuilder,
) -> None:
    """Each topic of an octopus changed one file and the merge kept every change: each file's
    history continues in its own topic only, which needs every side diff, not just the first
    side parent's (the combined diffs of adr/0021 cannot tell which side a path equals)."""
    builder.commit("ada", write={"x.py": "0\n", "y.py": "0\n", "z.py": "0\n"})
    base = builder.head
    builder.branch("a", base)
    builder.branch("b", base)
    builder.commit("ada", write={"z.py": "main\n"})
    builder.branch("result")
    builder.checkout("a")
    side = builder.commit("bob", write={"y.py": "bob\n"})
    builder.checkout("b")
    other = builder.commit("cy", write={"x.py": "cy\n"})
    builder.checkout("result")
    builder.commit("eve", write={"x.py": "cy\n", "y.py": "bob\n"})  # only its tree is used
    builder.checkout("main")
    builder.merge_with_tree("dan", [side, other], tree_from="result")

    result = Scan(builder.path)
    for path in ("x.py", "y.py", "z.py"):
        listed = builder.repo.git.log("--no-merges", "--format=%H", "HEAD", "--", path).split()
        assert result.commits(path) == len(listed) == 2, path
    assert result.figures("x.py") == {ADA: (1, 0, 1), CY: (0, 1, 0)}
    assert result.figures("y.py") == {ADA: (1, 0, 1), BOB: (0, 1, 0)}


@BOTH
def test_mailmap_merges_identities_case_insensitively(builder: RepoBuilder, history: str) -> None:
    """.mailmap maps an old address, in any case, to the canonical one, without name merging."""
    builder.commit("A. Lovelace <ada@old.test>", write={"f.py": "1\n"})
    builder.commit("Countess <ADA@Old.Test>", write={"f.py": "2\n"})
    builder.commit("bob", write={"f.py": "3\n"})
    builder.commit("bob", write={".mailmap": "Ada <ada@example.test> <ada@old.test>\n"})
    result = Scan(builder.path, history=history, identity=IdentitySettings(merge_by_name=False))
    assert result.person_ids() == [ADA, BOB]
    people = {p["id"]: p for p in result.data["people"]}
    assert (people[ADA]["name"], people[ADA]["commits"]) == ("Ada", 2)
    assert_doa(result, "f.py", {ADA: (1, 1, 1), BOB: (0, 1, 1)})


def test_the_mailmaps_old_addresses_are_the_persons_aliases(builder: RepoBuilder) -> None:
    """git replaces a mailmapped address before busfactor reads it, so Ada's old address was
    in no report: an organisation report could not match her in a repository without the
    mailmap. The addresses (and required commit names) the mailmap folds into hers are now
    her aliases; --redact-emails shows them as the pseudonyms they would get."""
    builder.commit("A. Lovelace <ada@old.test>", write={"f.py": "1\n"})
    builder.commit("bob", write={"f.py": "2\n"})
    mailmap = (
        "# people\n"
        "Ada <ada@example.test> <ADA@Old.Test>\n"
        "Ada <ada@example.test> Countess <countess@older.test>\n"
        "Bob Fixed <bob@example.test>\n"
        "Cy <cy@example.test> <cy@old.test>\n"
    )
    builder.commit("bob", write={".mailmap": mailmap})
    result = Scan(builder.path, identity=IdentitySettings(merge_by_name=False))
    people = {p["id"]: p for p in result.data["people"]}
    assert set(people) == {ADA, BOB}
    assert people[ADA]["aliases"] == ["Countess", "ada@old.test", "countess@older.test"]
    assert (people[BOB]["name"], people[BOB]["aliases"]) == ("Bob Fixed", [])  # a name fix only
    redacted = Scan(builder.path, redact_emails=True).data
    text = json.dumps(redacted)
    assert "old.test" not in text
    assert "older.test" not in text
    ada = next(p for p in redacted["people"] if p["name"] == "Ada")
    assert len([a for a in ada["aliases"] if "@" in a]) == 2


def test_email_case_alone_merges_identities(builder: RepoBuilder) -> None:
    """Two names with one email in different case are one person, even without name merging."""
    builder.commit("Ada <Ada@Example.Test>", write={"f.py": "1\n"})
    builder.commit("A. L. <ada@example.test>", write={"f.py": "2\n"})
    result = Scan(builder.path, identity=IdentitySettings(merge_by_name=False))
    assert result.person_ids() == [ADA]
    assert_doa(result, "f.py", {ADA: (1, 1, 0)})


def _three_spellings(builder: RepoBuilder) -> None:
    builder.commit("José Núñez <jose@work.test>", write={"f.py": "1\n"})
    builder.commit("jose  nunez <jn@home.test>", write={"f.py": "2\n"})
    builder.commit("JOSÉ NÚÑEZ <j@laptop.test>", write={"f.py": "3\n"})
    builder.commit("bob", write={"g.py": "g\n"})


def test_same_normalised_name_is_one_person(builder: RepoBuilder) -> None:
    """Accents, case and spacing aside, three spellings of a name are one person with all emails."""
    _three_spellings(builder)
    result = Scan(builder.path)
    assert len(result.data["people"]) == 2
    jose = next(p for p in result.data["people"] if p["id"] != BOB)
    assert jose["commits"] == 3
    assert {jose["email"], *jose["aliases"]} >= {"jose@work.test", "jn@home.test", "j@laptop.test"}
    assert result.figures("f.py") == {jose["id"]: (1, 2, 0)}


def test_name_merging_can_be_switched_off(builder: RepoBuilder) -> None:
    """With merge_by_name=False the three spellings stay three people."""
    _three_spellings(builder)
    result = Scan(builder.path, identity=IdentitySettings(merge_by_name=False))
    assert result.person_ids() == sorted([BOB, "j@laptop.test", "jn@home.test", "jose@work.test"])
    assert result.figures("f.py") == {
        "jose@work.test": (1, 0, 2),
        "jn@home.test": (0, 1, 1),
        "j@laptop.test": (0, 1, 1),
    }


def test_github_noreply_addresses_are_one_identity_per_login(builder: RepoBuilder) -> None:
    """GitHub noreply addresses with and without the numeric id are one person per login."""
    builder.commit("Octo Cat <12345+octocat@users.noreply.github.com>", write={"f.py": "1\n"})
    builder.commit("octocat <octocat@users.noreply.github.com>", write={"f.py": "2\n"})
    builder.commit("Other <999+other@users.noreply.github.com>", write={"f.py": "3\n"})
    result = Scan(builder.path, identity=IdentitySettings(merge_by_name=False))
    assert len(result.data["people"]) == 2
    commits = sorted(p["commits"] for p in result.data["people"])
    assert commits == [1, 2]
    octocat = next(p for p in result.data["people"] if p["commits"] == 2)
    assert result.figures("f.py")[octocat["id"]] == (1, 1, 1)


def test_configured_aliases_join_identities_no_heuristic_would(builder: RepoBuilder) -> None:
    """identity.aliases makes one person of two unrelated names and emails."""
    builder.commit("Ada <ada@example.test>", write={"f.py": "1\n"})
    builder.commit("The Countess <countess@home.test>", write={"f.py": "2\n"})
    builder.commit("bob", write={"f.py": "3\n"})
    aliases = (("ada@example.test", "The Countess"),)
    result = Scan(builder.path, identity=IdentitySettings(aliases=aliases))
    assert result.person_ids() == [ADA, BOB]
    assert_doa(result, "f.py", {ADA: (1, 1, 1), BOB: (0, 1, 1)})


@BOTH
def test_bots_are_dropped_before_any_analysis(builder: RepoBuilder, history: str) -> None:
    """[bot] names, [bot]@ emails and configured bots never count for DOA and are listed."""
    dependabot = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
    builder.commit("ada", write={"f.py": "1\n", "g.py": "1\n"})
    for n in range(2, 6):
        builder.commit(dependabot, write={"f.py": f"{n}\n"})
    builder.commit("Renovate <bot@renovateapp.com>", write={"f.py": "6\n"})
    builder.commit("CI Runner <ci@example.test>", write={"f.py": "7\n"})
    builder.commit("Release Tool <tool[bot]@example.test>", write={"f.py": "8\n"})
    builder.commit("bob", write={"g.py": "2\n"})
    builder.commit(dependabot, write={"h.py": "bot-made\n"})
    identity = IdentitySettings(bots=("BOT@renovateapp.com", "ci runner"))
    result = Scan(builder.path, history=history, identity=identity)
    assert result.person_ids() == [ADA, BOB]
    assert_doa(result, "f.py", {ADA: (1, 0, 0)})
    assert result.commits("f.py") == 1
    assert result.authors("g.py") == [ADA, BOB]
    assert (result.doa("h.py"), result.commits("h.py")) == ({}, 0)
    bots = {(b["name"], b["commits"]) for b in result.data["bots"]}
    assert bots == {
        ("dependabot[bot]", 5),
        ("Renovate", 1),
        ("CI Runner", 1),
        ("Release Tool", 1),
    }
    assert set(result.data["truck_factor"]["authors"]) <= {ADA, BOB}


# -- which files are analysed -------------------------------------------------------------------


def _mixed_tree(builder: RepoBuilder) -> None:
    """Ada authors a.py and b.py; Bob authors c.py and six files default excludes or globs drop."""
    builder.commit("ada", write={"a.py": "a\n", "b.py": "b\n"})
    bobs: dict[str, str | bytes] = {
        "c.py": "c\n",
        "vendor/lib.py": "vendored\n",
        "package-lock.json": "{}\n",
        "logo.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        "data.dat": b"\0\1\2\3binary",
        "gen/out.py": "generated by hand\n",
    }
    builder.commit("bob", write=bobs)


def test_excluded_files_leave_the_files_and_the_denominator(builder: RepoBuilder) -> None:
    """Vendored, lock, binary and glob-excluded files leave the files and the TF denominator."""
    _mixed_tree(builder)
    result = Scan(builder.path, exclude=("gen/**",))
    assert result.paths == ["a.py", "b.py", "c.py"]
    assert result.data["repository"]["files"] == 3
    assert result.data["repository"]["excluded"] == {
        "binary": 2,
        "excluded by config": 1,
        "lock file": 1,
        "vendored": 1,
    }
    assert result.data["truck_factor"] == {"value": 1, "authors": [ADA], "coverage": 0.3333}
    people = {p["id"]: p["files_authored"] for p in result.data["people"]}
    assert people == {ADA: 2, BOB: 1}


def test_no_default_excludes_analyses_everything_but_globs(builder: RepoBuilder) -> None:
    """Without default excludes all but the glob's files count, and Bob is the one to lose."""
    _mixed_tree(builder)
    result = Scan(builder.path, exclude=("gen/**",), default_excludes=False)
    assert len(result.paths) == 7
    assert "gen/out.py" not in result.paths
    assert result.data["repository"]["excluded"] == {"excluded by config": 1}
    assert result.data["truck_factor"] == {"value": 1, "authors": [BOB], "coverage": 0.2857}


@BOTH
def test_paths_with_spaces_quotes_and_other_bytes(builder: RepoBuilder, history: str) -> None:
    """Paths with spaces, quotes, tabs, newlines, a dash and non-UTF-8 bytes are read exactly."""
    names: list[str | bytes] = [
        "dir with space/file name.txt",
        'say "hi".txt',
        "back\\slash.txt",
        "tab\there.txt",
        "new\nline.txt",
        "-dash.txt",
        b"caf\xe9.txt",
    ]
    builder.commit("ada", write={name: f"{n} created\n" for n, name in enumerate(names)})
    builder.commit("bob", write={name: f"{n} edited\n" for n, name in enumerate(names)})
    moves: dict[str | bytes, str | bytes] = {
        b"caf\xe9.txt": b"moved caf\xe9 \xff.txt",
        "-dash.txt": "x y.txt",
    }
    builder.commit("cy", move=moves)
    result = Scan(builder.path, history=history)
    expected = {
        "dir with space/file name.txt",
        'say "hi".txt',
        "back\\slash.txt",
        "tab\there.txt",
        "new\nline.txt",
    }
    moved = {"moved caf\udce9 \udcff.txt", "x y.txt"}
    assert set(result.paths) == expected | moved
    for path in expected:
        assert result.figures(path) == {ADA: (1, 0, 1), BOB: (0, 1, 0)}, path
    for path in moved:
        assert result.figures(path) == {ADA: (1, 0, 2), BOB: (0, 1, 1), CY: (0, 1, 1)}, path
        assert result.commits(path) == 3


# -- repository and revision ---------------------------------------------------------------------


def test_empty_repository_is_a_repository_error(builder: RepoBuilder) -> None:
    """A repository without commits raises RepositoryError."""
    with pytest.raises(RepositoryError, match="no commits"):
        scan(builder.path, settings=Settings())


def test_unknown_revision_is_a_repository_error(builder: RepoBuilder) -> None:
    """A revision that does not exist raises RepositoryError naming it."""
    builder.commit("ada", write={"f.py": "1\n"})
    with pytest.raises(RepositoryError, match="no-such-branch"):
        scan(builder.path, settings=Settings(rev="no-such-branch"))


@BOTH
def test_older_revision_sees_only_its_files_and_history(builder: RepoBuilder, history: str) -> None:
    """--rev on an older commit analyses that commit's tree with the history reaching it."""
    builder.commit("ada", write={"a.py": "1\n"})
    old = builder.commit("bob", write={"a.py": "2\n"})
    builder.tag("v1")
    builder.commit("cy", write={"c.py": "c\n"})
    builder.commit("dan", write={"a.py": "3\n"})
    for rev in ("v1", old):
        result = Scan(builder.path, history=history, rev=rev)
        assert result.data["repository"]["revision"] == old
        assert result.paths == ["a.py"]
        assert result.person_ids() == [ADA, BOB]
        assert_doa(result, "a.py", {ADA: (1, 0, 1), BOB: (0, 1, 0)})


@BOTH
def test_since_cutting_the_add_makes_the_oldest_author_the_adder(
    builder: RepoBuilder, history: str
) -> None:
    """With --since after the creation, the author of the oldest commit read is the adder."""
    builder.commit("ada", write={"f.py": "1\n", "g.py": "1\n"})  # 2024-01-01
    builder.commit("ada", write={"g.py": "2\n"})  # 2024-01-02
    builder.commit("bob", write={"f.py": "2\n"})  # 2024-01-03
    builder.commit("cy", write={"f.py": "3\n"})  # 2024-01-04
    result = Scan(builder.path, history=history, since="2024-01-02 12:00:00 +0000")
    assert result.commits("f.py") == 2
    assert_doa(result, "f.py", {BOB: (1, 1, 1), CY: (0, 1, 1)})
    assert result.authors("f.py") == [BOB]
    assert result.commits("g.py") == 0
    assert result.authors("g.py") == []
    assert result.data["repository"]["files"] == 2


def test_shallow_clone_is_reported_with_a_warning(builder: RepoBuilder, tmp_path: Path) -> None:
    """A --depth 2 clone is flagged shallow; its boundary commit's author looks like a creator."""
    builder.commit("ada", write={"a.py": "1\n", "b.py": "1\n"})
    builder.commit("bob", write={"a.py": "2\n"})
    builder.commit("cy", write={"c.py": "1\n"})
    builder.commit("dan", write={"a.py": "3\n"})
    clone = builder.shallow_clone(tmp_path / "clone", depth=2)
    result = Scan(clone)
    assert result.data["repository"]["shallow"] is True
    assert any("shallow" in warning for warning in result.data["warnings"])
    assert result.figures("b.py") == {CY: (1, 0, 0)}
    assert Scan(builder.path).data["repository"]["shallow"] is False


@BOTH
def test_personal_git_configuration_changes_nothing(builder: RepoBuilder, history: str) -> None:
    """A global config that disables renames and root diffs or forces --follow changes no result."""
    _rename_on_side_edit_on_main(builder)
    builder.commit("eve", write={"c.py": LINES})
    builder.commit("ada", move={"c.py": "d.py"})
    before = Scan(builder.path, history=history).data
    Path(os.environ["GIT_CONFIG_GLOBAL"]).write_text(
        "[diff]\n\trenames = false\n\trenameLimit = 1\n\tnoprefix = true\n"
        "[log]\n\tshowRoot = false\n\tfollow = true\n\tdiffMerges = combined\n"
        "\tdate = relative\n\tdecorate = full\n"
        "[format]\n\tpretty = oneline\n[color]\n\tui = always\n[core]\n\tquotePath = true\n"
        "[i18n]\n\tlogOutputEncoding = ISO-8859-1\n",
        encoding="utf-8",
    )
    assert builder.repo.git.config("--global", "diff.renames") == "false"
    assert Scan(builder.path, history=history).data == before


# -- truck factor --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bob_extra", "order"),
    [(1, [BOB, ADA]), (0, [ADA, BOB])],
    ids=["more-commits-first", "then-id-ascending"],
)
def test_truck_factor_ties_break_by_commits_then_id(
    builder: RepoBuilder, bob_extra: int, order: list[str]
) -> None:
    """Ties go to more commits, then the smaller id; exactly half the files covered goes on."""
    builder.commit("ada", write={"a1.py": "a\n"})
    builder.commit("ada", write={"a2.py": "a\n"})
    builder.commit("bob", write={"b1.py": "b\n"})
    builder.commit("bob", write={"b2.py": "b\n"})
    for n in range(bob_extra):
        builder.commit("bob", write={"package-lock.json": f"{n}\n"})
    result = Scan(builder.path)
    assert result.data["truck_factor"] == {"value": 2, "authors": order, "coverage": 0.0}


def test_truck_factor_stops_when_less_than_half_is_covered(builder: RepoBuilder) -> None:
    """After Bob and Ada only 1 of 5 files is covered, so Cy is not removed."""
    builder.commit("ada", write={"a1.py": "a\n", "a2.py": "a\n"})
    builder.commit("bob", write={"b1.py": "b\n", "b2.py": "b\n"})
    builder.commit("bob", write={"b1.py": "b2\n"})
    builder.commit("cy", write={"c1.py": "c\n"})
    result = Scan(builder.path)
    assert result.data["truck_factor"] == {"value": 2, "authors": [BOB, ADA], "coverage": 0.2}


def test_commit_dates_are_deterministic(builder: RepoBuilder) -> None:
    """The builder dates commit n at 2024-01-01 plus n days, which the report shows per person."""
    builder.commit("ada", write={"f.py": "1\n"})
    builder.commit("bob", write={"f.py": "2\n"})
    builder.commit("ada", write={"f.py": "3\n"}, when=datetime(2024, 3, 1, 12, tzinfo=UTC))
    people = {p["id"]: p for p in Scan(builder.path).data["people"]}
    assert people[ADA]["first_commit"] == "2024-01-01T00:00:00Z"
    assert people[ADA]["last_commit"] == "2024-03-01T12:00:00Z"
    assert people[BOB]["first_commit"] == people[BOB]["last_commit"] == "2024-01-02T00:00:00Z"


def test_truck_factor_ties_go_to_more_commits_then_the_lower_id(builder: RepoBuilder) -> None:
    """Three people, one file and one commit each: the model breaks the tie by id ascending.
    Zed committed first, and the first commit's date used to come before the id."""
    builder.commit(("Zed", "zed@example.test"), write={"z.py": "z\n"})
    builder.commit(("Abe", "abe@example.test"), write={"a.py": "a\n"})
    builder.commit(("Quinn", "quinn@example.test"), write={"q.py": "q\n"})
    result = Scan(builder.path)
    assert result.data["truck_factor"]["authors"] == ["abe@example.test", "quinn@example.test"]


def test_an_empty_email_is_never_the_persons_id(builder: RepoBuilder) -> None:
    """Ben committed once without an email and once with one: the tie made the empty email
    his email, so his id was his name and "" one of his aliases (pip's "ben darnell")."""
    builder.commit(("Ben Darnell", ""), write={"a.py": "1\n"})
    builder.commit(("Ben Darnell", "ben@example.com"), write={"a.py": "2\n"})
    people = Scan(builder.path).data["people"]
    assert [(p["id"], p["email"], p["aliases"]) for p in people] == [
        ("ben@example.com", "ben@example.com", [])
    ]


def test_a_repositorys_configuration_is_read_once_per_scan(builder: RepoBuilder) -> None:
    """The cache's fingerprint and the mailmap aliases both ask for the mailmap settings: one
    `git config` process serves both (the configuration does not change under a scan)."""
    from busfactor.adapters.git import GitRepository

    builder.commit("ada", write={"a.py": "1\n"})
    with GitRepository(builder.path) as repo:
        first = repo.run_configs(r"^mailmap\.(file|blob)$")
        builder.repo.git.config("mailmap.file", "/elsewhere")
        assert repo.run_configs(r"^mailmap\.(file|blob)$") == first == {}
    with GitRepository(builder.path) as repo:
        assert repo.run_configs(r"^mailmap\.(file|blob)$") == {"mailmap.file": "/elsewhere"}
