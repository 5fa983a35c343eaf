"""`--anonymize` and `--redact-emails`: no real name or email in any output format."""

from __future__ import annotations

import json
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


@pytest.fixture
def emailed(builder: RepoBuilder) -> Path:
    """Emails where people write them by hand: CODEOWNERS owners, ADR deciders and a title."""
    when = datetime(2020, 6, 1, tzinfo=UTC)
    adr = (
        "---\nstatus: accepted\ndeciders: [Olga <olga@old.example>, secret@corp.example]\n---\n"
        "# Use queues, ask olga@old.example\n"
    )
    builder.commit(
        ("Olga", "olga@old.example"),
        write={"api/a.py": "a\n", "docs/adr/0001-queues.md": adr},
        when=when,
    )
    builder.commit(
        ("New", "new@new.example"),
        write={
            "web/w.py": "w\n",
            ".github/CODEOWNERS": "* olga@old.example new@new.example\n/web/ olga@old.example\n",
        },
        when=datetime.now(UTC) - timedelta(1),
    )
    return builder.path


def _codeowners_findings(out: str) -> list[tuple[str, str]]:
    return sorted(
        (f["rule"], f.get("component") or f.get("path") or "")
        for f in json.loads(out)["findings"]
        if f["rule"].startswith("codeowners")
    )


@pytest.mark.parametrize("flag", ["--redact-emails", "--anonymize"])
def test_hand_written_emails_are_hidden_and_still_match_their_people(
    emailed: Path, flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An owner's email becomes the pseudonym of the same person's commits: no real email in
    any format, and the same CODEOWNERS findings as without the flag (Olga inactive, her
    /web/ not authored by her), not "never committed here"."""
    plain = _out(capsys, "scan", str(emailed), "--format", "json")
    hidden = _out(capsys, "scan", str(emailed), flag, "--format", "json")
    assert _codeowners_findings(hidden) == _codeowners_findings(plain)
    assert "codeowners-inactive" in {rule for rule, _ in _codeowners_findings(plain)}
    assert "never committed" not in hidden
    for command in (["scan", "--format", "json"], ["check", "--format", "sarif"], ["adr", "list"]):
        out = _out(capsys, *command, str(emailed), flag)
        for email in ("olga@old.example", "new@new.example", "secret@corp.example"):
            assert email not in out
