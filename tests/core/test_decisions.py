"""Tests for busfactor.core.decisions: statuses, supersession links and links to code."""

from __future__ import annotations

from dataclasses import replace

import pytest

from busfactor.core.decisions import (
    STATUSES,
    Decision,
    id_from_filename,
    link_mention,
    link_targets,
    local_id,
    normalise_status,
    path_like_words,
    resolve_links,
)


def decision(path: str, *, status: str = "accepted", id: str | None = None) -> Decision:
    """A decision read from path, with its id from the file name unless given."""
    folder, _, name = path.rpartition("/")
    return Decision(
        id=id or id_from_filename(name),
        title=name,
        status=status,
        status_raw=status if status != "unknown" else "",
        date=None,
        path=path,
        supersedes=(),
        superseded_by=(),
        deciders=(),
        consulted=(),
        informed=(),
        mentions=(),
        folder=folder,
    )


def by_id(decisions: list[Decision]) -> dict[str, Decision]:
    """Decisions keyed by id."""
    return {d.id: d for d in decisions}


# --- statuses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Accepted", "accepted"),
        ("accepted on 2024-01-01", "accepted"),
        ("**ACCEPTED**", "accepted"),
        ("Approved", "accepted"),
        ("proposed", "proposed"),
        ("Under review", "proposed"),
        ("Rejected", "rejected"),
        ("deprecated", "deprecated"),
        ("Superseded", "superseded"),
        ("Superceded by [3. Use PostgreSQL](0003-use-postgresql.md)", "superseded"),
        ("superseded by ADR-0005", "superseded"),
        ("Replaced by ADR-7", "superseded"),
        ("Draft", "draft"),
        ("WIP", "draft"),
        ("Status: accepted", "accepted"),
        ("on hold", "unknown"),
        ("maybe later", "unknown"),
        ("", "unknown"),
        ("   ", "unknown"),
    ],
)
def test_normalise_status(raw: str, expected: str) -> None:
    """A status text maps case-insensitively to the canonical status it starts with."""
    assert normalise_status(raw) == expected
    assert expected in STATUSES


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("0001-record-architecture-decisions.md", "1"),
        ("0000-use-markdown.md", "0"),
        ("0012.md", "12"),
        ("ADR-0042-use-kafka.md", "42"),
        ("20240501-use-postgres.md", "20240501-use-postgres"),
        ("use-postgres.md", "use-postgres"),
        ("12factor.md", "12factor"),
        ("20241399-not-a-date.md", "20241399"),
    ],
)
def test_id_from_filename(name: str, expected: str) -> None:
    """Ids are the log4brains slug, else the leading number without zeros, else the stem."""
    assert id_from_filename(name) == expected


# --- supersession ----------------------------------------------------------------------------


def test_links_are_mirrored_in_both_directions() -> None:
    """If 3 supersedes 1, then 1 is superseded by 3 although 1's file says nothing."""
    decisions = [decision(f"docs/adr/000{n}-x{n}.md", status="unknown") for n in (1, 2, 3)]
    resolved = by_id(resolve_links(decisions, {"3": (["0001-x1.md"], [])}))
    assert resolved["3"].supersedes == ("1",)
    assert resolved["1"].superseded_by == ("3",)
    assert resolved["1"].status == "superseded"
    assert resolved["2"].status == "unknown"
    assert resolved["3"].status == "unknown"


def test_superseded_status_never_overrides_an_explicit_one() -> None:
    """A superseded decision keeps an explicit status; only an unknown one becomes superseded."""
    decisions = [
        decision("adr/0001-a.md", status="deprecated"),
        decision("adr/0002-b.md", status="unknown"),
        decision("adr/0003-c.md"),
    ]
    resolved = by_id(resolve_links(decisions, {"3": (["1", "2"], [])}))
    assert resolved["1"].status == "deprecated"
    assert resolved["2"].status == "superseded"
    assert resolved["1"].superseded_by == resolved["2"].superseded_by == ("3",)


@pytest.mark.parametrize(
    "target",
    ["0002-use-x.md", "./0002-use-x.md", "../adr/0002-use-x.md#status", "ADR-0002", "0002", "2"],
)
def test_targets_in_every_written_form_resolve(target: str) -> None:
    """A link file name, a relative link, "ADR-NNNN", "NNNN" and "N" all name decision 2."""
    decisions = [decision("docs/adr/0002-use-x.md"), decision("docs/adr/0005-use-y.md")]
    resolved = by_id(resolve_links(decisions, {"5": ([], [target])}))
    assert resolved["5"].superseded_by == ("2",)
    assert resolved["2"].supersedes == ("5",)


def test_log4brains_slugs_resolve() -> None:
    """A log4brains slug names the decision whose id it is."""
    decisions = [decision("docs/adr/20240101-use-kafka.md"), decision("docs/adr/20240601-nats.md")]
    resolved = by_id(resolve_links(decisions, {"20240601-nats": (["20240101-use-kafka"], [])}))
    assert resolved["20240101-use-kafka"].superseded_by == ("20240601-nats",)


def test_targets_resolve_in_the_same_folder_first() -> None:
    """ "1" from billing's folder is billing's decision 1, not the other service's."""
    decisions = [
        decision("billing/docs/adr/0001-a.md", id="billing/docs/adr:1"),
        decision("billing/docs/adr/0002-b.md", id="billing/docs/adr:2"),
        decision("search/docs/adr/0001-c.md", id="search/docs/adr:1"),
    ]
    resolved = by_id(resolve_links(decisions, {"billing/docs/adr:2": (["1"], [])}))
    assert resolved["billing/docs/adr:2"].supersedes == ("billing/docs/adr:1",)
    assert resolved["search/docs/adr:1"].superseded_by == ()
    assert local_id(resolved["search/docs/adr:1"]) == "1"


def test_ambiguous_and_unknown_targets_are_dropped_and_reported() -> None:
    """A number two other folders share, a missing file and a self-link link nothing."""
    decisions = [
        decision("a/adr/0001-a.md", id="a/adr:1"),
        decision("b/adr/0001-b.md", id="b/adr:1"),
        decision("c/adr/0007-c.md", id="c/adr:7"),
    ]
    reported: list[tuple[str, str]] = []
    links = {"c/adr:7": (["1", "0009-gone.md", "7"], [])}
    resolved = resolve_links(
        decisions, links, on_unresolved=lambda d, target: reported.append((d.id, target))
    )
    assert all(not d.supersedes and not d.superseded_by for d in resolved)
    assert reported == [("c/adr:7", "1"), ("c/adr:7", "0009-gone.md")]


def test_links_already_on_decisions_are_kept_and_mirrored() -> None:
    """Ids already in supersedes are kept and their reverse edge added."""
    first, second = decision("adr/0001-a.md"), decision("adr/0002-b.md")
    resolved = by_id(resolve_links([first, replace(second, supersedes=("1",))], {}))
    assert resolved["1"].superseded_by == ("2",)
    assert resolved["2"].supersedes == ("1",)


# --- links to code -----------------------------------------------------------------------------

PATHS = (
    "README.md",
    "services/billing/api.py",
    "services/billing/db/schema.sql",
    "services/search/index.py",
    "libs/core/util.py",
    "web/app.ts",
)
COMPONENTS = ("services/billing", "services/search", "libs/core", "web", "(root)")


def targets(*mentions: str) -> tuple[list[str], list[str]]:
    """link_targets over the sample repository."""
    return link_targets(mentions, PATHS, COMPONENTS)


def test_a_file_path_links_that_file() -> None:
    """A mention equal to a file path, with or without "./" or "/", links that file."""
    assert targets("services/billing/api.py") == (["services/billing/api.py"], [])
    assert targets("./web/app.ts", "/libs/core/util.py") == (
        ["libs/core/util.py", "web/app.ts"],
        [],
    )


def test_a_directory_links_every_file_below_it() -> None:
    """A directory, with or without its trailing slash, links every file below it."""
    expected = ["services/billing/api.py", "services/billing/db/schema.sql"]
    assert targets("services/billing/")[0] == expected
    assert targets("services/billing") == (expected, ["services/billing"])


def test_a_glob_links_the_files_it_matches() -> None:
    """A glob links the files it matches; one without "/" matches basenames at any depth."""
    assert targets("services/*/*.py") == (
        ["services/billing/api.py", "services/search/index.py"],
        [],
    )
    assert targets("*.sql") == (["services/billing/db/schema.sql"], [])


def test_a_component_is_linked_by_name_or_unambiguous_last_segment() -> None:
    """A component matches by full name, or by its last segment when no other shares it."""
    assert targets("web") == (["web/app.ts"], ["web"])
    assert targets("billing") == ([], ["services/billing"])
    assert link_targets(["core"], PATHS, ("libs/core", "src/core")) == ([], [])


def test_urls_short_and_everything_mentions_match_nothing() -> None:
    """URLs, mentions under three characters and ".", "/", "*", "**", "**/*" link nothing."""
    mentions = ["https://example.test/web/app.ts", "ui", ".", "/", "*", "**", "**/*", "./"]
    assert targets(*mentions) == ([], [])


def test_no_match_links_nothing_and_matching_is_case_sensitive() -> None:
    """Mentions naming nothing in the repository, or differing in case, link nothing."""
    assert targets("services/payments/", "Web/App.ts", "Billing", "kafka") == ([], [])


def test_line_suffixes_are_ignored() -> None:
    """A "path:line" or "path#L10" mention still names its file."""
    assert targets("web/app.ts:12", "libs/core/util.py#L3-L9")[0] == [
        "libs/core/util.py",
        "web/app.ts",
    ]


# --- what counts as a mention ----------------------------------------------------------------


def test_path_like_words_in_prose() -> None:
    """Words with "/" or a known extension count, stripped of punctuation; others do not."""
    prose = "See (services/billing/), api.py, Node.js and e.g. https://x.test/a or ada@x.test."
    assert path_like_words(prose) == ["services/billing/", "api.py", "Node.js"]


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("../../src/app.py", "src/app.py"),
        ("../../src/app.py#L3", "src/app.py"),
        ("/web/", "web/"),
        ("caf%C3%A9.txt", "docs/adr/café.txt"),
        ("0002-other-record.md", None),
        ("../guide.md", "docs/guide.md"),
        ("https://example.test/src/app.py", None),
        ("mailto:ada@example.test", None),
        ("#status", None),
        ("../../../outside.py", None),
    ],
)
def test_link_mention(href: str, expected: str | None) -> None:
    """A relative link becomes a repository path; URLs, anchors, escapes and ADR links do not."""
    assert link_mention(href, "docs/adr/0001-x.md", "docs/adr") == expected
