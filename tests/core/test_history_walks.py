"""Tests for busfactor.core.history: which commits count for which file (§3, §3b).

Histories are built in memory as `CommitRecord` lists, newest first; no git is involved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import assume, given, settings

from busfactor.core.history import DagWalk, HistoryCounter, LinearWalk, MergeDiff, MergeDiffs, walk
from busfactor.core.model import Change, CommitRecord
from strategies import START, LinearHistory, linear_histories

PEOPLE = {
    "ada": (b"ada@example.test", b"Ada"),
    "bob": (b"bob@example.test", b"Bob"),
    "cy": (b"cy@example.test", b"Cy"),
    "dan": (b"dan@example.test", b"Dan"),
    "eve": (b"eve@example.test", b"Eve"),
}


def changes(*specs: str) -> list[Change]:
    """Name-status entries from "A path", "M path", "D path" and "R old new"."""
    result: list[Change] = []
    for spec in specs:
        status, *paths = spec.split()
        if status == "R":
            result.append((ord("R"), paths[1].encode(), paths[0].encode()))
        else:
            result.append((ord(status), paths[0].encode(), None))
    return result


class Counts:
    """A walk's outcome by file path and author email, for readable assertions."""

    def __init__(self, counter: HistoryCounter, head: Sequence[bytes]) -> None:
        self.counter = counter
        self.files = {path.decode(): counter.files[i] for i, path in enumerate(head)}

    def _email(self, raw: int) -> str:
        return self.counter.identities[raw].email

    def touches(self, path: str) -> dict[str, int]:
        """Counted commits per author email."""
        return {self._email(r): n for r, n in self.files[path].touches.items()}

    def deliveries(self, path: str) -> dict[str, int]:
        """Deliveries per author email."""
        return {self._email(r): n for r, n in self.files[path].deliveries.items()}

    def adders(self, path: str) -> set[str]:
        """Emails of the file's adders."""
        return {self._email(r) for r in self.files[path].adders}


def head_map(head: Sequence[bytes]) -> dict[bytes, int | tuple[int, ...]]:
    """The identity map over the files at the analysed revision."""
    return {path: index for index, path in enumerate(head)}


def dag_walk(
    records: Sequence[CommitRecord],
    head: Sequence[str | bytes],
    merge_diffs: MergeDiffs | None = None,
) -> Counts:
    """Run the DAG walk from the first record over the files `head`."""
    paths = [p.encode() if isinstance(p, str) else p for p in head]
    counter = HistoryCounter(len(paths))
    walker = DagWalk(counter, records[0].sha, head_map(paths))
    walk(records, walker, merge_diffs or (lambda sha: []))
    return Counts(counter, paths)


def linear_walk(records: Sequence[CommitRecord], head: Sequence[str | bytes]) -> Counts:
    """Run the published linear walk over the records."""
    paths = [p.encode() if isinstance(p, str) else p for p in head]
    counter = HistoryCounter(len(paths))
    walk(records, LinearWalk(counter, head_map(paths)), None)
    return Counts(counter, paths)


def snapshot(counts: Counts) -> dict[str, tuple[object, ...]]:
    """Every per-file figure keyed by raw identity (email, name), for comparing walks."""
    ids = [(i.email, i.name) for i in counts.counter.identities]

    def by_id(values: Mapping[int, int]) -> dict[tuple[str, str], int]:
        return {ids[r]: n for r, n in values.items()}

    return {
        path: (
            by_id(stats.touches),
            by_id(stats.deliveries),
            {ids[r] for r in stats.adders},
            by_id(stats.first_time),
        )
        for path, stats in counts.files.items()
    }


ADA, BOB, CY, DAN, EVE = (PEOPLE[p][0].decode() for p in ("ada", "bob", "cy", "dan", "eve"))


# -- generated linear histories ---------------------------------------------------------


def run_both(history: LinearHistory) -> tuple[Counts, Counts]:
    """The DAG walk and the linear walk over the same linear history."""
    return dag_walk(history.records, history.head), linear_walk(history.records, history.head)


def renamed_away_and_reused(history: LinearHistory) -> bool:
    """Whether a path renamed away is added again later: the one place the two models part
    on a linear history (the published walk cuts the old history off, git's own per-path
    history, which the DAG model follows, keeps it)."""
    added_later: set[bytes] = set()
    for record in history.records:  # newest first
        for status, path, old in record.changes:
            if status == ord("R") and old in added_later:
                return True
            if status in (ord("A"), ord("R")):
                added_later.add(path)
    return False


@settings(deadline=None)
@given(linear_histories())
def test_dag_and_linear_walks_agree_on_linear_history(history: LinearHistory) -> None:
    """Without merges, and without a path renamed away and reused, the DAG walk and the
    published walk count exactly the same things."""
    assume(not renamed_away_and_reused(history))
    dag, linear = run_both(history)
    assert snapshot(dag) == snapshot(linear)
    assert dag.counter.commits_read == linear.counter.commits_read == len(history.records)
    assert [(a.commits, a.first, a.last) for a in dag.counter.activity] == [
        (a.commits, a.first, a.last) for a in linear.counter.activity
    ]


@settings(deadline=None)
@given(linear_histories(renames=False))
def test_without_renames_a_file_counts_the_commits_that_name_its_path(
    history: LinearHistory,
) -> None:
    """With no renames, a file's commits are those whose name-status lists its path, as
    `git log -- <path>` shows them; adders and deliveries follow the A and M entries."""
    for counts in run_both(history):
        for path in history.head:
            expected_touches: dict[str, int] = {}
            expected_deliveries: dict[str, int] = {}
            expected_adders: set[str] = set()
            for record in history.records:
                for status, changed, _ in record.changes:
                    if changed != path:
                        continue
                    email = record.email.decode()
                    expected_touches[email] = expected_touches.get(email, 0) + 1
                    if status == ord("M"):
                        expected_deliveries[email] = expected_deliveries.get(email, 0) + 1
                    elif status == ord("A"):
                        expected_adders.add(email)
            name = path.decode()
            assert counts.touches(name) == expected_touches
            assert counts.deliveries(name) == expected_deliveries
            assert counts.adders(name) == expected_adders


@settings(deadline=None)
@given(linear_histories())
def test_every_file_at_head_has_an_adder_and_bounded_counts(history: LinearHistory) -> None:
    """In a history from an empty tree each file at HEAD traces back to an add; it counts at
    most one touch per commit, and deliveries never exceed touches."""
    for counts in run_both(history):
        for path, stats in counts.files.items():
            assert stats.adders, path
            assert 1 <= sum(stats.touches.values()) <= len(history.records)
            for raw, delivered in stats.deliveries.items():
                assert delivered <= stats.touches[raw]
            assert set(stats.first_time) <= set(stats.touches)
            assert stats.adders <= set(stats.first_time)


@settings(deadline=None)
@given(linear_histories())
def test_renaming_every_path_consistently_changes_nothing(history: LinearHistory) -> None:
    """Applying one bijection to every path (history and HEAD) leaves every count unchanged."""

    def rename(path: bytes) -> bytes:
        return b"moved/" + path[::-1]

    renamed = [
        record._replace(
            changes=[
                (status, rename(path), rename(old) if old is not None else None)
                for status, path, old in record.changes
            ]
        )
        for record in history.records
    ]
    head = [rename(path) for path in history.head]
    for walker in (dag_walk, linear_walk):
        original = walker(history.records, history.head)
        moved = walker(renamed, head)
        assert list(snapshot(original).values()) == list(snapshot(moved).values())


# -- hand-made DAGs ---------------------------------------------------------------------

Tree = dict[str, str]
"""Path -> content of one commit's tree."""


def tree_id(tree: Tree) -> bytes:
    """A stand-in for git's tree id: equal trees, equal ids."""
    return hashlib.sha1(repr(sorted(tree.items())).encode()).hexdigest().encode()


def tree_diff(old: Tree, new: Tree) -> list[Change]:
    """Name-status entries from `old` to `new` with exact renames only (git's -M100%)."""
    removed = {path: content for path, content in old.items() if path not in new}
    result: list[Change] = []
    for path in sorted(p for p in new if p not in old):
        source = next((o for o, c in sorted(removed.items()) if c == new[path]), None)
        if source is None:
            result.append((ord("A"), path.encode(), None))
        else:
            del removed[source]
            result.append((ord("R"), path.encode(), source.encode()))
    result += [(ord("D"), path.encode(), None) for path in sorted(removed)]
    result += [
        (ord("M"), path.encode(), None)
        for path in sorted(old)
        if path in new and old[path] != new[path]
    ]
    return result


class Dag:
    """A commit graph with real trees; merges get git's `--diff-merges=separate -M100%` diffs
    (one per parent, empty ones left out), as the adapter hands them to the walk."""

    def __init__(self) -> None:
        self.trees: dict[str, Tree] = {}
        self.records: list[CommitRecord] = []
        self.diffs: dict[bytes, list[MergeDiff]] = {}

    def commit(self, name: str, parent: str | None, who: str, *specs: str) -> None:
        """A non-merge commit: "A path[=content]", "M path[=content]", "D path", "R old new".

        Renames and deletes apply together before writes, so a swap is two renames.
        """
        tree = dict(self.trees[parent]) if parent else {}
        parsed = [spec.split() for spec in specs]
        moved = {old: tree.pop(old) for status, old, *_ in parsed if status == "R"}
        for status, *paths in parsed:
            if status == "R":
                tree[paths[1]] = moved[paths[0]]
            elif status == "D":
                del tree[paths[0]]
        for status, *paths in parsed:
            if status in "AM":
                path, _, content = paths[0].partition("=")
                tree[path] = content or f"{name}:{path}"
        entries = [spec.split("=")[0] for spec in specs]
        self._add(name, (parent,) if parent else (), who, tree, changes(*entries))

    def merge(
        self,
        name: str,
        parents: Sequence[str],
        who: str,
        *,
        take: Mapping[str, str] | None = None,
        write: Mapping[str, str] | None = None,
        delete: Sequence[str] = (),
    ) -> None:
        """A merge whose tree is the first parent's, with paths taken from other commits,
        written, or deleted."""
        tree = dict(self.trees[parents[0]])
        for path, source in (take or {}).items():
            tree[path] = self.trees[source][path]
        tree.update(write or {})
        for path in delete:
            tree.pop(path, None)
        diffs = [d for parent in parents if (d := tree_diff(self.trees[parent], tree))]
        self.diffs[name.encode()] = [MergeDiff.from_changes(diff) for diff in diffs]
        self._add(name, tuple(parents), who, tree, [])

    def _add(
        self, name: str, parents: tuple[str, ...], who: str, tree: Tree, entries: list[Change]
    ) -> None:
        self.trees[name] = tree
        email, person = PEOPLE[who]
        self.records.append(
            CommitRecord(
                name.encode(),
                tuple(p.encode() for p in parents),
                email,
                person,
                START + len(self.records) * 86400,
                entries,
                tree_id(tree),
            )
        )

    def ordered(self, order: Sequence[str] | None) -> list[CommitRecord]:
        """Records newest first: the reverse of creation, or the names given."""
        if order is None:
            return list(reversed(self.records))
        by_name = {record.sha.decode(): record for record in self.records}
        return [by_name[name] for name in order]

    def dag_walk(self, order: Sequence[str] | None = None) -> Counts:
        """The DAG walk from the newest (or first named) commit over its tree's files."""
        records = self.ordered(order)
        head = sorted(self.trees[records[0].sha.decode()])
        return dag_walk(records, head, lambda sha: self.diffs.get(sha, []))

    def linear_walk(self, order: Sequence[str] | None = None) -> Counts:
        """The published walk over the non-merge commits, newest first."""
        records = self.ordered(order)
        head = sorted(self.trees[records[0].sha.decode()])
        return linear_walk([r for r in records if len(r.parents) < 2], head)


def side_branch(take_side: bool) -> Dag:
    """r: Ada adds a.py and b.txt; side s1: Bob edits a.py; main c1: Cy edits b.txt; merge m
    by Dan keeps the mainline a.py or takes the side's."""
    dag = Dag()
    dag.commit("r", None, "ada", "A a.py", "A b.txt")
    dag.commit("s1", "r", "bob", "M a.py")
    dag.commit("c1", "r", "cy", "M b.txt")
    dag.merge("m", ["c1", "s1"], "dan", take={"a.py": "s1"} if take_side else None)
    return dag


TOPO_ORDERS = [["m", "s1", "c1", "r"], ["m", "c1", "s1", "r"]]


@pytest.mark.parametrize("order", TOPO_ORDERS, ids=["side-first", "main-first"])
def test_side_edits_do_not_count_when_the_merge_kept_the_mainline_version(
    order: list[str],
) -> None:
    """If the merge's a.py equals the first parent's, the side branch is not a.py's history."""
    counts = side_branch(take_side=False).dag_walk(order)
    assert counts.touches("a.py") == {ADA: 1}
    assert counts.touches("b.txt") == {ADA: 1, CY: 1}


@pytest.mark.parametrize("order", TOPO_ORDERS, ids=["side-first", "main-first"])
def test_side_edits_count_when_the_merge_took_the_side_version(order: list[str]) -> None:
    """If the merge's a.py is the side branch's, the side branch's edits count."""
    counts = side_branch(take_side=True).dag_walk(order)
    assert counts.touches("a.py") == {ADA: 1, BOB: 1}
    assert counts.deliveries("a.py") == {BOB: 1}
    assert counts.adders("a.py") == {ADA}
    assert counts.touches("b.txt") == {ADA: 1, CY: 1}


def test_merges_are_never_counted() -> None:
    """A merge commit counts for no file, is not a commit read and gives its author nothing."""
    counts = side_branch(take_side=True).dag_walk()
    assert counts.counter.commits_read == 3
    assert DAN not in {identity.email for identity in counts.counter.identities}


@pytest.mark.parametrize("order", TOPO_ORDERS, ids=["side-first", "main-first"])
def test_mainline_edits_the_merge_threw_away_do_not_count(order: list[str]) -> None:
    """Both branches edit a.py and the merge takes the side's version: only the side counts,
    as `git log -- a.py` shows (the merge equals its second parent there)."""
    dag = Dag()
    dag.commit("r", None, "ada", "A a.py")
    dag.commit("s1", "r", "bob", "M a.py")
    dag.commit("c1", "r", "cy", "M a.py")
    dag.merge("m", ["c1", "s1"], "dan", take={"a.py": "s1"})
    assert dag.dag_walk(order).touches("a.py") == {ADA: 1, BOB: 1}


@pytest.mark.parametrize("edited_after_rename", [False, True], ids=["pure-rename", "edited"])
def test_rename_on_a_side_branch_keeps_the_mainline_history_before_the_fork(
    edited_after_rename: bool,
) -> None:
    """A side branch renames old.py to new.py: old.py's edits before the fork still count."""
    dag = Dag()
    dag.commit("r", None, "ada", "A old.py", "A other.txt")
    dag.commit("c0", "r", "bob", "M old.py")
    dag.commit("s1", "c0", "cy", "R old.py new.py")
    side = "s1"
    if edited_after_rename:
        dag.commit("s2", "s1", "cy", "M new.py")
        side = "s2"
    dag.commit("c1", "c0", "dan", "M other.txt")
    dag.merge("m", ["c1", side], "eve", take={"new.py": side}, delete=["old.py"])
    counts = dag.dag_walk()
    side_commits = 2 if edited_after_rename else 1
    assert counts.touches("new.py") == {ADA: 1, BOB: 1, CY: side_commits}
    assert counts.deliveries("new.py") == {BOB: 1, CY: side_commits}
    assert counts.adders("new.py") == {ADA}
    assert counts.touches("other.txt") == {ADA: 1, DAN: 1}


def stray_root() -> Dag:
    """Eve commits a copy of the tree as a second root, merges main into it, main merges back."""
    dag = Dag()
    dag.commit("r1", None, "ada", "A a.py=v1", "A b.py=w1")
    dag.commit("c2", "r1", "ada", "M a.py=v2")
    dag.commit("s1", None, "eve", "A a.py=v1", "A b.py=w1")
    dag.merge("m1", ["s1", "c2"], "eve", take={"a.py": "c2"})
    dag.merge("m2", ["c2", "m1"], "ada")
    return dag


def test_a_stray_second_root_does_not_make_its_author_a_creator() -> None:
    """The merge back equals the mainline, so the stray root's adds are in no file's history."""
    counts = stray_root().dag_walk()
    assert counts.adders("a.py") == {ADA}
    assert counts.adders("b.py") == {ADA}
    assert counts.touches("a.py") == {ADA: 2}
    assert counts.touches("b.py") == {ADA: 1}


def test_the_linear_walk_credits_the_stray_root() -> None:
    """The published walk ignores the graph and counts the stray root's adds (why §3b exists)."""
    counts = stray_root().linear_walk()
    assert counts.adders("a.py") == {ADA, EVE}
    assert counts.adders("b.py") == {ADA, EVE}


def test_commits_outside_every_file_history_still_count_as_activity() -> None:
    """A commit reached by no file's history is still read and counts for its author."""
    counts = stray_root().dag_walk()
    activity = {
        identity.email: counts.counter.activity[index].commits
        for index, identity in enumerate(counts.counter.identities)
    }
    assert activity == {ADA: 2, EVE: 1}
    assert counts.counter.commits_read == 3


def test_an_ancestor_path_claimed_by_two_files_counts_for_both() -> None:
    """A branch renames a.py to b.py while main keeps editing a.py: a.py's past counts for both."""
    dag = Dag()
    dag.commit("r", None, "ada", "A a.py")
    dag.commit("s1", "r", "bob", "R a.py b.py")
    dag.commit("c1", "r", "cy", "M a.py")
    dag.merge("m", ["c1", "s1"], "dan", take={"b.py": "s1"})
    counts = dag.dag_walk()
    assert counts.touches("a.py") == {ADA: 1, CY: 1}
    assert counts.touches("b.py") == {ADA: 1, BOB: 1}
    assert counts.adders("a.py") == counts.adders("b.py") == {ADA}


def test_a_commit_touching_two_ancestors_of_one_file_counts_once() -> None:
    """Two branches rename a.py and b.py into x.py; the commit adding both counts once."""
    dag = Dag()
    dag.commit("r", None, "ada", "A a.py=one", "A b.py=two")
    dag.commit("c1", "r", "cy", "R a.py x.py", "D b.py")
    dag.commit("s1", "r", "bob", "D a.py", "R b.py x.py")
    dag.merge("m", ["c1", "s1"], "dan", write={"x.py": "merged"})
    counts = dag.dag_walk()
    assert counts.touches("x.py") == {ADA: 1, BOB: 1, CY: 1}
    assert counts.adders("x.py") == {ADA}


def test_an_octopus_merge_sends_each_path_to_the_parent_it_came_from() -> None:
    """A three-parent merge taking a.py from one side and b.py from another splits histories."""
    dag = Dag()
    dag.commit("r", None, "ada", "A a.py", "A b.py", "A c.py")
    dag.commit("s1", "r", "bob", "M a.py", "M c.py=bob")
    dag.commit("s2", "r", "cy", "M b.py", "M c.py=cy")
    dag.commit("c1", "r", "dan", "M c.py", "M a.py=dan")
    dag.merge("m", ["c1", "s1", "s2"], "eve", take={"a.py": "s1", "b.py": "s2"})
    counts = dag.dag_walk()
    assert counts.touches("a.py") == {ADA: 1, BOB: 1}
    assert counts.touches("b.py") == {ADA: 1, CY: 1}
    assert counts.touches("c.py") == {ADA: 1, DAN: 1}


def test_delete_and_re_add_keeps_one_history_with_two_creators() -> None:
    """A path deleted and re-added by someone else keeps its earlier history; both are adders."""
    dag = Dag()
    dag.commit("r", None, "ada", "A a.py")
    dag.commit("c1", "r", "ada", "M a.py")
    dag.commit("c2", "c1", "cy", "D a.py")
    dag.commit("c3", "c2", "bob", "A a.py")
    for counts in (dag.dag_walk(), dag.linear_walk()):
        assert counts.adders("a.py") == {ADA, BOB}
        assert counts.touches("a.py") == {ADA: 2, BOB: 1, CY: 1}
        assert counts.deliveries("a.py") == {ADA: 1}


def test_a_path_reused_after_a_rename_away() -> None:
    """a.py renamed to gone.py (later deleted) and then re-created. The published walk cuts
    the old a.py off; the DAG model keeps the path's own history, as `git log -- a.py` does,
    the rename away counted as its delete."""
    dag = Dag()
    dag.commit("r", None, "ada", "A a.py")
    dag.commit("c1", "r", "cy", "R a.py gone.py")
    dag.commit("c2", "c1", "cy", "D gone.py")
    dag.commit("c3", "c2", "bob", "A a.py")
    linear = dag.linear_walk()
    assert linear.touches("a.py") == {BOB: 1}
    assert linear.adders("a.py") == {BOB}
    walked = dag.dag_walk()
    assert walked.touches("a.py") == {ADA: 1, CY: 1, BOB: 1}
    assert walked.adders("a.py") == {ADA, BOB}
    assert walked.deliveries("a.py") == {}


def test_both_files_keep_the_history_of_a_path_renamed_away_and_reused() -> None:
    """app.py moves to core.py and a new app.py is written (flask's split of app.py): both
    are at the revision, and git lists the old commits in both files' histories."""
    dag = Dag()
    dag.commit("r", None, "ada", "A app.py")
    dag.commit("c1", "r", "bob", "M app.py")
    dag.commit("c2", "c1", "cy", "R app.py core.py")
    dag.commit("c3", "c2", "dan", "A app.py")
    walked = dag.dag_walk()
    assert walked.adders("app.py") == {ADA, DAN}
    assert walked.deliveries("app.py") == {BOB: 1}
    assert walked.adders("core.py") == {ADA}
    assert walked.deliveries("core.py") == {BOB: 1, CY: 1}


def test_a_swap_in_one_commit_keeps_both_histories_apart() -> None:
    """Renames a→b and b→a in one commit are undone together, so histories do not cross."""
    dag = Dag()
    dag.commit("r", None, "ada", "A a.py")
    dag.commit("c1", "r", "bob", "A b.py")
    dag.commit("c2", "c1", "cy", "R a.py b.py", "R b.py a.py")
    for counts in (dag.dag_walk(), dag.linear_walk()):
        assert counts.adders("b.py") == {ADA}
        assert counts.adders("a.py") == {BOB}
        assert counts.deliveries("a.py") == counts.deliveries("b.py") == {CY: 1}


def test_combined_kind_is_the_stronger_except_add_with_delivery() -> None:
    """One commit's changes to one file: the stronger kind wins, in either order, except an
    add with a delivery, which is both (and stays both)."""
    from busfactor.core.history import ADD, ADD_AND_DELIVERY, DELETE, DELIVERY, combined_kind

    kinds = (0, DELETE, DELIVERY, ADD, ADD_AND_DELIVERY)
    for was in kinds:
        for kind in kinds:
            both = {was, kind} == {ADD, DELIVERY}
            expected = ADD_AND_DELIVERY if both else max(was, kind)
            assert combined_kind(was, kind) == combined_kind(kind, was) == expected
