"""Plain data that crosses layers: what the miner read, and the people it found.

Paths and identities stay `bytes` while history streams (no decoding per event); they become
`str` once, when a `MiningResult` is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

Change = tuple[int, bytes, bytes | None]
"""One `--name-status` entry: status byte (ord('A'), ord('M'), ord('R'), ...), path, and the
old path of a rename or copy. A plain tuple: hundreds of thousands are made per scan."""


class CommitRecord(NamedTuple):
    """One commit of the main `git log` stream."""

    sha: bytes
    parents: tuple[bytes, ...]
    email: bytes
    name: bytes
    time: int
    changes: list[Change]
    tree: bytes = b""
    """The commit's tree id: tells which parent a merge's tree equals."""


MERGES_READ = "merges' combined diffs"
"""The stage while the walk waits for the merges' diffs (adr/0021), counting merges."""
_UNITS = {"history": "commits read", MERGES_READ: "merges read"}


EARLIEST_TIME, LATEST_TIME = -62_135_596_800, 253_402_300_799
"""0001-01-01 and 9999-12-31T23:59:59Z: the dates a report can print."""


def calendar_time(seconds: int) -> int:
    """A commit's time within the calendar. git takes any number (a commit dated in the
    year 10000, or 2^64 - 1, hand-made with `hash-object`), which broke every report's
    dates and, past 2^63, the cache's columns; the wrong clock is said where it matters."""
    return min(max(seconds, EARLIEST_TIME), LATEST_TIME)


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a scan is; `total` is None while unknown."""

    stage: str
    done: int = 0
    total: int | None = None

    def __str__(self) -> str:
        """One line for people, the CLI's and the app's alike: `history: 12,000 commits
        read`; the merges' stage reads as history too (its own name meant nothing to them,
        and the CLI showed it without a count, frozen for seconds on git.git)."""
        stage = "history" if self.stage == MERGES_READ else self.stage
        if self.total:
            return f"{stage}: {self.done:,} of {self.total:,}"
        if self.done:
            unit = _UNITS.get(self.stage)
            return f"{stage}: {self.done:,}" + (f" {unit}" if unit else "")
        return stage


@dataclass(slots=True)
class FileHistory:
    """What the counted commits of one file say about each raw identity (by index)."""

    touches: dict[int, int] = field(default_factory=dict)
    """Counted commits per identity: adds, modifications, renames and deletes alike."""
    deliveries: dict[int, int] = field(default_factory=dict)
    """Commits per identity that modified the file or renamed something into it."""
    adders: set[int] = field(default_factory=set)
    """Identities that added the path (creation or a re-add after a delete)."""
    first_time: dict[int, int] = field(default_factory=dict)
    """Oldest non-delete counted commit per identity (the adder when the history has no add)."""
    last_time: int = 0
    """Author time of the newest counted commit (runbook staleness)."""


@dataclass(frozen=True, slots=True)
class RawIdentity:
    """A mailmapped (email, name) pair as git printed it."""

    email: str
    name: str


@dataclass(slots=True)
class IdentityActivity:
    """Non-merge commits of one raw identity in the history read."""

    commits: int = 0
    first: int = 0
    last: int = 0


@dataclass(slots=True)
class MiningResult:
    """Everything read from history, before identities are merged and files filtered."""

    revision: str
    revision_time: int
    commits_read: int
    paths: list[str]
    files: list[FileHistory]
    identities: list[RawIdentity]
    activity: list[IdentityActivity]
    shallow: bool = False
    partial: bool = False
    """A partial clone: renames were followed only where the content did not change."""
    warnings: list[str] = field(default_factory=list)
    changesets: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    """(raw identity, files touched) of each non-merge commit touching at most 30 files: the
    co-change data for coupling (code-maat's max-changeset-size)."""
    recent: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    """(raw identity, files touched) of each non-merge commit in the activity window."""
    mailmap: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Proper email -> the emails and names the repository's mailmap folds into it, which
    git replaced before the history was read (core/mailmap.py)."""


ProgressCallback = Callable[[Progress], None]
