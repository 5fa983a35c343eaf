"""`busfactor scan REPO REPO ...` and `busfactor merge`: organisation reports, real repositories."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builders import RepoBuilder
from busfactor.cli import main

ADA_UPPER = ("Ada", "ADA@Example.test")
"""Ada in `web`, under an upper-case email: the same person once emails are normalised."""


@pytest.fixture
def org(tmp_path: Path) -> Path:
    """`api`: Ada alone writes `pay`, Ada and Bob `core`; `web`: Ada alone writes `ui`, Cy
    `docs`; `ops`: Bob and Cy together. Ada is the sole holder in two repositories."""
    base = tmp_path / "org"
    with (
        RepoBuilder(base / "api") as api,
        RepoBuilder(base / "web") as web,
        RepoBuilder(base / "ops") as ops,
    ):
        api.commit("ada", write={"pay/a.py": "a\n" * 30, "pay/b.py": "b\n" * 30})
        api.commit("ada", write={"core/x.py": "x\n" * 30})
        api.commit("bob", write={"core/y.py": "y\n" * 30})
        web.commit(ADA_UPPER, write={"ui/app.py": "u\n" * 30, "ui/view.py": "v\n" * 30})
        web.commit("cy", write={"docs/guide.py": "d\n" * 30})
        ops.commit("bob", write={"deploy/a.py": "a\n" * 30})
        ops.commit("cy", write={"deploy/b.py": "b\n" * 30})
    return base


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """busfactor.cli.main in this process: exit code, stdout, stderr."""
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def repos(base: Path, *names: str) -> list[str]:
    """Paths of some of the organisation's repositories."""
    return [str(base / name) for name in names]


def assert_one_line_error(code: int, out: str, err: str) -> str:
    """Exit 2, nothing on stdout, one `busfactor: error:` line."""
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("busfactor: error: ")
    return lines[0]


def test_shared_sole_holder_is_flagged(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ada, sole holder in `api` and `web` (two spellings of her email), is flagged first."""
    code, out, err = run(["scan", *repos(org, "api", "web", "ops"), "--format", "json"], capsys)
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["schema"] == "busfactor.org/1"
    ada = report["people"][0]
    assert ada["id"] == "ada@example.test"
    assert ada["single_point_of_failure"] is True
    assert ada["sole_holder_repositories"] == ["api", "web"]
    assert "api:pay" in ada["sole_components"]
    assert "web:ui" in ada["sole_components"]
    assert [p["single_point_of_failure"] for p in report["people"]].count(True) == 1
    assert [r["name"] for r in report["repositories"]] == ["api", "ops", "web"]


def test_a_single_repository_is_a_plain_scan(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One REPO keeps printing the `busfactor.scan/1` report, options and all."""
    code, out, _ = run(["scan", str(org / "api"), "--format", "json", "--jobs", "3"], capsys)
    assert code == 0
    assert json.loads(out)["schema"] == "busfactor.scan/1"


def test_a_failing_repository_is_reported_and_exits_2(
    org: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder that is not a repository, and an empty repository, are lines with their error;
    the others are scanned; the exit code is 2 and stderr names each failure."""
    (org / "notes").mkdir()
    with RepoBuilder(org / "empty"):
        pass
    code, out, err = run(
        ["scan", *repos(org, "api", "notes", "empty", "missing"), "--format", "json"], capsys
    )
    assert code == 2
    lines = {r["name"]: r for r in json.loads(out)["repositories"]}
    assert lines["api"]["error"] is None
    assert lines["api"]["truck_factor"] == 1
    for name in ("notes", "empty", "missing"):
        assert lines[name]["error"], name
        assert "\n" not in lines[name]["error"]
    assert "not a git repository" in lines["notes"]["error"]
    errors = [line for line in err.splitlines() if line.startswith("busfactor: error: ")]
    assert len(errors) == 3
    assert "Traceback" not in err


def test_text_report_lists_failures_and_flags(
    org: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default text report names the flagged person and the failed repository."""
    code, out, _ = run(["scan", *repos(org, "api", "web", "nowhere")], capsys)
    assert code == 2
    assert "Single points of failure across repositories" in out
    assert "Ada <ada@example.test>: api (truck factor; pay), web (truck factor; ui)" in out
    assert "nowhere  error:" in out


def test_repos_from_reads_paths_relative_to_the_file(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Comments and blank lines are skipped, paths are relative to the list, duplicates are
    scanned once (with a note), and the report equals naming the repositories directly."""
    listing = org / "repos.txt"
    listing.write_text("# our services\napi\n\n  web  \n./api\n# ops is archived\n", "utf-8")
    code, out, err = run(["scan", "--repos-from", str(listing), "--format", "json"], capsys)
    assert code == 0
    assert "given 2 times; counted once" in err
    _, direct, _ = run(["scan", *repos(org, "api", "web"), "--format", "json"], capsys)
    assert out == direct


def test_one_repository_named_three_ways_is_counted_once_with_one_note(
    org: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`api` and `api/` are one path; `api/.git` is the same repository, found to be so only
    once scanned. The note counts all three, once (it said "given 2 times" twice)."""
    api = org / "api"
    code, out, err = run(
        ["scan", str(api), f"{api}/", str(api / ".git"), str(org / "web"), "--format", "json"],
        capsys,
    )
    assert code == 0
    assert err.splitlines() == [f"busfactor: {api}: given 3 times; counted once"]
    _, direct, _ = run(["scan", *repos(org, "api", "web"), "--format", "json"], capsys)
    assert out == direct


def test_repos_from_dash_reads_standard_input(
    org: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--repos-from -` takes the list from a pipe, relative to the working folder; `./-`
    is still a file of that name."""
    monkeypatch.chdir(org)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"# piped\napi\nweb\n")))
    code, out, err = run(["scan", "--repos-from", "-", "--format", "json"], capsys)
    assert (code, err) == (0, "")
    _, direct, _ = run(["scan", *repos(org, "api", "web"), "--format", "json"], capsys)
    assert out == direct
    (org / "-").write_text("ops\n", "utf-8")
    code, out, _ = run(["scan", "--repos-from", "./-", "--format", "json"], capsys)
    assert code == 0
    assert [r["name"] for r in json.loads(out)["repositories"]] == ["ops"]


def test_repos_from_skips_a_byte_order_mark(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Windows editors start a UTF-8 file with a BOM; it is not part of the first path."""
    listing = org / "repos.txt"
    listing.write_text("\ufeffapi\nweb\n", "utf-8")
    code, out, err = run(["scan", "--repos-from", str(listing), "--format", "json"], capsys)
    assert code == 0, err
    _, direct, _ = run(["scan", *repos(org, "api", "web"), "--format", "json"], capsys)
    assert out == direct


@pytest.mark.parametrize(
    ("listing", "message"),
    [
        ("api\n~nosuchuser-busfactor/x\n", "repos.txt:2: no such user's home"),
        ("api\nr\0x\n", "not a usable path (embedded null byte)"),
        ("api\nloop\n", "loop: not a usable path"),
        ("api\n" + "a" * 100_000 + "\n", "…"),
    ],
    ids=["unknown user", "NUL", "link loop", "100 KB path"],
)
def test_repos_from_a_bad_entry_is_one_short_line(
    org: Path, capsys: pytest.CaptureFixture[str], listing: str, message: str
) -> None:
    """Each was an internal error, and the 100 KB path came back twice in a 200 KB line."""
    (org / "loop").symlink_to(org / "loop")
    (org / "repos.txt").write_text(listing, "utf-8")
    code, _, err = run(["scan", "--repos-from", str(org / "repos.txt")], capsys)
    assert code == 2
    assert "internal error" not in err
    assert message in err
    assert all(len(line) < 2100 for line in err.splitlines())


@pytest.mark.parametrize(
    "args",
    [["scan", "--repos-from", "/dev/zero"], ["merge", "/dev/zero"]],
    ids=["repos-from", "merge"],
)
def test_an_endless_file_is_refused_before_it_fills_memory(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """Given /dev/zero, each read until memory ran out (an internal MemoryError)."""
    code, _, err = run(args, capsys)
    assert code == 2
    assert "larger than" in err


def test_repos_from_adds_to_named_repositories(
    org: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """REPO arguments and --repos-from together; one REPO plus a list is an organisation scan."""
    listing = org / "more.txt"
    listing.write_text("ops\n", "utf-8")
    code, out, _ = run(
        ["scan", str(org / "api"), "--repos-from", str(listing), "--format", "json"], capsys
    )
    assert code == 0
    assert [r["name"] for r in json.loads(out)["repositories"]] == ["api", "ops"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--repos-from", "absent.txt"], "cannot read"),
        (["--repos-from", "empty.txt"], "lists no repository"),
        (["api", "web", "--jobs", "0"], "--jobs must be at least 1"),
    ],
)
def test_bad_org_scan_usage_is_one_line(
    org: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    """A missing or empty list and a bad --jobs are usage errors: exit 2, one line."""
    (org / "empty.txt").write_text("# nothing yet\n\n", "utf-8")
    monkeypatch.chdir(org)
    line = assert_one_line_error(*run(["scan", *args], capsys))
    assert message in line


def test_jobs_do_not_change_the_report(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One process or two worker processes: the same bytes."""
    paths = [*repos(org, "api", "web", "ops"), str(org / "missing")]
    code_1, one, _ = run(["scan", *paths, "--format", "json", "--jobs", "1"], capsys)
    code_2, two, _ = run(["scan", *paths, "--format", "json", "--jobs", "2"], capsys)
    assert code_1 == code_2 == 2
    assert one == two


def test_options_may_stand_between_repositories(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`scan api --format json web ops` and `merge a.json --format json b.json`: argparse
    filled the list of repositories once and refused the rest as unrecognized."""
    api, web, ops = repos(org, "api", "web", "ops")
    code, between, err = run(["scan", api, "--format", "json", web, "--jobs", "1", ops], capsys)
    assert (code, err) == (0, "")
    _, after, _ = run(["scan", api, web, ops, "--format", "json", "--jobs", "1"], capsys)
    assert between == after
    files = [str(tmp_path / f"{name}.json") for name in ("api", "web", "ops")]
    for repository, target in zip((api, web, ops), files, strict=True):
        assert run(["scan", repository, "--format", "json", "-o", target], capsys)[0] == 0
    code, merged, err = run(["merge", files[0], "--format", "json", *files[1:]], capsys)
    assert (code, err) == (0, "")
    assert merged == after
    for args, rest in (
        (["scan", api, "--format", "json", web, "--nope"], f"{web} --nope"),
        (["adr", "list", api, web], web),  # one repository only
    ):
        with pytest.raises(SystemExit) as stopped:
            main(args)
        assert stopped.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith(f"busfactor: error: unrecognized arguments: {rest}\n"), err


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_merge_of_scan_reports_equals_the_direct_scan(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """Per-repository JSON reports (as CI jobs write them), merged in another order, give the
    same organisation report as scanning the repositories together."""
    files = []
    for name in ("api", "web", "ops"):
        target = tmp_path / f"{name}.json"
        code, _, _ = run(["scan", str(org / name), "--format", "json", "-o", str(target)], capsys)
        assert code == 0
        files.append(str(target))
    code, merged, err = run(["merge", *reversed(files), "--format", fmt], capsys)
    assert (code, err) == (0, "")
    _, direct, _ = run(["scan", *repos(org, "api", "web", "ops"), "--format", fmt], capsys)
    assert merged == direct


def test_merge_writes_output_and_dedupes(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same report given twice counts once (and says so); --output is written whole."""
    report = tmp_path / "api.json"
    run(["scan", str(org / "api"), "--format", "json", "-o", str(report)], capsys)
    output = tmp_path / "org.json"
    code, out, err = run(
        ["merge", str(report), str(report), "--format", "json", "-o", str(output)], capsys
    )
    assert (code, out) == (0, "")
    assert "given 2 times; counted once" in err
    assert json.loads(output.read_text("utf-8"))["summary"]["repositories"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "invalid JSON at line 1"),
        ('{"schema": "busfactor.scan/2"}', "unsupported schema version busfactor.scan/2"),
        ('{"schema": "busfactor.org/1", "repositories": []}', "organisation report"),
        ('{"schema": "busfactor.plan/1"}', "merge takes busfactor.scan/1 reports"),
        ('{"name": "package.json"}', "not a busfactor report"),
        ('{"schema": "busfactor.scan/1", "repository": {}}', "incomplete"),
        ("[" * 100_000, "nested too deeply"),
        ('{"schema": "busfactor.scan/1", "x": ' + "9" * 5000 + "}", "a number too long"),
        (None, "cannot read"),
    ],
    ids=["text", "v2", "org", "plan", "package", "incomplete", "deep", "long number", "none"],
)
def test_merge_refuses_other_input_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    """Anything but a busfactor.scan/1 report: exit 2, one error line naming the file."""
    source = tmp_path / "input.json"
    if content is not None:
        source.write_text(content, "utf-8")
    line = assert_one_line_error(*run(["merge", str(source)], capsys))
    assert str(source) in line
    assert message in line


def test_merge_refuses_two_revisions_of_one_folder(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two CI jobs that checked different repositories out into the same folder are caught,
    and the line names the two report files (it named only the folder)."""
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    run(["scan", str(org / "api"), "--format", "json", "-o", str(first)], capsys)
    with RepoBuilder(org / "api") as api:
        api.commit("bob", write={"core/z.py": "z\n" * 30})
    run(["scan", str(org / "api"), "--format", "json", "-o", str(second)], capsys)
    line = assert_one_line_error(*run(["merge", str(first), str(second)], capsys))
    assert "different revisions" in line
    assert f"({first}, {second})" in line


def test_tui_refuses_a_json_that_is_not_an_org_report(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`busfactor tui scan.json` says what it can open, in one line."""
    report = tmp_path / "api.json"
    run(["scan", str(org / "api"), "--format", "json", "-o", str(report)], capsys)
    line = assert_one_line_error(*run(["tui", str(report)], capsys))
    assert "not an organisation report" in line


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"repositories": [{}]}, "repositories[0].name"),
        ({"repositories": [{"name": "api", "error": None}]}, "repositories[0].truck_factor"),
        ({"people": [{"name": "x"}]}, "people[0].id"),
        ({"summary": "x"}, "summary"),
        ({"people": [{"id": "a", "sole_holder_repositories": "api"}]}, "sole_holder"),
    ],
)
def test_tui_refuses_a_malformed_org_report_in_one_line(
    org: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, object],
    where: str,
) -> None:
    """A hand-edited org report with the right schema and lists but a broken entry crashed
    the app with a traceback (and exit 0); it is now a one-line error naming the field."""
    report = tmp_path / "org.json"
    run(["scan", *repos(org, "api", "web"), "--format", "json", "-o", str(report)], capsys)
    data = json.loads(report.read_text(encoding="utf-8"))
    data.update(change)
    report.write_text(json.dumps(data), encoding="utf-8")
    line = assert_one_line_error(*run(["tui", str(report)], capsys))
    assert where in line


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"schema": "busfactor.org/1", "x": ' + "9" * 5000 + "}", "a number too long"),
        (b"\xff\xfe", "not UTF-8 text"),
    ],
    ids=["deep", "long number", "not UTF-8"],
)
def test_tui_refuses_an_unreadable_json_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, message: str
) -> None:
    report = tmp_path / "org.json"
    if isinstance(content, bytes):
        report.write_bytes(content)
    else:
        report.write_text(content, encoding="utf-8")
    line = assert_one_line_error(*run(["tui", str(report)], capsys))
    assert message in line


def test_tui_opens_an_org_report(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`busfactor tui org.json` hands the report to the organisation app."""
    import busfactor.ui.org

    report = tmp_path / "org.json"
    run(["scan", *repos(org, "api", "web"), "--format", "json", "-o", str(report)], capsys)
    opened: list[dict[str, object]] = []
    monkeypatch.setattr(
        busfactor.ui.org, "run_org_tui", lambda data, title: opened.append(data) or 0
    )
    monkeypatch.setattr("busfactor.cli.diagnostics.require_terminal", lambda: None)
    assert main(["tui", str(report)]) == 0
    assert opened == [json.loads(report.read_text("utf-8"))]


@pytest.mark.parametrize("kind", ["repository", "org report"])
def test_tui_without_a_terminal_is_a_one_line_error(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """Without a terminal the app wrote its screens into the output and waited for keys
    (a CI step hung). pytest's standard streams are no terminal."""
    target = org / "api"
    if kind == "org report":
        target = tmp_path / "org.json"
        run(["scan", *repos(org, "api", "web"), "--format", "json", "-o", str(target)], capsys)
    line = assert_one_line_error(*run(["tui", str(target)], capsys))
    assert "the terminal app needs a terminal" in line


def test_a_shallow_clone_is_a_failed_repository(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A depth-1 clone would make its oldest author the sole holder of everything: it is a
    line with the shallow-clone error, and its people are not counted."""
    with RepoBuilder(org / "web") as web:
        clone = web.shallow_clone(tmp_path / "clones" / "web-shallow", depth=1)
    code, out, err = run(["scan", str(org / "api"), str(clone), "--format", "json"], capsys)
    assert code == 2
    lines = {r["name"]: r for r in json.loads(out)["repositories"]}
    assert lines["web-shallow"]["error"].startswith("shallow clone")
    assert lines["web-shallow"]["truck_factor"] is None
    assert "busfactor: error: web-shallow: shallow clone" in err
    people = {p["id"]: p for p in json.loads(out)["people"]}
    assert people["ada@example.test"]["repositories"] == ["api"]


def test_tui_refuses_a_file_that_is_not_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`busfactor tui notes.json` with text in it: one line, no traceback."""
    notes = tmp_path / "notes.json"
    notes.write_text("{ not json", "utf-8")
    line = assert_one_line_error(*run(["tui", str(notes)], capsys))
    assert "invalid JSON at line 1" in line


def test_org_commands_load_no_tui_library() -> None:
    """The organisation scan and merge modules, imported headless, load neither textual nor
    rich (only `tui ORG.json` does)."""
    probe = (
        "import sys, busfactor.cli, busfactor.cli.org, busfactor.orgscan, busfactor.formats.org\n"
        "print(sorted({'textual', 'rich'} & {m.split('.')[0] for m in sys.modules}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"


def _dies(code: int) -> None:
    """A scan process's target that ends without an outcome (the out-of-memory killer)."""
    import os

    if code < 0:
        os.kill(os.getpid(), -code)
    os._exit(code)


@pytest.mark.parametrize(("code", "reason"), [(3, "exit code 3"), (-9, "killed by SIGKILL")])
def test_a_scan_process_that_dies_fails_only_its_repository(code: int, reason: str) -> None:
    """A process pool broke when one worker died and failed every repository, also those not
    started yet; each repository now has a process of its own, read by `_collect`."""
    import multiprocessing
    from multiprocessing.connection import wait

    from busfactor.orgscan import _collect

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_dies, args=(code,))
    process.start()
    send.close()
    wait([receive, process.sentinel])
    assert _collect(process, receive) == (None, f"scan process died ({reason})")


def test_ctrl_c_during_a_parallel_scan_is_one_line_and_leaves_nothing_running(
    tmp_path: Path,
) -> None:
    """Ctrl-C reaches the whole process group (a terminal does that): exit 130, one line, no
    traceback from a worker starting or waiting, no process left behind. The pool it replaced
    sometimes printed workers' tracebacks, and sometimes never exited."""
    import os
    import signal
    import time

    names = [f"r{n}" for n in range(4)]
    for name in names:
        with RepoBuilder(tmp_path / name) as builder:
            for n in range(40):
                builder.commit("ada" if n % 2 else "bob", write={f"m/{n % 7}.py": f"{n}\n"})
    command = [sys.executable, "-m", "busfactor", "scan", *names, "--jobs", "2", "--no-cache"]
    outcomes = []
    for delay in (0.4, 0.7, 1.0, 0.2):
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
        assert "Traceback" not in err.decode(), err
        outcomes.append(process.returncode)
        if process.returncode == 130:
            assert err.decode() == "busfactor: error: interrupted\n"
        deadline = time.monotonic() + 5  # the resource tracker ends just after its parent
        while True:
            left = subprocess.run(
                ["ps", "-o", "stat=", "-s", str(process.pid)], capture_output=True, text=True
            ).stdout.split()
            if all(state.startswith("Z") for state in left) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert all(state.startswith("Z") for state in left), left  # zombies wait for init
    assert 130 in outcomes


def test_a_bad_config_for_an_org_scan_is_one_error_and_writes_nothing(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped --config failed every repository and replaced the report with one where all
    failed; it is one configuration error, as for a single repository."""
    out = tmp_path / "org.json"
    out.write_text("last week's report\n", encoding="utf-8")
    missing = tmp_path / "does-not-exist.toml"
    args = ["scan", *repos(org, "api", "web"), "--config", str(missing), "-o", str(out)]
    line = assert_one_line_error(*run(args, capsys))
    assert "does-not-exist.toml" in line
    assert out.read_text(encoding="utf-8") == "last week's report\n"


def test_output_never_replaces_a_path_given_as_a_repository(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`scan api notes.txt -o notes.txt` read notes.txt as a repository, failed it, then wrote
    the report over it."""
    notes = tmp_path / "notes.txt"
    notes.write_text("mine\n", encoding="utf-8")
    args = ["scan", str(org / "api"), str(notes), "-o", str(notes)]
    line = assert_one_line_error(*run(args, capsys))
    assert "would replace a repository argument" in line
    assert notes.read_text(encoding="utf-8") == "mine\n"


def test_a_mailmapped_address_matches_the_person_in_another_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In `beta` the mailmap folds asmith@corp.com into Alice; `delta` has no mailmap and
    sees only asmith@corp.com. git had applied the mailmap before busfactor read `beta`, so
    the old address was nowhere in its report and the organisation saw two people."""
    with RepoBuilder(tmp_path / "beta") as beta, RepoBuilder(tmp_path / "delta") as delta:
        beta.commit(("asmith", "asmith@corp.com"), write={"api/a.py": "a\n" * 20})
        beta.commit(("Alice Smith", "alice@corp.com"), write={"api/b.py": "b\n" * 20})
        beta.commit(("Dave Lee", "dave@x.org"), write={"docs/d.md": "d\n" * 20})
        beta.commit(
            ("Dave Lee", "dave@x.org"),
            write={".mailmap": "Alice Smith <alice@corp.com> <asmith@corp.com>\n"},
        )
        delta.commit(("asmith", "asmith@corp.com"), write={"tools/t.py": "t\n" * 20})
        delta.commit(("Erin Moss", "erin@x.org"), write={"srv/s.py": "s\n" * 20})
    args = ["scan", str(tmp_path / "beta"), str(tmp_path / "delta"), "--format", "json"]
    code, out, _ = run([*args, "--no-merge-by-name"], capsys)
    assert code == 0
    report = json.loads(out)
    alice = [p for p in report["people"] if "alice@corp.com" in (p["id"], *p["aliases"])]
    assert len(alice) == 1
    assert sorted(alice[0]["repositories"]) == ["beta", "delta"]
    assert alice[0]["single_point_of_failure"] is True


def test_merging_reports_made_with_different_models_warns(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CI jobs that ran with different options (a linear history model, code scope) merged
    without a word; their truck factors are not comparable, and the report says so."""
    api, web = tmp_path / "api.json", tmp_path / "web.json"
    run(["scan", str(org / "api"), "--format", "json", "-o", str(api)], capsys)
    linear = ["--history", "linear"]
    run(["scan", str(org / "web"), "--format", "json", "-o", str(web), *linear], capsys)
    code, out, err = run(["merge", str(api), str(web), "--format", "json"], capsys)
    assert code == 0
    warnings = json.loads(out)["warnings"]
    assert any("different history settings" in w for w in warnings), warnings
    assert "different history settings" in err
    run(["scan", str(org / "web"), "--format", "json", "-o", str(web)], capsys)
    code, out, _ = run(["merge", str(api), str(web), "--format", "json"], capsys)
    assert json.loads(out)["warnings"] == []


def test_two_copies_of_one_repository_are_pointed_out(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two checkouts at the same commit counted as two repositories, so their sole author
    was flagged across repositories; the report now says it looks like one scanned twice."""
    copy = tmp_path / "copy-of-api"
    subprocess.run(["git", "clone", "-q", str(org / "api"), str(copy)], check=True)
    code, out, err = run(["scan", str(org / "api"), str(copy), "--format", "json"], capsys)
    assert code == 0
    warnings = json.loads(out)["warnings"]
    assert any("api, copy-of-api are at the same commit" in w for w in warnings), warnings
    assert "scanned twice?" in err


def test_tui_with_stderr_redirected_says_it_draws_there(org: Path, tmp_path: Path) -> None:
    """`busfactor tui 2>log`: Textual draws on stderr, so the screens went into the log and
    the terminal stayed blank, waiting for keys. A terminal for stdin and stdout is not
    enough: it is one line (in the log) and exit 2."""
    import pty

    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "busfactor", "tui", str(org / "api"), "--no-cache"],
            stdin=terminal,
            stdout=terminal,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert done.returncode == 2
    lines = done.stderr.decode().splitlines()
    assert lines[0] == (
        "busfactor: error: the terminal app draws on standard error, which is not a terminal here"
    )
    assert lines[1:] == ["busfactor: hint: leave stderr on the terminal (no 2> redirection)"]
