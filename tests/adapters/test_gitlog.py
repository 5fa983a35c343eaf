"""The `git log -z` parsers: the fast split-based one must agree with the token-by-token one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from busfactor.adapters.gitlog import parse_commits, parse_merge_records, parse_records
from busfactor.core.model import CommitRecord

HEX = "0123456789abcdef"
shas = st.text(HEX, min_size=40, max_size=40).map(str.encode)
paths = st.one_of(
    st.binary(min_size=1, max_size=12).filter(lambda b: b"\0" not in b),
    st.sampled_from([b"\x01" + b"a" * 40, b"R100", b"M", b"\nodd", b"caf\xe9.txt", b"a b/c"]),
)
entries = st.one_of(
    st.tuples(st.sampled_from([b"A", b"M", b"D", b"T"]), paths).map(lambda t: [t[0], t[1]]),
    st.tuples(st.sampled_from([b"R100", b"R087", b"C075"]), paths, paths).map(list),
)


@st.composite
def commit_streams(draw: st.DrawFn) -> tuple[bytes, list[tuple[bytes, list[list[bytes]]]]]:
    """A MAIN_FORMAT stream and, per commit, its sha and entries."""
    out = bytearray()
    commits = []
    for _ in range(draw(st.integers(0, 6))):
        sha, tree = draw(shas), draw(shas)
        parents = b" ".join(draw(st.lists(shas, max_size=2)))
        author = draw(st.sampled_from([b"Ada", b"B\xc3\xb6b", b"", b"\x01Mal", b"\x01"]))
        email = draw(st.sampled_from([b"a@x", b"\x01m@x", b""]))
        head = [sha, parents, tree, b"+" + email, b"+" + author, b"1700000000"]
        if draw(st.integers(0, 5)) == 0:  # an author line git cannot read
            head[3:] = [b"+%aE", b"+%aN", b""]
        out += b"\x01" + b"\0".join(head) + b"\0"
        diff = draw(st.lists(entries, max_size=5))
        if diff:
            out += b"\n" + b"".join(token + b"\0" for entry in diff for token in entry)
        commits.append((sha, diff))
    return bytes(out), commits


def _chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


def _plain(records: list[CommitRecord]) -> list[tuple[object, ...]]:
    return [tuple(record) for record in records]


@settings(max_examples=300)
@given(commit_streams(), st.integers(1, 64))
def test_fast_and_reference_parsers_agree(
    stream: tuple[bytes, list[tuple[bytes, list[list[bytes]]]]], size: int
) -> None:
    """Whatever the paths and however git's output is chunked, both parsers give the same."""
    data, commits = stream
    fast = list(parse_commits(_chunked(data, size)))
    reference = list(parse_records(_chunked(data, 7), fields=6))
    assert _plain(fast) == _plain(reference)
    assert [record.sha for record in fast] == [sha for sha, _ in commits]


def test_an_author_that_starts_with_x01_stays_in_its_commit() -> None:
    """git takes any byte in a name or email but NUL: one starting with \\x01 put a record's
    start inside the header, and the commit was read as paths of the one before it."""
    first, second, tree = b"a" * 40, b"b" * 40, b"c" * 40
    data = b"\x01" + b"\0".join([first, second, tree, b"+a@x", b"+Ada", b"2"]) + b"\0\nM\0a\0"
    data += b"\x01" + b"\0".join([second, b"", tree, b"+\x01m@x", b"+\x01Mal", b"1"])
    data += b"\0\nA\0m\0"
    for records in (parse_commits([data]), parse_records(_chunked(data, 3), fields=6)):
        assert [(r.sha, r.email, r.name, r.changes) for r in records] == [
            (first, b"a@x", b"Ada", [(ord("M"), b"a", None)]),
            (second, b"\x01m@x", b"\x01Mal", [(ord("A"), b"m", None)]),
        ]


@given(commit_streams())
def test_entries_keep_old_and_new_paths_of_renames(
    stream: tuple[bytes, list[tuple[bytes, list[list[bytes]]]]],
) -> None:
    """A rename entry becomes (R, new, old); every other entry (status, path, None)."""
    data, commits = stream
    for record, (_, diff) in zip(parse_commits([data]), commits, strict=True):
        expected = [
            (entry[0][0], entry[2], entry[1]) if len(entry) == 3 else (entry[0][0], entry[1], None)
            for entry in diff
        ]
        assert record.changes == expected


def test_a_path_that_looks_like_a_record_start_stays_a_path() -> None:
    """A file named \\x01 + 40 hex digits does not open a new record."""
    sha, tree = b"a" * 40, b"b" * 40
    tricky = b"\x01" + b"c" * 40
    data = b"\x01" + b"\0".join([sha, b"", tree, b"+e", b"+n", b"1"]) + b"\0\nA\0" + tricky + b"\0"
    data += b"M\0x\0"
    (record,) = parse_commits([data])
    assert record.changes == [(ord("A"), tricky, None), (ord("M"), b"x", None)]


def test_merge_records_keep_their_raw_diffs() -> None:
    """Merge records come out as (sha, tree, raw diff), the leading newline and the last
    separator gone."""
    one, two, tree = b"1" * 40, b"2" * 40, b"3" * 40
    parents = one + b" " + two
    data = b"\x01" + b"\0".join([one, parents, tree]) + b"\0\nM\0a\0R100\0b\0c\0"
    data += b"\x01" + b"\0".join([one, parents, tree]) + b"\0\nD\0z\0"
    assert list(parse_merge_records(_chunked(data, 5))) == [
        (one, tree, b"M\0a\0R100\0b\0c"),
        (one, tree, b"D\0z"),
    ]


@st.composite
def merge_streams(draw: st.DrawFn) -> tuple[bytes, list[tuple[bytes, bytes, list[bytes]]]]:
    """A MERGE_FORMAT stream and, per record, its sha, tree and diff tokens."""
    out = bytearray()
    records = []
    for _ in range(draw(st.integers(0, 6))):
        sha, tree = draw(shas), draw(shas)
        parents = b" ".join(draw(st.lists(shas, min_size=2, max_size=3)))
        out += b"\x01" + b"\0".join([sha, parents, tree]) + b"\0"
        tokens = [
            token for entry in draw(st.lists(entries, min_size=1, max_size=5)) for token in entry
        ]
        out += b"\n" + b"".join(token + b"\0" for token in tokens)
        records.append((sha, tree, tokens))
    return bytes(out), records


@settings(max_examples=300)
@given(merge_streams(), st.integers(1, 64))
def test_merge_records_survive_any_chunking_and_any_path(
    stream: tuple[bytes, list[tuple[bytes, bytes, list[bytes]]]], size: int
) -> None:
    """Paths that start with \\x01 and a header's worth of hex, a newline or a status's
    name, however git's output is cut: each record's diff splits back into its tokens."""
    data, records = stream
    parsed = list(parse_merge_records(_chunked(data, size)))
    assert [(sha, tree, diff.split(b"\0")) for sha, tree, diff in parsed] == [
        (sha, tree, [tokens[0].lstrip(b"\n"), *tokens[1:]]) for sha, tree, tokens in records
    ]


def test_an_author_line_git_cannot_read_is_nobody_in_both_parsers() -> None:
    """git prints `%aE` and `%aN` as they are, and no time, for an author line without an
    email: neither is taken for a name."""
    sha, tree = b"a" * 40, b"b" * 40
    data = b"\x01" + b"\0".join([sha, b"", tree, b"+%aE", b"+%aN", b""]) + b"\0\nA\0f.txt\0"
    for records in (list(parse_commits([data])), list(parse_records([data], fields=6))):
        assert [(r.email, r.name, r.time) for r in records] == [(b"", b"", 0)]
