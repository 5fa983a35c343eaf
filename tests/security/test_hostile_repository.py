"""A repository whose configuration and attributes try to run programs: busfactor runs none.

The repository is committed first, then booby-trapped: `.git/config` (directly and through an
`include.path`) names hook directories, an fsmonitor, external diff and textconv drivers,
clean/smudge filters, pagers, ssh and editor commands, and every hook git knows writes a
marker. A control test proves the traps are live (plain git sets them off); the other tests
run every busfactor command on the repository and assert no marker appeared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builders import RepoBuilder
from busfactor.cli import main

HOOKS = [
    "applypatch-msg",
    "pre-applypatch",
    "post-applypatch",
    "pre-commit",
    "pre-merge-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-rebase",
    "post-checkout",
    "post-merge",
    "pre-push",
    "pre-receive",
    "update",
    "proc-receive",
    "post-receive",
    "post-update",
    "reference-transaction",
    "push-to-checkout",
    "pre-auto-gc",
    "post-rewrite",
    "sendemail-validate",
    "fsmonitor-watchman",
    "p4-changelist",
    "p4-prepare-changelist",
    "p4-post-changelist",
    "p4-pre-submit",
    "post-index-change",
]

SRC = Path(__file__).resolve().parents[2] / "src"


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    full = dict(os.environ)
    full.update(
        GIT_AUTHOR_NAME="Ada",
        GIT_AUTHOR_EMAIL="ada@example.test",
        GIT_COMMITTER_NAME="Ada",
        GIT_COMMITTER_EMAIL="ada@example.test",
        GIT_AUTHOR_DATE="1704103200 +0000",
        GIT_COMMITTER_DATE="1704103200 +0000",
    )
    full.update(env or {})
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=full, capture_output=True, check=True
    )
    return done.stdout.decode()


def _script(path: Path, marker: Path) -> str:
    path.write_text(f"#!/bin/sh\ntouch '{marker}'\ncat\nexit 0\n")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def trapped(tmp_path: Path) -> tuple[Path, Path]:
    """(repository, marker directory): a committed repository, then every trap set."""
    repo, markers, scripts = tmp_path / "repo", tmp_path / "markers", tmp_path / "scripts"
    for folder in (repo, markers, scripts):
        folder.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    for i, (name, email) in enumerate(
        [("Ada", "ada@example.test"), ("Bob", "bob@example.test"), ("Ada", "ada@example.test")]
    ):
        (repo / "src").mkdir(exist_ok=True)
        (repo / "src" / f"m{i}.py").write_text(f"x = {i}\n")
        (repo / "src" / "shared.py").write_text("".join(f"line {j}\n" for j in range(i + 1)))
        (repo / ".gitattributes").write_text("* diff=x filter=f merge=m\n")
        _git(repo, "add", "-A")
        stamp = f"{1704103200 + i * 86400} +0000"
        _git(
            repo,
            "commit",
            "-q",
            "--no-verify",
            "-m",
            f"change {i}",
            env={
                "GIT_AUTHOR_NAME": name,
                "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name,
                "GIT_COMMITTER_EMAIL": email,
                "GIT_AUTHOR_DATE": stamp,
                "GIT_COMMITTER_DATE": stamp,
            },
        )
    _git(repo, "mv", "src/m0.py", "src/moved.py")
    _git(repo, "commit", "-q", "--no-verify", "-m", "rename")

    def trap(name: str) -> str:
        return _script(scripts / name, markers / f"marker-{name}")

    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    other_hooks = tmp_path / "other-hooks"
    other_hooks.mkdir()
    for hook in HOOKS:
        _script(hooks / hook, markers / f"marker-hook-{hook}")
        _script(other_hooks / hook, markers / f"marker-hookspath-{hook}")
    (tmp_path / "outside.mailmap").write_text("Ada Outside <ada@example.test>\n")
    included = tmp_path / "included.config"
    included.write_text(f'[diff "y"]\n\ttextconv = {trap("included-textconv")}\n')
    settings = {
        "core.fsmonitor": trap("fsmonitor"),
        "core.hooksPath": str(other_hooks),
        "core.pager": trap("core-pager"),
        "core.sshCommand": trap("ssh"),
        "core.editor": trap("editor"),
        "core.askPass": trap("askpass"),
        "core.gitProxy": trap("gitproxy"),
        "core.alternateRefsCommand": trap("alternate-refs"),
        "core.untrackedCache": "true",
        "pager.log": trap("pager-log"),
        "pager.show": trap("pager-show"),
        "pager.diff": trap("pager-diff"),
        "diff.external": trap("diff-external"),
        "diff.x.textconv": trap("textconv"),
        "diff.x.command": trap("diff-command"),
        "diff.x.cachetextconv": "false",
        "filter.f.clean": trap("clean"),
        "filter.f.smudge": trap("smudge"),
        "filter.f.process": trap("filter-process"),
        "merge.m.driver": trap("merge-driver"),
        "sequence.editor": trap("sequence-editor"),
        "gpg.program": trap("gpg"),
        "gpg.ssh.program": trap("gpg-ssh"),
        "log.showSignature": "true",
        "credential.helper": "!" + trap("credential"),
        "uploadpack.packObjectsHook": trap("pack-objects-hook"),
        "remote.origin.url": "ext::" + trap("remote-ext"),
        "protocol.allow": "always",
        "mailmap.file": str(tmp_path / "outside.mailmap"),
        "mailmap.blob": "HEAD:.mailmap",
        "include.path": str(included),
        "maintenance.auto": "true",
        "gc.auto": "1",
        "gc.autoDetach": "false",
        "fetch.fsckObjects": "true",
        "feature.manyFiles": "true",
        "index.threads": "1",
    }
    for key, value in settings.items():
        _git(repo, "config", key, value)
    _git(repo, "config", "--add", "alias.busfactor", "!" + trap("alias"))
    (repo / ".gitattributes").write_text("* diff=x filter=f merge=m\n*.py diff=y\n")
    (repo / "src" / "m1.py").write_text("dirty working tree\n")
    assert not list(markers.iterdir())
    return repo, markers


def _fired(markers: Path) -> list[str]:
    return sorted(p.name for p in markers.iterdir())


def test_the_traps_are_live(trapped: tuple[Path, Path]) -> None:
    """Plain git with this configuration does run the programs: the traps work."""
    repo, markers = trapped
    subprocess.run(["git", "-C", str(repo), "status"], capture_output=True)
    subprocess.run(["git", "-C", str(repo), "diff"], capture_output=True)
    subprocess.run(["git", "-C", str(repo), "log", "-p", "-1"], capture_output=True)
    fired = _fired(markers)
    assert "marker-fsmonitor" in fired
    assert "marker-clean" in fired or "marker-filter-process" in fired
    assert "marker-diff-external" in fired


COMMANDS = [
    ["scan", "--format", "json"],
    ["scan", "--format", "markdown"],
    ["scan", "--history", "linear"],
    ["scan", "--merge-renames", "inexact"],
    ["graph", "--format", "graphml"],
    ["graph"],
    ["check", "--exit-zero", "--format", "json"],
    ["plan", "--format", "json"],
    ["whatif", "--without", "bob@example.test", "--format", "json"],
    ["codeowners", "suggest"],
    ["adr", "list"],
    ["runbook", "list"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_busfactor_runs_nothing_from_the_repository(
    trapped: tuple[Path, Path], command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, markers = trapped
    code = (
        main([*command[:1], str(repo), *command[1:]])
        if command[0]
        not in (
            "codeowners",
            "adr",
            "runbook",
        )
        else main([*command, str(repo)])
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out
    assert "error" not in captured.err
    assert _fired(markers) == []


def test_scan_result_is_right_despite_the_traps(
    trapped: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, markers = trapped
    assert main(["scan", str(repo), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {p["id"] for p in data["people"]} == {"ada@example.test", "bob@example.test"}
    # The mailmap file outside the repository may rename people; it must not run anything.
    assert {f["path"] for f in data["files"]} >= {"src/moved.py", "src/shared.py"}
    assert _fired(markers) == []


def test_subprocess_run_runs_nothing(trapped: tuple[Path, Path], tmp_path: Path) -> None:
    repo, markers = trapped
    env = dict(os.environ, PYTHONPATH=str(SRC), PAGER=str(tmp_path / "scripts" / "core-pager"))
    env["GIT_PAGER"] = env["PAGER"]
    env["GIT_EXTERNAL_DIFF"] = str(tmp_path / "scripts" / "diff-external")
    env["GIT_SSH_COMMAND"] = str(tmp_path / "scripts" / "ssh")
    for argv in (["scan", str(repo), "--format", "json"], ["check", str(repo), "--exit-zero"]):
        done = subprocess.run(
            [sys.executable, "-m", "busfactor", *argv],
            env=env,
            capture_output=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr.decode()
        assert b"Traceback" not in done.stderr
    assert _fired(markers) == []


@pytest.fixture
def trapped_partial(builder: RepoBuilder, tmp_path: Path) -> tuple[Path, Path]:
    """(clone, marker directory): a blobless clone whose promisor remote is an `ext::`
    command the clone's own config allows. Any object git fetched on demand would run it:
    here inexact rename detection (an edited rename) and every blob at the revision."""
    body = "".join(f"line {n} of a file long enough to be compared\n" for n in range(20))
    builder.commit("ada", write={"src/a.py": body, "src/b.py": "b\n"})
    builder.commit("bob", move={"src/a.py": "src/moved.py"}, write={"src/moved.py": body + "x\n"})
    builder.commit("ada", write={"src/b.py": "b\nc\n"})
    clone = builder.partial_clone(tmp_path / "clone", checkout=False)
    markers, scripts = tmp_path / "markers", tmp_path / "scripts"
    markers.mkdir()
    scripts.mkdir()
    trap = scripts / "remote-ext"  # leaves at once: an `ext::` command that echoed would hang
    trap.write_text(f"#!/bin/sh\ntouch '{markers / 'marker-lazy-fetch'}'\nexit 1\n")
    trap.chmod(0o755)
    for key, value in {
        "remote.origin.url": f"ext::{trap}",
        "protocol.ext.allow": "always",
        "protocol.allow": "always",
    }.items():
        _git(clone, "config", key, value)
    return clone, markers


def test_the_lazy_fetch_trap_is_live(trapped_partial: tuple[Path, Path]) -> None:
    """Plain git asked for a blob the clone lacks runs the remote's command."""
    clone, markers = trapped_partial
    blob = _git(clone, "rev-parse", "HEAD:src/b.py").strip()
    subprocess.run(
        ["git", "-C", str(clone), "cat-file", "-p", blob], capture_output=True, timeout=60
    )
    assert _fired(markers) == ["marker-lazy-fetch"]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_a_partial_clone_fetches_nothing(
    trapped_partial: tuple[Path, Path], command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    clone, markers = trapped_partial
    if command[0] in ("codeowners", "adr", "runbook"):
        code = main([*command, str(clone)])
    else:
        code = main([*command[:1], str(clone), *command[1:]])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out
    assert _fired(markers) == []


# -- Python code in the directory busfactor runs in -------------------------------------

SHADOWS = {  # a module each way of starting busfactor would import, if it looked here
    "argparse.py": "the CLI's first import, under `python -m busfactor`",
    "multiprocessing/__init__.py": "the first import of an organisation scan's process",
    "array.py": "the first import of the coupling child of `plan` (adr/0030)",
}


@pytest.fixture
def planted(tmp_path: Path) -> tuple[Path, Path]:
    """A checkout (the usual working directory of a CI step) holding two repositories and
    modules named as ones busfactor imports, each writing a marker when run."""
    checkout, markers = tmp_path / "checkout", tmp_path / "markers"
    markers.mkdir()
    for name in ("api", "web"):
        with RepoBuilder(checkout / name) as builder:
            builder.commit("ada", write={"src/a.py": "a\n"})
            builder.commit("bob", write={"src/b.py": "b\n"})
    for relative in SHADOWS:
        module = checkout / relative
        module.parent.mkdir(parents=True, exist_ok=True)
        marker = markers / relative.replace("/", "-")
        module.write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(3)\n")
    return checkout, markers


def test_the_planted_modules_are_live(planted: tuple[Path, Path]) -> None:
    """Plain `python -c` in that directory imports them."""
    checkout, markers = planted
    for module in ("argparse", "multiprocessing", "array"):
        subprocess.run([sys.executable, "-c", f"import {module}"], cwd=checkout, check=False)
    assert _fired(markers) == ["argparse.py", "array.py", "multiprocessing-__init__.py"]


CONSOLE_SCRIPT = Path(sys.executable).with_name("busfactor")


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "busfactor", "scan", "api"],
        [sys.executable, "-m", "busfactor", "check", "api"],
        [sys.executable, "-m", "busfactor", "scan", "api", "web", "--jobs", "2"],
        # The console script never looks in the working directory, its scan processes did.
        [str(CONSOLE_SCRIPT), "scan", "api", "web", "--jobs", "2"],
    ],
    ids=["scan", "check", "organisation scan", "organisation scan, console script"],
)
def test_busfactor_imports_nothing_from_the_working_directory(
    planted: tuple[Path, Path], command: list[str]
) -> None:
    checkout, markers = planted
    done = subprocess.run(
        [*command, "--no-cache", "--format", "json"],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"},
    )
    assert _fired(markers) == []
    assert done.returncode in (0, 1), done.stderr  # check: 1 is a breached policy
    assert json.loads(done.stdout)


PLAN_IN_A_CHILD = """
import sys
from busfactor.cli import main
from busfactor.core import coupling
coupling.CHILD_FROM = 1  # a long history's: the two commits are counted in a child
coupling._cpus = lambda: 2
started = []
start = coupling.CouplingJob._start
coupling.CouplingJob._start = lambda job: started.append(start(job)) or started[-1]
code = main(["plan", "api", "--no-cache", "--format", "json"])
assert started and started[0] is not None and started[0].returncode == 0, started
sys.exit(code)
"""


def test_the_coupling_child_imports_nothing_from_the_working_directory(
    planted: tuple[Path, Path],
) -> None:
    """`plan`'s child process (adr/0030) runs in the checkout too. The parent here is
    started with `-P` (nothing from the working directory), as `-m busfactor` runs."""
    checkout, markers = planted
    done = subprocess.run(
        [sys.executable, "-P", "-c", PLAN_IN_A_CHILD],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"},
    )
    assert done.returncode == 0, done.stderr
    assert _fired(markers) == []
    assert json.loads(done.stdout)["suggestions"] is not None


# -- Files the scaffolds read from the work tree ----------------------------------------

SECRET = "AWS_SECRET=hunter2"


@pytest.fixture
def linked_out(tmp_path: Path) -> tuple[Path, Path]:
    """A repository with one ADR, and a secret file outside it."""
    secret = tmp_path / "secret"
    secret.write_text(f"{SECRET}\n* @owner-from-outside\n", encoding="utf-8")
    with RepoBuilder(tmp_path / "repo") as builder:
        builder.commit("ada", write={"src/a/x.py": "x\n", "src/b/y.py": "y\n"})
        builder.commit(
            "bob",
            write={
                "docs/adr/0001-record-architecture-decisions.md": (
                    "# 1. Record architecture decisions\n\nDate: 2024-01-01\n\n"
                    "## Status\n\nAccepted\n"
                )
            },
        )
    return builder.path, secret


def test_adr_new_copies_no_template_from_outside_the_repository(
    linked_out: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, secret = linked_out
    (repo / "docs" / "adr" / "template.md").symlink_to(secret)
    assert main(["adr", "new", "Use Y", str(repo)]) == 0, capsys.readouterr().err
    created = (repo / "docs" / "adr" / "0002-use-y.md").read_text(encoding="utf-8")
    assert SECRET not in created
    assert "Use Y" in created


def test_runbook_new_copies_no_codeowners_from_outside_the_repository(
    linked_out: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, secret = linked_out
    (repo / "CODEOWNERS").symlink_to(secret)
    assert main(["runbook", "new", "src/a", str(repo)]) == 0, capsys.readouterr().err
    (created,) = (repo / "docs" / "runbooks").iterdir()
    assert "owner-from-outside" not in created.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("link", "command"),
    [(".adr-dir", ["adr", "new", "Use Y"]), ("CODEOWNERS", ["runbook", "new", "src/a"])],
)
def test_a_file_linked_to_dev_zero_is_not_read_without_end(
    linked_out: tuple[Path, Path], link: str, command: list[str]
) -> None:
    """Under a 1 GiB address space: reading /dev/zero to its end ran out of memory."""
    import resource

    repo, _ = linked_out
    (repo / link).symlink_to("/dev/zero")

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run(
        [sys.executable, "-m", "busfactor", *command, str(repo)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limited,
    )
    assert done.returncode == 0, done.stderr
    assert "internal error" not in done.stderr


@pytest.mark.parametrize(
    "command",
    [["adr", "new", "Hello"], ["runbook", "new", "src/a"], ["init"]],
    ids=["adr new", "runbook new", "init"],
)
def test_core_worktree_does_not_send_new_files_elsewhere(
    linked_out: tuple[Path, Path],
    tmp_path: Path,
    command: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The repository's own configuration named another folder its work tree: new records
    and the configuration were written there, and its `.busfactor.toml` read."""
    repo, _ = linked_out
    victim = tmp_path / "victim"
    victim.mkdir()
    _git(repo, "config", "core.worktree", str(victim))
    assert main([*command, str(repo)]) == 2
    assert "outside it (core.worktree)" in capsys.readouterr().err
    assert list(victim.iterdir()) == []
