"""Read a repository's history at a revision into a MiningResult (streams, never per commit).

With a cache (adapters/cache.py), the DAG walk reads only what git has not printed before:
`git log TIP..REV` live, then the cached segments, newest first, through the same parser.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator

from busfactor.adapters import cache_codec
from busfactor.adapters.cache import (
    MAIN,
    MERGES,
    CacheCorrupt,
    CachedStream,
    CacheUnavailable,
    HistoryCache,
    NewSegment,
)
from busfactor.adapters.git import GitRepository, MergeDiffReader, PipeMux, TreeEntry
from busfactor.adapters.gitlog import parse_commits
from busfactor.core.gc_pause import paused_gc
from busfactor.core.history import (
    Counts,
    DagWalk,
    HistoryCounter,
    LinearWalk,
    PathMap,
    extend,
    joined,
    walk,
)
from busfactor.core.model import CommitRecord, MiningResult, Progress
from busfactor.core.settings import Settings

CACHE_FORMAT = "1"
"""Part of every cache fingerprint: bump when what is cached changes meaning."""


def decode_path(path: bytes) -> str:
    """Paths are bytes in git; non-UTF-8 bytes survive as surrogate escapes."""
    return os.fsdecode(path) if os.name != "nt" else path.decode("utf-8", "surrogateescape")


@paused_gc()
def mine_history(
    repo: GitRepository,
    sha: str,
    revision_time: int,
    entries: list[TreeEntry],
    settings: Settings,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    changesets: bool = False,
    cache: HistoryCache | None = None,
) -> MiningResult:
    """Walk the history reaching `sha` and count, for every blob at `sha`, its commits.

    The cache is skipped for shallow clones (deepening one rewrites old commits' diffs) and
    with `since` (a relative date moves every day).
    """
    miner = _Miner(repo, sha, revision_time, entries, settings, on_progress, cancel, changesets)
    shallow = repo.is_shallow()
    if cache is None or shallow or settings.since:
        return miner.result(miner.walk(None).canonical(), shallow)
    try:
        try:
            return miner.cached(cache)
        except CacheCorrupt as problem:
            cache.recover(str(problem))
            return miner.cached(cache)
    except (CacheCorrupt, CacheUnavailable, OSError, sqlite3.Error) as problem:
        # Damaged again after a rebuild, locked, read-only, disk full: scan without it.
        cache.warnings.append(f"cache not used: {problem}")
        return miner.result(miner.walk(None).canonical(), shallow)


class _Miner:
    """One mining run: the walk, with or without the cache."""

    def __init__(
        self,
        repo: GitRepository,
        sha: str,
        revision_time: int,
        entries: list[TreeEntry],
        settings: Settings,
        on_progress: Callable[[Progress], None] | None,
        cancel: threading.Event | None,
        changesets: bool,
    ) -> None:
        self.repo, self.sha, self.revision_time = repo, sha, revision_time
        self.entries, self.settings = entries, settings
        self.on_progress, self.cancel, self.changesets = on_progress, cancel, changesets

    def counter(self) -> HistoryCounter:
        return HistoryCounter(
            len(self.entries),
            recent_since=self.revision_time - self.settings.activity_days * 86400,
            changesets=self.changesets,  # only the plan's coupling needs them
        )

    def walk(self, segment: NewSegment | None) -> HistoryCounter:
        """The whole history from git, its raw output kept in `segment` when given."""
        repo, sha, settings = self.repo, self.sha, self.settings
        counter = self.counter()
        if settings.history == "linear":
            with repo.history(sha, since=settings.since, linear=True) as records:
                linear = LinearWalk(counter, self.head_map())
                walk(records, linear, None, on_progress=self.on_progress, cancel=self.cancel)
            return counter
        self.live(DagWalk(counter, sha.encode(), self.head_map()), None, segment)
        return counter

    def live(self, walker: DagWalk, exclude: str | None, segment: NewSegment | None) -> None:
        """Both git streams (above `exclude`, when given) through the DAG walk."""
        repo, sha, settings = self.repo, self.sha, self.settings
        with (
            repo.merge_diffs(
                sha,
                since=settings.since,
                inexact_renames=settings.merge_renames == "inexact",
                exclude=exclude,
                raw=segment.merges.append if segment is not None else None,
            ) as merge_diffs,
            repo.history(
                sha,
                since=settings.since,
                linear=False,
                mux=merge_diffs.mux,
                exclude=exclude,
                raw=segment.main.append if segment is not None else None,
            ) as live,
        ):
            records = _counted(live, segment)
            walk(records, walker, merge_diffs, on_progress=self.on_progress, cancel=self.cancel)

    def replay(
        self, cache: HistoryCache, stream: CachedStream, newer: NewSegment | None
    ) -> HistoryCounter:
        """The DAG walk over stored output only: `newer` (just read) first, then the cached
        segments, newest first. No git process runs."""
        counter = self.counter()
        walker = DagWalk(counter, self.sha.encode(), self.head_map())
        mains: list[Iterable[CommitRecord]] = []
        merges: list[Iterable[bytes]] = []
        if newer is not None:
            mains.append(parse_commits(iter(newer.main)))
            merges.append(iter(newer.merges))
        for seg in stream.segments:
            mains.append(parse_commits(cache.chunks(stream.id, seg, MAIN)))
            merges.append(cache.chunks(stream.id, seg, MERGES))
        reader = MergeDiffReader(
            merges, PipeMux(), exact_renames=self.settings.merge_renames != "inexact"
        )
        records = itertools.chain.from_iterable(mains)
        walk(records, walker, reader, on_progress=self.on_progress, cancel=self.cancel)
        return counter

    def cached(self, cache: HistoryCache) -> MiningResult:
        """Answer from a snapshot, else walk only the new commits and store what was read."""
        sha, settings = self.sha, self.settings
        fingerprint = _fingerprint(self.repo, settings)
        key = (
            f"codec={cache_codec.FORMAT};activity_days={settings.activity_days};"
            f"changesets={int(self.changesets)}"
        )
        with cache.reading():
            stream = cache.stream(fingerprint)
            if stream is not None and stream.tip == sha:
                blob = cache.snapshot(stream.id, sha, key)
                if blob is not None:
                    tree = [entry.path for entry in self.entries]
                    return self.result(cache_codec.decode(blob, tree).counts, shallow=False)
            segment, counts = self.counts(cache, stream, key)
        cache.store(
            fingerprint,
            sha,
            segment,
            (key, cache_codec.encode(counts, [entry.path for entry in self.entries])),
        )
        return self.result(counts, shallow=False)

    def counts(
        self, cache: HistoryCache, stream: CachedStream | None, key: str
    ) -> tuple[NewSegment | None, Counts]:
        """The walk the cache allows, and the new segment it read from git (if any)."""
        sha, settings = self.sha, self.settings
        segment: NewSegment | None = None
        if settings.history == "linear":
            # The published walk follows git's date order, which a rescan cannot rebuild
            # from segments: only finished results are cached.
            counts = self.walk(None).canonical()
            if stream is None or stream.tip != sha:
                segment = NewSegment(base=None)
        elif stream is None or not (stream.tip == sha or self.repo.is_ancestor(stream.tip, sha)):
            segment = NewSegment(base=None)  # first scan, or history rewritten: all of it
            counts = self.walk(segment).canonical()
        elif stream.tip == sha:
            counts = self.replay(cache, stream, None).canonical()
        else:
            segment = NewSegment(base=stream.tip)
            counts = self.rescan(cache, stream, segment, key)
        return segment, counts

    def rescan(
        self, cache: HistoryCache, stream: CachedStream, segment: NewSegment, key: str
    ) -> Counts:
        """Walk the new commits; extend the cached tip's counts when the walk allows it,
        else replay the cached segments after the new one (both exact, see adr/0006)."""
        counter = self.counter()
        walker = DagWalk(counter, self.sha.encode(), self.head_map())
        self.live(walker, stream.tip, segment)
        extended = self.extend(cache, stream, key, counter, walker)
        if extended is not None:
            return extended
        return self.replay(cache, stream, segment).canonical()

    def extend(
        self,
        cache: HistoryCache,
        stream: CachedStream,
        key: str,
        counter: HistoryCounter,
        walker: DagWalk,
    ) -> Counts | None:
        """The cached tip's snapshot plus the new walk, when every condition for an exact sum
        holds: the walk reached old history only through the cached tip or fork points that
        `at_tip` can hand to it, no new file continues two old files, and the activity window
        did not move back. None otherwise."""
        if self.changesets:
            return None  # a changeset's size is counted in new files: replay instead
        blob = cache.snapshot(stream.id, stream.tip, key)
        if blob is None:
            return None
        frontier, waiting = walker.frontier()
        if waiting:
            return None
        _, tip_time = self.repo.resolve(stream.tip)
        if tip_time > self.revision_time:
            return None
        handed = self.at_tip(stream.tip, frontier)
        if handed is None:
            return None
        old = cache_codec.decode(blob)  # its paths spare a `git ls-tree` of the old tip
        index = {path: q for q, path in enumerate(old.paths)}
        # Paths added above the tip stay mapped (a re-add continues the old path's history);
        # one git never printed below the tip has none, and adds nothing.
        outside = [path for path in handed if path not in index]
        if len(outside) > _MAX_OUTSIDE or _printed(cache, stream, outside):
            return None
        sources: dict[int, tuple[int, ...]] = {}
        claimed: set[int] = set()
        for path, target in handed.items():
            q = index.get(path)
            if q is None:
                continue  # checked above: no history below the tip
            targets = (target,) if isinstance(target, int) else target
            if claimed.intersection(targets):
                return None
            claimed.update(targets)
            sources[q] = targets
        return extend(old.counts, counter, sources)

    def at_tip(self, tip: str, frontier: dict[bytes, PathMap]) -> PathMap | None:
        """Every map the new walk handed to old commits, as one map at the cached tip.

        A merged branch that forked below the tip hands its fork point `X` the paths it
        changed. When `X` is on the tip's first-parent chain and no commit of `X..tip`
        changes those paths, git's walk from the tip carries them down to `X` unchanged, so
        handing them to the tip instead counts exactly the same old commits. Else None.
        """
        maps = [frontier.pop(tip.encode(), {})]
        for sha, path_map in frontier.items():
            fork = sha.decode()
            paths = list(path_map)
            if len(paths) > _MAX_OUTSIDE or not self.repo.on_first_parent_chain(fork, tip):
                return None
            if paths and not self.repo.unchanged_between(fork, tip, paths):
                return None
            maps.append(path_map)
        return joined(maps)

    def head_map(self) -> PathMap:
        return {entry.path: index for index, entry in enumerate(self.entries)}

    def paths(self) -> list[str]:
        return [decode_path(entry.path) for entry in self.entries]

    def result(self, counts: Counts, shallow: bool) -> MiningResult:
        warnings = []
        if counts.commits_read == 0 and self.settings.since:
            warnings.append(f"no commits since {self.settings.since!r}: nothing to analyse")
        if shallow:
            warnings.append(
                "shallow clone: history is cut, so the oldest commit's authors look like the "
                "creators of every file (fetch full history: git fetch --unshallow)"
            )
        return MiningResult(
            revision=self.sha,
            revision_time=self.revision_time,
            commits_read=counts.commits_read,
            paths=self.paths(),
            files=counts.files,
            identities=counts.identities,
            activity=counts.activity,
            shallow=shallow,
            warnings=warnings,
            recent=counts.recent,
            changesets=counts.changesets,
        )


_MAX_OUTSIDE = 256
"""More paths new above the tip than this: replay rather than search the cached bytes."""


def _printed(cache: HistoryCache, stream: CachedStream, paths: list[bytes]) -> bool:
    """Whether git printed any of `paths` in the cached history (every path it prints, in
    either stream, sits between NULs). A false alarm only costs a replay."""
    if not paths:
        return False
    needles = [b"\0" + path + b"\0" for path in paths]
    for seg in stream.segments:
        for kind in (MAIN, MERGES):
            data = b"".join(cache.chunks(stream.id, seg, kind))
            if any(needle in data for needle in needles):
                return True
    return False


def _counted(records: Iterable[CommitRecord], segment: NewSegment | None) -> Iterator[CommitRecord]:
    """The live records, counted into the segment that stores them."""
    for record in records:
        if segment is not None:
            segment.commits += 1
        yield record


def _fingerprint(repo: GitRepository, settings: Settings) -> str:
    """Everything that shapes what git prints for the walk (not what is computed from it)."""
    parts = (
        CACHE_FORMAT,
        settings.history,
        settings.merge_renames,
        repo.output_fingerprint(),
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
