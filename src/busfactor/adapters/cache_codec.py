"""A finished walk's `Counts` as bytes for the cache's snapshots (never pickle).

The cache file sits in a repository we do not trust, so what is read back is plain data,
checked field by field; anything unexpected is `CacheCorrupt`, and the scan runs cold.
"""

from __future__ import annotations

import json
import zlib
from array import array
from typing import Any

from busfactor.adapters.cache import CacheCorrupt
from busfactor.core.history import Counts
from busfactor.core.model import FileHistory, IdentityActivity, RawIdentity

FORMAT = 4
_COLUMNS = ("sizes", "who", "values", "touched", "recent_times")


def encode(mining: Counts) -> bytes:
    """A small JSON header (identities, activity) and five int64 columns.

    `sizes`: per file, the lengths of touches, deliveries, adders and first times, then its
    last time; per recent commit and changeset, the number of files. `who`: the identity of
    every count, adder, recent commit and changeset, in that order. `values`: the count or
    time beside each identity of a dict. `touched`: the files of recent commits and
    changesets. Columns let the reader check every identity with one min/max.
    """
    sizes, who, values, touched = array("q"), array("q"), array("q"), array("q")
    for stats in mining.files:
        sizes.extend(
            (len(stats.touches), len(stats.deliveries), len(stats.adders), len(stats.first_time))
        )
        sizes.append(stats.last_time)
        for counts in (stats.touches, stats.deliveries):
            who.extend(counts.keys())
            values.extend(counts.values())
        who.extend(sorted(stats.adders))
        who.extend(stats.first_time.keys())
        values.extend(stats.first_time.values())
    for entries in (mining.recent, mining.changesets):
        for person, files in entries:
            who.append(person)
            sizes.append(len(files))
            touched.extend(files)
    columns = (sizes, who, values, touched, array("q", mining.recent_times))
    header = {
        "format": FORMAT,
        "commits_read": mining.commits_read,
        "file_count": len(mining.files),
        "recent": len(mining.recent),
        "changesets": len(mining.changesets),
        "columns": [len(column) for column in columns],
        "identities": [[i.email, i.name] for i in mining.identities],
        "keys": [[email.hex(), name.hex()] for email, name in mining.keys],
        "activity": [[a.commits, a.first, a.last] for a in mining.activity],
    }
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    body = b"".join(column.tobytes() for column in columns)
    return zlib.compress(len(text).to_bytes(8, "little") + text + body, 1)


def decode(blob: bytes, file_count: int) -> Counts:
    """The counts `encode` stored, for a tree of `file_count` files."""
    try:
        raw = zlib.decompress(blob)
        size = int.from_bytes(raw[:8], "little")
        header = json.loads(raw[8 : 8 + size])
        return _build(header, raw[8 + size :], file_count)
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
    files = []
    w = v = 0
    for index in range(file_count):
        n_touches, n_deliveries, n_adders, n_first, last_time = sizes[5 * index : 5 * index + 5]
        if min(n_touches, n_deliveries, n_adders, n_first) < 0:
            raise ValueError("negative count")
        touches = dict(zip(who[w : w + n_touches], values[v : v + n_touches], strict=True))
        w, v = w + n_touches, v + n_touches
        deliveries = dict(zip(who[w : w + n_deliveries], values[v : v + n_deliveries], strict=True))
        w, v = w + n_deliveries, v + n_deliveries
        adders = set(who[w : w + n_adders])
        w += n_adders
        first_time = dict(zip(who[w : w + n_first], values[v : v + n_first], strict=True))
        w, v = w + n_first, v + n_first
        files.append(FileHistory(touches, deliveries, adders, first_time, last_time))
    entries: list[tuple[int, tuple[int, ...]]] = []
    t = 0
    for size in sizes[5 * file_count :]:
        entries.append((who[w], tuple(touched[t : t + size])))
        w, t = w + 1, t + size
    if w != len(who) or v != len(values) or t != len(touched):
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
