"""Activity is measured back from the revision's date, unless a wrong clock dated it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from builders import RepoBuilder
from busfactor.core.analysis import activity_reference
from busfactor.core.identity import Identities, merge_identities
from busfactor.core.model import IdentityActivity, RawIdentity
from busfactor.core.settings import IdentitySettings
from busfactor.pipeline import scan

DAY = 86400
NOW = int(datetime(2026, 11, 27, tzinfo=UTC).timestamp())
MAY = int(datetime(2024, 5, 3, tzinfo=UTC).timestamp())
FUTURE = int(datetime(2099, 12, 31, tzinfo=UTC).timestamp())


def people(*last: tuple[str, int]) -> Identities:
    raw = [RawIdentity(f"{name}@example.test", name) for name, _ in last]
    activity = [IdentityActivity(1, when, when) for _, when in last]
    return merge_identities(raw, activity, IdentitySettings())


def test_an_honest_revision_is_the_reference() -> None:
    assert activity_reference(MAY + DAY, NOW, people(("ann", MAY), ("bob", MAY - DAY))) == (
        MAY + DAY,
        [],
    )
    # Without a clock, nothing can be judged in the future.
    assert activity_reference(FUTURE, None, people(("ann", FUTURE))) == (FUTURE, [])


def test_a_revision_dated_after_today_is_replaced_by_its_newest_plausible_commit() -> None:
    reference, notes = activity_reference(FUTURE, NOW, people(("ann", MAY), ("skew", FUTURE)))
    assert reference == MAY
    assert notes == [
        "the revision is dated 2099-12-31, after today (a wrong clock): activity is measured "
        "back from its newest plausible commit, 2024-05-03",
        "1 person committed with dates after 2024-05-03 (a wrong clock): skew (2099-12-31); "
        "they count as active",
    ]


def test_a_revision_dated_before_its_history_is_replaced_by_the_newest_commit() -> None:
    reference, notes = activity_reference(DAY, NOW, people(("ann", MAY), ("bob", MAY - DAY)))
    assert reference == MAY
    assert notes == [
        "the revision is dated 1970-01-02, before commits in its history (a wrong clock): "
        "activity is measured back from the newest, 2024-05-03"
    ]


def test_an_old_commit_dated_in_the_future_is_named() -> None:
    reference, notes = activity_reference(MAY + DAY, NOW, people(("ann", MAY), ("skew", FUTURE)))
    assert reference == MAY + DAY
    assert notes == [
        "1 person committed with dates after 2024-05-04 (a wrong clock): skew (2099-12-31); "
        "they count as active"
    ]


def test_a_future_dated_tip_leaves_its_authors_active(builder: RepoBuilder, tmp_path: Path) -> None:
    """Before, a tip dated 2099 made every other author of a 2024 history inactive."""
    for who in ("ann", "bob", "cid"):
        builder.commit(who, write={f"src/{who}.py": f"{who}\n" * 20})
    builder.commit(
        "skew", write={"src/ann.py": "x\n" * 20}, when=datetime(2099, 12, 31, tzinfo=UTC)
    )
    report = scan(builder.path, overrides={"cache": False})
    active = {p["id"] for p in report.people() if p["active"]}
    assert active == {f"{who}@example.test" for who in ("ann", "bob", "cid", "skew")}
    assert any("after today (a wrong clock)" in w for w in report.meta["warnings"])
