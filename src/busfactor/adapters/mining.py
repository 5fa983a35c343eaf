"""Read a repository's history at a revision into a MiningResult (streams, never per commit).

With a cache (adapters/cache.py), the DAG walk reads only what git has not printed before:
`git log TIP..REV` live, then the cached segments, newest first, through the same parser.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import NamedTuple

from busfactor.adapters import cache_codec, merge_sides
from busfactor.adapters import git as git_adapter
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
from busfactor.core.catch_up import catch_up, corrected
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
from busfactor.core.model import MERGES_READ, CommitRecord, MiningResult, Progress
from busfactor.core.settings import Settings
from busfactor.core.wording import counted, utc_minute
from busfactor.errors import Cancelled

CACHE_FORMAT = "1"
"""Part of every cache fingerprint: bump when what is cached changes meaning."""


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
    started: threading.Event | None = None,
) -> MiningResult:
    """Walk the history reaching `sha` and count, for every blob at `sha`, its commits.

    The cache is skipped for shallow clones (deepening one rewrites old commits' diffs) and
    with `since` (a relative date moves every day). `started` is set once git prints history
    (or once it is clear that no walk is needed): work beside the walk waits for it, so that
    its Python does not hold up git's start (see pipeline.scan).
    """
    miner = _Miner(
        repo, sha, revision_time, entries, settings, on_progress, cancel, changesets, started
    )
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
        started: threading.Event | None = None,
    ) -> None:
        self.repo, self.sha, self.revision_time = repo, sha, revision_time
        self.entries, self.settings = entries, settings
        self.on_progress, self.cancel, self.changesets = on_progress, cancel, changesets
        self.started = started

    def going(self) -> None:
        """git is printing history, or nothing is to be walked: work beside may start."""
        if self.started is not None:
            self.started.set()

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
                self.going()
                linear = LinearWalk(counter, self.head_map())
                walk(records, linear, None, on_progress=self.on_progress, cancel=self.cancel)
            return counter
        self.live(DagWalk(counter, sha.encode(), self.head_map(), repo.trees_of), None, segment)
        return counter

    def live(self, walker: DagWalk, exclude: str | None, segment: NewSegment | None) -> None:
        """Both git streams (above `exclude`, when given) through the DAG walk."""
        repo, sha, settings = self.repo, self.sha, self.settings
        mux = PipeMux()
        with (
            repo.history(  # first: the longest stream starts before the merges' probe
                sha,
                since=settings.since,
                linear=False,
                mux=mux,
                exclude=exclude,
                raw=segment.main.append if segment is not None else None,
            ) as live,
            repo.merge_diffs(
                sha,
                since=settings.since,
                inexact_renames=settings.merge_renames == "inexact",
                exclude=exclude,
                raw=segment.merges.append if segment is not None else None,
                sides=merge_sides.SIDE_DIFFS,  # looked up here: tests set it
                mux=mux,
                watch=self.watch_merges,
            ) as merge_diffs,
        ):
            self.going()
            records = _counted(live, segment)
            walk(records, walker, merge_diffs, on_progress=self.on_progress, cancel=self.cancel)

    def watch_merges(self, merges: int) -> None:
        """While the walk waits for merges' combined diffs (adr/0021): cancel, progress."""
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("scan cancelled")
        if self.on_progress is not None:
            self.on_progress(Progress(MERGES_READ, merges))

    def replay(
        self, cache: HistoryCache, stream: CachedStream, newer: NewSegment | None
    ) -> HistoryCounter:
        """The DAG walk over stored output only: `newer` (just read) first, then the cached
        segments, newest first. No git process runs."""
        self.going()
        counter = self.counter()
        walker = DagWalk(counter, self.sha.encode(), self.head_map(), self.repo.trees_of)
        reader, records = self.cached_records(cache, stream, newer)
        walk(records, walker, reader, on_progress=self.on_progress, cancel=self.cancel)
        return counter

    def cached_records(
        self, cache: HistoryCache, stream: CachedStream, newer: NewSegment | None
    ) -> tuple[MergeDiffReader, Iterator[CommitRecord]]:
        """The stored output as both streams: `newer` (just read) first, then the cached
        segments, newest first."""
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
        return reader, itertools.chain.from_iterable(mains)

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
            stored = cache.rename_limit_needed(stream.id) if stream is not None else 0
            if stream is not None and stream.tip == sha:
                blob = cache.snapshot(stream.id, sha, key)
                if blob is not None:
                    self.going()
                    tree = [entry.path for entry in self.entries]
                    counts = cache_codec.decode(blob, tree).counts
                    return self.result(counts, shallow=False, rename_limit=stored)
            segment, counts = self.counts(cache, stream, key)
        if segment is not None:
            segment.rename_limit = self.repo.rename_limit_needed
            if segment.base is None:
                stored = 0  # a whole new history: what the old stream's git said is gone
        cache.store(
            fingerprint,
            sha,
            segment,
            (key, cache_codec.encode(counts, [entry.path for entry in self.entries])),
        )
        return self.result(counts, shallow=False, rename_limit=stored)

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
        walker = DagWalk(counter, self.sha.encode(), self.head_map(), self.repo.trees_of)
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
        """The cached tip's snapshot plus the new walk, when the sum can be made exact: no new
        file continues two old files, the activity window did not move back, and either the
        walk reached old history only through the cached tip, on paths the old tree has, or
        a short lockstep walk of the cached stream (`caught_up`) finds what else the new
        maps count. None otherwise: the caller replays."""
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
        old = cache_codec.decode(blob)  # its paths spare a `git ls-tree` of the old tip
        index = {path: q for q, path in enumerate(old.paths)}
        tip = stream.tip.encode()
        tip_map = frontier.get(tip, {})
        if frontier.keys() <= {tip} and all(path in index for path in tip_map):
            sources = _sources(tip_map, index)
            return extend(old.counts, counter, sources) if sources is not None else None
        return self.caught_up(cache, stream, old, index, frontier, counter)

    def caught_up(
        self,
        cache: HistoryCache,
        stream: CachedStream,
        old: cache_codec.Snapshot,
        index: dict[bytes, int],
        frontier: dict[bytes, PathMap],
        counter: HistoryCounter,
    ) -> Counts | None:
        """`extend` for a walk that handed maps below the cached tip (see core/catch_up.py).

        Every old file a handed path names continues as the new files it is handed to;
        where the whole walk counts an old commit differently, a correction says so.
        """
        outside = sorted({path for m in frontier.values() for path in m if path not in index})
        mentions = _last_mentions(cache, stream, outside)
        printed = mentions.last
        budget = max(_CATCH_UP_MIN, old.counts.commits_read // _CATCH_UP_SHARE)
        window = counter.recent_since if counter.recent_since is not None else 1 << 62
        if mentions.depth * old.counts.commits_read > budget and mentions.newest >= window:
            # A re-added path's old life lies past the budget and reaches into the activity
            # window, where the small walk would give up: replay at once.
            return None
        pending = {
            sha: {p: t for p, t in path_map.items() if p in index or p in printed}
            for sha, path_map in frontier.items()
        }
        sources = _sources(joined(pending.values()), index)
        if sources is None:
            return None
        reader, records = self.cached_records(cache, stream, None)
        corrections = catch_up(
            records,
            reader,
            tip=stream.tip.encode(),
            old_head=index,
            frontier=pending,
            sources=sources,
            budget=budget,
            last_mentions=printed,
            recent_since=counter.recent_since,
            trees_of=self.repo.trees_of,
        )
        if corrections is None:
            return None
        return corrected(extend(old.counts, counter, sources), corrections, counter.recent_since)

    def head_map(self) -> PathMap:
        return {entry.path: index for index, entry in enumerate(self.entries)}

    def paths(self) -> list[str]:
        return [entry.name for entry in self.entries]

    def result(self, counts: Counts, shallow: bool, rename_limit: int = 0) -> MiningResult:
        """The walk's counts with what the scan should say about them; `rename_limit` is
        what cached history needed (git's streams of this run say it themselves)."""
        warnings = []
        needed = max(rename_limit, self.repo.rename_limit_needed)
        if needed:
            limit = int(git_adapter.RENAME_LIMIT)
            warnings.append(
                f"git skipped rename detection in commits that add and delete more than "
                f"{limit:,} files at once (they needed a limit of {needed:,}): "
                "files renamed with edits there start their history at that commit, whose "
                "author counts as their creator"
            )
        if counts.commits_read == 0 and self.settings.since:
            cutoff = self.repo.since_cutoff(self.settings.since)
            reading = "" if cutoff is None else f" (git reads it as {utc_minute(cutoff)})"
            warnings.append(
                f"no commits since {self.settings.since!r}{reading}: nothing to analyse"
            )
        if shallow:
            warnings.append(
                "shallow clone: history is cut, so the oldest commit's authors look like the "
                "creators of every file (fetch full history: git fetch --unshallow)"
            )
        if self.repo.partial:
            warnings += partial_clone_warnings(len(self.repo.missing(self.entries)))
        if self.repo.mailmap_is_link():
            warnings.append(
                ".mailmap is a symbolic link, which git does not follow: it merges no "
                "identities (commit the file itself)"
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
            partial=self.repo.partial,
            warnings=warnings,
            recent=counts.recent,
            changesets=counts.changesets,
        )


def partial_clone_warnings(missing: int) -> list[str]:
    """What a partial clone costs the results: exact renames only, and the content of the
    files it never downloaded goes unread."""
    warnings = [
        "partial clone: busfactor never fetches missing objects, so renames are followed only "
        "where the content did not change (scan a full clone for exact results)"
    ]
    if missing:
        warnings.append(
            f"partial clone: the content of {counted(missing, 'file')} at the revision was never "
            "downloaded, so it went unread (binary, generated and minified checks, decision "
            "records, runbooks, CODEOWNERS)"
        )
    return warnings


_CATCH_UP_MIN = 4096
_CATCH_UP_SHARE = 8
"""A lockstep catch-up gives up (and the cached history is replayed) after walking this many
cached commits, or this share of them if more: real fork points sit a few hundred deep."""


def _sources(path_map: PathMap, index: Mapping[bytes, int]) -> dict[int, tuple[int, ...]] | None:
    """Old file -> the new files continuing it, from the map handed to the cached tip; None
    when a new file would continue two old files (their counts cannot simply be added)."""
    sources: dict[int, tuple[int, ...]] = {}
    claimed: set[int] = set()
    for path, target in path_map.items():
        q = index.get(path)
        if q is None:
            continue
        targets = (target,) if isinstance(target, int) else target
        if claimed.intersection(targets):
            return None
        claimed.update(targets)
        sources[q] = targets
    return sources


class _Mentions(NamedTuple):
    """Where git printed the paths new above the tip, in the cached history."""

    last: dict[bytes, frozenset[bytes]]
    """Path -> the last commit of each stream that names it."""
    depth: float
    """How deep the deepest last mention lies, 0 to 1, by bytes of the main stream."""
    newest: int
    """Author time of the newest commit naming one of them in the main stream."""


def _last_mentions(cache: HistoryCache, stream: CachedStream, paths: list[bytes]) -> _Mentions:
    """For each of `paths` git printed in the cached history, the last commit of each stream
    that names it (every path git prints sits between NULs; a commit's record starts with
    \x01 and its sha); how deep the deepest lies; how new the newest is. A false match only
    makes a catch-up walk longer: a sha that is not a commit is never walked, so the path
    never counts as done."""
    found: dict[bytes, dict[int, bytes]] = {}
    dated: set[bytes] = set()
    read = deepest = 0
    newest = -(1 << 62)
    for seg in stream.segments if paths else ():  # newest first: later mentions come later
        for kind in (MAIN, MERGES):
            data = b"".join(cache.chunks(stream.id, seg, kind))
            candidates = paths
            if len(paths) > _ONE_BY_ONE:  # one split beats many scans of the whole stream
                tokens = set(data.split(b"\0"))
                candidates = [path for path in paths if path in tokens]
            for path in candidates:
                needle = b"\0" + path + b"\0"
                at = data.rfind(needle)
                if at < 0:
                    continue
                if kind == MAIN:
                    deepest = max(deepest, read + at)
                    if path not in dated:  # its first segment holds its newest mention
                        dated.add(path)
                        newest = max(newest, _time_at(data, data.find(needle)))
                found.setdefault(path, {})[kind] = _record_at(data, at) or b"?"
            if kind == MAIN:
                read += len(data)
    last = {path: frozenset(by_kind.values()) for path, by_kind in found.items()}
    return _Mentions(last, deepest / read if read else 0.0, newest)


_ONE_BY_ONE = 12
"""Up to this many paths are searched for one by one; more, through the set of every token
(on sympy's 55 MB of cached output: 23 ms per path, against 0.4 s for the set)."""

_HEADER = re.compile(rb"\x01([0-9a-f]{40}|[0-9a-f]{64})\0")


def _record_at(data: bytes, offset: int) -> bytes | None:
    """The sha of the record holding byte `offset` of a stream git printed."""
    start = _record_start(data, offset)
    header = _HEADER.match(data, start) if start >= 0 else None
    return header.group(1) if header is not None else None


def _record_start(data: bytes, offset: int) -> int:
    at = offset
    while (at := data.rfind(b"\x01", 0, at)) >= 0:
        if _HEADER.match(data, at) is not None and (at == 0 or data[at - 1] == 0):
            return at
    return -1


def _time_at(data: bytes, offset: int) -> int:
    """The author time of the main-stream record holding byte `offset` (its sixth field;
    the far future when it cannot be read, which only makes the caller more careful)."""
    start = _record_start(data, offset)
    fields = data[start + 1 : start + 1 + 4096].split(b"\0", 6) if start >= 0 else []
    try:
        return int(fields[5])
    except (IndexError, ValueError):
        return 1 << 62


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
