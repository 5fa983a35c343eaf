"""`--anonymize` and `--redact-emails`: no real name or email in any output format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from builders import RepoBuilder
from busfactor.cli import main

ADR = "---\nstatus: accepted\ndecision-makers: Ada Lovelace\n---\n# Use queues\n"
SECRETS = ("Ada", "Lovelace", "ada@example.test", "Bob", "bob@example.test")


@pytest.fixture
def team(builder: RepoBuilder) -> Path:
    """Ada and Bob, an ADR naming Ada as decision-maker, a CODEOWNERS naming Bob."""
    when = datetime(2025, 6, 1, tzinfo=UTC)
    builder.commit(
        ("Ada Lovelace", "ada@example.test"),
        write={"api/a.py": "a\n", "docs/adr/0001-queues.md": ADR},
        when=when,
    )
    builder.commit(
        ("Bob", "bob@example.test"),
        write={"web/w.py": "w\n", ".github/CODEOWNERS": "/web/ @bob\n"},
        when=when + timedelta(1),
    )
    return builder.path


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    assert code in (0, 1)
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "command",
    [
        ["scan", "--format", "json"],
        ["scan", "--format", "markdown"],
        ["scan"],
        ["check", "--format", "sarif"],
        ["check", "--format", "github"],
        ["graph", "--format", "graphml"],
        ["adr", "list"],
        ["plan", "--format", "json"],
    ],
)
def test_no_real_name_or_email_leaves(
    team: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Every format, with --anonymize, is free of the people's names, emails and handles."""
    out = _out(capsys, *command, str(team), "--anonymize")
    for secret in SECRETS:
        assert secret.lower() not in out.lower()


def test_pseudonyms_are_stable_and_salted(team: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two runs agree; another [privacy] salt gives other pseudonyms."""
    first = _out(capsys, "scan", str(team), "--anonymize", "--format", "json")
    assert _out(capsys, "scan", str(team), "--anonymize", "--format", "json") == first
    (team / ".busfactor.toml").write_text('[privacy]\nsalt = "other"\n', encoding="utf-8")
    assert _out(capsys, "scan", str(team), "--anonymize", "--format", "json") != first


def test_redact_emails_keeps_names(team: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--redact-emails hides emails but keeps names."""
    out = _out(capsys, "scan", str(team), "--redact-emails", "--format", "json")
    assert "Ada Lovelace" in out
    assert "ada@example.test" not in out
    assert "bob@example.test" not in out
