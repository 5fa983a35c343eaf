"""Tests for busfactor.core.truckfactor: the greedy truck factor (algorithms.md §5)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from busfactor.core.truckfactor import TruckFactor, removal_order, truck_factor
from strategies import Ownership, ownerships


def naive_truck_factor(
    files: Sequence[str],
    authors_of: Mapping[str, Sequence[str]],
    commits_of: Mapping[str, int],
    threshold: float = 0.5,
    without: Collection[str] = (),
) -> tuple[int, list[str], float]:
    """§5 written out plainly: coverage recomputed from scratch before every removal."""
    if not files:
        return 0, [], 0.0
    counts: dict[str, int] = {}
    for path in files:
        for person in authors_of.get(path, ()):
            counts[person] = counts.get(person, 0) + 1
    order = sorted(counts, key=lambda p: (-counts[p], -commits_of.get(p, 0), p))
    gone = set(without)

    def coverage() -> float:
        kept = [f for f in files if any(p not in gone for p in authors_of.get(f, ()))]
        return len(kept) / len(files)

    removed: list[str] = []
    for person in order:
        if person in gone:
            continue
        if coverage() < threshold:
            break
        gone.add(person)
        removed.append(person)
    return len(removed), removed, coverage()


def test_two_owners_of_half_the_files_each() -> None:
    """x authors two of four files, y and z one each: removing x then y orphans 3 of 4."""
    authors_of = {"a": ["x"], "b": ["x"], "c": ["y"], "d": ["z"]}
    result = truck_factor(list(authors_of), authors_of, {"x": 1, "y": 2, "z": 1})
    assert result == TruckFactor(2, ("x", "y"), 0.25, 4)


def test_coverage_exactly_at_the_threshold_keeps_removing() -> None:
    """Removal continues while at least half the files are covered (0.5 is not below 0.5)."""
    authors_of = {"a": ["x"], "b": ["y"]}
    result = truck_factor(["a", "b"], authors_of, {})
    assert result.value == 2
    assert result.removed == ("x", "y")
    assert result.coverage == 0.0


def test_ties_on_files_go_to_more_commits() -> None:
    """Among people authoring equally many files, the one with more commits leaves first."""
    authors_of = {"a": ["amy"], "b": ["zed"], "c": ["kim"]}
    result = truck_factor(list(authors_of), authors_of, {"amy": 1, "zed": 9, "kim": 5})
    assert result.removed == ("zed", "kim")


def test_ties_on_files_and_commits_go_to_the_lower_id() -> None:
    """Among people equal in files and commits, ids are removed in ascending order."""
    authors_of = {"a": ["zed"], "b": ["amy"], "c": ["kim"]}
    result = truck_factor(list(authors_of), authors_of, {"amy": 3, "zed": 3, "kim": 3})
    assert result.removed == ("amy", "kim")


def test_removal_order_sorts_by_files_commits_then_id() -> None:
    """removal_order lists every author with their files, most files first, ties as in §5."""
    authors_of = {"a": ["x", "y"], "b": ["y"], "c": ["w"], "d": ["v"]}
    order = removal_order(["a", "b", "c", "d"], authors_of, {"w": 1, "v": 1, "x": 2})
    assert [person for person, _ in order] == ["y", "x", "v", "w"]
    assert dict(order)["y"] == ["a", "b"]


def test_no_files_means_truck_factor_zero() -> None:
    """An empty file set has TF 0, nobody removed, coverage 0 and zero files."""
    assert truck_factor([], {}, {}) == TruckFactor(0, (), 0.0, 0)


def test_files_without_authors_stay_in_the_denominator() -> None:
    """Authorless files count as orphaned from the start, so TF can be 0 before any removal."""
    authors_of: dict[str, list[str]] = {"a": ["x"], "b": [], "c": []}
    result = truck_factor(["a", "b", "c"], authors_of, {"x": 5})
    assert (result.value, result.removed, result.files) == (0, (), 3)
    assert result.coverage == pytest.approx(1 / 3)


def test_files_missing_from_the_author_map_have_no_author() -> None:
    """A file absent from `authors_of` is treated as a file with no author."""
    result = truck_factor(["a", "b"], {"a": ["x"]}, {})
    assert result.value == 1
    assert result.coverage == 0.0
    assert result.files == 2


def test_people_without_are_gone_before_counting() -> None:
    """People in `without` are not counted in TF and their files are orphaned from the start."""
    authors_of = {"a": ["x"], "b": ["x"], "c": ["y"], "d": ["y", "z"]}
    full = truck_factor(list(authors_of), authors_of, {})
    assert full.removed == ("x", "y")
    less = truck_factor(list(authors_of), authors_of, {}, without=["x"])
    assert less == TruckFactor(1, ("y",), 0.25, 4)


def test_without_everyone_gives_zero() -> None:
    """When everyone has left already, nothing is covered and TF is 0."""
    authors_of = {"a": ["x"], "b": ["y"]}
    assert truck_factor(["a", "b"], authors_of, {}, without=["x", "y"]) == TruckFactor(
        0, (), 0.0, 2
    )


def test_threshold_is_configurable() -> None:
    """A coverage threshold of 0.25 keeps removing until fewer than a quarter stay covered."""
    authors_of = {"a": ["w"], "b": ["x"], "c": ["y"], "d": ["z"]}
    assert truck_factor(list(authors_of), authors_of, {}).value == 3
    assert truck_factor(list(authors_of), authors_of, {}, threshold=0.25).value == 4
    assert truck_factor(list(authors_of), authors_of, {}, threshold=0.9).value == 1


@given(ownerships())
def test_matches_a_plain_recomputation(case: Ownership) -> None:
    """The incremental implementation agrees with recomputing coverage before every removal."""
    result = truck_factor(case.files, case.authors_of, case.commits_of)
    value, removed, coverage = naive_truck_factor(case.files, case.authors_of, case.commits_of)
    assert (result.value, list(result.removed)) == (value, removed)
    assert result.coverage == pytest.approx(coverage)
    assert result.files == len(case.files)


@given(ownerships(), st.floats(0.05, 1.0))
def test_never_exceeds_the_number_of_authors(case: Ownership, threshold: float) -> None:
    """Removing people one by one cannot take more steps than there are distinct authors."""
    result = truck_factor(case.files, case.authors_of, case.commits_of, threshold)
    assert 0 <= result.value <= len(case.authors)
    assert len(set(result.removed)) == result.value
    assert set(result.removed) <= case.authors


@given(ownerships(), st.floats(0.05, 1.0))
def test_coverage_is_a_share_and_below_threshold_unless_everyone_left(
    case: Ownership, threshold: float
) -> None:
    """Coverage lies in [0, 1]; it is below the threshold unless every author was removed."""
    result = truck_factor(case.files, case.authors_of, case.commits_of, threshold)
    assert 0.0 <= result.coverage <= 1.0
    if result.value < len(case.authors):
        assert result.coverage < threshold


@given(ownerships(), st.data())
def test_removing_a_person_beforehand_never_raises_the_truck_factor(
    case: Ownership, data: st.DataObject
) -> None:
    """Taking anyone out via `without` gives a truck factor no larger than before."""
    full = truck_factor(case.files, case.authors_of, case.commits_of)
    people = sorted(case.authors) or ["nobody"]
    leaver = data.draw(st.sampled_from(people))
    less = truck_factor(case.files, case.authors_of, case.commits_of, without=[leaver])
    assert less.value <= full.value
    assert leaver not in less.removed


@given(ownerships(), st.data())
def test_order_preserving_renaming_changes_nothing(case: Ownership, data: st.DataObject) -> None:
    """Renaming people consistently (keeping their id order) leaves TF, order and coverage."""
    people = sorted(set(case.commits_of) | case.authors)
    names = data.draw(
        st.lists(
            st.text("abcdefghij", min_size=1, max_size=4),
            min_size=len(people),
            max_size=len(people),
            unique=True,
        )
    )
    rename = dict(zip(people, sorted(names), strict=True))
    authors_of = {f: [rename[p] for p in who] for f, who in case.authors_of.items()}
    commits_of = {rename[p]: n for p, n in case.commits_of.items()}
    before = truck_factor(case.files, case.authors_of, case.commits_of)
    after = truck_factor(case.files, authors_of, commits_of)
    assert after.value == before.value
    assert after.removed == tuple(rename[p] for p in before.removed)
    assert after.coverage == before.coverage


@given(ownerships())
def test_file_order_does_not_matter(case: Ownership) -> None:
    """Listing the files in reverse gives the same result."""
    forward = truck_factor(case.files, case.authors_of, case.commits_of)
    backward = truck_factor(list(reversed(case.files)), case.authors_of, case.commits_of)
    assert forward == backward


def test_ties_go_to_more_commits_then_the_lower_id() -> None:
    """The model's tie-break: more commits in the analysed history, then id ascending (the
    first commit's date once came before the id, which the model does not say)."""
    authors_of = {f"{who}.py": [who] for who in ("zed", "amy", "kim", "bo", "max")}
    commits_of = {"zed": 1, "amy": 1, "kim": 1, "bo": 1, "max": 2}
    result = truck_factor(list(authors_of), authors_of, commits_of, 0.5)
    assert result.removed == ("max", "amy", "bo")
