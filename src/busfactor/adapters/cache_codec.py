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

FORMAT = 3


def encode(mining: Counts) -> bytes:
    """A small JSON header (identities, counts) and every number in one flat int64 array.

    Per file: n, n (identity, count) pairs of touches; the same for deliveries; n adders; n
    (identity, time) pairs of first times; the last time. Then per recent commit and per
    changeset: identity, n, n file indices.
    """
    numbers = array("q")
    for stats in mining.files:
        for counts in (stats.touches, stats.deliveries):
            numbers.append(len(counts))
            numbers.extend(value for item in counts.items() for value in item)
        numbers.append(len(stats.adders))
        numbers.extend(sorted(stats.adders))
        numbers.append(len(stats.first_time))
        numbers.extend(value for item in stats.first_time.items() for value in item)
        numbers.append(stats.last_time)
    for entries in (mining.recent, mining.changesets):
        numbers.append(len(entries))
        for who, touched in entries:
            numbers.append(who)
            numbers.append(len(touched))
            numbers.extend(touched)
    numbers.extend(mining.recent_times)
    header = {
        "format": FORMAT,
        "commits_read": mining.commits_read,
        "file_count": len(mining.files),
        "identities": [[i.email, i.name] for i in mining.identities],
        "keys": [[email.hex(), name.hex()] for email, name in mining.keys],
        "activity": [[a.commits, a.first, a.last] for a in mining.activity],
    }
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    return zlib.compress(len(text).to_bytes(8, "little") + text + numbers.tobytes(), 1)


def decode(blob: bytes, file_count: int) -> Counts:
    """The counts `encode` stored, for a tree of `file_count` files."""
    try:
        raw = zlib.decompress(blob)
        size = int.from_bytes(raw[:8], "little")
        header = json.loads(raw[8 : 8 + size])
        numbers = array("q")
        numbers.frombytes(raw[8 + size :])
        return _build(header, numbers.tolist(), file_count)
    except (ValueError, TypeError, KeyError, IndexError, zlib.error) as error:
        raise CacheCorrupt(f"a snapshot does not decode ({type(error).__name__})") from None


def _build(header: Any, numbers: list[int], file_count: int) -> Counts:
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
    cursor = _Cursor(numbers, people)
    files = []
    for _ in range(file_count):
        touches = cursor.pairs()
        deliveries = cursor.pairs()
        adders = set(cursor.identities(cursor.take()))
        first_time = cursor.pairs()
        files.append(FileHistory(touches, deliveries, adders, first_time, cursor.take()))
    recent = cursor.touched(len(files))
    changesets = cursor.touched(len(files))
    recent_times = numbers[cursor.at : cursor.at + len(recent)]
    if cursor.at + len(recent) != len(numbers):
        raise ValueError("trailing data")
    return Counts(
        files=files,
        identities=identities,
        activity=activity,
        recent=recent,
        recent_times=recent_times,
        changesets=changesets,
        keys=keys,
        commits_read=int(header["commits_read"]),
    )


class _Cursor:
    """Reads the flat array, checking every count and index against its bounds."""

    def __init__(self, numbers: list[int], people: int) -> None:
        self.numbers, self.people, self.at = numbers, people, 0

    def take(self) -> int:
        value = self.numbers[self.at]
        self.at += 1
        return value

    def identities(self, count: int) -> list[int]:
        if count < 0:
            raise ValueError("negative count")
        values = self.numbers[self.at : self.at + count]
        if len(values) != count or (values and not 0 <= min(values) <= max(values) < self.people):
            raise IndexError("identity out of range")
        self.at += count
        return values

    def pairs(self) -> dict[int, int]:
        count = self.take()
        if count < 0:
            raise ValueError("negative count")
        flat = self.numbers[self.at : self.at + 2 * count]
        keys = flat[0::2]
        if len(flat) != 2 * count or (keys and not 0 <= min(keys) <= max(keys) < self.people):
            raise IndexError("identity out of range")
        self.at += 2 * count
        return dict(zip(keys, flat[1::2], strict=True))

    def touched(self, files: int) -> list[tuple[int, tuple[int, ...]]]:
        entries = []
        for _ in range(self.take()):
            who = self.identities(1)[0]
            count = self.take()
            fids = self.numbers[self.at : self.at + count]
            if (
                count < 0
                or len(fids) != count
                or (fids and not 0 <= min(fids) <= max(fids) < files)
            ):
                raise IndexError("file out of range")
            self.at += count
            entries.append((who, tuple(fids)))
        return entries
