"""`busfactor adr new` against the folders real projects have: their templates, monorepo
`.adr-dir` files, records that are not UTF-8, links that lead out (QA of stop 27)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.cli.test_scaffold import NYGARD, _commit_all, _seed, run

from builders import RepoBuilder
from busfactor.cli import main
from busfactor.errors import UsageError
from busfactor.pipeline import scan


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUSFACTOR_DATE", "2025-06-01")
    monkeypatch.delenv("ADR_TEMPLATE", raising=False)


def _decisions(builder: RepoBuilder) -> dict[str, dict[str, object]]:
    _commit_all(builder)
    report = scan(builder.path).to_dict()
    assert not [w for w in report["warnings"] if "adr" in w.lower()], report["warnings"]
    return {str(d["path"]): d for d in report["decisions"]}


def test_a_committed_link_leading_out_is_refused(
    builder: RepoBuilder, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`docs` committed as a link to a folder outside: records went there (and numbering
    began again at 1, the records there unread)."""
    outside = tmp_path_factory.mktemp("outside")
    _seed(builder)
    os.symlink(outside, builder.path / "docs")
    _commit_all(builder)
    with pytest.raises(UsageError, match="docs/adr: outside the repository"):
        run(["adr", "new", "Escape", str(builder.path)])
    assert list(outside.iterdir()) == []


LOG4BRAINS_TEMPLATE = """# [short title of solved problem and solution]

- Status: [draft | proposed | rejected | accepted | deprecated | … | superseded by [xxx](yyyymmdd-xxx.md)] <!-- optional -->
- Deciders: [list everyone involved in the decision] <!-- optional -->
- Date: [YYYY-MM-DD when the decision was last updated] <!-- optional -->
- Tags: [space and/or comma separated list of tags] <!-- optional -->

Technical Story: [description | ticket/issue URL] <!-- optional -->

## Context and Problem Statement

[Describe the context and problem statement.]

## Links <!-- optional -->

- [Link type] [Link to ADR] <!-- example: Refined by [xxx](yyyymmdd-xxx.md) -->
"""  # noqa: E501 - as log4brains writes it

LOG4BRAINS_RECORD = """# Use Log4brains

- Status: accepted
- Date: 2024-03-05

## Context and Problem Statement

Text.
"""


def test_a_log4brains_template_is_filled_in(builder: RepoBuilder) -> None:
    """`log4brains init` writes docs/adr/template.md: it was copied word for word, so the
    record's title read "[short title of solved problem and solution]" and its status
    "draft", and its supersede link went under a second Links heading."""
    _seed(
        builder,
        {
            "docs/adr/template.md": LOG4BRAINS_TEMPLATE,
            "docs/adr/20240305-use-log4brains.md": LOG4BRAINS_RECORD,
        },
    )
    run(["adr", "new", "Use pnpm", str(builder.path), "--supersedes", "20240305-use-log4brains"])
    text = (builder.path / "docs/adr/20250601-use-pnpm.md").read_text()
    assert text.startswith("# Use pnpm\n\n- Status: proposed\n- Deciders: ")
    assert "- Date: 2025-06-01\n- Tags: [space" in text
    assert text.count("## Links") == 1
    assert "- Supersedes [20240305-use-log4brains](20240305-use-log4brains.md)\n" in text
    decision = _decisions(builder)["docs/adr/20250601-use-pnpm.md"]
    assert (decision["title"], decision["status"], decision["date"]) == (
        "Use pnpm",
        "proposed",
        "2025-06-01",
    )
    assert decision["supersedes"] == ["20240305-use-log4brains"]


MADR4_TEMPLATE = """---
# These are optional metadata elements. Feel free to remove any of them.
status: "{proposed | rejected | accepted | deprecated | … | superseded by ADR-0123"
date: {YYYY-MM-DD when the decision was last updated}
decision-makers: {list everyone involved in the decision}
consulted: {list everyone whose opinions are sought (typically subject-matter experts)}
informed: {list everyone who is kept up-to-date on progress}
---

# {short title, representative of solved problem and found solution}

## Context and Problem Statement

{Describe the context and problem statement.}

## Considered Options

* {title of option 1}

<!-- This is an optional element. Feel free to remove. -->
## More Information

{You might want to provide additional evidence.}
"""

MADR4_RECORD = """---
status: accepted
date: 2024-02-01
decision-makers: Ada
---

# Use Markdown

## Context and Problem Statement

Text.
"""


def test_a_madr_template_is_filled_in(builder: RepoBuilder) -> None:
    """MADR's adr-template.md: its front matter's `{placeholders}` made the record's YAML
    invalid, so the scan read no status, no date and no decision-makers."""
    with builder.repo.config_writer() as config:
        config.set_value("user", "name", "Grace Hopper")
    _seed(
        builder,
        {
            "docs/decisions/adr-template.md": MADR4_TEMPLATE,
            "docs/decisions/0001-use-markdown.md": MADR4_RECORD,
        },
    )
    run(["adr", "new", "Use AsciiDoc", str(builder.path), "--links", "1"])
    text = (builder.path / "docs/decisions/0002-use-asciidoc.md").read_text()
    assert text.startswith(
        "---\n# These are optional metadata elements. Feel free to remove any of them.\n"
        'status: "proposed"\ndate: 2025-06-01\ndecision-makers: "Grace Hopper"\n---\n'
    )
    assert "consulted:" not in text
    assert "informed:" not in text
    assert "\n# Use AsciiDoc\n" in text
    assert "* Links to [ADR-0001](0001-use-markdown.md)\n" in text
    assert text.count("## More Information") == 1
    decision = _decisions(builder)["docs/decisions/0002-use-asciidoc.md"]
    assert (decision["title"], decision["status"], decision["date"]) == (
        "Use AsciiDoc",
        "proposed",
        "2025-06-01",
    )
    assert decision["deciders"] == ["Grace Hopper"]


def test_an_adr_tools_template_gets_its_supersede_line_in_the_status_block(
    builder: RepoBuilder,
) -> None:
    """adr-tools writes "Supersedes" under `## Status`; a Links section was appended."""
    files = {f"doc/adr/000{n}-d{n}.md": NYGARD.format(n=n, title=f"D{n}") for n in (1, 2)}
    files["doc/adr/templates/template.md"] = (
        "# NUMBER. TITLE\n\nDate: DATE\n\n## Status\n\nSTATUS\n\n## Context\n\nWhy.\n"
    )
    _seed(builder, files)
    run(["adr", "new", "Use Kafka", str(builder.path), "--supersedes", "2"])
    text = (builder.path / "doc/adr/0003-use-kafka.md").read_text()
    assert text == (
        "# 3. Use Kafka\n\nDate: 2025-06-01\n\n## Status\n\nproposed\n\n"
        "Supersedes [2. D2](0002-d2.md)\n\n## Context\n\nWhy.\n"
    )


def test_a_template_that_would_lose_the_title_is_left_aside_with_a_warning(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(builder, {"docs/adr/template.md": "Write something here.\n", "docs/adr/0001-a.md": ""})
    (builder.path / "docs/adr/0001-a.md").write_text(NYGARD.format(n=1, title="A"))
    assert run(["adr", "new", "Use Kafka", str(builder.path)]) == 0
    text = (builder.path / "docs/adr/0002-use-kafka.md").read_text()
    assert text.startswith("# 2. Use Kafka\n")
    assert "the folder's template (template.md) does not read back" in capsys.readouterr().err


def test_records_that_are_not_utf8_keep_their_numbers(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """Such a folder counted as empty: a first record "0001" was added beside 0001-cafe.md,
    and the dry run showed 0002 where the run then wrote 0003."""
    _seed(builder)
    arch = builder.path / "arch"
    arch.mkdir()
    (arch / "0001-cafe.md").write_bytes(b"# 1. Caf\xe9\n\n## Status\n\nAccepted\n")
    (arch / "0002-naive.md").write_bytes(b"# 2. Na\xefve\n\n## Status\n\nAccepted\n")
    assert run(["adr", "new", "Third", str(builder.path), "--dir", "arch", "--dry-run"]) == 0
    shown = [line for line in capsys.readouterr().out.splitlines() if line.startswith("==>")]
    assert shown == [f"==> {arch / '0003-third.md'} (new) <=="]
    assert run(["adr", "new", "Third", str(builder.path), "--dir", "arch"]) == 0
    assert sorted(p.name for p in arch.iterdir()) == [
        "0001-cafe.md",
        "0002-naive.md",
        "0003-third.md",
    ]


def test_a_record_named_several_ways_is_marked_once(builder: RepoBuilder) -> None:
    files = {f"doc/adr/000{n}-d{n}.md": NYGARD.format(n=n, title=f"D{n}") for n in (1, 2)}
    _seed(builder, files)
    argv = ["adr", "new", "Dup", str(builder.path), "--supersedes", "2", "--supersedes", "0002"]
    run([*argv, "--supersedes", "ADR-2", "--links", "2", "--links", "1", "--links", "0001"])
    new = (builder.path / "doc/adr/0003-dup.md").read_text()
    assert new.count("Supersedes [2. D2]") == 1
    assert "Links to [2. D2]" not in new
    assert new.count("Links to [1. D1]") == 1
    old = (builder.path / "doc/adr/0002-d2.md").read_text()
    assert old.count("Superseded by [3. Dup]") == 1
    assert "Linked by" not in old
    assert (builder.path / "doc/adr/0001-d1.md").read_text().count("Linked by [3. Dup]") == 1


def test_a_package_adr_dir_holds_only_where_the_command_runs(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As adr-tools reads `.adr-dir`: in the folder the command runs in, or above it. A
    package's own took every record of the repository, from its top as well."""
    _seed(
        builder,
        {
            "docs/adr/0001-a.md": NYGARD.format(n=1, title="A"),
            "services/pay/.adr-dir": "doc/adr\n",
            "services/pay/doc/adr/0001-p.md": NYGARD.format(n=1, title="P"),
            "services/pay/api/x.py": "x\n",
        },
    )
    monkeypatch.chdir(builder.path)
    assert run(["adr", "new", "Root decision"]) == 0
    assert capsys.readouterr().out == "docs/adr/0002-root-decision.md\n"
    monkeypatch.chdir(builder.path / "services/pay/api")
    assert run(["adr", "new", "Pay decision"]) == 0
    assert capsys.readouterr().out.endswith("/services/pay/doc/adr/0002-pay-decision.md\n")
    assert run(["adr", "new", "Also root", str(builder.path)]) == 0
    assert Path(capsys.readouterr().out.strip()).name == "0003-also-root.md"
    assert (builder.path / "docs/adr/0003-also-root.md").exists()


def test_a_title_beginning_with_a_number_keeps_it(builder: RepoBuilder) -> None:
    """The scan took "2024: plans for Q1" for record 2024's title, "plans for Q1"."""
    _seed(builder, {"docs/decisions/0001-use-markdown.md": MADR4_RECORD})
    run(["adr", "new", "2024: plans for Q1", str(builder.path)])
    run(["adr", "new", "3. Numbered as it is", str(builder.path)])
    decisions = _decisions(builder)
    assert decisions["docs/decisions/0002-2024-plans-for-q1.md"]["title"] == "2024: plans for Q1"
    assert decisions["docs/decisions/0003-3-numbered-as-it-is.md"]["title"] == "Numbered as it is"


def test_a_template_option_the_folder_overrules_is_said(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(builder, {"docs/decisions/0001-use-markdown.md": MADR4_RECORD})
    assert run(["adr", "new", "X", str(builder.path), "--template", "nygard"]) == 0
    assert (builder.path / "docs/decisions/0002-x.md").read_text().startswith("---\n")
    assert (
        "--template Nygard is for an empty folder: the new record follows MADR 4, as the "
        "folder's latest does"
    ) in capsys.readouterr().err
    assert run(["adr", "new", "Y", str(builder.path), "--template", "madr"]) == 0
    assert "--template" not in capsys.readouterr().err


def test_a_title_with_a_control_character_is_refused(builder: RepoBuilder) -> None:
    _seed(builder)
    with pytest.raises(UsageError, match="control character"):
        run(["adr", "new", "Bad \x1b[31m red", str(builder.path)])
    assert not (builder.path / "docs").exists()


def test_the_first_record_makes_no_folder_that_needs_a_runbook(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first `adr new` (or `runbook new`) in a repository without docs/ made a `docs`
    component at bus factor 1 whose missing runbook failed `check`. A folder of decision
    records and runbooks needs none, nor one with a guide beside them (nothing there runs);
    one with code in it does."""
    _seed(builder)
    with builder.repo.config_writer() as config:
        config.set_value("user", "name", "Ada")
    run(["adr", "new", "Use Postgres", str(builder.path)])
    _commit_all(builder)
    (builder.path / ".busfactor.toml").write_text("[policy]\nrequire_runbook_at_bus_factor = 1\n")
    capsys.readouterr()
    main(["check", str(builder.path), "--format", "json", "--exit-zero"])
    result = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in result["findings"] if f.get("component") == "docs"] == [
        "single-owner"  # a warning: true, and not what fails `check`
    ]
    assert not [c for c in result["policy"]["checks"] if c.get("component") == "docs"]
    for extra, expected in [
        ("guide.md", {"single-owner"}),
        ("build_site.py", {"single-owner", "missing-runbook"}),
    ]:
        (builder.path / "docs" / extra).write_text("# docs\n")
        _commit_all(builder)
        main(["check", str(builder.path), "--format", "json", "--exit-zero"])
        result = json.loads(capsys.readouterr().out)
        rules = {f["rule"] for f in result["findings"] if f.get("component") == "docs"}
        assert rules == expected, extra


def test_a_decision_maker_with_a_comma_in_the_name_stays_one_person(
    builder: RepoBuilder,
) -> None:
    """`git config user.name 'Lovelace, Ada'`: the record read `decision-makers: "Lovelace,
    Ada"` and the scan two people, Lovelace and Ada. Such names go in a YAML list, whose
    items scans do not split; names without a comma are written as before."""
    _seed(builder, {"docs/decisions/0001-use-markdown.md": MADR4_RECORD})
    with builder.repo.config_writer() as config:
        config.set_value("user", "name", "Lovelace, Ada")
    run(["adr", "new", "One", str(builder.path)])
    text = (builder.path / "docs/decisions/0002-one.md").read_text()
    assert 'decision-makers: ["Lovelace, Ada"]\n' in text
    (builder.path / ".busfactor.toml").write_text('[adr]\ndecision_makers = ["Bob", "Cy"]\n')
    run(["adr", "new", "Two", str(builder.path)])
    text = (builder.path / "docs/decisions/0003-two.md").read_text()
    assert 'decision-makers: "Bob, Cy"\n' in text
    decisions = _decisions(builder)
    assert decisions["docs/decisions/0002-one.md"]["deciders"] == ["Lovelace, Ada"]
    assert decisions["docs/decisions/0003-two.md"]["deciders"] == ["Bob", "Cy"]


@pytest.mark.parametrize("how", ["--dir", ".adr-dir"])
def test_records_are_never_written_into_the_git_directory(builder: RepoBuilder, how: str) -> None:
    """`--dir .git/hooks`, or an `.adr-dir` the repository ships saying so: refused (QA wrote
    a runbook there), since git's own folder is no part of the work tree and runs some files."""
    _seed(builder)
    hooks = builder.path / ".git" / "hooks"
    before = sorted(p.name for p in hooks.iterdir()) if hooks.exists() else []
    args = ["adr", "new", "Hooked", str(builder.path)]
    if how == "--dir":
        args += ["--dir", ".git/hooks"]
    else:
        (builder.path / ".adr-dir").write_text(".git/hooks\n", encoding="utf-8")
        _commit_all(builder)
    with pytest.raises(UsageError, match=r"\.git/hooks: inside the repository's \.git directory"):
        run(args)
    assert (sorted(p.name for p in hooks.iterdir()) if hooks.exists() else []) == before
