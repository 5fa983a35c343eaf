"""Which commits count for which file: the DAG walk (default) and the published linear walk.

Both walkers consume parsed `git log` records and feed one `HistoryCounter`. They never see git:
the adapter streams records in, tests can hand them lists. See adr/0002 for the model.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Protocol

from busfactor.core.model import (
    Change,
    CommitRecord,
    FileHistory,
    IdentityActivity,
    Progress,
    RawIdentity,
)
from busfactor.errors import Cancelled

ADD, DELIVERY, DELETE = 3, 2, 1
ADD_AND_DELIVERY = 4
"""A commit that adds one of a file's paths and modifies (or renames into) another: the
file's history meets there, and the commit counts as an add (FA) and a delivery (DL)."""
_A, _M, _T, _R, _D, _C = (ord(letter) for letter in "AMTRDC")

Target = int | tuple[int, ...]
"""The file (or, where two histories meet in one ancestor path, the files) a path belongs to."""
PathMap = dict[bytes, Target]
MergeDiffs = Callable[[bytes], "list[MergeDiff]"]
"""For a merge sha: its non-empty diffs against its parents, in parent order."""
TreesOf = Callable[[tuple[bytes, ...]], "list[bytes] | None"]
"""The tree ids of these commits, or None when they cannot be had."""

_CHECK_EVERY = 2048
MAX_CHANGESET = 30
"""Commits touching more files say nothing about coupling (code-maat's default)."""


_STATUS_TOKEN = re.compile(rb"[A-Z][0-9]*")
RENAME_TOKEN = re.compile(rb"(?:^|\0)[RC][0-9]{1,3}(?:\0|$)")
"""A rename's or copy's status token in a `-z` diff (any score)."""
_SEARCHES = 8
"""Questions a diff answers by searching its raw bytes before it builds a set of its tokens."""


class MergeDiff:
    """One merge's `--name-status -z` diff against one parent, parsed only as far as asked.

    A merge's diff against a side parent can list thousands of paths of which the walk asks
    about a handful: the first questions are answered by a C-level search of the raw bytes,
    later ones by a set of the tokens, and the exact parse runs only when renames are
    present or a path looks like a status token.
    """

    __slots__ = ("_changes", "_searches", "_tokens", "exact_renames", "raw")

    def __init__(self, raw: bytes, *, exact_renames: bool = True) -> None:
        self.raw = raw
        """Statuses and paths, each followed by `\\0` but the last (empty: no change)."""
        self.exact_renames = exact_renames
        self._tokens: frozenset[bytes] | None = None
        self._changes: list[Change] | None = None
        self._searches = 0

    @classmethod
    def from_changes(cls, changes: Iterable[Change]) -> MergeDiff:
        """Build one from parsed entries (tests, and callers that have them)."""
        tokens: list[bytes] = []
        for status, path, old in changes:
            letter = bytes([status]) + (b"100" if status in (_R, _C) else b"")
            tokens += [letter, old, path] if old is not None else [letter, path]
        return cls(b"\0".join(tokens))

    @property
    def tokens(self) -> list[bytes]:
        """Statuses, paths, and old paths of renames, in git's order."""
        return self.raw.split(b"\0") if self.raw else []

    @property
    def token_set(self) -> frozenset[bytes]:
        """Every token: statuses, paths, and old paths of renames."""
        if self._tokens is None:
            self._tokens = frozenset(self.tokens)
        return self._tokens

    def _has(self, token: bytes) -> bool:
        """Whether `token` is one of the diff's tokens. A few searches of the raw bytes cost
        less than a set of thousands of tokens; past those, the set is built."""
        if self._tokens is None and self._searches < _SEARCHES:
            self._searches += 1
            raw = self.raw
            return (
                b"\0" + token + b"\0" in raw
                or raw.startswith(token + b"\0")
                or raw.endswith(b"\0" + token)
                or raw == token
            )
        return token in self.token_set

    @property
    def changes(self) -> list[Change]:
        """The exact entries."""
        if self._changes is None:
            changes: list[Change] = []
            tokens = self.tokens
            index, count = 0, len(tokens)
            while index + 1 < count:
                status = tokens[index][0] if tokens[index] else 0
                if status in (_R, _C) and index + 2 < count:
                    changes.append((status, tokens[index + 2], tokens[index + 1]))
                    index += 3
                else:
                    changes.append((status, tokens[index + 1], None))
                    index += 2
            self._changes = changes
        return self._changes

    def renames(self) -> list[tuple[bytes, bytes]]:
        """(old, new) pairs; cheap when there are none."""
        if self.exact_renames:
            if not (self._has(b"R100") or self._has(b"C100")):
                return []
        elif RENAME_TOKEN.search(self.raw) is None:
            return []
        return [(old, path) for status, path, old in self.changes if old is not None]

    def differs(self, path: bytes) -> bool:
        """Whether the merge's version of `path` differs from this parent's."""
        if not self._has(path):
            return False
        if _STATUS_TOKEN.fullmatch(path) is None:
            return True
        return any(path in (new, old) for _, new, old in self.changes)

    def changed(self, paths: Iterable[bytes]) -> list[bytes]:
        """Those of `paths` whose version differs (`paths` is typically a map's keys)."""
        keys = paths if isinstance(paths, Set) else set(paths)
        return [path for path in keys & self.token_set if self.differs(path)]


def _text(raw: bytes) -> str:
    """A name or email as git printed it; bytes that are not UTF-8 become `\\xNN`, as paths
    do in reports. U+FFFD would make `J\\xe9r` and `J\\xe8r` one name, and so one person."""
    return raw.decode("utf-8", "backslashreplace")


class Counter(Protocol):
    """What a walk feeds: a `HistoryCounter`, or a recorder of one commit's hits."""

    commits_read: int

    def commit(self, record: CommitRecord, hits: Mapping[int, int]) -> None: ...


_UNCHANGED = MergeDiff(b"")
"""The diff against a parent whose tree is the merge's: git prints none."""


class HistoryCounter:
    """Accumulates per-file, per-identity counts; one commit counts at most once per file."""

    def __init__(
        self, file_count: int, recent_since: int | None = None, *, changesets: bool = False
    ) -> None:
        self.files = [FileHistory() for _ in range(file_count)]
        self.recent_since = recent_since
        self.recent: list[tuple[int, tuple[int, ...]]] = []
        self.recent_times: list[int] = []
        self.changesets: list[tuple[int, tuple[int, ...]]] = []
        self._keep_changesets = changesets
        self.identities: list[RawIdentity] = []
        self._index: dict[tuple[bytes, bytes], int] = {}
        self._commits: list[int] = []
        self._first: list[int] = []
        self._last: list[int] = []
        self.commits_read = 0

    def identity(self, email: bytes, name: bytes) -> int:
        """Intern a raw identity; returns its index."""
        key = (email, name)
        index = self._index.get(key)
        if index is None:
            index = len(self.identities)
            self._index[key] = index
            self.identities.append(RawIdentity(_text(email), _text(name)))
            self._commits.append(0)
            self._first.append(1 << 62)
            self._last.append(-(1 << 62))
        return index

    @property
    def raw_keys(self) -> Mapping[tuple[bytes, bytes], int]:
        """(email, name) bytes as git printed them -> identity index."""
        return self._index

    @property
    def activity(self) -> list[IdentityActivity]:
        """Non-merge commits and first/last author time per raw identity."""
        return [
            IdentityActivity(count, first if count else 0, last if count else 0)
            for count, first, last in zip(self._commits, self._first, self._last, strict=True)
        ]

    def canonical(self) -> Counts:
        """The counts with identities numbered by (email, name) and every collection sorted.

        The counts themselves do not depend on the order commits were walked in, but numbering
        and insertion order do: a rescan walks new commits before the cached ones, a cold scan
        in git's topological order. Canonical order makes both results equal, item for item.
        """
        keys = sorted(self._index)
        renumber = [0] * len(self.identities)
        for new, key in enumerate(keys):
            renumber[self._index[key]] = new
        activity = self.activity
        order = [self._index[key] for key in keys]
        files = [_renumbered(stats, renumber) for stats in self.files]
        recent = sorted(
            (renumber[who], touched, when)
            for (who, touched), when in zip(self.recent, self.recent_times, strict=True)
        )
        return Counts(
            files=files,
            identities=[self.identities[old] for old in order],
            activity=[activity[old] for old in order],
            recent=[(who, touched) for who, touched, _ in recent],
            recent_times=[when for _, _, when in recent],
            changesets=sorted((renumber[who], touched) for who, touched in self.changesets),
            keys=keys,
            commits_read=self.commits_read,
        )

    def commit(self, record: CommitRecord, hits: Mapping[int, int]) -> None:
        """Count one non-merge commit: its author's activity and its kind of touch per file."""
        who = self._index.get((record.email, record.name))
        if who is None:
            who = self.identity(record.email, record.name)
        when = record.time
        self._commits[who] += 1
        if when < self._first[who]:
            self._first[who] = when
        if when > self._last[who]:
            self._last[who] = when
        if not hits:
            return
        touched = tuple(hits)
        if self.recent_since is not None and when >= self.recent_since:
            # Sorted: a cached walk's files, renumbered for a rescan, must list the same way.
            self.recent.append((who, tuple(sorted(touched))))
            self.recent_times.append(when)
        if self._keep_changesets and len(touched) <= MAX_CHANGESET:
            self.changesets.append((who, touched))
        files = self.files
        for fid, kind in hits.items():
            stats = files[fid]
            if when > stats.last_time:
                stats.last_time = when
            touches = stats.touches
            touches[who] = touches.get(who, 0) + 1
            if kind == DELETE:
                continue
            if kind != DELIVERY:
                stats.adders.add(who)
            if kind != ADD:
                deliveries = stats.deliveries
                deliveries[who] = deliveries.get(who, 0) + 1
            first_time = stats.first_time
            seen = first_time.get(who)
            if seen is None or when < seen:
                first_time[who] = when


@dataclass(slots=True)
class Counts:
    """A finished walk in canonical order: what a MiningResult holds, plus what a later
    rescan needs to extend it (raw identity keys, times of the recent commits)."""

    files: list[FileHistory]
    identities: list[RawIdentity]
    activity: list[IdentityActivity]
    recent: list[tuple[int, tuple[int, ...]]]
    recent_times: list[int]
    changesets: list[tuple[int, tuple[int, ...]]]
    keys: list[tuple[bytes, bytes]]
    """(email, name) bytes of each identity, as git printed them (the sort key)."""
    commits_read: int


def _remap(counts: dict[int, int], renumber: Sequence[int], increasing: bool) -> dict[int, int]:
    """Keys renumbered, in key order (runs once per file and field: kept cheap). An
    `increasing` renumbering keeps the order the keys had, so nothing is sorted."""
    if increasing or len(counts) == 1:
        return {renumber[who]: n for who, n in counts.items()}
    items = [(renumber[who], n) for who, n in counts.items()]
    items.sort()
    return dict(items)


def _renumbered(
    stats: FileHistory, renumber: Sequence[int], *, increasing: bool = False
) -> FileHistory:
    """One file's counts under new identity numbers, keys in order. `increasing`: the
    renumbering keeps their order (old identities among new ones), as a cached walk's counts
    have when someone new arrived."""
    adders = stats.adders
    return FileHistory(
        touches=_remap(stats.touches, renumber, increasing),
        deliveries=_remap(stats.deliveries, renumber, increasing),
        adders={renumber[who] for who in adders}
        if len(adders) < 2
        else set(sorted(renumber[who] for who in adders)),
        first_time=_remap(stats.first_time, renumber, increasing),
        last_time=stats.last_time,
    )


def _numbered_below(stats: FileHistory, below: int) -> bool:
    """Whether every identity in a file's counts has a number under `below`. Every commit
    that counts a delivery, an add or a first time counts a touch too, so the touches name
    them all."""
    return max(stats.touches, default=-1) < below


def extend(
    old: Counts,
    new: HistoryCounter,
    sources: Mapping[int, tuple[int, ...]],
) -> Counts:
    """A cached walk's counts extended by a walk of newer commits only (the cache's fast path).

    `new` walked the commits above the cached tip and handed the cached tip one map: old file
    `q` continues as the new files `sources[q]` (each new file reached from at most one old
    file, which the caller checked). Commits below the tip are then counted for `p` exactly as
    they were for `q`, so the counts add up; the caller also checked that `new`'s activity
    window starts no earlier than the cached one.
    """
    keys = sorted(set(old.keys) | new.raw_keys.keys())
    number = {key: index for index, key in enumerate(keys)}
    from_old = [number[key] for key in old.keys]
    from_new = [0] * len(new.identities)
    for key, raw in new.raw_keys.items():
        from_new[raw] = number[key]
    identities = [RawIdentity(_text(e), _text(n)) for e, n in keys]
    activity = [IdentityActivity(0, 1 << 62, -(1 << 62)) for _ in keys]
    for index, item in enumerate(old.activity):
        _add_activity(activity[from_old[index]], item)
    for index, item in enumerate(new.activity):
        _add_activity(activity[from_new[index]], item)
    # Most files saw no new commit: reuse the cached counts. Old identities sorted before the
    # first newcomer keep their numbers, so a file counted only by them needs no renumbering.
    below = next((i for i, n in enumerate(from_old) if n != i), len(from_old))
    unchanged = below == len(from_old)  # nobody new sorted among the cached people
    # None: no new commit counted the file (most of them), so no empty FileHistory per file.
    walked: list[FileHistory | None] = [
        _renumbered(stats, from_new) if stats.touches else None for stats in new.files
    ]
    for q, targets in sources.items():
        cached = old.files[q]
        if not unchanged and not _numbered_below(cached, below):
            cached = _renumbered(cached, from_old, increasing=True)
        for n, p in enumerate(targets):
            seen = walked[p]
            if seen is not None:
                walked[p] = _combined(seen, cached)
            else:
                walked[p] = cached if n == 0 else _combined(FileHistory(), cached)
    files = [stats if stats is not None else FileHistory() for stats in walked]
    since = new.recent_since if new.recent_since is not None else -(1 << 62)
    recent = [
        (from_new[who], touched, when)
        for (who, touched), when in zip(new.recent, new.recent_times, strict=True)
    ]
    for (who, touched), when in zip(old.recent, old.recent_times, strict=True):
        if when < since:
            continue
        moved = tuple(sorted(p for q in touched for p in sources.get(q, ())))
        if moved:
            recent.append((from_old[who], moved, when))
    recent.sort()
    for item in activity:
        if not item.commits:
            item.first = item.last = 0
    return Counts(
        files=files,
        identities=identities,
        activity=activity,
        recent=[(who, touched) for who, touched, _ in recent],
        recent_times=[when for _, _, when in recent],
        changesets=[],
        keys=keys,
        commits_read=old.commits_read + new.commits_read,
    )


def _add_activity(total: IdentityActivity, item: IdentityActivity) -> None:
    if not item.commits:
        return
    total.commits += item.commits
    total.first = min(total.first, item.first)
    total.last = max(total.last, item.last)


def _combined(left: FileHistory, right: FileHistory) -> FileHistory:
    """Two disjoint sets of commits' counts for one file, in canonical order."""
    touches = dict(left.touches)
    for who, n in right.touches.items():
        touches[who] = touches.get(who, 0) + n
    deliveries = dict(left.deliveries)
    for who, n in right.deliveries.items():
        deliveries[who] = deliveries.get(who, 0) + n
    first_time = dict(left.first_time)
    for who, when in right.first_time.items():
        first_time[who] = min(when, first_time.get(who, when))
    return FileHistory(
        touches=dict(sorted(touches.items())),
        deliveries=dict(sorted(deliveries.items())),
        adders=set(sorted(left.adders | right.adders)),
        first_time=dict(sorted(first_time.items())),
        last_time=max(left.last_time, right.last_time),
    )


def combined_kind(was: int, kind: int) -> int:
    """Two changes of one commit to one file: the stronger kind, except that an add and a
    delivery together count as both."""
    if was < kind:
        return ADD_AND_DELIVERY if was == DELIVERY and kind == ADD else kind
    return ADD_AND_DELIVERY if was == ADD and kind == DELIVERY else was


def _hit(hits: dict[int, int], target: Target, kind: int) -> None:
    """Record one change of the commit to a file: `combined_kind` with what it had, written
    out for the common case of one file and no earlier change (every commit, every path)."""
    if isinstance(target, int):
        was = hits.get(target, 0)
        hits[target] = kind if was == 0 else combined_kind(was, kind)
        return
    for fid in target:
        hits[fid] = combined_kind(hits.get(fid, 0), kind)


def _touches(
    changes: list[Change], path_map: PathMap, blocked: frozenset[bytes]
) -> tuple[dict[int, int], list[tuple[bytes, bytes]]]:
    """What one commit does to each tracked file (strongest kind wins), and its renames."""
    hits: dict[int, int] = {}
    renames: list[tuple[bytes, bytes]] = []
    for status, path, old in changes:
        if status == _R and old is not None:
            renames.append((old, path))
        target = path_map.get(path)
        if target is None or (blocked and path in blocked):
            continue
        if status in (_M, _T, _R):
            _hit(hits, target, DELIVERY)
        elif status in (_A, _C):
            _hit(hits, target, ADD)
        elif status == _D:
            _hit(hits, target, DELETE)
    return hits, renames


def joined(maps: Iterable[PathMap]) -> PathMap:
    """The maps as one: a path in several goes to every file they send it to."""
    result: PathMap = {}
    for path_map in maps:
        for path, target in path_map.items():
            current = result.get(path)
            result[path] = target if current is None else _merge_targets(current, target)
    return result


def _merge_targets(left: Target, right: Target) -> Target:
    merged = set((left,) if isinstance(left, int) else left)
    merged.update((right,) if isinstance(right, int) else right)
    return merged.pop() if len(merged) == 1 else tuple(sorted(merged))


def _undo_renames(source: PathMap, renames: list[tuple[bytes, bytes]]) -> PathMap:
    """The parent's map: each `old -> new` rename of this commit taken back, all at once.

    The old path's history is the new path's history, and it stays the history of whatever
    file the old path itself still leads to: a path renamed away and later re-created keeps
    its earlier commits, as `git log -- <path>` lists them (where both files are at the
    revision, the earlier history is both files'). The new path stays mapped, as an add keeps
    it: older history at that path is the same path's history. Reading every rename against
    the child's map keeps the renames of one commit apart (a path both renamed away and
    renamed onto takes only what was renamed onto it).
    """
    moved: dict[bytes, Target] = {}
    onto = {new for _, new in renames}
    for old, new in renames:
        target = source.get(new)
        if target is None:
            continue
        current = source.get(old)
        moved[old] = target if current is None or old in onto else _merge_targets(current, target)
    if not moved:
        return source
    parent = source.copy()
    parent.update(moved)
    return parent


_NOTHING: frozenset[bytes] = frozenset()


class DagWalk:
    """Per-commit path maps handed from children to parents along the commit graph.

    `git log --topo-order` emits every child before its parents, so a commit's map is complete
    when it arrives. At a merge, each path goes to the first parent whose version of it equals
    the merge's (git's TREESAME rule); a path that differs from every parent goes to all of them.

    A commit's map is a shared dict plus a small set of paths *blocked* from it: a merge that
    sends a few paths to its side parent only hands its first parent the same dict with those
    paths blocked, instead of a copy. Copies happen only at renames and at joins that need them.
    """

    def __init__(
        self,
        counter: Counter,
        start: bytes,
        head_map: PathMap,
        trees_of: TreesOf | None = None,
    ) -> None:
        self.counter = counter
        self._pending: dict[bytes, tuple[PathMap, frozenset[bytes]]] = (
            {start: (head_map, _NOTHING)} if head_map else {}
        )
        self._owned: set[bytes] = set()
        self._undecided: dict[bytes, list[_UndecidedMerge]] = {}
        self.trees_of = trees_of

    @classmethod
    def resumed(
        cls, counter: Counter, pending: Mapping[bytes, PathMap], trees_of: TreesOf | None = None
    ) -> DagWalk:
        """A walk that continues from maps already handed to commits not yet visited (another
        walk's frontier). The maps are shared, never changed: joins copy them."""
        walk = cls(counter, b"", {}, trees_of)
        walk._pending = {sha: (path_map, _NOTHING) for sha, path_map in pending.items() if path_map}
        return walk

    def pending_commits(self) -> Set[bytes]:
        """The commits holding a map (cheap: no map is looked at)."""
        return self._pending.keys()

    def _hand(self, parent: bytes, path_map: PathMap, blocked: frozenset[bytes] = _NOTHING) -> None:
        """Give a parent this child's map, joining it with what other children gave.

        Joins are where the cost is: a join with the same dict only intersects the blocked
        sets, and a small map already contained in the big one only unblocks its paths.
        """
        if not path_map or (
            blocked and len(blocked) >= len(path_map) and path_map.keys() <= blocked
        ):
            return
        pending = self._pending
        existing = pending.get(parent)
        if existing is None:
            pending[parent] = (path_map, blocked)
            return
        base, base_blocked = existing
        if base is path_map:
            pending[parent] = (base, base_blocked & blocked)
            return
        owned = parent in self._owned
        if not owned:
            if len(path_map) > len(base):
                base, base_blocked, path_map, blocked = path_map, blocked, base, base_blocked
            extra = _effective(path_map, blocked)
            if extra.items() <= base.items():
                if base_blocked:
                    base_blocked = base_blocked.difference(extra.keys())
                pending[parent] = (base, base_blocked)
                return
            merged = _effective(base, base_blocked)
            if merged is base:
                merged = base.copy()
            self._owned.add(parent)
            pending[parent] = (merged, _NOTHING)
            base = merged
        else:
            extra = _effective(path_map, blocked)
            if len(extra) > len(base):
                # Fold the small private map into a copy of the big one, not the reverse.
                bigger = extra.copy() if extra is path_map else extra
                pending[parent] = (bigger, _NOTHING)
                base, extra = bigger, base
        # Not `extra.items() - base.items()`: that set difference walks all of `base`.
        for path, target in extra.items():
            current = base.get(path)
            if current is None:
                base[path] = target
            elif current != target:
                base[path] = _merge_targets(current, target)

    def frontier(self) -> tuple[dict[bytes, PathMap], bool]:
        """The maps handed to commits the walk never reached (on a rescan: the cached tip),
        and whether some merge still waits for a parent's tree to decide where paths go."""
        waiting = any(not w.decided for group in self._undecided.values() for w in group)
        return {sha: _effective(m, b) for sha, (m, b) in self._pending.items()}, waiting

    def visit(self, record: CommitRecord, merge_diffs: MergeDiffs | None) -> None:
        """Process one commit of the stream."""
        for waiting in self._undecided.pop(record.sha, ()):
            if not waiting.decided:
                self._decide(waiting, record)
        entry = self._pending.pop(record.sha, None)
        self._owned.discard(record.sha)
        parents = record.parents
        if len(parents) > 1:
            diffs = merge_diffs(record.sha) if merge_diffs is not None else []
            if entry is not None:
                diffs = [
                    d if isinstance(d, MergeDiff) else MergeDiff.from_changes(d) for d in diffs
                ]
                self._visit_merge(record, entry[0], entry[1], diffs)
            return
        self.counter.commits_read += 1
        if entry is None:
            self.counter.commit(record, {})
            return
        path_map, blocked = entry
        hits, renames = _touches(record.changes, path_map, blocked)
        for old, _ in renames:
            # Renamed away: for a file the old path still leads to (it was re-created
            # later), git lists this commit in the path's history as its delete.
            gone = path_map.get(old)
            if gone is not None and not (blocked and old in blocked):
                _hit(hits, gone, DELETE)
        self.counter.commit(record, hits)
        if not parents:
            return
        if renames:
            self._hand(parents[0], _undo_renames(_effective(path_map, blocked), renames))
        else:
            self._hand(parents[0], path_map, blocked)

    def _visit_merge(
        self,
        record: CommitRecord,
        path_map: PathMap,
        blocked: frozenset[bytes],
        diffs: list[MergeDiff],
    ) -> None:
        """Hand each path to the parents its history continues in (git's TREESAME rule)."""
        parents = record.parents
        if len(diffs) == len(parents):
            self._split_exact(path_map, blocked, parents, diffs)
        elif not diffs:
            self._hand(parents[0], path_map, blocked)  # the tree equals every parent's
        elif len(parents) == 2:
            # git printed one diff: the tree equals one parent's. Which one is known when
            # the first of the two parents arrives with its tree id.
            waiting = _UndecidedMerge(record.tree, path_map, blocked, diffs[0], parents)
            self._undecided.setdefault(parents[0], []).append(waiting)
            self._undecided.setdefault(parents[1], []).append(waiting)
        else:
            placed = self._placed(record, diffs)
            if placed is not None:
                self._split_exact(path_map, blocked, parents, placed)
            else:
                self._split_loosely(_effective(path_map, blocked), parents, diffs)

    def _placed(self, record: CommitRecord, diffs: list[MergeDiff]) -> list[MergeDiff] | None:
        """An octopus merge's printed diffs next to their parents, None when unknown.

        git prints no diff against a parent whose tree is the merge's, and prints the others
        in parent order, so the parents' tree ids tell which diff is whose. They are asked
        for only here (git.git has two such merges in 82,000 commits; flask, requests, pip
        and sympy none).
        """
        trees = self.trees_of(record.parents) if self.trees_of is not None else None
        if trees is None or len(trees) != len(record.parents):
            return None
        printed = iter(diffs)
        placed = []
        for tree in trees:
            diff = _UNCHANGED if tree == record.tree else next(printed, None)
            if diff is None:
                return None
            placed.append(diff)
        return placed if next(printed, None) is None else None

    def _decide(self, waiting: _UndecidedMerge, arrived: CommitRecord) -> None:
        """Settle a merge whose one printed diff could be against either parent."""
        first, second = waiting.parents
        waiting.decided = True
        same_tree = arrived.tree == waiting.tree
        equals_first = same_tree if arrived.sha == first else not same_tree
        path_map, blocked = waiting.path_map, waiting.blocked
        if equals_first:
            self._hand(first, path_map, blocked)
            return
        # The tree equals the second parent's, so the diff is against the first: the paths
        # it lists came unchanged from the second parent, every other path from the first.
        moved = [p for p in waiting.diff.changed(path_map.keys()) if p not in blocked]
        self._hand(first, path_map, blocked.union(moved) if moved else blocked)
        self._hand(second, {path: path_map[path] for path in moved})

    def _split_exact(
        self,
        path_map: PathMap,
        blocked: frozenset[bytes],
        parents: tuple[bytes, ...],
        diffs: list[MergeDiff],
    ) -> None:
        """Every parent's diff is known: each path goes to the first parent it is equal in."""
        first, sides = diffs[0], diffs[1:]
        side_maps: list[PathMap] = [{} for _ in sides]
        side_only: list[bytes] = []
        side_sources: list[dict[bytes, bytes]] | None = None
        for path in first.changed(path_map.keys()):
            if path in blocked:
                continue
            target = path_map[path]
            same = next((i for i, side in enumerate(sides) if not side.differs(path)), None)
            if same is not None:
                side_maps[same][path] = target
                side_only.append(path)
                continue
            if side_sources is None:
                side_sources = [{new: old for old, new in side.renames()} for side in sides]
            for sources, side_map in zip(side_sources, side_maps, strict=True):
                side_map[sources.get(path, path)] = target
        if side_only:
            blocked = blocked.union(side_only)
        renames = first.renames()
        if renames:
            effective = _effective(path_map, blocked)
            moved = [(old, new) for old, new in renames if new in effective]
            self._hand(parents[0], _undo_renames(effective, moved) if moved else effective)
        else:
            self._hand(parents[0], path_map, blocked)
        for parent, side_map in zip(parents[1:], side_maps, strict=True):
            self._hand(parent, side_map)

    def _split_loosely(
        self, path_map: PathMap, parents: tuple[bytes, ...], diffs: list[MergeDiff]
    ) -> None:
        """An octopus merge with some empty diffs whose parents' trees are unknown (a
        shallow clone's cut parents, or no way to ask): which diff is whose is unknown.

        The first parent keeps every path and each other parent gets every path any diff
        lists: nothing is lost, at worst a side branch's discarded change is counted.
        """
        changed = {path for diff in diffs for path in diff.changed(path_map.keys())}
        self._hand(parents[0], path_map)
        side = {path: path_map[path] for path in changed}
        for parent in parents[1:]:
            self._hand(parent, side)


def _effective(path_map: PathMap, blocked: frozenset[bytes]) -> PathMap:
    """The map with its blocked paths taken out (the same dict when none are blocked)."""
    if not blocked or path_map.keys().isdisjoint(blocked):
        return path_map
    # `.copy()`, not `dict(...)`: a dict with deleted entries (from these pops) is cloned
    # whole by `.copy()` but re-inserted key by key by `dict()`, ten times slower.
    smaller = path_map.copy()
    for path in blocked:
        smaller.pop(path, None)
    return smaller


@dataclass(slots=True)
class _UndecidedMerge:
    """A two-parent merge waiting for the tree id of the first of its parents to arrive."""

    tree: bytes
    path_map: PathMap
    blocked: frozenset[bytes]
    diff: MergeDiff
    parents: tuple[bytes, ...]
    decided: bool = False


class LinearWalk:
    """The published walk (algorithms.md §3): one alias map, newest to oldest, merges skipped."""

    def __init__(self, counter: Counter, head_map: PathMap) -> None:
        self.counter = counter
        self.alias: PathMap = dict(head_map)

    def visit(self, record: CommitRecord, merge_diffs: MergeDiffs | None = None) -> None:
        """Process one non-merge commit of the stream."""
        if len(record.parents) > 1:
            return
        self.counter.commits_read += 1
        alias = self.alias
        hits, renames = _touches(record.changes, alias, _NOTHING)
        self.counter.commit(record, hits)
        if renames:
            moved = [(old, alias.get(new)) for old, new in renames]
            for old, target in moved:
                if target is None:
                    alias.pop(old, None)
            for old, target in moved:
                if target is not None:
                    alias[old] = target


def walk(
    records: Iterable[CommitRecord],
    walker: DagWalk | LinearWalk,
    merge_diffs: MergeDiffs | None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
) -> None:
    """Feed every record to the walker, reporting progress and honouring cancellation."""
    for seen, record in enumerate(records, 1):
        walker.visit(record, merge_diffs)
        if seen % _CHECK_EVERY == 0:
            if cancel is not None and cancel.is_set():
                raise Cancelled("scan cancelled")
            if on_progress is not None:
                on_progress(Progress("history", seen))
