"""Tests for busfactor.core.authorship: Degree-of-Authorship and the author rule (§2)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from busfactor.core.authorship import FileAuthorship, doa, file_authorship
from busfactor.core.model import FileHistory
from busfactor.core.settings import Thresholds
from strategies import file_histories

DEFAULT = Thresholds()
NO_NORMALIZED_TEST = Thresholds(doa_normalized=0.0)
"""Every positive DOA passes the normalised test, so the absolute test decides alone."""

DAY = 86400


def history(
    *,
    adders: tuple[int, ...] = (),
    deliveries: dict[int, int] | None = None,
    first: dict[int, int] | None = None,
    deletes: dict[int, int] | None = None,
) -> FileHistory:
    """A consistent FileHistory from adds, deliveries and deletes per raw identity."""
    deliveries = deliveries or {}
    deletes = deletes or {}
    result = FileHistory()
    result.adders = set(adders)
    result.deliveries = dict(deliveries)
    for raw in {*adders, *deliveries, *deletes}:
        result.touches[raw] = int(raw in adders) + deliveries.get(raw, 0) + deletes.get(raw, 0)
    result.first_time = {raw: 0 for raw in {*adders, *deliveries}}
    result.first_time.update(first or {})
    return result


def authorship(
    file_history: FileHistory,
    people: list[str | None],
    thresholds: Thresholds = DEFAULT,
) -> FileAuthorship:
    """file_authorship of one file called `f`."""
    return file_authorship("f", file_history, people, thresholds)


def golden() -> FileHistory:
    """algorithms.md §2.4: Ada creates and edits twice, Bob edits five times, Cy once."""
    return history(adders=(0,), deliveries={0: 2, 1: 5, 2: 1})


GOLDEN_PEOPLE: list[str | None] = ["ada", "bob", "cy"]


def test_golden_example_matches_the_design_table() -> None:
    """The §2.4 worked example gives the documented FA, DL, AC, DOA, DOA_N and verdicts."""
    result = authorship(golden(), GOLDEN_PEOPLE)
    expected = {
        "ada": (1, 2, 6, 4.094, 1.000, True),
        "bob": (0, 5, 3, 3.668, 0.896, True),
        "cy": (0, 1, 7, 2.789, 0.681, False),
    }
    for person, (fa, dl, ac, score, normalized, is_author) in expected.items():
        share = result.contributions[person]
        assert (share["first_author"], share["deliveries"], share["acceptances"]) == (fa, dl, ac)
        assert share["doa"] == pytest.approx(score, abs=5e-4)
        assert share["doa_normalized"] == pytest.approx(normalized, abs=5e-4)
        assert share["author"] is is_author
    assert result.authors == ("ada", "bob")
    assert result.commits == 9


def test_doa_formula_uses_the_published_weights() -> None:
    """DOA = 3.293 + 1.098·FA + 0.164·DL - 0.321·ln(1 + AC) with the natural logarithm."""
    assert doa(0, 0, 0) == pytest.approx(3.293)
    assert doa(1, 3, 4) == pytest.approx(3.293 + 1.098 + 0.164 * 3 - 0.321 * math.log(5))


@pytest.mark.parametrize(
    ("own", "foreign", "is_author"),
    [
        (1, 1, False),
        (2, 1, True),
        (3, 5, False),
        (4, 5, True),
        (4, 10, False),
        (5, 10, True),
    ],
)
def test_non_creator_absolute_threshold_edges(own: int, foreign: int, is_author: bool) -> None:
    """A non-creator needs 2 own changes against 1 foreign, 4 against 5, 5 against 10 (§2.2)."""
    file_history = history(adders=(0,), deliveries={0: foreign, 1: own})
    result = authorship(file_history, ["ada", "bob"], NO_NORMALIZED_TEST)
    bob = result.contributions["bob"]
    assert (bob["deliveries"], bob["acceptances"]) == (own, foreign)
    assert (bob["doa"] >= 3.293) is is_author
    assert bob["author"] is is_author


def test_normalised_threshold_is_strict() -> None:
    """A contributor whose DOA is exactly 0.75 of the best is not an author (DOA_N > 0.75)."""
    result = authorship(golden(), GOLDEN_PEOPLE)
    bob = result.contributions["bob"]
    exactly = Thresholds(doa_normalized=bob["doa_normalized"])
    assert not authorship(golden(), GOLDEN_PEOPLE, exactly).contributions["bob"]["author"]


def test_creator_skips_the_absolute_test() -> None:
    """A creator is an author with DOA below 3.293 when it is still the file's top score."""
    one_off = {raw: 1 for raw in range(1, 32)}
    people: list[str | None] = ["ada", *(f"dev{raw:02d}" for raw in range(1, 32))]
    result = authorship(history(adders=(0,), deliveries=one_off), people)
    ada = result.contributions["ada"]
    assert ada["doa"] < 3.293
    assert ada["doa_normalized"] == 1.0
    assert ada["author"]
    assert result.authors == ("ada",)


def test_creator_skips_a_configured_absolute_threshold() -> None:
    """With doa_absolute 5.0 the golden creator (4.094) stays an author, Bob (3.668) does not."""
    result = authorship(golden(), GOLDEN_PEOPLE, Thresholds(doa_absolute=5.0))
    assert result.authors == ("ada",)


def test_configurable_normalised_threshold() -> None:
    """Raising doa_normalized to 0.9 drops Bob (0.896); lowering it does not admit Cy alone."""
    assert authorship(golden(), GOLDEN_PEOPLE, Thresholds(doa_normalized=0.9)).authors == ("ada",)
    lowered = authorship(golden(), GOLDEN_PEOPLE, Thresholds(doa_normalized=0.5))
    assert lowered.authors == ("ada", "bob")


def test_configurable_absolute_threshold_admits_a_minor_contributor() -> None:
    """With doa_normalized 0.5 and doa_absolute 2.7, Cy (2.789, 0.681) becomes an author."""
    loose = Thresholds(doa_normalized=0.5, doa_absolute=2.7)
    assert authorship(golden(), GOLDEN_PEOPLE, loose).authors == ("ada", "bob", "cy")


def test_every_distinct_adder_is_a_first_author() -> None:
    """A delete and re-add by someone else makes both adders first authors (§2.3)."""
    file_history = history(adders=(0, 1), deliveries={0: 1}, deletes={0: 1})
    result = authorship(file_history, ["ada", "bob"])
    assert result.contributions["ada"]["first_author"] == 1
    assert result.contributions["bob"]["first_author"] == 1
    assert result.contributions["bob"]["deliveries"] == 0
    assert result.contributions["bob"]["acceptances"] == 1


def test_adding_is_not_a_delivery() -> None:
    """The creating add counts as FA only: a creator with no edits has DL 0 and AC 0."""
    result = authorship(history(adders=(0,)), ["ada"])
    ada = result.contributions["ada"]
    assert (ada["first_author"], ada["deliveries"], ada["acceptances"]) == (1, 0, 0)
    assert ada["doa"] == pytest.approx(3.293 + 1.098)


def test_two_identities_of_one_person_share_their_counts() -> None:
    """Raw identities of one person add up: their deliveries are not each other's acceptances."""
    file_history = history(adders=(1,), deliveries={0: 2, 1: 3, 2: 1})
    result = authorship(file_history, ["ada", "ada", "bob"])
    ada = result.contributions["ada"]
    assert (ada["first_author"], ada["deliveries"], ada["acceptances"]) == (1, 5, 1)
    assert set(result.contributions) == {"ada", "bob"}


def test_without_an_add_the_oldest_author_is_the_creator() -> None:
    """With no add in the history read, the author of the oldest commit gets FA and keeps DL."""
    file_history = history(deliveries={0: 1, 1: 2}, first={0: 3 * DAY, 1: 2 * DAY})
    result = authorship(file_history, ["ada", "bob"])
    assert result.contributions["bob"]["first_author"] == 1
    assert result.contributions["bob"]["deliveries"] == 2
    assert result.contributions["ada"]["first_author"] == 0


def test_without_an_add_a_tie_on_the_oldest_time_goes_to_the_lowest_id() -> None:
    """When two people share the oldest commit time, the alphabetically first id is the creator."""
    file_history = history(deliveries={0: 1, 1: 1}, first={0: DAY, 1: DAY})
    result = authorship(file_history, ["zed", "amy"])
    assert result.contributions["amy"]["first_author"] == 1
    assert result.contributions["zed"]["first_author"] == 0


def test_bots_are_ignored_entirely() -> None:
    """A bot's edits are nobody's acceptances and it never appears among contributors."""
    with_bot = history(adders=(0,), deliveries={0: 2, 1: 5, 2: 1, 3: 40}, deletes={3: 1})
    result = authorship(with_bot, [*GOLDEN_PEOPLE, None])
    assert result == authorship(golden(), GOLDEN_PEOPLE)


def test_a_bot_created_file_is_treated_as_having_no_add() -> None:
    """A bot's add is dropped like the rest of its commits; the oldest human becomes creator."""
    file_history = history(adders=(0,), deliveries={1: 1, 2: 1}, first={1: DAY, 2: 2 * DAY})
    result = authorship(file_history, [None, "bob", "cy"])
    assert result.contributions["bob"]["first_author"] == 1
    assert "cy" in result.contributions
    assert result.commits == 2


def test_a_file_touched_only_by_bots_has_no_author() -> None:
    """Without human events a file has no contributions and no authors, only a zero count."""
    result = authorship(history(adders=(0,), deliveries={0: 3}), [None])
    assert result.contributions == {}
    assert result.authors == ()
    assert result.commits == 0


def test_deletes_count_as_commits_but_not_as_contributions() -> None:
    """Someone who only deleted the file counts in `commits` but has no DOA."""
    result = authorship(history(adders=(0,), deletes={1: 1}), ["ada", "bob"])
    assert result.commits == 2
    assert set(result.contributions) == {"ada"}


def test_authors_are_ordered_by_doa_then_id() -> None:
    """Authors are best DOA first; equal DOAs are ordered by id."""
    file_history = history(adders=(0, 1, 2), deliveries={0: 1, 1: 1, 2: 2})
    result = authorship(file_history, ["zed", "amy", "kim"])
    assert result.contributions["zed"]["doa"] == result.contributions["amy"]["doa"]
    assert result.authors == ("kim", "amy", "zed")


def test_the_top_contributor_can_miss_the_absolute_threshold() -> None:
    """With 200 thin changes the top non-creator scores 2.75 < 3.293 and is no author (§2.2)."""
    deliveries = {1: 7, **{raw: 6 for raw in range(2, 34)}, 34: 1}
    people: list[str | None] = ["ada", "bob", *(f"dev{raw:02d}" for raw in range(2, 35))]
    result = authorship(history(adders=(0,), deliveries=deliveries), people)
    bob = result.contributions["bob"]
    assert sum(deliveries.values()) == 200
    assert bob["doa"] == max(c["doa"] for c in result.contributions.values())
    assert bob["doa"] == pytest.approx(2.750, abs=5e-4)
    assert bob["doa_normalized"] == 1.0
    assert not bob["author"]
    assert result.authors == ("ada",)


@given(file_histories())
def test_top_contributor_has_normalised_doa_one(case: tuple[FileHistory, list[str | None]]) -> None:
    """Whoever has the highest DOA on a file has DOA_N exactly 1."""
    file_history, people = case
    result = authorship(file_history, people)
    if result.contributions:
        top = max(result.contributions.values(), key=lambda share: share["doa"])
        assert top["doa_normalized"] == 1.0
        assert all(share["doa_normalized"] <= 1.0 for share in result.contributions.values())


@given(file_histories(identities=4, max_deliveries=7))
def test_top_contributor_is_an_author_below_thirty_changes(
    case: tuple[FileHistory, list[str | None]],
) -> None:
    """With fewer than 30 changes the top contributor is always an author (the creator's DOA,
    at least 4.391 - 0.321·ln 30, already exceeds 3.293)."""
    file_history, people = case
    result = authorship(file_history, people)
    assert sum(c["deliveries"] for c in result.contributions.values()) < 30
    if result.contributions:
        best = max(share["doa"] for share in result.contributions.values())
        tops = [p for p, share in result.contributions.items() if share["doa"] == best]
        assert all(result.contributions[p]["author"] for p in tops)
        assert result.authors[0] == min(tops)


@given(file_histories())
def test_someone_is_a_creator_whenever_a_human_contributed(
    case: tuple[FileHistory, list[str | None]],
) -> None:
    """If any human contributed, at least one contributor has FA = 1 (an add or the fallback)."""
    file_history, people = case
    result = authorship(file_history, people)
    if result.contributions:
        assert any(share["first_author"] for share in result.contributions.values())


@given(file_histories())
def test_dropping_a_bot_identity_changes_nothing(
    case: tuple[FileHistory, list[str | None]],
) -> None:
    """Results are the same whether a bot's counts are present or removed from the history."""
    file_history, people = case
    bots = {raw for raw, person in enumerate(people) if person is None}
    cleaned = FileHistory(
        touches={r: n for r, n in file_history.touches.items() if r not in bots},
        deliveries={r: n for r, n in file_history.deliveries.items() if r not in bots},
        adders={r for r in file_history.adders if r not in bots},
        first_time={r: t for r, t in file_history.first_time.items() if r not in bots},
    )
    assert authorship(file_history, people) == authorship(cleaned, people)


@given(st.integers(0, 1), st.integers(0, 500), st.integers(0, 500))
def test_doa_is_monotone_in_deliveries_and_antitone_in_acceptances(
    fa: int, deliveries: int, acceptances: int
) -> None:
    """One more own change raises DOA; one more foreign change lowers it; FA raises it."""
    score = doa(fa, deliveries, acceptances)
    assert doa(fa, deliveries + 1, acceptances) > score
    assert doa(fa, deliveries, acceptances + 1) < score
    assert doa(1, deliveries, acceptances) >= score


@given(file_histories(), st.data())
def test_an_extra_delivery_raises_its_author_and_lowers_the_others(
    case: tuple[FileHistory, list[str | None]], data: st.DataObject
) -> None:
    """Adding one delivery for a person raises that person's DOA and lowers everyone else's."""
    file_history, people = case
    humans = [raw for raw, person in enumerate(people) if person is not None]
    if not humans:
        return
    raw = data.draw(st.sampled_from(humans))
    before = authorship(file_history, people)
    more = FileHistory(
        touches={**file_history.touches, raw: file_history.touches.get(raw, 0) + 1},
        deliveries={**file_history.deliveries, raw: file_history.deliveries.get(raw, 0) + 1},
        adders=set(file_history.adders),
        first_time={**file_history.first_time, raw: file_history.first_time.get(raw, 0)},
    )
    after = authorship(more, people)
    person = people[raw]
    assert person is not None
    for other, share in before.contributions.items():
        if other == person:
            assert after.contributions[other]["doa"] > share["doa"]
        elif after.contributions[other]["first_author"] == share["first_author"]:
            assert after.contributions[other]["doa"] < share["doa"]


@given(file_histories())
def test_each_contribution_is_the_published_formula_to_the_last_bit(
    case: tuple[FileHistory, list[str | None]],
) -> None:
    """file_authorship writes the formula out for speed; its DOA must still be `doa()`'s
    float exactly (another summation order changes the last bit, and with it ties and the
    JSON), and each derived field must agree with it."""
    file_history, people = case
    result = authorship(file_history, people)
    for share in result.contributions.values():
        fa, dl, ac = int(share["first_author"]), share["deliveries"], share["acceptances"]
        assert share["doa"] == doa(fa, dl, ac)
    best = max((s["doa"] for s in result.contributions.values()), default=0.0)
    for person, share in result.contributions.items():
        assert share["doa_normalized"] == (share["doa"] / best if best > 0 else 0.0)
        assert share["author"] == (person in result.authors)
