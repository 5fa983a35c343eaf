"""Tests for busfactor.core.runbooks: required sections, staleness, placeholders and paths."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from busfactor.core.runbooks import (
    DAY_SECONDS,
    REQUIRED_SECTIONS,
    RunbookDocument,
    check_runbook,
    component_directories,
    component_directory,
    find_placeholders,
    is_url,
    missing_sections,
    owning_components,
    resolve_reference,
    runbook_names,
)

NOW = int(datetime(2024, 11, 5, tzinfo=UTC).timestamp())
"""The analysed revision's date in these tests."""

ALL_SECTIONS = ("Runbook: billing", "Overview", "Alerts", "Common procedures", "Escalation")


def document(
    headings: tuple[str, ...] = ALL_SECTIONS,
    placeholders: tuple[str, ...] = (),
    last_reviewed: str | None = None,
    *,
    empty: bool = False,
) -> RunbookDocument:
    return RunbookDocument(headings, placeholders, last_reviewed, empty)


def check(
    doc: RunbookDocument, last_commit: int | None = None, max_age_days: int = 365
) -> tuple[str, ...]:
    return check_runbook(doc, last_commit=last_commit, now=NOW, max_age_days=max_age_days)


# --- sections -------------------------------------------------------------------------------------


def test_required_sections_are_the_four_the_issue_names() -> None:
    """Overview, alerts, procedures and escalation are required, in that order."""
    assert list(REQUIRED_SECTIONS) == ["overview", "alerts", "procedures", "escalation"]


def test_a_runbook_with_every_section_is_ok() -> None:
    """All four sections, no placeholders, text, no dates: no problems."""
    assert check(document()) == ()


@pytest.mark.parametrize(
    "headings",
    [
        ("Summary", "Symptoms", "Steps", "Contacts"),
        ("About this service", "ALERTS", "Mitigation", "On-call"),
        ("Description", "### HighErrorRate alert", "Operations", "Owners and escalation"),
        ("overview", "alerting", "Remediation playbook", "oncall rota"),
    ],
)
def test_any_keyword_in_any_case_provides_a_section(headings: tuple[str, ...]) -> None:
    """Headings match by case-insensitive substring against every keyword of a section."""
    assert missing_sections(headings) == ()


def test_missing_escalation_is_reported_exactly() -> None:
    """A runbook without an escalation heading has exactly one problem naming it."""
    headings = ("Overview", "Alerts", "Procedures")
    assert check(document(headings)) == ("missing sections: escalation",)


def test_missing_sections_keep_the_required_order() -> None:
    """Several missing sections are listed in REQUIRED_SECTIONS order, not heading order."""
    assert check(document(("Alerts",))) == ("missing sections: overview, procedures, escalation",)


# --- placeholders, emptiness ----------------------------------------------------------------------


def test_placeholders_left_are_listed_in_order() -> None:
    """Leftover template placeholders become one problem listing them as found."""
    problems = check(document(placeholders=("TODO", "<AlertName>")))
    assert problems == ("template placeholders left: TODO, <AlertName>",)


def test_a_long_placeholder_list_is_shortened() -> None:
    """More than eight placeholders: the first eight, then how many more."""
    many = tuple(f"<p{n}>" for n in range(11))
    (problem,) = check(document(placeholders=many))
    assert problem.endswith("<p7> and 3 more")


def test_an_empty_runbook_is_weak() -> None:
    """Headings without any text make the runbook weak."""
    assert check(document(empty=True)) == ("empty: no text beyond headings",)


def test_problems_come_in_a_fixed_order() -> None:
    """Sections, placeholders, emptiness, staleness: in that order."""
    doc = document(("Alerts",), ("TBD",), "2020-01-01", empty=True)
    problems = check(doc)
    assert [problem.split(" ")[0] for problem in problems] == [
        "missing",
        "template",
        "empty:",
        "not",
    ]


# --- staleness ------------------------------------------------------------------------------------


def test_stale_by_last_reviewed() -> None:
    """A `last_reviewed` date more than max_age_days before `now` is reported with its age."""
    problems = check(document(last_reviewed="2023-10-01"))
    assert problems == ("not reviewed for 401 days (last_reviewed 2023-10-01)",)


def test_stale_by_last_commit() -> None:
    """Without `last_reviewed`, the last commit's date measures the age."""
    last_commit = NOW - 500 * DAY_SECONDS
    assert check(document(), last_commit) == ("not reviewed for 500 days (last commit 2023-06-24)",)


def test_fresh_runbooks_are_not_stale() -> None:
    """Reviewed or committed within max_age_days: no staleness problem."""
    assert check(document(last_reviewed="2024-06-01")) == ()
    assert check(document(), NOW - 365 * DAY_SECONDS) == ()
    assert check(document(), NOW - 10 * DAY_SECONDS, max_age_days=30) == ()


def test_last_reviewed_wins_over_the_last_commit() -> None:
    """A recent review keeps an untouched file fresh; an old review is stale despite new edits."""
    assert check(document(last_reviewed="2024-10-01"), NOW - 900 * DAY_SECONDS) == ()
    assert check(document(last_reviewed="2020-01-01"), NOW)[0].startswith("not reviewed for")


def test_staleness_uses_the_given_max_age() -> None:
    """`max_age_days` is the limit: 31 days is stale under 30 and fresh under 365."""
    assert check(document(), NOW - 31 * DAY_SECONDS, max_age_days=30) != ()
    assert check(document(), NOW - 31 * DAY_SECONDS) == ()


def test_no_date_and_no_commit_means_no_staleness_check() -> None:
    """Nothing to measure age from: no staleness problem; an unparseable date falls back."""
    assert check(document(last_reviewed="soon")) == ()
    assert check(document(last_reviewed="soon"), NOW - 400 * DAY_SECONDS) != ()


def test_a_review_date_shortly_after_now_is_not_stale() -> None:
    """A date written ahead of the merge, or clock skew, does not count as stale."""
    assert check(document(last_reviewed="2024-12-06")) == ()


@pytest.mark.parametrize(
    ("reviewed", "problem"),
    [
        ("2024-12-07", "last_reviewed 2024-12-07 lies 32 days after the revision's date"),
        ("9999-12-31", "last_reviewed 9999-12-31 lies 2912864 days after the revision's date"),
    ],
)
def test_a_review_date_far_ahead_is_a_problem(reviewed: str, problem: str) -> None:
    """9999-12-31 kept a runbook fresh for ever, without a word."""
    assert check(document(last_reviewed=reviewed)) == (problem,)


# --- placeholders in prose ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("TODO: write this. FIXME and TBD, XXX.", ["TODO", "FIXME", "TBD", "XXX"]),
        ("a todo list, TODOS, XXXL, MyTODO", []),
        ("Lorem ipsum dolor sit amet", ["Lorem ipsum"]),
        ("Call {team} or {{ oncall_alias }}", ["{team}", "{{ oncall_alias }}"]),
        ("## Overview {#overview} {.wide}", []),
        ("Page <team> when <AlertName> fires", ["<team>", "<AlertName>"]),
        ("<your team name>", ["<your team name>"]),
        ("line<br> and <br/> and <details><summary>More</summary></details>", []),
        ('<img src="x.png"> <a href="https://example.test">x</a> <DIV>', []),
        ("a < b and c > d", []),
    ],
)
def test_find_placeholders(text: str, found: list[str]) -> None:
    """Marker words (capitals), lorem ipsum, template fields and non-HTML angle names."""
    assert find_placeholders(text) == found


def test_raw_html_has_no_template_fields() -> None:
    """In raw HTML, braces are markup (styles, scripts), but markers and unknown tags count."""
    html = "<style>p {color: red}</style> <!-- TODO --> <service>"
    assert find_placeholders(html, markup=True) == ["TODO", "<service>"]


# --- paths ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "url"),
    [
        ("https://wiki.example.test/runbook", True),
        ("confluence+https://x/y", True),
        ("docs/runbooks/billing.md", False),
        ("mailto:ops@example.test", False),
        ("C:\\runbook.md", False),
    ],
)
def test_is_url(reference: str, url: bool) -> None:
    """Only `scheme://...` references are external URLs."""
    assert is_url(reference) is url


@pytest.mark.parametrize(
    ("base", "reference", "resolved"),
    [
        ("billing", "RUNBOOK.md", "billing/RUNBOOK.md"),
        ("billing", "./docs/run.md", "billing/docs/run.md"),
        ("billing/api", "../docs/run.md", "billing/docs/run.md"),
        ("billing", "/docs/runbooks/billing.md", "docs/runbooks/billing.md"),
        ("", "docs//x.md", "docs/x.md"),
        ("billing", "../../etc/passwd", None),
        ("", "../x.md", None),
        ("", ".", None),
    ],
)
def test_resolve_reference(base: str, reference: str, resolved: str | None) -> None:
    """Relative references resolve from the file's directory; escaping the root gives None."""
    assert resolve_reference(base, reference) == resolved


@given(st.text(alphabet="ab./", max_size=8), st.text(alphabet="ab./ ", max_size=12))
def test_resolved_references_stay_inside_the_repository(base: str, reference: str) -> None:
    """No resolved path starts with "/" or contains a ".." or "." segment."""
    resolved = resolve_reference(base, reference)
    if resolved is not None:
        parts = resolved.split("/")
        assert "" not in parts
        assert ".." not in parts
        assert "." not in parts


@pytest.mark.parametrize(
    ("name", "files", "directory"),
    [
        ("billing", ["billing/app.py", "billing/deep/x.py"], "billing"),
        ("billing", ["billing/deep/x.py"], "billing"),
        ("src/payments", ["src/payments/api.py"], "src/payments"),
        ("api", ["services/api/a.py", "services/api/b/c.py"], "services/api"),
        ("mixed", ["a/x.py", "b/y.py"], ""),
        ("(root)", ["README.md"], ""),
        ("nothing", [], None),
    ],
)
def test_component_directory(name: str, files: list[str], directory: str | None) -> None:
    """The component's name when it is their directory, else its files' longest common one."""
    assert component_directory(name, files) == directory


def test_the_closest_component_directory_owns_a_file() -> None:
    """A file belongs to the deepest component directory containing it; root only at the root."""
    by_directory = component_directories(
        {"(root)": ["README.md"], "src": ["src/main.py"], "src/payments": ["src/payments/a.py"]}
    )
    assert owning_components("src/payments/docs/RUNBOOK.md", by_directory) == ("src/payments",)
    assert owning_components("src/RUNBOOK.md", by_directory) == ("src",)
    assert owning_components("RUNBOOK.md", by_directory) == ("(root)",)
    assert owning_components("tools/RUNBOOK.md", by_directory) == ()


def test_runbook_names() -> None:
    """Full name, last segment and dashed name, lower case, without repeats."""
    assert runbook_names("src/Payments") == ("src/payments", "payments", "src-payments")
    assert runbook_names("billing") == ("billing",)
