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

_RC = (ord("R"), ord("C"))
_EMPTY: tuple[bytes, ...] = ()


def parse_records(chunks: Iterable[bytes], *, fields: int = 5) -> Iterator[CommitRecord]:
    """Parse records of MAIN_FORMAT (fields=5) or MERGE_FORMAT (fields=2).

    One flat loop over NUL-separated tokens with the parser state kept across chunks: the
    per-token cost decides how close a scan gets to git's own speed.
    """
    rest = b""
    header: list[bytes] = []
    changes: list[Change] = []
    header_missing = 0
    paths_missing = 0
    status = 0
    old = b""
    started = False
    for chunk in chunks:
        parts = (rest + chunk).split(b"\0") if rest else chunk.split(b"\0")
        rest = parts.pop()
        for token in parts:
            if header_missing:
                header.append(token)
                header_missing -= 1
                continue
            if paths_missing:
                if paths_missing == 2:
                    old = token
                    paths_missing = 1
                    continue
                paths_missing = 0
                changes.append((status, token, old) if status in _RC else (status, token, None))
                continue
            if not token:
                continue
            first = token[0]
            if first == 1:
                if started:
                    yield _record(header, changes)
                started = True
                header = [token[1:]]
                header_missing = fields - 1
                changes = []
                continue
            if first == 10:
                token = token.lstrip(b"\n")
                if not token:
                    continue
                first = token[0]
            status = first
            paths_missing = 2 if first in _RC else 1
    if rest and header_missing:
        header.append(rest)
    if started:
        while len(header) < fields:
            header.append(b"")
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
