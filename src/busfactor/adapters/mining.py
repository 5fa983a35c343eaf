"""Read a repository's history at a revision into a MiningResult (streams, never per commit).

With a cache (adapters/cache.py), the DAG walk reads only what git has not printed before:
`git log TIP..REV` live, then the cached segments, newest first, through the same parser.
"""

from __future__ import annotations

import hashlib
import itertools
import os
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
from busfactor.core.history import DagWalk, HistoryCounter, LinearWalk, PathMap, walk
from busfactor.core.model import CommitRecord, MiningResult, Progress
from busfactor.core.settings import Settings

CACHE_FORMAT = "1"
"""Part of every cache fingerprint: bump when what is cached changes meaning."""


def decode_path(path: bytes) -> str:
    """Paths are bytes in git; non-UTF-8 bytes survive as surrogate escapes."""
    return os.fsdecode(path) if os.name != "nt" else path.decode("utf-8", "surrogateescape")


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
        return miner.result(miner.walk(None, None), shallow)
    try:
        try:
            return miner.cached(cache)
        except CacheCorrupt as problem:
            cache.recover(str(problem))
            return miner.cached(cache)
    except CacheUnavailable as problem:
        cache.warnings.append(f"cache not used: {problem}")
        return miner.result(miner.walk(None, None), shallow)


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

    def walk(
        self,
        base: tuple[HistoryCache, CachedStream] | None,
        segment: NewSegment | None,
    ) -> HistoryCounter:
        """Walk git's stream (from `base`'s tip up, when given) then the cached segments."""
        repo, sha, settings = self.repo, self.sha, self.settings
        counter = self.counter()
        head_map: PathMap = {entry.path: index for index, entry in enumerate(self.entries)}
        if settings.history == "linear":
            with repo.history(sha, since=settings.since, linear=True) as records:
                walker: DagWalk | LinearWalk = LinearWalk(counter, head_map)
                walk(records, walker, None, on_progress=self.on_progress, cancel=self.cancel)
            return counter
        walker = DagWalk(counter, sha.encode(), head_map)
        cached_main: list[Iterable[CommitRecord]] = []
        cached_merges: list[Iterable[bytes]] = []
        if base is not None:
            cache, stream = base
            for seg in stream.segments:
                cached_main.append(parse_commits(cache.chunks(stream.id, seg, MAIN)))
                cached_merges.append(cache.chunks(stream.id, seg, MERGES))
            if stream.tip == sha:  # nothing new: no git process at all
                reader = _cached_merge_reader(cached_merges, settings)
                records = itertools.chain.from_iterable(cached_main)
                walk(records, walker, reader, on_progress=self.on_progress, cancel=self.cancel)
                return counter
        exclude = base[1].tip if base is not None else None
        with (
            repo.merge_diffs(
                sha,
                since=settings.since,
                inexact_renames=settings.merge_renames == "inexact",
                exclude=exclude,
                raw=segment.merges.append if segment is not None else None,
                then=cached_merges,
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
            records = itertools.chain(_counted(live, segment), *cached_main)
            walk(records, walker, merge_diffs, on_progress=self.on_progress, cancel=self.cancel)
        return counter

    def cached(self, cache: HistoryCache) -> MiningResult:
        """Answer from a snapshot, else walk only the new commits and store what was read."""
        sha, settings = self.sha, self.settings
        fingerprint = _fingerprint(self.repo, settings)
        key = (
            f"codec={cache_codec.FORMAT};activity_days={settings.activity_days};"
            f"changesets={int(self.changesets)}"
        )
        stream = cache.stream(fingerprint)
        if stream is not None and stream.tip == sha:
            blob = cache.snapshot(stream.id, sha, key)
            if blob is not None:
                return cache_codec.decode(blob, self.paths())
        segment: NewSegment | None
        if settings.history == "linear":
            # The published walk follows git's date order, which a rescan cannot rebuild
            # from segments: only finished results are cached.
            counter = self.walk(None, None)
            segment = NewSegment(base=None) if stream is None or stream.tip != sha else None
        else:
            usable = stream is not None and (
                stream.tip == sha or self.repo.is_ancestor(stream.tip, sha)
            )
            base = (cache, stream) if usable and stream is not None else None
            fresh = base is None or base[1].tip != sha
            segment = NewSegment(base=base[1].tip if base else None) if fresh else None
            counter = self.walk(base, segment)
        result = self.result(counter, shallow=False)
        cache.store(fingerprint, sha, segment, (key, cache_codec.encode(result)))
        return result

    def paths(self) -> list[str]:
        return [decode_path(entry.path) for entry in self.entries]

    def result(self, counter: HistoryCounter, shallow: bool) -> MiningResult:
        warnings = []
        if counter.commits_read == 0 and self.settings.since:
            warnings.append(f"no commits since {self.settings.since!r}: nothing to analyse")
        if shallow:
            warnings.append(
                "shallow clone: history is cut, so the oldest commit's authors look like the "
                "creators of every file (fetch full history: git fetch --unshallow)"
            )
        files, identities, activity, recent, changesets = counter.canonical()
        return MiningResult(
            revision=self.sha,
            revision_time=self.revision_time,
            commits_read=counter.commits_read,
            paths=self.paths(),
            files=files,
            identities=identities,
            activity=activity,
            shallow=shallow,
            warnings=warnings,
            recent=recent,
            changesets=changesets,
        )


def _counted(records: Iterable[CommitRecord], segment: NewSegment | None) -> Iterator[CommitRecord]:
    """The live records, counted into the segment that stores them."""
    for record in records:
        if segment is not None:
            segment.commits += 1
        yield record


def _cached_merge_reader(streams: list[Iterable[bytes]], settings: Settings) -> MergeDiffReader:
    return MergeDiffReader(streams, PipeMux(), exact_renames=settings.merge_renames != "inexact")


def _fingerprint(repo: GitRepository, settings: Settings) -> str:
    """Everything that shapes what git prints for the walk (not what is computed from it)."""
    parts = (
        CACHE_FORMAT,
        settings.history,
        settings.merge_renames,
        repo.output_fingerprint(),
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
