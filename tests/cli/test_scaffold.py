"""`busfactor adr new` and `busfactor runbook new` on real repositories (issue 4)."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from builders import RepoBuilder
from busfactor.cli import main
from busfactor.cli.scaffold import add_adr_new, add_runbook_new
from busfactor.errors import RefusedError, UsageError
from busfactor.pipeline import scan
from busfactor.scaffold import adr_new

WHEN = datetime(2025, 3, 1, tzinfo=UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers()
    add_adr_new(commands.add_parser("adr").add_subparsers())
    add_runbook_new(commands.add_parser("runbook").add_subparsers())
    return parser


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    code: int = args.run(args)
    return code


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUSFACTOR_DATE", "2025-06-01")
    monkeypatch.delenv("ADR_TEMPLATE", raising=False)


def _seed(builder: RepoBuilder, files: dict[str, str] | None = None) -> None:
    write = {"billing/a.py": "a\n", "billing/b.py": "b\n", **(files or {})}
    builder.commit("ada", write=write, when=WHEN)
    builder.commit("ada", write={"billing/a.py": "a2\n"}, when=WHEN + timedelta(days=1))
    builder.commit("bob", write={"shared/x.py": "x\n"}, when=WHEN + timedelta(days=2))


def _commit_all(builder: RepoBuilder) -> None:
    builder.repo.git.add(all=True)
    builder.commit("ada", when=WHEN + timedelta(days=10))


NYGARD = """# {n}. {title}

Date: 2024-01-0{n}

## Status

Accepted

## Context

Context {n}.

## Decision

Decision {n}.

## Consequences

Consequences {n}.
"""


def _nygard(builder: RepoBuilder, count: int = 3) -> dict[str, str]:
    files = {}
    for n in range(1, count + 1):
        title = f"Decision number {n}"
        files[f"doc/adr/{n:04d}-decision-number-{n}.md"] = NYGARD.format(n=n, title=title)
    _seed(builder, files)
    return files


def test_empty_repository_folder_gets_init_record_and_madr4(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(builder)
    builder.repo.git.config("user.name", "Ada Lovelace")
    monkeypatch.chdir(builder.path)
    assert run(["adr", "new", "Use PostgreSQL", str(builder.path)]) == 0
    folder = builder.path / "docs/adr"
    assert sorted(p.name for p in folder.iterdir()) == [
        "0001-record-architecture-decisions.md",
        "0002-use-postgresql.md",
    ]
    out, err = capsys.readouterr()
    assert out == "docs/adr/0002-use-postgresql.md\n"
    assert err == (
        "busfactor: also created docs/adr/0001-record-architecture-decisions.md\n"
        "busfactor: scans read decision records from commits: commit this one (and the files "
        "above) to see it counted\n"
    )
    text = (folder / "0002-use-postgresql.md").read_text()
    assert text.startswith('---\nstatus: "proposed"\ndate: 2025-06-01\ndecision-makers: ')
    assert "# Use PostgreSQL\n" in text
    # the folder's first record names the same decision-makers, not "unknown"
    makers = text.split("decision-makers: ", 1)[1].split("\n", 1)[0]
    first = (folder / "0001-record-architecture-decisions.md").read_text()
    assert "Ada Lovelace" in makers
    assert f"decision-makers: {makers}\n" in first
    # the scan reads the records back with the right numbers, titles and statuses
    _commit_all(builder)
    decisions = {d["id"]: d for d in scan(builder.path).to_dict()["decisions"]}
    assert decisions["1"]["title"] == "Record architecture decisions"
    assert decisions["1"]["status"] == "accepted"
    assert decisions["2"]["title"] == "Use PostgreSQL"
    assert decisions["2"]["status"] == "proposed"


def test_adr_list_says_a_new_record_is_listed_once_committed(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`adr list` reads the revision, not the work tree: before the commit it says so."""
    _seed(builder)
    monkeypatch.chdir(builder.path)
    run(["adr", "new", "Use PostgreSQL", str(builder.path)])
    capsys.readouterr()
    assert main(["adr", "list", str(builder.path)]) == 0
    head = builder.repo.head.commit.hexsha[:12]
    assert capsys.readouterr().out == f"No architecture decision records committed at {head}.\n"
    _commit_all(builder)
    assert main(["adr", "list", str(builder.path)]) == 0
    assert "Use PostgreSQL" in capsys.readouterr().out


def test_nygard_template_for_empty_folder(builder: RepoBuilder) -> None:
    _seed(builder)
    run(["adr", "new", "Use Redis", str(builder.path), "--template", "nygard", "--dir", "adr"])
    text = (builder.path / "adr/0002-use-redis.md").read_text()
    assert text.startswith("# 2. Use Redis\n\nDate: 2025-06-01\n\n## Status\n\nProposed\n")
    first = (builder.path / "adr/0001-record-architecture-decisions.md").read_text()
    assert first.startswith("# 1. Record architecture decisions\n")
    assert "Decision-makers" not in first  # adr-tools' own names nobody
    assert "\nAccepted\n" in first
    # adr-tools' first record, with none of the template's placeholders left in it
    assert "thinkrelevance.com/blog/2011/11/15/documenting-architecture-decisions" in first
    assert "The issue motivating" not in first
    assert "What becomes easier" not in first
    assert "## Consequences\n\nSee Michael Nygard's article, linked above.\n" in first


def test_a_folder_scans_do_not_look_in_is_said_so(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--dir docs/nyg` wrote records no scan or `adr list` would find, without a word."""
    _seed(builder)
    assert main(["adr", "new", "Use Y", str(builder.path), "--dir", "docs/nyg"]) == 0
    assert '[adr] dir = "docs/nyg"' in capsys.readouterr().err
    assert main(["adr", "new", "Use Z", str(builder.path), "--dir", "docs/adr"]) == 0
    assert "[adr] dir" not in capsys.readouterr().err


def test_existing_nygard_folder(builder: RepoBuilder) -> None:
    builder.repo.git.config("user.name", "Ada Lovelace")
    _nygard(builder)
    run(["adr", "new", "Use Kafka", str(builder.path), "--status", "accepted"])
    path = builder.path / "doc/adr/0004-use-kafka.md"
    text = path.read_text()
    assert text.startswith("# 4. Use Kafka\n\nDate: 2025-06-01\n\n## Status\n\nAccepted\n")
    assert "Decision-makers: Ada Lovelace." in text
    assert not (builder.path / "docs/adr").exists()


def test_supersedes_nygard_changes_only_the_status_line(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _nygard(builder)
    old_path = builder.path / "doc/adr/0002-decision-number-2.md"
    before = old_path.read_bytes()
    monkeypatch.chdir(builder.path)
    run(["adr", "new", "Use Kafka", str(builder.path), "--supersedes", "2"])
    assert capsys.readouterr() == (
        "doc/adr/0004-use-kafka.md\n",
        "busfactor: updated doc/adr/0002-decision-number-2.md\n"
        "busfactor: scans read decision records from commits: commit this one (and the files "
        "above) to see it counted\n",
    )
    new = (builder.path / "doc/adr/0004-use-kafka.md").read_text()
    assert "Supersedes [2. Decision number 2](0002-decision-number-2.md)" in new
    after = old_path.read_bytes()
    assert after == before.replace(
        b"\nAccepted\n", b"\nSuperseded by [4. Use Kafka](0004-use-kafka.md)\n"
    )
    for name, text in files.items():
        if "0002" not in name:
            assert (builder.path / name).read_text() == text
    _commit_all(builder)
    decisions = {d["id"]: d for d in scan(builder.path).to_dict()["decisions"]}
    assert decisions["2"]["status"] == "superseded"
    assert decisions["2"]["superseded_by"] == ["4"]
    assert decisions["4"]["supersedes"] == ["2"]


def test_supersedes_keeps_adr_tools_spelling(builder: RepoBuilder) -> None:
    files = _nygard(builder)
    old = files["doc/adr/0003-decision-number-3.md"]
    files["doc/adr/0003-decision-number-3.md"] = old.replace(
        "Accepted\n", "Accepted\n\nSupercedes [1. Decision number 1](0001-decision-number-1.md)\n"
    )
    builder.commit("ada", write=files, when=WHEN + timedelta(days=5))
    run(["adr", "new", "Use Kafka", str(builder.path), "--supersedes", "0003"])
    text = (builder.path / "doc/adr/0003-decision-number-3.md").read_text()
    assert "Superceded by [4. Use Kafka](0004-use-kafka.md)\n\nSupercedes [1." in text
    assert (
        "Supercedes [3. Decision number 3]"
        in (builder.path / "doc/adr/0004-use-kafka.md").read_text()
    )


def test_links_both_ways(builder: RepoBuilder) -> None:
    _nygard(builder)
    run(["adr", "new", "Use Kafka", str(builder.path), "--links", "1"])
    old = (builder.path / "doc/adr/0001-decision-number-1.md").read_text()
    assert (
        "## Status\n\nAccepted\n\nLinked by [4. Use Kafka](0004-use-kafka.md)\n\n## Context" in old
    )
    new = (builder.path / "doc/adr/0004-use-kafka.md").read_text()
    assert "Links to [1. Decision number 1](0001-decision-number-1.md)" in new


MADR3 = """---
status: accepted
date: 2024-02-01
deciders: Ada
---
# Use Markdown

## Context and Problem Statement

Text.
"""


def test_madr3_deciders_style_and_supersession(builder: RepoBuilder) -> None:
    _seed(builder, {"docs/decisions/0000-use-markdown.md": MADR3})
    run(["adr", "new", "Use AsciiDoc", str(builder.path), "--supersedes", "0"])
    new = (builder.path / "docs/decisions/0001-use-asciidoc.md").read_text()
    assert new.startswith("---\nstatus: proposed\ndate: 2025-06-01\ndeciders: ")
    assert "* Supersedes [ADR-0000](0000-use-markdown.md)" in new
    old = (builder.path / "docs/decisions/0000-use-markdown.md").read_text()
    assert old == MADR3.replace(
        "status: accepted", "status: superseded by [ADR-0001](0001-use-asciidoc.md)"
    )


MADR4 = """---
status: "accepted"
date: 2024-02-01
decision-makers: Ada
---

# Use Markdown

## Context and Problem Statement

Text.
"""


def test_madr4_supersession_in_front_matter(builder: RepoBuilder) -> None:
    _seed(builder, {"docs/adr/0001-use-markdown.md": MADR4})
    run(["adr", "new", "Use AsciiDoc", str(builder.path), "--supersedes", "1"])
    old = (builder.path / "docs/adr/0001-use-markdown.md").read_text()
    assert old == MADR4.replace('status: "accepted"', 'status: "superseded by ADR-0002"')
    new = (builder.path / "docs/adr/0002-use-asciidoc.md").read_text()
    assert "decision-makers:" in new
    assert "deciders" not in new


LOG4BRAINS = """# Use Log4brains

- Status: accepted
- Date: 2024-03-05

## Context and Problem Statement

Text.
"""


def test_log4brains_date_slug_naming(builder: RepoBuilder) -> None:
    _seed(builder, {"docs/adr/20240305-use-log4brains.md": LOG4BRAINS})
    run(["adr", "new", "Use Mermaid", str(builder.path), "--supersedes", "20240305-use-log4brains"])
    new = (builder.path / "docs/adr/20250601-use-mermaid.md").read_text()
    assert new.startswith("# Use Mermaid\n\n- Status: proposed\n")
    assert "- Supersedes [20240305-use-log4brains](20240305-use-log4brains.md)" in new
    old = (builder.path / "docs/adr/20240305-use-log4brains.md").read_text()
    assert old == LOG4BRAINS.replace(
        "- Status: accepted",
        "- Status: superseded by [20250601-use-mermaid](20250601-use-mermaid.md)",
    )
    run(["adr", "new", "Use Mermaid", str(builder.path)])
    assert (builder.path / "docs/adr/20250601-use-mermaid-2.md").exists()


def test_template_file_in_folder_is_used(builder: RepoBuilder) -> None:
    template = "# NUMBER. TITLE\n\nDate: DATE\n\n## Status\n\nSTATUS\n\n## Why\n"
    _nygard(builder)
    (builder.path / "doc/adr/templates").mkdir()
    (builder.path / "doc/adr/templates/template.md").write_text(template)
    run(["adr", "new", "Use Kafka", str(builder.path)])
    text = (builder.path / "doc/adr/0004-use-kafka.md").read_text()
    assert text == "# 4. Use Kafka\n\nDate: 2025-06-01\n\n## Status\n\nproposed\n\n## Why\n"


def test_two_creations_do_not_clobber(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _nygard(builder)
    taken = builder.path / "doc/adr/0004-use-kafka.md"
    real = adr_new.plan_adr

    def racing(*args: object, **kwargs: object) -> adr_new.NewAdr:
        plan = real(*args, **kwargs)  # type: ignore[arg-type]
        if not taken.exists():  # another process wins number 4 after detection
            taken.write_text("someone else's\n")
        return plan

    monkeypatch.setattr(adr_new, "plan_adr", racing)
    run(["adr", "new", "Use Kafka", str(builder.path)])
    assert taken.read_text() == "someone else's\n"
    assert (builder.path / "doc/adr/0005-use-kafka.md").exists()
    monkeypatch.setattr(adr_new, "plan_adr", real)
    run(["adr", "new", "Use Kafka", str(builder.path)])
    assert (builder.path / "doc/adr/0006-use-kafka.md").exists()


def test_dry_run_writes_nothing(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _nygard(builder)
    monkeypatch.chdir(builder.path)
    before = {p: p.read_bytes() for p in (builder.path / "doc/adr").iterdir()}
    run(["adr", "new", "Use Kafka", str(builder.path), "--supersedes", "1", "--dry-run"])
    after = {p: p.read_bytes() for p in (builder.path / "doc/adr").iterdir()}
    assert after == before
    out = capsys.readouterr().out
    assert "==> doc/adr/0004-use-kafka.md (new) <==\n# 4. Use Kafka" in out
    assert "(updated)" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["adr", "new", "Use Kafka", "--dry-run", "REPO"],
        ["adr", "new", "Use Kafka", "--status", "accepted", "REPO", "--dry-run"],
        ["adr", "new", "--dry-run", "Use Kafka", "REPO"],
        ["runbook", "new", "billing", "--dry-run", "REPO"],
    ],
)
def test_the_repository_may_follow_the_options(
    builder: RepoBuilder,
    argv: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`adr new T --dry-run REPO` was "unrecognized arguments: REPO": argparse had filled
    `TITLE [path]` before the option. The repository is taken wherever it stands."""

    _nygard(builder)
    monkeypatch.chdir(tmp_path)  # not a repository: the path must be the one used
    argv = [str(builder.path) if word == "REPO" else word for word in argv]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "doc/adr/0004-use-kafka.md (new)" in out or "billing" in out
    with pytest.raises(SystemExit) as exit_info:  # two repositories: still refused
        main([*argv, str(builder.path)])
    assert exit_info.value.code == 2


def test_component_prefill(builder: RepoBuilder) -> None:
    _seed(builder)
    run(["adr", "new", "Split the billing tables", str(builder.path)])
    text = (builder.path / "docs/adr/0002-split-the-billing-tables.md").read_text()
    assert 'consulted: "Ada"' in text
    assert "Component `billing` has bus factor 1 (authors: Ada)." in text
    run(["adr", "new", "Another", str(builder.path), "--component", "shared"])
    text = (builder.path / "docs/adr/0003-another.md").read_text()
    assert "Component `shared` has bus factor 1 (authors: Bob)." in text
    with pytest.raises(UsageError, match="no such component"):
        run(["adr", "new", "X", str(builder.path), "--component", "nope"])


def test_unknown_record_is_a_usage_error(builder: RepoBuilder) -> None:
    _nygard(builder)
    with pytest.raises(UsageError, match="no such decision record"):
        run(["adr", "new", "X", str(builder.path), "--supersedes", "9"])
    assert not (builder.path / "doc/adr/0004-x.md").exists()


def test_a_runbook_for_a_dot_folder_is_a_visible_file(builder: RepoBuilder) -> None:
    """`.github` gets `docs/runbooks/github.md`, not a hidden `.github.md` (and the scan
    still finds it for `.github`)."""
    from busfactor.scaffold.runbook_new import default_location

    assert default_location(builder.path, ".github", [".github", "src"]) == (
        "docs/runbooks/github.md"
    )
    assert default_location(builder.path, "ci/.hooks", ["ci/.hooks"]) == "docs/runbooks/hooks.md"
    from busfactor.core.runbooks import runbook_names

    assert "github" in runbook_names(".github")  # what the next scan looks for


def test_runbook_new_is_detected_by_the_next_scan(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(builder)
    monkeypatch.chdir(builder.path)
    assert run(["runbook", "new", "billing", str(builder.path)]) == 0
    assert capsys.readouterr() == (
        "docs/runbooks/billing.md\n",
        "busfactor: scans read runbooks from commits: commit this one to see it counted\n",
    )
    before = {c["name"]: c for c in scan(builder.path).to_dict()["components"]}
    assert before["billing"]["runbook"] is None  # not yet: what the note says
    text = (builder.path / "docs/runbooks/billing.md").read_text()
    assert text.startswith('---\ncomponent: "billing"\nowner: "Ada"\nlast_reviewed: 2025-06-01\n')
    assert "Bus factor: 1 (authors: Ada)." in text
    assert "Bob" in text  # the learner who would raise it
    assert "- `billing/a.py` (2 commits)" in text
    _commit_all(builder)
    components = {c["name"]: c for c in scan(builder.path).to_dict()["components"]}
    assert components["billing"]["runbook"] == "docs/runbooks/billing.md"
    assert components["billing"]["runbook_status"] == "weak"


def test_a_runbook_for_the_root_files_is_found_by_the_next_scan(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`runbook new "(root)"` wrote `docs/runbooks/root.md`, which no scan looked for."""
    _seed(builder, {"setup.py": "s\n"})
    monkeypatch.chdir(builder.path)
    assert run(["runbook", "new", "(root)", str(builder.path)]) == 0
    assert capsys.readouterr().out == "docs/runbooks/root.md\n"
    _commit_all(builder)
    components = {c["name"]: c for c in scan(builder.path).to_dict()["components"]}
    assert components["(root)"]["runbook"] == "docs/runbooks/root.md"


def _crowded(builder: RepoBuilder) -> None:
    """`billing`: Ada wrote the most of it a year ago and left; twelve others each wrote and
    still keep one file."""
    old = WHEN - timedelta(days=400)
    builder.commit("ada", write={f"billing/core{n}.py": f"{n}\n" for n in range(3)}, when=old)
    for n in range(12):
        builder.commit(f"dev{n:02}", write={f"billing/part{n}.py": "x\n"}, when=WHEN)


def test_runbook_new_names_an_active_owner_and_caps_long_lists(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone who left is no owner to page, and a runbook does not list every author."""
    _crowded(builder)
    monkeypatch.chdir(builder.path)
    run(["runbook", "new", "billing", str(builder.path)])
    text = (builder.path / "docs/runbooks/billing.md").read_text()
    assert '\nowner: "Dev00"\n' in text
    assert "Bus factor: " in text
    assert " and 8 more)." in text  # 13 authors, 5 named
    experts = [line for line in text.splitlines() if re.match(r"\d+\. ", line)]
    assert len(experts) == 10
    assert experts[0] == "1. Ada (inactive, last commit 2024-01-26)"
    assert "3 more authors: `busfactor scan --format json` lists them." in text


def test_adr_new_consults_active_authors_only(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crowded(builder)
    monkeypatch.chdir(builder.path)
    run(["adr", "new", "Split billing", str(builder.path), "--component", "billing"])
    text = (builder.path / "docs/adr/0002-split-billing.md").read_text()
    assert 'consulted: "Dev00, Dev01, Dev02, Dev03, Dev04"' in text
    assert "(authors: Ada, Dev00, Dev01, Dev02, Dev03 and 8 more)." in text


def test_runbook_new_uses_existing_folder_and_refuses_overwrite(builder: RepoBuilder) -> None:
    _seed(builder, {"runbooks/shared.md": "# Shared\n"})
    run(["runbook", "new", "billing", str(builder.path)])
    assert (builder.path / "runbooks/billing.md").exists()
    before = (builder.path / "runbooks/shared.md").read_bytes()
    with pytest.raises(RefusedError, match=r"shared: already has a runbook, runbooks/shared\.md"):
        run(["runbook", "new", "shared", str(builder.path)])
    # Written, not committed yet: a second one is refused (one went beside it).
    with pytest.raises(RefusedError, match=r"runbooks/billing\.md \(not committed yet\)"):
        run(["runbook", "new", "billing", str(builder.path)])
    # A target taken by a folder is no runbook, and no place for one.
    (builder.path / "runbooks/billing.md").unlink()
    (builder.path / "runbooks/billing.md").mkdir()
    with pytest.raises(UsageError, match=r"runbooks/billing\.md: is a directory") as refused:
        run(["runbook", "new", "billing", str(builder.path)])
    assert refused.value.exit_code == 2
    assert (builder.path / "runbooks/shared.md").read_bytes() == before


def test_runbook_dry_run_and_unknown_component(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(builder)
    run(["runbook", "new", "billing", str(builder.path), "--dry-run"])
    assert not (builder.path / "docs/runbooks").exists()
    assert "# Runbook: billing" in capsys.readouterr().out
    with pytest.raises(UsageError, match="no such component"):
        run(["runbook", "new", "billin", str(builder.path)])


def test_runbook_output_option(builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(builder)
    monkeypatch.chdir(builder.path)
    with pytest.raises(UsageError, match="outside the repository"):
        run(["runbook", "new", "billing", ".", "--output", "../x.md"])
    with pytest.raises(UsageError, match=r"inside the repository's \.git directory"):
        run(["runbook", "new", "billing", ".", "--output", ".git/hooks/pre-commit"])
    assert not (builder.path / ".git/hooks/pre-commit").exists()
    run(["runbook", "new", "billing", ".", "--output", "billing/RUNBOOK.md"])
    assert (builder.path / "billing/RUNBOOK.md").exists()


def test_runbook_output_where_scans_do_not_look_is_said(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--output misc/notes.md` said "commit this one to see it counted"; committed, the
    component's runbook was still missing. Now it says how scans would find it, and a
    configured link is taken for what it is."""
    _seed(builder)
    monkeypatch.chdir(builder.path)
    run(["runbook", "new", "billing", ".", "--output", "misc/billing-notes.md"])
    err = capsys.readouterr().err
    assert "commit this one" not in err
    assert (
        "scans will not take misc/billing-notes.md for billing's runbook there: link it in "
        '.busfactor.toml ([runbooks] "billing" = "misc/billing-notes.md") or move it to '
        "docs/runbooks/billing.md"
    ) in err
    (builder.path / ".busfactor.toml").write_text('[runbooks]\nshared = "misc/shared.md"\n')
    run(["runbook", "new", "shared", ".", "--output", "misc/shared.md"])
    assert "commit this one to see it counted" in capsys.readouterr().err


def test_runbook_output_onto_a_folder_or_below_a_file_is_a_usage_error(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both said "already exists; not overwriting it" (exit 1, a refusal to overwrite)."""
    _seed(builder)
    monkeypatch.chdir(builder.path)
    with pytest.raises(UsageError, match="billing: is a directory") as folder:
        run(["runbook", "new", "billing", ".", "--output", "billing"])
    assert folder.value.exit_code == 2
    with pytest.raises(UsageError, match=r"billing/a\.py: not a directory"):
        run(["runbook", "new", "billing", ".", "--output", "billing/a.py/RUNBOOK.md"])


def test_config_and_codeowners_prefill(
    builder: RepoBuilder,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """[adr] dir and decision_makers steer adr new; a runbook quotes the CODEOWNERS entry."""
    monkeypatch.setenv("BUSFACTOR_DATE", "2025-07-01")
    builder.commit(
        "ada",
        write={
            "billing/b.py": "b\n",
            ".github/CODEOWNERS": "/billing/ @ada @bob\n",
            ".busfactor.toml": '[adr]\ndir = "architecture/records"\n'
            'decision_makers = ["Ada", "Bob"]\n',
        },
        when=datetime(2025, 6, 1, tzinfo=UTC),
    )
    run(["adr", "new", "Use queues", str(builder.path)])
    created = capsys.readouterr().out.strip().splitlines()[-1]
    assert "architecture/records/0002-use-queues.md" in created
    record = (builder.path / "architecture/records/0002-use-queues.md").read_text()
    assert 'decision-makers: "Ada, Bob"' in record
    run(["runbook", "new", "billing", str(builder.path), "--dry-run"])
    assert "`.github/CODEOWNERS:1 /billing/ @ada @bob`" in capsys.readouterr().out


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_new_records_get_the_permissions_open_would_give(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch, mask: int
) -> None:
    """Records were written through mkstemp, so they were 0600 beside 0644 neighbours; they
    now get 0666 less the umask, as `--output` and any editor give a new file."""
    import os
    import stat

    _seed(builder)
    monkeypatch.chdir(builder.path)
    previous = os.umask(mask)
    try:
        assert run(["adr", "new", "Use PostgreSQL", str(builder.path)]) == 0
        assert run(["runbook", "new", "billing", str(builder.path)]) == 0
    finally:
        os.umask(previous)
    written = [*(builder.path / "docs/adr").iterdir(), *(builder.path / "docs/runbooks").iterdir()]
    assert len(written) == 3
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path


def test_a_component_whose_name_is_not_utf8(
    builder: RepoBuilder,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`bad\\xffdir`: runbook new crashed on writing the name, leaving an empty
    docs/runbooks/, and the name as reports show it was "no such component". Both its bytes
    and its shown form name it now; the text says `bad\\xffdir`, the file keeps the bytes, so
    the next scan finds it."""
    builder.commit("ada", write={b"bad\xffdir/f.py": "x\n", "ok/g.py": "y\n"}, when=WHEN)
    monkeypatch.chdir(builder.path)
    assert run(["runbook", "new", "bad\\xffdir", ".", "--dry-run"]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")  # no raw 0xff byte
    assert out.startswith("==> docs/runbooks/bad\\xffdir.md (new) <==\n")
    assert 'component: "bad\\\\xffdir"' in out
    assert not (builder.path / "docs").exists()
    assert run(["runbook", "new", "bad\udcffdir", "."]) == 0
    assert capsysbinary.readouterr().out == b"docs/runbooks/bad\xffdir.md\n"  # the file's bytes
    written = builder.path / "docs/runbooks/bad\udcffdir.md"
    text = written.read_text(encoding="utf-8")
    assert text.startswith('---\ncomponent: "bad\\\\xffdir"\n')
    assert "# Runbook: bad\\xffdir\n" in text
    assert "- `bad\\xffdir/f.py` (1 commit)" in text
    _commit_all(builder)
    components = {c["name"]: c for c in scan(builder.path).to_dict()["components"]}
    assert components["bad\udcffdir"]["runbook"] == "docs/runbooks/bad\udcffdir.md"
    with pytest.raises(RefusedError, match="already has a runbook"):
        run(["runbook", "new", "bad\\xffdir", "."])
    assert run(["adr", "new", "Split it", ".", "--component", "bad\\xffdir"]) == 0
    record = (builder.path / "docs/adr/0002-split-it.md").read_text(encoding="utf-8")
    assert "Component `bad\\xffdir` has bus factor 1" in record


def test_a_runbook_that_cannot_be_written_leaves_no_folder(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folders made for a new file go again when it cannot be written."""
    from busfactor import scaffold

    _seed(builder)
    monkeypatch.chdir(builder.path)

    def full(path: object) -> tuple[int, str]:
        raise OSError(28, "No space left on device", "docs/runbooks")

    monkeypatch.setattr(scaffold, "_temporary", full)
    with pytest.raises(OSError, match="No space left"):
        run(["runbook", "new", "billing", "."])
    assert not (builder.path / "docs").exists()


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Café résumé naïve", "cafe-resume-naive"),
        ("Über ﬁle Ångström", "uber-file-angstrom"),
        ("Use 日本語 names", "use-names"),
        ("日本語", "decision"),
    ],
)
def test_accents_are_dropped_not_their_letters(title: str, slug: str) -> None:
    """`0012-caf-r-sum-na-ve.md`: the letters under the accents were lost."""
    assert adr_new.slugify(title) == slug
    assert adr_new.slugify(title, keep_case=True).lower() == slug


def test_an_accented_title_names_the_file(builder: RepoBuilder) -> None:
    _nygard(builder)
    assert run(["adr", "new", "Café résumé naïve", str(builder.path)]) == 0
    assert (builder.path / "doc/adr/0004-cafe-resume-naive.md").exists()


def test_a_superseded_record_is_not_superseded_again(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """0002 says "superseded by ADR-0004": `--supersedes 2` rewrote it to name 0006, leaving
    0004 claiming to supersede a record that names another. Refused, nothing written."""
    _seed(builder, {"docs/adr/0001-use-markdown.md": MADR4})
    assert run(["adr", "new", "Use AsciiDoc", str(builder.path), "--supersedes", "1"]) == 0
    capsys.readouterr()
    folder = builder.path / "docs/adr"
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    for dry in ([], ["--dry-run"]):
        args = ["adr", "new", "Use RST", str(builder.path), "--supersedes", "1", *dry]
        assert main(args) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err == (
            "busfactor: error: 0001-use-markdown.md: already superseded by ADR-0002; "
            "not superseding it again\n"
            "busfactor: hint: supersede ADR-0002 instead\n"
        )
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    assert main(["adr", "new", "Use RST", str(builder.path), "--supersedes", "2"]) == 0


def test_a_nygard_record_superseded_by_a_link_is_refused(builder: RepoBuilder) -> None:
    files = _nygard(builder)
    old = files["doc/adr/0001-decision-number-1.md"]
    files["doc/adr/0001-decision-number-1.md"] = old.replace(
        "Accepted\n", "Superceded by [3. Decision number 3](0003-decision-number-3.md)\n"
    )
    builder.commit("ada", write=files, when=WHEN + timedelta(days=5))
    with pytest.raises(RefusedError, match="already superseded by ADR-0003") as refused:
        run(["adr", "new", "Use Kafka", str(builder.path), "--supersedes", "1"])
    assert refused.value.exit_code == 1
    assert not (builder.path / "doc/adr/0004-use-kafka.md").exists()


def test_a_declared_adr_dir_is_used_while_it_is_empty(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`.adr-dir` names doc/architecture/decisions, still empty: records went to docs/adr,
    which no scan would then read. adr-tools writes where `.adr-dir` says; so does adr new,
    and the scan reads the folder once it holds a record."""
    _seed(builder, {".adr-dir": "doc/architecture/decisions\n"})
    (builder.path / "doc/architecture/decisions").mkdir(parents=True)
    monkeypatch.chdir(builder.path)
    assert run(["adr", "new", "H", ".", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "==> doc/architecture/decisions/0002-h.md (new) <==" in out
    assert run(["adr", "new", "H", "."]) == 0
    assert capsys.readouterr().out == "doc/architecture/decisions/0002-h.md\n"
    assert not (builder.path / "docs").exists()
    _commit_all(builder)
    paths = [d["path"] for d in scan(builder.path).to_dict()["decisions"]]
    assert paths == [
        "doc/architecture/decisions/0001-record-architecture-decisions.md",
        "doc/architecture/decisions/0002-h.md",
    ]


@pytest.mark.parametrize("declared", ["../elsewhere", "/tmp/elsewhere"])
def test_an_adr_dir_outside_the_repository_is_ignored_with_a_warning(
    builder: RepoBuilder,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    declared: str,
) -> None:
    """Both adr new and the scan say they ignore it, instead of saying nothing."""
    _seed(builder, {".adr-dir": f"{declared}\n", "docs/adr/0001-a.md": "# 1. A\n"})
    monkeypatch.chdir(builder.path)
    assert run(["adr", "new", "H", "."]) == 0
    out, err = capsys.readouterr()
    assert out == "docs/adr/0002-h.md\n"
    warning = f".adr-dir: {declared} is outside the repository; ignored"
    assert f"busfactor: warning: {warning}\n" in err
    assert warning in scan(builder.path).to_dict()["warnings"]


def test_an_empty_declared_folder_taking_over_is_said(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(builder, {".adr-dir": "decisions\n", "docs/adr/0001-a.md": "# 1. A\n"})
    monkeypatch.chdir(builder.path)
    assert run(["adr", "new", "H", "."]) == 0
    out, err = capsys.readouterr()
    assert out == "decisions/0002-h.md\n"
    assert (
        "busfactor: warning: decisions is declared (.adr-dir) but holds no record yet: once "
        "this one is committed, scans read it instead of docs/adr\n"
    ) in err
