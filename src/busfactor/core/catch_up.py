"""Extend a cached walk when the new history reached old commits below the cached tip.

A rescan walks only the new commits. They hand maps to old commits: to the cached tip (its
map says which old file each new file continues) and, when a branch merged above the tip
forked below it, to the fork points. Adding the cached counts to the new ones
(`history.extend`) is exact only when everything reached the old history through the tip;
otherwise the whole cached history was replayed, which on sympy costs 60 % of a cold scan.

Here the cached stream is walked from its start twice, in lockstep: as the cached walk did
(from the old tip, with the old tree) and as the whole walk does (resumed from the new walk's
frontier). Maps only join, move and split path by path, so the whole walk's map at any commit
differs from the cached walk's map, in new file numbers, only by what the new history brought
or took away. Once the two agree at every commit still waiting for a map, the rest of both
walks counts the same commits for the same files: the cached counts stand for it. What the
walked prefix counted differently is kept as corrections of single commits, applied to the
extended counts. Real branches fork a few hundred commits below the tip, so the prefix is
short (adr/0009). When the budget runs out and the walks differ only in new files no old file
continues (a path re-added above the tip, with its old life deep down), those paths' maps
alone walk on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from busfactor.core.history import (
    ADD,
    ADD_AND_DELIVERY,
    DELETE,
    DELIVERY,
    Counts,
    DagWalk,
    MergeDiff,
    MergeDiffs,
    PathMap,
    Target,
    TreesOf,
    combined_kind,
)
from busfactor.core.model import CommitRecord, FileHistory

Sources = Mapping[int, tuple[int, ...]]
"""Old file -> the new files that continue it (from the map handed to the cached tip)."""

_CHECK_EVERY = 16
_SLOW_CHECK_EVERY = 256


@dataclass(slots=True)
class Correction:
    """One old commit the whole walk counts for more files, or more strongly, than the cached
    walk did (file ids are new ones; kinds are ADD, DELIVERY, DELETE, ADD_AND_DELIVERY)."""

    email: bytes
    name: bytes
    when: int
    cached: tuple[int, ...]
    """The files the cached counts hold for it, as `history.extend` moved them (sorted)."""
    before: dict[int, int]
    after: dict[int, int]


class _LastHits:
    """A walk's counter that only keeps the hits of the commit just visited."""

    def __init__(self) -> None:
        self.commits_read = 0
        self.hits: Mapping[int, int] = {}

    def commit(self, record: CommitRecord, hits: Mapping[int, int]) -> None:
        self.hits = hits


class _Once:
    """Merge diffs read once per merge, for two walks asking in turn."""

    def __init__(self, merge_diffs: MergeDiffs) -> None:
        self._merge_diffs = merge_diffs
        self._sha: bytes | None = None
        self._found: list[MergeDiff] = []

    def __call__(self, sha: bytes) -> list[MergeDiff]:
        if sha != self._sha:
            self._sha, self._found = sha, self._merge_diffs(sha)
        return self._found


def catch_up(
    records: Iterable[CommitRecord],
    merge_diffs: MergeDiffs,
    *,
    tip: bytes,
    old_head: Mapping[bytes, int],
    frontier: Mapping[bytes, PathMap],
    sources: Sources,
    budget: int,
    last_mentions: Mapping[bytes, frozenset[bytes]] | None = None,
    recent_since: int | None = None,
    trees_of: TreesOf | None = None,
) -> list[Correction] | None:
    """The corrections, or None when the walks do not agree within `budget` commits.

    `last_mentions`: for paths only the whole walk carries (re-added above the tip), the
    last commits of the cached stream that name them. Once those are walked, such a path
    can neither count nor move any more, and the walks may agree without it.

    `records`: the cached stream, from the old tip down; `old_head`: the old tree's paths
    (path -> old file); `frontier`: every map the new walk handed to old commits.
    """
    records = iter(records)
    cached_hits, whole_hits = _LastHits(), _LastHits()
    cached = DagWalk(cached_hits, tip, dict(old_head), trees_of)
    whole = DagWalk.resumed(whole_hits, frontier, trees_of)
    diffs = _Once(merge_diffs)
    corrections: list[Correction] = []
    nothing: Mapping[int, int] = {}
    waits: dict[bytes, list[bytes]] = {}
    left = {path: len(shas) for path, shas in (last_mentions or {}).items()}
    for path, shas in (last_mentions or {}).items():
        for sha in shas:
            waits.setdefault(sha, []).append(path)
    inert: set[bytes] = {path for path, count in left.items() if not count}
    for seen, record in enumerate(records, 1):
        cached_hits.hits = whole_hits.hits = nothing
        cached.visit(record, diffs)
        whole.visit(record, diffs)
        for path in waits.pop(record.sha, ()):
            left[path] -= 1
            if not left[path]:
                inert.add(path)
        if len(record.parents) <= 1 and (cached_hits.hits or whole_hits.hits):
            before, listed = _moved_hits(cached_hits.hits, sources)
            after = whole_hits.hits
            if before != after:
                corrections.append(
                    Correction(record.email, record.name, record.time, listed, before, dict(after))
                )
        if seen % _CHECK_EVERY == 0 or seen >= budget:
            # At the budget the maps are compared in any case (as at a multiple of 256).
            residual = _residual(cached, whole, sources, inert, seen if seen < budget else 0)
            if residual is not None and not residual:
                return corrections
            if residual is not None and seen >= budget:
                # Agreed but for new files no old file continues (re-added paths whose old
                # history lies deeper): only their paths need walking on, in a small walk.
                more = _extras_only(records, diffs, residual, waits, left, recent_since, trees_of)
                return None if more is None else corrections + more
        if seen >= budget:
            return None
    return corrections  # the whole cached history was walked


def _extras_only(
    records: Iterator[CommitRecord],
    diffs: MergeDiffs,
    residual: Mapping[bytes, PathMap],
    waits: dict[bytes, list[bytes]],
    left: dict[bytes, int],
    recent_since: int | None,
    trees_of: TreesOf | None = None,
) -> list[Correction] | None:
    """The rest of the cached stream walked with the residual maps only.

    Their files are continued by no old file, so the cached walk never counted them and a
    commit counts for them exactly what this walk finds (maps never mix paths). It stops once
    no map waits or every path left is inert. A commit it counts inside the activity window
    would also change a recent-commit list whose other files are not known here: None.
    """
    hits = _LastHits()
    walk = DagWalk.resumed(hits, residual, trees_of)
    corrections: list[Correction] = []
    inert = {path for path, count in left.items() if not count}
    nothing: Mapping[int, int] = {}
    for seen, record in enumerate(records, 1):
        hits.hits = nothing
        walk.visit(record, diffs)
        for path in waits.pop(record.sha, ()):
            left[path] -= 1
            if not left[path]:
                inert.add(path)
        if hits.hits and len(record.parents) <= 1:
            if recent_since is not None and record.time >= recent_since:
                return None
            after = dict(hits.hits)
            corrections.append(Correction(record.email, record.name, record.time, (), {}, after))
        if seen % _CHECK_EVERY == 0 and _spent(walk, inert):
            break
    return corrections


def _spent(walk: DagWalk, inert: set[bytes]) -> bool:
    """Whether no map waits in the walk, or only maps of paths no later commit names."""
    maps, waiting = walk.frontier()
    return not waiting and all(path in inert for path_map in maps.values() for path in path_map)


def _moved_hits(
    hits: Mapping[int, int], sources: Sources
) -> tuple[dict[int, int], tuple[int, ...]]:
    """The cached walk's hits in new file ids, and the files as `history.extend` lists them
    for the recent commits."""
    moved: dict[int, int] = {}
    for q, kind in hits.items():
        for p in sources.get(q, ()):
            moved[p] = combined_kind(moved.get(p, 0), kind)
    return moved, tuple(sorted(moved))


def _moved_target(target: Target, sources: Sources) -> Target | None:
    """An old map's target in new file ids, written as the walk writes targets."""
    if isinstance(target, int):
        found = sources.get(target, ())
        if len(found) < 2:
            return found[0] if found else None
        return tuple(sorted(found))
    files = sorted({p for q in target for p in sources.get(q, ())})
    if not files:
        return None
    return files[0] if len(files) == 1 else tuple(files)


def _residual(
    cached: DagWalk, whole: DagWalk, sources: Sources, inert: set[bytes], seen: int
) -> dict[bytes, PathMap] | None:
    """Where the whole walk's waiting maps go beyond the cached walk's (moved to new files),
    when all they add are new files that continue no old file: {} when the walks agree
    outright; None when they differ otherwise, or when it is not yet time to look.

    Which commits wait is compared first, cheaply. When that differs the maps are still
    compared now and then: a commit may wait in one walk only for paths that count for
    nothing (files deleted above the tip, inert paths).
    """
    same_commits = cached.pending_commits() == whole.pending_commits()
    if not same_commits and seen % _SLOW_CHECK_EVERY:
        return None
    cached_maps, cached_waiting = cached.frontier()
    whole_maps, whole_waiting = whole.frontier()
    if cached_waiting or whole_waiting:
        return None
    continued = {p for targets in sources.values() for p in targets}
    residual: dict[bytes, PathMap] = {}
    for sha in whole_maps.keys() | cached_maps.keys():
        moved: dict[bytes, Target] = {}
        for path, target in cached_maps.get(sha, {}).items():
            new = _moved_target(target, sources)
            if new is not None and path not in inert:
                moved[path] = new
        for path, target in whole_maps.get(sha, {}).items():
            if path in inert:
                continue
            before = moved.pop(path, None)
            if target == before:
                continue
            whole_files, cached_files = _files(target), _files(before)
            added = whole_files - cached_files
            if not cached_files <= whole_files or added & continued:
                return None
            residual.setdefault(sha, {})[path] = _target(added)
        if moved:
            return None
    return residual


def _files(target: Target | None) -> set[int]:
    if target is None:
        return set()
    return {target} if isinstance(target, int) else set(target)


def _target(files: set[int]) -> Target:
    ordered = sorted(files)
    return ordered[0] if len(ordered) == 1 else tuple(ordered)


def corrected(counts: Counts, corrections: list[Correction], since: int | None) -> Counts | None:
    """The extended counts with each correction applied (None if one does not fit them).

    `since`: the start of the activity window (None: no recent commits are kept); the
    recent-commit list of a corrected commit inside it names the files the whole walk counts
    it for.
    """
    number = {key: index for index, key in enumerate(counts.keys)}
    files = list(counts.files)
    copied: set[int] = set()
    recent = [
        (who, touched, when)
        for (who, touched), when in zip(counts.recent, counts.recent_times, strict=True)
    ]
    for correction in corrections:
        who = number.get((correction.email, correction.name))
        if who is None:
            return None
        for p in correction.before.keys() | correction.after.keys():
            was, kind = correction.before.get(p, 0), correction.after.get(p, 0)
            if kind == was:
                continue
            if p not in copied:
                files[p] = _copy(files[p])
                copied.add(p)
            counted = _count if kind > was else _uncount
            if not counted(files[p], who, correction.when, was, kind):
                return None
        if since is not None and correction.when >= since:
            if correction.cached:
                try:
                    recent.remove((who, correction.cached, correction.when))
                except ValueError:
                    return None
            if correction.after:
                recent.append((who, tuple(sorted(correction.after)), correction.when))
    for p in copied:
        files[p] = _sorted(files[p])
    recent.sort()
    return replace(
        counts,
        files=files,
        recent=[(who, touched) for who, touched, _ in recent],
        recent_times=[when for _, _, when in recent],
    )


def _count(stats: FileHistory, who: int, when: int, was: int, kind: int) -> bool:
    """Count one commit as `kind` where the cached walk counted it as `was` (0: not at all),
    as `HistoryCounter.commit` would have; False if the counts cannot have held it."""
    if was == 0:
        stats.touches[who] = stats.touches.get(who, 0) + 1
        stats.last_time = max(stats.last_time, when)
    if kind == DELETE:
        return True
    if kind == ADD:
        stats.adders.add(who)
        if was == DELIVERY:
            left = stats.deliveries.get(who, 0) - 1
            if left < 0:
                return False
            if left:
                stats.deliveries[who] = left
            else:
                del stats.deliveries[who]
    elif kind == ADD_AND_DELIVERY:
        stats.adders.add(who)
        if was != DELIVERY:
            stats.deliveries[who] = stats.deliveries.get(who, 0) + 1
    else:
        stats.deliveries[who] = stats.deliveries.get(who, 0) + 1
    if was in (0, DELETE):
        seen = stats.first_time.get(who)
        if seen is None or when < seen:
            stats.first_time[who] = when
    return True


def _uncount(stats: FileHistory, who: int, when: int, was: int, kind: int) -> bool:
    """Count one commit as `kind` (0: not at all) where the cached walk counted it as the
    stronger `was`. A lost add, or a lost commit that may have set the person's first time or
    the file's last time, cannot be taken back from the counts alone: False."""
    if was in (ADD, ADD_AND_DELIVERY) or (kind == 0 and when >= stats.last_time):
        return False
    if was == DELIVERY:
        if stats.first_time.get(who, when) >= when:
            return False  # maybe the oldest: the next oldest is not known
        if not _decrement(stats.deliveries, who):
            return False
    if kind == 0:
        return _decrement(stats.touches, who)
    return True


def _decrement(counts: dict[int, int], who: int) -> bool:
    left = counts.get(who, 0) - 1
    if left < 0:
        return False
    if left:
        counts[who] = left
    else:
        del counts[who]
    return True


def _copy(stats: FileHistory) -> FileHistory:
    return FileHistory(
        dict(stats.touches),
        dict(stats.deliveries),
        set(stats.adders),
        dict(stats.first_time),
        stats.last_time,
    )


def _sorted(stats: FileHistory) -> FileHistory:
    """Canonical order (identities ascending), as every cached or extended count has."""
    return FileHistory(
        dict(sorted(stats.touches.items())),
        dict(sorted(stats.deliveries.items())),
        set(sorted(stats.adders)),
        dict(sorted(stats.first_time.items())),
        stats.last_time,
    )
