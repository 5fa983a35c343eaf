"""benchmarks/check_against_git.py: the per-file check against git on real clones.

It is run by hand on real repositories; here it runs on a small built one, where it must agree,
and must report a difference when the two sides follow different rules.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from builders import RepoBuilder
from busfactor.adapters.git import GitRepository

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "check_against_git.py"
ALICE = "Alice <alice@example.test>"
DAY_1, DAY_2 = 1704067200, 1704153600
"""The builder's first two commit days (2024-01-01 and -02, UTC)."""
ODD = "docs/odd [1]*.txt"
"""A path with glob characters: git must read it literally."""


@pytest.fixture(scope="module")
def check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_against_git", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def build(builder: RepoBuilder) -> None:
    """A topic branch whose change to `shared.txt` the merge throws away, so git's default
    per-file history and `--full-history` disagree about that file. The renames (one on the
    branch, one the merge's diff against the branch shows) fail the check unless the walk
    too leaves renames undetected, as `git log -- PATH` does."""
    builder.commit(
        "alice", write={"shared.txt": "one\n", "a.py": "a\n", ODD: "x\n", "m.txt": "m\n"}
    )
    builder.branch("topic")
    builder.checkout("topic")
    builder.commit("bob", write={"shared.txt": "bob's\n", "b.py": "b\n", "m.txt": "m2\n"})
    builder.commit("carol", write={"b.py": "b2\n", ODD: "y\n"})
    builder.commit("carol", move={"b.py": "c.py"})  # `git log -- c.py` starts here
    builder.checkout("main")
    builder.commit("alice", write={"a.py": "a2\n"}, move={"m.txt": "src/m.txt"})
    builder.merge("alice", "topic", write={"shared.txt": "one\n"})
    builder.commit("dave", delete=["a.py"])
    builder.commit("dave", write={"a.py": "again\n"})


def test_agrees_with_git_on_every_file_and_model(
    builder: RepoBuilder, check: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    build(builder)

    code = check.main([str(builder.path), "--sample", "0", "--warm-from", "HEAD~1", "HEAD~2^2"])

    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{builder.path}: dag: files: 5 checked, agree" in out
    assert f"{builder.path}: linear: files: 5 checked, agree" in out
    assert f"{builder.path}: dag: authors: 4 checked, agree" in out
    assert f"{builder.path}: dag: warm = cold: 2 checked, agree" in out


def test_reports_the_difference_between_two_rules(builder: RepoBuilder, check: ModuleType) -> None:
    """The dag walk against git's `--full-history` list: bob's discarded change differs."""
    build(builder)
    with GitRepository(builder.path) as repo:
        sha, _ = repo.resolve("HEAD")
        entries = repo.tree(sha)
        counts = check.walked(repo, sha, entries, "dag")
    index = next(i for i, entry in enumerate(entries) if entry.name == "shared.txt")

    ours = check.facts_of(counts, index)
    same = check.file_differences(
        ours, check.git_file_facts(builder.path, sha, b"shared.txt", "dag")
    )
    other = check.file_differences(
        ours, check.git_file_facts(builder.path, sha, b"shared.txt", "linear")
    )

    assert same == []
    bob = "Bob <bob@example.test>"
    assert other == [
        f"touches: busfactor {{{ALICE}: 1}}, git {{{ALICE}: 1, {bob}: 1}}",
        f"deliveries: busfactor {{}}, git {{{bob}: 1}}",
        f"first_time: busfactor {{{ALICE}: {DAY_1}}}, git {{{ALICE}: {DAY_1}, {bob}: {DAY_2}}}",
        f"last_time: busfactor {DAY_1}, git {DAY_2}",
    ]


def test_a_bad_revision_is_a_one_line_error(
    builder: RepoBuilder, check: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    build(builder)

    assert check.main([str(builder.path), "--rev", "no-such-branch"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "error" in err


def test_a_bad_warm_from_revision_fails_before_any_check(
    builder: RepoBuilder,
    check: ModuleType,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rescans run last: a mistyped `--warm-from` was reported only after every file was
    checked (20 s on numpy)."""
    build(builder)
    checked: list[str] = []
    monkeypatch.setattr(check, "check_files", lambda *args: checked.append(args[2]) or [])

    assert check.main([str(builder.path), "--warm-from", "HEAD", "no-such-branch"]) == 2
    assert "unknown revision: no-such-branch" in capsys.readouterr().err
    assert checked == []
