"""`adr new` run many times at once, over records it cannot read or update, with odd titles."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from builders import RepoBuilder
from busfactor.cli import main
from busfactor.scaffold import adr_new

SRC = Path(__file__).resolve().parents[2] / "src"
NYGARD = "# {n}. {title}\n\nDate: 2024-01-0{n}\n\n## Status\n\nAccepted\n"


@pytest.fixture
def adrs(builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch) -> RepoBuilder:
    monkeypatch.setenv("BUSFACTOR_DATE", "2025-06-01")
    monkeypatch.delenv("ADR_TEMPLATE", raising=False)
    builder.commit(
        "ada",
        write={
            "src/a.py": "a\n",
            "doc/adr/0001-first.md": NYGARD.format(n=1, title="First"),
            "doc/adr/0002-second.md": NYGARD.format(n=2, title="Second"),
        },
    )
    return builder


def _adr_new(repo: Path, title: str, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    return subprocess.Popen(
        [sys.executable, "-m", "busfactor", "adr", "new", title, str(repo), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_records_made_at_once_get_distinct_numbers_and_every_link(adrs: RepoBuilder) -> None:
    """Six processes: six numbers, and record 1 names all six that link to it."""
    runs = [_adr_new(adrs.path, f"Newer {n}", "--links", "1") for n in range(6)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * 6, outputs
    folder = adrs.path / "doc" / "adr"
    numbers = sorted(int(path.name[:4]) for path in folder.glob("*.md"))
    assert numbers == list(range(1, 9))
    first = (folder / "0001-first.md").read_text(encoding="utf-8")
    assert first.count("Linked by") == 6


def test_one_of_many_at_once_supersedes_a_record(adrs: RepoBuilder) -> None:
    """Four processes supersede record 1: one does, the others are refused (exit 1) and
    write nothing, since a record is superseded once."""
    runs = [_adr_new(adrs.path, f"Newer {n}", "--supersedes", "1") for n in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert sorted(run.returncode for run in runs) == [0, 1, 1, 1], outputs
    assert sum("already superseded by ADR-0003" in err for _, err in outputs) == 3, outputs
    folder = adrs.path / "doc" / "adr"
    assert sorted(path.name[:4] for path in folder.glob("*.md")) == ["0001", "0002", "0003"]
    first = (folder / "0001-first.md").read_text(encoding="utf-8")
    assert first.count("Superseded by") == 1


def test_a_record_that_is_not_utf8_keeps_its_number(
    adrs: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    (adrs.path / "doc/adr/0003-caf\u00e9.md").write_bytes(
        b"# 3. Caf\xe9\n\n## Status\n\nAccepted\n"
    )
    assert main(["adr", "new", "Next", str(adrs.path)]) == 0
    assert capsys.readouterr().out.strip().endswith("0004-next.md")


def test_a_long_title_gets_a_short_file_name(
    adrs: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "Use a very long title " * 15
    assert main(["adr", "new", title, str(adrs.path)]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert len(path.name) <= 90
    assert path.name.startswith("0003-use-a-very-long-title")
    assert " ".join(title.split()) in path.read_text(encoding="utf-8")


def test_a_folder_that_is_a_file_is_one_error(
    adrs: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    (adrs.path / "notes").write_text("x\n")
    assert main(["adr", "new", "Next", str(adrs.path), "--dir", "notes"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("busfactor: error: ")
    assert "not a directory" in err
    assert "internal error" not in err


def test_an_update_that_fails_undoes_the_new_record(
    adrs: RepoBuilder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Record 1 cannot be rewritten (immutable, read-only mount): the new record goes too,
    and record 2, already updated, gets its old text back."""
    folder = adrs.path / "doc" / "adr"
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    real = adr_new.replace_atomic

    def refuse_first(path: Path, data: bytes) -> None:
        if path.name == "0001-first.md":
            raise PermissionError(1, "Operation not permitted", str(path))
        real(path, data)

    monkeypatch.setattr(adr_new, "replace_atomic", refuse_first)
    args = ["adr", "new", "Both", str(adrs.path), "--supersedes", "2", "--supersedes", "1"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "0001-first.md: cannot update (Operation not permitted); nothing was written" in err
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_a_status_stays_one_value(adrs: RepoBuilder, capsys: pytest.CaptureFixture[str]) -> None:
    """A line break in --status cannot add a front-matter key; odd text is quoted."""
    folder = adrs.path / "docs" / "decisions"
    folder.mkdir(parents=True)
    (folder / "0001-x.md").write_text(
        "---\nstatus: accepted\ndate: 2024-01-01\n---\n# X\n", encoding="utf-8"
    )
    args = ["adr", "new", "Y", str(adrs.path), "--dir", "docs/decisions"]
    assert main([*args, "--status", "accepted\ntitle: injected"]) == 0
    text = Path(capsys.readouterr().out.strip()).read_text(encoding="utf-8")
    front = text.split("---")[1]
    assert 'status: "accepted title: injected"' in front
    assert "\ntitle:" not in front
    assert main([*args, "--status", "\x1b[31m"]) == 2
    assert "one line" in capsys.readouterr().err


def test_init_takes_no_output_file(adrs: RepoBuilder, capsys: pytest.CaptureFixture[str]) -> None:
    """It writes .busfactor.toml where scans look for it; its help offers no --output."""
    with pytest.raises(SystemExit) as refused:
        main(["init", str(adrs.path), "--output", "mine.toml"])
    assert refused.value.code == 2
    assert "--output" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["init", "--help"])
    assert "--output" not in capsys.readouterr().out
    assert not (adrs.path / "mine.toml").exists()
    assert not (adrs.path / ".busfactor.toml").exists()


def test_a_plain_status_line_is_superseded_in_place(
    adrs: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """`Status: Accepted` in a record without front matter, in a MADR folder, with a
    horizontal rule further down: that line changes, nothing else."""
    folder = adrs.path / "docs" / "decisions"
    folder.mkdir(parents=True)
    (folder / "0001-base.md").write_text(
        "---\nstatus: accepted\ndate: 2024-01-01\n---\n# Base\n", encoding="utf-8"
    )
    plain = "# Plain\n\nStatus: Accepted\n\n## Context\n\nText.\n\n---\n\nFooter.\n"
    (folder / "0002-plain.md").write_text(plain, encoding="utf-8")
    args = ["adr", "new", "Next", str(adrs.path), "--dir", "docs/decisions", "--supersedes", "2"]
    assert main(args) == 0
    capsys.readouterr()
    after = (folder / "0002-plain.md").read_text(encoding="utf-8")
    assert after == plain.replace(
        "Status: Accepted", "Status: Superseded by [ADR-0003](0003-next.md)"
    )


def test_notes_in_the_folder_do_not_switch_to_dated_names(
    adrs: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("glossary", "notes", "faq"):
        (adrs.path / "doc" / "adr" / f"{name}.md").write_text(f"# {name}\n", encoding="utf-8")
    assert main(["adr", "new", "Third", str(adrs.path)]) == 0
    assert capsys.readouterr().out.strip().endswith("doc/adr/0003-third.md")


def test_superseding_twice_or_through_a_link(
    adrs: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same record named twice is marked once; a record that is a symbolic link to
    another record is updated through the link, which stays a link."""
    folder = adrs.path / "doc" / "adr"
    (folder / "0003-alias.md").symlink_to("0002-second.md")
    assert (
        main(["adr", "new", "Twice", str(adrs.path), "--supersedes", "1", "--supersedes", "1"]) == 0
    )
    assert (folder / "0001-first.md").read_text(encoding="utf-8").count("Superseded by") == 1
    assert main(["adr", "new", "Through", str(adrs.path), "--supersedes", "3"]) == 0
    capsys.readouterr()
    assert (folder / "0003-alias.md").is_symlink()
    assert "Superseded by" in (folder / "0002-second.md").read_text(encoding="utf-8")


def test_an_ascii_stdout_still_gets_the_record(adrs: RepoBuilder) -> None:
    """PYTHONIOENCODING=ascii: `adr new "Ü" --dry-run` was an internal UnicodeEncodeError.
    What busfactor prints is UTF-8 whatever the stream's encoding says."""
    for extra in (["--dry-run"], []):
        env = dict(os.environ, PYTHONPATH=str(SRC), PYTHONIOENCODING="ascii")
        done = subprocess.run(
            [sys.executable, "-m", "busfactor", "adr", "new", "\u00dcber", str(adrs.path), *extra],
            env=env,
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert b"internal error" not in done.stderr
        if extra:
            assert "# 3. \u00dcber\n".encode() in done.stdout
        else:
            assert done.stdout.endswith(b"/doc/adr/0003-uber.md\n")
    init = subprocess.run(
        [sys.executable, "-m", "busfactor", "init", str(adrs.path), "--dry-run"],
        env=dict(env, PYTHONIOENCODING="ascii"),
        capture_output=True,
        check=False,
    )
    assert init.returncode == 0, init.stderr
