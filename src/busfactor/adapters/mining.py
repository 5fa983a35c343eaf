"""Read a repository's history at a revision into a MiningResult (streams, never per commit)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from busfactor.adapters.git import GitRepository, TreeEntry
from busfactor.core.history import DagWalk, HistoryCounter, LinearWalk, PathMap, walk
from busfactor.core.model import MiningResult, Progress
from busfactor.core.settings import Settings


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
) -> MiningResult:
    """Walk the history reaching `sha` and count, for every blob at `sha`, its commits."""
    head_map: PathMap = {entry.path: index for index, entry in enumerate(entries)}
    counter = HistoryCounter(
        len(entries),
        recent_since=revision_time - settings.activity_days * 86400,
        changesets=changesets,  # only the plan's coupling needs them
    )
    linear = settings.history == "linear"
    if linear:
        with repo.history(sha, since=settings.since, linear=True) as records:
            walker: DagWalk | LinearWalk = LinearWalk(counter, head_map)
            walk(records, walker, None, on_progress=on_progress, cancel=cancel)
    else:
        with (
            repo.merge_diffs(
                sha,
                since=settings.since,
                inexact_renames=settings.merge_renames == "inexact",
            ) as merge_diffs,
            repo.history(sha, since=settings.since, linear=False, mux=merge_diffs.mux) as records,
        ):
            walker = DagWalk(counter, sha.encode(), head_map)
            walk(records, walker, merge_diffs, on_progress=on_progress, cancel=cancel)
    warnings = []
    if counter.commits_read == 0 and settings.since:
        warnings.append(f"no commits since {settings.since!r}: nothing to analyse")
    shallow = repo.is_shallow()
    if shallow:
        warnings.append(
            "shallow clone: history is cut, so the oldest commit's authors look like the "
            "creators of every file (fetch full history: git fetch --unshallow)"
        )
    return MiningResult(
        revision=sha,
        revision_time=revision_time,
        commits_read=counter.commits_read,
        paths=[decode_path(entry.path) for entry in entries],
        files=counter.files,
        identities=counter.identities,
        activity=counter.activity,
        shallow=shallow,
        warnings=warnings,
        recent=counter.recent,
        changesets=counter.changesets,
    )
