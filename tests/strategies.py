"""Shared Hypothesis strategies: in-memory histories and inputs for the core algorithms.

Histories are lists of `CommitRecord`, newest first as `git log` prints them, built by
simulating a file tree so every change is one git could print with `-M --name-status`:
adds of absent paths, modifications and deletes of present ones, renames from a present path
to an absent one. No git is involved.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from busfactor.core.model import Change, CommitRecord, FileHistory

A, M, D, R = (ord(letter) for letter in "AMDR")

PATHS = (b"a.py", b"b.py", b"c.py", b"lib/d.py", b"lib/e.py", b"docs/f.md")
"""A small path alphabet, so paths are often deleted, re-added and renamed onto each other."""

IDENTITIES = (
    (b"ada@example.test", b"Ada"),
    (b"bob@example.test", b"Bob"),
    (b"cy@example.test", b"Cy"),
    (b"dee@example.test", b"Dee"),
)

START = 1_704_067_200
"""2024-01-01T00:00:00Z; commit i of a generated history is i days later."""

PEOPLE = ("ada", "bob", "cy", "dee", "eve")


def sha(number: int) -> bytes:
    """A fake 40-hex-digit sha, as `%H` prints it."""
    return f"{number:040x}".encode()


@dataclass(frozen=True)
class LinearHistory:
    """A generated linear history: records newest first and the paths at its newest commit."""

    records: list[CommitRecord]
    head: list[bytes]

    @property
    def head_sha(self) -> bytes:
        """The sha of the newest commit."""
        return self.records[0].sha


@st.composite
def _commit_changes(draw: st.DrawFn, tree: set[bytes], renames: bool) -> list[Change]:
    """One commit's changes against `tree`; `tree` is updated to the commit's result."""
    touched: set[bytes] = set()
    changes: list[Change] = []
    for _ in range(draw(st.integers(1, 3))):
        free = [p for p in PATHS if p not in touched]
        present = [p for p in free if p in tree]
        absent = [p for p in free if p not in tree]
        kinds = []
        if absent:
            kinds.append("A")
        if present:
            kinds += ["M", "M", "D"]
        if renames and present and absent:
            kinds += ["R", "R"]
        if not kinds:
            break
        kind = draw(st.sampled_from(kinds))
        if kind == "A":
            path = draw(st.sampled_from(absent))
            tree.add(path)
            changes.append((A, path, None))
            touched.add(path)
        elif kind in "MD":
            path = draw(st.sampled_from(present))
            if kind == "D":
                tree.discard(path)
            changes.append((M if kind == "M" else D, path, None))
            touched.add(path)
        else:
            old = draw(st.sampled_from(present))
            new = draw(st.sampled_from(absent))
            tree.discard(old)
            tree.add(new)
            changes.append((R, new, old))
            touched.update((old, new))
    return changes


@st.composite
def linear_histories(
    draw: st.DrawFn, *, max_commits: int = 12, renames: bool = True
) -> LinearHistory:
    """A linear history from an empty tree; some commits may leave the tree unchanged."""
    tree: set[bytes] = set()
    oldest_first: list[CommitRecord] = []
    for number in range(draw(st.integers(1, max_commits))):
        email, name = draw(st.sampled_from(IDENTITIES))
        changes = draw(_commit_changes(tree, renames))
        parents = (sha(number - 1),) if number else ()
        oldest_first.append(
            CommitRecord(sha(number), parents, email, name, START + number * 86400, changes)
        )
    return LinearHistory(list(reversed(oldest_first)), sorted(tree))


@st.composite
def file_histories(
    draw: st.DrawFn, *, identities: int = 4, max_deliveries: int = 6
) -> tuple[FileHistory, list[str | None]]:
    """A consistent FileHistory over a few raw identities, and each identity's person (or None).

    Every identity that added or delivered has a first time; touches count adds, deliveries and
    deletes, one commit each. Several identities may map to one person; None is a bot.
    """
    history = FileHistory()
    count = draw(st.integers(1, identities))
    person_of = draw(
        st.lists(st.one_of(st.none(), st.sampled_from(PEOPLE[:3])), min_size=count, max_size=count)
    )
    for raw in range(count):
        added = draw(st.booleans())
        deliveries = draw(st.integers(0, max_deliveries))
        deletes = draw(st.integers(0, 2))
        if added:
            history.adders.add(raw)
        if deliveries:
            history.deliveries[raw] = deliveries
        if added or deliveries:
            history.first_time[raw] = START + draw(st.integers(0, 5)) * 86400
        if added or deliveries or deletes:
            history.touches[raw] = int(added) + deliveries + deletes
    return history, person_of


@dataclass(frozen=True)
class Ownership:
    """Inputs of the truck-factor algorithm: files, their authors and everyone's commits."""

    files: list[str]
    authors_of: dict[str, list[str]]
    commits_of: dict[str, int]

    @property
    def authors(self) -> set[str]:
        """Everyone who authors at least one file."""
        return {person for people in self.authors_of.values() for person in people}


@st.composite
def ownerships(draw: st.DrawFn, *, max_files: int = 12) -> Ownership:
    """Up to `max_files` files, each with zero or more distinct authors from a small pool."""
    files = [f"f{index:02d}" for index in range(draw(st.integers(0, max_files)))]
    authors_of = {
        path: draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=3)) for path in files
    }
    commits_of = {person: draw(st.integers(0, 4)) for person in PEOPLE}
    return Ownership(files, authors_of, commits_of)
