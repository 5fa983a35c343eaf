"""The incremental cache: git's own `git log` output per scanned tip, in one SQLite file.

What is kept is the bytes git printed (both streams of the DAG walk), in segments: a cold scan
stores one, each rescan adds the segment `git log TIP..REV` printed. Replaying them through the
same parser as a live stream is what makes a warm scan equal a cold one by construction; see
adr/0006. Snapshots hold a finished `MiningResult` for one tip, so re-opening is instant.

Everything the cache stores is checked when read (CRC per chunk); a file that is not ours, or
is damaged, is set aside and rebuilt. Writes happen once, at the end of a scan, in one
transaction: an interrupted scan leaves the file as it was.
"""

from __future__ import annotations

import errno
import itertools
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

APPLICATION_ID = 0x62667363
"""`PRAGMA application_id` of busfactor caches ("bfsc"): tells ours from any other SQLite file."""
SCHEMA_VERSION = 4
MAIN, MERGES, NOTES = 0, 1, 2
"""Chunk kinds: the main `git log` stream, the merges' per-parent diffs, and what git said
besides (`rename_limit N` when it skipped rename detection somewhere in the segment)."""
MAX_SNAPSHOTS = 4
"""Snapshots kept per stream (different activity windows, with or without changesets)."""
_BUSY_MS = 10_000
_W = TypeVar("_W")
_ROWS_PER_INSERT = 16
"""Chunks (about 1 MiB each) per INSERT statement."""
_CRC_SLICE = 4096
_OURS = "substr(name, 1, 7) != 'sqlite_'"
"""SQLite's own tables (sqlite_sequence) are neither counted nor dropped."""
_COUNT_TABLES = "SELECT count(*) FROM sqlite_master WHERE " + _OURS
_SPARE_VERDICTS = 10_000
"""Verdicts kept beyond twice the tree's blobs before the table is pruned to the tree."""
MAX_CLASSIFICATIONS = 4
"""File classifications kept, one per set of file rules (excludes, scope), latest used first."""

_SCHEMA = """
CREATE TABLE streams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint TEXT NOT NULL UNIQUE,
    tip TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE segments (
    stream INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
    seg INTEGER NOT NULL,
    tip TEXT NOT NULL,
    base TEXT,
    commits INTEGER NOT NULL,
    PRIMARY KEY (stream, seg)
);
CREATE TABLE chunks (
    stream INTEGER NOT NULL,
    seg INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    crc INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (stream, seg, kind, seq)
);
CREATE TABLE snapshots (
    stream INTEGER NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
    tip TEXT NOT NULL,
    key TEXT NOT NULL,
    crc INTEGER NOT NULL,
    data BLOB NOT NULL,
    used REAL NOT NULL,
    PRIMARY KEY (stream, tip, key)
);
CREATE TABLE verdicts (
    sha TEXT NOT NULL,
    rules INTEGER NOT NULL,
    verdict INTEGER NOT NULL,
    PRIMARY KEY (sha, rules)
) WITHOUT ROWID;
CREATE TABLE classifications (
    rules TEXT PRIMARY KEY,
    crc INTEGER NOT NULL,
    data BLOB NOT NULL,
    used REAL NOT NULL
);
"""


class CacheCorrupt(Exception):
    """The cache file is damaged or not ours; the caller sets it aside and scans cold."""


class CacheUnavailable(Exception):
    """The cache cannot be used right now (locked, disk full, read-only): scan without it."""


def _problem(error: sqlite3.Error) -> Exception:
    """Damage is set aside and rebuilt; anything else (a lock, a full disk) only skips."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or type(error) is sqlite3.DatabaseError:
        return CacheCorrupt(f"unreadable ({error})")
    if str(error).startswith("Could not decode to UTF-8"):
        # A stored value whose type flipped to text (damage): Python's message quotes the
        # raw bytes, so it is not repeated.
        return CacheCorrupt("unreadable (a stored value is not what was written)")
    return CacheUnavailable(str(error))


@dataclass(frozen=True, slots=True)
class CachedStream:
    """What the cache holds for one fingerprint: the tip it reaches and its segments."""

    id: int
    tip: str
    segments: tuple[int, ...]
    """Newest first: the order a walk from the tip reads them."""


@dataclass(slots=True)
class NewSegment:
    """The chunks one scan read from git, stored when the scan succeeds."""

    base: str | None
    """The cached tip this segment continues (None: a full history)."""
    main: list[bytes] = field(default_factory=list)
    merges: list[bytes] = field(default_factory=list)
    commits: int = 0
    rename_limit: int = 0
    """The rename limit git said these commits needed, when over ours (else 0)."""


def default_cache_file(common_dir: Path, cache_dir: Path | None) -> Path:
    """`<git dir>/busfactor/cache.sqlite`, or one file per repository under `cache_dir`."""
    if cache_dir is None:
        return common_dir / "busfactor" / "cache.sqlite"
    digest = zlib.crc32(os.fsencode(common_dir.resolve()))
    name = common_dir.resolve().name
    if name in (".git", "") or name.endswith(".git"):
        name = common_dir.resolve().parent.name if name == ".git" else name.removesuffix(".git")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:60] or "repo"
    return cache_dir / f"{safe}-{digest:08x}.sqlite"


class HistoryCache:
    """One open cache file. Not thread-safe: one thread at a time uses it (the scan's, then,
    with `hold_writes`, the one that writes and closes it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.warnings: list[str] = []
        self._held: list[Callable[[], object]] | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError as error:  # mkdir's word for "a file is in the way"
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", error.filename) from None
        try:
            self._db = self._open()
        except CacheCorrupt as problem:
            self._set_aside(str(problem))
            self._db = self._open()

    # -- opening ------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.path, timeout=_BUSY_MS / 1000, isolation_level=None, check_same_thread=False
        )
        try:
            db.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
            db.execute("BEGIN")  # one snapshot of the file for both reads
            try:
                state = _identity(db)
            finally:
                if db.in_transaction:  # a damaged file may have ended it already
                    db.execute("ROLLBACK")
            if state != (APPLICATION_ID, SCHEMA_VERSION):
                with _immediate(db):
                    self._settle(db)
            _use_wal(db)
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as error:
            db.close()
            raise _problem(error) from None
        except CacheCorrupt:
            db.close()
            raise
        return db

    @staticmethod
    def _settle(db: sqlite3.Connection) -> None:
        """Inside the write lock, from what the file says now (another scan may have created
        or rebuilt it since it was first read): make an empty file ours, rebuild an older or
        newer busfactor's cache (its data is worthless to us), refuse anything else."""
        app, version = _identity(db)
        tables = db.execute(_COUNT_TABLES).fetchone()[0]
        if app == APPLICATION_ID and version == SCHEMA_VERSION:
            return
        if app != APPLICATION_ID and (app != 0 or tables != 0):
            raise CacheCorrupt("not a busfactor cache")
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND " + _OURS
        ).fetchall():
            db.execute(f'DROP TABLE IF EXISTS "{name}"')
        # One statement at a time: executescript would commit the open transaction.
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _set_aside(self, reason: str) -> None:
        """Move a damaged or foreign file out of the way (never delete it) and say so."""
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        aside = self.path.with_name(f"{self.path.name}.broken-{stamp}-{os.getpid()}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                os.replace(source, Path(str(aside) + suffix))
        self.warnings.append(f"cache {self.path}: {reason}; moved to {aside.name}, rebuilding")

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One consistent view for a whole scan's reads (WAL: writers go on meanwhile), so a
        concurrent scan replacing a stream can never be seen half done."""
        try:
            self._db.execute("BEGIN")
        except sqlite3.Error as error:
            raise _problem(error) from None
        try:
            yield
        finally:
            try:
                if self._db.in_transaction:
                    self._db.execute("COMMIT")
            except sqlite3.Error:
                pass  # a read-only transaction: nothing to keep; damage is reported already

    def recover(self, reason: str) -> None:
        """After a read found damage: set the file aside and start an empty one (writes held
        stay held)."""
        held = self._held
        self.close()
        self._set_aside(reason)
        self._db = self._open()
        self._held = held

    def close(self) -> None:
        """Release the file. Held writes are dropped: `write_held` first to keep them."""
        self._held = None
        self._db.close()

    def hold_writes(self) -> None:
        """Queue the writes instead of making them, until `write_held`.

        A first scan's write is big (sympy's history: 55 MB, 0.3 s with the close) and mostly
        SQLite's own work, outside the GIL: a thread does it while the analysis runs.
        """
        self._held = []

    def write_held(self) -> None:
        """Make the queued writes, in order (each is its own transaction, as unheld)."""
        held, self._held = self._held or [], None
        for write in held:
            write()

    def _write(self, write: Callable[[], _W]) -> _W | bool:
        """`write()` now, or queued when writes are held (then True)."""
        if self._held is None:
            return write()
        self._held.append(write)
        return True

    # -- reading ------------------------------------------------------------------------

    def stream(self, fingerprint: str) -> CachedStream | None:
        """The cached history for these mining settings, if any."""
        try:
            row = self._db.execute(
                "SELECT id, tip FROM streams WHERE fingerprint = ?", (fingerprint,)
            ).fetchone()
            if row is None:
                return None
            segments = self._db.execute(
                "SELECT seg FROM segments WHERE stream = ? ORDER BY seg DESC", (row[0],)
            ).fetchall()
        except sqlite3.Error as error:
            raise _problem(error) from None
        if not segments:
            return None
        return CachedStream(int(row[0]), str(row[1]), tuple(int(s) for (s,) in segments))

    def chunks(self, stream: int, seg: int, kind: int) -> Iterator[bytes]:
        """One segment's stream, chunk by chunk (read lazily: memory stays flat)."""
        seq = -1
        while True:
            try:
                rows = self._db.execute(
                    "SELECT seq, crc, data FROM chunks WHERE stream = ? AND seg = ? AND kind = ? "
                    "AND seq > ? ORDER BY seq LIMIT 16",
                    (stream, seg, kind, seq),
                ).fetchall()
            except sqlite3.DatabaseError as error:
                raise _problem(error) from None
            if not rows:
                return
            seq = rows[-1][0]
            for _, crc, data in rows:
                if not isinstance(data, bytes) or zlib.crc32(data) != crc:
                    raise CacheCorrupt("a stored chunk fails its checksum")
                yield data

    def rename_limit_needed(self, stream: int) -> int:
        """The largest rename limit any stored segment of the stream needed (0: none)."""
        try:
            rows = self._db.execute(
                "SELECT crc, data FROM chunks WHERE stream = ? AND kind = ?", (stream, NOTES)
            ).fetchall()
        except sqlite3.DatabaseError as error:
            raise _problem(error) from None
        needed = 0
        for crc, data in rows:
            if not isinstance(data, bytes) or zlib.crc32(data) != crc:
                raise CacheCorrupt("a stored note fails its checksum")
            word, _, number = data.partition(b" ")
            if word != b"rename_limit" or not number.isdigit() or len(number) > 12:
                raise CacheCorrupt("a stored note is not one this version wrote")
            needed = max(needed, int(number))
        return needed

    def snapshot(self, stream: int, tip: str, key: str) -> bytes | None:
        """A finished result for exactly this tip and key."""
        return self._checked(
            "snapshot",
            "SELECT crc, data FROM snapshots WHERE stream = ? AND tip = ? AND key = ?",
            (stream, tip, key),
        )

    def verdicts(self, rules: int) -> dict[str, int]:
        """Content verdicts of blobs (adapters/files.py) made under these content rules."""
        try:
            rows = self._db.execute(
                "SELECT sha, verdict FROM verdicts WHERE rules = ?", (rules,)
            ).fetchall()
        except sqlite3.Error as error:
            raise _problem(error) from None
        return {str(sha): verdict for sha, verdict in rows}

    def classification(self, rules: str) -> bytes | None:
        """The last scan's verdict on every file under these file rules (adapters/files.py)."""
        return self._checked(
            "file classification",
            "SELECT crc, data FROM classifications WHERE rules = ?",
            (rules,),
        )

    def _checked(self, what: str, query: str, parameters: tuple[object, ...]) -> bytes | None:
        """One stored blob (`query` selects its crc and data), or None; CacheCorrupt when it
        fails its checksum."""
        try:
            row = self._db.execute(query, parameters).fetchone()
        except sqlite3.Error as error:
            raise _problem(error) from None
        if row is None:
            return None
        crc, data = row
        if not isinstance(data, bytes) or zlib.crc32(data) != crc:
            raise CacheCorrupt(f"a stored {what} fails its checksum")
        return data

    # -- writing ------------------------------------------------------------------------

    def store_verdicts(self, rules: int, learned: Mapping[str, int], tree: Collection[str]) -> None:
        """Add new verdicts; once the table holds far more blobs than the tree, keep only the
        tree's (old versions of files are rarely scanned again). Failures only warn."""
        self._write(lambda: self._store_verdicts(rules, learned, tree))

    def _store_verdicts(
        self, rules: int, learned: Mapping[str, int], tree: Collection[str]
    ) -> None:
        db = self._db
        try:
            with _immediate(db):
                db.executemany(
                    "INSERT OR REPLACE INTO verdicts (sha, rules, verdict) VALUES (?, ?, ?)",
                    ((sha, rules, verdict) for sha, verdict in learned.items()),
                )
                (count,) = db.execute("SELECT count(*) FROM verdicts").fetchone()
                if count > 2 * len(tree) + _SPARE_VERDICTS:
                    db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (sha TEXT PRIMARY KEY)")
                    db.execute("DELETE FROM keep")
                    db.executemany(
                        "INSERT OR IGNORE INTO keep (sha) VALUES (?)", ((s,) for s in tree)
                    )
                    db.execute(
                        "DELETE FROM verdicts "
                        "WHERE rules != ? OR sha NOT IN (SELECT sha FROM keep)",
                        (rules,),
                    )
        except sqlite3.Error as error:
            self.warnings.append(f"cache {self.path}: verdicts not updated ({error})")

    def store_classification(self, rules: str, data: bytes) -> None:
        """Keep this scan's classification for the next one; failures only warn."""
        self._write(lambda: self._store_classification(rules, data))

    def _store_classification(self, rules: str, data: bytes) -> None:
        db = self._db
        try:
            with _immediate(db):
                db.execute(
                    "INSERT OR REPLACE INTO classifications (rules, crc, data, used) "
                    "VALUES (?, ?, ?, ?)",
                    (rules, zlib.crc32(data), data, time.time()),
                )
                db.execute(
                    "DELETE FROM classifications WHERE rules NOT IN "
                    "(SELECT rules FROM classifications ORDER BY used DESC LIMIT ?)",
                    (MAX_CLASSIFICATIONS,),
                )
        except sqlite3.Error as error:
            self.warnings.append(f"cache {self.path}: file classification not updated ({error})")

    def store(
        self,
        fingerprint: str,
        tip: str,
        segment: NewSegment | None,
        snapshot: tuple[str, bytes] | None,
    ) -> bool:
        """Record one successful scan in one transaction; False when another scan got there
        first with a different tip (its data stays, ours is dropped: both are correct).
        Held writes say True: what happens is known once they are made."""
        return self._write(lambda: self._store_scan(fingerprint, tip, segment, snapshot))

    def _store_scan(
        self,
        fingerprint: str,
        tip: str,
        segment: NewSegment | None,
        snapshot: tuple[str, bytes] | None,
    ) -> bool:
        db = self._db
        try:
            with _immediate(db):
                stored = self._store(db, fingerprint, tip, segment, snapshot)
        except sqlite3.Error as error:
            self.warnings.append(f"cache {self.path}: not updated ({error})")
            return False
        return stored

    @staticmethod
    def _store(
        db: sqlite3.Connection,
        fingerprint: str,
        tip: str,
        segment: NewSegment | None,
        snapshot: tuple[str, bytes] | None,
    ) -> bool:
        now = time.time()
        row = db.execute(
            "SELECT id, tip FROM streams WHERE fingerprint = ?", (fingerprint,)
        ).fetchone()
        if segment is not None and segment.base is None:
            # A full history replaces whatever the stream held.
            if row is not None:
                db.execute("DELETE FROM streams WHERE id = ?", (row[0],))
                db.execute("DELETE FROM chunks WHERE stream = ?", (row[0],))
            stream = db.execute(
                "INSERT INTO streams (fingerprint, tip, updated) VALUES (?, ?, ?)",
                (fingerprint, tip, now),
            ).lastrowid
            assert stream is not None
            _insert_segment(db, stream, 0, tip, segment)
        else:
            if row is None:
                return False
            stream, current = int(row[0]), str(row[1])
            if segment is not None:
                if current != segment.base:
                    return False  # another scan moved the stream meanwhile
                seg = db.execute(
                    "SELECT coalesce(max(seg), -1) + 1 FROM segments WHERE stream = ?", (stream,)
                ).fetchone()[0]
                _insert_segment(db, stream, int(seg), tip, segment)
                db.execute(
                    "UPDATE streams SET tip = ?, updated = ? WHERE id = ?", (tip, now, stream)
                )
            elif current != tip:
                return False
        if snapshot is not None:
            key, data = snapshot
            db.execute("DELETE FROM snapshots WHERE stream = ? AND tip != ?", (stream, tip))
            db.execute(
                "INSERT OR REPLACE INTO snapshots (stream, tip, key, crc, data, used) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (stream, tip, key, zlib.crc32(data), data, now),
            )
            db.execute(
                "DELETE FROM snapshots WHERE stream = ? AND key NOT IN (SELECT key FROM "
                "snapshots WHERE stream = ? ORDER BY used DESC LIMIT ?)",
                (stream, stream, MAX_SNAPSHOTS),
            )
        return True


def _use_wal(db: sqlite3.Connection) -> None:
    """Write-ahead logging, set once per file (it stays). Switching needs the file to itself,
    and SQLite does not wait for that: while other scans open a new file at the same moment,
    it says "database is locked" at once. So wait here, as long as for any other lock."""
    deadline = time.monotonic() + _BUSY_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _identity(db: sqlite3.Connection) -> tuple[int, int]:
    """`application_id` and `user_version`. Read one by one outside a transaction, another
    scan creating the file between the two reads made it look foreign."""
    return (
        db.execute("PRAGMA application_id").fetchone()[0],
        db.execute("PRAGMA user_version").fetchone()[0],
    )


@contextmanager
def _immediate(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed when the block ends, rolled back on any exception."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _insert_segment(
    db: sqlite3.Connection, stream: int, seg: int, tip: str, segment: NewSegment
) -> None:
    db.execute(
        "INSERT INTO segments (stream, seg, tip, base, commits) VALUES (?, ?, ?, ?, ?)",
        (stream, seg, tip, segment.base, segment.commits),
    )
    # A few rows per statement, not one: the writes run beside the analysis, and each time
    # SQLite hands the GIL back, getting it again means waiting for the analysis to yield it
    # (see pipeline._quick_switches).
    notes = [b"rename_limit %d" % segment.rename_limit] if segment.rename_limit else []
    for kind, chunks in ((MAIN, segment.main), (MERGES, segment.merges), (NOTES, notes)):
        rows = (
            (stream, seg, kind, seq, _crc(data), data) for seq, data in enumerate(_coalesce(chunks))
        )
        while batch := list(itertools.islice(rows, _ROWS_PER_INSERT)):
            values = ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(batch))
            db.execute(
                f"INSERT INTO chunks (stream, seg, kind, seq, crc, data) VALUES {values}",
                [value for row in batch for value in row],
            )


def _crc(data: bytes) -> int:
    """`zlib.crc32(data)`, in slices small enough that zlib keeps the GIL (it lets go above
    5 KiB): beside the analysis, 55 calls that let go cost 0.3 s of waiting, not 0.02."""
    crc = 0
    view = memoryview(data)
    for start in range(0, len(data), _CRC_SLICE):
        crc = zlib.crc32(view[start : start + _CRC_SLICE], crc)
    return crc


def _coalesce(chunks: Sequence[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """Pipe reads come in odd sizes; rows of about 1 MiB read back fastest."""
    pending: list[bytes] = []
    length = 0
    for chunk in chunks:
        if not chunk:
            continue
        pending.append(chunk)
        length += len(chunk)
        if length >= size:
            yield b"".join(pending)
            pending, length = [], 0
    if pending:
        yield b"".join(pending)
