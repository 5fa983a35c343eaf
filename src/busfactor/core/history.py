"""Which commits count for which file: the DAG walk (default) and the published linear walk.

Both walkers consume parsed `git log` records and feed one `HistoryCounter`. They never see git:
the adapter streams records in, tests can hand them lists. See adr/0002 for the model.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping

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
_A, _M, _T, _R, _D, _C = (ord(letter) for letter in "AMTRDC")

Target = int | tuple[int, ...]
"""The file (or, where two histories meet in one ancestor path, the files) a path belongs to."""
PathMap = dict[bytes, Target]
MergeDiffs = Callable[[bytes], list[list[Change]]]
"""For a merge sha: its diff against each parent in order (or against the first only)."""

_CHECK_EVERY = 2048


class HistoryCounter:
    """Accumulates per-file, per-identity counts; one commit counts at most once per file."""

    def __init__(self, file_count: int) -> None:
        self.files = [FileHistory() for _ in range(file_count)]
        self.identities: list[RawIdentity] = []
        self.activity: list[IdentityActivity] = []
        self._index: dict[tuple[bytes, bytes], int] = {}
        self.commits_read = 0

    def identity(self, email: bytes, name: bytes) -> int:
        """Intern a raw identity; returns its index."""
        key = (email, name)
        index = self._index.get(key)
        if index is None:
            index = len(self.identities)
            self._index[key] = index
            self.identities.append(
                RawIdentity(email.decode("utf-8", "replace"), name.decode("utf-8", "replace"))
            )
            self.activity.append(IdentityActivity())
        return index

    def commit(self, record: CommitRecord, hits: Mapping[int, int]) -> None:
        """Count one non-merge commit: its author's activity and its kind of touch per file."""
        who = self.identity(record.email, record.name)
        activity = self.activity[who]
        when = record.time
        if activity.commits == 0:
            activity.first = activity.last = when
        else:
            activity.first = min(activity.first, when)
            activity.last = max(activity.last, when)
        activity.commits += 1
        for fid, kind in hits.items():
            stats = self.files[fid]
            stats.touches[who] = stats.touches.get(who, 0) + 1
            if kind == DELETE:
                continue
            if kind == ADD:
                stats.adders.add(who)
            else:
                stats.deliveries[who] = stats.deliveries.get(who, 0) + 1
            seen = stats.first_time.get(who)
            if seen is None or when < seen:
                stats.first_time[who] = when


def _hit(hits: dict[int, int], target: Target, kind: int) -> None:
    if isinstance(target, int):
        if hits.get(target, 0) < kind:
            hits[target] = kind
        return
    for fid in target:
        if hits.get(fid, 0) < kind:
            hits[fid] = kind


def _merge_targets(left: Target, right: Target) -> Target:
    merged = set((left,) if isinstance(left, int) else left)
    merged.update((right,) if isinstance(right, int) else right)
    return merged.pop() if len(merged) == 1 else tuple(sorted(merged))


def _undo_renames(source: PathMap, renames: list[tuple[bytes, bytes]]) -> PathMap:
    """The parent's map: each `old -> new` rename of this commit taken back, all at once.

    A rename whose new path is not tracked drops the old path (its history belongs to a file
    that no longer exists), so a path reused after a rename away keeps only its own history.
    The new path stays mapped, as an add keeps it: older history at that path is the same
    path's history, as `git log -- <path>` lists it.
    """
    moved: dict[bytes, Target] = {}
    dropped: list[bytes] = []
    for old, new in renames:
        target = source.get(new)
        if target is None:
            dropped.append(old)
        else:
            moved[old] = target
    if not moved and not any(old in source for old in dropped):
        return source
    parent = dict(source)
    for old in dropped:
        parent.pop(old, None)
    parent.update(moved)
    return parent


class DagWalk:
    """Per-commit path maps handed from children to parents along the commit graph.

    `git log --topo-order` emits every child before its parents, so a commit's map is complete
    when it arrives. At a merge, each path goes to the first parent whose version of it equals
    the merge's (git's TREESAME rule); a path that differs from every parent goes to all of them.
    """

    def __init__(self, counter: HistoryCounter, start: bytes, head_map: PathMap) -> None:
        self.counter = counter
        self._pending: dict[bytes, PathMap] = {start: head_map} if head_map else {}
        self._owned: set[bytes] = set()

    def _hand(self, parent: bytes, path_map: PathMap) -> None:
        """Give a parent this child's map, joining it with what other children gave.

        Joins are where the cost is, so the common cases are settled by C-level subset tests
        of the item views: one map already containing the other needs no copy at all.
        """
        if not path_map:
            return
        pending = self._pending
        existing = pending.get(parent)
        if existing is None:
            pending[parent] = path_map
            return
        if existing is path_map or path_map.items() <= existing.items():
            return
        owned = parent in self._owned
        if not owned and existing.items() <= path_map.items():
            pending[parent] = path_map
            return
        if owned and len(existing) >= len(path_map):
            base, extra = existing, path_map
        else:
            big, extra = (
                (path_map, existing) if len(path_map) > len(existing) else (existing, path_map)
            )
            base = dict(big)
            self._owned.add(parent)
            pending[parent] = base
        for path, target in extra.items() - base.items():
            current = base.get(path)
            base[path] = target if current is None else _merge_targets(current, target)

    def visit(self, record: CommitRecord, merge_diffs: MergeDiffs | None) -> None:
        """Process one commit of the stream."""
        path_map = self._pending.pop(record.sha, None)
        self._owned.discard(record.sha)
        parents = record.parents
        if len(parents) > 1:
            diffs = merge_diffs(record.sha) if merge_diffs is not None else []
            if path_map:
                self._visit_merge(path_map, parents, diffs)
            return
        self.counter.commits_read += 1
        if not path_map:
            self.counter.commit(record, {})
            return
        hits: dict[int, int] = {}
        renames: list[tuple[bytes, bytes]] = []
        for status, path, old in record.changes:
            if status == _R and old is not None:
                renames.append((old, path))
                target = path_map.get(path)
                if target is not None:
                    _hit(hits, target, DELIVERY)
                continue
            target = path_map.get(path)
            if target is None:
                continue
            if status in (_M, _T):
                _hit(hits, target, DELIVERY)
            elif status in (_A, _C):
                _hit(hits, target, ADD)
            elif status == _D:
                _hit(hits, target, DELETE)
        self.counter.commit(record, hits)
        if parents:
            self._hand(parents[0], _undo_renames(path_map, renames) if renames else path_map)

    def _visit_merge(
        self, path_map: PathMap, parents: tuple[bytes, ...], diffs: list[list[Change]]
    ) -> None:
        first = diffs[0] if diffs else []
        changed = {path for _, path, _ in first}
        renames = [(old, path) for status, path, old in first if status == _R and old is not None]
        exact = len(diffs) == len(parents)
        side_maps: list[PathMap] = [{} for _ in parents[1:]]
        side_only: list[bytes] = []
        if exact:
            side_changed = [{path for _, path, _ in diff} for diff in diffs[1:]]
            side_renames = [
                {path: old for status, path, old in diff if status == _R and old is not None}
                for diff in diffs[1:]
            ]
            for path in changed:
                target = path_map.get(path)
                if target is None:
                    continue
                same = next((i for i, paths in enumerate(side_changed) if path not in paths), None)
                if same is not None:
                    side_maps[same][path] = target
                    side_only.append(path)
                    continue
                for i, moved in enumerate(side_renames):
                    side_maps[i][moved.get(path, path)] = target
        else:
            for path in changed:
                target = path_map.get(path)
                if target is not None:
                    for side in side_maps:
                        side[path] = target
        first_map = path_map
        if side_only:
            first_map = dict(path_map)
            for path in side_only:
                first_map.pop(path, None)
            renames = [(old, new) for old, new in renames if new in first_map]
        if renames:
            first_map = _undo_renames(first_map, renames)
        self._hand(parents[0], first_map)
        for parent, side in zip(parents[1:], side_maps, strict=True):
            self._hand(parent, side)


class LinearWalk:
    """The published walk (algorithms.md §3): one alias map, newest to oldest, merges skipped."""

    def __init__(self, counter: HistoryCounter, head_map: PathMap) -> None:
        self.counter = counter
        self.alias: PathMap = dict(head_map)

    def visit(self, record: CommitRecord, merge_diffs: MergeDiffs | None = None) -> None:
        """Process one non-merge commit of the stream."""
        if len(record.parents) > 1:
            return
        self.counter.commits_read += 1
        alias = self.alias
        hits: dict[int, int] = {}
        renames: list[tuple[bytes, bytes]] = []
        for status, path, old in record.changes:
            if status == _R and old is not None:
                renames.append((old, path))
                target = alias.get(path)
                if target is not None:
                    _hit(hits, target, DELIVERY)
                continue
            target = alias.get(path)
            if target is None:
                continue
            if status in (_M, _T):
                _hit(hits, target, DELIVERY)
            elif status in (_A, _C):
                _hit(hits, target, ADD)
            elif status == _D:
                _hit(hits, target, DELETE)
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
