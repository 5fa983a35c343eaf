"""Merges' diffs against their side parents, rebuilt from combined diffs (adr/0021).

git.git merges long-lived topics into a branch that moved on, so a merge's diff against its
second parent lists everything the mainline gained since the fork: 228 MB for 21,215 merges,
20 s of git's time. The walk asks that diff two questions only, about the paths of the
first-parent diff: does the path also differ from the side parent (git's TREESAME rule), and
which side path was renamed into it. git's combined diff without rename detection answers the
first (it lists exactly the paths that differ from every parent, and walks the trees of all
parents at once: 4.9 s there). The second matters only for a path the side parent lacks; the
few merges with such a path get their real side diff from `git diff-tree --stdin`.

From those, this module writes each merge's records in the very format of `git log
--diff-merges=separate`, with a side diff that lists only what the walk can ask about. The
reader, the walk and the cache's stored segments stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from busfactor.adapters.gitlog import parse_diff_records
from busfactor.core.history import RENAME_TOKEN


@dataclass(frozen=True)
class SideDiffs:
    """When a scan gives up git's separate diffs for combined ones.

    A probe reads git's separate diffs of the newest `merges` merges (None: no probe, no
    switch; 0: switch without one), and the scan switches if their side diffs are at least
    `ratio` times their first-parent diffs and at least `min_bytes`. Over the first 100
    merges (adr/0021): git.git 47x; sympy 3.6x, pytest 3.4x, cargo 0.9x, click and rich
    under 1x. Switching costs a pause: the walk waits while the combined diffs of the whole
    history are computed, which only a history like git.git's repays.
    """

    merges: int | None = 100
    ratio: float = 16.0
    min_bytes: int = 1 << 20

    def switch(self, first_parent: int, side: int) -> bool:
        """Whether the bytes read so far call for combined diffs."""
        return side >= self.min_bytes and side >= self.ratio * first_parent


WATCH_EVERY = 512

SIDE_DIFFS = SideDiffs()
SEPARATE = SideDiffs(merges=None)
"""Never switch (tests, and comparisons)."""
COMBINED = SideDiffs(merges=0, ratio=0.0, min_bytes=0)
"""Switch without a probe (tests, and comparisons)."""


class CombinedSides:
    """What the combined stream said about each merge: its paths that differ from every
    parent (two-parent merges), and the side diffs git must still print in full."""

    def __init__(self) -> None:
        self.combined: dict[bytes, tuple[bytes, list[bytes]]] = {}
        """A two-parent merge's side parent and combined entries [status letters, path, ...]."""
        self.octopus: dict[bytes, list[bytes]] = {}
        """An octopus merge's side parents."""
        self.requests: list[tuple[bytes, bytes]] = []
        """(merge, side parent) pairs whose real diff is needed, in stream order."""

    @classmethod
    def read(
        cls,
        chunks: Iterable[bytes],
        *,
        renames: bool,
        watch: Callable[[int], None] | None = None,
    ) -> CombinedSides:
        """Read `git log --merges -c --no-renames --name-status -z --format=MERGE_FORMAT`.

        An octopus merge asks for every side diff: the combined diff says a path equals some
        side parent, not which. A two-parent merge asks for its side diff only when rename
        detection is on and a listed path is absent from the side parent: only such a path
        can be a side rename's destination. `watch` is told how many merges were read, every
        `WATCH_EVERY` of them: the walk waits meanwhile, so this is where a cancel is seen.
        """
        sides = cls()
        for count, (sha, parents, _, raw) in enumerate(parse_diff_records(chunks), 1):
            if watch is not None and count % WATCH_EVERY == 0:
                watch(count)
            others = parents.split(b" ")[1:]
            if len(others) > 1:
                sides.octopus[sha] = others
                sides.requests += [(sha, parent) for parent in others]
                continue
            if raw[:1] == b"\0":  # -c -z separates the header from the entries by a NUL
                raw = raw[1:]
            if not raw:
                continue
            tokens = raw.split(b"\0")
            sides.combined[sha] = (others[0], tokens)
            if renames and any(status[1:2] == b"A" for status in tokens[0::2]):
                sides.requests.append((sha, others[0]))
        return sides

    def stdin(self) -> bytes:
        """`git diff-tree --stdin` lines: `MERGE PARENT` diffs the merge against that parent."""
        return b"".join(b"%s %s\n" % pair for pair in self.requests)

    def side_diffs(self, fetched: dict[tuple[bytes, bytes], bytes]) -> dict[bytes, list[bytes]]:
        """Each merge's side diffs, in parent order, from the combined entries and the side
        diffs `fetched` from git (built before the walk needs them, while it waits anyway)."""
        found = {
            sha: [side_entries(tokens, fetched.get((sha, parent)))]
            for sha, (parent, tokens) in self.combined.items()
        }
        for sha, parents in self.octopus.items():
            found[sha] = [fetched.get((sha, parent), b"") for parent in parents]
        return found


def read_side_diffs(chunks: Iterable[bytes]) -> dict[tuple[bytes, bytes], bytes]:
    """`git diff-tree --stdin --always` output as {(merge, parent): raw diff}."""
    return {(sha, parent): raw for sha, parent, _, raw in parse_diff_records(chunks, min_parents=1)}


MergeRecord = tuple[bytes, bytes, bytes, bytes]
"""(sha, tree, raw diff, parents): what the merge reader takes, plus what the cache stores."""

_NO_SIDE_DIFF = [b""]


def rebuilt_records(
    first_parent: Iterable[bytes], side_diffs: dict[bytes, list[bytes]]
) -> Iterator[MergeRecord]:
    """Each merge of the first-parent stream as `--diff-merges=separate` would list it, every
    diff present (an empty one too).

    A merge whose first-parent diff is empty has the first parent's tree: git prints nothing
    for it, and neither does this.
    """
    for sha, parents, tree, raw in parse_diff_records(first_parent):
        if not raw:
            continue
        yield sha, tree, raw, parents
        for diff in side_diffs.get(sha, _NO_SIDE_DIFF):
            yield sha, tree, diff, parents


def serialized(record: MergeRecord) -> bytes:
    """A record in the bytes `git log --diff-merges=separate -z` prints for it."""
    sha, tree, diff, parents = record
    header = b"\x01%s\0%s\0%s\0" % (sha, parents, tree)
    return header + b"\n" + diff + b"\0" if diff else header


def side_entries(combined: list[bytes] | None, side_diff: bytes | None) -> bytes:
    """A two-parent merge's side diff, cut to the paths the walk can ask about.

    The walk asks only about paths the first-parent diff lists: those of them the side diff
    lists are exactly the combined diff's paths. An added one that the real side diff shows
    as a rename's destination is written as that rename, so the walk follows it.
    """
    if not combined:
        return b""
    renamed = _renames(side_diff) if side_diff else {}
    out: list[bytes] = []
    for index in range(0, len(combined) - 1, 2):
        status, path = combined[index], combined[index + 1]
        rename = renamed.get(path) if status[1:2] == b"A" else None
        if rename is not None:
            out += [rename[0], rename[1], path]
        else:
            out += [status[1:2], path]
    return b"\0".join(out)


def _renames(side_diff: bytes) -> dict[bytes, tuple[bytes, bytes]]:
    """{new path: (status token as git printed it, old path)} of a `--name-status -z` diff."""
    found: dict[bytes, tuple[bytes, bytes]] = {}
    if RENAME_TOKEN.search(side_diff) is None:
        return found  # no token looks like a rename's status: none to split for
    tokens = side_diff.split(b"\0")
    index, count = 0, len(tokens)
    while index + 1 < count:
        status = tokens[index]
        if status[:1] in (b"R", b"C") and index + 2 < count:
            found[tokens[index + 2]] = (status, tokens[index + 1])
            index += 3
        else:
            index += 2
    return found
