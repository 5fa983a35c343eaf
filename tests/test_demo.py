"""The demo repository: built by one fast-import, deterministic, and telling busfactor's story."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from busfactor.demo import make_demo
from busfactor.errors import UsageError
from busfactor.pipeline import scan

PRIYA = "priya.natarajan@acme.example"
SRC = Path(__file__).resolve().parents[1] / "src"


def git(repo: Path, *args: str) -> str:
    """A git command's stdout in `repo`."""
    done = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    return done.stdout.decode().strip()


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A freshly made demo repository."""
    return make_demo(tmp_path / "demo")


@pytest.fixture
def report(demo: Path) -> dict[str, Any]:
    """The JSON report of a scan of the demo repository."""
    return scan(demo).to_dict()


def component(report: dict[str, Any], name: str) -> dict[str, Any]:
    """One component of a report by name."""
    found: dict[str, Any] = next(c for c in report["components"] if c["name"] == name)
    return found


def test_history_size_and_clean_checkout(demo: Path) -> None:
    """It has a few hundred commits by a dozen people, merges, and a clean working tree."""
    assert 300 <= int(git(demo, "rev-list", "--count", "HEAD")) <= 500
    assert int(git(demo, "rev-list", "--merges", "--count", "HEAD")) > 0
    assert git(demo, "status", "--porcelain") == ""
    assert git(demo, "branch", "--format=%(refname:short)") == "main"
    assert git(demo, "log", "-1", "--format=%cI") == "2026-10-31T12:00:00+00:00"
    assert (demo / "services" / "payments" / "RUNBOOK.md").is_file()


def test_payments_has_bus_factor_one(report: dict[str, Any]) -> None:
    """services/payments depends on one active person, whose departure is announced."""
    payments = component(report, "services/payments")
    assert payments["bus_factor"] == 1
    assert payments["bus_factor_authors"] == [PRIYA]
    assert payments["files_lost"] == 0
    assert report["leaving"] is not None
    assert report["leaving"]["without"] == [PRIYA]


def test_search_is_shared_by_two_active_people(report: dict[str, Any]) -> None:
    """services/search has a bus factor of 2 and a complete runbook."""
    search = component(report, "services/search")
    assert search["bus_factor"] == 2
    assert search["runbook"] == "docs/runbooks/search.md"
    assert search["runbook_status"] == "ok"


def test_legacy_billing_knowledge_is_lost(report: dict[str, Any]) -> None:
    """Everyone who wrote services/legacy-billing left, and it has no runbook."""
    legacy = component(report, "services/legacy-billing")
    assert legacy["files_lost"] > legacy["files"] / 2
    assert legacy["runbook_status"] == "missing"
    active = {p["email"] for p in report["people"] if p["active"]}
    assert not active & set(legacy["authors"])


def test_people_bot_and_mailmap(report: dict[str, Any]) -> None:
    """About a dozen people, dependabot listed as a bot, and the mailmapped alias merged."""
    people = {p["email"]: p for p in report["people"]}
    assert 10 <= len(people) <= 14
    assert sum(not p["active"] for p in people.values()) >= 3
    assert [b["name"] for b in report["bots"]] == ["dependabot[bot]"]
    assert not any("bot" in email for email in people)
    assert "mtanaka" in people["mei.tanaka@acme.example"]["aliases"]
    assert not any("mtanaka" in email for email in people)


def test_decisions_and_findings(report: dict[str, Any]) -> None:
    """Five MADR decisions: one superseded, one proposed, one orphaned; weak payments runbook."""
    decisions = {d["id"]: d for d in report["decisions"]}
    assert sorted(decisions) == ["1", "2", "3", "4", "5"]
    assert decisions["2"]["status"] == "superseded"
    assert decisions["2"]["superseded_by"] == ["4"]
    assert decisions["5"]["status"] == "proposed"
    assert "services/legacy-billing" in decisions["1"]["components"]
    rules = {(f["rule"], f.get("path")) for f in report["findings"]}
    assert ("orphaned-decision", "docs/decisions/0001-keep-invoices-in-postgresql.md") in rules
    assert component(report, "services/payments")["runbook_status"] == "weak"
    inactive = [f for f in report["findings"] if f["rule"] == "codeowners-inactive"]
    assert inactive
    assert "@lars-eriksen" in inactive[0]["message"]


def test_same_seed_same_history(tmp_path: Path, demo: Path) -> None:
    """Two runs with the same seed give the same HEAD; another seed gives another."""
    again = make_demo(tmp_path / "again")
    other = make_demo(tmp_path / "other", seed=8)
    assert git(demo, "rev-parse", "HEAD") == git(again, "rev-parse", "HEAD")
    assert git(demo, "rev-parse", "HEAD") != git(other, "rev-parse", "HEAD")


def test_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    """A directory with anything in it is refused and left as it was."""
    (tmp_path / "keep.txt").write_text("mine\n")
    with pytest.raises(UsageError, match="not an empty directory"):
        make_demo(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_refuses_a_file_saying_it_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "install.log").write_text("mine\n")
    with pytest.raises(UsageError, match="is a file, not a directory"):
        make_demo(tmp_path / "install.log")
    assert (tmp_path / "install.log").read_text() == "mine\n"


def test_accepts_an_empty_directory(tmp_path: Path) -> None:
    """An existing empty directory is used, and the path is returned."""
    assert make_demo(tmp_path) == tmp_path
    assert (tmp_path / ".git").is_dir()


def test_a_demo_without_a_path_leaves_nothing_behind(tmp_path: Path) -> None:
    """`busfactor demo --no-tui` left a repository in the temporary folder on every run."""
    env = dict(os.environ, TMPDIR=str(tmp_path), PYTHONPATH=str(SRC))
    done = subprocess.run(
        [sys.executable, "-m", "busfactor", "demo", "--no-tui"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"busfactor: demo repository: {tmp_path}")
    assert "(removed at exit: --path DIR keeps one)" in done.stderr
    assert "Truck factor" in done.stdout
    assert list(tmp_path.iterdir()) == []
