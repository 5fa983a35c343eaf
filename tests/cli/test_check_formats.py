"""`busfactor check` in every CI format on one fixture repository, against golden files."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker

from builders import RepoBuilder
from busfactor.cli import main

GOLDEN = Path(__file__).parent.parent / "golden"
SCHEMA = Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json"
FORMATS = ("sarif", "github", "gitlab", "junit", "json", "markdown", "text")


@pytest.fixture
def odd_team(builder: RepoBuilder) -> Path:
    """Ada alone on `pay,ments:v2` (a name that needs escaping); Ada and Bob on api."""
    when = datetime(2025, 6, 1, tzinfo=UTC)
    builder.commit("ada", write={"pay,ments:v2/p.py": "p\n", "api/a.py": "a\n"}, when=when)
    builder.commit("bob", write={"api/b.py": "b\n"}, when=when + timedelta(1))
    builder.commit("bob", write={"api/b.py": "b2\n"}, when=when + timedelta(2))
    return builder.path


def _check(repo: Path, form: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["check", str(repo), "--format", form]) == 1
    return capsys.readouterr().out.replace(str(repo), "<repo>")


@pytest.mark.parametrize("form", FORMATS)
def test_formats_match_their_golden_files(
    odd_team: Path, form: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each CI format is byte for byte what was reviewed (BUSFACTOR_UPDATE_GOLDEN=1 rewrites)."""
    out = _check(odd_team, form, capsys)
    golden = GOLDEN / f"check.{form}"
    if os.environ.get("BUSFACTOR_UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_sarif_validates_against_the_official_schema(
    odd_team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The SARIF a real scan writes is valid SARIF 2.1.0, with the odd path percent-encoded."""
    data = json.loads(_check(odd_team, "sarif", capsys))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = list(Draft4Validator(schema, format_checker=FormatChecker()).iter_errors(data))
    assert errors == []
    uris = {
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in data["runs"][0]["results"]
    }
    assert "pay%2Cments%3Av2/p.py" in uris or "pay,ments%3Av2/p.py" in uris


def test_github_annotations_escape_commas_and_colons(
    odd_team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file property escapes , and : so the annotation lands on the right file."""
    out = _check(odd_team, "github", capsys)
    assert "file=pay%2Cments%3Av2/p.py" in out
    assert all(line.startswith("::") for line in out.splitlines())


def test_github_appends_a_step_summary(
    odd_team: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With GITHUB_STEP_SUMMARY set, a Markdown summary is appended to that file."""
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    _check(odd_team, "github", capsys)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")
    assert "## busfactor" in text
    assert "**Policy: failed.**" in text


def test_junit_has_a_case_per_check(odd_team: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """JUnit lists every policy check; the breached one is a failure."""
    root = ET.fromstring(_check(odd_team, "junit", capsys))
    cases = root.findall(".//testcase")
    failures = [case for case in cases if case.find("failure") is not None]
    assert {case.get("name") for case in failures} == {"pay,ments:v2"}
    assert root.get("failures") == str(len(failures))


def test_renaming_an_unrelated_file_keeps_fingerprints(
    builder: RepoBuilder, odd_team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Fingerprints ignore locations: moving a file of another component changes none."""
    before = {f["fingerprint"] for f in json.loads(_check(odd_team, "json", capsys))["findings"]}
    builder.commit("bob", move={"api/b.py": "api/c.py"}, when=datetime(2025, 6, 9, tzinfo=UTC))
    after = {f["fingerprint"] for f in json.loads(_check(odd_team, "json", capsys))["findings"]}
    assert before == after
