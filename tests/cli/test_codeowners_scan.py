"""CODEOWNERS drift through a whole scan, and `busfactor codeowners suggest`, on a real repo."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from builders import RepoBuilder
from busfactor.cli import main

CODEOWNERS = """# owners
/api/ @carol
/web/ @ada-lovelace @team/web
"""


@pytest.fixture
def owned(builder: RepoBuilder) -> Path:
    """Carol (gone) owns api on paper but Bob wrote it; Ada owns web; jobs has no owner."""
    old = datetime(2022, 1, 1, tzinfo=UTC)
    builder.commit("carol", write={"README.md": "r\n"}, when=old)
    when = datetime(2025, 6, 1, tzinfo=UTC)
    builder.commit("bob", write={"api/a.py": "a\n", "api/b.py": "b\n"}, when=when)
    builder.commit("ada", write={"web/w.py": "w\n"}, when=when + timedelta(1))
    builder.commit("ada", write={"jobs/j.py": "j\n"}, when=when + timedelta(2))
    builder.commit("ada", write={".github/CODEOWNERS": CODEOWNERS}, when=when + timedelta(3))
    (builder.path / ".busfactor.toml").write_text(
        '[owners]\n"@ada-lovelace" = "ada@example.test"\n"@team/web" = ["ada@example.test"]\n',
        encoding="utf-8",
    )
    return builder.path


def test_drift_findings_point_at_codeowners_lines(
    owned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Inactive owner, owners who wrote nothing, and an uncovered risky component are found."""
    assert main(["scan", str(owned), "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    drift = {
        (f["rule"], f["location"]["line"], f.get("component"))
        for f in findings
        if f["rule"].startswith("codeowners")
    }
    assert ("codeowners-inactive", 2, None) in drift
    assert ("codeowners-mismatch", 2, None) in drift
    assert ("codeowners-uncovered", 1, "jobs") in drift
    assert not any(rule == "codeowners-inactive" and line == 3 for rule, line, _ in drift)
    assert all(
        f["location"]["path"] == ".github/CODEOWNERS" for f in findings if "codeowners" in f["rule"]
    )


def test_suggest_prints_a_draft_from_real_authors(
    owned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The draft names Bob for api and Ada (by her handle) for web, and writes no file."""
    before = (owned / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert main(["codeowners", "suggest", str(owned)]) == 0
    draft = capsys.readouterr().out
    assert "/api/ bob@example.test" in draft
    assert "/web/ @ada-lovelace" in draft
    assert (owned / ".github" / "CODEOWNERS").read_text(encoding="utf-8") == before


def test_suggest_under_anonymize_shows_handles_as_the_findings_do(
    owned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--anonymize` promises pseudonyms in every output: the draft printed the real handles
    of `[owners]`. It now shows them as the findings show CODEOWNERS handles."""
    from busfactor.core.privacy import pseudonymize_handle
    from busfactor.core.settings import Settings

    salt = Settings().privacy_salt
    assert main(["codeowners", "suggest", str(owned), "--anonymize"]) == 0
    draft = capsys.readouterr().out
    assert "ada" not in draft.lower()
    assert "bob" not in draft.lower()
    assert f"/web/ {pseudonymize_handle('@ada-lovelace', salt)}" in draft
    assert main(["scan", str(owned), "--anonymize", "--format", "json"]) == 0
    messages = " ".join(f["message"] for f in json.loads(capsys.readouterr().out)["findings"])
    assert "@carol" not in messages
    assert pseudonymize_handle("@carol", salt) in messages
