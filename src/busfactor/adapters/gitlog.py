"""Streaming parser for `git log -z --name-status` with busfactor's record format.

Pure bytes in, records out: no git, no GitPython, so it is tested on hand-written streams.
Format: `%x01` opens a record, `%x00` separates its fields; then `STATUS\\0path\\0` entries,
where a rename or copy status (`R100`, `C75`) is followed by two paths. Paths are never
interpreted, so even a path that starts with `\\x01` cannot derail the parser.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from itertools import repeat

from busfactor.core.model import Change, CommitRecord, calendar_time

MAIN_FORMAT = "%x01%H%x00%P%x00%T%x00+%aE%x00+%aN%x00%at"
"""The author's email and name come after a `+`: git takes any byte in them but NUL, and one
starting with \x01 made `\0\x01`, a record's start, inside the header. That commit was cut
there, read as a path of the one before, and its files went to that commit's author."""
MERGE_FORMAT = "%x01%H%x00%P%x00%T"
_PLACEHOLDERS = (b"+%aE", b"+%aN")
"""What MAIN_FORMAT's author fields print when the commit's author line does not parse (no
`<email>`, say): git leaves the mailmapped placeholders as they are, and `%at` empty. git log
shows no author for such a commit; neither does busfactor (no name or email)."""

_RC = (ord("R"), ord("C"))
_EMPTY: tuple[bytes, ...] = ()


def parse_records(chunks: Iterable[bytes], *, fields: int = 6) -> Iterator[CommitRecord]:
    """Parse records of MAIN_FORMAT (fields=6) or MERGE_FORMAT (fields=3).

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
    if len(header) >= 6:
        email, name = header[3][1:], header[4][1:]  # after their `+`
        try:
            when = calendar_time(int(header[5]))
        except ValueError:
            when = 0
            if (header[3], header[4]) == _PLACEHOLDERS:
                email, name = b"", b""
        return CommitRecord(sha, parents, email, name, when, changes, header[2])
    return CommitRecord(sha, parents, b"", b"", 0, changes, header[2] if len(header) > 2 else b"")


def _is_header(sha: bytes, parents: bytes, tree: bytes, min_parents: int = 2) -> bool:
    """A real MERGE_FORMAT header: a sha, two (`min_parents`) or more parent shas, a tree sha.

    Lengths suffice, as for MAIN_FORMAT: at a false boundary (a path starting with \\x01) the
    tokens after the path's rest are a status (`M`, `R100`, `MM`: never as long as a parent
    list) and a path, or a path and a status (never as long as a tree id).
    """
    size = len(sha)
    if size not in (40, 64) or len(tree) != size:
        return False
    count, extra = divmod(len(parents) + 1, size + 1)
    return extra == 0 and count >= min_parents


def parse_merge_records(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, bytes, bytes]]:
    """Records of MERGE_FORMAT as (sha, tree, raw diff), found with C-level splits.

    The diff stays as git printed it, `\\0`-separated (`MergeDiff` reads it lazily): a merge's
    diff against a side parent can list thousands of paths of which the walk asks about a
    handful, and splitting sympy's 23 MB of them cost more than the questions.
    """
    for sha, _, tree, diff in parse_diff_records(chunks):
        yield sha, tree, diff


def parse_diff_records(
    chunks: Iterable[bytes], *, min_parents: int = 2
) -> Iterator[tuple[bytes, bytes, bytes, bytes]]:
    """Records of MERGE_FORMAT as (sha, parents, tree, raw diff). `min_parents=1` reads
    `diff-tree --stdin`, whose header names only the one parent it was given."""
    rest = b"\0"
    current: list[bytes] | None = None
    seen = False
    for chunk in chunks:
        seen = seen or bool(chunk)
        pieces = (rest + chunk).split(b"\0\x01")
        rest = pieces.pop()
        for piece in pieces:
            current = yield from _take_piece(piece, current, min_parents)
    if seen and rest:
        current = yield from _take_piece(rest, current, min_parents)
    if current is not None:
        yield _finish(current)


def _take_piece(
    piece: bytes, current: list[bytes] | None, min_parents: int
) -> Generator[tuple[bytes, bytes, bytes, bytes], None, list[bytes] | None]:
    """`current`: the record being read, as [sha, parents, tree, diff pieces...]."""
    if not piece and current is None:
        return current  # the start of the stream
    head = piece.split(b"\0", 3)
    if len(head) >= 3 and _is_header(head[0], head[1], head[2], min_parents):
        if current is not None:
            yield _finish(current)
        return [head[0], head[1], head[2], head[3] if len(head) > 3 else b""]
    if current is None:
        return None
    # A false boundary: a path starting with \x01. Glued back to the record it belongs to.
    current.append(piece)
    return current


def _finish(current: list[bytes]) -> tuple[bytes, bytes, bytes, bytes]:
    sha, parents, tree, *pieces = current
    diff = pieces[0] if len(pieces) == 1 else b"\0\x01".join(pieces)
    if diff[:1] == b"\n":
        diff = diff.lstrip(b"\n")
    if diff[-1:] == b"\0":
        diff = diff[:-1]
    return sha, parents, tree, diff


_MAIN_FIELDS = 6


def _is_main_header(tokens: list[bytes]) -> bool:
    """A real MAIN_FORMAT header: sha, parent shas (none for a root), tree sha, then 3 fields.

    Lengths suffice: a false boundary is a path starting with \x01, and the token after it is
    a status (`M`, `R100`: never a parent list's length) or the next header (a piece apart).
    """
    if len(tokens) < _MAIN_FIELDS:
        return False
    size, parents = len(tokens[0]), len(tokens[1])
    return (
        size in (40, 64)
        and len(tokens[2]) == size
        and (parents == 0 or (parents + 1) % (size + 1) == 0)
        and tokens[3][:1] == tokens[4][:1] == b"+"
    )


def parse_commits(chunks: Iterable[bytes]) -> Iterator[CommitRecord]:
    """Records of MAIN_FORMAT, the fast way: C-level splits instead of a loop per token.

    Records are cut at `\\0\\x01` and accepted only when their header parses (a path starting
    with \\x01 sits where a status or the next header follows, which no header can be). A
    record without renames or copies has one path per status, so its entries are a `zip` of
    two slices; only records with renames take the per-token loop. `parse_records` gives the
    same result one token at a time and is the reference in the tests.
    """
    rest = b"\0"
    current: list[bytes] | None = None
    seen = False
    for chunk in chunks:
        seen = seen or bool(chunk)
        pieces = (rest + chunk).split(b"\0\x01")
        rest = pieces.pop()
        for piece in pieces:
            if not piece and current is None:
                continue  # the start of the stream
            tokens = piece.split(b"\0")
            if _is_main_header(tokens):
                if current is not None:
                    yield _commit(current)
                current = tokens
            elif current is not None:
                current.append(b"\x01" + tokens[0])
                current.extend(tokens[1:])
    if seen and rest:
        tokens = rest.split(b"\0")
        if _is_main_header(tokens):
            if current is not None:
                yield _commit(current)
            current = tokens
        elif current is not None:
            current.append(b"\x01" + tokens[0])
            current.extend(tokens[1:])
    if current is not None:
        yield _commit(current)


def _commit(tokens: list[bytes]) -> CommitRecord:
    diff = tokens[_MAIN_FIELDS:]
    if diff and diff[-1] == b"":
        diff.pop()
    if diff and diff[0][:1] == b"\n":
        diff[0] = diff[0].lstrip(b"\n")
    changes: list[Change]
    statuses = diff[0::2]
    letters = b"".join(statuses)
    # Every status but a rename's or copy's is one letter; R and C carry a score (R100). The
    # first rename's status sits at an even place, after pairs only, so one-letter tokens at
    # every even place prove there is none and the entries are plain (status, path) pairs.
    if len(letters) == len(statuses) and len(diff) % 2 == 0:
        changes = list(zip(letters, diff[1::2], repeat(None)))
    else:
        changes = _exact_changes(diff)
    parents = tuple(tokens[1].split()) if tokens[1] else _EMPTY
    email, name = tokens[3][1:], tokens[4][1:]  # after their `+`
    try:
        when = calendar_time(int(tokens[5]))
    except ValueError:
        when = 0
        if (tokens[3], tokens[4]) == _PLACEHOLDERS:
            email, name = b"", b""
    return CommitRecord(tokens[0], parents, email, name, when, changes, tokens[2])


def _exact_changes(diff: list[bytes]) -> list[Change]:
    changes: list[Change] = []
    index, count = 0, len(diff)
    while index + 1 < count:
        status = diff[index][0] if diff[index] else 0
        if status in _RC and index + 2 < count:
            changes.append((status, diff[index + 2], diff[index + 1]))
            index += 3
        else:
            changes.append((status, diff[index + 1], None))
            index += 2
    return changes
