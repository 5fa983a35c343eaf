"""Organisation reports from per-repository `busfactor.scan/1` dicts (no git needed)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from busfactor.core.org import SHALLOW_ERROR, RepoResult, display_names, merge_reports
from busfactor.core.org_input import SCHEMA, check_org_report, check_scan_report
from busfactor.errors import UsageError
from busfactor.formats.org import render_org_json, render_org_markdown, render_org_text

Person = tuple[str, str]
"""(name, email) as a repository's report lists the person."""


def person(
    name: str, email: str, *, commits: int = 1, aliases: Sequence[str] = ()
) -> dict[str, Any]:
    """One `people[]` entry."""
    return {
        "id": email.lower(),
        "name": name,
        "email": email.lower(),
        "aliases": sorted(aliases),
        "commits": commits,
        "first_commit": "2024-01-01T00:00:00Z",
        "last_commit": "2024-02-01T00:00:00Z",
        "active": True,
        "files_authored": commits,
    }


def scan_report(
    path: str,
    people: Sequence[dict[str, Any]],
    *,
    truck: Sequence[str] = (),
    components: Sequence[tuple[str, int, Sequence[str]]] = (),
    revision: str = "a" * 40,
    shallow: bool = False,
) -> dict[str, Any]:
    """A minimal but complete `busfactor.scan/1` report."""
    return {
        "schema": "busfactor.scan/1",
        "repository": {
            "path": path,
            "revision": revision,
            "commits": sum(p["commits"] for p in people),
            "files": 3,
            "excluded": {},
            "shallow": shallow,
        },
        "truck_factor": {"value": len(truck), "authors": list(truck), "coverage": 0.0},
        "people": list(people),
        "bots": [],
        "components": [
            {"name": name, "files": 1, "bus_factor": bf, "bus_factor_authors": list(who)}
            for name, bf, who in components
        ],
        "files": [],
        "warnings": [],
    }


ADA = person("Ada", "ada@example.test", commits=5)
BOB = person("Bob", "bob@example.test", commits=3)


def api() -> dict[str, Any]:
    """Ada alone holds `pay`; she and Bob share `core`."""
    return scan_report(
        "/src/api",
        [ADA, BOB],
        truck=["ada@example.test"],
        components=[("pay", 1, ["ada@example.test"]), ("core", 2, ["ada@example.test", "bob"])],
    )


def web() -> dict[str, Any]:
    """Ada (under her GitHub noreply address and an upper-case email) alone holds `ui`."""
    ada = person(
        "Ada",
        "ADA@example.test",
        commits=2,
        aliases=["12+ada@users.noreply.github.com"],
    )
    return scan_report(
        "/src/web",
        [ada, person("Cy", "cy@example.test")],
        truck=["ada@example.test", "cy@example.test"],
        components=[("ui", 1, ["ada@example.test"]), ("docs", 1, ["cy@example.test"])],
    )


def merged(*reports: dict[str, Any], merge_by_name: bool = True) -> dict[str, Any]:
    """The organisation report of some scan reports."""
    results = [RepoResult.scanned(report) for report in reports]
    return merge_reports(results, merge_by_name=merge_by_name).report


def by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The organisation's people by id."""
    return {p["id"]: p for p in report["people"]}


def test_a_sole_holder_in_two_repositories_is_flagged_first() -> None:
    """Ada holds `api:pay` (and api's truck factor) and `web:ui` alone: flagged, listed first."""
    report = merged(api(), web())
    assert report["schema"] == SCHEMA
    ada = report["people"][0]
    assert ada["id"] == "ada@example.test"
    assert ada["single_point_of_failure"] is True
    assert ada["repositories"] == ["api", "web"]
    assert ada["sole_components"] == ["api:pay", "web:ui"]
    assert ada["sole_holder_repositories"] == ["api", "web"]
    assert ada["truck_factor_repositories"] == ["api", "web"]
    assert ada["commits"] == 7
    assert report["summary"] == {
        "repositories": 2,
        "failed": 0,
        "people": 3,
        "single_points_of_failure": 1,
    }
    cy = by_id(report)["cy@example.test"]
    assert cy["sole_holder_repositories"] == ["web"]
    assert cy["single_point_of_failure"] is False


def test_repository_lines_name_truck_factor_people_by_organisation_id() -> None:
    """Each repository lists its truck factor, its people and its components at bus factor 1."""
    repos = {r["name"]: r for r in merged(api(), web())["repositories"]}
    assert repos["web"]["truck_factor"] == 2
    assert repos["web"]["truck_factor_people"] == ["ada@example.test", "cy@example.test"]
    assert repos["web"]["components_at_bus_factor_1"] == ["ui", "docs"]
    assert repos["api"]["components"] == 2
    assert repos["api"]["error"] is None


def test_noreply_addresses_match_across_repositories() -> None:
    """A GitHub noreply alias in one report matches the same login's other noreply form."""
    other = scan_report(
        "/src/cli",
        [person("A. Lovelace", "99+ada@users.noreply.github.com")],
        components=[("cmd", 1, ["99+ada@users.noreply.github.com"])],
    )
    report = merged(web(), other, merge_by_name=False)
    ada = by_id(report)["ada@example.test"]
    assert ada["repositories"] == ["cli", "web"]
    assert "A. Lovelace" in ada["aliases"]


def test_same_name_matches_unless_disabled() -> None:
    """Ada with another email in a third repository is matched by name, or not at all."""
    other = scan_report("/src/ops", [person("ada", "ada@home.test")])
    assert by_id(merged(api(), other))["ada@example.test"]["repositories"] == ["api", "ops"]
    apart = by_id(merged(api(), other, merge_by_name=False))
    assert apart["ada@example.test"]["repositories"] == ["api"]
    assert apart["ada@home.test"]["repositories"] == ["ops"]


def test_a_name_one_repository_keeps_apart_does_not_match() -> None:
    """Two people called Sam in one report stay two; neither absorbs the other via a third."""
    twins = scan_report("/src/a", [person("Sam", "sam1@x.test"), person("Sam", "sam2@x.test")])
    other = scan_report("/src/b", [person("Sam", "sam3@x.test")])
    report = merged(twins, other)
    assert sorted(by_id(report)) == ["sam1@x.test", "sam2@x.test", "sam3@x.test"]


def test_shallow_reports_become_errors() -> None:
    """A shallow clone's report is not trusted: its line carries the error, its people no flag."""
    report = merged(api(), scan_report("/src/web", [ADA], shallow=True, truck=[ADA["id"]]))
    web_line = next(r for r in report["repositories"] if r["name"] == "web")
    assert web_line["error"] == SHALLOW_ERROR
    assert web_line["truck_factor"] is None
    assert by_id(report)["ada@example.test"]["repositories"] == ["api"]
    assert report["summary"]["failed"] == 1


def test_failed_repositories_are_listed_with_their_error() -> None:
    """A repository that could not be scanned is a line with its one-line error."""
    results = [RepoResult.scanned(api()), RepoResult.failed("/src/gone", "not a git repository")]
    report = merge_reports(results).report
    gone = next(r for r in report["repositories"] if r["name"] == "gone")
    assert gone["error"] == "not a git repository"
    assert report["summary"]["failed"] == 1


def test_identical_duplicates_are_counted_once_and_said() -> None:
    """The same report twice is one repository, with a note."""
    result = merge_reports([RepoResult.scanned(api()), RepoResult.scanned(api())])
    assert result.report == merge_reports([RepoResult.scanned(api())]).report
    assert result.notes == ["/src/api: given 2 times; counted once"]


def test_two_revisions_of_one_path_are_refused() -> None:
    """Reports of one folder at two revisions cannot be told apart: a clear error."""
    later = scan_report("/src/api", [ADA], revision="b" * 40)
    with pytest.raises(UsageError, match="different revisions"):
        merged(api(), later)


def test_display_names_are_the_shortest_unique_suffix() -> None:
    """Folders with the same name keep as much of their path as tells them apart."""
    names = display_names(["/a/team-1/api", "/a/team-2/api", "/b/web"])
    assert names == {"/a/team-1/api": "team-1/api", "/a/team-2/api": "team-2/api", "/b/web": "web"}


def test_mixing_anonymized_and_plain_reports_warns() -> None:
    """Pseudonyms never match real emails: the report says so."""
    hidden = scan_report("/src/x", [person("Person 1a2b3c4d", "1a2b3c4d@anonymized.invalid")])
    assert "anonymized" in merged(api(), hidden)["warnings"][0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a JSON object"),
        ({"a": 1}, 'no "schema" key'),
        ({"schema": 5}, 'not a busfactor report ("schema" is 5)'),
        ({"schema": SCHEMA}, "organisation report"),
        ({"schema": "busfactor.scan/2"}, "unsupported schema version busfactor.scan/2"),
        ({"schema": "busfactor.whatif/1"}, "busfactor.whatif/1 report; merge takes"),
        ({"schema": "other/1"}, "not a busfactor report"),
        ({"schema": "busfactor.scan/1"}, "incomplete busfactor.scan/1 report (repository "),
    ],
)
def test_other_json_is_refused_in_one_line(data: object, message: str) -> None:
    """Anything but a complete scan report is a UsageError naming the file."""
    with pytest.raises(UsageError) as raised:
        check_scan_report(data, "in.json")
    assert raised.value.message.startswith("in.json: ")
    assert message in raised.value.message
    assert "\n" not in raised.value.message


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: r["truck_factor"].update(value=-1), "truck_factor.value"),
        (lambda r: r["people"][0].update(commits=-3), "people[0].commits"),
        (lambda r: r["people"][0].update(first_commit="yesterday"), "people[0].first_commit"),
    ],
)
def test_impossible_figures_are_refused(change: Any, where: str) -> None:
    """A negative truck factor was merged as it was, and `first_commit: "yesterday"` copied
    into the organisation report."""
    report = scan_report("/src/x", [person("Ada", "ada@example.test")])
    check_scan_report(report, "in.json")  # whole, it is taken
    change(report)
    with pytest.raises(UsageError, match=rf"\({re.escape(where)} missing or wrong\)"):
        check_scan_report(report, "in.json")


def test_a_baseline_of_another_kind_names_the_baseline_not_merge() -> None:
    """`check --baseline org.json` said "merge takes busfactor.scan/1 reports"."""
    with pytest.raises(UsageError, match=r"organisation report .*; --baseline takes busfactor"):
        check_scan_report({"schema": SCHEMA}, "org.json", "--baseline")


def test_a_person_without_a_count_is_incomplete() -> None:
    """Field types are checked too (a boolean is not a count)."""
    report = api()
    report["people"][1]["commits"] = True
    with pytest.raises(UsageError, match=r"people\[1\]\.commits"):
        check_scan_report(report, "x.json")


def test_a_report_without_its_files_is_incomplete() -> None:
    """The merge counts each person's sole files from `files`: without them it gave 0 and
    said nothing."""
    report = api()
    del report["files"]
    with pytest.raises(UsageError, match=r"incomplete busfactor\.scan/1 report \(files "):
        check_scan_report(report, "x.json")


def test_org_reports_are_recognised() -> None:
    """The TUI opens org reports only."""
    assert check_org_report(merged(api()), "o.json")["schema"] == SCHEMA
    with pytest.raises(UsageError, match="not an organisation report"):
        check_org_report(api(), "a.json")


def test_formats_name_the_flagged_person_and_failures() -> None:
    """Text and Markdown show the flag, the holdings and the failed repository."""
    results = [
        RepoResult.scanned(api()),
        RepoResult.scanned(web()),
        RepoResult.failed("/src/gone", "not a git repository"),
    ]
    report = merge_reports(results).report
    text = render_org_text(report)
    assert "3 repositories (1 failed)" in text
    assert "Ada <ada@example.test>: api (truck factor; pay), web (ui)" in text
    assert "gone  error: not a git repository" in text
    markdown = render_org_markdown(report)
    assert "| Ada ⚠ | 2 | 2 | api, web | api:pay, web:ui |" in markdown
    assert json.loads(render_org_json(report)) == report


def test_markup_and_control_characters_render_literally() -> None:
    """Names from repositories are escaped in Markdown and made printable in text."""
    evil = person("<b>|Eve\x1b[31m", "eve@x.test")
    report = merged(scan_report("/src/e", [evil], truck=["eve@x.test"]))
    assert "&lt;b&gt;\\|Eve\\\\x1b\\[31m" in render_org_markdown(report)
    assert "\x1b" not in render_org_text(report)


# -- properties -----------------------------------------------------------------------------

POOL = (
    ("Ada", "ada@example.test"),
    ("ada", "ADA@example.test"),
    ("Bob", "bob@example.test"),
    ("Bob", "1+bob@users.noreply.github.com"),
    ("Cy", "cy@example.test"),
)


@st.composite
def reports(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few repository reports over a small pool of identities, some shared."""
    made = []
    for index in range(draw(st.integers(1, 4))):
        chosen = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=3, unique=True))
        people = [person(n, e, commits=draw(st.integers(1, 5))) for n, e in chosen]
        ids = [p["id"] for p in people]
        components = [
            (f"c{k}", bf, draw(st.permutations(ids))[:bf])
            for k, bf in enumerate(draw(st.lists(st.integers(0, len(ids)), max_size=3)))
        ]
        truck = draw(st.permutations(ids))[: draw(st.integers(0, len(ids)))]
        made.append(scan_report(f"/org/r{index}", people, truck=truck, components=components))
    return made


@given(reports(), st.randoms(use_true_random=False))
def test_input_order_does_not_change_the_report(inputs: list[dict[str, Any]], rng: Any) -> None:
    """Merging the same reports in any order gives the same organisation report."""
    shuffled = list(inputs)
    rng.shuffle(shuffled)
    assert merged(*shuffled) == merged(*inputs)


@given(reports(), st.data())
def test_duplicate_inputs_change_nothing(inputs: list[dict[str, Any]], data: st.DataObject) -> None:
    """Giving some reports again leaves the report as it was (only a note is added)."""
    again = data.draw(st.lists(st.sampled_from(inputs), min_size=1))
    assert merged(*inputs, *again) == merged(*inputs)


@given(reports())
def test_every_local_person_lands_in_exactly_one_org_person(inputs: list[dict[str, Any]]) -> None:
    """No one is lost or counted twice: commits add up across the organisation."""
    report = merged(*inputs)
    assert sum(p["commits"] for p in report["people"]) == sum(
        p["commits"] for r in inputs for p in r["people"]
    )
    flagged = [p for p in report["people"] if p["single_point_of_failure"]]
    assert all(len(p["sole_holder_repositories"]) >= 2 for p in flagged)
    assert report["people"][: len(flagged)] == flagged


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=4,
)


def locations(data: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into a JSON structure."""
    found = [where] if where else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += locations(value, (*where, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += locations(value, (*where, index))
    return found


@given(st.data(), JSON, st.booleans())
def test_damaged_reports_are_refused_or_merged_never_crash(
    data: st.DataObject, value: Any, delete: bool
) -> None:
    """A report with one value replaced or removed is refused with a UsageError, or merges
    and renders: never any other exception."""
    report = copy.deepcopy(api())
    report["files"] = [{"path": "pay/a.py", "authors": ["ada@example.test"], "doa": {}}]
    where = data.draw(st.sampled_from(locations(report)))
    parent = report
    for key in where[:-1]:
        parent = parent[key]
    if delete:
        del parent[where[-1]]
    else:
        parent[where[-1]] = value
    try:
        checked = check_scan_report(report, "x.json")
    except UsageError as error:
        refused = error.message
    else:
        refused = ""
    if refused:
        assert refused.startswith("x.json: ")
        return
    org = merge_reports([RepoResult.scanned(checked), RepoResult.scanned(web())]).report
    render_org_text(org)
    render_org_markdown(org)
    assert json.loads(render_org_json(org))["schema"] == SCHEMA
