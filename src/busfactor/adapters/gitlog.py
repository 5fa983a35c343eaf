"""Streaming parser for `git log -z --name-status` with busfactor's record format.

Pure bytes in, records out: no git, no GitPython, so it is tested on hand-written streams.
Format: `%x01` opens a record, `%x00` separates its fields; then `STATUS\\0path\\0` entries,
where a rename or copy status (`R100`, `C75`) is followed by two paths. Paths are never
interpreted, so even a path that starts with `\\x01` cannot derail the parser.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from busfactor.core.model import Change, CommitRecord

MAIN_FORMAT = "%x01%H%x00%P%x00%aE%x00%aN%x00%at"
MERGE_FORMAT = "%x01%H%x00%P"

_R, _C = ord("R"), ord("C")
_EMPTY: tuple[bytes, ...] = ()


def tokens(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Split a stream of byte chunks on NUL, yielding every complete token."""
    rest = b""
    for chunk in chunks:
        if not chunk:
            continue
        parts = (rest + chunk).split(b"\0") if rest else chunk.split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def parse_records(chunks: Iterable[bytes], *, fields: int = 5) -> Iterator[CommitRecord]:
    """Parse records of MAIN_FORMAT (fields=5) or MERGE_FORMAT (fields=2)."""
    stream = tokens(chunks)
    header: list[bytes] | None = None
    changes: list[Change] = []
    for token in stream:
        if not token:
            continue
        if token[0] == 1:
            if header is not None:
                yield _record(header, changes)
            header = [token[1:]]
            for _ in range(fields - 1):
                header.append(next(stream, b""))
            changes = []
            continue
        if token[0] == 10:
            token = token.lstrip(b"\n")
            if not token:
                continue
        status = token[0]
        path = next(stream, b"")
        if status in (_R, _C):
            changes.append(Change(status, next(stream, b""), path))
        else:
            changes.append(Change(status, path, None))
    if header is not None:
        yield _record(header, changes)


def _record(header: list[bytes], changes: list[Change]) -> CommitRecord:
    sha = header[0]
    parents = tuple(header[1].split()) if header[1] else _EMPTY
    if len(header) >= 5:
        try:
            when = int(header[4])
        except ValueError:
            when = 0
        return CommitRecord(sha, parents, header[2], header[3], when, changes)
    return CommitRecord(sha, parents, b"", b"", 0, changes)
