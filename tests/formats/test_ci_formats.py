"""CI formats: SARIF against the official schema and GitHub's rules, GitHub workflow commands,
GitLab Code Quality and JUnit XML, on a small hand-built list of findings."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from busfactor.core.findings import RULE_INFO, RULES, Finding, RuleInfo
from busfactor.formats.ci import (
    github_escape_data,
    github_escape_property,
    render_github,
    render_gitlab,
    render_junit,
)
from busfactor.formats.sarif import FALLBACK_PATH, path_uri, render_sarif

jsonschema = pytest.importorskip("jsonschema")

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "sarif-schema-2.1.0.json"
NON_UTF8 = os.fsdecode(b"caf\xe9")

FINDINGS = [
    Finding(
        "missing-runbook",
        "error",
        "services/billing: no runbook (bus factor 1)",
        component="services/billing",
        location=("services/billing/app.py", 1),
    ),
    Finding(
        "weak-runbook",
        "error",
        "services/search: runbook is weak: 100% placeholders, no alerts\r\nsee owners",
        component="services/search",
        path="services/search/RUNBOOK.md",
        location=("services/search/RUNBOOK.md", 1),
    ),
    Finding(
        "single-owner",
        "warning",
        "services/billing: bus factor 1, Ada holds most of its knowledge",
        component="services/billing",
        person="ada@example.com",
        location=("services/billing/app.py", 1),
    ),
    Finding(
        "orphaned-decision",
        "warning",
        "decision 0002 (Use Postgres): everyone who wrote or made it is inactive or gone (Bob)",
        path="docs/adr/0002 use postgres.md",
        location=("docs/adr/0002 use postgres.md", 1),
    ),
    Finding(
        "undocumented-hotspot",
        "warning",
        "café: 14 recent commits, bus factor 1, and no decision record mentions it",
        component="café",
        location=("café/menu a.py", 1),
    ),
    Finding(
        "knowledge-lost",
        "warning",
        "legacy: 3 of 4 files are authored only by people who are no longer active",
        component="legacy",
    ),
    Finding(
        "weak-runbook",
        "warning",
        "ops: runbook https://wiki.example.com/ops is weak: fails its checks",
        component="ops",
        path="https://wiki.example.com/ops",
    ),
    Finding(
        "knowledge-lost",
        "info",
        "legacy/tools: 1 of 2 files are authored only by people who are no longer active",
        component="legacy/tools",
        location=("legacy/tools/run.sh", 7),
    ),
]
CODEOWNERS_FINDINGS = [
    Finding(
        "codeowners-inactive",
        "warning",
        "@carol owns /api/ but is inactive",
        path=".github/CODEOWNERS",
        person="carol@example.com",
        location=(".github/CODEOWNERS", 2),
    ),
    Finding(
        "codeowners-mismatch",
        "warning",
        "/api/: its owners (@carol) author none of its 2 files",
        path=".github/CODEOWNERS",
        location=(".github/CODEOWNERS", 2),
    ),
    Finding(
        "codeowners-uncovered",
        "error",
        "jobs: bus factor 1, and no CODEOWNERS rule gives it an owner",
        component="jobs",
        path=".github/CODEOWNERS",
        location=(".github/CODEOWNERS", 1),
    ),
]
"""Kept apart so the hand-checked outputs above stay short; they join the schema checks."""
"""Every rule, every severity, two findings without a location (one with a URL path)."""


def findings() -> list[dict[str, Any]]:
    """The findings as the JSON contract has them."""
    return [finding.as_dict() for finding in FINDINGS]


def sarif(items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The SARIF log of `items` (default: every finding) as parsed JSON."""
    every = findings() + [finding.as_dict() for finding in CODEOWNERS_FINDINGS]
    out = render_sarif(every if items is None else items, version="0.1.0", rules=RULE_INFO)
    log: dict[str, Any] = json.loads(out)
    return log


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


@pytest.fixture(scope="module")
def validator() -> Any:
    """A validator for the OASIS SARIF 2.1.0 schema that also checks `uri`/`uri-reference`."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    checker = jsonschema.FormatChecker()
    assert checker.conforms("a b", "uri-reference") is False, "rfc3986-validator is missing"
    return jsonschema.Draft4Validator(schema, format_checker=checker)


def test_fixture_covers_every_rule_and_severity() -> None:
    """The hand-built findings use every rule and every severity."""
    assert {f.rule for f in FINDINGS + CODEOWNERS_FINDINGS} == set(RULES)
    assert {f.severity for f in FINDINGS} == {"info", "warning", "error"}


def test_sarif_validates_against_the_official_schema(validator: Any) -> None:
    """The log, with every rule, spaces, non-ASCII and location-less findings, is valid SARIF."""
    errors = [error.message for error in validator.iter_errors(sarif())]
    assert errors == []


def test_the_schema_check_is_not_vacuous(validator: Any) -> None:
    """The validator rejects an unencoded space in a uri and a result without a message."""
    log = sarif()
    physical = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    physical["artifactLocation"]["uri"] = "a b.py"
    del log["runs"][0]["results"][1]["message"]
    assert len(list(validator.iter_errors(log))) == 2


def test_sarif_meets_githubs_requirements() -> None:
    """`$schema`, one run with a category, described rules with help, one file location and
    region per result, fingerprints, no empty strings and no security severity."""
    log = sarif()
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["semanticVersion"]) == ("busfactor", "0.1.0")
    assert run["automationDetails"] == {"id": "busfactor/"}
    for rule in driver["rules"]:
        texts = (rule["shortDescription"], rule["fullDescription"], rule["help"])
        assert all(part["text"] for part in texts)
        assert rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] == "warning"
    assert len(run["results"]) == len(FINDINGS + CODEOWNERS_FINDINGS)
    for result, finding in zip(run["results"], FINDINGS + CODEOWNERS_FINDINGS, strict=True):
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"]
        assert physical["region"]["startLine"] >= 1
        assert physical["region"]["startColumn"] == 1
        assert result["partialFingerprints"] == {"busfactor/v1": finding.fingerprint}
    assert "" not in set(strings(log))
    assert not any("security-severity" in text for text in strings(log))


def test_sarif_rules_and_results_line_up() -> None:
    """Every rule is listed in RULE_INFO order; ruleIndex points at the result's rule; levels map
    error, warning, info to error, warning, note."""
    run = sarif()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(RULE_INFO)
    assert all(rule["name"] == rule["id"] for rule in rules)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for result, finding in zip(run["results"], FINDINGS + CODEOWNERS_FINDINGS, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        assert result["level"] == levels[finding.severity]
        assert result["message"]["text"] == finding.message


def test_sarif_result_golden() -> None:
    """One finding renders to exactly the expected result."""
    (result,) = sarif([FINDINGS[4].as_dict()])["runs"][0]["results"]
    assert result == {
        "ruleId": "undocumented-hotspot",
        "ruleIndex": 4,
        "level": "warning",
        "message": {"text": FINDINGS[4].message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "caf%C3%A9/menu%20a.py"},
                    "region": {"startLine": 1, "startColumn": 1},
                },
                "logicalLocations": [{"name": "café", "kind": "module"}],
            }
        ],
        "partialFingerprints": {"busfactor/v1": FINDINGS[4].fingerprint},
    }


def test_sarif_rule_golden() -> None:
    """A rule carries its id, name, descriptions, help and default level."""
    info = RuleInfo("r", "Short", "Full text.", "Do `this`.")
    log = json.loads(render_sarif([], version="1.2.3", rules={"r": info}, category="nightly"))
    (run,) = log["runs"]
    assert run["tool"]["driver"]["rules"] == [
        {
            "id": "r",
            "name": "r",
            "shortDescription": {"text": "Short"},
            "fullDescription": {"text": "Full text."},
            "help": {"text": "Do `this`.", "markdown": "Do `this`."},
            "defaultConfiguration": {"level": "warning"},
        }
    ]
    assert run["results"] == []
    assert run["automationDetails"] == {"id": "nightly/"}


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("docs/adr/0002 use postgres.md", "docs/adr/0002%20use%20postgres.md"),
        ("café/menu.py", "caf%C3%A9/menu.py"),
        (NON_UTF8 + "/x.py", "caf%E9/x.py"),
        ("a:b/c#d?e%f.md", "a%3Ab/c%23d%3Fe%25f.md"),
        ("./src/x\\y.py", "src/x%5Cy.py"),
        ("src/(root)/a-b_c~d+e@f,g.py", "src/(root)/a-b_c~d+e@f,g.py"),
    ],
)
def test_sarif_uris_are_percent_encoded(path: str, uri: str) -> None:
    """Spaces, non-ASCII, bytes that are not UTF-8 and URI delimiters are percent-encoded."""
    assert path_uri(path) == uri


def test_sarif_locationless_findings_point_at_the_fallback_file() -> None:
    """A finding without a location (or with only a URL path) points at README.md, line 1, and
    names its component as a logical location."""
    run = sarif()["runs"][0]
    for index in (5, 6):
        location = run["results"][index]["locations"][0]
        assert location["physicalLocation"] == {
            "artifactLocation": {"uri": FALLBACK_PATH},
            "region": {"startLine": 1, "startColumn": 1},
        }
        assert location["logicalLocations"] == [
            {"name": FINDINGS[index].component, "kind": "module"}
        ]
    assert run["results"][7]["locations"][0]["physicalLocation"]["region"]["startLine"] == 7


def test_sarif_is_deterministic_and_keeps_the_given_order() -> None:
    """The same findings give the same bytes; results follow the input order."""
    items = findings()
    first = render_sarif(items, version="0.1.0", rules=RULE_INFO)
    assert first == render_sarif(items, version="0.1.0", rules=RULE_INFO)
    assert first.endswith("}\n")
    reversed_log = json.loads(render_sarif(items[::-1], version="0.1.0", rules=RULE_INFO))
    messages = [r["message"]["text"] for r in reversed_log["runs"][0]["results"]]
    assert messages == [f.message for f in reversed(FINDINGS)]


def test_sarif_messages_keep_braces_and_brackets_literal() -> None:
    """SARIF §3.11.5-6: `{0}` in a message is a placeholder and `[text](url)` a link, so an
    author named `[click me](https://…)` was a link a viewer may render: both escaped. The
    schema check above holds for them too."""
    hostile = Finding(
        "single-owner",
        "warning",
        "x{0}: bus factor 1, Mal [click me](https://evil.example/login) holds most of it",
        component="x{0}",
        location=("x{0}/a.py", 1),
    )
    result = sarif([hostile.as_dict()])["runs"][0]["results"][0]
    assert result["message"]["text"] == (
        "x{{0}}: bus factor 1, Mal \\[click me\\](https://evil.example/login) holds most of it"
    )
    assert result["locations"][0]["logicalLocations"][0]["name"] == "x{0}"  # not a message


def test_sarif_refuses_an_unknown_rule() -> None:
    """A finding whose rule has no metadata is a ValueError, not an invalid log."""
    item = {"rule": "nope", "severity": "warning", "message": "m", "fingerprint": "f"}
    with pytest.raises(ValueError, match="nope"):
        render_sarif([item], version="0.1.0", rules=RULE_INFO)


def test_github_escaping_exact_strings() -> None:
    """Data escapes `%`, CR and LF; properties also escape `:` and `,`."""
    assert github_escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert github_escape_property("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext%3A a%2Cb"
    assert github_escape_data("%0A") == "%250A"


def test_github_golden() -> None:
    """Worst first, one command per finding, escaped; no location means no file or line."""
    out = render_github(findings())
    assert out.splitlines(keepends=True) == [
        "::error file=services/billing/app.py,line=1,title=missing-runbook::"
        "services/billing: no runbook (bus factor 1)\n",
        "::error file=services/search/RUNBOOK.md,line=1,title=weak-runbook::"
        "services/search: runbook is weak: 100%25 placeholders, no alerts%0D%0Asee owners\n",
        "::warning file=services/billing/app.py,line=1,title=single-owner::"
        "services/billing: bus factor 1, Ada holds most of its knowledge\n",
        "::warning file=docs/adr/0002 use postgres.md,line=1,title=orphaned-decision::"
        "decision 0002 (Use Postgres): everyone who wrote or made it is inactive or gone (Bob)\n",
        "::warning file=café/menu a.py,line=1,title=undocumented-hotspot::"
        "café: 14 recent commits, bus factor 1, and no decision record mentions it\n",
        "::warning title=knowledge-lost::"
        "legacy: 3 of 4 files are authored only by people who are no longer active\n",
        "::warning title=weak-runbook::"
        "ops: runbook https://wiki.example.com/ops is weak: fails its checks\n",
        "::notice file=legacy/tools/run.sh,line=7,title=knowledge-lost::"
        "legacy/tools: 1 of 2 files are authored only by people who are no longer active\n",
    ]


def test_github_sorts_worst_first() -> None:
    """Errors come before warnings before notices whatever the input order."""
    out = render_github(findings()[::-1])
    commands = [line.split(" ", 1)[0] for line in out.splitlines()]
    assert commands == ["::error"] * 2 + ["::warning"] * 5 + ["::notice"]


def test_github_property_values_are_escaped() -> None:
    """A path with `:` and `,` and a newline stays one property; control characters show as
    escapes."""
    item = Finding(
        "weak-runbook", "warning", "bad\x1b[31m", path="a:b,c\nd.md", location=("a:b,c\nd.md", 3)
    ).as_dict()
    assert render_github([item]) == (
        "::warning file=a%3Ab%2Cc%0Ad.md,line=3,title=weak-runbook::bad\\x1b[31m\n"
    )


def test_github_shows_bidi_marks_instead_of_obeying_them() -> None:
    """A right-to-left override in a name or path would make the log line read otherwise
    (`txt.exe` shown as `exe.txt`): it appears as `\\u202e`, as in the text format."""
    item = Finding(
        "single-owner", "warning", "Rita \u202etxt.exe", path="r\u202eev/x.py", location=None
    ).as_dict()
    line = render_github([item])
    assert "\u202e" not in line
    assert line == "::warning file=r\\u202eev/x.py,line=1,title=single-owner::Rita \\u202etxt.exe\n"


def test_github_limits_each_level_and_keeps_summaries_visible() -> None:
    """At most 10 annotations per level; a truncated level gets one summary notice, and notices
    with their summaries stay within 10."""
    items = (
        [Finding("missing-runbook", "error", f"e{i}", component=f"e{i}") for i in range(12)]
        + [Finding("single-owner", "warning", f"w{i}", component=f"w{i}") for i in range(3)]
        + [Finding("knowledge-lost", "info", f"i{i}", component=f"i{i}") for i in range(12)]
    )
    lines = render_github([item.as_dict() for item in items]).splitlines()
    commands = [line.split("::", 2)[1].split(" ")[0] for line in lines]
    assert commands.count("error") == 10
    assert commands.count("warning") == 3
    assert commands.count("notice") == 10
    assert lines[-2:] == [
        "::notice::2 more error findings: see the busfactor report",
        "::notice::4 more info findings: see the busfactor report",
    ]
    assert [line.rsplit("::", 1)[1] for line in lines[:10]] == [f"e{i}" for i in range(10)]


def test_github_limit_is_configurable() -> None:
    """A smaller limit keeps fewer annotations per level and says how many more there are."""
    lines = render_github(findings(), limit_per_level=1).splitlines()
    assert [line.split(" ", 1)[0] for line in lines[:2]] == ["::error", "::warning"]
    assert lines[2:] == [
        "::notice::1 more error finding: see the busfactor report",
        "::notice::4 more warning findings: see the busfactor report",
        "::notice::1 more info finding: see the busfactor report",
    ]
    out = render_github(findings(), limit_per_level=3)
    assert out.count("::warning") == 3
    assert out.endswith("::notice::2 more warning findings: see the busfactor report\n")


def test_github_empty() -> None:
    """No findings, no commands."""
    assert render_github([]) == ""


def test_gitlab_shape_and_mapping() -> None:
    """Each entry has exactly GitLab's fields with the documented severity mapping and the
    fallback path for location-less findings."""
    entries = json.loads(render_gitlab(findings()))
    assert isinstance(entries, list)
    assert len(entries) == len(FINDINGS)
    severities = {"error": "critical", "warning": "major", "info": "info"}
    for entry, finding in zip(entries, FINDINGS, strict=True):
        assert set(entry) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert entry["description"] == finding.message
        assert entry["check_name"] == finding.rule
        assert entry["fingerprint"] == finding.fingerprint
        assert entry["severity"] == severities[finding.severity]
        assert entry["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert set(entry["location"]) == {"path", "lines"}
        assert entry["location"]["lines"]["begin"] >= 1
        expected = finding.location[0] if finding.location else FALLBACK_PATH
        assert entry["location"]["path"] == expected
    assert entries[7]["location"]["lines"] == {"begin": 7}


def test_gitlab_fingerprints_are_unique_and_deterministic() -> None:
    """Repeated fingerprints get `-2`, `-3` in order, never taking another entry's value."""
    base = findings()[0]
    items = [
        base,
        base,
        {**base, "fingerprint": base["fingerprint"] + "-2"},
        base,
        findings()[1],
    ]
    entries = json.loads(render_gitlab(items))
    fingerprints = [entry["fingerprint"] for entry in entries]
    first = base["fingerprint"]
    assert fingerprints == [
        first,
        f"{first}-3",
        f"{first}-2",
        f"{first}-4",
        FINDINGS[1].fingerprint,
    ]
    assert render_gitlab(items) == render_gitlab(items)
    assert render_gitlab([]) == "[]\n"


def junit_checks() -> list[dict[str, Any]]:
    """Three checks, two failed, one about the whole repository."""
    return [
        {
            "rule": "single-owner",
            "component": "services/billing",
            "passed": False,
            "message": "Ada holds 9 of 11 files",
        },
        {"rule": "single-owner", "component": "services/search", "passed": True, "message": ""},
        {
            "rule": "missing-runbook",
            "component": None,
            "passed": False,
            "message": "no runbook <for> \"all\" & 'sundry'",
        },
    ]


def test_junit_parses_and_counts() -> None:
    """Suite and case counts, names, classnames and failures are right and the XML parses."""
    out = render_junit(junit_checks())
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert out.endswith("</testsuites>\n")
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("name"), root.get("tests"), root.get("failures")) == ("busfactor", "3", "2")
    (suite,) = root
    assert dict(suite.attrib) == {
        "name": "busfactor",
        "tests": "3",
        "failures": "2",
        "errors": "0",
        "skipped": "0",
    }
    cases = list(suite)
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("busfactor.single-owner", "services/billing"),
        ("busfactor.single-owner", "services/search"),
        ("busfactor.missing-runbook", "repository"),
    ]
    failure = cases[0].find("failure")
    assert failure is not None
    assert (failure.get("type"), failure.get("message")) == (
        "single-owner",
        "Ada holds 9 of 11 files",
    )
    assert failure.text == "Ada holds 9 of 11 files"
    assert list(cases[1]) == []
    last = cases[2].find("failure")
    assert last is not None
    assert last.text == "no runbook <for> \"all\" & 'sundry'"


def test_junit_control_characters_do_not_break_the_xml() -> None:
    """Characters XML 1.0 forbids become \\uXXXX text; tabs and newlines survive."""
    checks = [
        {
            "rule": "weak-runbook",
            "component": "evil\x00dir",
            "passed": False,
            "message": "bad\x1b[31m\x0bend\ttab\nline " + NON_UTF8,
        }
    ]
    out = render_junit(checks, name="policy")
    root = ET.fromstring(out.encode("utf-8"))
    assert root.get("name") == "policy"
    case = root[0][0]
    assert case.get("name") == "evil\\u0000dir"
    failure = case.find("failure")
    assert failure is not None
    assert failure.text == "bad\\u001b[31m\\u000bend\ttab\nline caf\\xe9"
    assert failure.get("message") == failure.text


def test_junit_empty_and_deterministic() -> None:
    """No checks give an empty, valid suite; the same checks give the same bytes."""
    root = ET.fromstring(render_junit([]).encode("utf-8"))
    assert (root.get("tests"), root.get("failures")) == ("0", "0")
    assert render_junit(junit_checks()) == render_junit(junit_checks())
