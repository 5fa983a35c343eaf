"""`busfactor plan` on real repositories whose right answer is known by construction."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from builders import RepoBuilder
from busfactor.cli import main
from busfactor.core import coupling
from busfactor.core.authorship import doa
from busfactor.core.cochange import Pair


def _billing(builder: RepoBuilder) -> None:
    """Ada alone knows billing; Bob touched billing/a.py twice; Cy owns money.py, coupled with it.

    Ada's billing commits also touch shared/money.py, so the two change together (coupled);
    Cy created money.py and keeps editing it, so Cy authors a file coupled with billing.
    """
    when = datetime(2025, 3, 1, tzinfo=UTC)
    step = iter(range(1000))

    def at() -> datetime:
        return when + timedelta(days=next(step))

    builder.commit("cy", write={"shared/money.py": "m0\n"}, when=at())
    builder.commit("ada", write={f"billing/{n}.py": "x\n" for n in "abc"}, when=at())
    for i in range(6):
        builder.commit(
            "ada",
            write={
                "billing/a.py": f"a{i}\n",
                "billing/b.py": f"b{i}\n",
                "shared/money.py": f"{i}\n",
            },
            when=at(),
        )
    for i in range(8):
        builder.commit("cy", write={"shared/money.py": f"cy{i}\n"}, when=at())
    builder.commit("bob", write={"billing/a.py": "bob1\n"}, when=at())
    builder.commit("bob", write={"billing/a.py": "bob2\n", "web/w.py": "w\n"}, when=at())
    builder.commit("dan", write={"web/w.py": "w2\n", "web/v.py": "v\n"}, when=at())


@pytest.fixture
def billing(builder: RepoBuilder) -> Path:
    """The story above, as a real repository."""
    _billing(builder)
    return builder.path


def _plan(repo: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    assert main(["plan", str(repo), "--format", "json", *extra]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def test_partial_knowledge_beats_coupling(
    billing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """For billing, Ada mentors Bob (he touched its files) and the reasons carry figures."""
    plan = _plan(billing, capsys, "--component", "billing")
    (suggestion,) = plan["suggestions"]
    assert suggestion["mentor"] == "ada@example.test"
    assert suggestion["learner"] == "bob@example.test"
    reasons = " | ".join(suggestion["reasons"])
    assert "partial knowledge" in reasons
    assert "DOA" in reasons
    assert suggestion["bus_factor_before"] == 1


def test_commits_needed_follows_the_doa_rule(
    billing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bob's commits needed on billing/a.py make him an author exactly, not one commit early."""
    plan = _plan(billing, capsys, "--component", "billing")
    needed = {f["path"]: f["commits_needed"] for f in plan["suggestions"][0]["files"]}
    assert "billing/a.py" in needed
    n = needed["billing/a.py"]
    # billing/a.py: Ada created it and modified it 6 times; Bob modified it twice.
    ada_before, bob_before = doa(1, 6, 2 + n - 1), doa(0, 2 + n - 1, 6)
    ada_after, bob_after = doa(1, 6, 2 + n), doa(0, 2 + n, 6)
    assert not (bob_before / max(ada_before, bob_before) > 0.75 and bob_before >= 3.293)
    assert bob_after / max(ada_after, bob_after) > 0.75
    assert bob_after >= 3.293


def test_the_leaving_setting_keeps_them_from_learning(
    billing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bob announced he is leaving (`leaving` in the configuration): Cy learns billing."""
    (billing / ".busfactor.toml").write_text('leaving = ["Bob"]\n')
    (suggestion,) = _plan(billing, capsys, "--component", "billing")["suggestions"]
    assert suggestion["learner"] == "cy@example.test"


def test_load_is_spread(billing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With one suggestion per person, nobody appears twice as mentor or learner."""
    plan = _plan(billing, capsys, "--max-per-person", "1")
    people = [s["mentor"] for s in plan["suggestions"] if s["mentor"]]
    people += [s["learner"] for s in plan["suggestions"]]
    assert len(people) == len(set(people))


def test_markdown_reads_as_a_plan(billing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The Markdown names people, not ids."""
    assert main(["plan", str(billing), "--format", "markdown", "--component", "billing"]) == 0
    text = capsys.readouterr().out
    assert "Ada" in text
    assert "Bob" in text
    assert "bob@example.test" not in text


def test_an_unknown_component_is_a_usage_error(
    billing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--component with a name that does not exist exits 2 with one line."""
    assert main(["plan", str(billing), "--component", "biling"]) == 2
    assert capsys.readouterr().err.startswith("busfactor: error: --component biling")


def test_coupling_counted_in_a_child_gives_the_same_plan(
    billing: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """adr/0030: a long history's co-changes are counted in a child process; forced on this
    short one, the plan is the same, coupling included."""
    here = _plan(billing, capsys)
    assert "co-change" in json.dumps(here)
    monkeypatch.setattr(coupling, "CHILD_FROM", 1)
    monkeypatch.setattr(coupling, "_cpus", lambda: 2)
    started: list[bool] = []
    pairs = coupling.CouplingJob.pairs

    def watched(job: coupling.CouplingJob) -> list[Pair]:
        started.append(job.in_child)
        return pairs(job)

    monkeypatch.setattr(coupling.CouplingJob, "pairs", watched)
    assert _plan(billing, capsys) == here
    assert started == [True]
