"""A finished walk's `Counts` as bytes for the cache's snapshots (never pickle).

The cache file sits in a repository we do not trust, so what is read back is plain data,
checked field by field; anything unexpected is `CacheCorrupt`, and the scan runs cold.
"""

from __future__ import annotations

import json
import zlib
from array import array
from collections.abc import Sequence
from itertools import islice
from typing import Any, NamedTuple

from busfactor.adapters.cache import CacheCorrupt
from busfactor.core.history import Counts
from busfactor.core.model import FileHistory, IdentityActivity, RawIdentity

FORMAT = 9
"""9: names and emails that are not UTF-8 keep their bytes as `\\xNN` (8 made them U+FFFD);
8: times within the calendar (calendar_time); a snapshot of 7 may hold one past it."""
_COLUMNS = ("sizes", "who", "values", "touched", "recent_times")


class Snapshot(NamedTuple):
    """A stored walk and the tree it counted: `counts.files[i]` is the file `paths[i]`."""

    counts: Counts
    paths: list[bytes]


def encode(mining: Counts, paths: Sequence[bytes]) -> bytes:
    """A small JSON header (identities, activity), five int64 columns, then the paths.

    `sizes`: per file, the lengths of touches, deliveries, adders and first times, then its
    last time; per recent commit and changeset, the number of files. `who`: the identity of
    every count, adder, recent commit and changeset, in that order. `values`: the count or
    time beside each identity of a dict. `touched`: the files of recent commits and
    changesets. Columns let the reader check every identity with one min/max. The tree's
    paths, NUL-separated (git never puts a NUL in a path), spare a rescan one `git ls-tree`.
    """
    if len(paths) != len(mining.files):
        raise ValueError("one path per file")
    # Lists first, arrays once at the end: array.extend from a dict view goes item by item.
    sizes: list[int] = []
    who: list[int] = []
    values: list[int] = []
    touched: list[int] = []
    for stats in mining.files:
        touches, deliveries, first_time = stats.touches, stats.deliveries, stats.first_time
        sizes += (len(touches), len(deliveries), len(stats.adders), len(first_time))
        sizes.append(stats.last_time)
        who += touches
        values += touches.values()
        who += deliveries
        values += deliveries.values()
        who += sorted(stats.adders)
        who += first_time
        values += first_time.values()
    for entries in (mining.recent, mining.changesets):
        for person, files in entries:
            who.append(person)
            sizes.append(len(files))
            touched += files
    columns = [array("q", column) for column in (sizes, who, values, touched)]
    columns.append(array("q", mining.recent_times))
    names = b"\0".join(paths)
    header = {
        "format": FORMAT,
        "commits_read": mining.commits_read,
        "file_count": len(mining.files),
        "recent": len(mining.recent),
        "changesets": len(mining.changesets),
        "columns": [len(column) for column in columns],
        "paths_size": len(names),
        "identities": [[i.email, i.name] for i in mining.identities],
        "keys": [[email.hex(), name.hex()] for email, name in mining.keys],
        "activity": [[a.commits, a.first, a.last] for a in mining.activity],
    }
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    body = b"".join(column.tobytes() for column in columns)
    return zlib.compress(len(text).to_bytes(8, "little") + text + body + names, 1)


def decode(blob: bytes, paths: Sequence[bytes] | None = None) -> Snapshot:
    """What `encode` stored; with `paths`, only if it counted exactly that tree."""
    try:
        raw = zlib.decompress(blob)
        size = int.from_bytes(raw[:8], "little")
        header = json.loads(raw[8 : 8 + size])
        names = header["paths_size"]
        if type(names) is not int or not 0 <= names <= len(raw) - 8 - size:
            raise ValueError("bad paths size")
        body = raw[8 + size : len(raw) - names]
        stored = raw[len(raw) - names :].split(b"\0") if names else []
        if paths is not None and stored != list(paths):
            raise ValueError("snapshot of another tree")
        return Snapshot(_build(header, body, len(stored)), stored)
    except (ValueError, TypeError, KeyError, IndexError, zlib.error) as error:
        raise CacheCorrupt(f"a snapshot does not decode ({type(error).__name__})") from None


def _columns(header: Any, body: bytes) -> list[list[int]]:
    lengths = header["columns"]
    if len(lengths) != len(_COLUMNS) or any(type(n) is not int or n < 0 for n in lengths):
        raise ValueError("bad column lengths")
    if sum(lengths) * 8 != len(body):
        raise ValueError("columns and body differ in size")
    numbers = array("q")
    numbers.frombytes(body)
    flat = numbers.tolist()
    columns, at = [], 0
    for length in lengths:
        columns.append(flat[at : at + length])
        at += length
    return columns


def _build(header: Any, body: bytes, file_count: int) -> Counts:
    if header["format"] != FORMAT or header["file_count"] != file_count:
        raise ValueError("snapshot of another format or tree")
    identities = [RawIdentity(str(email), str(name)) for email, name in header["identities"]]
    keys = [(bytes.fromhex(email), bytes.fromhex(name)) for email, name in header["keys"]]
    people = len(identities)
    if len(keys) != people or keys != sorted(set(keys)):
        raise ValueError("identity keys do not match")
    activity = []
    for row in header["activity"]:
        if len(row) != 3 or any(type(v) is not int for v in row):
            raise TypeError("bad activity row")
        activity.append(IdentityActivity(*row))
    if len(activity) != people:
        raise ValueError("activity and identities differ in length")
    sizes, who, values, touched, recent_times = _columns(header, body)
    recent_count, changeset_count = header["recent"], header["changesets"]
    if len(sizes) != 5 * file_count + recent_count + changeset_count:
        raise ValueError("sizes do not match the counts")
    if len(recent_times) != recent_count or any(n < 0 for n in sizes[5 * file_count :]):
        raise ValueError("recent commits do not match")
    if who and not 0 <= min(who) <= max(who) < people:
        raise IndexError("identity out of range")
    if touched and not 0 <= min(touched) <= max(touched) < file_count:
        raise IndexError("file out of range")
    per_file = sizes[: 5 * file_count]
    lengths = [per_file[column::5] for column in range(4)]  # touches, deliveries, adders, firsts
    if file_count and min(min(column) for column in lengths) < 0:
        raise ValueError("negative count")
    counted = sum(sum(column) for column in lengths)
    dicts = counted - sum(lengths[2])  # the adders have no values
    if counted + recent_count + changeset_count != len(who) or dicts != len(values):
        raise ValueError("columns and sizes differ")
    # Iterators, not slices: every count is read exactly once. The totals match above, so
    # neither runs out early and each zip pairs equal lengths (a strict zip cost 20 % here).
    next_who, next_value = iter(who), iter(values)
    files = []
    for index in range(0, 5 * file_count, 5):
        n_touches, n_deliveries, n_adders, n_first, last_time = per_file[index : index + 5]
        touches = dict(
            zip(islice(next_who, n_touches), islice(next_value, n_touches), strict=False)
        )
        deliveries = dict(
            zip(islice(next_who, n_deliveries), islice(next_value, n_deliveries), strict=False)
        )
        adders = set(islice(next_who, n_adders))
        first_time = dict(zip(islice(next_who, n_first), islice(next_value, n_first), strict=False))
        files.append(FileHistory(touches, deliveries, adders, first_time, last_time))
    w = counted
    entries: list[tuple[int, tuple[int, ...]]] = []
    t = 0
    for size in sizes[5 * file_count :]:
        entries.append((who[w], tuple(touched[t : t + size])))
        w, t = w + 1, t + size
    if w != len(who) or t != len(touched):
        raise ValueError("columns not used up")
    return Counts(
        files=files,
        identities=identities,
        activity=activity,
        recent=entries[:recent_count],
        recent_times=recent_times,
        changesets=entries[recent_count:],
        keys=keys,
        commits_read=int(header["commits_read"]),
    )
