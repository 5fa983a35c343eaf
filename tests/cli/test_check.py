"""`busfactor check`: policy, exit codes, shallow clones and baselines on real repositories."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from builders import RepoBuilder
from busfactor.cli import main

RUNBOOK = (
    "---\nlast_reviewed: 2025-06-01\n---\n# Runbook\n## Overview\nx\n## Alerts\nx\n"
    "## Procedures\nx\n## Escalation\nx\n"
)


def _team(builder: RepoBuilder) -> None:
    """api (Ada and Bob) has a runbook; web, Ada's alone, has none."""
    when = datetime(2025, 6, 1, tzinfo=UTC)
    builder.commit("ada", write={"api/a.py": "a\n", "api/RUNBOOK.md": RUNBOOK}, when=when)
    builder.commit("bob", write={"api/b.py": "b\n"}, when=when + timedelta(1))
    builder.commit("ada", write={"web/w.py": "w\n"}, when=when + timedelta(2))


@pytest.fixture
def team(builder: RepoBuilder) -> RepoBuilder:
    """The story above, as a real repository."""
    _team(builder)
    return builder


def _config(repo: Path, text: str) -> None:
    (repo / ".busfactor.toml").write_text(text, encoding="utf-8")


def test_a_breach_exits_1(team: RepoBuilder, capsys: pytest.CaptureFixture[str]) -> None:
    """web has bus factor 1 and no runbook: the default policy fails the build."""
    assert main(["check", str(team.path)]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out
    assert "require-runbook" in out


def test_exit_zero_reports_without_failing(team: RepoBuilder) -> None:
    """--exit-zero turns a failed verdict into exit 0."""
    assert main(["check", str(team.path), "--exit-zero"]) == 0


def test_a_policy_that_holds_exits_0(team: RepoBuilder, capsys: pytest.CaptureFixture[str]) -> None:
    """Ignoring web's rules through a path override leaves nothing to fail on."""
    _config(
        team.path,
        '[policy]\nmin_truck_factor = 1\n[[policy.overrides]]\npaths = ["web"]\n'
        'ignore = ["require-runbook", "missing-runbook"]\n',
    )
    assert main(["check", str(team.path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["policy"]["failed"] is False
    assert {c["rule"] for c in data["policy"]["checks"]} >= {"min-truck-factor"}


@pytest.mark.parametrize("paths", ['["services"]', '["services/web"]', '["services/**"]'])
def test_an_override_for_a_directory_takes_in_the_components_below_it(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str], paths: str
) -> None:
    """`paths = ["services"]` did not reach the component `services/web`, although the
    documentation says a directory matches what is below it."""
    when = datetime(2025, 6, 1, tzinfo=UTC)
    builder.commit("ada", write={"services/web/w.py": "w\n", "api/a.py": "a\n"}, when=when)
    builder.commit("bob", write={"api/b.py": "b\n"}, when=when + timedelta(1))
    _config(
        builder.path,
        f"[policy]\nrequire_runbook_at_bus_factor = 1\n[[policy.overrides]]\npaths = {paths}\n"
        'ignore = ["require-runbook", "missing-runbook", "single-owner"]\n',
    )
    assert main(["check", str(builder.path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert not [f for f in data["findings"] if f.get("component") == "services/web"]


def test_the_flag_overrides_the_config(
    team: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """--min-truck-factor 3 breaches although the config asks for 1."""
    _config(
        team.path,
        '[policy]\nmin_truck_factor = 1\nignore = ["require-runbook", "missing-runbook"]\n',
    )
    assert main(["check", str(team.path)]) == 0
    assert main(["check", str(team.path), "--min-truck-factor", "3"]) == 1
    assert "min-truck-factor" in capsys.readouterr().out


def test_fail_on_warning(team: RepoBuilder) -> None:
    """With runbook rules ignored, web's single-owner warning fails only under --fail-on warning."""
    _config(team.path, '[policy]\nignore = ["require-runbook", "missing-runbook"]\n')
    assert main(["check", str(team.path)]) == 0
    assert main(["check", str(team.path), "--fail-on", "warning"]) == 1


def test_baseline_round_trip(
    team: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A baseline hides what it knew; a new single-owner component is new and fails again."""
    baseline = tmp_path / "baseline.json"
    assert main(["check", str(team.path), "--write-baseline", str(baseline)]) == 1
    capsys.readouterr()
    assert main(["check", str(team.path), "--baseline", str(baseline)]) == 0
    assert "no new findings" in capsys.readouterr().out
    team.commit("cy", write={"jobs/j.py": "j\n"}, when=datetime(2025, 6, 5, tzinfo=UTC))
    assert main(["check", str(team.path), "--baseline", str(baseline), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {f.get("component") for f in data["findings"]} == {"jobs"}
    changes = {
        c["component"]: (c["before"], c["after"]) for c in data["policy"]["bus_factor_changes"]
    }
    assert changes["jobs"] == (None, 1)


def test_breaches_the_baseline_had_are_reported_but_do_not_fail(
    team: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """web's missing runbook was in the baseline: JSON lists it as known, text counts it,
    JUnit skips it; jobs' new one fails, in every format that lists breaches."""
    baseline = tmp_path / "baseline.json"
    main(["check", str(team.path), "--write-baseline", str(baseline), "--exit-zero"])
    capsys.readouterr()
    team.commit("cy", write={"jobs/j.py": "j\n"}, when=datetime(2025, 6, 5, tzinfo=UTC))
    args = ["check", str(team.path), "--baseline", str(baseline), "--format"]
    assert main([*args, "json"]) == 1
    policy = json.loads(capsys.readouterr().out)["policy"]
    assert [(b["rule"], b["component"]) for b in policy["breaches"]] == [
        ("require-runbook", "jobs")
    ]
    assert [(b["rule"], b["component"]) for b in policy["known_breaches"]] == [
        ("require-runbook", "web")
    ]
    assert main([*args, "text"]) == 1
    text = capsys.readouterr().out
    assert "breach   require-runbook      jobs: bus factor 1" in text
    assert "1 breach already in the baseline" in text
    assert "web: bus factor 1 needs" not in text
    assert main([*args, "junit"]) == 1
    junit = capsys.readouterr().out
    assert 'skipped="1"' in junit
    assert '<skipped message="breached in the baseline too">web: bus factor 1' in junit
    assert 'type="require-runbook">jobs: bus factor 1' in junit
    for form, needle in (("github", "title=require-runbook::jobs"), ("sarif", '"require-runbook"')):
        assert main([*args, form]) == 1
        assert needle in capsys.readouterr().out


def test_markdown_and_the_step_summary_show_only_what_is_new_against_a_baseline(
    team: RepoBuilder,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Markdown report (and the GitHub job summary made from it) listed every finding
    and no bus factor change, although a baseline was given."""
    baseline = tmp_path / "baseline.json"
    main(["check", str(team.path), "--write-baseline", str(baseline), "--exit-zero"])
    capsys.readouterr()
    team.commit("cy", write={"jobs/j.py": "j\n"}, when=datetime(2025, 6, 5, tzinfo=UTC))
    assert main(["scan", str(team.path), "--format", "json"]) == 0
    every = json.loads(capsys.readouterr().out)["findings"]
    args = ["check", str(team.path), "--baseline", str(baseline)]
    assert main([*args, "--format", "json"]) == 1
    new = json.loads(capsys.readouterr().out)["findings"]
    assert 0 < len(new) < len(every)  # the baseline knew some
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main([*args, "--format", "markdown"]) == 1
    markdown = capsys.readouterr().out
    assert main([*args, "--format", "github"]) == 1
    capsys.readouterr()
    for text in (markdown, summary.read_text(encoding="utf-8")):
        rows = [line for line in text.splitlines() if line.startswith(("| error", "| warning"))]
        assert len(rows) == len(new)
        assert "Against the baseline: " in text
        assert "1 breach already there" in text
        assert "- jobs: bus factor new -> 1" in text


def test_check_text_shows_the_announced_departures(
    team: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """`leaving` adds its figures to every report: `check`'s text had none."""
    _config(team.path, 'leaving = ["bob@example.test"]\n')
    main(["check", str(team.path), "--exit-zero"])
    out = capsys.readouterr().out
    assert "Announced departures (Bob): truck factor 1 today, 1 after they leave" in out


def test_a_truck_factor_breach_is_an_error_in_every_ci_format(
    team: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CI job that fails must say why, whatever format it reads."""
    _config(team.path, "[policy]\nrequire_runbook_at_bus_factor = 0\nmin_truck_factor = 3\n")
    for form in ("github", "gitlab", "sarif", "junit", "text", "markdown"):
        assert main(["check", str(team.path), "--format", form]) == 1
        out = capsys.readouterr().out
        assert "truck factor 1, minimum 3" in out, form


def test_a_broken_baseline_is_a_usage_error(
    team: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A baseline that is not a busfactor report gives one error line and exit 2."""
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    assert main(["check", str(team.path), "--baseline", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("busfactor: error: ")
    assert "not a busfactor JSON report" in err


@pytest.mark.parametrize(
    "text",
    [
        '{"findings": 5}',
        '{"findings": ["x"]}',
        '{"findings": null}',
        '{"findings": [], "components": 5}',
        '{"findings": [], "truck_factor": {}, "components": []}',
        '{"schema": "busfactor.scan/2", "findings": []}',
        "[" * 100_000,
        '{"findings": [], "commits": ' + "9" * 5000 + "}",  # past json's 4,300 digits
    ],
    ids=["int", "str", "null", "components", "incomplete", "v2", "deep", "long number"],
)
def test_a_baseline_of_the_wrong_shape_is_a_usage_error(
    team: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    assert main(["check", str(team.path), "--baseline", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"busfactor: error: {bad}: ")
    assert "internal error" not in err
    assert len(err.splitlines()) == 1


def test_a_shallow_clone_is_refused(
    team: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A depth-1 clone exits 2 with the fix; --allow-shallow scans it anyway."""
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{team.path}", str(clone)], check=True
    )
    assert main(["check", str(clone)]) == 2
    err = capsys.readouterr().err
    assert "shallow clone" in err
    assert "fetch-depth: 0" in err
    assert main(["check", str(clone), "--allow-shallow", "--exit-zero"]) == 0


def test_policy_config_errors_name_the_key(
    team: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad [policy] value is a one-line error naming the key, exit 2."""
    _config(team.path, "[policy]\nmax_knowledge_lost = 2\n")
    assert main(["check", str(team.path)]) == 2
    assert "policy.max_knowledge_lost" in capsys.readouterr().err


def test_output_never_replaces_what_the_command_reads(
    team: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--output over the baseline, the configuration or --write-baseline is refused before
    anything is written; the same file as baseline and new baseline is a ratchet."""
    baseline = tmp_path / "baseline.json"
    main(["check", str(team.path), "--write-baseline", str(baseline), "--exit-zero"])
    before = baseline.read_bytes()
    config = tmp_path / "cfg.toml"
    config.write_text("[policy]\nmin_truck_factor = 1\n", encoding="utf-8")
    capsys.readouterr()
    for args in (
        ["--baseline", str(baseline), "--output", str(baseline)],
        ["--config", str(config), "--output", str(tmp_path / "." / "cfg.toml")],
        ["--output", str(tmp_path / "same"), "--write-baseline", str(tmp_path / "same")],
    ):
        assert main(["check", str(team.path), *args]) == 2
        err = capsys.readouterr().err
        assert "would replace" in err
    assert baseline.read_bytes() == before
    assert config.read_text(encoding="utf-8").startswith("[policy]")
    assert not (tmp_path / "same").exists()
    ratchet = ["--baseline", str(baseline), "--write-baseline", str(baseline), "--exit-zero"]
    assert main(["check", str(team.path), *ratchet]) == 0


def test_an_unwritable_step_summary_is_a_warning(
    team: RepoBuilder,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing" / "summary.md"))
    assert main(["check", str(team.path), "--format", "github", "--exit-zero"]) == 0
    captured = capsys.readouterr()
    assert "::error" in captured.out
    assert "GITHUB_STEP_SUMMARY" in captured.err
    assert "internal error" not in captured.err


def test_a_bad_new_baseline_path_fails_before_any_report(
    team: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no" / "such" / "b.json"
    assert main(["check", str(team.path), "--write-baseline", str(target), "--exit-zero"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "cannot write" in captured.err


def test_a_negative_minimum_truck_factor_is_refused(
    team: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", str(team.path), "--min-truck-factor", "-1"])
    assert exited.value.code == 2
    assert "expected a whole number of at least 0, got '-1'" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["folder", "broken link"])
def test_a_config_file_that_cannot_be_read_is_an_error(
    team: RepoBuilder, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """A CI policy that silently did not apply would pass builds it should fail."""
    target = team.path / ".busfactor.toml"
    if kind == "folder":
        target.mkdir()
    else:
        target.symlink_to("missing.toml")
    assert main(["check", str(team.path)]) == 2
    assert ".busfactor.toml: not a readable file" in capsys.readouterr().err


def test_a_policy_entry_that_matches_nothing_is_warned_about(
    team: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped component in `min_bus_factor` made the check pass silently, where the
    right name fails it; an override of no paths, or of paths nothing has, did too."""
    policy = (
        "[policy]\nrequire_runbook_at_bus_factor = 0\n"
        'ignore = ["single-owner", "missing-runbook"]\nmin_bus_factor = {{ {name} = 2 }}\n'
        '[[policy.overrides]]\npaths = ["web/w.py", "wbe/**"]\nignore = ["single-owner"]\n'
        "[[policy.overrides]]\npaths = []\n"
    )
    _config(team.path, policy.format(name='"wbe"'))
    assert main(["check", str(team.path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    expected = [
        "policy.min_bus_factor: no component 'wbe', so its minimum of 2 checks nothing "
        "(closest: web)",
        "policy.overrides[0].paths: 'wbe/**' matches no component or file, so it applies to "
        "nothing",
        "policy.overrides[1]: no paths, so it applies to nothing",
    ]
    assert captured.err.splitlines() == [f"busfactor: warning: {line}" for line in expected]
    assert json.loads(captured.out)["warnings"] == expected
    _config(team.path, policy.format(name='"web"'))
    assert main(["check", str(team.path)]) == 1
    assert "policy.min_bus_factor" not in capsys.readouterr().err


def test_a_known_finding_that_grows_more_severe_is_new_against_the_baseline(
    builder: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """web's missing runbook is a warning at bus factor 2 and an error at 1. Its fingerprint
    does not hold the severity, so the baseline hid the error and the check passed."""
    when = datetime(2025, 6, 1, tzinfo=UTC)
    builder.commit("ada", write={"web/a.py": "a\n"}, when=when)
    builder.commit("bob", write={"web/b.py": "b\n"}, when=when + timedelta(1))
    _config(builder.path, '[policy]\nignore = ["require-runbook"]\n')
    baseline = tmp_path / "baseline.json"
    main(["check", str(builder.path), "--write-baseline", str(baseline), "--format", "json"])
    before = json.loads(capsys.readouterr().out)["findings"]
    assert {(f["rule"], f["severity"]) for f in before} >= {("missing-runbook", "warning")}
    builder.commit("ada", write={}, delete=["web/b.py"], when=when + timedelta(2))
    args = ["check", str(builder.path), "--baseline", str(baseline), "--format", "json"]
    assert main(args) == 1
    new = json.loads(capsys.readouterr().out)["findings"]
    assert ("missing-runbook", "error") in {(f["rule"], f["severity"]) for f in new}


def test_a_component_named_in_bytes_that_are_not_utf8_matches_its_baseline(
    builder: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The baseline holds `caf\\xe9` as text, the scan the raw byte: the component never
    matched, its breach was new and its bus factor `gone` then `new` on every run."""
    when = datetime(2025, 6, 1, tzinfo=UTC)
    builder.commit("ada", write={b"caf\xe9/a.py": "a\n", "ok.py": "o\n"}, when=when)
    baseline = tmp_path / "baseline.json"
    assert main(["check", str(builder.path), "--write-baseline", str(baseline)]) == 1
    assert "caf\\\\xe9" in baseline.read_text("utf-8")
    capsys.readouterr()
    assert main(["check", str(builder.path), "--baseline", str(baseline), "--format", "json"]) == 0
    policy = json.loads(capsys.readouterr().out)["policy"]
    assert policy["breaches"] == []
    assert "caf\\xe9" in {c["component"] for c in policy["known_breaches"]}
    changes = {c["component"]: (c["before"], c["after"]) for c in policy["bus_factor_changes"]}
    assert changes["caf\\xe9"] == (1, 1)


def test_a_run_whose_report_cannot_be_written_leaves_the_baseline_as_it_was(
    team: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The baseline was written first: a run that failed to write its report (exit 2) made
    known what it never reported, and the next run against it passed in silence."""
    baseline = tmp_path / "baseline.json"
    assert main(["check", str(team.path), "--write-baseline", str(baseline), "--exit-zero"]) == 0
    before = baseline.read_bytes()
    team.commit("cy", write={"jobs/j.py": "j\n"}, when=datetime(2025, 6, 5, tzinfo=UTC))
    capsys.readouterr()
    nowhere = tmp_path / "no-such-folder" / "busfactor.sarif"
    argv = ["--baseline", str(baseline), "--write-baseline", str(baseline), "--format", "sarif"]
    assert main(["check", str(team.path), *argv, "-o", str(nowhere)]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert baseline.read_bytes() == before
    assert main(["check", str(team.path), "--baseline", str(baseline)]) == 1  # jobs: still new


def test_a_breach_points_where_its_component_does_and_the_repositorys_nowhere(
    team: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """The truck factor's breach took the place of a finding without a component (here a
    CODEOWNERS line), which had nothing to do with it."""
    codeowners = {".github/CODEOWNERS": "/web/ @nobody\n"}
    team.commit("bob", write=codeowners, when=datetime(2025, 6, 4, tzinfo=UTC))
    _config(team.path, "[policy]\nmin_truck_factor = 3\n")
    assert main(["check", str(team.path), "--format", "json", "--exit-zero"]) == 0
    located = {
        f.get("component"): f["location"]["path"]
        for f in json.loads(capsys.readouterr().out)["findings"]
        if f.get("location")
    }
    assert located.get(None) == ".github/CODEOWNERS"  # the finding the breach took over
    assert main(["check", str(team.path), "--format", "github"]) == 1
    truck = next(line for line in capsys.readouterr().out.splitlines() if "truck factor" in line)
    assert truck.startswith("::error title=min-truck-factor::"), truck


def test_a_new_breach_points_at_its_component_when_its_findings_are_known(
    builder: RepoBuilder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Against a baseline, the breach looked for its place among the new findings only:
    `core` fell from bus factor 3 to 2, its one finding was known, and the breach had no file
    (SARIF pinned it to a README.md the repository does not have)."""
    when = datetime(2025, 6, 1, tzinfo=UTC)
    for day, who in enumerate(["ada", "bob", "cy", "dan"]):
        builder.commit(who, write={f"core/{who}.py": f"{who}\n"}, when=when + timedelta(day))
    _config(builder.path, "[policy]\nmin_bus_factor = 3\nrequire_runbook_at_bus_factor = 0\n")
    baseline = tmp_path / "baseline.json"
    assert main(["check", str(builder.path), "--write-baseline", str(baseline)]) == 0
    builder.commit("ada", delete=["core/dan.py"], when=when + timedelta(9))
    capsys.readouterr()
    argv = ["check", str(builder.path), "--baseline", str(baseline), "--format", "github"]
    assert main(argv) == 1
    out = capsys.readouterr().out
    breach = next(line for line in out.splitlines() if "core: bus factor 2, minimum 3" in line)
    assert breach.startswith("::error file=core/"), breach


def test_the_job_summary_lists_every_finding(
    builder: RepoBuilder,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GitHub shows 10 annotations of a level; the job summary, said to list them all,
    stopped at 25 and sent the reader to a JSON report this step never wrote."""
    when = datetime(2025, 6, 1, tzinfo=UTC)
    for n in range(30):  # 30 components of one author: 60 findings and more
        builder.commit("ada", write={f"c{n:02}/a.py": f"{n}\n"}, when=when + timedelta(n))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["check", str(builder.path), "--format", "json"]) == 1
    every = json.loads(capsys.readouterr().out)["findings"]
    assert len(every) > 50
    assert main(["check", str(builder.path), "--format", "github"]) == 1
    assert "more warning findings" in capsys.readouterr().out  # the annotations stop
    text = summary.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith(("| error", "| warning"))]
    assert len(rows) == len(every)
    assert "more findings in the JSON report" not in text
    assert main(["check", str(builder.path), "--format", "markdown"]) == 1
    assert "more findings in the JSON report" in capsys.readouterr().out  # 25 there


def test_a_job_summary_past_githubs_limit_is_cut_after_a_whole_line() -> None:
    """Cut by characters, a summary of wide characters passed the 1 MiB in bytes, and the
    cut fell inside a table row."""
    from busfactor.cli.check import SUMMARY_LIMIT, _summary

    rows = "".join(
        f"| warning | single-owner | ü{n}: Ünïcödé名前 holds it |\n" for n in range(60000)
    )
    assert len(rows.encode("utf-8")) > SUMMARY_LIMIT
    cut = _summary(rows)
    assert len(cut.encode("utf-8")) <= SUMMARY_LIMIT
    kept, note = cut.rsplit("\n\n", 1)
    assert rows.startswith(kept + "\n")
    assert note.startswith("_The rest is cut")
    assert _summary("| short |\n") == "| short |\n"
