"""A merge's diff against one parent: every question answered alike, whether by a search of
the raw bytes (the first few) or by the set of tokens built after them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from busfactor.core.history import _SEARCHES, MergeDiff
from busfactor.core.model import Change

names = st.sampled_from(
    [b"a", b"b", b"a/b", b"b/a", b"ab", b"M", b"R100", b"A", b"x y", b"caf\xe9", b"\x01q"]
)
entries = st.one_of(
    st.tuples(st.sampled_from(b"AMDT"), names).map(lambda t: (t[0], t[1], None)),
    st.tuples(st.sampled_from(b"RC"), names, names).map(lambda t: (t[0], t[2], t[1])),
)


def oracle(changes: list[Change], path: bytes) -> bool:
    return any(path in (new, old) for _, new, old in changes)


@given(st.lists(entries, max_size=6), st.lists(names, max_size=3 * _SEARCHES))
def test_searches_and_the_token_set_answer_alike(changes: list[Change], asked: list[bytes]) -> None:
    """More questions than searches: the answers before and after the switch agree with the
    parsed entries, paths named like statuses (`M`, `R100`) included."""
    diff = MergeDiff.from_changes(changes)
    assert [diff.differs(path) for path in asked] == [oracle(changes, path) for path in asked]
    renames = [(old, new) for _, new, old in changes if old is not None]
    assert diff.renames() == renames
    fresh = MergeDiff.from_changes(changes)
    keys = {path: 0 for path in asked}.keys()
    assert sorted(fresh.changed(keys)) == sorted({p for p in asked if oracle(changes, p)})


def test_a_path_is_found_only_whole() -> None:
    """`a` is not found inside `a/b` or `ba`, at the start, the end or the middle."""
    diff = MergeDiff(b"M\0a/b\0M\0ba\0M\0xa")
    assert [diff.differs(p) for p in (b"a", b"a/b", b"ba", b"xa", b"b")] == [
        False,
        True,
        True,
        True,
        False,
    ]
    assert MergeDiff(b"").differs(b"a") is False
