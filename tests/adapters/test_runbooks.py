"""Tests for busfactor.adapters.runbooks: reading Markdown runbooks, finding them per component."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from busfactor.adapters.runbooks import MAX_FILE_BYTES, find_runbooks, read_runbook_document
from busfactor.core.runbooks import DAY_SECONDS, Runbook, check_runbook

NOW = int(datetime(2024, 11, 5, tzinfo=UTC).timestamp())
"""The analysed revision's date in these tests."""

GOOD = textwrap.dedent(
    """\
    ---
    component: billing
    owner: team-payments
    last_reviewed: 2024-09-01
    ---
    # Runbook: billing

    ## Overview
    Billing turns usage into invoices.

    ## Owners and escalation
    Page the payments on-call, then the payments lead.

    ## Alerts
    ### HighInvoiceLatency
    Invoices take longer than a minute to render.

    ## Common procedures
    Roll back with `deploy rollback billing`.
    """
).encode()

COMPONENTS: dict[str, list[str]] = {
    "(root)": ["README.md"],
    "billing": ["billing/app.py"],
    "src/payments": ["src/payments/api.py", "src/payments/core/ledger.py"],
}


def find(
    files: Mapping[str, bytes],
    components: Mapping[str, Sequence[str]] = COMPONENTS,
    **options: Any,
) -> tuple[list[Runbook], list[str]]:
    """find_runbooks over in-memory files; every component file exists too."""
    every = dict(files)
    for members in components.values():
        every.update({path: b"x = 1\n" for path in members if path not in every})
    return find_runbooks(components, list(every), every.get, now=NOW, **options)


def only(files: Mapping[str, bytes], **options: Any) -> Runbook:
    """The single runbook found, asserting no warnings."""
    runbooks, warnings = find(files, **options)
    assert warnings == []
    (runbook,) = runbooks
    return runbook


def yaml_bytes(*documents: object) -> bytes:
    return yaml.safe_dump_all(documents).encode()


# --- detection ------------------------------------------------------------------------------------


def test_config_path_is_checked() -> None:
    """A configured repository path is found with source "config" and checked."""
    runbook = only({"ops/billing.md": GOOD}, configured={"billing": "ops/billing.md"})
    assert runbook == Runbook("ops/billing.md", ("billing",), ("config",), "ok", (), False)


def test_config_url_is_declared_but_unverified() -> None:
    """A configured URL is external and unverified, with no problems."""
    url = "https://wiki.example.test/billing"
    runbook = only({}, configured={"billing": url})
    assert runbook == Runbook(url, ("billing",), ("config",), "unverified", (), True)


def test_missing_config_path_is_a_warning_not_a_runbook() -> None:
    """A configured path that is not in the revision gives one warning and no runbook."""
    runbooks, warnings = find({}, configured={"billing": "ops/billing.md"})
    assert runbooks == []
    assert warnings == ["runbooks.billing: ops/billing.md does not exist"]


@pytest.mark.parametrize("name", ["RUNBOOK.md", "runbook.md", "Runbook.md", "RUNBOOK.markdown"])
def test_runbook_file_inside_a_nested_component(name: str) -> None:
    """A RUNBOOK.md in any case, at any depth inside the component's directory, is found."""
    path = f"src/payments/docs/{name}"
    runbook = only({path: GOOD})
    assert (runbook.path, runbook.components, runbook.sources) == (
        path,
        ("src/payments",),
        ("component-file",),
    )


def test_root_component_only_takes_a_root_runbook() -> None:
    """(root) gets RUNBOOK.md at the top level but not one in a directory no component owns."""
    runbooks, _ = find({"RUNBOOK.md": GOOD, "tools/RUNBOOK.md": GOOD})
    assert [(runbook.path, runbook.components) for runbook in runbooks] == [
        ("RUNBOOK.md", ("(root)",))
    ]


def test_runbook_file_goes_to_the_closest_component() -> None:
    """A RUNBOOK.md in a nested component does not also count for the component around it."""
    components = {"src": ["src/main.py"], "src/payments": ["src/payments/api.py"]}
    runbook = only({"src/payments/RUNBOOK.md": GOOD}, components=components)
    assert runbook.components == ("src/payments",)


@pytest.mark.parametrize(
    ("path", "component"),
    [
        ("docs/runbooks/billing.md", "billing"),
        ("docs/runbooks/src/payments.md", "src/payments"),
        ("docs/runbooks/payments.md", "src/payments"),
        ("docs/runbooks/src-payments.md", "src/payments"),
        ("docs/runbooks/Payments.md", "src/payments"),
        ("docs/runbooks/billing/index.md", "billing"),
        ("runbooks/billing.md", "billing"),
        ("playbooks/payments.md", "src/payments"),
    ],
)
def test_runbooks_folder(path: str, component: str) -> None:
    """Runbook folders name a component by full name, last segment or dashed name, any case."""
    runbook = only({path: GOOD})
    assert (runbook.components, runbook.sources) == ((component,), ("runbooks-folder",))


def test_catalog_info_link_of_type_runbook() -> None:
    """A Backstage link with type runbook (any case) declares an external runbook."""
    catalog = yaml_bytes(
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Component",
            "metadata": {
                "name": "billing",
                "links": [
                    {"url": "https://grafana.example.test/d/1", "title": "Dashboard"},
                    {"url": "https://wiki.example.test/rb", "title": "Ops", "type": "Runbook"},
                ],
            },
        }
    )
    runbook = only({"billing/catalog-info.yaml": catalog})
    assert runbook == Runbook(
        "https://wiki.example.test/rb", ("billing",), ("catalog-info",), "unverified", (), True
    )


def test_catalog_info_link_titled_playbook() -> None:
    """A link whose title says runbook or playbook counts even without a type."""
    link = {"url": "https://wiki.example.test/pb", "title": "Incident Playbook"}
    catalog = yaml_bytes({"metadata": {"links": [link]}})
    assert only({"billing/catalog-info.yml": catalog}).path == "https://wiki.example.test/pb"


def test_catalog_info_runbook_url_annotation_with_a_url() -> None:
    """An annotation key ending in runbook-url declares its URL."""
    annotations = {"pagerduty.com/runbook-url": "https://pd.example.test/rb"}
    catalog = yaml_bytes({"metadata": {"annotations": annotations}})
    runbook = only({"billing/catalog-info.yaml": catalog})
    assert (runbook.path, runbook.status, runbook.external) == (
        "https://pd.example.test/rb",
        "unverified",
        True,
    )


def test_catalog_info_runbook_url_annotation_with_a_relative_path() -> None:
    """A relative annotation path resolves against the catalog file's directory and is checked."""
    annotations = {"backstage.io/runbook-url": "./docs/ops.md"}
    files = {
        "src/payments/catalog-info.yaml": yaml_bytes({"metadata": {"annotations": annotations}}),
        "src/payments/docs/ops.md": GOOD,
    }
    runbook = only(files)
    assert runbook == Runbook(
        "src/payments/docs/ops.md", ("src/payments",), ("catalog-info",), "ok", (), False
    )


def test_catalog_info_with_several_documents() -> None:
    """Every entity of a multi-document catalog-info.yaml is read."""
    first = {"kind": "System", "metadata": {"name": "pay"}}
    second = {"metadata": {"annotations": {"backstage.io/runbook-url": "https://x.test/rb"}}}
    assert (
        only({"billing/catalog-info.yaml": yaml_bytes(first, second)}).path == "https://x.test/rb"
    )


@pytest.mark.parametrize(
    "document",
    [
        {"tools": [{"name": "Runbook", "category": "runbooks", "url": "https://ol.test/rb"}]},
        {
            "version": 1,
            "service": {"tools": [{"category": "Runbooks", "url": "https://ol.test/rb"}]},
        },
    ],
)
def test_opslevel_tools(document: dict[str, Any]) -> None:
    """OpsLevel tools in the runbooks category, top level or under `service:`, are runbooks."""
    runbook = only({"billing/opslevel.yml": yaml_bytes(document)})
    assert (runbook.path, runbook.sources) == ("https://ol.test/rb", ("opslevel",))


@pytest.mark.parametrize(
    "document",
    [
        {"x-cortex-link": [{"name": "RB", "type": "RUNBOOK", "url": "https://cx.test/rb"}]},
        {"info": {"x-cortex-link": [{"type": "runbook", "url": "https://cx.test/rb"}]}},
    ],
)
def test_cortex_links(document: dict[str, Any]) -> None:
    """Cortex x-cortex-link entries of type RUNBOOK, top level or under `info:`, are runbooks."""
    runbook = only({"billing/cortex.yaml": yaml_bytes(document)})
    assert (runbook.path, runbook.sources) == ("https://cx.test/rb", ("cortex",))


def test_other_links_are_not_runbooks() -> None:
    """Dashboards, other tool categories and link types declare nothing."""
    files = {
        "billing/opslevel.yml": yaml_bytes(
            {"tools": [{"category": "metrics", "url": "https://m"}]}
        ),
        "billing/cortex.yaml": yaml_bytes({"x-cortex-link": [{"type": "DASHBOARD", "url": "u"}]}),
        "billing/catalog-info.yaml": yaml_bytes({"metadata": {"links": [{"url": "https://d"}]}}),
    }
    assert find(files) == ([], [])


def test_one_runbook_serving_two_components() -> None:
    """Two rules naming the same file for different components merge into one runbook."""
    files = {"runbooks/payments.md": GOOD}
    runbook = only(files, configured={"billing": "runbooks/payments.md"})
    assert runbook.components == ("billing", "src/payments")
    assert runbook.sources == ("config", "runbooks-folder")


def test_runbooks_are_sorted_by_path() -> None:
    """The result lists runbooks by path, URLs and files alike."""
    files = {"billing/RUNBOOK.md": GOOD, "docs/runbooks/payments.md": GOOD}
    runbooks, _ = find(files, configured={"(root)": "https://a.test/rb"})
    assert [runbook.path for runbook in runbooks] == sorted(runbook.path for runbook in runbooks)
    assert len(runbooks) == 3


# --- quality --------------------------------------------------------------------------------------


def test_good_runbook_is_ok() -> None:
    """The template's sections, filled in and reviewed recently: status ok, no problems."""
    runbook = only({"billing/RUNBOOK.md": GOOD})
    assert (runbook.status, runbook.problems) == ("ok", ())


def test_missing_escalation_makes_it_weak() -> None:
    """Without an escalation heading the runbook is weak, with the exact problem text."""
    text = GOOD.replace(b"## Owners and escalation", b"## Notes")
    runbook = only({"billing/RUNBOOK.md": text})
    assert (runbook.status, runbook.problems) == ("weak", ("missing sections: escalation",))


def test_placeholders_make_it_weak() -> None:
    """Template placeholders left in the text make the runbook weak and are named."""
    text = GOOD + b"\n### <AlertName>\nTODO: describe the impact.\n"
    runbook = only({"billing/RUNBOOK.md": text})
    assert runbook.problems == ("template placeholders left: <AlertName>, TODO",)


def test_stale_by_last_reviewed() -> None:
    """A front matter `last_reviewed` over a year before the revision makes it weak."""
    text = GOOD.replace(b"2024-09-01", b"2023-10-01")
    runbook = only({"billing/RUNBOOK.md": text})
    assert runbook.problems == ("not reviewed for 401 days (last_reviewed 2023-10-01)",)


def test_stale_by_last_commit() -> None:
    """Without `last_reviewed`, the last commit touching the file measures its age."""
    text = GOOD.replace(b"last_reviewed: 2024-09-01\n", b"")
    runbook = only(
        {"billing/RUNBOOK.md": text},
        last_commit={"billing/RUNBOOK.md": NOW - 400 * DAY_SECONDS}.get,
        max_age_days=180,
    )
    assert runbook.problems == ("not reviewed for 400 days (last commit 2023-10-02)",)


def test_fresh_by_last_commit_is_ok() -> None:
    """A recent last commit and no `last_reviewed`: not stale."""
    text = GOOD.replace(b"last_reviewed: 2024-09-01\n", b"")
    runbook = only({"billing/RUNBOOK.md": text}, last_commit=lambda path: NOW - DAY_SECONDS)
    assert runbook.status == "ok"


def test_empty_runbook_is_weak() -> None:
    """A file with only headings is weak: empty."""
    text = b"# Overview\n## Alerts\n## Procedures\n## Escalation\n"
    assert only({"billing/RUNBOOK.md": text}).problems == ("empty: no text beyond headings",)


def test_unreadable_and_non_markdown_runbooks() -> None:
    """A configured file that cannot be read is weak; a non-Markdown one stays unverified."""
    files = {"ops/billing.pdf": b"%PDF-1.7"}
    runbook = only(files, configured={"billing": "ops/billing.pdf"})
    assert (runbook.status, runbook.problems) == ("unverified", ("not Markdown, not checked",))
    runbooks, _ = find_runbooks(
        COMPONENTS, ["ops/gone.md"], {}.get, configured={"billing": "ops/gone.md"}, now=NOW
    )
    assert (runbooks[0].status, runbooks[0].problems) == ("weak", ("could not be read",))


# --- robustness and warnings ----------------------------------------------------------------------


def test_malformed_yaml_is_a_one_line_warning() -> None:
    """A catalog file that is not YAML is skipped with one warning line naming it."""
    runbooks, warnings = find({"billing/catalog-info.yaml": b"metadata: [unclosed\n  links: {"})
    assert runbooks == []
    (warning,) = warnings
    assert warning.startswith("billing/catalog-info.yaml: malformed YAML")
    assert "\n" not in warning


def test_oversized_files_are_skipped_with_a_warning() -> None:
    """Catalog files and runbooks over 1 MiB are not read; each gets a warning."""
    big = b"# x\n" + b"a" * MAX_FILE_BYTES
    runbooks, warnings = find({"billing/opslevel.yml": big, "docs/runbooks/payments.md": big})
    assert warnings == [
        "billing/opslevel.yml: larger than 1 MiB, not read",
        "docs/runbooks/payments.md: larger than 1 MiB, not checked",
    ]
    assert [runbook.status for runbook in runbooks] == ["weak"]


def test_paths_escaping_the_repository_are_ignored() -> None:
    """A reference climbing out of the repository is ignored with a warning."""
    annotations = {"backstage.io/runbook-url": "../../../etc/passwd"}
    files = {"billing/catalog-info.yaml": yaml_bytes({"metadata": {"annotations": annotations}})}
    runbooks, warnings = find(files, configured={"src/payments": "../outside.md"})
    assert runbooks == []
    assert warnings == [
        "runbooks.src/payments: ../outside.md is not a path inside the repository, ignored",
        "billing/catalog-info.yaml: ../../../etc/passwd is not a path inside the repository, "
        "ignored",
    ]


def test_unsafe_yaml_tags_are_not_constructed() -> None:
    """Python object tags are refused by safe_load: a warning, nothing executed."""
    hostile = b"!!python/object/apply:os.system ['echo pwned']\n"
    runbooks, warnings = find({"billing/cortex.yaml": hostile})
    assert runbooks == []
    assert warnings[0].startswith("billing/cortex.yaml: malformed YAML")


# --- reading one document -------------------------------------------------------------------------


def test_read_document_headings_front_matter_and_text() -> None:
    """Headings of every level as written, `last_reviewed` as an ISO date, non-empty."""
    document = read_runbook_document(GOOD)
    assert document.headings == (
        "Runbook: billing",
        "Overview",
        "Owners and escalation",
        "Alerts",
        "HighInvoiceLatency",
        "Common procedures",
    )
    assert (document.last_reviewed, document.empty, document.placeholders) == (
        "2024-09-01",
        False,
        (),
    )


@pytest.mark.parametrize(
    ("front", "reviewed"),
    [
        ("last-reviewed: 2024-02-03", "2024-02-03"),
        ("reviewed: '2024-02-03'", "2024-02-03"),
        ("last_reviewed: 2024-02-03T10:00:00Z", "2024-02-03"),
        ("last_reviewed: next week", None),
        ("last_reviewed: [", None),
        ("- just a list", None),
    ],
)
def test_read_document_review_date(front: str, reviewed: str | None) -> None:
    """Review dates come from three keys; broken or non-mapping front matter gives None."""
    document = read_runbook_document(f"---\n{front}\n---\n# Overview\ntext\n".encode())
    assert document.last_reviewed == reviewed
    assert document.headings == ("Overview",)


def test_html_tags_are_not_placeholders() -> None:
    """<br>, <details>, <summary>, autolinks and HTML comments are not placeholders."""
    text = b"# Overview\nline<br>\n\n<details>\n<summary>More</summary>\n\nx\n</details>\n\n"
    text += b"See <https://example.test/x> or <ops@example.test>. <!-- note -->\n"
    assert read_runbook_document(text).placeholders == ()


def test_placeholders_in_markdown() -> None:
    """Front matter values, headings, prose and raw HTML are searched, in order, once each."""
    text = b"---\nowner: <team>\n---\n# Runbook: {{component}}\n### <AlertName>\n"
    text += b"TBD. Lorem ipsum. Ask <team>.\n\n<div><service></div>\n"
    assert read_runbook_document(text).placeholders == (
        "<team>",
        "{{component}}",
        "<AlertName>",
        "TBD",
        "Lorem ipsum",
        "<service>",
    )


def test_code_is_not_searched_for_placeholders() -> None:
    """Code spans and blocks hold commands with <args> and {fields}, not leftovers."""
    text = b"# Steps\nRun `kubectl logs <pod>`.\n\n```sh\ncurl {host}/health  # TODO\n```\n"
    assert read_runbook_document(text).placeholders == ()


@pytest.mark.parametrize(
    "data", [b"", b"---\nlast_reviewed: 2024-01-01\n---\n# A\n## B\n", b"# A\n<!-- fill -->\n"]
)
def test_empty_documents(data: bytes) -> None:
    """Nothing but front matter, headings or comments is empty."""
    assert read_runbook_document(data).empty


def test_nul_bytes_give_an_empty_document() -> None:
    """Binary content is read as an empty document."""
    assert read_runbook_document(b"# Overview\x00\x01") == read_runbook_document(b"")
    assert read_runbook_document(b"\x00").empty


@given(st.binary(max_size=2000))
def test_read_runbook_document_never_raises(data: bytes) -> None:
    """Any bytes at all give a RunbookDocument."""
    document = read_runbook_document(data)
    assert isinstance(document.empty, bool)


MARKDOWN_PIECES = st.sampled_from(
    ["---\n", "# Overview\n", "## Alerts\n", "last_reviewed: 2024-02-30\n", "TODO ", "<team>",
     "{x}", "```\n", "<details>", "<!--", "> ", "- ", "    code\n", "\n", "reviewed: [\n", "\x00",
     "\ufeff", "\r\n", "***", "[a]: <b>\n", "&lt;x&gt;"]
)  # fmt: skip


@given(st.lists(MARKDOWN_PIECES | st.text(max_size=10), max_size=30))
def test_read_runbook_document_never_raises_on_markdownish_text(pieces: list[str]) -> None:
    """Text built from Markdown and front matter fragments always reads."""
    read_runbook_document("".join(pieces).encode("utf-8", "surrogatepass"))


YAML_KEYS = st.sampled_from(
    ["metadata", "links", "annotations", "backstage.io/runbook-url", "type", "url", "title",
     "tools", "category", "service", "info", "x-cortex-link"]
)  # fmt: skip
YAML_VALUES = st.sampled_from(
    ["runbook", "RUNBOOK", "runbooks", "playbook", "https://x.test/rb", "./RUNBOOK.md", "../../x",
     "/", ".", "#", "", "url:https://y.test", "RUNBOOK.md"]
)  # fmt: skip
YAML_TREES = st.recursive(
    YAML_VALUES | st.text(max_size=8) | st.integers() | st.none() | st.dates(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(YAML_KEYS, inner, max_size=4),
    max_leaves=20,
)
CONTENTS = (
    st.binary(max_size=300)
    | st.text(max_size=300).map(str.encode)
    | YAML_TREES.map(lambda tree: yaml.safe_dump(tree, default_flow_style=False).encode())
    | st.lists(MARKDOWN_PIECES, max_size=20).map(lambda parts: "".join(parts).encode())
)
FILE_NAMES = (
    "billing/catalog-info.yaml",
    "billing/opslevel.yml",
    "billing/cortex.yaml",
    "billing/RUNBOOK.md",
    "src/payments/catalog-info.yml",
    "docs/runbooks/payments.md",
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({name: CONTENTS for name in FILE_NAMES}), YAML_VALUES)
def test_find_runbooks_never_raises(files: dict[str, bytes], configured: str) -> None:
    """Arbitrary YAML and Markdown in every file it reads: results and warnings, no exception."""
    runbooks, warnings = find(files, configured={"billing": configured})
    assert all(runbook.status in ("ok", "weak", "unverified") for runbook in runbooks)
    assert all(len(warning.splitlines()) == 1 for warning in warnings)
    assert [runbook.path for runbook in runbooks] == sorted({r.path for r in runbooks})


@pytest.mark.parametrize(
    ("front", "problem"),
    [
        (
            "last_reviewed: 2024-02-30",
            "unreadable front matter (an impossible date: day is out of range for month)",
        ),
        ("last_reviewed: soon", "last_reviewed 'soon' is not a date (YYYY-MM-DD)"),
        ("reviewed: [2024]", "reviewed '[2024]' is not a date (YYYY-MM-DD)"),
        ("- a list", "unreadable front matter (not a mapping)"),
    ],
)
def test_a_review_date_that_cannot_be_read_is_a_problem(front: str, problem: str) -> None:
    """An impossible date made the whole front matter unreadable, and the runbook fell back to
    its last commit's date without a word."""
    body = "# Runbook\n## Overview\nx\n## Alerts\nx\n## Procedures\nx\n## Escalation\nx\n"
    doc = read_runbook_document(f"---\n{front}\n---\n{body}".encode())
    assert doc.last_reviewed is None
    assert check_runbook(doc, last_commit=NOW, now=NOW, max_age_days=365) == (problem,)
